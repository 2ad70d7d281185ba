"""Plots (matplotlib, PNG and SVG): cases by month, rates by quarter, payouts against the budget,
payouts by asset class, for comparisons a forest plot of % changes, and for sweeps a tornado plot
of sensitivity indices.

Chinese labels need a CJK font (Debian: ``apt-get install fonts-wqy-zenhei`` or ``fonts-noto-cjk``).
matplotlib keeps a list of fonts cached from its first run, which does not see a font installed
later, so the known font files are added to it when the list lacks one; with none at all the plots
fall back to English with one ``MissingFontWarning`` (the command line prints it as one line).
"""

from __future__ import annotations

import functools
import logging
import warnings
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from minsheng_insure.model.calendar import day_to_date
from minsheng_insure.report.labels import Lang, asset_label, label, metric_label, metric_unit, money_scale
from minsheng_insure.report.tables import HEADLINE, policy_year_label
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.ladder import Ladder
from minsheng_insure.results.registry import kind
from minsheng_insure.results.result import SimulationResult

# matplotlib logs a line per text for fonts with one weight only (WenQuanYi); the text still renders.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

CJK_FAMILIES = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP",
                "Source Han Sans SC", "Source Han Sans CN", "SimHei", "Microsoft YaHei", "PingFang SC",
                "Droid Sans Fallback", "AR PL UMing CN")


CJK_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simhei.ttf")
"""Where Debian (fonts-wqy-zenhei, fonts-wqy-microhei, fonts-noto-cjk, fonts-droid-fallback,
fonts-arphic-uming), Fedora, macOS and Windows put the fonts of ``CJK_FAMILIES``."""


class MissingFontWarning(UserWarning):
    """No CJK font is installed: Chinese plots are drawn with English labels."""


def _listed_cjk_font() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


@functools.cache
def cjk_font() -> str | None:
    """The name of an installed font that covers Chinese, if any.

    A font installed after matplotlib cached its font list is missing from that list: then the
    known font files are added to it (once per process; the cache on disk is left alone).
    """
    found = _listed_cjk_font()
    if found is None:
        for path in CJK_FILES:
            if Path(path).is_file():
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable file: try the next one
                    continue
        found = _listed_cjk_font()
    return found


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs: object) -> tuple[Figure, Any]:
    """A figure on the Agg canvas and its axes, as ``pyplot.subplots`` gives, without pyplot: the plots
    only go to files, and pyplot (its state, its backends) costs half a second to import."""
    subplot = {key: kwargs.pop(key) for key in ("squeeze", "sharex", "sharey") if key in kwargs}
    fig = Figure(**kwargs)  # type: ignore[arg-type]
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **subplot)  # type: ignore[arg-type]


def plot_language(lang: Lang) -> Lang:
    """The language plots can be drawn in: Chinese only with a CJK font, else English with a warning."""
    if lang == "zh":
        font = cjk_font()
        if font is None:
            warnings.warn(label("msg_no_cjk_font", lang), MissingFontWarning, stacklevel=2)
            return "en"
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        matplotlib.rcParams["axes.unicode_minus"] = False
    else:
        matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    return lang


def _period_axis(table: pd.DataFrame, unit: str) -> list[str]:
    return [f"{int(y)}-{int(p):02d}" if unit == "month" else f"{int(y)}Q{int(p)}"
            for y, p in zip(table["year"], table[unit], strict=True)]


def cases_by_month(result: SimulationResult, lang: Lang) -> Figure:
    summary = result.summary("month")
    fig, ax = new_figure(figsize=(10, 4.5))
    for metric in ("incidents", "reported", "registered", "cleared"):
        rows = summary[summary["metric"] == metric].sort_values(["year", "month"])
        x = np.arange(len(rows))
        ax.plot(x, rows["mean"], label=metric_label(metric, lang))
        ax.fill_between(x, rows["ci_low"], rows["ci_high"], alpha=0.25)
    ticks = _period_axis(rows, "month")
    ax.set_xticks(np.arange(len(ticks))[::3], ticks[::3], rotation=45, ha="right")
    ax.set(title=label("plot_cases_by_month", lang), xlabel=label("axis_month", lang), ylabel=label("axis_cases", lang))
    ax.legend()
    fig.tight_layout()
    return fig


