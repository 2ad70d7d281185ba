"""The ``minsheng`` command: run and compare scenarios, rebuild reports, validate, calibrate, print the schema.

Exit codes: 0 success; 1 the run failed; 2 bad input (a scenario problem, a wrong option, an
output folder that would be overwritten). Errors are one line each; ``--debug`` adds the traceback.
Help and messages are in the language of ``--lang`` or ``MINSHENG_LANG`` (``report.labels``): the
help texts are chosen when the command is built, from the command line and the environment.
"""

from __future__ import annotations

import os
import shlex
import sys
import warnings
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
from minsheng_insure.report.labels import LANGS, Lang, cli_language, label
from minsheng_insure.report.output import OutputExistsError, output_folder
from minsheng_insure.scenario.errors import ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from minsheng_insure.experiments.decompose import Decomposition
    from minsheng_insure.results.comparison import Comparison
    from minsheng_insure.results.ladder import Ladder
    from minsheng_insure.results.result import SimulationResult
    from minsheng_insure.scenario.schema import Scenario

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2

HELP_LANG: Lang = cli_language(sys.argv, os.environ)
"""The language of the help texts, fixed when this module builds the command (``report.labels``)."""


def _help(key: str) -> str:
    return label(key, HELP_LANG)


class BadInput(Exception):
    """A command-line value that cannot be used; reported as one line with exit code 2."""

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help=_help("cli_app"))
# Off a terminal (a pipe, a CI log) rich would wrap at 80 columns; tables read better wider.
out_console = Console(width=None if sys.stdout.isatty() else 150)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 150, soft_wrap=True)
_debug = False
_messages: Lang = HELP_LANG
"""The language of messages and errors; ``main`` reads it again from the command line it runs."""


def _say(key: str, **values: object) -> str:
    """A message in the command line's language."""
    return label(key, _messages, **values)

Replications = Annotated[int, typer.Option("--replications", "-n", min=1, help=_help("opt_replications"))]
Seed = Annotated[int, typer.Option(min=0, help=_help("opt_seed"))]
Out = Annotated[Path | None, typer.Option(help=_help("opt_out"))]
Force = Annotated[bool, typer.Option(help=_help("opt_force"))]
Workers = Annotated[int, typer.Option(min=1, help=_help("opt_workers"))]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=_help("opt_quiet"))]
Sets = Annotated[list[str] | None, typer.Option("--set", help=_help("opt_set"))]
By = Annotated[str | None, typer.Option(help=_help("opt_by"))]
AllowOutside = Annotated[bool, typer.Option(help=_help("opt_allow_outside"))]


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option(help=_help("opt_debug"))] = False,
    version: Annotated[bool, typer.Option("--version", help=_help("opt_version"))] = False,
) -> None:
    global _debug
    _debug = debug
    if version:
        out_console.print(__version__)
        raise typer.Exit()


def main() -> None:
    """Entry point of the ``minsheng`` console script."""
    global _messages
    _messages = cli_language(sys.argv, os.environ)
    warnings.showwarning = _show_warning
    try:
        app()  # typer reports usage errors itself, with exit code 2
    except (ScenarioError, OutputExistsError, BadInput) as e:
        for line in str(e).splitlines():
            _error(line)
        sys.exit(EXIT_BAD_INPUT)
    except MissingExtra as e:  # its message already says what to install
        _error(str(e))
        sys.exit(EXIT_FAILED)
    except Exception as e:  # one clear line; the traceback only when asked for
        if _debug:
            raise
        _error(_say("err_unexpected", error=f"{type(e).__name__}: {e}"))
        for note in getattr(e, "__notes__", ()):  # e.g. a save that failed on its thread too
            _error(note)
        sys.exit(EXIT_FAILED)


def _error(text: str) -> None:
    err_console.print(_say("err_prefix") + text, highlight=False, markup=False)


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: object = None,
                  line: str | None = None) -> None:
    """A warning as one line on stderr, without the source line Python would print under it."""
    err_console.print(_say("warn_prefix") + str(message), highlight=False, markup=False)


def _command_line() -> str:
    """The command as typed, for the run's metadata."""
    return shlex.join(["minsheng", *sys.argv[1:]])


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
        raise BadInput(_say("err_by", choices=", ".join(GROUPINGS), got=repr(text)))
    return text


