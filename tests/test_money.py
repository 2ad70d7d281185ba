"""Money matters: victims answer to what claims pay, the contract renews on experience, and the
funds are accounted exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from minsheng_insure import simulate
from minsheng_insure.model.calendar import day_to_date
from minsheng_insure.model.codebook import BUDGET_EXHAUSTED, HOUSEHOLD_LIMIT
from minsheng_insure.model.insurance import Contract, FundLedger, InsuranceParams

from factories import small_scenario

MONTH = 365 / 12


def responsive(**overrides) -> dict:
    """A county of 6,000 households whose victims answer to what claims pay, and learn it fast."""
    return {"county.households": 6000, "county.villages": 20, "insurance.awareness_share": 1.0,
            "insurance.report_deadline_days": 30, "reporting.benefit_response": True,
            "reporting.insured_aware_coefficient": 6.0, "simulation.horizon_days": 730,
            "belief": {"initial": 0.9, "prior_claims": 3, "memory_half_life_days": 30, "lag_months": 1,
                       "township_weight": 0.5, "county_weight": 0.2},
            **overrides}


def aware_report_share(events: pd.DataFrame, start: float, end: float) -> float:
    window = events[events["aware"] & events["incident_day"].between(start, end) & (events["claim_yuan"] >= 0)]
    return float(window["reported"].mean())


def test_a_fund_that_runs_dry_lowers_reporting_and_a_new_years_fund_restores_it() -> None:
    dry = simulate(small_scenario(**responsive(**{"insurance.budget_yuan": 200_000})), replications=3, seed=11)
    full = simulate(small_scenario(**responsive(**{"insurance.budget_yuan": 1e9})), replications=3, seed=11)
    year0 = dry.funds[(dry.funds["fund"] == "property") & (dry.funds["policy_year"] == 0)]
    exhausted = float(year0["exhausted_day"].max())
    assert exhausted < 200  # the small fund is empty by July
    # Within the lag (a month to hear of it, a month's review): beliefs and reporting fall.
    heard = exhausted + 2 * MONTH
    belief = dry.timeline.groupby("day")["payment_belief_mean"].mean()
    belief_full = full.timeline.groupby("day")["payment_belief_mean"].mean()
    assert belief[belief.index >= heard].iloc[0] < belief[belief.index <= exhausted].iloc[-1] - 0.2
    assert belief_full.min() > 0.85
    assert aware_report_share(dry.events, heard, 365) < aware_report_share(full.events, heard, 365) - 0.1
    # The next policy year's fund pays again: two months in, belief is back up.
    assert belief[belief.index >= 365 + 2 * MONTH].iloc[0] > belief[belief.index < 365].iloc[-1] + 0.2


def test_a_loss_under_the_deductible_gets_no_uplift() -> None:
    """Under common random numbers, a victim whose loss the cover would not pay decides exactly as
    without any cover; above the deductible, cover raises reporting."""
    cover = {"goods": {"deductible_yuan": 1500}, "livestock": {"deductible_yuan": 1500}}
    insured = simulate(small_scenario(**responsive(**{"insurance.coverage": cover, "insurance.budget_yuan": 1e9})),
                       replications=2, seed=5).events
    bare = simulate(small_scenario(**responsive(**{"insurance.coverage": {}})), replications=2, seed=5).events
    assert (insured["incident_id"] == bare["incident_id"]).all()
    under = (insured["loss_yuan"] <= 1500) & insured["aware"]
    over = (insured["loss_yuan"] > 1500) & insured["aware"]
    assert under.sum() > 500 and over.sum() > 200
    assert (insured.loc[under, "reported"] == bare.loc[under, "reported"]).all()
    assert insured.loc[over, "reported"].mean() > bare.loc[over, "reported"].mean() + 0.1


def test_household_limit_is_charged_with_what_was_paid() -> None:
    """A claim the empty fund paid nothing leaves the household's limit untouched, so its next claim
    is refused for the empty fund, not for the limit."""
    ledger = FundLedger("first_come", lambda year: 1000.0, lambda year: 365.0, lambda year: np.array([1500.0]))
    one = np.array([0])
    paid, refused = ledger.decide(np.array([0, 1, 2]), np.array([1.0, 2.0, 3.0]), np.zeros(3, dtype=int),
                                  np.array([7, 8, 7]), np.zeros(3, dtype=int), np.array([900.0, 900.0, 900.0]))
    columns = ledger.claim_columns(3)
    np.testing.assert_array_equal(columns["paid_yuan"], [900.0, 100.0, 0.0])
    np.testing.assert_array_equal(columns["approved_yuan"], [900.0, 900.0, 600.0])
    np.testing.assert_array_equal(columns["denial_reason"], [0, 0, BUDGET_EXHAUSTED])
    np.testing.assert_array_equal(paid, [0, 1])
    np.testing.assert_array_equal(refused, [2])
    paid, refused = ledger.decide(np.array([3]), np.array([4.0]), np.array([0]), np.array([8]), one, np.array([1500.0]))
    assert ledger.claim_columns(4)["approved_yuan"][3] == 1400.0  # household 8 was paid 100 of its 1,500
    assert ledger.claim_columns(4)["denial_reason"][3] == BUDGET_EXHAUSTED
    ledger = FundLedger("first_come", lambda year: 1e9, lambda year: 365.0, lambda year: np.array([1500.0]))
    ledger.decide(np.array([0, 1]), np.array([1.0, 2.0]), np.zeros(2, dtype=int), np.array([7, 7]),
                  np.zeros(2, dtype=int), np.array([900.0, 900.0]))
    assert ledger.claim_columns(2)["approved_yuan"].tolist() == [900.0, 600.0]
    ledger.decide(np.array([2]), np.array([3.0]), np.array([0]), np.array([7]), one, np.array([10.0]))
    assert ledger.claim_columns(3)["denial_reason"][2] == HOUSEHOLD_LIMIT


def test_the_ledger_decides_the_same_one_claim_at_a_time_or_all_at_once() -> None:
    rng = np.random.default_rng(3)
    n = 400
    args = (np.arange(n), np.sort(rng.uniform(0, 700, n)), rng.integers(0, 2, n), rng.integers(0, 40, n),
            rng.integers(0, 2, n), rng.lognormal(6, 1, n))
    make = lambda: FundLedger("first_come", lambda y: 60_000.0, lambda y: 365.0 * (y + 1),  # noqa: E731
                              lambda y: np.array([1500.0, np.inf]))
    together, apart = make(), make()
    together.decide(*args)
    for i in range(n):
        apart.decide(*(a[i:i + 1] for a in args))
    for name, column in together.claim_columns(n).items():
        np.testing.assert_array_equal(column, apart.claim_columns(n)[name], err_msg=name)
    assert {y: a.figures() for y, a in together.years.items()} == {y: a.figures() for y, a in apart.years.items()}


@pytest.mark.parametrize(("renewal", "expected"), [
    ("none", (100.0, 1.0, True)),
    ("reprice", (150.0, 1.0, True)),  # loss ratio 2.2 against 0.55: up by the most allowed, 50%
    ("tighten", (100.0, 0.25, True)),  # limits scaled by 0.55 / 2.2
    ("stop", (100.0, 1.0, False)),
])
def test_renewal_follows_the_contract(renewal: str, expected: tuple[float, float, bool]) -> None:
    contract = Contract(InsuranceParams(budget_yuan=100.0, renewal=renewal, budget_rule="insurer",
                                       aggregate_cap_multiple=3.0, target_loss_ratio=0.55))
    contract.renew(0, incurred_yuan=220.0)
    assert (contract.premium(1), contract.limit_scale(1), contract.in_force(1)) == pytest.approx(expected)
    assert contract.fund(1) == pytest.approx(3.0 * expected[0])


def test_an_insurer_pays_every_valid_claim_up_to_its_cap_and_reports_its_result() -> None:
    scenario = small_scenario(**{"insurance.budget_rule": "insurer", "insurance.budget_yuan": 20_000,
                                 "insurance.aggregate_cap_multiple": 2.0, "insurance.expense_loading": 0.2,
                                 "simulation.horizon_days": 730})
    result = simulate(scenario, replications=4, seed=8)
    funds = result.funds[result.funds["fund"] == "property"]
    assert (funds["paid_yuan"] <= 40_000 * (1 + 1e-12)).all()
    assert (funds["paid_yuan"] == np.minimum(funds["approved_yuan"], 40_000)).all()
    np.testing.assert_allclose(funds["result_yuan"], 20_000 * 0.8 - funds["paid_yuan"])
    by_year = result.metrics("policy_year").dropna(subset=["loss_ratio"])
    assert (by_year["loss_ratio"] == by_year["incurred_yuan"] / by_year["premium_yuan"]).all()


def test_a_stopped_cover_insures_nothing_after_the_renewal() -> None:
    scenario = small_scenario(**{"insurance.budget_yuan": 1_000, "insurance.renewal": "stop",
                                 "simulation.horizon_days": 730})
    events = simulate(scenario, replications=2, seed=1).events
    assert events.loc[events["policy_year"] == 0, "insured"].any()
    assert not events.loc[events["policy_year"] == 1, "insured"].any()


def test_partial_policy_years_are_flagged() -> None:
    scenario = small_scenario(**{"insurance.start_day": 181, "insurance.policy_year_start_day": 181,
                                 "simulation.horizon_days": 730})
    by_year = simulate(scenario, replications=2, seed=1).metrics("policy_year").set_index("policy_year")
    assert by_year.loc[0, "partial_policy_year"].tolist() == [0.0, 0.0]
    assert by_year.loc[1, "partial_policy_year"].tolist() == [1.0, 1.0]


def test_counting_by_event_dates_moves_reports_into_the_quarter_they_were_made() -> None:
    scenario = small_scenario(**{"reporting.delay_days": {"dist": "fixed", "value": 40.0},
                                 "insurance.report_deadline_days": 60, "simulation.horizon_days": 730})
    result = simulate(scenario, replications=2, seed=3)
    by_incident = result.metrics("quarter").set_index(["replication", "year", "quarter"])
    by_event = result.metrics("quarter", counted_by="event").set_index(["replication", "year", "quarter"])
    ev = result.events[result.events["reported"]]
    q1_reports = ((ev["report_day"] < 90) & (ev["replication"] == 0)).sum()
    assert by_event.loc[(0, 2016, 1), "reported"] == q1_reports
    assert by_incident.loc[(0, 2016, 1), "reported"] > q1_reports  # incidents of late March report in May
    assert by_event["incidents"].equals(by_incident["incidents"].reindex(by_event.index, fill_value=0.0))


def test_policy_years_come_with_calendar_dates() -> None:
    assert [str(day_to_date(d, 2016)) for d in (0, 58, 59, 181, 364, 365)] == [
        "2016-01-01", "2016-02-28", "2016-03-01", "2016-07-01", "2016-12-31", "2017-01-01"]
    scenario = small_scenario(**{"insurance.start_day": 181, "insurance.policy_year_start_day": 181,
                                 "insurance.budget_yuan": 20_000, "simulation.horizon_days": 730})
    result = simulate(scenario, replications=3, seed=2)
    years = result.policy_years().set_index("policy_year")
    assert [str(d) for d in years["start_date"]] == ["2016-07-01", "2017-07-01"]
    assert [str(d) for d in years["end_date"]] == ["2017-06-30", "2018-06-30"]
    assert years["partial"].tolist() == [False, True]
    funds = result.funds[result.funds["fund"] == "property"].groupby("policy_year")
    assert years["loss_ratio"].tolist() == pytest.approx(
        (funds["approved_yuan"].mean() / funds["budget_yuan"].mean()).tolist())
    ran_out = funds["exhausted_day"].mean()
    assert years.loc[0, "ran_out_date"] == day_to_date(ran_out[0], 2016)
