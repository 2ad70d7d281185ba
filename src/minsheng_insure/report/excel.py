"""The Excel workbook: the headline at a glance, then every figure in long tables, then the inputs.

Sheets, in order:

- **Headline** (wide, the one view where a column per metric helps): the headline metrics for the
  whole run and each year, quarter and policy year; for a comparison, each metric's % change
  (or, for budget figures a baseline lacks, the scenario's value).
- **Policy years** (a comparison with a scheme): the planner's answer per policy year, as the
  terminal and the report open with it (``Comparison.policy_years``).
- **Comparison** and one **Summary** per run (long): one row per grouping, group and metric, with
  the unit beside the metric; autofilter on every column, header frozen.
- **Parameters** of each scenario with their units and sources, and **Run information**: package
  version, command line, scenario files, seed, replications, engine, date.

Group keys are typed (years, quarters and townships are numbers; a policy year is its first and
last date, real Excel dates) and every name is translated (metrics, units, groupings, crime types,
asset classes). Numbers are numbers with formats from ``report.numbers`` (the formatter the
terminal and the report use): a share 0.421 formatted 0.0%, money in yuan (万元 in Chinese), a
day an Excel date. Written in openpyxl's write-only mode, a stream (with lxml, openpyxl's fast XML
writer), which keeps the workbook quicker to write than the 23 wide sheets it replaced.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from minsheng_insure.report.labels import Lang, asset_label, crime_label, label, metric_label, metric_unit
from minsheng_insure.report.numbers import DATE_FORMAT, ROLES, cell
from minsheng_insure.report.tables import HEADLINE
from minsheng_insure.scenario.provenance import parameters
from minsheng_insure.scenario.schema import Scenario

PERIODS = ["whole_run", "year", "quarter", "policy_year"]
"""The groupings of the headline sheet (groupings by place or type stay in the long tables)."""

LONG_KEYS = ["grouping", "year", "quarter", "policy_year", "policy_year_end", "crime_type", "asset_class",
             "township"]
"""The key columns of a long sheet; a policy year is shown as its first and last date."""

HEADER_LABELS = {"change_pct": "change", "change_pct_ci_low": "change_ci_low", "change_pct_ci_high": "change_ci_high",
                 "policy_year": "policy_year_from", "policy_year_end": "policy_year_to"}
"""Headers that differ from the column's own label: % changes are shown as percentages, not in percent."""


class _Sheet:
    """One write-only sheet: bold wrapped header, frozen panes, autofilter, column widths, and rows
    of plain values, text, dates or (value, number format) pairs."""

    def __init__(self, wb: Workbook, title: str, used: set[str]) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(_sheet_name(title, used))
        # openpyxl writes each cell of a row as soon as it is handed over, and starts a new cell after
        # a styled one, so one styled cell per number format can be filled and handed over again: a
        # new styled cell per value would cost a third of the workbook's time.
        self._formatted: dict[str, WriteOnlyCell] = {}

    def write(self, header: list[str], rows: list[list[object]], frozen_columns: int = 1,
              widths: dict[int, float] | None = None, autofilter: bool = True) -> None:
        ws = self.ws
        for col, name in enumerate(header, start=1):
            width = (widths or {}).get(col, min(max(10, _text_width(name) + 2), 40))
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"
        if autofilter and rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        ws.append([self._header(h) for h in header])
        for row in rows:
            ws.append(self._cells(row))

    def _header(self, text: str) -> WriteOnlyCell:
        c = WriteOnlyCell(self.ws, value=_text(text))
        c.font, c.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        return c

    def _formatted_cell(self, value: object, number_format: str) -> WriteOnlyCell:
        c = self._formatted.get(number_format)
        if c is None:
            c = self._formatted[number_format] = WriteOnlyCell(self.ws)
            c.number_format = number_format
        c.value = value
        return c

    def _cells(self, row: list[object]) -> Iterator[object]:
        for value in row:
            if isinstance(value, tuple):  # (value, number format) from report.numbers.cell
                yield None if value[1] is None else self._formatted_cell(*value)
            elif isinstance(value, str) and value.startswith("="):
                c = WriteOnlyCell(self.ws, value=_text(value))  # a new one: openpyxl may keep using it
                c.data_type = "s"  # text from a scenario that starts with '=' stays text, never a formula
                yield c
            elif isinstance(value, str):
                yield _text(value)
            elif isinstance(value, datetime.date):
                yield self._formatted_cell(value, DATE_FORMAT)
            else:
                yield None if value is pd.NA or (isinstance(value, float) and value != value) else value


