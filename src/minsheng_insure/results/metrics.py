"""Metrics per replication, computed from the event log alone (what each means: ``results.registry``).

Counts and money are sums over incidents; rates are ratios of those sums. Budget figures belong
to policy years, so they appear only when results are not split by anything else than the
policy year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng_insure.model.calendar import DAYS_PER_YEAR, MONTH_START, month_of_year, quarter_of_year, year_index
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
the horizon (in the follow-up, or claims decided and paid later) falls in no period."""

COMPLETENESS = """A figure is complete when nothing that would change it was still to come when the run ended.
Counted by incident, a group is complete when none of its incidents is ``open_at_end`` (a report
still to come, or a case neither finished nor gone cold when the follow-up ended); the warm-up's
incidents belong to no group. Counted by event, every event dated inside the horizon has been
seen, but the run simulates no incidents before its first day (day 0 less
``simulation.warm_up_days``), whose reports and clearances would fall in its first periods: a
period is complete only if it begins at least the longest wait from an incident to any of its
counted events after the run's first day. The wait is the longest in the replication among the
incidents before the period (none: incomplete): the unsimulated incidents happened before them,
in the state the run starts in, not in a later one (a scheme that lengthens the police queue)."""


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
    out = {}
    for c in columns:
        if c in derived:
            out[c] = derived[c]()
        elif isinstance(events[c].dtype, pd.CategoricalDtype):
            # Grouped by integer codes numbered in the names' sorted order (hashing the names costs
            # twice the whole grouping); ``_named`` puts the names back.
            codes = events[c].cat.codes.to_numpy()[rows]
            ranked = _sorted_rank(events[c].cat.categories)[codes]
            # A missing category (code -1) groups nowhere, as a missing name did: NaN keys are dropped.
            out[c] = ranked if (codes >= 0).all() else np.where(codes >= 0, ranked, np.nan)
        else:
            out[c] = events[c].to_numpy()[rows]
    return out


def _sorted_rank(categories: pd.Index) -> np.ndarray:
    """Each category's place among the categories sorted by name."""
    rank = np.empty(len(categories), dtype=np.int64)
    rank[np.argsort(np.asarray(categories, dtype=object), kind="stable")] = np.arange(len(categories))
    return rank


def _named(sums: pd.DataFrame, events: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``sums`` with each categorical grouping's codes (``_group_columns``) replaced by its names."""
    for c in keys:
        if c in events and isinstance(events[c].dtype, pd.CategoricalDtype):
            names = np.sort(np.asarray(events[c].cat.categories, dtype=object))
            level = sums.index.names.index(c)
            codes = np.asarray(sums.index.levels[level], dtype=np.int64)
            sums.index = sums.index.set_levels(pd.Index(names[codes], name=c), level=level)
    return sums


def event_parts(events: pd.DataFrame) -> pd.DataFrame:
    """What each event adds to each summed metric (1/0 for counts, yuan for money), as floats: the
    same for every grouping, so a result works it out once."""
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
        "open_cases": ev["open_at_end"].to_numpy(),
    }
    # One float block, laid out as pandas keeps it (a row per metric), so that neither this frame nor
    # the grouping's blocks are copied column by column.
    block = np.stack([np.asarray(part, dtype=float) for part in parts.values()])
    return pd.DataFrame(block.T, columns=list(parts), copy=False)


