"""The police side of a scheme's cost, per replication and period, from the monthly timeline.

A month's cost counts in the year, quarter, month and policy year its first day falls in (a policy
year that starts inside a month takes the whole month from the year it starts in). The scheme's
full cost adds the budget paid into its funds, so it exists, like the budget figures, only over the
whole run or by policy year.
"""

from __future__ import annotations

import pandas as pd

from minsheng_insure.model.calendar import month_of_year, quarter_of_year, year_index
from minsheng_insure.model.costs import RESOURCE_COLUMNS, resource_costs
from minsheng_insure.model.insurance import policy_year_of
from minsheng_insure.scenario.schema import Scenario

PERIODS = {"year", "quarter", "month", "policy_year"}
"""Groupings the costs can be split by (they belong to months, not to incidents)."""

COST_METRICS = ("officer_cost_yuan", "investigator_cost_yuan", "camera_cost_yuan")


def police_costs(timeline: pd.DataFrame, funds: pd.DataFrame | None, scenario: Scenario,
                 keys: list[str]) -> pd.DataFrame:
    """Cost of officers, added investigators and cameras per replication (and ``keys``), yuan; with
    ``scheme_cost_yuan`` (those plus the budget of every fund) over the whole run or by policy year."""
    day = timeline["day"].to_numpy()
    ins = scenario.insurance
    periods = {"year": lambda: scenario.simulation.start_year + year_index(day),
               "quarter": lambda: quarter_of_year(day), "month": lambda: month_of_year(day),
               "policy_year": lambda: policy_year_of(day, ins.start_day, ins.policy_year_start_day)}
    costs = pd.DataFrame(resource_costs(scenario.costs, *(timeline[c].to_numpy() for c in RESOURCE_COLUMNS)))
    costs["replication"] = timeline["replication"].to_numpy()
    for key in keys:
        costs[key] = periods[key]()
    out = costs.groupby(["replication", *keys]).sum()
    if set(keys) <= {"policy_year"}:
        premium = (funds.groupby(["replication", *keys])["budget_yuan"].sum() if funds is not None
                   else pd.Series(dtype=float))
        out["scheme_cost_yuan"] = out[list(COST_METRICS)].sum(axis=1) + premium.reindex(out.index, fill_value=0.0)
    return out.astype(float)
