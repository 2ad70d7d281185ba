"""Output folders: the tables, the saved results, the workbook, the plots and the report.

``run`` folder::

    summary.csv / .xlsx / .parquet   every metric, mean and 95% CI, whole run and by each grouping
    metrics.parquet                  per-replication metrics (whole run and by quarter)
    events.parquet, samaritan.parquet, timeline.parquet, scenario.resolved.toml, result.json
    plots/*.png, plots/*.svg, report.html, run.json

``compare`` folder: ``comparison.csv / .xlsx / .parquet`` and ``plots/``, ``report.html``,
``run.json`` at the top; each side's saved result and summary in ``baseline/`` and ``scenario/``
(several scenarios: ``scenarios/1/``, ``scenarios/2/``...); ``policy_years.*``, each policy year
with dates; with ``--yoy``, ``yoy.*``.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from minsheng_insure import __version__
from minsheng_insure.report.decomposition import TABLE as DECOMPOSITION
from minsheng_insure.report.decomposition import draw_decomposition, read_decomposition, write_decomposition
from minsheng_insure.report.html import render, render_ladder
from minsheng_insure.report.labels import Lang, label
from minsheng_insure.report.tables import comparison_table, ladder_wide, summary_table
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.io import load_result, save_result
from minsheng_insure.results.ladder import Ladder
from minsheng_insure.results.result import SimulationResult

if TYPE_CHECKING:
    from minsheng_insure.experiments.decompose import Decomposition

FORMATS = ("csv", "xlsx", "parquet")


def _write_table(table: pd.DataFrame, stem: Path, formats: set[str]) -> None:
    if "csv" in formats:
        table.to_csv(stem.with_suffix(".csv"), index=False)
    if "parquet" in formats:
        table.to_parquet(stem.with_suffix(".parquet"), index=False)


Save = Callable[[Path, SimulationResult], None]


class _Saves:
    """``save(folder, result)`` writes a saved result on a thread while the caller goes on to the tables,
    workbook and plots (Parquet encodes outside the interpreter lock, so on a second core saving costs the
    command next to nothing); ``kept(failure)`` hands back the block's own returned failure (a workbook
    or report that could not be made) so that a failed save does not hide it. See ``_saving``."""

    def __init__(self, pool: ThreadPoolExecutor, lang: Lang) -> None:
        self._pool, self._lang = pool, lang
        self._futures: list[Future[None]] = []
        self.returned: Exception | None = None

    def __call__(self, folder: Path, result: SimulationResult) -> None:
        self._futures.append(self._pool.submit(save_result, folder, result, __version__))

    def kept(self, failure: Exception | None) -> Exception | None:
        self.returned = failure
        return failure

    def failures(self) -> list[BaseException]:
        """The saves that failed, once every save has finished."""
        return [error for error in (done.exception() for done in self._futures) if error is not None]

    def note(self, error: BaseException, key: str, failure: BaseException) -> None:
        error.add_note(label(key, self._lang, error=f"{type(failure).__name__}: {failure}"))


@contextlib.contextmanager
def _saving(lang: Lang) -> Iterator[_Saves]:
    """Saves on a thread (``_Saves``) for the block. Every save has finished when the block ends, so a
    block that fails still keeps them. No failure is lost: the block's error, else the first failed
    save, is raised, and every other failed save, and the block's returned failure, is a note on it."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="minsheng-save") as pool:
        saves = _Saves(pool, lang)
        try:
            yield saves
        except BaseException as error:
            for failure in saves.failures():
                saves.note(error, "note_save_failed", failure)
            raise
        failures = saves.failures()
        if failures:
            for failure in failures[1:]:
                saves.note(failures[0], "note_save_failed", failure)
            if saves.returned is not None:
                saves.note(failures[0], "note_output_failed", saves.returned)
            raise failures[0]


def _write_side(folder: Path, result: SimulationResult, formats: set[str], save: Save) -> pd.DataFrame:
    folder.mkdir(parents=True, exist_ok=True)
    save(folder, result)
    summary = summary_table(result)
    _write_table(summary, folder / "summary", formats)
    pd.concat([result.metrics().assign(grouping="whole_run"), result.metrics("quarter").assign(grouping="quarter")],
              ignore_index=True).to_parquet(folder / "metrics.parquet", index=False)
    return summary


