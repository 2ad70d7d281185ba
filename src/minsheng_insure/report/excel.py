"""The Excel workbook: one sheet per table, frozen headers, units in headers, number formats.

Summary sheets are wide (one row per group, three columns per metric: mean and its 95% CI, the
unit in the header); comparison sheets are long (one row per metric, its unit beside it). In
Chinese, money is shown in 万元. A last sheet lists the scenario's parameters with their sources.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from minsheng_insure.report.labels import Lang, label, metric_label, metric_unit, money_scale
from minsheng_insure.report.tables import KEY_COLUMNS, localise
from minsheng_insure.results.registry import kind
from minsheng_insure.scenario.provenance import parameters
from minsheng_insure.scenario.schema import Scenario


def number_format(metric: str, lang: Lang) -> str:
    """Excel's number format for a metric's values (a count's mean has a decimal; 万元 keep two)."""
    return {"share": "0.0%", "money": "#,##0.00" if lang == "zh" else "#,##0", "day": "0",
            "count": "#,##0.0"}[kind(metric)]


def _text(value: object) -> object:
    """Text with control characters written as escapes: openpyxl refuses them, losing the workbook."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: repr(m.group())[1:-1], value) if isinstance(value, str) else value


def _sheet_name(text: str, used: set[str]) -> str:
    """Excel's 31-character sheet name: a long name keeps its start and its end (where the grouping
    is), joined by '…'; a name taken already gets ' (2)', ' (3)'... instead of being cut the same way."""
    clean = " ".join("".join(ch for ch in ILLEGAL_CHARACTERS_RE.sub("", text) if ch not in "[]:*?/\\'").split())
    clean = clean or "sheet"

    def fit(name: str, room: int) -> str:
        return name if len(name) <= room else f"{name[:room // 2 - 1].rstrip()}…{name[-(room - room // 2):].lstrip()}"

    name, copy = fit(clean, 31), 1
    while name.casefold() in {u.casefold() for u in used}:  # Excel compares sheet names ignoring case
        copy += 1
        name = fit(clean, 31 - len(f" ({copy})")) + f" ({copy})"
    used.add(name)
    return name


def _write(ws: Worksheet, header: list[str], rows: list[list[object]], formats: list[str | None],
           frozen_columns: int) -> None:
    ws.append([_text(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([None if (isinstance(v, float) and v != v) or v is pd.NA else _text(v) for v in row])
    for cells in ws.iter_rows(min_row=2):  # one pass: ws.max_row costs a scan of every row each time
        for cell in cells:
            if cell.data_type == "f":  # text from a scenario that starts with '=' stays text, never a formula
                cell.data_type = "s"
    for col, fmt in enumerate(formats, start=1):
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = fmt
        ws.column_dimensions[get_column_letter(col)].width = min(max(12, len(str(header[col - 1])) + 2), 40)
    ws.freeze_panes = ws.cell(row=2, column=frozen_columns + 1)


def _wide_summary(ws: Worksheet, table: pd.DataFrame, lang: Lang) -> None:
    keys = [k for k in KEY_COLUMNS if k in table and table[k].notna().any()]
    metrics = list(dict.fromkeys(table["metric"]))
    groups = table[keys].drop_duplicates().reset_index(drop=True) if keys else pd.DataFrame(index=[0])
    header = [label(k, lang) for k in keys]
    formats: list[str | None] = [None] * len(keys)
    for m in metrics:
        name = f"{metric_label(m, lang)} ({metric_unit(m, lang)})"
        header += [name, f"{name} {label('ci_low', lang)}", f"{name} {label('ci_high', lang)}"]
        formats += [number_format(m, lang)] * 3
    header.append(label("n", lang))
    formats.append("0")
    # One row per group: mean and CI of each metric in the header's order (in its unit), then the
    # largest replication count; a metric a group lacks stays empty.
    stats = ["mean", "ci_low", "ci_high"]
    scale = table["metric"].map(lambda m: money_scale(m, lang))
    index = keys or ["_whole_run"]
    shown = table.assign(**{c: table[c] / scale for c in stats}, _whole_run=0).set_index([*index, "metric"])
    wide = shown[[*stats, "n"]].unstack("metric")
    if keys:
        wide = wide.reindex(pd.MultiIndex.from_frame(groups) if len(keys) > 1 else pd.Index(groups[keys[0]]))
    cells = wide[stats].swaplevel(axis=1).reindex(columns=pd.MultiIndex.from_product([metrics, stats]))
    n = wide["n"].max(axis=1).fillna(0).astype(int)
    rows = [[*key, *values, count] for key, values, count in zip(
        groups.itertuples(index=False), cells.to_numpy().tolist(), n.tolist(), strict=True)]
    _write(ws, header, rows, formats, len(keys))


def _long(ws: Worksheet, table: pd.DataFrame, lang: Lang, scenario: Scenario | None) -> None:
    shown = localise(table.drop(columns=[c for c in ("grouping", *KEY_COLUMNS) if c in table
                                         and table[c].isna().all()]), lang, scenario)
    metrics = list(table["metric"])
    _write(ws, list(shown.columns), shown.to_numpy().tolist(), [None] * len(shown.columns), 1)
    value_cols = [i + 1 for i, c in enumerate(table.drop(columns=[c for c in ("grouping", *KEY_COLUMNS) if c in table
                                                                   and table[c].isna().all()]).columns)
                  if c in ("baseline", "scenario", "difference", "difference_ci_low", "difference_ci_high",
                           "year_before", "this_year", "mean", "ci_low", "ci_high")]
    shift = 1  # the unit column localise() inserted after the metric
    for row, metric in enumerate(metrics, start=2):
        for col in value_cols:
            cell = ws.cell(row=row, column=col + shift)
            if not cell.is_date:  # a day metric's value as a date (tables.localise) keeps its date format
                cell.number_format = number_format(metric, lang)
    for col in range(1, len(shown.columns) + 1):
        if str(ws.cell(row=1, column=col).value).endswith("(%)"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "0.0"


def _parameters(ws: Worksheet, scenario: Scenario, lang: Lang) -> None:
    rows = [[p.key, str(p.value) if isinstance(p.value, list | dict) else p.value, p.unit, p.source]
            for p in parameters(scenario)]
    _write(ws, [label(c, lang) for c in ("parameter", "value", "unit", "source")], rows, [None] * 4, 1)
    ws.column_dimensions["A"].width = 45
    ws.column_dimensions["D"].width = 100


def write_workbook(path: Path, lang: Lang, scenario: Scenario, summaries: dict[str, pd.DataFrame],
                   comparison: pd.DataFrame | None = None, baseline: Scenario | None = None,
                   first_sheets: dict[str, pd.DataFrame] | None = None) -> None:
    """Write the workbook: ``first_sheets`` as they are (already in people's terms), summary sheets
    by grouping, comparison sheets, and the parameters."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for title, frame in (first_sheets or {}).items():
        _write(wb.create_sheet(_sheet_name(title, used)), list(frame.columns), frame.to_numpy().tolist(),
               [None] * len(frame.columns), 1)
    if comparison is not None:
        for grouping, block in comparison.groupby("grouping", sort=False):
            ws = wb.create_sheet(_sheet_name(f"{label('sheet_comparison', lang)} {label(grouping, lang)}", used))
            _long(ws, block.drop(columns="grouping"), lang, scenario)
    for prefix, table in summaries.items():
        for grouping, block in table.groupby("grouping", sort=False):
            title = f"{label('sheet_summary', lang)} {prefix} {label(grouping, lang)}".replace("  ", " ")
            _wide_summary(wb.create_sheet(_sheet_name(title, used)), block.drop(columns="grouping"), lang)
    _parameters(wb.create_sheet(_sheet_name(f"{label('sheet_parameters', lang)} {scenario.name}", used)),
                scenario, lang)
    if baseline is not None:
        _parameters(wb.create_sheet(_sheet_name(f"{label('sheet_parameters', lang)} {baseline.name}", used)),
                    baseline, lang)
    wb.save(path)