def _text(value: str) -> str:
    """Text with control characters written as escapes: openpyxl refuses them, losing the workbook."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: repr(m.group())[1:-1], value)


def _text_width(text: str) -> int:
    """Columns a header needs: a Chinese character is about two Latin ones wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


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


class _Keys:
    """Group keys as a workbook shows them: numbers, dates of policy years, translated names."""

    def __init__(self, scenario: Scenario, lang: Lang) -> None:
        self.scenario, self.lang = scenario, lang
        self.start_year = scenario.simulation.start_year
        self._rows: dict[tuple[object, ...], list[object]] = {}

    def policy_year(self, year: int) -> tuple[datetime.date, datetime.date]:
        """The first and last date of policy year ``year`` (-1: the run's start to the scheme's start)."""
        from minsheng_insure.model.calendar import day_to_date

        insurance, horizon = self.scenario.insurance, self.scenario.simulation.horizon_days
        start = 0.0 if year < 0 else max(insurance.policy_year_end(year) - 365, insurance.start_day)
        end = insurance.start_day if year < 0 else insurance.policy_year_end(year)
        return day_to_date(start, self.start_year), day_to_date(min(end, horizon) - 1, self.start_year)

    def row(self, grouping: str, year: object, quarter: object, policy_year: object, crime: object, asset: object,
            township: object) -> list[object]:
        """The key cells of one row, in ``LONG_KEYS`` order (missing keys are None)."""
        key = (grouping, year, quarter, policy_year, crime, asset, township)
        if key not in self._rows:
            first, last = (None, None) if policy_year is None else self.policy_year(int(policy_year))  # type: ignore
            self._rows[key] = [
                label(grouping, self.lang), _number(year), _number(quarter), first, last,
                None if crime is None else crime_label(str(crime), self.lang, self.scenario),
                None if asset is None else asset_label(str(asset), self.lang), _number(township)]
        return self._rows[key]

    def of(self, table: pd.DataFrame) -> list[list[object]]:
        """The key cells of every row of ``table``."""
        columns = table.reindex(columns=[k for k in LONG_KEYS if k != "policy_year_end"]).astype(object)
        return [self.row(*key) for key in columns.where(columns.notna(), None).itertuples(index=False, name=None)]


def _number(value: object) -> object:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _long_rows(table: pd.DataFrame, keys: _Keys, values: list[str]) -> list[list[object]]:
    lang, start_year = keys.lang, keys.start_year
    names = {m: (metric_label(m, lang), metric_unit(m, lang)) for m in table["metric"].unique()}
    roles = [ROLES[c] for c in values]
    return [[*key_cells, *names[metric],
             *(cell(v, metric, lang, start_year, role) for v, role in zip(numbers, roles, strict=True)), _number(n)]
            for key_cells, metric, numbers, n in zip(keys.of(table), table["metric"], table[values].itertuples(
                index=False, name=None), table["n"].astype(object).where(table["n"].notna(), None), strict=True)]


def _long(sheet: _Sheet, table: pd.DataFrame, keys: _Keys) -> None:
    """A summary or comparison table, one row per grouping, group and metric."""
    values = [c for c in table.columns if c in ROLES]
    named = int("scenario_name" in table)  # several scenarios: each row says whose
    header = [label("scenario_name", keys.lang)] * named
    header += [label(HEADER_LABELS.get(k, k), keys.lang) for k in LONG_KEYS]
    header += [label("metric", keys.lang), label("unit", keys.lang)]
    header += [label(HEADER_LABELS.get(c, c), keys.lang) for c in values] + [label("n", keys.lang)]
    rows = _long_rows(table, keys, values)
    if named:
        rows = [[name, *row] for name, row in zip(table["scenario_name"], rows, strict=True)]
    sheet.write(header, rows, frozen_columns=len(LONG_KEYS) + 1 + named, widths={len(LONG_KEYS) + 1 + named: 24})