def write_run(folder: Path, result: SimulationResult, formats: set[str], lang: Lang,
              info: dict) -> Exception | None:
    """Everything a run produces, into ``folder`` (an empty staging folder).

    The results and tables are written first; if the workbook, plots or report then fail, the error is
    returned rather than raised, so the caller keeps what was computed (see ``_report``).
    """
    with _saving(lang) as save:
        summary = _write_side(folder, result, formats, save)
        metadata = _write_info(folder, {"command": "run", "formats": sorted(formats), "lang": lang, **info})
        workbook = _guarded(lambda: _workbook()(folder / "summary.xlsx", lang, result.scenario, {"": summary},
                                                metadata=metadata)) if "xlsx" in formats else None
        return save.kept(_report(folder, lang, result) or workbook)


def write_comparison(folder: Path, comparison: Comparison, formats: set[str], lang: Lang,
                     info: dict, yoy: dict[str, pd.DataFrame] | None = None) -> Exception | None:
    """Everything a comparison produces, into ``folder``; like ``write_run``, returns a report failure.
    ``yoy``: year-on-year tables by scenario name (``--yoy``), written as ``yoy.*``."""
    with _saving(lang) as save:
        summaries = {side: _write_side(folder / side, getattr(comparison, side), formats, save)
                     for side in ("baseline", "scenario")}
        table = comparison_table(comparison)
        _write_table(table, folder / "comparison", formats)
        _write_answers(folder, (comparison,), yoy, formats)
        metadata = _write_info(folder, {"command": "compare", "formats": sorted(formats), "lang": lang, **info})
        workbook = _guarded(lambda: _workbook()(
            folder / "comparison.xlsx", lang, comparison.scenario.scenario,
            {comparison.scenario.scenario.name: summaries["scenario"], comparison.baseline.scenario.name:
             summaries["baseline"]}, comparison=table, baseline=comparison.baseline.scenario, metadata=metadata,
            policy_years=_answers((comparison,)))) if "xlsx" in formats else None
        return save.kept(_report(folder, lang, comparison.scenario, comparison) or workbook)


def write_ladder(folder: Path, ladder: Ladder, formats: set[str], lang: Lang, info: dict,
                 yoy: dict[str, pd.DataFrame] | None = None) -> Exception | None:
    """Everything a comparison of several scenarios produces: the baseline in ``baseline/``, scenario
    ``i`` in ``scenarios/i/`` (1, 2, ... in the command's order), one tidy ``comparison.*`` with a
    scenario column, a workbook whose first sheet has a column per scenario, plots and the report."""
    with _saving(lang) as save:
        _write_side(folder / "baseline", ladder.baseline, formats, save)
        for i, result in enumerate(ladder.scenarios, start=1):
            _write_side(folder / "scenarios" / str(i), result, formats, save)
        table = comparison_table(ladder)
        _write_table(table, folder / "comparison", formats)
        _write_answers(folder, ladder.pairs, yoy, formats)
        metadata = _write_info(folder, {"command": "compare", "formats": sorted(formats), "lang": lang, **info})
        last = ladder.scenarios[-1].scenario
        workbook = _guarded(lambda: _workbook()(
            folder / "comparison.xlsx", lang, last, {}, comparison=table, baseline=ladder.baseline.scenario,
            metadata=metadata, first_sheets={label("sheet_ladder", lang): ladder_wide(ladder, lang)},
            others=tuple(r.scenario for r in ladder.scenarios[:-1]), policy_years=_answers(ladder.pairs))) \
            if "xlsx" in formats else None
        return save.kept(_guarded(lambda: build_report(folder, lang, ladder.scenarios[-1], ladder=ladder)) or workbook)


def _write_answers(folder: Path, pairs: tuple[Comparison, ...], yoy: dict[str, pd.DataFrame] | None,
                   formats: set[str]) -> None:
    """``policy_years.*``: each scheme's policy years with dates (``Comparison.policy_years``), and with
    ``--yoy``, ``yoy.*``: the year-on-year tables; a ``scenario_name`` column says whose."""
    tables = {"policy_years": _answers(pairs), "yoy": yoy or {}}
    for stem, by_name in tables.items():
        if by_name:
            _write_table(pd.concat([t.assign(scenario_name=name) for name, t in by_name.items()], ignore_index=True),
                         folder / stem, formats & {"csv", "parquet"} or {"csv"})


def _answers(pairs: tuple[Comparison, ...]) -> dict[str, pd.DataFrame]:
    """Each scheme's policy years (``Comparison.policy_years``), by scenario name; none without cover."""
    return {p.scenario.scenario.name: p.policy_years() for p in pairs if p.scenario.scenario.insurance.coverage}


