"""Metrics per replication, computed from the event log alone.

Counts and money are sums over incidents; rates are ratios of those sums. Budget figures belong
to policy years, so they appear only when results are not split by anything else than the
policy year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng_insure.model.calendar import month_of_year, quarter_of_year, year_index
from minsheng_insure.model.codebook import DENIAL_REASONS
from minsheng_insure.model.costs import RESOURCE_COLUMNS
from minsheng_insure.results.costs import PERIODS, police_costs
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

METRIC_DESCRIPTIONS: dict[str, str] = {
    "incidents": "Incidents (发案), including those never reported; staged reports are not incidents.",
    "false_reports": "Staged reports (fraud) made to the police.",
    "reported": "Reports to the police (报案), staged ones included.",
    "registered": "Reported cases registered (立案).",
    "cleared": "Registered cases cleared (破案).",
    "caught_in_act": "Offenders caught in the act on camera (cleared at once).",
    "went_cold": "Registered cases dropped when their evidence went cold.",
    "claims_filed": "Claims filed (理赔): insured, aware and reported.",
    "claims_paid": "Claims paid something.",
    "claims_denied": "Claims filed and paid nothing.",
    **{f"claims_denied_{r}": f"Claims paid nothing because: {r.replace('_', ' ')}." for r in DENIAL_REASONS[1:]},
    "fraud_claims": "Fraudulent claims filed (staged or inflated).",
    "fraud_claims_paid": "Fraudulent claims verification let through and the fund paid.",
    "loss_yuan": "Losses, yuan.",
    "payout_yuan": "Paid by the scheme (赔付), yuan.",
    "fraud_paid_yuan": "Paid on fraudulent claims, yuan.",
    "recovered_yuan": "Stolen property returned (追赃), yuan.",
    "subrogated_yuan": "Recovered property returned to the fund or insurer after a paid claim, yuan.",
    "uncompensated_loss_yuan": "Loss neither recovered (net of subrogation) nor paid, yuan.",
    "reporting_rate": "Reported / incidents (报案率; the simulator knows the dark figure).",
    "clearance_rate": "Cleared / registered (破案率).",
    "cleared_per_incident": "Cleared / incidents.",
    "budget_used_share": "Payout / what the fund can pay (budget, or the insurer's aggregate limit).",
    "budget_exhausted": "1 if the fund ran out in the period, else 0 (its mean is a probability).",
    "budget_exhausted_day": "Day approved claims first reached the fund (NaN if never).",
    "loss_ratio": "Payout / budget (the insurer's loss ratio under the insurer rule).",
    "samaritan_injuries": "Good samaritans injured (见义勇为).",
    "samaritan_paid_yuan": "Paid from the good-samaritan fund, yuan.",
    "samaritan_budget_used_share": "Good-samaritan payout / its budget.",
    "officer_cost_yuan": "Villages with an auxiliary officer (辅警) x years x costs.auxiliary_officer_yuan_per_year "
                         "(from the monthly timeline), yuan.",
    "investigator_cost_yuan": "Investigator-days accountability and campaigns added above the base / 365 x "
                              "costs.investigator_yuan_per_year (from the timeline), yuan.",
    "camera_cost_yuan": "Camera coverage summed over villages (天网工程) x years x costs.camera_yuan_per_village_year "
                        "(from the timeline), yuan.",
    "scheme_cost_yuan": "Budget of every fund (funds table) plus officer, investigator and camera costs; whole run "
                        "and by policy year, yuan.",
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


def compute_metrics(events: pd.DataFrame, scenario: Scenario, by: str | list[str] | None = None,
                    samaritan: pd.DataFrame | None = None, funds: pd.DataFrame | None = None,
                    timeline: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per replication (and group), one column per metric.

    The budget metrics (and, with ``samaritan``, the good-samaritan ones) come from ``funds``, the
    table the claims desks recorded; they exist only over the whole run or by policy year. The
    police costs come from the monthly ``timeline`` (``results.costs``) and exist for periods too.
    """
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
    if funds is not None and set(keys) <= {"policy_year"}:
        replications = events["replication"].unique()
        sums = sums.join(_property_funds(funds, replications, by_policy_year=bool(keys)))
        if samaritan is not None and scenario.samaritan.active:
            sums = sums.join(_samaritan(samaritan, funds, replications, by_policy_year=bool(keys)))
    if timeline is not None and set(RESOURCE_COLUMNS) <= set(timeline.columns) and set(keys) <= PERIODS:
        sums = sums.join(police_costs(timeline, funds, scenario, keys))
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


def _property_funds(funds: pd.DataFrame, replications: np.ndarray, by_policy_year: bool) -> pd.DataFrame:
    """Budget use per replication and policy year (or over the whole run), from the funds table."""
    rows = funds[funds["fund"] == "property"]
    keys = ["replication", "policy_year"] if by_policy_year else ["replication"]
    grouped = rows.groupby(keys)
    per = pd.DataFrame({"paid": grouped["paid_yuan"].sum(), "fund": grouped["fund_yuan"].sum(),
                        "budget": grouped["budget_yuan"].sum(), "exhausted_day": grouped["exhausted_day"].min()})
    if not by_policy_year:
        per = per.reindex(pd.Index(np.sort(replications), name="replication"))
    out = pd.DataFrame(index=per.index)
    out["budget_used_share"] = per["paid"] / per["fund"].where(per["fund"] > 0)
    out["budget_exhausted"] = per["exhausted_day"].notna().astype(float).where(per["fund"].notna())
    out["budget_exhausted_day"] = per["exhausted_day"]
    out["loss_ratio"] = per["paid"] / per["budget"].where(per["budget"] > 0)
    return out


def _samaritan(samaritan: pd.DataFrame, funds: pd.DataFrame, replications: np.ndarray,
               by_policy_year: bool) -> pd.DataFrame:
    """Good-samaritan injuries and payouts per replication (and policy year), against the fund's budget."""
    keys = ["replication", "policy_year"] if by_policy_year else ["replication"]
    budget = funds[funds["fund"] == "samaritan"].groupby(keys)["budget_yuan"].sum()
    covered = samaritan[samaritan["policy_year"] >= 0].groupby(keys)
    index = budget.index if by_policy_year else pd.Index(np.sort(replications), name="replication")
    out = pd.DataFrame({"samaritan_injuries": covered.size(), "samaritan_paid_yuan": covered["paid_yuan"].sum()},
                       ).reindex(index, fill_value=0.0).astype(float)
    budget = budget.reindex(index)
    out["samaritan_budget_used_share"] = out["samaritan_paid_yuan"] / budget.where(budget > 0)
    return out
