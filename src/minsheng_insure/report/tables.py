"""Headline tables: the metrics a planner reads first, formatted for a terminal."""

from __future__ import annotations

import math

import pandas as pd

HEADLINE = ["incidents", "reported", "registered", "cleared", "reporting_rate", "clearance_rate",
            "cleared_per_incident", "claims_filed", "claims_paid", "payout_yuan", "budget_used_share",
            "budget_exhausted", "budget_exhausted_day", "recovered_yuan", "uncompensated_loss_yuan"]


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """The headline metrics of a summary or comparison table, in reading order."""
    rows = table[table["metric"].isin(HEADLINE)].copy()
    rows["order"] = rows["metric"].map(HEADLINE.index)
    return rows.sort_values([c for c in rows.columns if c not in (
        "metric", "order", "mean", "ci_low", "ci_high", "n", "baseline", "scenario", "difference",
        "difference_ci_low", "difference_ci_high", "change_pct", "change_pct_ci_low", "change_pct_ci_high")]
        + ["order"]).drop(columns="order")


def fmt(value: float, metric: str = "") -> str:
    """A number as a planner reads it: rates as %, money and counts with thousands separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if metric.endswith(("_rate", "_share", "_per_incident")) or metric == "budget_exhausted":
        return f"{value:.1%}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def fmt_ci(low: float, high: float, metric: str = "") -> str:
    return f"[{fmt(low, metric)}, {fmt(high, metric)}]"


def fmt_pct(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:+.1f}%"
