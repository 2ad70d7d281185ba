"""Start-up time of the command line against ``python -c "import pandas"``, measured side by side.

Each command runs in a fresh interpreter, the commands taking turns so that a busy machine slows
them alike; prints the median wall time of each and its ratio to importing pandas (target for
``minsheng --help``: at most 1.2). Asserts nothing.

    python benchmarks/bench_startup.py [--repeat 9] [--against REV_OR_FOLDER]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _trees import ROOT, env_for, source_trees

ENTRY = "import sys; from minsheng_insure.cli import main; sys.argv[0] = 'minsheng'; main()"
"""What the ``minsheng`` console script runs."""


def commands(tree: Path) -> dict[str, list[str]]:
    """The timed commands; ``validate`` reads the tree's own scenario files (their format grows)."""
    scenarios = [str(p) for p in sorted((tree / "scenarios").glob("*.toml"))]
    return {
        "python -c 'import pandas'": ["-c", "import pandas"],
        "import minsheng_insure": ["-c", "import minsheng_insure"],
        "minsheng --help": ["-c", ENTRY, "--help"],
        "minsheng validate scenarios/*.toml": ["-c", ENTRY, "validate", *scenarios],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--against", help="An earlier revision (git) or a folder holding its checkout.")
    args = parser.parse_args()
    with source_trees(args.against) as trees:
        runs = [(tree, name, argv) for tree in trees for name, argv in commands(trees[tree].parent).items()]
        times: dict[tuple[str, str], list[float]] = {(tree, name): [] for tree, name, _ in runs}
        for _ in range(args.repeat):
            for tree, name, argv in runs:
                start = time.perf_counter()
                subprocess.run([sys.executable, *argv], env=env_for(trees[tree]), cwd=ROOT, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[tree, name].append(time.perf_counter() - start)
    pandas = statistics.median(times[next(iter(trees)), "python -c 'import pandas'"])
    print(f"median of {args.repeat} runs each, fresh interpreters, {sys.executable}")
    for (tree, name), values in times.items():
        median = statistics.median(values)
        print(f"{tree:>24}  {name:<36} {median:6.3f} s  {median / pandas:5.2f} x import pandas")
    for tree in trees:
        ratio = statistics.median(times[tree, "minsheng --help"]) / pandas
        print(f"{tree}: minsheng --help / import pandas = {ratio:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
