"""The simulator against closed-form results, with fixed seeds and stated tolerances."""

from __future__ import annotations

import numpy as np
import pytest

from minsheng_insure import Scenario, simulate

from closed_form import discretise_lognormal, erlang_a, panjer_poisson

CERTAIN = 40.0  # log-odds so large that expit() is exactly 1.0 in float64


def one_type(rate: float, households: int, loss: dict, horizon: float, **sections) -> Scenario:
    """One crime type, everything reported at once and registered."""
    data = {
        "name": "closed-form",
        "simulation": {"horizon_days": horizon},
        "county": {"townships": 1, "villages": 1, "households": households,
                   "assets": {"goods": {"ownership_share": 1.0, "value_yuan": {"dist": "fixed", "value": 1e12}}}},
        "crime_types": {"theft": {"rate_per_1000_households_per_year": rate, "asset": "goods", "loss_yuan": loss}},
        "reporting": {"intercept": {"theft": CERTAIN}},
        "registration": {"probability": {"theft": 1.0}},
        "investigation": {"investigators": 1, "effort_days": {"theft": {"dist": "exponential", "mean": 1.0}},
                          "cold_after_days": {"dist": "exponential", "mean": 10.0},
                          "clearance_probability": {"theft": 0.5}},
    }
    for section, values in sections.items():
        data[section] = {**data.get(section, {}), **values}
    return Scenario.model_validate(data)


ENGINES = pytest.mark.parametrize("engine", ["fast", "simpy"])


@pytest.mark.slow
@ENGINES
def test_investigation_queue_matches_erlang_a(engine: str) -> None:
    """M/M/c+M: 55 cases a day, 50 investigators, 1 day of effort, 5 days mean patience."""
    arrivals, servers, patience = 55.0, 50, 5.0
    horizon, warm_up = 2000.0, 30.0
    households = 100_000
    rate = arrivals * 365 / households * 1000
    scenario = one_type(rate, households, {"dist": "fixed", "value": 1000}, horizon, investigation={
        "investigators": servers, "priority": "fifo",
        "effort_days": {"theft": {"dist": "exponential", "mean": 1.0}},
        "cold_after_days": {"dist": "exponential", "mean": patience},
        "clearance_probability": {"theft": 0.5}})
    ev = simulate(scenario, replications=4, seed=2024, workers=2, engine=engine).events
    window = ev[(ev["report_day"] > warm_up) & (ev["report_day"] < horizon - warm_up)]
    wait = np.where(window["went_cold"], window["cold_day"], window["investigation_start_day"]) - window["report_day"]

    abandon, mean_wait = erlang_a(arrivals, 1.0, servers, 1 / patience)
    simulated_abandon = window["went_cold"].mean()
    # Tolerances (about three standard deviations of this overloaded, strongly autocorrelated queue at
    # 4 x 106,000 cases): 0.004 absolute on the abandonment share (9.4%), 4% relative on the mean wait.
    assert simulated_abandon == pytest.approx(abandon, abs=0.004)
    assert np.mean(wait) == pytest.approx(mean_wait, rel=0.04)


@pytest.mark.slow
@ENGINES
def test_annual_payouts_match_compound_poisson(engine: str) -> None:
    """Everything insured and reported, no limits: a year's claims are a compound Poisson sum."""
    claims_per_year, median, sigma, budget = 40.0, 2000.0, 0.8, 100_000.0
    scenario = one_type(claims_per_year, 1000, {"dist": "lognormal", "median": median, "sigma": sigma}, 365.0,
                        insurance={"budget_yuan": budget, "report_deadline_days": 1e6,
                                   "coverage": {"goods": {}}})
    replications = 1500
    result = simulate(scenario, replications=replications, seed=7, workers=2, engine=engine)
    metrics = result.metrics()
    claimed = result.events.groupby("replication")["claim_yuan"].sum()

    step = 50.0
    pmf = panjer_poisson(claims_per_year, discretise_lognormal(median, sigma, step, 4000), 8000)
    totals = np.arange(pmf.size) * step
    exact_mean = claims_per_year * median * np.exp(sigma**2 / 2)
    exact_capped_mean = float(pmf @ np.minimum(totals, budget))
    exact_exceed = float(pmf[totals >= budget].sum())

    # Tolerances: 3.5 standard errors of the simulated estimate, plus 0.5% for the 50-yuan grid.
    se_mean = claimed.std() / np.sqrt(replications)
    assert abs(claimed.mean() - exact_mean) < 3.5 * se_mean
    se_capped = metrics["payout_yuan"].std() / np.sqrt(replications)
    assert abs(metrics["payout_yuan"].mean() - exact_capped_mean) < 3.5 * se_capped + 0.005 * exact_capped_mean
    se_exceed = np.sqrt(exact_exceed * (1 - exact_exceed) / replications)
    assert abs(metrics["budget_exhausted"].mean() - exact_exceed) < 3.5 * se_exceed + 0.005