def _output(out: Path | None, force: bool, inputs: list[Path]) -> AbstractContextManager[Path | None]:
    """The staging folder of --out, checked and locked before any work; nothing without --out."""
    return nullcontext() if out is None else output_folder(out, force, inputs)


def _formats(text: str) -> set[str]:
    from minsheng_insure.report.bundle import FORMATS

    chosen = {f.strip() for f in text.split(",") if f.strip()}
    unknown = chosen - set(FORMATS)
    if unknown or not chosen:
        raise BadInput(_say("err_format", choices=", ".join(FORMATS), got=repr(text)))
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


Formats = Annotated[str, typer.Option("--format", help=_help("opt_format"))]
Language = Annotated[str | None, typer.Option("--lang", help=_help("opt_lang"), show_default=False)]


def _lang(text: str | None, default: str | None = None) -> Lang:
    """--lang if given, else ``default`` (a saved run's language), else MINSHENG_LANG, else English."""
    if text is not None:
        if text not in LANGS:
            raise BadInput(_say("err_lang", got=repr(text)))
        return text  # type: ignore[return-value]
    if default in LANGS:
        return default  # type: ignore[return-value]
    env = os.environ.get("MINSHENG_LANG") or "en"
    if env not in LANGS:
        raise BadInput(_say("err_env_lang", got=repr(env)))
    return env  # type: ignore[return-value]


@app.command(help=_help("cli_run"))
def run(scenario: Path, replications: Replications = 20, seed: Seed = 0, out: Out = None, force: Force = False,
        workers: Workers = 1, by: By = None, sets: Sets = None, quiet: Quiet = False,
        formats: Formats = "csv,xlsx,parquet", lang: Language = None, allow_outside: AllowOutside = False) -> None:
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
                "scenario": str(scenario), "seed": seed, "replications": replications, "overrides": sets or [],
                "command_line": _command_line()})
    if out is not None:
        _finish(out, failure, language)


SetGrid = Annotated[str | None, typer.Option("--set-grid", help=_help("opt_set_grid"))]
Yoy = Annotated[str | None, typer.Option(help=_help("opt_yoy"))]


@app.command(help=_help("cli_compare"))
def compare(baseline: Path, scenarios: Annotated[list[Path], typer.Argument(help=_help("arg_scenarios"))],
            replications: Replications = 20, seed: Seed = 0, out: Out = None,
            force: Force = False, workers: Workers = 1, by: By = None, sets: Sets = None,
            set_grid: SetGrid = None, yoy: Yoy = None,
            quiet: Quiet = False, formats: Formats = "csv,xlsx,parquet", lang: Language = None,
            allow_outside: AllowOutside = False,
            decompose: Annotated[bool, typer.Option(help=_help("opt_decompose"))] = False) -> None:
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
        raise BadInput(_say("err_same_name", name=repr(next(n for n in names if names.count(n) > 1))))
    for path, s in zip(paths, loaded, strict=True):
        check_comparable(b, s, str(baseline), path)
    if decompose and len(loaded) > 1:
        raise BadInput(_say("err_decompose_several"))
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
        parts = _decompose(b, loaded[0], replications, seed, workers, quiet, None, outcome, language) \
            if decompose else None
        info = {"baseline": str(baseline), "scenarios": [str(p) for p in scenarios], "seed": seed,
                "replications": replications, "overrides": sets or [], "set_grid": set_grid, "yoy": period,
                "decompose": decompose, "command_line": _command_line()}
        if folder is not None:
            if parts is not None:
                from minsheng_insure.report.decomposition import write_decomposition

                write_decomposition(folder, parts, chosen, language)
            failure = (write_ladder(folder, outcome, chosen, language, info, yoy_tables)
                       if isinstance(outcome, Ladder) else
                       write_comparison(folder, outcome, chosen, language, info, yoy_tables))
    if out is not None:
        _finish(out, failure, language)


def _decompose(b: Scenario, s: Scenario, replications: int, seed: int, workers: int, quiet: bool, by: str | None,
               comparison: Comparison | None = None, lang: Lang = "en") -> Decomposition:
    """Run a decomposition with a progress bar and print its whole-run table."""
    from minsheng_insure.experiments.decompose import decompose, switches
    from minsheng_insure.report.decomposition import decomposition_display

    subsets = 2 ** len(switches(b, s))
    with _progress(quiet, f"{b.name} / {s.name}: {subsets} runs") as progress:
        parts = decompose(b, s, replications, seed, workers, progress, by=by, comparison=comparison)
    _print_table(decomposition_display(parts.table(), lang),
                 label("table_title_decompose", lang, scenario=s.name, baseline=b.name, subsets=subsets,
                       replications=replications, seed=seed), 2)
    return parts


