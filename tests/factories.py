"""Small scenarios for tests: a few hundred households and two crime types, fast to run."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from minsheng_insure import Scenario

SMALL: dict[str, Any] = {
    "name": "small",
    "simulation": {"start_year": 2016, "horizon_days": 365},
    "county": {
        "townships": 2,
        "villages": 6,
        "households": 600,
        "auxiliary_officer_share": 0.5,
        "camera_coverage": {"dist": "uniform", "low": 0.0, "high": 0.5},
        "assets": {
            "goods": {"ownership_share": 1.0, "value_yuan": {"dist": "lognormal", "median": 8000, "sigma": 0.8}},
            "livestock": {"ownership_share": 0.4, "value_yuan": {"dist": "lognormal", "median": 6000, "sigma": 0.5}},
        },
    },
    "crime_types": {
        "burglary": {"rate_per_1000_households_per_year": 60, "asset": "goods",
                     "loss_yuan": {"dist": "lognormal", "median": 1500, "sigma": 1.2}},
        "cattle": {"rate_per_1000_households_per_year": 80, "asset": "livestock",
                   "loss_yuan": {"dist": "lognormal", "median": 4000, "sigma": 0.6},
                   "seasonality": [2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]},
        "fraud": {"rate_per_1000_households_per_year": 20, "insurable": False,
                  "loss_yuan": {"dist": "exponential", "mean": 2000}},
    },
    "reporting": {"intercept": {"burglary": 0.0, "cattle": 0.3, "fraud": -0.5}, "log_loss_coefficient": 0.4,
                  "insured_aware_coefficient": 1.0, "auxiliary_officer_coefficient": 0.3,
                  "delay_days": {"dist": "exponential", "mean": 2.0}},
    "registration": {"probability": {"burglary": 0.7, "cattle": 0.6, "fraud": 0.5}, "insured_claimant_boost": 0.3},
    "investigation": {
        "investigators": 2, "priority": "severity",
        "effort_days": {"burglary": {"dist": "exponential", "mean": 3},
                        "cattle": {"dist": "exponential", "mean": 4},
                        "fraud": {"dist": "fixed", "value": 5}},
        "cold_after_days": {"dist": "exponential", "mean": 15},
        "clearance_probability": {"burglary": 0.3, "cattle": 0.3, "fraud": 0.2},
        "camera_coefficient": 1.0, "prompt_report_coefficient": 0.5,
    },
    "recovery": {"probability": 0.5, "share_of_loss": 0.6},
    "insurance": {
        "budget_yuan": 60000, "budget_rule": "first_come", "awareness_share": 0.7, "report_deadline_days": 3,
        "processing_delay_days": {"dist": "uniform", "low": 2, "high": 10},
        "coverage": {
            "goods": {"deductible_yuan": 200, "copay_share": 0.2, "per_claim_limit_yuan": 5000,
                      "per_household_annual_limit_yuan": 6000},
            "livestock": {"deductible_yuan": 100, "copay_share": 0.1, "per_household_annual_limit_yuan": 5000},
        },
    },
}


def small_data(**overrides: Any) -> dict[str, Any]:
    """A copy of the small scenario's data with dotted keys replaced."""
    data = copy.deepcopy(SMALL)
    for key, value in overrides.items():
        *parents, last = key.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


def small_scenario(**overrides: Any) -> Scenario:
    return Scenario.model_validate(small_data(**overrides))


# The scheme starts inside the run: a start day at or after the horizon is refused by the schema.
_timing = st.floats(30, 800).flatmap(lambda horizon: st.fixed_dictionaries({
    "simulation.horizon_days": st.just(horizon), "insurance.start_day": st.floats(0, min(200.0, horizon - 1))}))

random_overrides = st.builds(lambda rest, days: {**rest, **days}, st.fixed_dictionaries({
    "insurance.budget_yuan": st.floats(0, 200_000),
    "insurance.budget_rule": st.sampled_from(["first_come", "pro_rata", "insurer"]),
    "insurance.aggregate_limit_yuan": st.floats(0, 200_000),
    "insurance.registration_required": st.booleans(),
    "insurance.report_deadline_days": st.floats(0, 10),
    "insurance.awareness_share": st.floats(0, 1),
    "insurance.policy_year_start_day": st.integers(0, 364),
    "simulation.follow_up_days": st.sampled_from([0.0, 30.0, 365.0]),
    "simulation.warm_up_days": st.sampled_from([0.0, 45.5, 90.0]),
    "investigation.investigators": st.integers(0, 5),
    "investigation.priority": st.sampled_from(["fifo", "severity"]),
    "registration.insured_claimant_boost": st.floats(0, 1),
    "fraud.staged_per_1000_insured_aware_per_year": st.sampled_from([0.0, 20.0]),
    "fraud.inflation_probability": st.sampled_from([0.0, 0.3]),
    "investigation.caught_in_act_at_full_coverage": st.sampled_from([0.0, 0.2]),
    "accountability.enabled": st.booleans(),
    "trust.coefficient": st.sampled_from([0.0, 2.0]),
    "trust.payout_gain": st.floats(0, 0.5),
    "deterrence.elasticity": st.sampled_from([0.0, 0.5]),
    "insurance.subrogation": st.booleans(),
    "accountability.response": st.sampled_from(["investigators", "gaming", "both"]),
    "accountability.gaming_share": st.sampled_from([0.5]),
    "campaigns": st.sampled_from([[], [{"name": "series", "start_day": 0, "end_day": 400, "series_clearances": 2.0}]]),
}), _timing)
"""Random overrides of the small scenario: budgets, rules, capacity, horizon and every mechanism's switch."""
