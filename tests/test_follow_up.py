"""Complete periods: after the horizon the run follows its incidents up (no new ones) until their
cases finish or ``simulation.follow_up_days`` runs out, and flags what is still incomplete."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minsheng_insure import load_scenario, simulate
from minsheng_insure.results.metrics import EVENT_DATE
from minsheng_insure.results.result import SimulationResult

from factories import small_scenario

ROOT = Path(__file__).parent.parent
COUNTS = ["reported", "registered", "cleared"]


def year_on_year(result: SimulationResult, counted_by: str) -> pd.DataFrame:
    """Each quarter and the year against the year before, for the counts a county publishes."""
    quarters, years = (result.period_change(period, counted_by) for period in ("quarter", "year"))
    table = pd.concat([quarters.assign(period=quarters["quarter"].map("Q{}".format)), years.assign(period="year")])
    return table[table["metric"].isin(COUNTS)]


@pytest.mark.slow
def test_a_stationary_county_shows_no_change_year_on_year() -> None:
    """The baseline is the same every year: 2017 against 2016 must show no change in any quarter or
    the year beyond its 95% CI (200 replications), counted either way. Without follow-up (0 days)
    the last quarter's clearances of 2017 fall by about 6% and this fails."""
    result = simulate(load_scenario(ROOT / "scenarios" / "baseline.toml"), replications=200, seed=1)
    by_incident = year_on_year(result, "incident")
    assert by_incident["complete"].all()
    shifted = by_incident[(by_incident["change_pct_ci_low"] > 0) | (by_incident["change_pct_ci_high"] < 0)]
    assert shifted.empty, shifted
    # Counted by event, the first periods lack the reports and clearances of incidents before the run
    # began: they are flagged, and every period left is unbiased.
    by_event = year_on_year(result, "event")
    assert by_event.loc[by_event["period"].isin(["Q3", "Q4"]), "complete"].all()
    assert not by_event.loc[by_event["period"].isin(["Q1", "year"]), "complete"].any()
    complete = by_event[by_event["complete"]]
    shifted = complete[(complete["change_pct_ci_low"] > 0) | (complete["change_pct_ci_high"] < 0)]
    assert shifted.empty, shifted


def test_follow_up_finishes_the_horizons_cases_without_new_incidents() -> None:
    scenario = small_scenario(**{"simulation.horizon_days": 365, "investigation.investigators": 1})
    cut = simulate(scenario.with_overrides({"simulation.follow_up_days": 0}), replications=3, seed=2)
    followed = simulate(scenario, replications=3, seed=2)
    cut_events, events = cut.events, followed.events
    # The same incidents; later reports and clearances only add to them.
    np.testing.assert_array_equal(cut_events["incident_day"], events["incident_day"])
    assert events["incident_day"].max() < 365
    assert events["reported"].sum() > cut_events["reported"].sum()
    assert events["cleared"].sum() > cut_events["cleared"].sum()
    assert (events["clear_day"] > 365).any() and (events["report_day"] > 365).any()
    assert not events["open_at_end"].any()
    # Cut at the horizon, the last month's cases are open and its figures flagged; counted by
    # event, nothing after the horizon is counted, so both runs agree there.
    assert cut_events["open_at_end"].any()
    months = cut.summary("month")
    assert not months.loc[months["month"] == 12, "complete"].all()
    assert months.loc[months["month"] == 6, "complete"].all()
    # (Figures on the incident's date, like the loss left uncompensated, may still change.)
    cut_by_event, by_event = (r.metrics("month", "event")[list(EVENT_DATE)] for r in (cut, followed))
    assert cut_by_event.equals(by_event)
    assert cut.timeline.equals(followed.timeline)  # the follow-up adds no months and no police costs


def test_open_cases_and_the_flag_agree() -> None:
    result = simulate(small_scenario(**{"simulation.follow_up_days": 5, "investigation.investigators": 1}),
                      replications=3, seed=5)
    metrics = result.metrics("quarter")
    assert metrics["open_cases"].sum() == result.events["open_at_end"].sum() > 0
    assert ((metrics["complete"] == 1) == (metrics["open_cases"] == 0)).all()
    change = simulate(small_scenario(**{"simulation.horizon_days": 730, "simulation.follow_up_days": 0,
                                        "investigation.investigators": 1}), replications=3, seed=5)
    table = change.period_change("quarter")
    assert not table.loc[table["quarter"] == 4, "complete"].any()
