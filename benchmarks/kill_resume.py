"""Kill-and-resume of a sweep: SIGKILL the CLI at random moments, resume, and compare with an uninterrupted run.

    python benchmarks/kill_resume.py [--kills 10] [--workers 2] [--seed 1]

Each round starts ``minsheng sweep`` on the same --out, waits a random time (at least until the
folder exists), SIGKILLs the CLI process and then counts the processes it left alive (its worker
processes are found by a marker in their environment, see tests/processes.py). A last run finishes the sweep; its table
must equal that of a sweep run without interruption. Prints the figures and exits 1 if any differ.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

from minsheng_insure.experiments.sweep import read_sweep
from minsheng_insure.scenario.loading import scenario_to_toml

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from processes import MARKER, live_processes

from factories import small_scenario

MINSHENG = [sys.executable, "-m", "minsheng_insure.cli"]
SPEC = """base = "small.toml"
sampler = "lhs"
samples = 240
replications = 1
seed = 9
metrics = ["reported", "cleared", "payout_yuan"]

[parameters]
"insurance.budget_yuan" = { low = 0, high = 100000 }
"simulation.horizon_days" = { low = 300, high = 700 }
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="kill-resume-"))
    try:
        (folder / "small.toml").write_text(scenario_to_toml(small_scenario(**{"county.households": 1200})))
        (folder / "spec.toml").write_text(SPEC)
        command = [*MINSHENG, "sweep", str(folder / "spec.toml"), "--workers", str(args.workers), "-q"]
        start = time.perf_counter()
        whole = subprocess.run([*command, "--out", str(folder / "whole")], capture_output=True, text=True)
        uninterrupted = time.perf_counter() - start
        if whole.returncode != 0:
            print(whole.stderr)
            return 1
        killed, out, left, finished_before, gone_after = 0, folder / "killed", [], [], []
        for _ in range(args.kills):
            marker = uuid.uuid4().hex
            proc = subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env={**os.environ, MARKER: marker})
            # Start-up and the checks of every point take a few seconds; then a few chunks finish before the kill.
            time.sleep(3.0 + rng.uniform(0.05, 0.25) * uninterrupted)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
            proc.wait()
            # How long the workers outlive their parent: the kernel's parent-death signal, not their chunk.
            killed_at = time.perf_counter()
            while live_processes(marker) and time.perf_counter() - killed_at < 30:
                time.sleep(0.02)
            gone_after.append(time.perf_counter() - killed_at)
            left.append(len(live_processes(marker)))
            finished_before.append(read_sweep(out)["point"].nunique() if (out / "sweep.json").exists() else 0)
        last = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True)
        identical = last.returncode == 0 and read_sweep(out).equals(read_sweep(folder / "whole"))
        if last.returncode == 0 and not identical:
            pd.testing.assert_frame_equal(read_sweep(out), read_sweep(folder / "whole"))
        print(f"uninterrupted sweep: {uninterrupted:.1f} s, {read_sweep(folder / 'whole')['point'].nunique()} points, "
              f"{args.workers} workers")
        print(f"SIGKILLs: {killed} of {args.kills} rounds (the others finished first)")
        print(f"points finished after each kill: {finished_before}")
        print(f"live processes left after each kill: {left} (total {sum(left)})")
        chunk = uninterrupted / max(len(list((folder / "whole" / "results").glob("part-*.parquet"))), 1)
        slowest = max(gone_after)
        print(f"workers gone at most {slowest:.2f} s after the kill, against {chunk:.2f} s a chunk takes: "
              f"{slowest / chunk:.2f} of a chunk (below 1: they die with the parent, not after their chunk)")
        print(f"final table identical to the uninterrupted run: {identical}")
        return 0 if identical and sum(left) == 0 and killed > 0 else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
