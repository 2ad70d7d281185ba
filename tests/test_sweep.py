"""Parameter sweeps, executors, resuming, failures and sensitivity indices."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minsheng_insure import ScenarioError
from minsheng_insure.experiments.sensitivity import sensitivity
from minsheng_insure.experiments.sweep import (
    DaskExecutor,
    LocalExecutor,
    SweepSpec,
    load_sweep,
    read_sweep,
    sample_points,
    sweep,
)
from minsheng_insure.report.plots import tornado
from minsheng_insure.scenario.loading import scenario_to_toml
from processes import MARKER, live_processes

from factories import small_scenario
from toy_models import ishigami, linear

MINSHENG = str(Path(sys.executable).parent / "minsheng")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "small.toml"
    path.write_text(scenario_to_toml(small_scenario(**{"county.households": 1200})))
    return path


def grid_spec(base: Path, **extra) -> SweepSpec:
    return SweepSpec.model_validate({
        "base": base.name, "sampler": "grid", "replications": 2, "seed": 4,
        "metrics": ["reported", "cleared", "payout_yuan"],
        "parameters": {"insurance.budget_yuan": {"values": [0, 50_000]},
                       "investigation.investigators": {"values": [1, 3]}}, **extra})


def test_grid_sweep_end_to_end(base: Path) -> None:
    table = sweep(grid_spec(base), base.parent, LocalExecutor(1))
    assert list(table.columns) == ["point", "insurance.budget_yuan", "investigation.investigators", "replication",
                                   "reported", "cleared", "payout_yuan", "error"]
    assert len(table) == 8 and (table["error"] == "").all()
    by_budget = table.groupby("insurance.budget_yuan")["payout_yuan"].mean()
    assert by_budget[0] == 0 and by_budget[50_000] > 0
    # common random numbers: the budget does not change reporting here (no trust feedback)
    pivot = table.pivot_table(index=["investigation.investigators", "replication"], columns="insurance.budget_yuan",
                              values="reported")
    assert (pivot[0] == pivot[50_000]).all()


def test_results_do_not_depend_on_the_executor(base: Path) -> None:
    spec = grid_spec(base, common_random_numbers=False)
    one = sweep(spec, base.parent, LocalExecutor(1))
    two = sweep(spec, base.parent, LocalExecutor(2), chunk_size=1)
    dask = sweep(spec, base.parent, DaskExecutor("local", workers=2), chunk_size=1)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, dask)


def test_a_point_the_scenario_refuses_is_refused_before_any_work(base: Path) -> None:
    spec = SweepSpec.model_validate({**grid_spec(base).model_dump(), "parameters": {
        "insurance.budget_yuan": {"values": [-1.0, 10_000.0]}}})
    with pytest.raises(ScenarioError, match=r"parameters\.insurance\.budget_yuan: at the point .* = -1\.0"):
        sweep(spec, base.parent, LocalExecutor(1), model=None)


def failing_below_zero(values: dict, replications: int, seed: int) -> dict[str, list[float]]:
    if values["x"] < 0:
        raise RuntimeError("the model cannot take negative x")
    return {"y": [values["x"]] * replications}


def test_a_failing_point_is_recorded_and_the_others_run() -> None:
    spec = SweepSpec(parameters={"x": {"values": [-1.0, 2.0]}}, replications=2, metrics=["y"])
    table = sweep(spec, executor=LocalExecutor(1), model=failing_below_zero)
    failed = table[table["x"] == -1.0]
    assert failed["error"].str.contains("RuntimeError: the model cannot").all() and failed["y"].isna().all()
    assert (table.loc[table["x"] == 2.0, "error"] == "").all() and (table.loc[table["x"] == 2.0, "y"] == 2.0).all()


def test_small_sobol_sweep_end_to_end(base: Path, tmp_path: Path) -> None:
    spec = SweepSpec.model_validate({
        "base": base.name, "sampler": "sobol", "samples": 4, "replications": 1, "seed": 2, "metrics": ["reported"],
        "parameters": {"reporting.insured_aware_coefficient": {"low": 0, "high": 3},
                       "insurance.awareness_share": {"low": 0.2, "high": 1.0}}})
    table = sweep(spec, base.parent, LocalExecutor(2), out=tmp_path / "sobol")
    assert table["point"].nunique() == 4 * (2 + 2)
    indices = sensitivity(table, spec, "sobol")
    assert set(indices["parameter"]) == set(spec.parameters)
    assert {"S1", "S1_ci_low", "S1_ci_high", "ST", "ST_ci_low", "ST_ci_high"} <= set(indices.columns)
    assert tornado(indices, "reported", tmp_path / "plots" / "t.png").exists()


def test_sobol_indices_of_ishigami_match_the_known_values() -> None:
    spec = SweepSpec.model_validate({
        "sampler": "sobol", "samples": 2048, "replications": 1, "seed": 7, "metrics": ["y"],
        "parameters": {name: {"low": -math.pi, "high": math.pi} for name in ("x1", "x2", "x3")}})
    table = sweep(spec, executor=LocalExecutor(1), model=ishigami)
    indices = sensitivity(table, spec, "sobol").set_index("parameter")
    # Tolerance 0.05: Saltelli estimates at N = 2048 are within about 0.03 of the exact values.
    assert np.allclose(indices["S1"], [0.3139, 0.4424, 0.0], atol=0.05)
    assert np.allclose(indices["ST"], [0.5576, 0.4424, 0.2437], atol=0.05)
    # The intervals are SALib's bootstrap half-widths around the estimate: positive, narrow at this N, and
    # covering the exact values (fixed seed, so this is deterministic).
    exact_st = np.array([0.5576, 0.4424, 0.2437])
    half = (indices["ST_ci_high"] - indices["ST"]).to_numpy()
    assert np.allclose(indices["ST"] - indices["ST_ci_low"], half)
    assert ((half > 0.001) & (half < 0.1)).all()
    assert ((indices["ST_ci_low"] <= exact_st) & (exact_st <= indices["ST_ci_high"])).all()


def test_morris_recovers_a_linear_model() -> None:
    spec = SweepSpec.model_validate({
        "sampler": "morris", "samples": 20, "replications": 1, "seed": 3, "metrics": ["y"],
        "parameters": {name: {"low": 0, "high": 1} for name in ("a", "b", "c")}})
    indices = sensitivity(sweep(spec, executor=LocalExecutor(1), model=linear), spec, "morris")
    assert np.allclose(indices["mu_star"], [3.0, 1.0, 0.0], atol=1e-9)


def test_samplers_and_spec_errors(tmp_path: Path) -> None:
    ranges = {"a": {"low": 0, "high": 1}, "n": {"low": 1, "high": 9, "integer": True}}
    assert len(sample_points(SweepSpec(parameters=ranges, sampler="lhs", samples=10))) == 10
    random = sample_points(SweepSpec(parameters={**ranges, "rule": {"values": ["first_come", "pro_rata"]}},
                                     sampler="random", samples=25))
    assert set(random["rule"]) <= {"first_come", "pro_rata"} and random["n"].dtype.kind == "i"
    with pytest.raises(ValueError, match="needs ranges"):
        SweepSpec(parameters={"a": {"values": [1, 2]}}, sampler="sobol")
    bad = tmp_path / "bad.toml"
    bad.write_text('sampler = "grid"\n[parameters]\n"a" = { low = 2, high = 1 }\n')
    with pytest.raises(ScenarioError, match=r"parameters\.a"):
        load_sweep(bad)


def test_resuming_with_a_different_spec_is_refused(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    sweep(grid_spec(base), base.parent, LocalExecutor(1), out=out)
    with pytest.raises(ScenarioError, match="different sweep"):
        sweep(grid_spec(base, seed=5), base.parent, LocalExecutor(1), out=out)


def test_killed_sweep_resumes_to_the_same_table(base: Path, tmp_path: Path) -> None:
    spec = base.parent / "resume.toml"
    spec.write_text(f'base = "{base.name}"\nsampler = "lhs"\nsamples = 40\nreplications = 1\nseed = 9\n'
                    'metrics = ["reported", "payout_yuan"]\n[parameters]\n'
                    '"insurance.budget_yuan" = { low = 0, high = 100000 }\n'
                    '"simulation.horizon_days" = { low = 300, high = 700 }\n')
    killed = tmp_path / "killed"
    marker = uuid.uuid4().hex
    proc = subprocess.Popen([MINSHENG, "sweep", str(spec), "--out", str(killed), "--workers", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, MARKER: marker})
    deadline = time.time() + 120
    while time.time() < deadline and not list((killed / "results").glob("part-*.parquet")):
        time.sleep(0.1)
    assert len(live_processes(marker)) == 3  # the CLI and its two workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The workers die with their parent; how soon (against a chunk's time) is measured by
    # benchmarks/kill_resume.py, since a test does not assert on wall-clock time.
    deadline = time.time() + 60
    while live_processes(marker) and time.time() < deadline:
        time.sleep(0.05)
    assert live_processes(marker) == []
    partial = read_sweep(killed)
    assert 0 < partial["point"].nunique() < 40
    done = subprocess.run([MINSHENG, "sweep", str(spec), "--out", str(killed), "--workers", "2", "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    whole = subprocess.run([MINSHENG, "sweep", str(spec), "--out", str(tmp_path / "whole"), "--workers", "1", "-q"],
                           capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    pd.testing.assert_frame_equal(read_sweep(killed), read_sweep(tmp_path / "whole"))


def test_sensitivity_command(base: Path, tmp_path: Path) -> None:
    spec = base.parent / "sobol.toml"
    spec.write_text(f'base = "{base.name}"\nsampler = "sobol"\nsamples = 2\nreplications = 1\nseed = 1\n'
                    'metrics = ["reported"]\n[parameters]\n"insurance.awareness_share" = { low = 0.2, high = 1 }\n'
                    '"reporting.insured_aware_coefficient" = { low = 0, high = 3 }\n')
    out = tmp_path / "sobol"
    assert subprocess.run([MINSHENG, "sweep", str(spec), "--out", str(out), "-q"], timeout=300).returncode == 0
    done = subprocess.run([MINSHENG, "sensitivity", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "sensitivity.csv").exists() and (out / "plots" / "sensitivity_reported.png").exists()
    wrong = subprocess.run([MINSHENG, "sensitivity", str(out), "--method", "morris"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "sampler" in wrong.stderr
    missing = subprocess.run([MINSHENG, "sensitivity", str(tmp_path)], capture_output=True, text=True)
    assert missing.returncode == 2 and "sweep.json" in missing.stderr


def test_a_misspelt_parameter_is_refused_before_any_work(base: Path) -> None:
    spec = SweepSpec.model_validate({**grid_spec(base).model_dump(), "parameters": {
        "insurance.budjet_yuan": {"values": [1.0, 2.0]}}})
    with pytest.raises(ScenarioError, match=r"parameters\.insurance\.budjet_yuan: not a parameter"):
        sweep(spec, base.parent, LocalExecutor(1))


def test_editing_the_base_scenario_refuses_the_resume(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text(scenario_to_toml(small_scenario(**{"county.households": 600})))
    spec = grid_spec(base)
    sweep(spec, tmp_path, LocalExecutor(1), out=tmp_path / "out")
    base.write_text(scenario_to_toml(small_scenario(**{"county.households": 700})))
    with pytest.raises(ScenarioError, match="different sweep spec or base scenario"):
        sweep(spec, tmp_path, LocalExecutor(1), out=tmp_path / "out")


def test_a_damaged_sweep_json_is_rebuilt_and_the_sweep_resumes(base: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    whole = sweep(grid_spec(base), base.parent, LocalExecutor(1), out=out)
    info = out / "sweep.json"
    info.write_text(info.read_text()[:40])  # as a disk full or an editor might leave it
    with pytest.raises(ScenarioError, match=r"sweep\.json: damaged.*run minsheng sweep again"):
        read_sweep(out)
    pd.testing.assert_frame_equal(sweep(grid_spec(base), base.parent, LocalExecutor(1), out=out), whole)
    info.write_text("{")
    with pytest.raises(ScenarioError, match="different sweep"):  # points.parquet still knows which sweep it was
        sweep(grid_spec(base, seed=5), base.parent, LocalExecutor(1), out=out)


def test_workers_never_outnumber_the_tasks(monkeypatch) -> None:
    from minsheng_insure.experiments import sweep as module

    started: list[int] = []

    class Recording(module.ProcessPoolExecutor):
        def __init__(self, workers: int, **kwargs) -> None:
            started.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(module, "ProcessPoolExecutor", Recording)
    spec = SweepSpec(parameters={"a": {"values": [0.0, 1.0]}, "b": {"values": [0.0, 1.0]}, "c": {"values": [0.0]}},
                     metrics=["y"])
    table = sweep(spec, executor=LocalExecutor(40), model=linear, chunk_size=1)
    assert started == [4] and len(table) == 4 * spec.replications


def test_the_command_exits_1_with_a_count_when_points_fail(base: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from minsheng_insure import cli
    from minsheng_insure.experiments import sweep as module

    def fails_without_budget(self, values: dict, replications: int, seed: int) -> dict[str, list[float]]:
        if values["insurance.budget_yuan"] == 0:
            raise RuntimeError("simulated crash")
        return {m: [1.0] * replications for m in self.metrics}

    monkeypatch.setattr(module._ScenarioModel, "__call__", fails_without_budget)
    spec = base.parent / "crash.toml"
    spec.write_text(f'base = "{base.name}"\nsampler = "grid"\nreplications = 1\nmetrics = ["reported"]\n'
                    '[parameters]\n"insurance.budget_yuan" = { values = [0, 1000, 2000] }\n')
    monkeypatch.setattr(sys, "argv", ["minsheng", "sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1",
                                      "-q"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    assert "1 of 3 points failed" in capsys.readouterr().err
