"""Presenting a decomposition (``experiments.decompose``): its tables, a stacked-share plot, a
Markdown section and the HTML section of a comparison's report.

The saved table (``decomposition.csv``) is the source of every presentation, so ``minsheng report``
rebuilds the section from an output folder without running anything.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from minsheng_insure.report.labels import CATALOGUE, Lang, label, metric_label, metric_unit
from minsheng_insure.report.tables import KEY_COLUMNS, fmt
from minsheng_insure.results.registry import kind

if TYPE_CHECKING:
    from minsheng_insure.experiments.decompose import Decomposition

TABLE = "decomposition"
"""The stem of the saved whole-run table (``decomposition.csv``), and of its plot."""
TOTAL = "total"  # experiments.decompose.TOTAL, repeated so that reading a saved folder needs no simulator


def component_label(component: str, lang: Lang) -> str:
    """A component's name; a component of the caller's own keeps its name."""
    key = f"component_{component}"
    return CATALOGUE[key][lang] if key in CATALOGUE else component


def fmt_effect(value: float, metric: str, lang: Lang) -> str:
    """An effect with its sign: a rate's in percentage points, others in the metric's unit."""
    if pd.isna(value):
        return "-"
    if value == 0:
        return "0"
    if kind(metric) == "share":
        return f"{value * 100:+.1f} {label('unit_points', lang)}"
    text = fmt(abs(value), metric, lang)
    return f"-{text}" if value < 0 else f"+{text}"


def fmt_share(share: float, low: float, high: float) -> str:
    return "-" if pd.isna(share) else f"{share:.0%} [{low:.0%}, {high:.0%}]" if not pd.isna(low) else f"{share:.0%}"


def decomposition_display(table: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """A decomposition as text, one row per metric (and group): the total effect with its 95% CI, then
    per component its effect and (share of the total [95% CI])."""
    rows = []
    components = [c for c in dict.fromkeys(table["component"]) if c != TOTAL]
    keys = [c for c in table.columns if c in KEY_COLUMNS or c == "month"]
    for (*group, metric), block in table.groupby([*keys, "metric"], sort=False):
        by = block.set_index("component")
        total = by.loc[TOTAL]
        row = {label(k, lang): str(v) for k, v in zip(keys, group, strict=True)}
        row |= {label("metric", lang): metric_label(metric, lang), label("unit", lang): metric_unit(metric, lang),
               label("col_total_effect", lang): f"{fmt_effect(total['effect'], metric, lang)} "
                                                f"[{fmt_effect(total['effect_ci_low'], metric, lang)}, "
                                                f"{fmt_effect(total['effect_ci_high'], metric, lang)}]"}
        for c in components:
            part = by.loc[c]
            share = fmt_share(part["share"], part["share_ci_low"], part["share_ci_high"])
            row[component_label(c, lang)] = f"{fmt_effect(part['effect'], metric, lang)} ({share})"
        row[label("n", lang)] = str(int(total["n"]))
        rows.append(row)
    return pd.DataFrame(rows)


def markdown_table(frame: pd.DataFrame) -> str:
    """A text table as Markdown (pipes in cells escaped)."""
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _intro(info: dict, lang: Lang) -> str:
    return label("decomposition_text", lang, replications=info["replications"], seed=info["seed"],
                 subsets=2 ** len(info["components"]),
                 components=", ".join(component_label(c, lang) for c in info["components"]))


def _sum_check(info: dict, lang: Lang) -> str:
    return label("decomposition_check", lang, gap=f"{info['max_gap_share']:.2e}")


def decomposition_markdown(table: pd.DataFrame, info: dict, lang: Lang) -> str:
    """A short Markdown section: what was split, how, the table and the sum check."""
    return "\n".join([
        f"## {label('section_decomposition', lang)}: {info['scenario_name']} / {info['baseline_name']}", "",
        _intro(info, lang), "", markdown_table(decomposition_display(table, lang)), "", _sum_check(info, lang), ""])


def decomposition_html(table: pd.DataFrame, info: dict, lang: Lang, render_table: Callable[..., str]) -> str:
    """The report's section: text, table and sum check (``render_table`` renders a text DataFrame)."""
    return (f"<h2>{html.escape(label('section_decomposition', lang))}</h2>\n<p>{html.escape(_intro(info, lang))}</p>"
            f"\n{render_table(decomposition_display(table, lang), 'decomposition')}\n"
            f"<p>{html.escape(_sum_check(info, lang))}</p>")