def compute_metrics(events: pd.DataFrame, scenario: Scenario, by: str | list[str] | None = None,
                    samaritan: pd.DataFrame | None = None, funds: pd.DataFrame | None = None,
                    counted_by: str = "incident", timeline: pd.DataFrame | None = None,
                    parts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per replication (and group), one column per metric.

    ``counted_by`` says which date puts a figure in a year, quarter or month (``COUNTED_BY``).
    The budget metrics (and, with ``samaritan``, the good-samaritan ones) come from ``funds``, the
    table the claims desks recorded; they exist only over the whole run or by policy year. The
    police costs come from the monthly ``timeline`` (``results.costs``) and exist for periods too.
    ``parts`` is ``event_parts(events)``, when the caller has it already.
    """
    if counted_by not in COUNTED_BY:
        raise ValueError(f"counted_by must be one of {', '.join(COUNTED_BY)}, got {counted_by!r}")
    keys = normalise_by(by)
    ev = events
    parts = event_parts(events) if parts is None else parts
    block = parts.to_numpy().T  # a view: one row per metric
    periods = [k for k in keys if k in ("year", "quarter", "month")]
    by_date: dict[str, list[str]] = {}
    for name in parts:
        date = EVENT_DATE.get(name, "incident_day") if counted_by == "event" and periods else "incident_day"
        by_date.setdefault(date, []).append(name)
    group_cols = ["replication", *keys]
    blocks = []
    for date, names in by_date.items():
        day = (ev["claim_day"].fillna(ev["report_day"]).to_numpy() if date == "decision_day"
               else ev[date].to_numpy())
        # Events whose date did not happen count nowhere (their parts are zero), nor do payouts decided
        # after the horizon, nor anything dated in the warm-up (before day 0): no period of the run
        # holds them. An incident of the warm-up counts nowhere by its own date, but its events from
        # day 0 on count in their periods.
        kept_rows = ((day >= 0) & (day < scenario.simulation.horizon_days)
                     if date != "incident_day" or scenario.simulation.warm_up_days else slice(None))
        columns = _group_columns(ev, scenario, group_cols, day, kept_rows)
        if isinstance(kept_rows, slice) and len(names) == parts.shape[1]:
            table = parts  # every metric over every row: the frame itself rather than a copy of it
        else:
            table = pd.DataFrame(block[parts.columns.get_indexer(names)][:, kept_rows].T, columns=names, copy=False)
        grouped = table.groupby([pd.Series(columns[c], name=c) for c in group_cols], sort=True).sum()
        blocks.append(grouped)
    sums = pd.concat(blocks, axis=1).fillna(0.0)[list(parts)] if len(blocks) > 1 else blocks[0]
    sums = _complete(_named(sums.sort_index(), events, keys), events["replication"].unique(), keys)
    for rate, (num, den) in RATES.items():
        sums[rate] = sums[num] / sums[den].where(sums[den] > 0)
    complete = sums["open_cases"] == 0
    if counted_by == "event" and periods:
        complete = _after_longest_wait(ev, scenario, sums.index, periods)
    sums["complete"] = complete.astype(float)
    if funds is not None and set(keys) <= {"policy_year"}:
        replications = events["replication"].unique()
        sums = sums.join(_property_funds(funds, replications, by_policy_year=bool(keys)))
        if samaritan is not None and scenario.samaritan.active:
            sums = sums.join(_samaritan(samaritan, funds, replications, by_policy_year=bool(keys)))
    if timeline is not None and set(RESOURCE_COLUMNS) <= set(timeline.columns) and set(keys) <= PERIODS:
        sums = sums.join(police_costs(timeline, funds, scenario, keys))
    return sums.reset_index()


def complete_groups(metrics: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The groups ``keys`` of per-replication ``metrics`` with ``complete``: true where the group is
    complete in every replication (``COMPLETENESS``)."""
    if not keys:
        return pd.DataFrame({"complete": [bool((metrics["complete"] == 1).all())]})
    flags = metrics.groupby(keys, as_index=False, observed=True)["complete"].min()
    return flags.assign(complete=flags["complete"] == 1)


def with_complete(table: pd.DataFrame, keys: list[str], *flags: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``complete`` column: true where each of ``flags`` (``complete_groups``) says its
    row's group is complete; a group that one of them lacks had no incidents there, nothing left open."""
    complete = np.ones(len(table), dtype=bool)
    for flag in flags:
        if flag["complete"].all():
            continue  # the usual case, with no lookup
        if keys:
            complete &= table[keys].merge(flag, on=keys, how="left")["complete"].fillna(True).to_numpy(dtype=bool)
        else:
            complete &= bool(flag["complete"].iloc[0])
    return table.assign(complete=complete)


def _after_longest_wait(events: pd.DataFrame, scenario: Scenario, index: pd.MultiIndex,
                        periods: list[str]) -> pd.Series:
    """Per row of ``index`` (replication and groups): whether its period begins at least the longest
    wait after the run's first day, the wait from an incident to any event counted on its own date,
    longest among the replication's incidents before the period (``COMPLETENESS``)."""
    incident_day = events["incident_day"].to_numpy()
    waits = np.column_stack([events[date].to_numpy() - incident_day for date in
                             sorted({*EVENT_DATE.values()} - {"decision_day"} | {"claim_day"})])
    replication = events["replication"].to_numpy()
    order = np.lexsort((incident_day, replication))
    replication, incident_day = replication[order], incident_day[order]
    # Per replication, in incident order: the longest wait of the incidents so far.
    longest_so_far = pd.Series(np.nan_to_num(waits, nan=0.0).max(axis=1)[order]).groupby(replication).cummax()
    key = {name: index.get_level_values(name).to_numpy() for name in periods}
    first_day = (key["year"] - scenario.simulation.start_year) * DAYS_PER_YEAR
    if "month" in key:
        first_day = first_day + MONTH_START[key["month"] - 1]
    elif "quarter" in key:
        first_day = first_day + MONTH_START[3 * (key["quarter"] - 1)]
    row_replication = index.get_level_values("replication").to_numpy()
    own = np.searchsorted(replication, row_replication, side="left")
    own_end = np.searchsorted(replication, row_replication, side="right")
    before = np.array([np.searchsorted(incident_day[a:b], day) for a, b, day in
                       zip(own, own_end, first_day.tolist(), strict=True)], dtype=np.int64)
    # With no incident before it, nothing vouches for a period: the run may have begun inside the waits.
    longest = np.where(before > 0, longest_so_far.to_numpy()[own + np.maximum(before, 1) - 1], np.inf)
    return pd.Series(first_day + scenario.simulation.warm_up_days >= longest, index=index)


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
    # A fund of 0 "runs out" at its first claim: nothing to report, the budget figures say it all.
    out["budget_exhausted"] = per["exhausted_day"].notna().astype(float).where(per["fund"] > 0)
    out["budget_exhausted_day"] = per["exhausted_day"].where(per["fund"] > 0)
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