def _workbook() -> Callable[..., None]:
    """``report.excel.write_workbook``, imported when a workbook is asked for (openpyxl is slow to load)."""
    from minsheng_insure.report.excel import write_workbook

    return write_workbook


def _report(folder: Path, lang: Lang, result: SimulationResult, comparison: Comparison | None = None
            ) -> Exception | None:
    """Build the report, returning (not raising) a failure: the saved results must survive it."""
    return _guarded(lambda: build_report(folder, lang, result, comparison))


def _guarded(step: Callable[[], object]) -> Exception | None:
    """Run a presentation step (workbook, plots, report); its failure is returned, not raised."""
    try:
        step()
    except Exception as e:  # a workbook, plotting or rendering failure must not throw the simulation away
        return e
    return None


def _write_info(folder: Path, info: dict) -> dict:
    """Write ``run.json``: the command's ``info`` (seed, replications, files, language, command line)
    with the version, engine, Python and the time; returns what it wrote (the workbook lists it)."""
    written = {"version": __version__, "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
               "engine": "fast", "python": platform.python_version(), **info}  # the commands run the default engine
    (folder / "run.json").write_text(json.dumps(written, indent=2, ensure_ascii=False), encoding="utf-8")
    return written


def saved_language(folder: Path) -> str | None:
    """The language an output folder was written in (its ``run.json``), if it says."""
    try:
        return json.loads((folder / "run.json").read_text(encoding="utf-8")).get("lang")
    except (OSError, ValueError, AttributeError):  # no run.json, or not one this package wrote
        return None


def build_report(folder: Path, lang: Lang, result: SimulationResult | None = None,
                 comparison: Comparison | None = None, ladder: Ladder | None = None) -> Path:
    """(Re)build ``plots/`` and ``report.html`` in ``folder``, from the given results or the saved ones.

    Both are written beside their final names first and swapped in at the end, so a failure leaves
    the previous report whole.
    """
    from minsheng_insure.report.plots import draw_all, draw_ladder  # matplotlib: only when plots are drawn

    if result is None:
        result, comparison, ladder = load_saved(folder)
    parts = read_decomposition(folder) if comparison is not None else None
    staging = Path(tempfile.mkdtemp(prefix=".plots-", dir=folder))
    try:
        if ladder is not None:
            plots = draw_ladder(staging, lang, ladder)
            page = render_ladder(lang, __version__, plots, ladder)
        else:
            plots = draw_all(staging, lang, result, comparison)
            if parts is not None:
                plots[DECOMPOSITION] = draw_decomposition(staging, parts[0], lang)
            page = render(lang, __version__, plots, result, comparison, parts)
        partial = folder / f".report.html.{os.getpid()}"
        partial.write_text(page, encoding="utf-8")
        final_plots = folder / "plots"
        if final_plots.exists():
            shutil.rmtree(final_plots)
        staging.rename(final_plots)
        partial.replace(folder / "report.html")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder / "report.html"


def load_saved(folder: Path) -> tuple[SimulationResult, Comparison | None, Ladder | None]:
    """The result (and comparison, or ladder) saved in an output folder; FileNotFoundError if it holds none."""
    if (folder / "baseline").is_dir() and (folder / "scenarios").is_dir():
        rungs = sorted((p for p in (folder / "scenarios").iterdir() if p.is_dir() and p.name.isdigit()),
                       key=lambda p: int(p.name))
        ladder = Ladder(load_result(folder / "baseline"), tuple(load_result(p) for p in rungs))
        return ladder.scenarios[-1], None, ladder
    if (folder / "baseline").is_dir() and (folder / "scenario").is_dir():
        comparison = Comparison(load_result(folder / "baseline"), load_result(folder / "scenario"))
        return comparison.scenario, comparison, None
    return load_result(folder), None, None


def write_decomposition_run(folder: Path, decomposition: Decomposition, formats: set[str], lang: Lang,
                            by: str | None, info: dict) -> Exception | None:
    """What ``minsheng decompose`` produces, into ``folder``: the tables, ``run.json`` and the plot;
    like ``write_run``, a plotting failure is returned, not raised."""
    write_decomposition(folder, decomposition, formats, lang, by)
    _write_info(folder, {"command": "decompose", "formats": sorted(formats), "lang": lang, **info})
    return _guarded(lambda: draw_decomposition(folder / "plots", decomposition.table(), lang))
