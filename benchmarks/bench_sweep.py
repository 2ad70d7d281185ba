"""A 200-point sweep with 2 replications each, on 1 and on N workers (local processes).

Prints points per second for each and the parallel efficiency; asserts nothing. Target: at least
1.7x the one-worker rate on 2 workers.

    python benchmarks/bench_sweep.py [--workers 1 2] [--spec benchmarks/sweep_200.toml]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pandas as pd

from minsheng_insure.experiments.sweep import LocalExecutor, load_sweep, sweep

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(HERE / "sweep_200.toml"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    spec, folder = load_sweep(args.spec)
    points = spec.samples
    print(f"sweep: {points} points x {spec.replications} replications ({args.spec}); {os.cpu_count()} cores")
    rates, tables = {}, {}
    for workers in args.workers:
        start = time.perf_counter()
        # the spec's base extends ../scenarios/, a trusted file of this repository
        tables[workers] = sweep(spec, folder, LocalExecutor(workers), allow_outside=True)
        elapsed = time.perf_counter() - start
        rates[workers] = points / elapsed
        print(f"{workers:>3} workers: {rates[workers]:.2f} points/s ({elapsed:.1f} s)")
    first = args.workers[0]
    for workers in args.workers[1:]:
        speedup = rates[workers] / rates[first]
        print(f"speed-up {workers} vs {first} workers: {speedup:.2f}x, parallel efficiency "
              f"{speedup / (workers / first):.0%}")
        pd.testing.assert_frame_equal(tables[first], tables[workers])  # same numbers whatever the workers
    print("results identical across worker counts: yes")


if __name__ == "__main__":
    main()
