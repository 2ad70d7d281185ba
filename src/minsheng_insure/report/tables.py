"""The tables a planner reads: every grouping in one tidy table, headline rows, and their display form."""

from __future__ import annotations

import pandas as pd

from minsheng_insure.model.calendar import day_to_date
from minsheng_insure.report.labels import Lang, asset_label, crime_label, label, metric_label, metric_unit
from minsheng_insure.report.numbers import ROLES, Role, cell, fmt, fmt_ci, fmt_pct
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.ladder import Ladder
from minsheng_insure.results.metrics import EVENT_DATE
from minsheng_insure.results.result import SimulationResult, policy_year_days
from minsheng_insure.scenario.schema import Scenario

HEADLINE = ["incidents", "reported", "registered", "cleared", "reporting_rate", "clearance_rate",
            "cleared_per_incident", "claims_filed", "claims_paid", "payout_yuan", "budget_used_share",
            "budget_exhausted", "recovered_yuan", "uncompensated_loss_yuan"]
"""The headline rows; when the fund ran out is a date, given per policy year (``report.sentences``)."""

TABLE_GROUPINGS = ["whole_run", "year", "quarter", "policy_year", "crime_type", "asset_class", "township"]
"""The groupings written to the summary and comparison tables, each a block of rows."""

KEY_COLUMNS = ["year", "quarter", "policy_year", "crime_type", "asset_class", "township", "period"]
KEY_TYPES = {"year": "Int64", "quarter": "Int64", "policy_year": "Int64", "crime_type": "string",
             "asset_class": "string", "township": "Int64", "period": "string"}
"""The grouping columns of the tidy tables and their types: numbers stay numbers (a grouping without
the key leaves it empty), so townships sort 1, 2, ..., 10 and ``df.year == 2017`` finds rows;
``period`` labels a year, quarter or policy year (``period_column``)."""


YOY_METRICS = ["incidents", "reported", "registered", "cleared", "claims_filed", "claims_paid", "payout_yuan"]
"""What a county's year-on-year statistics show."""


def _stack(tables: dict[str, pd.DataFrame], scenarios: dict[str, Scenario]) -> pd.DataFrame:
    """The tables of each grouping as one, with a ``period`` column naming each quarter or policy year
    (2016Q3, 2016-07-01/2017-06-30) on the calendar of the row's scenario (``scenarios``, by
    ``scenario_name``; the one scenario under ``""``)."""
    blocks = []
    for grouping, table in tables.items():
        block = table.copy()
        block["period"] = period_column(block, scenarios)
        for key in KEY_COLUMNS:
            if key not in block:
                block[key] = pd.NA
            block[key] = block[key].astype(KEY_TYPES[key])
        block.insert(0, "grouping", grouping)
        blocks.append(block)
    stacked = pd.concat(blocks, ignore_index=True)
    lead = ["grouping", *(["scenario_name"] if "scenario_name" in stacked else [])]
    values = [c for c in stacked.columns if c not in (*lead, *KEY_COLUMNS, "metric")]
    return stacked[[*lead, *KEY_COLUMNS, "metric", *values]]


def period_column(table: pd.DataFrame, scenarios: dict[str, Scenario]) -> list[str | None]:
    """Each row's period as a label: a quarter (2016Q3), a month (2016-03) or a policy year as its ISO
    8601 dates (2016-07-01/2017-06-30; -1, before the scheme, up to its start); ``None`` for rows of
    other groupings (a year is labelled by itself)."""
    if "policy_year" in table:
        names = table["scenario_name"] if "scenario_name" in table else [""] * len(table)
        return [_policy_year_dates(int(y), scenarios[n]) for y, n in zip(table["policy_year"], names, strict=True)]
    period = next((p for p in ("quarter", "month") if p in table), None)
    return period_labels(table, period) if period else [None] * len(table)  # a year is its own label


def _policy_year_dates(year: int, scenario: Scenario) -> str:
    start, end = policy_year_days(year, scenario)
    first = scenario.simulation.start_year
    return f"{day_to_date(start, first).isoformat()}/{day_to_date(end - 1, first).isoformat()}"


def summary_table(result: SimulationResult) -> pd.DataFrame:
    """Every metric's mean and 95% CI for the whole run and by each grouping, in one tidy table; by
    policy year only with a scheme (without one, its "policy years" would be calendar years again)."""
    groupings = [g for g in TABLE_GROUPINGS if g != "policy_year" or result.scenario.insurance.coverage]
    return _stack({g: result.summary(None if g == "whole_run" else g) for g in groupings}, {"": result.scenario})


def comparison_table(comparison: Comparison | Ladder) -> pd.DataFrame:
    """The paired comparison (of each scenario, for a ladder) for the whole run and by each grouping,
    in one tidy table; by policy year on the scenario's policy years."""
    results = comparison.scenarios if isinstance(comparison, Ladder) else (comparison.scenario,)
    scenarios = {r.scenario.name: r.scenario for r in results} | {"": results[0].scenario}
    return _stack({g: comparison.table(None if g == "whole_run" else g) for g in TABLE_GROUPINGS}, scenarios)


