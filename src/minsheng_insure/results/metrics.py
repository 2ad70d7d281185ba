"""Metrics per replication, computed from the event log alone (what each means: ``results.registry``).

Counts and money are sums over incidents; rates are ratios of those sums. Budget figures belong
to policy years, so they appear only when results are not split by anything else than the
policy year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng_insure.model.calendar import DAYS_PER_YEAR, month_of_year, quarter_of_year, year_index
from minsheng_insure.model.codebook import DENIAL_REASONS
from minsheng_insure.model.costs import RESOURCE_COLUMNS
from minsheng_insure.model.insurance import policy_year_of
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
BUDGET = ["premium_yuan", "incurred_yuan", "budget_used_share", "budget_exhausted", "budget_exhausted_day",
          "loss_ratio", "valid_claims_paid_share", "scheme_result_yuan", "partial_policy_year"]
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


COUNTED_BY = ("incident", "event")
"""How periods count: every figure by its incident's date (a cohort), or each by the date of its own
event, as a county's statistics do: reports on the report date, clearances on the clearance date."""

EVENT_DATE: dict[str, str] = {
    "false_reports": "report_day", "reported": "report_day", "registered": "report_day",
    "caught_in_act": "report_day", "claims_filed": "report_day", "fraud_claims": "report_day",
    "cleared": "clear_day", "recovered_yuan": "clear_day", "went_cold": "cold_day",
    "claims_paid": "paid_day", "payout_yuan": "paid_day", "fraud_claims_paid": "paid_day",
    "fraud_paid_yuan": "paid_day", "subrogated_yuan": "paid_day",
    **{name: "decision_day" for name in ["claims_denied", *(f"claims_denied_{r}" for r in DENIAL_REASONS[1:])]},
}
"""Under ``counted_by="event"``, the date each count is counted on (others: the incident's date).
A claim refused at screening has no decision day and counts on its report day; what happens after
the horizon (claims decided and paid later) falls in no period."""


def _group_columns(events: pd.DataFrame, scenario: Scenario, columns: list[str], day: np.ndarray,
                   rows: slice | np.ndarray) -> dict[str, np.ndarray]:
    """Each grouping column for the events ``rows``, with year, quarter and month taken from ``day``,
    and the policy year from the incident's day on the scenario's policy calendar (which a
    comparison may set to the other side's, see ``SimulationResult.on_calendar``)."""
    day = day[rows]
    ins = scenario.insurance
    derived = {
        "year": lambda: scenario.simulation.start_year + year_index(day),
        "quarter": lambda: quarter_of_year(day),
        "month": lambda: month_of_year(day),
        "policy_year": lambda: policy_year_of(events["incident_day"].to_numpy()[rows], ins.start_day,
                                              ins.policy_year_start_day),
    }
    return {c: derived[c]() if c in derived else events[c].to_numpy()[rows] for c in columns}


def compute_metrics(events: pd.DataFrame, scenario: Scenario, by: str | list[str] | None = None,
                    samaritan: pd.DataFrame | None = None, funds: pd.DataFrame | None = None,
                    counted_by: str = "incident", timeline: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per replication (and group), one column per metric.

    ``counted_by`` says which date puts a figure in a year, quarter or month (``COUNTED_BY``).
    The budget metrics (and, with ``samaritan``, the good-samaritan ones) come from ``funds``, the
    table the claims desks recorded; they exist only over the whole run or by policy year. The
    police costs come from the monthly ``timeline`` (``results.costs``) and exist for periods too.
    """
    if counted_by not in COUNTED_BY:
        raise ValueError(f"counted_by must be one of {', '.join(COUNTED_BY)}, got {counted_by!r}")
    keys = normalise_by(by)
    ev = events
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
    periods = [k for k in keys if k in ("year", "quarter", "month")]
    by_date: dict[str, list[str]] = {}
    for name in parts:
        date = EVENT_DATE.get(name, "incident_day") if counted_by == "event" and periods else "incident_day"
        by_date.setdefault(date, []).append(name)
    decision_day = ev["claim_day"].fillna(ev["report_day"]).to_numpy()
    group_cols = ["replication", *keys]
    blocks = []
    for date, names in by_date.items():
        day = decision_day if date == "decision_day" else ev[date].to_numpy()
        # Events whose date did not happen count nowhere (their parts are zero), nor do payouts decided
        # after the horizon: no period of the run holds them. Every incident has a day inside it.
        kept_rows = slice(None) if date == "incident_day" else day < scenario.simulation.horizon_days
        columns = _group_columns(ev, scenario, group_cols, day, kept_rows)
        table = pd.DataFrame({k: np.asarray(parts[k], dtype=float)[kept_rows] for k in names})
        for col in group_cols:
            table[col] = columns[col]
        blocks.append(table.groupby(group_cols, observed=True, sort=True).sum())
    sums = pd.concat(blocks, axis=1).fillna(0.0)[list(parts)] if len(blocks) > 1 else blocks[0]
    sums = _complete(sums.sort_index(), events["replication"].unique(), keys)
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
                        "budget": grouped["budget_yuan"].sum(), "incurred": grouped["approved_yuan"].sum(),
                        "decided": grouped["claims_decided"].sum(), "claims_paid": grouped["claims_paid"].sum(),
                        "result": grouped["result_yuan"].sum(), "days": grouped["days_in_run"].min(),
                        "exhausted_day": grouped["exhausted_day"].min()})
    if not by_policy_year:
        per = per.reindex(pd.Index(np.sort(replications), name="replication"))
    out = pd.DataFrame(index=per.index)
    out["premium_yuan"] = per["budget"]
    out["incurred_yuan"] = per["incurred"]
    out["budget_used_share"] = per["paid"] / per["fund"].where(per["fund"] > 0)
    out["budget_exhausted"] = per["exhausted_day"].notna().astype(float).where(per["fund"].notna())
    out["budget_exhausted_day"] = per["exhausted_day"]
    out["loss_ratio"] = per["incurred"] / per["budget"].where(per["budget"] > 0)
    out["valid_claims_paid_share"] = per["claims_paid"] / per["decided"].where(per["decided"] > 0)
    out["scheme_result_yuan"] = per["result"]
    out["partial_policy_year"] = (per["days"] < DAYS_PER_YEAR).astype(float).where(per["days"].notna())
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
