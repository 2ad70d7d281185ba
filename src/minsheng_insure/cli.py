"""The ``minsheng`` command: run and compare scenarios, rebuild reports, validate, calibrate, print the schema.

Exit codes: 0 success; 1 the run failed; 2 bad input (a scenario problem, a wrong option, an
output folder that would be overwritten). Errors are one line each; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

# Only light modules here: each command imports what it needs (pandas, the simulator, openpyxl,
# matplotlib, SALib, dask) when it runs, so --help and validate start quickly.
from minsheng_insure import __version__
from minsheng_insure.extras import MissingExtra
from minsheng_insure.report.labels import LANGS, Lang, label
from minsheng_insure.report.output import OutputExistsError, output_folder
from minsheng_insure.scenario.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from minsheng_insure.results.comparison import Comparison
    from minsheng_insure.results.ladder import Ladder
    from minsheng_insure.results.result import SimulationResult
    from minsheng_insure.scenario.schema import Scenario

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2


class BadInput(Exception):
    """A command-line value that cannot be used; reported as one line with exit code 2."""

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Simulate county social-order livelihood insurance (社会治安民生保险).")
# Off a terminal (a pipe, a CI log) rich would wrap at 80 columns; tables read better wider.
out_console = Console(width=None if sys.stdout.isatty() else 150)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 150, soft_wrap=True)
_debug = False

Replications = Annotated[int, typer.Option("--replications", "-n", min=1, help="Independent replications.")]
Seed = Annotated[int, typer.Option(min=0, help="Seed; the same seed gives the same results.")]
Out = Annotated[Path | None, typer.Option(help="Folder for the tables (refused if not empty, see --force).")]
Force = Annotated[bool, typer.Option(help="Replace a non-empty --out folder.")]
Workers = Annotated[int, typer.Option(min=1, help="Worker processes (results do not depend on it).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="Override a parameter: key=value (repeatable).")]
By = Annotated[str | None, typer.Option(help="Also split the printed table: year, quarter, crime_type, ...")]
AllowOutside = Annotated[bool, typer.Option(
    help="Let extends name files outside the scenario's folder (only for files you trust).")]


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option(help="Show tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    global _debug
    _debug = debug
    if version:
        out_console.print(__version__)
        raise typer.Exit()


def main() -> None:
    """Entry point of the ``minsheng`` console script."""
    try:
        app()  # typer reports usage errors itself, with exit code 2
    except (ScenarioError, OutputExistsError, BadInput) as e:
        for line in str(e).splitlines():
            err_console.print(f"error: {line}", highlight=False, markup=False)
        sys.exit(EXIT_BAD_INPUT)
    except MissingExtra as e:  # its message already says what to install
        err_console.print(f"error: {e}", highlight=False, markup=False)
        sys.exit(EXIT_FAILED)
    except Exception as e:  # one clear line; the traceback only when asked for
        if _debug:
            raise
        err_console.print(f"error: {type(e).__name__}: {e} (run with --debug for the traceback)",
                          highlight=False, markup=False)
        sys.exit(EXIT_FAILED)


def _load(path: Path, sets: list[str] | None, allow_outside: bool = False) -> Scenario:
    from minsheng_insure.scenario.loading import load_scenario, parse_override, record_overrides

    scenario = load_scenario(path, allow_outside)
    if sets:
        overrides = dict(parse_override(s) for s in sets)
        scenario = record_overrides(scenario.with_overrides(overrides), scenario, overrides)
    return scenario


@contextmanager
def _progress(quiet: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _by(text: str | None) -> str | None:
    """Check --by before any work (it is only used to print the table after the simulation)."""
    from minsheng_insure.results.metrics import GROUPINGS

    if text is not None and text not in GROUPINGS:
        raise BadInput(f"--by: use one of {', '.join(GROUPINGS)} (got {text!r})")
    return text


def _output(out: Path | None, force: bool, inputs: list[Path]) -> AbstractContextManager[Path | None]:
    """The staging folder of --out, checked and locked before any work; nothing without --out."""
    return nullcontext() if out is None else output_folder(out, force, inputs)


def _formats(text: str) -> set[str]:
    from minsheng_insure.report.bundle import FORMATS

    chosen = {f.strip() for f in text.split(",") if f.strip()}
    unknown = chosen - set(FORMATS)
    if unknown or not chosen:
        raise BadInput(f"--format: use any of {', '.join(FORMATS)}, comma-separated (got {text!r})")
    return chosen


def _print_table(frame: pd.DataFrame, title: str, text_columns: int) -> None:
    """Print a table of text; the first ``text_columns`` columns left-aligned, figures right-aligned."""
    t = Table(title=title)
    for i, col in enumerate(frame.columns):
        t.add_column(col, justify="left" if i < text_columns else "right")
    for row in frame.itertuples(index=False):
        t.add_row(*row)
    out_console.print(t)


def _print_summary(result: SimulationResult, by: str | None, lang: Lang) -> None:
    from minsheng_insure.report.tables import group_keys, headline_display

    table = result.summary(by)
    _print_table(headline_display(table, lang, result.scenario),
                 label("table_title_run", lang, name=result.scenario.name, replications=result.replications,
                       seed=result.seed), len(group_keys(table)) + 2)


def _print_comparison(comparison: Comparison, by: str | None, lang: Lang) -> None:
    from minsheng_insure.report.tables import group_keys, headline_display

    table = comparison.table(by)
    b, s = comparison.baseline, comparison.scenario
    _print_table(headline_display(table, lang, s.scenario),
                 label("table_title_compare", lang, scenario=s.scenario.name, baseline=b.scenario.name,
                       replications=b.replications, seed=b.seed), len(group_keys(table)) + 2)


Formats = Annotated[str, typer.Option("--format", help="Table formats for --out: csv, xlsx, parquet, comma-separated.")]
Language = Annotated[str, typer.Option("--lang", help="Language of tables, workbook, plots and report: zh or en.")]


def _lang(text: str) -> Lang:
    if text not in LANGS:
        raise BadInput(f"--lang: use zh or en (got {text!r})")
    return text  # type: ignore[return-value]


@app.command()
def run(scenario: Path, replications: Replications = 20, seed: Seed = 0, out: Out = None, force: Force = False,
        workers: Workers = 1, by: By = None, sets: Sets = None, quiet: Quiet = False,
        formats: Formats = "csv,xlsx,parquet", lang: Language = "en", allow_outside: AllowOutside = False) -> None:
    """Simulate one scenario; print its headline metrics; write tables, plots and a report to --out."""
    from minsheng_insure.api import simulate
    from minsheng_insure.report.bundle import write_run

    chosen, language, by = _formats(formats), _lang(lang), _by(by)
    s = _load(scenario, sets, allow_outside)
    failure = None
    with _output(out, force, [scenario]) as folder:
        with _progress(quiet, s.name) as progress:
            result = simulate(s, replications, seed, workers, progress)
        _print_summary(result, by, language)
        if folder is not None:
            failure = write_run(folder, result, chosen, language, {
                "scenario": str(scenario), "seed": seed, "replications": replications, "overrides": sets or []})
    if out is not None:
        _finish(out, failure, language)


SetGrid = Annotated[str | None, typer.Option("--set-grid", help=(
    "key=v1,v2,...: replace the last scenario by one scenario per value (money may be written 75万, 1.5亿)."))]
Yoy = Annotated[str | None, typer.Option(help="Also print and write the year-on-year table: quarter, month or year.")]


@app.command()
def compare(baseline: Path, scenarios: Annotated[list[Path], typer.Argument(
                help="One or more scenarios, each compared with BASELINE.")],
            replications: Replications = 20, seed: Seed = 0, out: Out = None,
            force: Force = False, workers: Workers = 1, by: By = None, sets: Sets = None,
            set_grid: SetGrid = None, yoy: Yoy = None,
            quiet: Quiet = False, formats: Formats = "csv,xlsx,parquet", lang: Language = "en",
            allow_outside: AllowOutside = False) -> None:
    """Compare each SCENARIO against BASELINE with common random numbers; --set applies to each SCENARIO."""
    from minsheng_insure.api import compare as compare_scenarios
    from minsheng_insure.api import grid
    from minsheng_insure.report.bundle import write_comparison, write_ladder
    from minsheng_insure.results.ladder import Ladder
    from minsheng_insure.scenario.compatibility import check_comparable
    from minsheng_insure.scenario.loading import load_scenario, parse_grid

    chosen, language, by, period = _formats(formats), _lang(lang), _by(by), _yoy(yoy)
    b = load_scenario(baseline, allow_outside)
    loaded = [_load(path, sets, allow_outside) for path in scenarios]
    paths = [str(path) for path in scenarios]
    if set_grid is not None:
        key, values = parse_grid(set_grid)
        loaded[-1:] = grid(loaded[-1], key, values)
        paths[-1:] = [paths[-1]] * len(values)
    names = [s.name for s in loaded]
    if len(set(names)) < len(names):
        raise BadInput(f"two scenarios are both named {next(n for n in names if names.count(n) > 1)!r}. Fix: give "
                       "each scenario its own name (the 'name' key) or compare it once")
    for path, s in zip(paths, loaded, strict=True):
        check_comparable(b, s, str(baseline), path)
    failure = None
    with _output(out, force, [baseline, *scenarios]) as folder:
        with _progress(quiet, " / ".join([b.name, *names])) as progress:
            outcome = compare_scenarios(b, loaded if len(loaded) > 1 else loaded[0], replications, seed, workers,
                                        progress)
        pairs = outcome.pairs if isinstance(outcome, Ladder) else (outcome,)
        for pair in pairs:
            _print_sentences(pair, language)
        if isinstance(outcome, Ladder):
            _print_ladder(outcome, language)
        for pair in pairs if by is not None or not isinstance(outcome, Ladder) else ():
            _print_comparison(pair, by, language)
        yoy_tables = {pair.scenario.scenario.name: _print_yoy(pair.scenario, period, language)
                      for pair in pairs} if period else {}
        info = {"baseline": str(baseline), "scenarios": [str(p) for p in scenarios], "seed": seed,
                "replications": replications, "overrides": sets or [], "set_grid": set_grid, "yoy": period}
        if folder is not None:
            failure = (write_ladder(folder, outcome, chosen, language, info, yoy_tables)
                       if isinstance(outcome, Ladder) else
                       write_comparison(folder, outcome, chosen, language, info, yoy_tables))
    if out is not None:
        _finish(out, failure, language)


def _yoy(text: str | None) -> str | None:
    if text is not None and text not in ("quarter", "month", "year"):
        raise BadInput(f"--yoy: use quarter, month or year (got {text!r})")
    return text


def _print_sentences(comparison: Comparison, lang: Lang) -> None:
    """The plain answer first: one sentence per policy year of the scheme."""
    from minsheng_insure.report.sentences import policy_year_sentences

    if not comparison.scenario.scenario.insurance.coverage:
        return
    out_console.print(f"{comparison.scenario.scenario.name}:", style="bold", highlight=False, markup=False)
    for sentence in policy_year_sentences(comparison, lang):
        out_console.print(sentence, highlight=False, markup=False)
    out_console.print()


def _print_ladder(ladder: Ladder, lang: Lang) -> None:
    from minsheng_insure.report.tables import ladder_display

    b = ladder.baseline
    _print_table(ladder_display(ladder, lang),
                 label("table_title_ladder", lang, baseline=b.scenario.name, replications=b.replications,
                       seed=b.seed), 2)


def _print_yoy(result: SimulationResult, period: str, lang: Lang) -> pd.DataFrame:
    """Print the year-on-year table of ``result`` as counties report it; return it (for --out)."""
    from minsheng_insure.report.tables import yoy_display, yoy_table

    table = yoy_table(result, period)
    _print_table(yoy_display(table, lang), label("table_title_yoy", lang, name=result.scenario.name,
                                                 replications=result.replications, seed=result.seed), 3)
    return table


def _finish(out: Path, failure: Exception | None, lang: Lang) -> None:
    """Say where the outputs are; a report failure is an error, but the results stay saved."""
    err_console.print(label("msg_wrote", lang, path=out), highlight=False)
    if failure is not None:
        if _debug:
            raise failure
        err_console.print(label("msg_report_failed", lang, path=out, error=f"{type(failure).__name__}: {failure}"),
                          highlight=False, markup=False)
        raise typer.Exit(EXIT_FAILED)


@app.command()
def report(folder: Path, lang: Language = "en") -> None:
    """Rebuild the plots and report.html of an output folder from its saved results, without re-running."""
    from minsheng_insure.report.bundle import build_report

    language = _lang(lang)
    if not folder.is_dir():
        raise BadInput(f"{folder}: not a folder. Fix: give a folder written by minsheng run or compare --out")
    try:
        path = build_report(folder, language)
    except FileNotFoundError as e:
        raise BadInput(f"{e}. Fix: give a folder written by minsheng run or compare --out") from None
    err_console.print(label("msg_report_built", language, path=path), highlight=False)


@app.command()
def validate(scenarios: list[Path], provenance: Annotated[bool, typer.Option(
        help="Also require a [provenance] source for every parameter; list those without one.")] = False,
        allow_outside: AllowOutside = False) -> None:
    """Check scenario files; print every problem with file, key and fix."""
    from minsheng_insure.scenario.loading import load_scenario
    from minsheng_insure.scenario.provenance import missing_provenance

    failed = False
    for path in scenarios:
        try:
            scenario = load_scenario(path, allow_outside)
        except ScenarioError as e:
            failed = True
            for line in str(e).splitlines():
                err_console.print(f"error: {line}", highlight=False, markup=False)
            continue
        missing = missing_provenance(scenario) if provenance else []
        for key in missing:
            err_console.print(f"error: {path}: {key}: no provenance. Fix: add \"{key}\" = \"source, or "
                              f"assumption: why\" under [provenance]", highlight=False, markup=False)
        failed |= bool(missing)
        if not missing:
            out_console.print(f"ok: {path}" + (" (every parameter has a source)" if provenance else ""),
                              highlight=False)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def calibrate(scenario: Path, replications: Replications = 10, seed: Seed = 0, workers: Workers = 1,
              write: Annotated[bool, typer.Option(help="Write the fitted values and their provenance into SCENARIO.")]
              = False, quiet: Quiet = False, allow_outside: AllowOutside = False) -> None:
    """Fit SCENARIO to Shenqiu's reported 2017 Q1 changes: reported cases +38.3%, cleared cases +52.1%."""
    from minsheng_insure.experiments.calibration import calibrate as fit
    from minsheng_insure.experiments.calibration import write_calibration
    from minsheng_insure.report.tables import fmt, fmt_pct

    s = _load(scenario, None, allow_outside)
    result = fit(s, replications=replications, seed=seed, workers=workers,
                 progress=None if quiet else lambda line: err_console.print(line, highlight=False))
    t = Table(title=f"{s.name}: {result.year} Q{result.quarter} against the year before, {replications} "
                    f"replications, seed {seed}, 95% CIs")
    for col in ("metric", "year before", "this year", "change", "95% CI", "reported by the county"):
        t.add_column(col, justify="left" if col == "metric" else "right")
    reported = {target.metric: target.change_pct for target in result.targets}
    for row in result.table.itertuples(index=False):
        t.add_row(row.metric, fmt(row.year_before, row.metric), fmt(row.this_year, row.metric),
                  fmt_pct(row.change_pct), f"[{fmt_pct(row.change_pct_ci_low)}, {fmt_pct(row.change_pct_ci_high)}]",
                  fmt_pct(reported[row.metric]) if row.metric in reported else "")
    out_console.print(t)
    for key, value in result.parameters.items():
        out_console.print(f"fitted {key} = {value:.4g}", highlight=False)
    errors = ", ".join(f"{k} {v:+.2f} points" for k, v in result.errors().items())
    out_console.print(f"fit error (simulated - reported): {errors}; {result.evaluations} evaluations", highlight=False)
    if write:
        write_calibration(scenario, result)
        err_console.print(f"wrote the fitted values and their provenance into {scenario}")


