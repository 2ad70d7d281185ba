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
WARM_UP_DAYS = 90.0
"""The warm-up measured to start the baseline in steady state (scenarios/baseline.toml provenance)."""


def year_on_year(result: SimulationResult, counted_by: str) -> pd.DataFrame:
    """Each quarter and the year against the year before, for the counts a county publishes."""
    quarters, years = (result.period_change(period, counted_by) for period in ("quarter", "year"))
    table = pd.concat([quarters.assign(period=quarters["quarter"].map("Q{}".format)), years.assign(period="year")])
    return table[table["metric"].isin(COUNTS)]


@pytest.mark.slow
def test_a_stationary_county_shows_no_change_year_on_year() -> None:
    """The baseline is the same every year: with 90 days of warm-up, 2017 against 2016 must show no
    change in any quarter or the year beyond its 95% CI (200 replications), counted either way, and
    every period must be complete. Without follow-up (0 days) the last quarter's clearances of 2017 fall by about 6%;
    without warm-up (0 days), counted by event, Q1 2016 lacks the reports and clearances of
    incidents before day 0, so Q1 2017 rises by about 7% and Q1 and the year are incomplete."""
    baseline = load_scenario(ROOT / "scenarios" / "baseline.toml")
    result = simulate(baseline.with_overrides({"simulation.warm_up_days": WARM_UP_DAYS}), replications=200, seed=1)
    for counted_by in ("incident", "event"):
        table = year_on_year(result, counted_by)
        assert table["complete"].all(), table[~table["complete"]]
        shifted = table[(table["change_pct_ci_low"] > 0) | (table["change_pct_ci_high"] < 0)]
        assert shifted.empty, shifted


def test_the_warm_up_counts_in_no_period_but_its_events_from_day_0_do() -> None:
    """The warm-up's incidents keep their negative days in the event log; counted by incident they are
    in no period nor in the run's totals, and counted by event only their events dated from day 0 on
    count. The timeline starts at day 0."""
    scenario = small_scenario(**{"simulation.warm_up_days": 120, "simulation.horizon_days": 365,
                                 "investigation.investigators": 1})
    result = simulate(scenario, replications=2, seed=0)
    ev = result.events
    warm = ev["incident_day"] < 0
    assert warm.any() and (ev["incident_day"] >= -120).all()
    assert result.timeline["day"].min() == 0.0
    total = result.metrics()
    assert (total["incidents"].to_numpy() == (~warm).groupby(ev["replication"]).sum().to_numpy()).all()
    by_event = result.metrics("year", counted_by="event")
    cleared_from_0 = ev["cleared"] & (ev["clear_day"] >= 0) & (ev["clear_day"] < 365)
    assert (by_event["cleared"].to_numpy() == cleared_from_0.groupby(ev["replication"]).sum().to_numpy()).all()
    assert (warm & cleared_from_0).any()  # the warm-up's clearances in the run do count
    assert list(result.metrics("year")["year"].unique()) == [scenario.simulation.start_year]


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