def write_decomposition(folder: Path, decomposition: Decomposition, formats: set[str], lang: Lang,
                        by: str | None = None) -> dict:
    """The decomposition's tables (whole run, and by ``by``), its sum check, Markdown and plot, into
    ``folder``; returns its description (also saved as ``decomposition.json``)."""
    table = decomposition.table()
    tables = {TABLE: table, "decomposition_check": decomposition.check()}
    if by is not None:
        tables[f"decomposition_by_{by}"] = decomposition.table(by)
    for stem, frame in tables.items():
        if "csv" in formats or stem == TABLE:  # the whole-run CSV is what the report is rebuilt from
            frame.to_csv(folder / f"{stem}.csv", index=False)
        if "parquet" in formats:
            frame.to_parquet(folder / f"{stem}.parquet", index=False)
    info = {"baseline_name": decomposition.baseline.name, "scenario_name": decomposition.scenario.name,
            "components": decomposition.components, "replications": decomposition.replications,
            "seed": decomposition.seed, "counted_by": decomposition.counted_by,
            "keys": {s.component: list(s.keys) for s in decomposition.switches},
            "max_gap_share": float(tables["decomposition_check"]["gap_share"].max())}
    (folder / f"{TABLE}.json").write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    (folder / f"{TABLE}.md").write_text(decomposition_markdown(table, info, lang), encoding="utf-8")
    if "xlsx" in formats:
        with pd.ExcelWriter(folder / f"{TABLE}.xlsx") as workbook:  # openpyxl, loaded only here
            for stem, frame in tables.items():
                frame.to_excel(workbook, sheet_name=stem[:31], index=False)
    return info


def read_decomposition(folder: Path) -> tuple[pd.DataFrame, dict] | None:
    """The saved whole-run decomposition of an output folder and its description, if it has one."""
    if not (folder / f"{TABLE}.csv").exists() or not (folder / f"{TABLE}.json").exists():
        return None
    return pd.read_csv(folder / f"{TABLE}.csv"), json.loads((folder / f"{TABLE}.json").read_text(encoding="utf-8"))


def shares_plot(table: pd.DataFrame, lang: Lang) -> object:
    """Stacked horizontal bars: each metric's total effect split into its components' shares (matplotlib,
    imported here). Positive shares stack right of 0, negative ones left; metrics without an effect
    are left out."""
    import numpy as np

    from minsheng_insure.report.plots import new_figure

    parts = table[(table["component"] != TOTAL) & table["share"].notna()]
    metrics = list(dict.fromkeys(parts["metric"]))[::-1]
    components = list(dict.fromkeys(parts["component"]))
    fig, ax = new_figure(figsize=(9, 0.45 * len(metrics) + 1.8))
    y = np.arange(len(metrics))
    right, left = np.zeros(len(metrics)), np.zeros(len(metrics))
    for component in components:
        share = parts[parts["component"] == component].set_index("metric")["share"].reindex(metrics).fillna(0)
        values = share.to_numpy() * 100
        start = np.where(values >= 0, right, left)
        ax.barh(y, values, left=start, label=component_label(component, lang))
        right, left = right + np.maximum(values, 0), left + np.minimum(values, 0)
    ax.axvline(0, color="grey", linewidth=1)
    ax.axvline(100, color="grey", linewidth=1, linestyle=":")
    ax.set_yticks(y, [metric_label(m, lang) for m in metrics])
    ax.set(title=label("plot_decomposition", lang), xlabel=label("axis_share_of_effect", lang))
    fig.legend(fontsize="small", loc="lower center", ncol=min(len(components), 4))  # below: bars fill the axes
    fig.tight_layout(rect=(0, 0.03 + 0.03 * ((len(components) - 1) // 4 + 1), 1, 1))
    return fig


def draw_decomposition(folder: Path, table: pd.DataFrame, lang: Lang) -> Path:
    """The stacked-share plot of a whole-run decomposition, saved as PNG and SVG in ``folder``."""
    from minsheng_insure.report.plots import plot_language, save  # matplotlib: only when plots are drawn

    return save(shares_plot(table, plot_language(lang)), folder, TABLE)  # type: ignore[arg-type]
