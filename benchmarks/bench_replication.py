"""County-years per second: this tree's engines, and optionally an earlier revision, side by side.

Each engine (and the revision) runs in a process of its own (so peak memory is its own), started
once, warmed up with one replication, then asked for blocks of ``--block`` replications in turn:
replications 1-5 on every engine, then 6-10 on every engine, and so on (``--repeat`` blocks), the
revision right after this tree's fast engine and the order reversed every other block, so neither
always goes first. Each block is timed as a whole, its replications back to back as a run of many
replications has them.
Prints seconds per county-year, peak memory and the ratios; asserts nothing.

Interleaved and paired, because the development machine is shared: its neighbours' load comes and
goes over seconds to minutes and has slowed the same code by 2x, so engines timed one after the
other (a minute apart) compare the neighbours as much as the code. Timed in turn, each block of the
revision sits next to the same block on this tree, under the same load; the ratio is the median
over blocks of those paired ratios. The medians and the fastest block of each engine are printed too.

    python benchmarks/bench_replication.py [--scenario benchmarks/shenqiu_one_year.toml] [--repeat 20]
        [--block 5]
        [--against REV]    # also time git revision REV (checked out in a temporary worktree)
        [--also SCENARIO]  # also time another scenario on this tree's fast engine (repeatable)

The scenario path is read relative to each tree's root, so an earlier revision runs its own copy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from _trees import env_for, source_trees

# Runs inside each measured process; it must work on this tree and on revisions before the engine
# seam (which had ``engine.replication.run_replication`` instead of engines). It reads a first
# replication and a count per line and answers with the seconds those replications took; an empty
# line ends it, with the process's peak memory.
CHILD = r"""
import json, resource, sys, time
from minsheng_insure import load_scenario
path, engine_name = sys.argv[1], sys.argv[2]
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
print(json.dumps({"years": scenario.simulation.horizon_days / 365}), flush=True)
for line in sys.stdin:
    if not line.strip():
        break
    first, count = map(int, line.split())
    start = time.perf_counter()
    for replication in range(first, first + count):
        run(scenario, 1, replication)
    print(time.perf_counter() - start, flush=True)
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
"""


class Engine:
    """One measured process: a tree's engine on a scenario, answering one replication at a time."""

    def __init__(self, src: Path, scenario: str, engine: str) -> None:
        root = src.parent
        self.process = subprocess.Popen([sys.executable, "-c", CHILD, str(root / scenario), engine], cwd=root,
                                        env=env_for(src), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.years = json.loads(self._line())["years"]
        self.seconds: list[float] = []
        """Seconds per county-year of each block, in order."""

    def _line(self) -> str:
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"the measured process stopped (exit {self.process.wait()}); see its error above")
        return line

    def replicate(self, first: int, count: int) -> None:
        """Time replications ``first`` to ``first + count - 1``, back to back."""
        self.process.stdin.write(f"{first} {count}\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        self.seconds.append(float(self._line()) / self.years / count)

    def close(self) -> float:
        """Stop the process; its peak memory, MB."""
        self.process.stdin.write("\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        peak = json.loads(self._line())["peak_mb"]
        self.process.wait()
        return peak


def paired_ratio(slower: list[float], faster: list[float]) -> float:
    """The median over blocks of ``slower / faster``, each pair timed next to each other."""
    return statistics.median(s / f for s, f in zip(slower, faster, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="benchmarks/shenqiu_one_year.toml", help="Relative to the tree root.")
    parser.add_argument("--repeat", type=int, default=20, help="Blocks timed on every engine, in turn.")
    parser.add_argument("--block", type=int, default=5, help="Replications in a block, run back to back.")
    parser.add_argument("--against", metavar="REV", help="An earlier git revision to time in the same run.")
    parser.add_argument("--also", metavar="SCENARIO", action="append", default=[],
                        help="Another scenario (relative to the tree root) to time on the fast engine.")
    args = parser.parse_args()

    with source_trees(args.against) as trees:
        this = trees["this tree"]
        plan = {"this tree, fast engine": (this, args.scenario, "fast")}
        if args.against:
            plan[f"revision {args.against}"] = (trees[f"against {args.against}"], args.scenario, "fast")
        plan["this tree, simpy engine"] = (this, args.scenario, "simpy")
        plan.update({f"fast engine, {other}": (this, other, "fast") for other in args.also})
        engines: dict[str, Engine] = {}
        try:
            for name, how in plan.items():
                engines[name] = Engine(*how)
            for block in range(args.repeat):
                for engine in (list(engines.values()) if block % 2 == 0 else list(engines.values())[::-1]):
                    engine.replicate(1 + block * args.block, args.block)
            peaks = {name: engine.close() for name, engine in engines.items()}
        finally:
            for engine in engines.values():
                engine.process.kill()  # a no-op for those closed; the others must not outlive a failure

    fast = engines["this tree, fast engine"].seconds
    print(f"scenario: {args.scenario}; {args.repeat} blocks of {args.block} replications on every engine, timed in "
          "turn; seconds per county-year: median block (fastest); ratios: median of the paired ratios")
    for name, engine in engines.items():
        print(f"  {name:32s} {statistics.median(engine.seconds):.4f} s ({min(engine.seconds):.4f}), peak "
              f"{peaks[name]:.0f} MB, fast engine {paired_ratio(engine.seconds, fast):.2f}x faster")
    if args.against:
        old = engines[f"revision {args.against}"].seconds
        ratios = [o / f for o, f in zip(old, fast, strict=True)]
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
        medians = statistics.median(old) / statistics.median(fast)
        print(f"ratio revision/fast: {paired_ratio(old, fast):.2f}x (target at least 5x; paired ratios' quartiles "
              f"{quartiles[0]:.2f}x-{quartiles[2]:.2f}x; of the medians {medians:.2f}x); peak memory "
              f"{peaks['this tree, fast engine']:.0f} MB against {peaks[f'revision {args.against}']:.0f} MB "
              "(target: no higher)")


if __name__ == "__main__":
    main()
