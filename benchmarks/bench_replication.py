"""County-years per second: this tree's engines, and optionally an earlier revision, side by side.

Each measurement runs in a fresh process (so peak memory is its own): one warm-up replication,
then ``--repeat`` replications of the scenario, timed one by one. Prints seconds per county-year,
peak memory, and the ratios; asserts nothing.

The headline is the fastest county-year over all rounds, as ``timeit`` advises: on a shared machine
the slower times measure the neighbours, whose load comes and goes within seconds (rounds of the
same code have differed by 2x); the fastest is what the code costs when it runs undisturbed. The
medians are printed beside it.

    python benchmarks/bench_replication.py [--scenario benchmarks/shenqiu_one_year.toml] [--repeat 10]
        [--against REV]    # also time git revision REV (checked out in a temporary worktree)
        [--also SCENARIO]  # also time another scenario on this tree's fast engine (repeatable)

The scenario path is read relative to each tree's root, so an earlier revision runs its own copy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the measured process; it must work on this tree and on revisions before the engine
# seam (which had ``engine.replication.run_replication`` instead of engines).
CHILD = r"""
import json, resource, sys, time
from minsheng_insure import load_scenario
path, engine_name, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    scenario = load_scenario(path, allow_outside=True)  # benchmarks/ extends scenarios/
except TypeError:  # revisions before extends was confined to the scenario's folder
    scenario = load_scenario(path)
try:
    from minsheng_insure.engine import get_engine
    run = get_engine(engine_name).run
except ImportError:
    from minsheng_insure.engine.replication import run_replication as run
run(scenario, 1, 0)
times = []
for r in range(1, repeat + 1):
    start = time.perf_counter()
    run(scenario, 1, r)
    times.append(time.perf_counter() - start)
years = scenario.simulation.horizon_days / 365
print(json.dumps({"seconds": sorted(times)[len(times) // 2] / years, "fastest": min(times) / years,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(tree: Path, scenario: str, engine: str, repeat: int) -> dict[str, float]:
    """Median seconds per county-year and peak memory (MB) of one fresh process on ``tree``'s code."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree / scenario), engine, str(repeat)], env=env,
                         cwd=tree, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="benchmarks/shenqiu_one_year.toml", help="Relative to the tree root.")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3,
                        help="Rounds in which every row is measured once, in turn; each row reports its median "
                             "round, so a machine that slows down for a while slows every row alike.")
    parser.add_argument("--against", metavar="REV", help="An earlier git revision to time in the same run.")
    parser.add_argument("--also", metavar="SCENARIO", action="append", default=[],
                        help="Another scenario (relative to the tree root) to time on the fast engine.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        plan = {f"this tree, {engine} engine": (ROOT, args.scenario, engine) for engine in ("fast", "simpy")}
        plan.update({f"fast engine, {other}": (ROOT, other, "fast") for other in args.also})
        if args.against:
            tree = Path(tmp) / "rev"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.against],
                           check=True, capture_output=True)
            plan[f"revision {args.against}"] = (tree, args.scenario, "fast")
        try:
            rounds = [{name: measure(*how, args.repeat) for name, how in plan.items()} for _ in range(args.rounds)]
        finally:
            if args.against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    rows = {name: {"fastest": min(r[name]["fastest"] for r in rounds),
                   **{key: statistics.median(r[name][key] for r in rounds) for key in ("seconds", "peak_mb")}}
            for name in plan}
    fast = rows["this tree, fast engine"]
    print(f"scenario: {args.scenario}; {args.repeat} county-years a round, {args.rounds} rounds, one fresh process "
          "per measurement; fastest county-year of all rounds (median round's median in brackets)")
    for name, row in rows.items():
        print(f"  {name:32s} {row['fastest']:.4f} s per county-year ({row['seconds']:.4f}), peak "
              f"{row['peak_mb']:.0f} MB, fast engine {row['fastest'] / fast['fastest']:.2f}x faster "
              f"({row['seconds'] / fast['seconds']:.2f}x)")
    if args.against:
        old = rows[f"revision {args.against}"]
        ratios = sorted(r[f"revision {args.against}"]["seconds"] / r["this tree, fast engine"]["seconds"]
                        for r in rounds)
        print(f"ratio revision/fast: {old['fastest'] / fast['fastest']:.2f}x (target at least 5x; of the medians "
              f"{old['seconds'] / fast['seconds']:.2f}x, by round {', '.join(f'{x:.2f}x' for x in ratios)}); peak "
              f"memory {fast['peak_mb']:.0f} MB against {old['peak_mb']:.0f} MB (target: no higher)")


if __name__ == "__main__":
    main()
