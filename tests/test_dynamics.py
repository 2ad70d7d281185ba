"""Dynamics and policy levers: each off by default, bounded, and pushing the way it should."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng_insure import simulate
from minsheng_insure.model.accountability import AccountabilityParams, review_capacity
from minsheng_insure.model.awareness import AwarenessParams, grow_awareness
from minsheng_insure.model.deterrence import DeterrenceParams, deterrence_scale
from minsheng_insure.model.trust import TrustParams, update_trust

from closed_form import paired_change_pct
from factories import small_scenario

FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CASE_COLUMNS = ["incident_day", "household", "crime_type", "loss_yuan", "reported", "report_day", "registered",
                "investigation_start_day", "cold_day", "cleared", "clear_day", "recovered_yuan", "claim_yuan",
                "paid_yuan", "paid_day", "denial_reason"]


def events(seed: int = 42, replications: int = 2, **overrides) -> pd.DataFrame:
    return simulate(small_scenario(**{"simulation.horizon_days": 800, **overrides}), replications, seed).events


@pytest.mark.parametrize(("follow_up_days", "counts", "clear_days"), [
    (0.0, (174, 119, 58, 0), 24042.266),  # as pinned before the follow-up existed: the horizon cuts the cases
    (365.0, (175, 120, 59, 0), 24848.393),  # the default follow-up: one late report, registered and cleared
])
def test_the_case_pipeline_is_unchanged_with_every_mechanism_off(
        follow_up_days: float, counts: tuple[int, ...], clear_days: float) -> None:
    """Figures of the case pipeline alone, pinned when the engine seam began drawing the county once
    per seed: any change to them means a mechanism leaks into runs that do not use it (or the random
    streams moved)."""
    ev = events(**{"simulation.follow_up_days": follow_up_days})
    assert len(ev) == 269
    assert ev["loss_yuan"].sum() == pytest.approx(710598.0243, abs=1e-3)
    assert (ev["reported"].sum(), ev["registered"].sum(), ev["cleared"].sum(), ev["went_cold"].sum()) == counts
    assert ev["clear_day"].sum() == pytest.approx(clear_days, abs=1e-3)
    assert ev["paid_yuan"].sum() == pytest.approx(205676.086, abs=1e-3)
    assert ev["recovered_yuan"].sum() == pytest.approx(50894.2696, abs=1e-3)


NEUTRAL = {
    "trust": {"coefficient": 0.0, "clearance_gain": 0.3, "payout_gain": 0.2, "cold_case_loss": 0.2},
    "deterrence": {"elasticity": 0.0, "window_months": 2},
    "accountability": {"enabled": False, "gain_investigators": 5},
    "campaigns": [{"name": "spring", "start_day": 30, "end_day": 120, "extra_investigators": 0,
                   "series_clearances": 0.0}],
    "accountability.gaming_share": 0.5,
    "accountability.hard_case_clearance_below": 0.9,
    "costs": {"auxiliary_officer_yuan_per_year": 20_000, "investigator_yuan_per_year": 100_000,
              "camera_yuan_per_village_year": 20_000},
    "fraud": {"staged_per_1000_insured_aware_per_year": 0.0, "inflation_probability": 0.0},
    "samaritan": {"budget_yuan": 40_000, "injuries_per_year": 3},
    "county.township_overrides": {},
    "insurance.budget_schedule_yuan": [60_000],
}


@pytest.mark.parametrize("key", list(NEUTRAL))
def test_each_mechanism_switched_off_reproduces_the_results(key: str) -> None:
    pd.testing.assert_frame_equal(events()[CASE_COLUMNS], events(**{key: NEUTRAL[key]})[CASE_COLUMNS])


# -- bounds (hypothesis) ---------------------------------------------------------------------------------

@given(ceiling=st.floats(0, 1), initial=st.floats(0, 1), current=st.floats(0, 1), half=st.floats(1, 1000),
       days=st.floats(0, 400), speedup=st.floats(1, 10))
def test_awareness_stays_in_unit_interval_and_never_falls(ceiling, initial, current, half, days, speedup) -> None:
    params = AwarenessParams(half_time_days=half, initial_share=initial, publicity_windows_days=[(0, 100)],
                             publicity_speedup=speedup)
    current = min(current, ceiling)
    after = grow_awareness(params, ceiling, current, 0.0, days)
    assert 0.0 <= after <= 1.0
    assert after >= current - 1e-12
    assert after <= max(ceiling, current) + 1e-12


@given(trust=st.lists(st.floats(0, 1), min_size=1, max_size=20), days=st.floats(0, 400),
       counts=st.lists(st.integers(0, 50), min_size=3, max_size=3), gains=st.lists(st.floats(0, 1), min_size=3,
                                                                                    max_size=3),
       reference=st.floats(0, 1))
def test_trust_stays_in_unit_interval(trust, days, counts, gains, reference) -> None:
    params = TrustParams(reference=reference, clearance_gain=gains[0], payout_gain=gains[1], cold_case_loss=gains[2])
    t = np.array(trust)
    after = update_trust(params, t, days, np.full(t.size, counts[0]), np.full(t.size, counts[1]),
                         np.full(t.size, counts[2]))
    assert ((after >= 0) & (after <= 1)).all()


@given(rates=st.lists(st.floats(0, 1) | st.just(float("nan")), min_size=1, max_size=60),
       gain=st.floats(0, 10), cap=st.floats(0, 50), target=st.floats(0, 1))
def test_capacity_stays_within_its_bounds(rates, gain, cap, target) -> None:
    params = AccountabilityParams(enabled=True, gain_investigators=gain, max_extra_investigators=cap,
                                  target_clearance_rate=target)
    extra = 0.0
    for rate in rates:
        extra = review_capacity(params, extra, rate)
        assert 0.0 <= extra <= cap


@given(elasticity=st.floats(0, 3), low=st.floats(0, 1), high=st.floats(0, 1))
def test_higher_clearance_never_raises_the_incident_rate(elasticity, low, high) -> None:
    params = DeterrenceParams(elasticity=elasticity)
    low, high = min(low, high), max(low, high)
    scale = deterrence_scale(params, np.array([low, high]))
    assert scale[1] <= scale[0]


@FAST
@given(seed=st.integers(0, 2**32), detection=st.floats(0, 1), staged=st.floats(0, 200),
       inflation=st.floats(0, 1), budget=st.floats(0, 200_000))
def test_paid_fraud_never_exceeds_what_verification_let_through(seed, detection, staged, inflation, budget) -> None:
    ev = events(seed, 1, **{"fraud": {"staged_per_1000_insured_aware_per_year": staged,
                                      "inflation_probability": inflation, "detection_share": detection},
                            "insurance.budget_yuan": budget})
    fraud = ev[ev["fraud"] != ""]
    let_through = fraud[fraud["denial_reason"] != "fraud_detected"]
    assert fraud.loc[fraud["denial_reason"] == "fraud_detected", "paid_yuan"].sum() == 0
    assert fraud["paid_yuan"].sum() <= let_through["claim_yuan"].sum() + 1e-6
    assert (ev["cleared"] <= ~ev["false_report"]).all()  # a staged report is never cleared


@FAST
@given(seed=st.integers(0, 2**32), budget=st.floats(0, 2_000_000), rate=st.floats(0, 30))
def test_the_samaritan_budget_is_never_exceeded(seed, budget, rate) -> None:
    scenario = small_scenario(**{"simulation.horizon_days": 800,
                                 "samaritan": {"budget_yuan": budget, "injuries_per_year": rate}})
    result = simulate(scenario, 1, seed)
    per_year = result.samaritan.groupby("policy_year")["paid_yuan"].sum()
    assert (per_year <= budget + 1e-6).all()
    assert (result.samaritan["paid_yuan"] <= result.samaritan["benefit_yuan"] + 1e-9).all()


# -- direction of each mechanism ----------------------------------------------------------------------------

def test_awareness_ramp_keeps_first_quarter_reporting_below_the_fourth() -> None:
    scenario = small_scenario(**{"county.households": 3000, "awareness": {"half_time_days": 120, "initial_share": 0.02},
                                 "insurance.awareness_share": 1.0, "reporting.insured_aware_coefficient": 2.0})
    result = simulate(scenario, 6, 1)
    insured = result.events[result.events["insured"]]
    q = insured.assign(quarter=(insured["incident_day"] // 91.25).clip(upper=3)).groupby("quarter")
    assert q["aware"].mean()[0] < q["aware"].mean()[3]
    assert q["reported"].mean()[0] < q["reported"].mean()[3]
    timeline = result.timeline[result.timeline["replication"] == 0]
    assert timeline["awareness_share"].is_monotonic_increasing
    assert timeline["awareness_share"].iloc[-1] > 0.5 > timeline["awareness_share"].iloc[1]


def test_campaign_raises_clearances_within_its_window() -> None:
    base = {"county.households": 3000, "investigation.investigators": 1, "simulation.horizon_days": 365}
    window = {"name": "spring", "start_day": 60, "end_day": 150, "extra_investigators": 4}
    without = simulate(small_scenario(**base), 4, 3).events
    with_campaign = simulate(small_scenario(**base, campaigns=[window]), 4, 3).events

    def in_window(ev: pd.DataFrame) -> int:
        return int((ev["cleared"] & ev["clear_day"].between(60, 150)).sum())

    assert in_window(with_campaign) > in_window(without)
    # the same incidents happen: the campaign's investigators change outcomes, not the crime
    assert len(without) == len(with_campaign)


def test_campaign_deterrence_lowers_targeted_incidents() -> None:
    window = {"start_day": 0, "end_day": 365, "crime_types": ["cattle"], "rate_multiplier": 0.5}
    without = simulate(small_scenario(**{"county.households": 3000}), 4, 3).metrics("crime_type")
    with_campaign = simulate(small_scenario(**{"county.households": 3000}, campaigns=[window]), 4, 3).metrics(
        "crime_type")
    by_type = {k: d.set_index("crime_type")["incidents"].groupby(level=0).sum() for k, d in
               {"without": without, "with": with_campaign}.items()}
    assert by_type["with"]["cattle"] < 0.7 * by_type["without"]["cattle"]
    assert by_type["with"]["burglary"] == by_type["without"]["burglary"]


def test_deterrence_lowers_incidents_when_clearance_is_high() -> None:
    base = {"county.households": 3000, "simulation.horizon_days": 730, "investigation.investigators": 20,
            "investigation.clearance_probability": {"burglary": 0.9, "cattle": 0.9, "fraud": 0.9}}
    plain = simulate(small_scenario(**base), 3, 5).metrics()["incidents"].mean()
    deterred = simulate(small_scenario(**base, deterrence={"elasticity": 1.0, "reference_cleared_per_incident": 0.1}),
                        3, 5)
    assert deterred.metrics()["incidents"].mean() < 0.8 * plain
    later = deterred.timeline[deterred.timeline["day"] > 90]
    assert later["rate_scale_burglary"].mean() < 1.0 and later["rate_scale_cattle"].mean() < 1.0


def test_accountability_adds_investigators_when_clearance_sags() -> None:
    base = {"county.households": 3000, "investigation.investigators": 1, "simulation.horizon_days": 730}
    controller = {"enabled": True, "target_clearance_rate": 0.5, "gain_investigators": 1,
                  "max_extra_investigators": 6, "registration_pressure": 0.5}
    plain = simulate(small_scenario(**base), 3, 2)
    pressed = simulate(small_scenario(**base, accountability=controller), 3, 2)
    capacity = pressed.timeline["investigators"]
    assert capacity.max() > 1 and capacity.min() >= 1 and capacity.max() <= 7
    assert pressed.timeline["registration_pressure"].max() == 1.0
    assert pressed.metrics()["cleared"].mean() > plain.metrics()["cleared"].mean()
    assert pressed.metrics()["registered"].mean() > plain.metrics()["registered"].mean()


def test_trust_feedback_raises_reporting_over_time() -> None:
    base = {"county.households": 3000, "simulation.horizon_days": 730, "investigation.investigators": 10}
    trust = {"coefficient": 3.0, "clearance_gain": 0.3, "payout_gain": 0.3, "drift_half_life_days": 720}
    plain = simulate(small_scenario(**base), 3, 4)
    trusting = simulate(small_scenario(**base, trust=trust), 3, 4)
    assert trusting.timeline.groupby("day")["trust_mean"].mean().iloc[-1] > 0.5
    plain_rate, trusting_rate = (r.metrics("year").query("year == 2017")["reporting_rate"].mean()
                                 for r in (plain, trusting))
    assert trusting_rate > plain_rate


def test_officers_and_cameras_are_levers_per_township() -> None:
    base = {"county.households": 3000, "county.auxiliary_officer_share": 0.0,
            "county.camera_coverage": {"dist": "fixed", "value": 0.0},
            "investigation.caught_in_act_at_full_coverage": 0.3, "investigation.auxiliary_officer_coefficient": 1.0}
    levers = {"county.township_overrides": {0: {"auxiliary_officer_share": 1.0,
                                                "camera_coverage": {"dist": "fixed", "value": 1.0}}}}
    plain = simulate(small_scenario(**base), 3, 8)
    lever = simulate(small_scenario(**base, **levers), 3, 8)
    by_township = lever.metrics("township").groupby("township")[["reporting_rate", "caught_in_act"]].mean()
    assert by_township.loc[0, "reporting_rate"] > by_township.loc[1, "reporting_rate"]
    assert by_township.loc[0, "caught_in_act"] > 0 and by_township.loc[1, "caught_in_act"] == 0
    assert plain.metrics()["caught_in_act"].sum() == 0
    assert lever.metrics()["cleared"].mean() > plain.metrics()["cleared"].mean()


def test_false_reports_inflate_reports_and_lower_clearance() -> None:
    base = {"county.households": 3000, "investigation.investigators": 10}
    fraud = {"staged_per_1000_insured_aware_per_year": 40, "detection_share": 0.5, "inflation_probability": 0.2}
    plain = simulate(small_scenario(**base), 3, 6).metrics().mean()
    frauded = simulate(small_scenario(**base, fraud=fraud), 3, 6).metrics().mean()
    assert frauded["false_reports"] > 0 and plain["false_reports"] == 0
    assert frauded["reported"] > plain["reported"] and frauded["registered"] > plain["registered"]
    assert frauded["clearance_rate"] < plain["clearance_rate"]
    assert frauded["incidents"] == plain["incidents"]
    assert frauded["claims_denied_fraud_detected"] > 0 and frauded["fraud_claims_paid"] > 0


def test_subrogation_returns_recovered_property_to_the_fund() -> None:
    base = {"county.households": 3000, "recovery": {"probability": 1.0, "share_of_loss": 0.8},
            "insurance.budget_yuan": 1e7}
    plain = simulate(small_scenario(**base), 2, 7).events
    subrogating = simulate(small_scenario(**base, **{"insurance.subrogation": True}), 2, 7).events
    assert plain["subrogated_yuan"].sum() == 0
    both = subrogating[(subrogating["paid_yuan"] > 0) & (subrogating["recovered_yuan"] > 0)]
    assert len(both) > 0
    assert np.allclose(both["subrogated_yuan"], np.minimum(both["recovered_yuan"], both["paid_yuan"]))


def test_budget_schedule_gives_each_policy_year_its_own_fund() -> None:
    scenario = small_scenario(**{"county.households": 3000, "simulation.horizon_days": 1095,
                                 "insurance.budget_schedule_yuan": [10_000, 20_000, 0]})
    by_year = simulate(scenario, 2, 9).metrics("policy_year").groupby("policy_year")["payout_yuan"].max()
    assert by_year[0] <= 10_000 + 1e-6 and by_year[1] <= 20_000 + 1e-6 and by_year[2] == 0
    assert by_year[1] > 10_000


def test_samaritan_cover_has_its_own_fund_and_metrics() -> None:
    scenario = small_scenario(**{"samaritan": {"budget_yuan": 400_000, "injuries_per_year": 20}})
    result = simulate(scenario, 3, 10)
    m = result.metrics()
    assert (m["samaritan_injuries"] > 0).all()
    assert (m["samaritan_paid_yuan"] <= 400_000 + 1e-6).all()
    assert set(result.samaritan["tier"].cat.categories) == {"medical", "disability", "death"}
    # the property scheme is untouched
    pd.testing.assert_frame_equal(result.events, simulate(small_scenario(), 3, 10).events)


def test_period_change_compares_each_quarter_with_the_year_before() -> None:
    scenario = small_scenario(**{"county.households": 3000, "simulation.horizon_days": 730,
                                 "insurance.start_day": 365, "reporting.insured_aware_coefficient": 2.0})
    result = simulate(scenario, 4, 11)
    table = result.period_change("quarter")
    assert set(table["year"]) == {2017} and set(table["quarter"]) == {1, 2, 3, 4}
    q1 = table[(table["quarter"] == 1) & (table["metric"] == "reported")].iloc[0]
    assert q1["this_year"] > q1["year_before"]
    # 2017 Q1 against 2016 Q1, paired by replication, from the quarterly counts and the delta method
    by_quarter = result.metrics("quarter").sort_values("replication")
    counts = {year: by_quarter.loc[(by_quarter["year"] == year) & (by_quarter["quarter"] == 1), "reported"]
              .to_numpy(dtype=float) for year in (2016, 2017)}
    assert (q1["year_before"], q1["this_year"]) == pytest.approx((counts[2016].mean(), counts[2017].mean()))
    assert (q1["change_pct"], q1["change_pct_ci_low"], q1["change_pct_ci_high"]) == pytest.approx(
        paired_change_pct(counts[2016], counts[2017]))
    with pytest.raises(ValueError, match="period"):
        simulate(scenario, 1, 1).period_change("week")
