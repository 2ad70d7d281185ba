"""One number formatter for everything people read: the terminal, the HTML report, the notebook and
the workbook.

A metric's kind (``results.registry``) decides, once, how its values are shown:

========== ======================================= ==============================================
kind       text (terminal, HTML, notebook)         workbook cell
========== ======================================= ==============================================
share      42.1%                                   0.421, format 0.0%
money      yuan: 1,234,567; 万元 (Chinese): 123.46   the same number, #,##0 or #,##0.00
count      0, 12, 12.3, 4,527 (a mean may be       the same number, #,##0 or #,##0.0
           fractional: one decimal below 100)
day        a date, 2017-06-14 (given the run's     an Excel date
           start year), else the day number
% change   +42.1% (``change_pct`` is in percent)    0.421, format +0.0%
========== ======================================= ==============================================

A difference between two runs is shown like its metric, except a day's: a number of days.
"""

from __future__ import annotations

import datetime
import math
from typing import Literal

from minsheng_insure.report.labels import Lang, label, money_scale
from minsheng_insure.results.registry import kind

Role = Literal["level", "difference", "change"]
"""What a value is: a metric's level (a mean, a CI bound, either side of a comparison), a
difference of two levels, or a % change (in percent, as ``change_pct`` holds it)."""

ROLES: dict[str, Role] = {
    "mean": "level", "ci_low": "level", "ci_high": "level", "baseline": "level", "scenario": "level",
    "year_before": "level", "this_year": "level", "difference": "difference", "difference_ci_low": "difference",
    "difference_ci_high": "difference", "change_pct": "change", "change_pct_ci_low": "change",
    "change_pct_ci_high": "change", "scenario_ci_low": "level", "scenario_ci_high": "level"}
"""The role of each value column of a summary, comparison or period-change table."""

DATE_FORMAT = "yyyy-mm-dd"


def missing(value: object) -> bool:
    """True for None, NaN and pandas' NA: shown as '-' and written as an empty cell."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA (whose comparison is NA, which is truthy)
    except TypeError:
        return True


def _count_decimals(value: float) -> int:
    """A count's mean keeps one decimal below 100; a whole number (zero too) none."""
    return 0 if abs(value) >= 100 or float(value).is_integer() else 1


def _date(day: float, start_year: int) -> datetime.date:
    from minsheng_insure.model.calendar import day_to_date  # numpy: only when a date is shown

    return day_to_date(math.floor(day), start_year)


def fmt(value: object, metric: str = "", lang: Lang = "en", start_year: int | None = None,
        role: Role = "level") -> str:
    """``value`` of ``metric`` as text: rates as %, money in yuan (万元 in Chinese), counts without
    needless decimals, days as dates when ``start_year`` is known; '-' when missing."""
    if missing(value):
        return "-"
    v = float(value)  # type: ignore[arg-type]
    if role == "change":
        return f"{v:+.1f}%"
    sign = "+" if role == "difference" else ""
    metric_kind = kind(metric)
    if metric_kind == "share":
        return f"{v:{sign}.1%}"
    if metric_kind == "day":
        if role == "level" and start_year is not None:
            return _date(v, start_year).isoformat()
        return f"{v:{sign},.0f}"
    if metric_kind == "money":
        return f"{v / money_scale(metric, lang):{sign},.{2 if lang == 'zh' else 0}f}"
    return f"{v:{sign},.{_count_decimals(v)}f}"


def fmt_ci(low: object, high: object, metric: str = "", lang: Lang = "en", start_year: int | None = None,
           role: Role = "level") -> str:
    """A 95% CI as '[low, high]'."""
    return f"[{fmt(low, metric, lang, start_year, role)}, {fmt(high, metric, lang, start_year, role)}]"


def fmt_pct(value: object) -> str:
    """A % change (in percent) as '+42.1%'."""
    return fmt(value, role="change")


def cell(value: object, metric: str, lang: Lang, start_year: int | None = None,
         role: Role = "level") -> tuple[object, str | None]:
    """What a workbook cell holds for ``value`` and its Excel number format: the same decisions as
    ``fmt``, with the number kept a number (a share 0.421 formatted 0.0%, a day an Excel date)."""
    if missing(value):
        return None, None
    v = float(value)  # type: ignore[arg-type]
    if role == "change":
        return v / 100, "+0.0%;-0.0%;0.0%"
    metric_kind = kind(metric)
    if metric_kind == "day" and role == "level" and start_year is not None:
        return _date(v, start_year), DATE_FORMAT
    if metric_kind == "day":
        days = label("unit_days_short", lang)
        number = f'0"{days}"' if role == "difference" else "0"
    elif metric_kind == "share":
        number = "0.0%"
    elif metric_kind == "money":
        v, number = v / money_scale(metric, lang), "#,##0.00" if lang == "zh" else "#,##0"
    else:
        number = "#,##0" if _count_decimals(v) == 0 else "#,##0.0"
    return v, f"+{number};-{number};{number}" if role == "difference" else number