def rates_by_quarter(results: dict[str, SimulationResult], lang: Lang) -> Figure:
    fig, ax = new_figure(figsize=(10, 4.5))
    for name, result in results.items():
        summary = result.summary("quarter")
        for metric, style in (("reporting_rate", "-"), ("clearance_rate", "--")):
            rows = summary[summary["metric"] == metric].sort_values(["year", "quarter"])
            x = np.arange(len(rows))
            ax.errorbar(x, rows["mean"], yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]],
                        linestyle=style, marker="o", capsize=3, label=f"{metric_label(metric, lang)}: {name}")
    ax.set_xticks(x, _period_axis(rows, "quarter"))
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set(title=label("plot_rates", lang), xlabel=label("axis_quarter", lang), ylabel=label("axis_rate", lang))
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def payouts_against_budget(result: SimulationResult, lang: Lang) -> Figure:
    curve = result.payout_curve()
    budget = result.summary("policy_year")
    scale = money_scale("payout_yuan", lang)
    fig, ax = new_figure(figsize=(10, 4.5))
    # What each policy year's fund could pay, as the claims desks recorded it (mean over replications:
    # a re-priced premium differs between them).
    funds = result.funds[result.funds["fund"] == "property"].groupby("policy_year")[["start_day", "end_day",
                                                                                    "fund_yuan"]].mean()
    for year, rows in curve.groupby("policy_year"):
        ax.plot(rows["day"], rows["mean"] / scale, label=policy_year_label(int(year), result.scenario, lang))
        ax.fill_between(rows["day"], rows["ci_low"] / scale, rows["ci_high"] / scale, alpha=0.25)
        if year not in funds.index:
            continue
        start, end, fund = funds.loc[year]
        ax.hlines(fund / scale, start, end, colors="grey", linestyles=":",
                  label=label("legend_budget", lang) if year == curve["policy_year"].min() else None)
        exhausted = budget[(budget["policy_year"] == year) & (budget["metric"] == "budget_exhausted_day")]
        if len(exhausted):
            ax.axvline(exhausted["mean"].iloc[0], color="red", linestyle="--", alpha=0.6,
                       label=label("legend_exhausted", lang) if year == curve["policy_year"].min() else None)
    # Days shown as dates: a planner reads 2017-05-14, not day 498.
    start_year = result.scenario.simulation.start_year
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda day, _: day_to_date(max(day, 0.0), start_year).isoformat()))
    ax.set(title=label("plot_payouts", lang), xlabel=label("axis_date", lang), ylabel=label("axis_payout", lang))
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def payouts_by_asset(result: SimulationResult, lang: Lang) -> Figure:
    rows = result.summary("asset_class")
    rows = rows[(rows["metric"] == "payout_yuan") & (rows["asset_class"] != "none")]
    scale = money_scale("payout_yuan", lang)
    fig, ax = new_figure(figsize=(8, 4.5))
    y = np.arange(len(rows))
    ax.barh(y, rows["mean"] / scale, xerr=[(rows["mean"] - rows["ci_low"]) / scale,
                                           (rows["ci_high"] - rows["mean"]) / scale], capsize=3)
    ax.set_yticks(y, [asset_label(a, lang) for a in rows["asset_class"]])
    ax.set(title=label("plot_payouts_by_asset", lang), xlabel=label("axis_payout", lang))
    fig.tight_layout()
    return fig


def forest(comparison: Comparison, lang: Lang) -> Figure:
    table = comparison.table()
    rows = table[table["metric"].isin(HEADLINE) & table["change_pct"].notna()]
    rows = rows.assign(order=rows["metric"].map(HEADLINE.index)).sort_values("order", ascending=False)
    fig, ax = new_figure(figsize=(8, 0.45 * len(rows) + 1.5))
    y = np.arange(len(rows))
    ax.errorbar(rows["change_pct"], y, xerr=[rows["change_pct"] - rows["change_pct_ci_low"],
                                             rows["change_pct_ci_high"] - rows["change_pct"]],
                fmt="o", capsize=3)
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_yticks(y, [metric_label(m, lang) for m in rows["metric"]])
    ax.set(title=label("plot_forest", lang), xlabel=label("axis_change", lang))
    fig.tight_layout()
    return fig


LADDER_METRICS = ["reported", "cleared", "reporting_rate", "clearance_rate", "claims_paid", "payout_yuan",
                  "budget_used_share", "budget_exhausted"]
"""The headline metrics a budget ladder plots against the budget."""