@app.command(name="decompose", help=_help("cli_decompose"))
def decompose_command(baseline: Path, scenario: Path, replications: Replications = 20, seed: Seed = 0,
                      out: Out = None, force: Force = False, workers: Workers = 1, by: By = None, sets: Sets = None,
                      quiet: Quiet = False, formats: Formats = "csv,xlsx,parquet", lang: Language = None,
                      allow_outside: AllowOutside = False) -> None:
    from minsheng_insure.report.bundle import write_decomposition_run
    from minsheng_insure.scenario.compatibility import check_comparable
    from minsheng_insure.scenario.loading import load_scenario

    chosen, language, by = _formats(formats), _lang(lang), _by(by)
    b, s = load_scenario(baseline, allow_outside), _load(scenario, sets, allow_outside)
    check_comparable(b, s, str(baseline), str(scenario))
    failure = None
    with _output(out, force, [baseline, scenario]) as folder:
        parts = _decompose(b, s, replications, seed, workers, quiet, by, lang=language)
        if by is not None:
            from minsheng_insure.report.decomposition import decomposition_display
            from minsheng_insure.report.tables import group_keys

            table = parts.table(by)
            _print_table(decomposition_display(table, language), f"{s.name} / {b.name}: {label(by, language)}",
                         len(group_keys(table)) + 2)
        if folder is not None:
            failure = write_decomposition_run(folder, parts, chosen, language, by, {
                "baseline": str(baseline), "scenario": str(scenario), "seed": seed, "replications": replications,
                "overrides": sets or [], "command_line": _command_line()})
    if out is not None:
        _finish(out, failure, language)


def _yoy(text: str | None) -> str | None:
    if text is not None and text not in ("quarter", "month", "year"):
        raise BadInput(_say("err_yoy", got=repr(text)))
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


@app.command(help=_help("cli_report"))
def report(folder: Path, lang: Language = None) -> None:
    from minsheng_insure.report.bundle import build_report, saved_language

    if lang is not None:
        _lang(lang)  # a wrong --lang is refused before the folder is read
    if not folder.is_dir():
        raise BadInput(_say("err_not_output_folder", problem=_say("err_not_a_folder", path=folder)))
    language = _lang(lang, saved_language(folder))
    try:
        path = build_report(folder, language)
    except FileNotFoundError as e:
        raise BadInput(_say("err_not_output_folder", problem=e)) from None
    err_console.print(label("msg_report_built", language, path=path), highlight=False)


@app.command(help=_help("cli_validate"))
def validate(scenarios: list[Path], provenance: Annotated[bool, typer.Option(help=_help("opt_provenance"))] = False,
             allow_outside: AllowOutside = False) -> None:
    from minsheng_insure.scenario.loading import load_scenario
    from minsheng_insure.scenario.provenance import missing_provenance

    failed = False
    for path in scenarios:
        try:
            scenario = load_scenario(path, allow_outside)
        except ScenarioError as e:
            failed = True
            for line in str(e).splitlines():
                _error(line)
            continue
        missing = missing_provenance(scenario) if provenance else []
        for key in missing:
            _error(_say("err_no_provenance", path=path, parameter=key))
        failed |= bool(missing)
        if not missing:
            out_console.print(_say("msg_valid_provenance" if provenance else "msg_valid", path=path), highlight=False)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command(help=_help("cli_calibrate"))
