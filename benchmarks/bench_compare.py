"""The README's flagship comparison end to end, on this tree and on an earlier revision, side by side.

Runs ``minsheng compare scenarios/baseline.toml scenarios/shenqiu_2016.toml --by year --out DIR
--force`` in a fresh interpreter per tree (the trees taking turns, each with its own scenario files,
since the scenario format grows), then the same steps in one
process with a clock between them: start-up, the simulation, and everything after it (the
printed table, the tables, workbook, saved results, plots and report). Prints the fastest of
``--repeat`` runs (medians in brackets) and the ratios (target: end to end at least 2x faster than
the revision before issue 10). Asserts nothing. The fastest, as ``timeit`` advises: on a shared
machine the neighbours' load comes and goes within seconds (the same code has differed by 2x),
and the fastest run is the one they disturbed least.

    python benchmarks/bench_compare.py --against 17cdf12 [--repeat 3] [--replications 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _trees import env_for, source_trees

BASELINE, SCENARIO = "scenarios/baseline.toml", "scenarios/shenqiu_2016.toml"

STEPS = """
import json, sys, tempfile, time
from pathlib import Path
start = time.perf_counter()
from minsheng_insure.api import compare
from minsheng_insure.cli import _print_comparison
from minsheng_insure.report.bundle import write_comparison
from minsheng_insure.scenario.loading import load_scenario
imported = time.perf_counter()
comparison = compare(load_scenario(sys.argv[1]), load_scenario(sys.argv[2]), int(sys.argv[3]), 0)
simulated = time.perf_counter()
_print_comparison(comparison, "year", "en")
write_comparison(Path(tempfile.mkdtemp(dir=sys.argv[4])), comparison, {"csv", "xlsx", "parquet"}, "en", {})
done = time.perf_counter()
print(json.dumps({"start-up": imported - start, "simulation": simulated - imported, "after the simulation":
                  done - simulated}))
"""
"""The command's steps with a clock between them (the public functions it calls, on both trees)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", help="An earlier revision (git) or a folder holding its checkout.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replications", type=int, default=20, help="20, as in the README.")
    args = parser.parse_args()
    entry = "import sys; from minsheng_insure.cli import main; sys.argv[0] = 'minsheng'; main()"
    with source_trees(args.against) as trees, tempfile.TemporaryDirectory() as scratch:
        end_to_end: dict[str, list[float]] = {tree: [] for tree in trees}
        steps: dict[str, list[dict[str, float]]] = {tree: [] for tree in trees}
        for _ in range(args.repeat):
            for tree, src in trees.items():
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", entry, "compare", BASELINE, SCENARIO, "--by", "year", "-n",
                                str(args.replications), "--out", str(Path(scratch) / "out"), "--force", "--quiet"],
                               env=env_for(src), cwd=src.parent, check=True, stdout=subprocess.DEVNULL)
                end_to_end[tree].append(time.perf_counter() - start)
            for tree, src in trees.items():
                done = subprocess.run([sys.executable, "-c", STEPS, BASELINE, SCENARIO, str(args.replications),
                                       scratch], env=env_for(src), cwd=src.parent, check=True, capture_output=True,
                                      text=True)
                steps[tree].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"flagship compare, {args.replications} replications, fastest of {args.repeat} (median), {sys.executable}")
    fastest, medians = {}, {}
    for tree in trees:
        runs = {"end to end": end_to_end[tree], **{k: [s[k] for s in steps[tree]] for k in steps[tree][0]}}
        fastest[tree] = {k: min(v) for k, v in runs.items()}
        medians[tree] = {k: statistics.median(v) for k, v in runs.items()}
        print(f"{tree:>24}  " + "  ".join(f"{k} {v:6.2f} s ({medians[tree][k]:.2f})"
                                          for k, v in fastest[tree].items()))
    if len(trees) == 2:
        (this, earlier), name = fastest.values(), list(trees)[1].removeprefix("against ")
        this_median, earlier_median = medians.values()
        for key in this:
            print(f"{key}: {earlier[key] / this[key]:.2f}x faster than {name} "
                  f"(medians {earlier_median[key] / this_median[key]:.2f}x)")
        print("target: end to end at least 2x faster")


if __name__ == "__main__":
    main()
