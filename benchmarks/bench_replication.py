"""One replication of one year of the Shenqiu-sized county (340,000 households, 510 villages).

Prints seconds per replication, incidents per second and peak memory; asserts nothing. The
target is under 0.5 s per replication on one core and under 500 MB peak memory.

    python benchmarks/bench_replication.py [--scenario scenarios/shenqiu_2016.toml] [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from minsheng_insure import load_scenario
from minsheng_insure.engine.replication import run_replication

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "shenqiu_2016.toml"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--horizon-days", type=float, default=365.0, help="One year by default, as the target says.")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario).with_overrides({"simulation.horizon_days": args.horizon_days})
    run_replication(scenario, 0, 0)  # warm-up: imports and first-call costs
    times, incidents = [], 0
    for r in range(args.repeat):
        start = time.perf_counter()
        outputs = run_replication(scenario, 1, r)
        times.append(time.perf_counter() - start)
        incidents += int((~outputs["events"]["false_report"]).sum())
    per_rep = sorted(times)[len(times) // 2]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scenario: {scenario.name} ({scenario.county.households:,} households, "
          f"{scenario.county.villages} villages, {scenario.simulation.horizon_days:.0f} days)")
    print(f"seconds per replication (median of {args.repeat}): {per_rep:.3f} (target < 0.5)")
    print(f"incidents per second: {incidents / sum(times):,.0f}")
    print(f"peak memory (process max RSS): {peak_mb:.0f} MB (target < 500)")


if __name__ == "__main__":
    main()
