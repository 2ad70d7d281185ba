"""Metrics per replication, computed from the event log alone (what each means: ``results.registry``).

Counts and money are sums over incidents; rates are ratios of those sums. Budget figures belong
to policy years, so they appear only when results are not split by anything else than the
policy year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng_insure.model.calendar import month_of_year, quarter_of_year, year_index
from minsheng_insure.model.insurance import DENIAL_REASONS
from minsheng_insure.scenario.schema import Scenario

GROUPINGS: dict[str, list[str]] = {
    "year": ["year"],
    "quarter": ["year", "quarter"],
    "month": ["year", "month"],
    "policy_year": ["policy_year"],
    "crime_type": ["crime_type"],
    "asset_class": ["asset_class"],
    "township": ["township"],
}
"""What ``by`` may name, and the columns each adds (a quarter is always within its year)."""

RATES = {
    "reporting_rate": ("reported", "incidents"),
    "clearance_rate": ("cleared", "registered"),
    "cleared_per_incident": ("cleared", "incidents"),
}
BUDGET = ["budget_used_share", "budget_exhausted", "budget_exhausted_day", "loss_ratio"]
SAMARITAN = ["samaritan_injuries", "samaritan_paid_yuan", "samaritan_budget_used_share"]


def normalise_by(by: str | list[str] | None) -> list[str]:
    """The columns a ``by`` argument groups on; raises ValueError for an unknown grouping."""
    names = [] if by is None else [by] if isinstance(by, str) else list(by)
    unknown = [b for b in names if b not in GROUPINGS]
    if unknown:
        raise ValueError(f"unknown grouping {unknown}; use any of {list(GROUPINGS)}")
    keys: list[str] = []
    for name in names:
        keys += [k for k in GROUPINGS[name] if k not in keys]
    return keys


def _with_periods(events: pd.DataFrame, scenario: Scenario, keys: list[str]) -> pd.DataFrame:
    day = events["incident_day"].to_numpy()
    derived = {
        "year": lambda: scenario.simulation.start_year + year_index(day),
        "quarter": lambda: quarter_of_year(day),
        "month": lambda: month_of_year(day),
    }
    extra = {k: derived[k]() for k in keys if k in derived}
    return events.assign(**extra) if extra else events


def compute_metrics(events: pd.DataFrame, scenario: Scenario, by: str | list[str] | None = None,
                    samaritan: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per replication (and group), one column per metric."""
    keys = normalise_by(by)
    ev = _with_periods(events, scenario, keys)
    paid = ev["paid_yuan"].to_numpy()
    filed = ev["claim_filed"].to_numpy()
    reason = ev["denial_reason"].cat.codes.to_numpy()
    false_report = ev["false_report"].to_numpy()
    fraud = filed & (ev["fraud"].cat.codes.to_numpy() > 0)
    kept = ev["recovered_yuan"] - ev["subrogated_yuan"]
    parts = {
        "incidents": ~false_report,
        "false_reports": false_report,
        "reported": ev["reported"].to_numpy(),
        "registered": ev["registered"].to_numpy(),
        "cleared": ev["cleared"].to_numpy(),
        "caught_in_act": ev["caught_in_act"].to_numpy(),
        "went_cold": ev["went_cold"].to_numpy(),
        "claims_filed": filed,
        "claims_paid": paid > 0,
        "claims_denied": filed & (paid <= 0),
        **{f"claims_denied_{r}": reason == code for code, r in enumerate(DENIAL_REASONS) if code},
        "fraud_claims": fraud,
        "fraud_claims_paid": fraud & (paid > 0),
        "loss_yuan": ev["loss_yuan"].to_numpy(),
        "payout_yuan": paid,
        "fraud_paid_yuan": np.where(fraud, paid, 0.0),
        "recovered_yuan": ev["recovered_yuan"].to_numpy(),
        "subrogated_yuan": ev["subrogated_yuan"].to_numpy(),
        "uncompensated_loss_yuan": np.maximum(ev["loss_yuan"] - kept - paid, 0.0),
    }
    table = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in parts.items()})
    group_cols = ["replication", *keys]
    for col in group_cols:
        table[col] = ev[col].to_numpy()
    sums = table.groupby(group_cols, observed=True, sort=True).sum()
    sums = _complete(sums, events["replication"].unique(), keys)
    for rate, (num, den) in RATES.items():
        sums[rate] = sums[num] / sums[den].where(sums[den] > 0)
    if set(keys) <= {"policy_year"}:
        sums = sums.join(_budget(events, scenario, by_policy_year=bool(keys)))
        if samaritan is not None and scenario.samaritan.active:
            sums = sums.join(_samaritan(samaritan, scenario, events["replication"].unique(), bool(keys)))
    return sums.reset_index()


