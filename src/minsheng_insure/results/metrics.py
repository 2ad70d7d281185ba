"""Metrics per replication, computed from the event log alone.

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

COUNTS = ["incidents", "reported", "registered", "cleared", "went_cold", "claims_filed", "claims_paid",
          "claims_denied", *(f"claims_denied_{r}" for r in DENIAL_REASONS[1:])]
MONEY = ["loss_yuan", "payout_yuan", "recovered_yuan", "uncompensated_loss_yuan"]
RATES = {
    "reporting_rate": ("reported", "incidents"),
    "clearance_rate": ("cleared", "registered"),
    "cleared_per_incident": ("cleared", "incidents"),
}
BUDGET = ["budget_used_share", "budget_exhausted", "budget_exhausted_day", "loss_ratio"]

METRIC_DESCRIPTIONS: dict[str, str] = {
    "incidents": "Incidents (发案), including those never reported.",
    "reported": "Incidents reported to the police (报案).",
    "registered": "Reported cases registered (立案).",
    "cleared": "Registered cases cleared (破案).",
    "went_cold": "Registered cases dropped when their evidence went cold.",
    "claims_filed": "Claims filed (理赔): insured, aware and reported.",
    "claims_paid": "Claims paid something.",
    "claims_denied": "Claims filed and paid nothing.",
    **{f"claims_denied_{r}": f"Claims paid nothing because: {r.replace('_', ' ')}." for r in DENIAL_REASONS[1:]},
    "loss_yuan": "Losses, yuan.",
    "payout_yuan": "Paid by the scheme (赔付), yuan.",
    "recovered_yuan": "Stolen property returned (追赃), yuan.",
    "uncompensated_loss_yuan": "Loss neither recovered nor paid, yuan.",
    "reporting_rate": "Reported / incidents (报案率; the simulator knows the dark figure).",
    "clearance_rate": "Cleared / registered (破案率).",
    "cleared_per_incident": "Cleared / incidents.",
    "budget_used_share": "Payout / what the fund can pay (budget, or the insurer's aggregate limit).",
    "budget_exhausted": "1 if the fund ran out in the period, else 0 (its mean is a probability).",
    "budget_exhausted_day": "Day approved claims first reached the fund (NaN if never).",
    "loss_ratio": "Payout / budget (the insurer's loss ratio under the insurer rule).",
}


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


def compute_metrics(events: pd.DataFrame, scenario: Scenario, by: str | list[str] | None = None) -> pd.DataFrame:
    """One row per replication (and group), one column per metric."""
    keys = normalise_by(by)
    ev = _with_periods(events, scenario, keys)
    paid = ev["paid_yuan"].to_numpy()
    filed = ev["claim_filed"].to_numpy()
    reason = ev["denial_reason"].cat.codes.to_numpy()
    parts = {
        "incidents": np.ones(len(ev)),
        "reported": ev["reported"].to_numpy(),
        "registered": ev["registered"].to_numpy(),
        "cleared": ev["cleared"].to_numpy(),
        "went_cold": ev["went_cold"].to_numpy(),
        "claims_filed": filed,
        "claims_paid": paid > 0,
        "claims_denied": filed & (paid <= 0),
        **{f"claims_denied_{r}": reason == code for code, r in enumerate(DENIAL_REASONS) if code},
        "loss_yuan": ev["loss_yuan"].to_numpy(),
        "payout_yuan": paid,
        "recovered_yuan": ev["recovered_yuan"].to_numpy(),
        "uncompensated_loss_yuan": np.maximum(ev["loss_yuan"] - ev["recovered_yuan"] - paid, 0.0),
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
    fund, budget = ins.fund_yuan(), ins.budget_yuan
    claims = events.loc[events["approved_yuan"] > 0, ["replication", "policy_year", "claim_day", "approved_yuan",
                                                      "paid_yuan"]].sort_values(["replication", "claim_day"])
    claims["cumulative"] = claims.groupby(["replication", "policy_year"])["approved_yuan"].cumsum()
    reached = claims[claims["cumulative"] >= fund * (1 - 1e-12)]
    exhausted_day = reached.groupby(["replication", "policy_year"])["claim_day"].min()
    paid = claims.groupby(["replication", "policy_year"])["paid_yuan"].sum()

    years = _policy_years_in_run(scenario)
    index = pd.MultiIndex.from_product([np.sort(events["replication"].unique()), years],
                                       names=["replication", "policy_year"])
    per_year = pd.DataFrame({"paid": paid.reindex(index, fill_value=0.0),
                             "exhausted_day": exhausted_day.reindex(index)})
    if not by_policy_year:
        per_year = per_year.groupby("replication").agg(paid=("paid", "sum"), exhausted_day=("exhausted_day", "min"))
    periods = 1 if by_policy_year else max(len(years), 1)
    out = pd.DataFrame(index=per_year.index)
    out["budget_used_share"] = per_year["paid"] / (fund * periods) if fund > 0 else np.nan
    out["budget_exhausted"] = per_year["exhausted_day"].notna().astype(float)
    out["budget_exhausted_day"] = per_year["exhausted_day"]
    out["loss_ratio"] = per_year["paid"] / (budget * periods) if budget > 0 else np.nan
    if not years:
        out[BUDGET] = np.nan
    return out


def _policy_years_in_run(scenario: Scenario) -> list[int]:
    """Policy years that overlap the scheme's time within the horizon."""
    ins, horizon = scenario.insurance, scenario.simulation.horizon_days
    if not ins.coverage or ins.start_day >= horizon:
        return []
    first, last = ins.policy_year(np.array([ins.start_day, np.nextafter(horizon, 0)]))
    return list(range(int(first), int(last) + 1))
