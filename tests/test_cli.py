"""The ``minsheng`` command through its real entry point (a subprocess)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from commands import minsheng
from minsheng_insure import cli, load_scenario
from minsheng_insure.scenario.loading import scenario_to_toml

from factories import small_scenario


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scenarios")
    base = folder / "base.toml"
    base.write_text(scenario_to_toml(small_scenario(**{"insurance.coverage": {}, "name": "base"})))
    scheme = folder / "scheme.toml"
    scheme.write_text('extends = "base.toml"\nname = "scheme"\n[insurance]\nbudget_yuan = 50000\n'
                      '[insurance.coverage.goods]\ndeductible_yuan = 100\n')
    return {"base": base, "scheme": scheme, "folder": folder}


def test_run_prints_the_headline_and_writes_tables(files, tmp_path) -> None:
    out = tmp_path / "run"
    done = minsheng("run", str(files["scheme"]), "-n", "3", "--seed", "4", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Reporting rate" in done.stdout and "95% CI" in done.stdout
    summary = pd.read_csv(out / "summary.csv")
    assert {"grouping", "year", "quarter", "metric", "mean", "ci_low", "ci_high", "n"} <= set(summary.columns)
    assert (summary.loc[summary["metric"] == "incidents", "n"] == 3).all()
    assert {"whole_run", "year", "quarter", "policy_year", "crime_type"} <= set(summary["grouping"])
    for name in ("summary.xlsx", "summary.parquet", "metrics.parquet", "timeline.parquet", "report.html",
                 "plots/cases_by_month.png", "plots/cases_by_month.svg", "run.json"):
        assert (out / name).exists(), name
    events = pd.read_parquet(out / "events.parquet")
    assert set(events["replication"]) == {0, 1, 2}
    # the resolved scenario reproduces the run exactly
    again = tmp_path / "again"
    done = minsheng("run", str(out / "scenario.resolved.toml"), "-n", "3", "--seed", "4", "--out", str(again))
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary.csv"), pd.read_csv(again / "summary.csv"))
    assert load_scenario(out / "scenario.resolved.toml") == load_scenario(files["scheme"])


def test_compare_writes_paired_tables(files, tmp_path) -> None:
    out = tmp_path / "cmp"
    done = minsheng("compare", str(files["base"]), str(files["scheme"]), "-n", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "common random numbers" in done.stdout
    table = pd.read_csv(out / "comparison.csv")
    table = table[table["grouping"] == "whole_run"].set_index("metric")
    assert table.loc["incidents", "difference"] == 0
    assert table.loc["reported", "difference"] > 0
    for name in ("baseline/summary.csv", "scenario/events.parquet", "comparison.xlsx", "plots/forest.png",
                 "report.html"):
        assert (out / name).exists(), name


def test_set_overrides_a_parameter(files) -> None:
    done = minsheng("run", str(files["scheme"]), "-n", "2", "--set", "insurance.budget_yuan=0")
    assert done.returncode == 0, done.stderr
    payout = [line for line in done.stdout.splitlines() if "Payout" in line]
    assert payout and " 0 " in payout[0]  # yuan without decimals


@pytest.mark.parametrize(("args", "message"), [
    (["run", "missing.toml"], "missing.toml: file not found"),
    (["run", "{scheme}", "--set", "insurance.budget_yuan=-1"], "override: insurance.budget_yuan"),
    (["run", "{scheme}", "--set", "nonsense"], "not of the form key=value"),
    (["run", "{scheme}", "-n", "0"], "replications"),
    (["run", "{scheme}", "--bogus"], "No such option"),
    (["compare", "{scheme}", "{scheme}", "--yoy", "week", "--lang", "zh"], "请使用 quarter、month 或 year"),
    (["compare", "{scheme}", "{scheme}", "{scheme}", "--lang", "zh"], "两个情景同名 'scheme'"),
])
def test_bad_input_is_one_clear_line_and_exit_2(files, args, message) -> None:
    done = minsheng(*(a.format(scheme=files["scheme"]) for a in args))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_output_folder_is_never_overwritten_without_force(files, tmp_path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("planner's notes")
    done = minsheng("run", str(files["scheme"]), "-n", "2", "--out", str(out))
    assert done.returncode == 2 and "--force" in done.stderr
    assert (out / "keep.txt").read_text() == "planner's notes"
    done = minsheng("run", str(files["scheme"]), "-n", "2", "--out", str(out), "--force")
    assert done.returncode == 0, done.stderr
    assert not (out / "keep.txt").exists() and (out / "summary.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_validate_reports_every_problem(files, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{files["base"].as_posix()}"\nname = "bad"\n[insurance]\nbudget_yuan = -1\n'
                   'awareness_share = 2\n')
    done = minsheng("validate", str(bad))
    assert done.returncode == 2 and "extends" in done.stderr and "--allow-outside" in done.stderr
    done = minsheng("validate", str(files["scheme"]), str(bad), "--allow-outside")
    assert done.returncode == 2
    assert f"ok: {files['scheme']}" in done.stdout
    assert "insurance.budget_yuan" in done.stderr and "insurance.awareness_share" in done.stderr


def test_schema_is_json_schema() -> None:
    import json

    done = minsheng("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert "insurance" in schema["properties"]


def test_a_folder_another_run_is_writing_is_refused_before_any_work(files, tmp_path) -> None:
    from minsheng_insure.report.output import _Lock

    out = tmp_path / "busy"
    lock = _Lock(out)
    assert lock.acquire()  # as a concurrent run holds it, from its check to its rename
    try:
        done = minsheng("run", str(files["scheme"]), "-n", "1", "--out", str(out))
    finally:
        lock.release()
    assert done.returncode == 2 and "another minsheng run is writing there" in done.stderr
    assert not out.exists()
    done = minsheng("run", str(files["scheme"]), "-n", "1", "--out", str(out), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no lock or staging left behind


def test_compare_refuses_a_different_county(files, tmp_path) -> None:
    bigger = tmp_path / "bigger.toml"
    bigger.write_text(files["scheme"].read_text().replace('name = "scheme"', 'name = "bigger"\n[county]\n'
                                                                              'households = 900'))
    (tmp_path / "base.toml").write_text(files["base"].read_text())
    done = minsheng("compare", str(tmp_path / "base.toml"), str(bigger), "-n", "1")
    assert done.returncode == 2 and "county.households: differs" in done.stderr


def test_an_unexpected_error_prints_its_notes_too(monkeypatch, capsys) -> None:
    """A save that failed on its thread while a later step failed is a note on that step's error: the
    user must see both, not only the first."""
    def broken() -> None:
        error = RuntimeError("tables broke")
        error.add_note("saving a result failed too: OSError: disk full")
        raise error

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.setattr(sys, "argv", ["minsheng", "run", "x.toml"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "tables broke" in err and "saving a result failed too: OSError: disk full" in err