def group_keys(table: pd.DataFrame) -> list[str]:
    """The grouping columns of a metrics, summary or comparison table (year, quarter, crime_type...)."""
    return [c for c in table.columns if c in (*KEY_COLUMNS, "month")]


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """The headline metrics of a summary or comparison table, in reading order."""
    rows = table[table["metric"].isin(HEADLINE)].copy()
    rows["order"] = rows["metric"].map(HEADLINE.index)
    return rows.sort_values([*group_keys(rows), "order"]).drop(columns="order")


def headline_display(table: pd.DataFrame, lang: Lang, scenario: Scenario | None = None) -> pd.DataFrame:
    """The headline rows of a summary or comparison table as text, ready to print or render.

    Shared by the terminal and the HTML report, so both show the same figures the same way
    (``report.numbers``; with ``scenario``, a day as a date and policy years as their months on its
    calendar). A comparison metric without a baseline value (budget use without a scheme) shows the
    difference.
    """
    rows = headline(table).reset_index(drop=True)
    metric = rows["metric"]
    start_year = scenario.simulation.start_year if scenario is not None else None
    out = {label(k, lang): rows[k].astype(str) for k in group_keys(rows)}
    if "policy_year" in rows and scenario is not None:
        out[label("policy_year", lang)] = rows["policy_year"].map(lambda y: policy_year_label(int(y), scenario, lang))
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
    (``report.numbers``: money in 万元 in Chinese, rates as %, days as dates given ``scenario``); with
    ``scenario``, policy years as their months."""
    out = table.copy()
    start_year = scenario.simulation.start_year if scenario is not None else None
    for col in [c for c in out.columns if c in ROLES]:
        out[col] = [fmt(v, m, lang, start_year, ROLES[col]) for v, m in zip(out[col], out["metric"], strict=True)]
    if "crime_type" in out:
        out["crime_type"] = out["crime_type"].map(lambda v: crime_label(v, lang, scenario), na_action="ignore")
    if "asset_class" in out:
        out["asset_class"] = out["asset_class"].map(lambda v: asset_label(v, lang), na_action="ignore")
    if scenario is not None and "policy_year" in out:
        out["policy_year"] = out["policy_year"].map(lambda y: policy_year_label(int(y), scenario, lang),
                                                    na_action="ignore")
    if "grouping" in out:
        out["grouping"] = out["grouping"].map(lambda g: label(g, lang))
    out.insert(list(out.columns).index("metric") + 1, "unit", out["metric"].map(lambda m: metric_unit(m, lang)))
    out["metric"] = out["metric"].map(lambda m: metric_label(m, lang))
    return out.rename(columns={c: label(c, lang) for c in out.columns})


def ladder_display(ladder: Ladder, lang: Lang) -> pd.DataFrame:
    """The headline metrics of a ladder as text, one column per scenario: its mean, then its % change
    against the baseline with the 95% CI (a metric the baseline lacks: the scenario's own 95% CI)."""
    table = headline(ladder.table())
    metrics = [m for m in HEADLINE if m in set(table["metric"])]  # a rung without money lacks budget use
    baseline = table.drop_duplicates("metric").set_index("metric")["baseline"].reindex(metrics)
    out = {label("metric", lang): [metric_label(m, lang) for m in metrics],
           label("unit", lang): [metric_unit(m, lang) for m in metrics],
           label("baseline", lang): [fmt(v, m, lang) for v, m in zip(baseline, metrics, strict=True)]}
    for name in ladder.names:
        rows = table[table["scenario_name"] == name].set_index("metric").reindex(metrics)
        out[name] = [f"{fmt(r.scenario, m, lang)} {_change(r, m, lang)}" for m, r in zip(rows.index, rows.itertuples(),
                                                                                         strict=True)]
    return pd.DataFrame(out)


def _change(row: object, metric: str, lang: Lang) -> str:
    if pd.isna(row.change_pct):  # type: ignore[attr-defined]
        return fmt_ci(row.scenario_ci_low, row.scenario_ci_high, metric, lang)  # type: ignore[attr-defined]
    return (f"({fmt_pct(row.change_pct)} [{fmt_pct(row.change_pct_ci_low)}, "  # type: ignore[attr-defined]
            f"{fmt_pct(row.change_pct_ci_high)}])")  # type: ignore[attr-defined]


def ladder_wide(ladder: Ladder, lang: Lang) -> pd.DataFrame:
    """Every whole-run metric of a ladder, one row per metric and columns per scenario (its mean, then
    its % change against the baseline and that change's 95% CI), for the workbook: each figure a
    (value, Excel number format) cell from ``report.numbers.cell`` (shares as %, money in yuan or
    万元, days as dates), so it reads as the other sheets do."""
    table = ladder.table()
    metrics = list(dict.fromkeys(table["metric"]))
    start_year = ladder.baseline.scenario.simulation.start_year
    wide = table.set_index(["metric", "scenario_name"])

    def cells(values: pd.Series, role: Role) -> list[tuple[object, str | None]]:
        return [cell(v, m, lang, start_year, role) for v, m in zip(values, metrics, strict=True)]

    base = wide.xs(ladder.names[0], level="scenario_name").reindex(metrics)
    out = pd.DataFrame({label("metric", lang): [metric_label(m, lang) for m in metrics],
                        label("unit", lang): [metric_unit(m, lang) for m in metrics],
                        label("baseline", lang): pd.Series(cells(base["baseline"], "level"), dtype=object)})
    for name in ladder.names:
        rows = wide.xs(name, level="scenario_name").reindex(metrics)
        out[name] = pd.Series(cells(rows["scenario"], "level"), dtype=object)
        out[f"{name}: {label('change', lang)}"] = pd.Series(cells(rows["change_pct"], "change"), dtype=object)
        out[f"{name}: {label('col_change_ci', lang)}"] = [
            "" if pd.isna(lo) else f"[{fmt_pct(lo)}, {fmt_pct(hi)}]"
            for lo, hi in zip(rows["change_pct_ci_low"], rows["change_pct_ci_high"], strict=True)]
    return out


def yoy_table(result: SimulationResult, period: str) -> pd.DataFrame:
    """Each ``period`` (quarter, month or year) against the same period a year before, as a county
    reports it: each count on the date of its own event (``counted_by``: reports on the report date,
    clearances on the clearance date), paired by replication, with 95% CIs; the period as a label."""
    table = result.period_change(period, counted_by="event")
    cited = {(f.metric, f.period): f for f in result.scenario.reported_figures}
    table = table[table["metric"].isin(YOY_METRICS + [m for m, _ in cited])].copy()
    table.insert(0, "period", period_labels(table, period))
    table.insert(1, "counted_by", table["metric"].map(lambda m: EVENT_DATE.get(m, "incident_day")))
    found = [cited.get(key) for key in zip(table["metric"], table["period"], strict=True)]
    table["reported_change_pct"] = [f.change_pct if f else float("nan") for f in found]
    table["reported_source"] = [f.source if f else "" for f in found]
    return table.drop(columns=[c for c in ("year", "quarter", "month") if c in table]).reset_index(drop=True)


def reported_figures_table(result: SimulationResult) -> pd.DataFrame:
    """Each figure the scenario cites (``reported_figures``) beside the simulated year-on-year change of
    the same metric and period, counted as the county counts; empty when it cites none."""
    frames = []
    for period in sorted({_granularity(f.period) for f in result.scenario.reported_figures}):
        table = yoy_table(result, period)
        frames.append(table[table["reported_change_pct"].notna()])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _granularity(period: str) -> str:
    """quarter, month or year, from a period label (2017Q1, 2017-03, 2017)."""
    return "quarter" if "Q" in period else "month" if "-" in period else "year"


def period_labels(table: pd.DataFrame, period: str) -> list[str]:
    """Labels of calendar periods: 2017Q1, 2017-03, 2017."""
    if period == "quarter":
        return [f"{int(y)}Q{int(q)}" for y, q in zip(table["year"], table["quarter"], strict=True)]
    if period == "month":
        return [f"{int(y)}-{int(m):02d}" for y, m in zip(table["year"], table["month"], strict=True)]
    return [str(int(y)) for y in table["year"]]


def yoy_display(table: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """A year-on-year table as text: period, metric, the date it is counted by, both years, change, and
    whether both periods are complete (an incomplete one still lacks events: read it with care)."""
    metric = table["metric"]
    return pd.DataFrame({
        label("period", lang): table["period"],
        label("metric", lang): metric.map(lambda m: metric_label(m, lang)),
        label("counted_by", lang): table["counted_by"].map(lambda d: label(f"date_{d}", lang)),
        label("year_before", lang): [fmt(v, m, lang) for v, m in zip(table["year_before"], metric, strict=True)],
        label("this_year", lang): [fmt(v, m, lang) for v, m in zip(table["this_year"], metric, strict=True)],
        label("col_change", lang): table["change_pct"].map(fmt_pct),
        label("col_change_ci", lang): [f"[{fmt_pct(lo)}, {fmt_pct(hi)}]" for lo, hi in
                                       zip(table["change_pct_ci_low"], table["change_pct_ci_high"], strict=True)],
        label("n", lang): table["n"].astype(int).astype(str),
        label("complete", lang): [label("answer_yes" if done else "answer_no", lang) for done in
                                  (table["complete"] if "complete" in table else [True] * len(table))],
        label("reported_change_pct", lang): table["reported_change_pct"].map(fmt_pct),
        label("reported_source", lang): table["reported_source"],
    })


def policy_year_label(year: int, scenario: Scenario, lang: Lang) -> str:
    """A policy year as its months (保单年度 2016-07至2017-06); -1, the months before the scheme, as such."""
    start, end = policy_year_days(year, scenario)
    first = scenario.simulation.start_year
    return label("period_before_scheme" if year < 0 else "period_policy_year", lang,
                 start=day_to_date(start, first).strftime("%Y-%m"), end=day_to_date(end - 1, first).strftime("%Y-%m"))