def ladder_plot(ladder: Ladder, lang: Lang) -> Figure:
    """Each headline metric's mean and 95% CI against each scenario's budget (万元), the baseline as a
    dashed line; scenarios with equal budgets are placed side by side by name instead."""
    table = ladder.table()
    budgets = ladder.budgets()
    by_budget = len(set(budgets)) == len(budgets)
    x = np.asarray(budgets) / 1e4 if by_budget else np.arange(len(budgets))
    fig, axes = new_figure(2, 4, figsize=(14, 6.5))
    for ax, metric in zip(axes.ravel(), LADDER_METRICS, strict=True):
        rows = table[table["metric"] == metric].set_index("scenario_name").reindex(ladder.names)
        scale = money_scale(metric, lang)
        mean = rows["scenario"].to_numpy(float) / scale
        ax.errorbar(x, mean, yerr=[mean - rows["scenario_ci_low"].to_numpy(float) / scale,
                                   rows["scenario_ci_high"].to_numpy(float) / scale - mean], marker="o", capsize=3)
        base = rows["baseline"].dropna()
        if len(base):
            ax.axhline(base.iloc[0] / scale, color="grey", linestyle="--", linewidth=1,
                       label=label("baseline", lang))
        if kind(metric) == "share":
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(f"{metric_label(metric, lang)} ({metric_unit(metric, lang)})", fontsize="medium")
        if by_budget:
            ax.set_xlabel(label("axis_budget", lang))
        else:
            ax.set_xticks(x, ladder.names, rotation=30, ha="right", fontsize="small")
    axes.ravel()[0].legend(fontsize="small")
    fig.suptitle(label("plot_ladder", lang))
    fig.tight_layout()
    return fig


@matplotlib.rc_context({"text.parse_math": False})
def draw_ladder(folder: Path, lang: Lang, ladder: Ladder) -> dict[str, Path]:
    """The plot of a comparison of several scenarios: the ladder."""
    return {"ladder": save(ladder_plot(ladder, plot_language(lang)), folder, "ladder")}


def tornado(indices: pd.DataFrame, metric: str, path: Path) -> Path:
    """A sweep's sensitivity indices of one metric as horizontal bars, largest at the top (PNG and SVG)."""
    rows = indices[indices["metric"] == metric]
    main = "ST" if "ST" in rows else "mu_star"
    rows = rows.sort_values(main)
    fig, ax = new_figure(figsize=(8, 0.5 * len(rows) + 1.5))
    y = np.arange(len(rows))
    ax.barh(y, rows[main], xerr=[rows[main] - rows[f"{main}_ci_low"], rows[f"{main}_ci_high"] - rows[main]],
            capsize=3, label=main, alpha=0.8)
    if main == "ST":
        ax.scatter(rows["S1"], y, color="black", zorder=3, label="S1")
    ax.set_yticks(y, rows["parameter"])
    ax.set(title=f"{metric}: {'Sobol indices' if main == 'ST' else 'Morris mu*'} (95% CI)")
    ax.legend()
    fig.tight_layout()
    return save(fig, path.parent, path.stem)


def save(fig: Figure, folder: Path, name: str) -> Path:
    """Save ``fig`` as ``name.png`` and ``name.svg`` in ``folder``; returns the PNG's path."""
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{name}.png"
    fig.savefig(png, dpi=110)
    fig.savefig(folder / f"{name}.svg")
    return png


@matplotlib.rc_context({"text.parse_math": False})  # a '$' in a scenario name is text, not mathtext
def draw_all(folder: Path, lang: Lang, result: SimulationResult,
             comparison: Comparison | None = None) -> dict[str, Path]:
    """Every plot for a run (or a comparison), saved in ``folder``; name -> PNG path."""
    lang = plot_language(lang)
    results = ({comparison.baseline.scenario.name: comparison.baseline, result.scenario.name: result}
               if comparison is not None else {result.scenario.name: result})
    plots = {"cases_by_month": cases_by_month(result, lang), "rates_by_quarter": rates_by_quarter(results, lang)}
    if result.scenario.insurance.coverage and (result.events["paid_yuan"] > 0).any():
        plots["payouts_against_budget"] = payouts_against_budget(result, lang)
        plots["payouts_by_asset"] = payouts_by_asset(result, lang)
    if comparison is not None:
        plots["forest"] = forest(comparison, lang)
    return {name: save(fig, folder, name) for name, fig in plots.items()}