@app.command(name="sweep")
def sweep_command(spec: Path, out: Annotated[Path, typer.Option(help="Folder for the results (resumable).")],
                  workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default: all cores).")]
                  = None,
                  scheduler: Annotated[str | None, typer.Option(help="Address of a Dask scheduler to run on.")] = None,
                  dask: Annotated[str | None, typer.Option(help="'local' to run on a Dask LocalCluster.")] = None,
                  quiet: Quiet = False, allow_outside: AllowOutside = False) -> None:
    """Run a parameter sweep; killed and started again, it runs only the missing points.

    Exits with code 1, saying how many, when any point failed (the others are kept).
    """
    from minsheng_insure.experiments.sweep import DaskExecutor, LocalExecutor, load_sweep, sweep

    parsed, folder = load_sweep(spec)
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {out}: is a file, not a folder. Fix: choose a folder for the sweep")
    if out.is_dir() and any(out.iterdir()) and not {"sweep.json", "points.parquet", "results"} & {
            p.name for p in out.iterdir()}:
        raise BadInput(f"--out {out}: is not empty and holds no sweep. Fix: choose a new folder (or one a sweep made, "
                       "to resume it)")
    if dask not in (None, "local"):
        raise BadInput(f"--dask: only 'local' is known (got {dask!r}); give a cluster with --scheduler ADDRESS")
    if scheduler or dask:
        executor: LocalExecutor | DaskExecutor = DaskExecutor(scheduler or "local", workers)
    else:
        executor = LocalExecutor(workers)
    with _progress(quiet, "sweep") as progress:
        table = sweep(parsed, folder, executor, out=out, progress=progress, allow_outside=allow_outside,
                      spec_name=str(spec))
    failed = table.loc[table["error"].fillna("") != "", "point"].nunique()
    out_console.print(f"{table['point'].nunique()} points x {parsed.replications} replications in {out / 'results'}",
                      highlight=False)
    if failed:
        err_console.print(f"error: {failed} of {table['point'].nunique()} points failed; see the error column of "
                          f"{out / 'results'}", highlight=False, markup=False)
        raise typer.Exit(EXIT_FAILED)