def _headline(sheet: _Sheet, table: pd.DataFrame, keys: _Keys, value: str) -> None:
    """Periods down, headline metrics across: ``value`` (``mean`` or ``change_pct``) of each.

    A comparison's metric without a % change (budget figures: the baseline has no fund) shows the
    scenario's value instead; its header says which.
    """
    lang = keys.lang
    rows = table[table["grouping"].isin(PERIODS) & table["metric"].isin(HEADLINE)]
    period_keys = ["grouping", "year", "quarter", "policy_year"]
    groups = [tuple(None if pd.isna(v) else v for v in key) for key in rows[period_keys].itertuples(index=False)]
    metrics = [m for m in HEADLINE if m in set(rows["metric"])]
    shown = {m: value if rows.loc[rows["metric"] == m, value].notna().any() else "scenario" for m in metrics}
    figures = {(group, m): cell(row[shown[m]], m, lang, keys.start_year, ROLES[shown[m]])
               for group, m, (_, row) in zip(groups, rows["metric"], rows.iterrows(), strict=True)}
    header = [label(HEADER_LABELS.get(k, k), lang) for k in LONG_KEYS[:5]]
    header += [metric_label(m, lang) + (f" {label('change', lang)}" if shown[m] == "change_pct"
                                        else f" ({metric_unit(m, lang)})") for m in metrics]
    out = [[*keys.row(*group[:4], None, None, None)[:5],
            *(figures.get((group, m), (None, None)) for m in metrics)] for group in dict.fromkeys(groups)]
    sheet.write(header, out, frozen_columns=5, autofilter=False)


def _policy_years(sheet: _Sheet, answers: dict[str, pd.DataFrame], lang: Lang) -> None:
    """Each scheme's policy years (``Comparison.policy_years``, the planner's answer): dates, premium,
    claims, loss ratio, when the fund ran out, reported and cleared cases against the baseline with
    95% CIs, and the premium per extra case; a scenario column when there are several."""
    named = len(answers) > 1
    # Each figure's column and the metric whose unit and format it takes (the run-out share is a share
    # of replications, as budget_exhausted's mean is).
    figures = {"premium_yuan": "premium_yuan", "claims_filed": "claims_filed", "claims_paid": "claims_paid",
               "claims_denied": "claims_denied", "valid_claims_paid_share": "valid_claims_paid_share",
               "loss_ratio": "loss_ratio", "ran_out_share": "budget_exhausted"}
    changes = [(metric, part) for metric in ("reported", "cleared")
               for part in ("change_pct", "change_pct_ci_low", "change_pct_ci_high")]
    per_case = ["premium_per_extra_reported", "premium_per_extra_cleared"]  # yuan, whatever the language
    header = [label("scenario_name", lang)] * named + [label("policy_year_from", lang), label("policy_year_to", lang)]
    header += [label(c, lang) if c == "ran_out_share" else metric_label(c, lang) for c in figures]
    header[2 + named] += f" ({metric_unit('premium_yuan', lang)})"  # the premium, the first figure
    header += [metric_label("budget_exhausted_day", lang)]
    header += [f"{metric_label(metric, lang)}: {label(HEADER_LABELS[part], lang)}" for metric, part in changes]
    header += [label(c, lang) for c in per_case] + [label("n", lang)]
    rows = [[*([name] * named), r["start_date"], r["end_date"],
             *(cell(r[c], metric, lang) for c, metric in figures.items()), r["ran_out_date"],
             *(cell(r[f"{metric}_{part}"], metric, lang, None, "change") for metric, part in changes),
             *(cell(r[c], "", lang) for c in per_case), r["n"]]
            for name, table in answers.items() for r in table.to_dict("records")]
    sheet.write(header, rows, frozen_columns=2 + named)