def calibrate(
    scenario: Path,
    targets: Annotated[Path, typer.Option(help=_help("opt_targets"))],
    free: Annotated[list[str], typer.Option(help=_help("opt_free"))],
    replications: Replications = 16, seed: Seed = 0, workers: Workers = 1,
    draws: Annotated[int, typer.Option(min=2, help=_help("opt_draws"))] = 256,
    accept: Annotated[float, typer.Option(min=0.001, max=1.0, help=_help("opt_accept"))] = 0.1,
    budgets: Annotated[str, typer.Option(help=_help("opt_budgets"))] = "0,750000,1500000,3000000",
    sets: Sets = None, out: Out = None, force: Force = False,
    write: Annotated[bool, typer.Option(help=_help("opt_write"))] = False,
    quiet: Quiet = False, allow_outside: AllowOutside = False,
) -> None:
    """Fit SCENARIO's free parameters to a county's reported changes by rejection ABC.

    Prints the accepted parameter sets' median and 95% interval, the fit at the median against the
    targets, and the posterior predictive of the planner's outputs at each budget. Exits with code 1,
    leaving SCENARIO as it was, when --write is given and a target lies outside its 95% CI.
    """
    from minsheng_insure.experiments import calibration as fitting
    from minsheng_insure.experiments.targets import check_targets_fit, load_targets
    from minsheng_insure.report.numbers import fmt_pct

    if write and sets:
        raise BadInput(_say("err_write_with_set"))
    chosen_budgets = _budgets(budgets)
    free_bounds = [_free(text) for text in free]
    s = _load(scenario, sets, allow_outside)
    parsed = load_targets(targets)
    check_targets_fit(parsed, s, targets)
    try:
        priors = fitting.resolve_priors(free_bounds, s, parsed)
    except ValueError as e:
        raise BadInput(_say("err_free_prior", problem=e)) from None
    with _output(out, force, [scenario, targets]) as staging, _progress(quiet, "draws") as bar:
        result = fitting.calibrate(
            s, parsed, priors, str(targets), replications=replications, draws=draws, accept=accept, seed=seed,
            workers=workers, budgets=chosen_budgets, draws_done=bar,
            progress=None if quiet else lambda line: err_console.print(line, highlight=False))
        if staging is not None:
            fitting.save_calibration(result, staging)
    posterior = Table(title=_say("cal_posterior_title", scenario=s.name, accepted=len(result.abc.accepted),
                                 draws=draws, replications=replications, seed=seed))
    for key in ("cal_parameter", "cal_prior", "cal_median", "cal_interval"):
        posterior.add_column(_say(key), justify="left" if key == "cal_parameter" else "right")
    for row in result.abc.posterior().itertuples(index=False):
        posterior.add_row(row.parameter, f"{row.prior_low:g} - {row.prior_high:g}", f"{row.median:.4g}",
                          f"[{row.low:.4g}, {row.high:.4g}]")
    out_console.print(posterior)
    check = Table(title=_say("cal_check_title", replications=replications, seed=seed))
    for key in ("cal_statistic", "cal_periods", "cal_counted_by", "col_change", "col_ci", "cal_accepted",
                "cal_target", "cal_complete"):
        check.add_column(_say(key), justify="left" if key in ("cal_statistic", "cal_periods", "cal_counted_by")
                         else "right")
    for row in result.check.itertuples(index=False):
        has_target = row.target_pct == row.target_pct
        check.add_row(row.statistic, f"{row.period} / {row.against}", row.counted_by, fmt_pct(row.change_pct),
                      f"[{fmt_pct(row.change_pct_ci_low)}, {fmt_pct(row.change_pct_ci_high)}]",
                      f"[{fmt_pct(row.accepted_low)}, {fmt_pct(row.accepted_high)}]" if has_target else "",
                      fmt_pct(row.target_pct) if has_target else "", _say("cal_yes" if row.complete else "cal_no"))
    out_console.print(check)
    predictive = Table(title=_say("cal_predictive_title"))
    predictive.add_column(_say("cal_budget"), justify="right")
    wide = result.predictive.pivot(index="budget_yuan", columns="output")
    outputs = list(dict.fromkeys(result.predictive["output"]))
    for name in outputs:
        predictive.add_column(name, justify="right")
    for budget in wide.index:
        cells = []
        for name in outputs:
            median, low, high = (wide.loc[budget, (k, name)] for k in ("median", "low", "high"))
            pct = name.endswith("_pct")
            show = fmt_pct if pct else (lambda v: f"{v:.2f}" if v == v else "-")
            cells.append(f"{show(median)} [{show(low)}, {show(high)}]")
        predictive.add_row(f"{budget / 10_000:g}", *cells)
    out_console.print(predictive)
    out_console.print(_say("cal_done", county_years=f"{result.county_years:,.0f}", seconds=f"{result.seconds:.0f}"),
                      highlight=False)
    if write:
        try:
            fitting.write_calibration(scenario, result)
        except fitting.CalibrationNotWritten as e:
            _error(str(e))
            raise typer.Exit(EXIT_FAILED) from None
        err_console.print(_say("cal_wrote", path=scenario), highlight=False, markup=False)


