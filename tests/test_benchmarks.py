"""The benchmarks still run against the code they time (nothing else calls them), at toy sizes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def load(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))  # the benchmarks import their shared _trees helper
    try:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_queue_benchmark_runs_both_queues_on_the_same_workload() -> None:
    bench = load("bench_queue")
    _, fast_cold = bench.fast_queue(3000)
    _, simpy_cold = bench.simpy_queue(3000)
    assert 0 < fast_cold == simpy_cold < 1  # the same cases go cold in both engines' queues


def test_replication_benchmark_times_every_engine_in_turn() -> None:
    out = subprocess.run([sys.executable, str(BENCHMARKS / "bench_replication.py"), "--repeat", "2", "--block", "1"],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "this tree, fast engine" in out and "this tree, simpy engine" in out


@pytest.mark.parametrize(("slower", "faster", "ratio"), [([2.0, 9.0, 3.0], [1.0, 3.0, 1.0], 3.0)])
def test_paired_ratio_is_the_median_of_the_pairs(slower: list[float], faster: list[float], ratio: float) -> None:
    assert load("bench_replication").paired_ratio(slower, faster) == ratio
