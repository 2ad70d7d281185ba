"""The police side of issue 9: registration gaming under a clearance-rate target (不破不立), campaigns
that clear series of cold cases (串案), and the cost of officers, added investigators and cameras."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from minsheng_insure import simulate
from minsheng_insure.engine.streams import county_population
from minsheng_insure.model.accountability import AccountabilityParams, gamed_registration
from minsheng_insure.model.campaigns import clear_series

from factories import small_scenario

# Burglary is hard to solve whatever the cameras, leads and report delay (at most 0.29 < 0.35);
# cattle and fraud are easy (at least 0.6). Reporting does not depend on the police (trust off).
HARD_AND_EASY = {"county.households": 3000, "investigation.investigators": 2, "simulation.horizon_days": 730,
                 "investigation.clearance_probability": {"burglary": 0.1, "cattle": 0.6, "fraud": 0.6}}
GAMING = {"enabled": True, "target_clearance_rate": 0.9, "response": "gaming", "gaming_share": 0.5,
          "hard_case_clearance_below": 0.35}


def test_gaming_lowers_the_registration_of_hard_cases_only() -> None:
    honest = simulate(small_scenario(**HARD_AND_EASY), 3, 4)
    gamed = simulate(small_scenario(**HARD_AND_EASY, accountability=GAMING), 3, 4)
    a, b = honest.events, gamed.events
    # common random numbers: the same incidents and reports, and the same draw decides each registration
    pd.testing.assert_frame_equal(a[["incident_day", "crime_type", "reported"]], b[["incident_day", "crime_type",
                                                                                    "reported"]])
    easy = a["crime_type"] != "burglary"
    assert (a.loc[easy, "registered"] == b.loc[easy, "registered"]).all()
    hard = ~easy
    assert not (b["registered"] & ~a["registered"])[hard].any()
    assert b.loc[hard, "registered"].sum() < 0.8 * a.loc[hard, "registered"].sum()
    # gaming is the response instead of investigators: capacity never moves
    assert (gamed.timeline["investigators"] == 2).all() and gamed.timeline["registration_pressure"].max() == 1.0
    # and it flatters the clearance rate it answers to
    assert gamed.metrics()["clearance_rate"].mean() > honest.metrics()["clearance_rate"].mean()


def test_gaming_does_nothing_while_the_rate_is_on_target() -> None:
    plain = simulate(small_scenario(**HARD_AND_EASY), 2, 4).events
    on_target = simulate(small_scenario(**HARD_AND_EASY, accountability={**GAMING, "target_clearance_rate": 0.0}),
                         2, 4).events
    pd.testing.assert_frame_equal(plain, on_target)


def test_gamed_registration_is_a_rule_over_each_case() -> None:
    params = AccountabilityParams(response="both", gaming_share=0.4, hard_case_clearance_below=0.2)
    p = np.array([0.7, 0.7, 0.5])
    chance = np.array([0.1, 0.3, 0.19])
    np.testing.assert_allclose(gamed_registration(params, p, chance, True), [0.42, 0.7, 0.3])
    np.testing.assert_array_equal(gamed_registration(params, p, chance, False), p)
    np.testing.assert_array_equal(gamed_registration(AccountabilityParams(gaming_share=0.4), p, chance, True), p)


def test_a_gaming_response_without_a_share_is_refused() -> None:
    with pytest.raises(ValidationError, match="gaming_share"):
        AccountabilityParams(response="gaming")


# -- series clearances (打团伙、攻系列、破串案) ----------------------------------------------------------------

SERIES_BASE = {"county.households": 3000, "investigation.investigators": 1, "simulation.horizon_days": 730}
SPRING = {"name": "spring", "start_day": 365, "end_day": 455, "crime_types": ["cattle"], "series_clearances": 2.0}


def test_series_are_cleared_only_in_the_window_for_targeted_types_from_cold_cases() -> None:
    plain = simulate(small_scenario(**SERIES_BASE), 3, 2).events
    ev = simulate(small_scenario(**SERIES_BASE, campaigns=[SPRING]), 3, 2).events
    series = ev[ev["cleared_in_series"]]
    assert len(series) > 20
    assert (series["crime_type"] == "cattle").all()
    assert series["clear_day"].between(365, 455, inclusive="left").all()
    assert (series["registered"] & series["went_cold"] & (series["cold_day"] < series["clear_day"])).all()
    # each was cleared on the day of an arrest of its type in its township
    arrests = ev[ev["cleared"] & ~ev["cleared_in_series"] & ~ev["caught_in_act"]]
    keys = set(zip(arrests["crime_type"], arrests["township"], arrests["clear_day"], strict=True))
    assert all(k in keys for k in zip(series["crime_type"], series["township"], series["clear_day"], strict=True))
    # nothing else changes: the series only turn cold cases into cleared ones
    others = ev.columns.drop(["cleared", "clear_day", "cleared_in_series", "recovered_yuan", "subrogated_yuan"])
    pd.testing.assert_frame_equal(plain[others], ev[others])
    assert (plain["cleared"] | ev["cleared_in_series"] == ev["cleared"]).all()


def test_a_campaign_without_series_changes_nothing() -> None:
    plain = simulate(small_scenario(**SERIES_BASE, campaigns=[{**SPRING, "series_clearances": 0.0}]), 2, 2).events
    assert plain["went_cold"].sum() > 100  # cold cases a series could have cleared
    pd.testing.assert_frame_equal(plain, simulate(small_scenario(**SERIES_BASE), 2, 2).events)


def test_an_arrest_clears_only_its_group_s_cases_gone_cold_before_it() -> None:
    # cold cases: group 0 on days 10, 12 and 30; group 1 on day 5; two arrests of group 0 on day 20
    cold_day, cold_group = np.array([10.0, 30.0, 5.0, 12.0]), np.array([0, 0, 1, 0])
    chosen, day = clear_series(np.array([50.0, 50.0]), np.array([20.0, 20.0]), np.array([0, 0]), cold_day,
                               cold_group, np.random.default_rng(0))
    assert sorted(chosen.tolist()) == [0, 3] and (day == 20.0).all()
    none, _ = clear_series(np.array([0.0]), np.array([40.0]), np.array([0]), cold_day, cold_group,
                           np.random.default_rng(0))
    assert none.size == 0


def test_a_spring_campaign_clears_more_cases_in_the_first_quarter() -> None:
    def cleared_in_q1(ev: pd.DataFrame) -> int:  # by the day cases were cleared, as the police count them
        return int((ev["cleared"] & ev["clear_day"].between(365, 455, inclusive="left")).sum())

    plain = simulate(small_scenario(**SERIES_BASE), 3, 2)
    spring = simulate(small_scenario(**SERIES_BASE, campaigns=[SPRING]), 3, 2)
    assert cleared_in_q1(spring.events) > 1.2 * cleared_in_q1(plain.events)
    outside = ~spring.events["clear_day"].between(365, 455, inclusive="left")
    assert (spring.events["cleared"] & outside).sum() == (plain.events["cleared"] & outside).sum()
    # the monthly review sees them: accountability, deterrence and trust count clearances by month
    assert (spring.events["cleared_in_series"].sum()
            == (spring.events["cleared"].sum() - plain.events["cleared"].sum()))


# -- costs -------------------------------------------------------------------------------------------------

COSTS = {"auxiliary_officer_yuan_per_year": 20_000, "investigator_yuan_per_year": 100_000,
         "camera_yuan_per_village_year": 15_000}


def test_costs_equal_unit_costs_times_what_the_run_used() -> None:
    # a campaign of 4 investigators from day 60 to day 150 (both mid-month): 360 investigator-days
    campaign = {"name": "spring", "start_day": 60, "end_day": 150, "extra_investigators": 4}
    scenario = small_scenario(**{"simulation.horizon_days": 730, "insurance.start_day": 181,
                                 "insurance.policy_year_start_day": 181}, costs=COSTS, campaigns=[campaign])
    result = simulate(scenario, 2, 7)
    population = county_population(7, scenario.county)
    years = 730 / 365
    whole = result.metrics()
    officers = population.village_auxiliary_officer.sum()
    assert officers == 3
    np.testing.assert_allclose(whole["officer_cost_yuan"], officers * years * 20_000)
    np.testing.assert_allclose(whole["camera_cost_yuan"], population.village_camera_coverage.sum() * years * 15_000)
    np.testing.assert_allclose(whole["investigator_cost_yuan"], 360 / 365 * 100_000)
    premium = result.funds.groupby("replication")["budget_yuan"].sum().to_numpy()
    costs = whole[["officer_cost_yuan", "investigator_cost_yuan", "camera_cost_yuan"]].sum(axis=1)
    np.testing.assert_allclose(whole["scheme_cost_yuan"], costs + premium)
    # by year the costs add up to the whole run's; the campaign falls in 2016
    by_year = result.metrics("year")
    np.testing.assert_allclose(by_year.groupby("replication")["camera_cost_yuan"].sum(), whole["camera_cost_yuan"])
    assert by_year.loc[by_year["year"] == 2017, "investigator_cost_yuan"].eq(0).all()
    # by policy year (they start on 1 July, a month's first day): each year's budget plus its costs
    by_policy = result.metrics("policy_year").set_index(["replication", "policy_year"])
    budget = result.funds.groupby(["replication", "policy_year"])["budget_yuan"].sum()
    first = by_policy.loc[(0, 0)]
    assert first["officer_cost_yuan"] == pytest.approx(officers * 20_000)
    assert first["scheme_cost_yuan"] == pytest.approx(
        first[["officer_cost_yuan", "investigator_cost_yuan", "camera_cost_yuan"]].sum() + budget[(0, 0)])


def test_accountability_investigators_are_priced_month_by_month() -> None:
    controller = {"enabled": True, "target_clearance_rate": 0.9, "gain_investigators": 1,
                  "max_extra_investigators": 3}
    result = simulate(small_scenario(**{"simulation.horizon_days": 365}, costs=COSTS, accountability=controller),
                      2, 3)
    timeline = result.timeline
    # no campaign: the added investigators are constant within each month
    expected = ((timeline["investigators"] - 2) * timeline["month_days"]).groupby(timeline["replication"]).sum()
    assert expected.min() > 0
    np.testing.assert_allclose(result.metrics()["investigator_cost_yuan"], expected / 365 * 100_000)


def test_costs_are_not_split_by_what_belongs_to_incidents() -> None:
    result = simulate(small_scenario(costs=COSTS), 1, 1)
    assert "officer_cost_yuan" not in result.metrics("crime_type")
    assert "scheme_cost_yuan" not in result.metrics("quarter")
    assert "officer_cost_yuan" in result.metrics("quarter")