def _parameters(sheet: _Sheet, scenario: Scenario, lang: Lang) -> None:
    rows = [[p.key, str(p.value) if isinstance(p.value, list | dict) else p.value, p.unit, p.source]
            for p in parameters(scenario)]
    sheet.write([label(c, lang) for c in ("parameter", "value", "unit", "source")], rows,
                widths={1: 45, 2: 20, 3: 14, 4: 100})


META_FIELDS = ("created", "version", "command_line", "baseline", "scenario", "scenarios", "overrides", "set_grid",
               "yoy", "decompose", "seed", "replications", "engine", "lang", "python")
"""What the run-information sheet lists, in this order (each a ``meta_`` label)."""


def _metadata(sheet: _Sheet, metadata: dict[str, object], lang: Lang) -> None:
    rows = [[label(f"meta_{key}", lang), ", ".join(map(str, value)) if isinstance(value, list) else value]
            for key in META_FIELDS if (value := metadata.get(key)) not in (None, "", [])]
    sheet.write([label("field", lang), label("value", lang)], rows, widths={1: 28, 2: 100}, autofilter=False)


def write_workbook(path: Path, lang: Lang, scenario: Scenario, summaries: dict[str, pd.DataFrame],
                   comparison: pd.DataFrame | None = None, baseline: Scenario | None = None,
                   metadata: dict[str, object] | None = None,
                   first_sheets: dict[str, pd.DataFrame] | None = None, others: tuple[Scenario, ...] = (),
                   policy_years: dict[str, pd.DataFrame] | None = None) -> None:
    """Write the workbook: ``first_sheets`` as they are (already in people's terms, e.g. a ladder's
    column per scenario), the headline, the comparison and each run's summary as long tables, the
    parameters of each scenario and the run's metadata (version, command, seed, ...).

    ``summaries`` maps a run's name to its summary table (``report.tables.summary_table``);
    ``comparison`` is ``report.tables.comparison_table``'s, whose periods follow ``scenario``; with a
    ``scenario_name`` column (several scenarios), its long sheet names each row's scenario, and
    ``others`` (the ladder's other scenarios) get their parameters sheets too. ``policy_years`` maps a
    scheme's name to its ``Comparison.policy_years()`` (a comparison's): one sheet for all, after the headline.
    """
    wb = Workbook(write_only=True)
    used: set[str] = set()
    keys = _Keys(scenario, lang)
    for title, frame in (first_sheets or {}).items():
        _Sheet(wb, title, used).write([str(c) for c in frame.columns], frame.to_numpy().tolist())
    if comparison is not None:
        if "scenario_name" not in comparison:  # several scenarios: the first sheet is their headline
            _headline(_Sheet(wb, label("sheet_headline", lang), used), comparison, keys, "change_pct")
        if policy_years:
            _policy_years(_Sheet(wb, label("sheet_policy_years", lang), used), policy_years, lang)
        _long(_Sheet(wb, label("sheet_comparison", lang), used), comparison, keys)
    else:
        _headline(_Sheet(wb, label("sheet_headline", lang), used), next(iter(summaries.values())), keys, "mean")
    side_keys = {scenario.name: keys, **({baseline.name: _Keys(baseline, lang)} if baseline is not None else {})}
    for name, table in summaries.items():
        title = f"{label('sheet_summary', lang)} {name}".strip()
        _long(_Sheet(wb, title, used), table, side_keys.get(name, keys))
    for s in _scenarios(scenario, baseline, others):
        _parameters(_Sheet(wb, f"{label('sheet_parameters', lang)} {s.name}", used), s, lang)
    _metadata(_Sheet(wb, label("sheet_metadata", lang), used), metadata or {}, lang)
    wb.save(path)


def _scenarios(scenario: Scenario, baseline: Scenario | None, others: tuple[Scenario, ...]) -> Iterable[Scenario]:
    """Whose parameters the workbook lists: a ladder's other scenarios first, then the scenario and the baseline."""
    return [*others, scenario] if baseline is None else [*others, scenario, baseline]