def _free(text: str) -> tuple[str, tuple[float, float] | None]:
    """A --free value: KEY, or KEY=LOW:HIGH."""
    key, _, bounds = text.partition("=")
    if not key.strip():
        raise BadInput(_say("err_free_key", got=repr(text)))
    if not bounds:
        return key.strip(), None
    try:
        low, high = (float(v) for v in bounds.split(":"))
    except ValueError:
        raise BadInput(_say("err_free_bounds", got=repr(text), parameter=key)) from None
    if not low < high:
        raise BadInput(_say("err_free_order", got=repr(text), example=f"{key}={high:g}:{low:g}"))
    return key.strip(), (low, high)


def _budgets(text: str) -> tuple[float, ...]:
    """The --budgets list: non-negative yuan amounts."""
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise BadInput(_say("err_budgets_numbers", got=repr(text))) from None
    if not values or min(values) < 0:
        raise BadInput(_say("err_budgets_range", got=repr(text)))
    return values


@app.command(name="sweep", help=_help("cli_sweep"))
def sweep_command(spec: Path, out: Annotated[Path, typer.Option(help=_help("opt_sweep_out"))],
                  workers: Annotated[int | None, typer.Option(min=1, help=_help("opt_sweep_workers"))] = None,
                  scheduler: Annotated[str | None, typer.Option(help=_help("opt_scheduler"))] = None,
                  dask: Annotated[str | None, typer.Option(help=_help("opt_dask"))] = None,
                  quiet: Quiet = False, allow_outside: AllowOutside = False) -> None:
    from minsheng_insure.experiments.sweep import DaskExecutor, LocalExecutor, load_sweep, sweep

    parsed, folder = load_sweep(spec)
    if out.exists() and not out.is_dir():
        raise BadInput(_say("err_sweep_out_file", path=out))
    if out.is_dir() and any(out.iterdir()) and not {"sweep.json", "points.parquet", "results"} & {
            p.name for p in out.iterdir()}:
        raise BadInput(_say("err_sweep_out_busy", path=out))
    if dask not in (None, "local"):
        raise BadInput(_say("err_dask", got=repr(dask)))
    if scheduler or dask:
        executor: LocalExecutor | DaskExecutor = DaskExecutor(scheduler or "local", workers)
    else:
        executor = LocalExecutor(workers)
    with _progress(quiet, "sweep") as progress:
        table = sweep(parsed, folder, executor, out=out, progress=progress, allow_outside=allow_outside,
                      spec_name=str(spec))
    failed = table.loc[table["error"].fillna("") != "", "point"].nunique()
    points = table["point"].nunique()
    out_console.print(_say("msg_sweep_done", points=points, replications=parsed.replications, path=out / "results"),
                      highlight=False)
    if failed:
        _error(_say("err_sweep_failed", failed=failed, points=points, path=out / "results"))
        raise typer.Exit(EXIT_FAILED)


@app.command(help=_help("cli_sensitivity"))
def sensitivity(folder: Path, method: Annotated[str, typer.Option(help=_help("opt_method"))] = "sobol") -> None:
    import pandas as pd

    from minsheng_insure.experiments.sensitivity import sensitivity as analyse
    from minsheng_insure.experiments.sweep import read_sweep, sweep_spec_of
    from minsheng_insure.report.plots import tornado

    if not (folder / "sweep.json").exists():
        raise BadInput(_say("err_no_sweep", path=folder))
    if method not in ("sobol", "morris"):
        raise BadInput(_say("err_method", got=repr(method)))
    spec = sweep_spec_of(folder)
    table = read_sweep(folder)
    if table["point"].nunique() < len(pd.read_parquet(folder / "points.parquet")):
        raise BadInput(_say("err_sweep_unfinished", path=folder))
    try:
        indices = analyse(table, spec, method)  # type: ignore[arg-type]
    except ValueError as e:
        raise BadInput(str(e)) from None
    indices.to_csv(folder / "sensitivity.csv", index=False)
    for metric in spec.metrics:
        tornado(indices, metric, folder / "plots" / f"sensitivity_{metric}.png")
    t = Table(title=_say("table_title_sensitivity", method=method, path=folder))
    for col in indices.columns:
        t.add_column(col)
    for row in indices.itertuples(index=False):
        t.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row))
    out_console.print(t)


@app.command(help=_help("cli_schema"))
def schema() -> None:
    from minsheng_insure.report.docs import scenario_schema

    print(scenario_schema(), end="")


if __name__ == "__main__":
    main()
