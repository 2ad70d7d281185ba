"""The ``minsheng`` command: run and compare scenarios, validate files, print the schema.

Exit codes: 0 success; 1 the run failed; 2 bad input (a scenario problem, a wrong option, an
output folder that would be overwritten). Errors are one line each; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from minsheng_insure import __version__
from minsheng_insure.api import compare as compare_scenarios
from minsheng_insure.api import simulate
from minsheng_insure.report.output import OutputExistsError, check_output, output_folder
from minsheng_insure.report.tables import fmt, fmt_ci, fmt_pct, headline
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.scenario import Scenario, ScenarioError, load_scenario
from minsheng_insure.scenario.loading import parse_override, scenario_to_toml
from minsheng_insure.scenario.schema import Scenario as ScenarioModel

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2

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
    except (ScenarioError, OutputExistsError) as e:
        for line in str(e).splitlines():
            err_console.print(f"error: {line}", highlight=False, markup=False)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as e:  # one clear line; the traceback only when asked for
        if _debug:
            raise
        err_console.print(f"error: {type(e).__name__}: {e} (run with --debug for the traceback)",
                          highlight=False, markup=False)
        sys.exit(EXIT_FAILED)


def _load(path: Path, sets: list[str] | None) -> Scenario:
    scenario = load_scenario(path)
    if sets:
        scenario = scenario.with_overrides(dict(parse_override(s) for s in sets))
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


def _provenance_header(scenario: Scenario, seed: int, replications: int) -> str:
    return (f"Resolved scenario written by minsheng-insure {__version__}\n"
            f"Reproduce: minsheng run scenario.resolved.toml --seed {seed} -n {replications}")


def _write_result(folder: Path, result: SimulationResult, prefix: str = "") -> None:
    result.summary().to_csv(folder / f"{prefix}summary.csv", index=False)
    for by in ("policy_year", "year", "quarter", "crime_type", "asset_class", "township"):
        result.summary(by).to_csv(folder / f"{prefix}summary_by_{by}.csv", index=False)
    result.metrics().to_csv(folder / f"{prefix}metrics.csv", index=False)
    result.events.to_parquet(folder / f"{prefix}events.parquet", index=False)
    (folder / f"{prefix}scenario.resolved.toml").write_text(
        scenario_to_toml(result.scenario, _provenance_header(result.scenario, result.seed, result.replications)),
        encoding="utf-8")


def _write_run_info(folder: Path, **info: object) -> None:
    (folder / "run.json").write_text(json.dumps({"version": __version__, **info}, indent=2), encoding="utf-8")


def _print_summary(result: SimulationResult, by: str | None) -> None:
    table = headline(result.summary(by))
    keys = [c for c in table.columns if c not in ("metric", "mean", "ci_low", "ci_high", "n")]
    t = Table(title=f"{result.scenario.name}: {result.replications} replications, seed {result.seed}, "
                    f"mean and 95% CI")
    for col in [*keys, "metric", "mean", "95% CI"]:
        t.add_column(col, justify="left" if col in (*keys, "metric") else "right")
    for row in table.itertuples(index=False):
        r = row._asdict()
        t.add_row(*(str(r[k]) for k in keys), r["metric"], fmt(r["mean"], r["metric"]),
                  fmt_ci(r["ci_low"], r["ci_high"], r["metric"]))
    out_console.print(t)


def _print_comparison(comparison: Comparison, by: str | None) -> None:
    table = headline(comparison.table(by))
    keys = [c for c in table.columns if c in ("year", "quarter", "month", "policy_year", "crime_type",
                                              "asset_class", "township")]
    b, s = comparison.baseline, comparison.scenario
    t = Table(title=f"{s.scenario.name} against {b.scenario.name}: {b.replications} paired replications "
                    f"(common random numbers), seed {b.seed}, 95% CIs")
    for col in [*keys, "metric", "baseline", "scenario", "change", "change 95% CI"]:
        t.add_column(col, justify="left" if col in (*keys, "metric") else "right")
    for row in table.itertuples(index=False):
        r = row._asdict()
        m = r["metric"]
        t.add_row(*(str(r[k]) for k in keys), m, fmt(r["baseline"], m), fmt(r["scenario"], m),
                  fmt_pct(r["change_pct"]) if not pd.isna(r["change_pct"]) else fmt(r["difference"], m),
                  f"[{fmt_pct(r['change_pct_ci_low'])}, {fmt_pct(r['change_pct_ci_high'])}]"
                  if not pd.isna(r["change_pct"]) else fmt_ci(r["difference_ci_low"], r["difference_ci_high"], m))
    out_console.print(t)


@app.command()
def run(scenario: Path, replications: Replications = 20, seed: Seed = 0, out: Out = None, force: Force = False,
        workers: Workers = 1, by: By = None, sets: Sets = None, quiet: Quiet = False) -> None:
    """Simulate one scenario; print its headline metrics; write tables to --out."""
    s = _load(scenario, sets)
    if out is not None:
        check_output(out, force)
    with _progress(quiet, f"simulating {s.name}") as progress:
        result = simulate(s, replications, seed, workers, progress)
    _print_summary(result, by)
    if out is not None:
        with output_folder(out, force) as folder:
            _write_result(folder, result)
            _write_run_info(folder, command="run", scenario=str(scenario), seed=seed, replications=replications,
                            overrides=sets or [])
        err_console.print(f"wrote {out}")


@app.command()
def compare(baseline: Path, scenario: Path, replications: Replications = 20, seed: Seed = 0, out: Out = None,
            force: Force = False, workers: Workers = 1, by: By = None, sets: Sets = None,
            quiet: Quiet = False) -> None:
    """Compare SCENARIO against BASELINE with common random numbers; --set applies to SCENARIO."""
    b, s = load_scenario(baseline), _load(scenario, sets)
    if out is not None:
        check_output(out, force)
    with _progress(quiet, f"simulating {b.name} and {s.name}") as progress:
        comparison = compare_scenarios(b, s, replications, seed, workers, progress)
    _print_comparison(comparison, by)
    if out is not None:
        with output_folder(out, force) as folder:
            comparison.table().to_csv(folder / "comparison.csv", index=False)
            for group in ("policy_year", "year", "quarter", "crime_type", "asset_class", "township"):
                comparison.table(group).to_csv(folder / f"comparison_by_{group}.csv", index=False)
            _write_result(folder, comparison.baseline, "baseline_")
            _write_result(folder, comparison.scenario, "scenario_")
            _write_run_info(folder, command="compare", baseline=str(baseline), scenario=str(scenario), seed=seed,
                            replications=replications, overrides=sets or [])
        err_console.print(f"wrote {out}")


@app.command()
def validate(scenarios: list[Path], provenance: Annotated[bool, typer.Option(
        help="Also require a [provenance] source for every parameter; list those without one.")] = False) -> None:
    """Check scenario files; print every problem with file, key and fix."""
    from minsheng_insure.scenario.provenance import missing_provenance

    failed = False
    for path in scenarios:
        try:
            scenario = load_scenario(path)
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
              = False, quiet: Quiet = False) -> None:
    """Fit SCENARIO to Shenqiu's reported 2017 Q1 changes: reported cases +38.3%, cleared cases +52.1%."""
    from minsheng_insure.experiments.calibration import calibrate as fit
    from minsheng_insure.experiments.calibration import write_calibration

    s = load_scenario(scenario)
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


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    print(json.dumps(ScenarioModel.model_json_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