@app.command()
def sensitivity(folder: Path, method: Annotated[str, typer.Option(help="sobol or morris.")] = "sobol") -> None:
    """Sensitivity indices with 95% CIs from a finished sweep folder; writes sensitivity.csv and plots."""
    import pandas as pd

    from minsheng_insure.experiments.sensitivity import sensitivity as analyse
    from minsheng_insure.experiments.sweep import read_sweep, sweep_spec_of
    from minsheng_insure.report.plots import tornado

    if not (folder / "sweep.json").exists():
        raise BadInput(f"{folder}: no sweep.json. Fix: give a folder written by minsheng sweep --out")
    if method not in ("sobol", "morris"):
        raise BadInput(f"--method: use sobol or morris (got {method!r})")
    spec = sweep_spec_of(folder)
    table = read_sweep(folder)
    if table["point"].nunique() < len(pd.read_parquet(folder / "points.parquet")):
        raise BadInput(f"{folder}: the sweep is not finished. Fix: run minsheng sweep again with the same --out")
    try:
        indices = analyse(table, spec, method)  # type: ignore[arg-type]
    except ValueError as e:
        raise BadInput(str(e)) from None
    indices.to_csv(folder / "sensitivity.csv", index=False)
    for metric in spec.metrics:
        tornado(indices, metric, folder / "plots" / f"sensitivity_{metric}.png")
    t = Table(title=f"{method} indices, 95% CIs ({folder})")
    for col in indices.columns:
        t.add_column(col)
    for row in indices.itertuples(index=False):
        t.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    out_console.print(t)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from minsheng_insure.report.docs import scenario_schema

    print(scenario_schema(), end="")


if __name__ == "__main__":
    main()