def _complete(sums: pd.DataFrame, replications: np.ndarray, keys: list[str]) -> pd.DataFrame:
    """Every group seen in any replication appears in all of them (zeros where nothing happened)."""
    if not keys:
        return sums.reindex(pd.Index(np.sort(replications), name="replication"), fill_value=0.0)
    groups = sums.index.droplevel("replication").unique()
    full = pd.MultiIndex.from_tuples(
        [(r, *(g if isinstance(g, tuple) else (g,))) for r in np.sort(replications) for g in groups],
        names=["replication", *keys],
    )
    return sums.reindex(full, fill_value=0.0)


def _budget(events: pd.DataFrame, scenario: Scenario, by_policy_year: bool) -> pd.DataFrame:
    """Budget use per replication and policy year (or over the whole run)."""
    ins = scenario.insurance
    years = _policy_years_in_run(scenario)
    index = pd.MultiIndex.from_product([np.sort(events["replication"].unique()), years],
                                       names=["replication", "policy_year"])
    fund = pd.Series([ins.fund_yuan(y) for _, y in index], index=index, dtype=float)
    budget = pd.Series([ins.budget_for_year(y) for _, y in index], index=index, dtype=float)
    claims = events.loc[events["approved_yuan"] > 0, ["replication", "policy_year", "claim_day", "approved_yuan",
                                                      "paid_yuan"]].sort_values(["replication", "claim_day"])
    claims["cumulative"] = claims.groupby(["replication", "policy_year"])["approved_yuan"].cumsum()
    claims["fund"] = fund.reindex(pd.MultiIndex.from_frame(claims[["replication", "policy_year"]])).to_numpy()
    reached = claims[claims["cumulative"] >= claims["fund"] * (1 - 1e-12)]
    per_year = pd.DataFrame({
        "paid": claims.groupby(["replication", "policy_year"])["paid_yuan"].sum().reindex(index, fill_value=0.0),
        "exhausted_day": reached.groupby(["replication", "policy_year"])["claim_day"].min().reindex(index),
        "fund": fund, "budget": budget})
    if not by_policy_year:
        per_year = per_year.groupby("replication").agg(paid=("paid", "sum"), exhausted_day=("exhausted_day", "min"),
                                                       fund=("fund", "sum"), budget=("budget", "sum"))
    out = pd.DataFrame(index=per_year.index)
    out["budget_used_share"] = per_year["paid"] / per_year["fund"].where(per_year["fund"] > 0)
    out["budget_exhausted"] = per_year["exhausted_day"].notna().astype(float)
    out["budget_exhausted_day"] = per_year["exhausted_day"]
    out["loss_ratio"] = per_year["paid"] / per_year["budget"].where(per_year["budget"] > 0)
    if not years:
        out[BUDGET] = np.nan
    return out


def _samaritan(samaritan: pd.DataFrame, scenario: Scenario, replications: np.ndarray,
               by_policy_year: bool) -> pd.DataFrame:
    """Good-samaritan injuries and payouts per replication (and policy year)."""
    keys = ["replication", "policy_year"] if by_policy_year else ["replication"]
    covered = samaritan[samaritan["policy_year"] >= 0]
    grouped = covered.groupby(keys)
    years = _policy_years_in_run(scenario) if by_policy_year else [None]
    index = (pd.MultiIndex.from_product([np.sort(replications), years], names=keys) if by_policy_year
             else pd.Index(np.sort(replications), name="replication"))
    out = pd.DataFrame({"samaritan_injuries": grouped.size(), "samaritan_paid_yuan": grouped["paid_yuan"].sum()},
                       ).reindex(index, fill_value=0.0).astype(float)
    budget = scenario.samaritan.budget_yuan * (1 if by_policy_year else max(len(_policy_years_in_run(scenario)), 1))
    out["samaritan_budget_used_share"] = out["samaritan_paid_yuan"] / budget if budget > 0 else np.nan
    return out


def _policy_years_in_run(scenario: Scenario) -> list[int]:
    """Policy years that overlap the scheme's time within the horizon."""
    ins, horizon = scenario.insurance, scenario.simulation.horizon_days
    if not ins.coverage or ins.start_day >= horizon:
        return []
    first, last = ins.policy_year(np.array([ins.start_day, np.nextafter(horizon, 0)]))
    return list(range(int(first), int(last) + 1))
