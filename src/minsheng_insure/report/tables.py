"""The tables a planner reads: every grouping in one tidy table, headline rows, and their display form."""

from __future__ import annotations

import pandas as pd

from minsheng_insure.report.labels import Lang, asset_label, crime_label, label, metric_label, metric_unit
from minsheng_insure.report.numbers import ROLES, fmt, fmt_ci, fmt_pct
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.scenario.schema import Scenario

HEADLINE = ["incidents", "reported", "registered", "cleared", "reporting_rate", "clearance_rate",
            "cleared_per_incident", "claims_filed", "claims_paid", "payout_yuan", "budget_used_share",
            "budget_exhausted", "budget_exhausted_day", "recovered_yuan", "uncompensated_loss_yuan"]

TABLE_GROUPINGS = ["whole_run", "year", "quarter", "policy_year", "crime_type", "asset_class", "township"]
"""The groupings written to the summary and comparison tables, each a block of rows."""

KEY_COLUMNS = ["year", "quarter", "policy_year", "crime_type", "asset_class", "township"]
KEY_TYPES = {"year": "Int64", "quarter": "Int64", "policy_year": "Int64", "crime_type": "string",
             "asset_class": "string", "township": "Int64"}
"""Each key column's type in the stacked tables: numbers stay numbers (a grouping without the key
leaves it empty), so townships sort 1, 2, ..., 10 and ``df.year == 2017`` finds rows."""


def _stack(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    blocks = []
    for grouping, table in tables.items():
        block = table.copy()
        for key in KEY_COLUMNS:
            if key not in block:
                block[key] = pd.NA
            block[key] = block[key].astype(KEY_TYPES[key])
        block.insert(0, "grouping", grouping)
        blocks.append(block)
    stacked = pd.concat(blocks, ignore_index=True)
    values = [c for c in stacked.columns if c not in ("grouping", *KEY_COLUMNS, "metric")]
    return stacked[["grouping", *KEY_COLUMNS, "metric", *values]]


def summary_table(result: SimulationResult) -> pd.DataFrame:
    """Every metric's mean and 95% CI for the whole run and by each grouping, in one tidy table."""
    return _stack({g: result.summary(None if g == "whole_run" else g) for g in TABLE_GROUPINGS})


def comparison_table(comparison: Comparison) -> pd.DataFrame:
    """The paired comparison for the whole run and by each grouping, in one tidy table."""
    return _stack({g: comparison.table(None if g == "whole_run" else g) for g in TABLE_GROUPINGS})


def group_keys(table: pd.DataFrame) -> list[str]:
    """The grouping columns of a metrics, summary or comparison table (year, quarter, crime_type...)."""
    return [c for c in table.columns if c in (*KEY_COLUMNS, "month")]


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """The headline metrics of a summary or comparison table, in reading order."""
    rows = table[table["metric"].isin(HEADLINE)].copy()
    rows["order"] = rows["metric"].map(HEADLINE.index)
    return rows.sort_values([*group_keys(rows), "order"]).drop(columns="order")


def headline_display(table: pd.DataFrame, lang: Lang, start_year: int | None = None) -> pd.DataFrame:
    """The headline rows of a summary or comparison table as text, ready to print or render.

    Shared by the terminal and the HTML report, so both show the same figures the same way
    (``report.numbers``; a day as a date given the run's ``start_year``). A comparison metric
    without a baseline value (budget use without a scheme) shows the difference.
    """
    rows = headline(table).reset_index(drop=True)
    metric = rows["metric"]
    out = {label(k, lang): rows[k].astype(str) for k in group_keys(rows)}
    out[label("metric", lang)] = metric.map(lambda m: metric_label(m, lang))
    out[label("unit", lang)] = metric.map(lambda m: metric_unit(m, lang))
    if "mean" in rows:
        out[label("mean", lang)] = [fmt(v, m, lang, start_year) for v, m in zip(rows["mean"], metric, strict=True)]
        out[label("col_ci", lang)] = [fmt_ci(lo, hi, m, lang, start_year) for lo, hi, m in
                                      zip(rows["ci_low"], rows["ci_high"], metric, strict=True)]
    else:
        for side in ("baseline", "scenario"):
            out[label(side, lang)] = [fmt(v, m, lang, start_year) for v, m in zip(rows[side], metric, strict=True)]
        change, interval = [], []
        for r in rows.itertuples(index=False):
            if pd.isna(r.change_pct):
                change.append(fmt(r.difference, r.metric, lang, role="difference"))
                interval.append(fmt_ci(r.difference_ci_low, r.difference_ci_high, r.metric, lang, role="difference"))
            else:
                change.append(fmt_pct(r.change_pct))
                interval.append(f"[{fmt_pct(r.change_pct_ci_low)}, {fmt_pct(r.change_pct_ci_high)}]")
        out[label("col_change", lang)] = change
        out[label("col_change_ci", lang)] = interval
    out[label("n", lang)] = rows["n"].astype(int).astype(str)
    return pd.DataFrame(out)


def localise(table: pd.DataFrame, lang: Lang, scenario: Scenario | None = None) -> pd.DataFrame:
    """A table for people: translated headers and names, a unit column, every figure as text
    (``report.numbers``: money in 万元 in Chinese, rates as %, days as dates given ``scenario``)."""
    out = table.copy()
    start_year = scenario.simulation.start_year if scenario is not None else None
    for col in [c for c in out.columns if c in ROLES]:
        out[col] = [fmt(v, m, lang, start_year, ROLES[col]) for v, m in zip(out[col], out["metric"], strict=True)]
    if "crime_type" in out:
        out["crime_type"] = out["crime_type"].map(lambda v: crime_label(v, lang, scenario), na_action="ignore")
    if "asset_class" in out:
        out["asset_class"] = out["asset_class"].map(lambda v: asset_label(v, lang), na_action="ignore")
    if "grouping" in out:
        out["grouping"] = out["grouping"].map(lambda g: label(g, lang))
    out.insert(list(out.columns).index("metric") + 1, "unit", out["metric"].map(lambda m: metric_unit(m, lang)))
    out["metric"] = out["metric"].map(lambda m: metric_label(m, lang))
    return out.rename(columns={c: label(c, lang) for c in out.columns})
