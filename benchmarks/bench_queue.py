"""The investigation queue alone on an M/M/c+M workload: this engine against Ciw.

50 investigators, 1 day mean effort, 55 cases a day, exponential time-to-cold (about 10% go
cold), 200,000 cases. Prints cases per second for each and their ratio; asserts nothing.

    python benchmarks/bench_queue.py [--cases 200000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import simpy

from minsheng_insure.model.policing import InvestigationQueue

ARRIVALS_PER_DAY, INVESTIGATORS, EFFORT_DAYS, COLD_RATE = 55.0, 50, 1.0, 0.4


def engine(cases: int, seed: int = 1) -> tuple[float, float]:
    """Seconds taken and share gone cold, for this project's queue."""
    rng = np.random.default_rng(seed)
    arrival = np.cumsum(rng.exponential(1 / ARRIVALS_PER_DAY, cases))
    effort = rng.exponential(EFFORT_DAYS, cases)
    patience = rng.exponential(1 / COLD_RATE, cases)
    start = time.perf_counter()
    env = simpy.Environment()
    queue = InvestigationQueue(env, INVESTIGATORS, horizon_days=float(arrival[-1]) + 1e6)
    queue.submit(arrival, effort, patience, "fifo", effort)
    env.run()
    _, _, cold = queue.outcomes()
    return time.perf_counter() - start, float(np.mean(~np.isnan(cold)))


def ciw_queue(cases: int, seed: int = 1) -> tuple[float, float]:
    """Seconds taken and share reneged, for Ciw on the same workload."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_DAY)],
        service_distributions=[ciw.dists.Exponential(rate=1 / EFFORT_DAYS)],
        number_of_servers=[INVESTIGATORS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=COLD_RATE)],
    )
    ciw.seed(seed)
    start = time.perf_counter()
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(cases, method="Arrive")
    elapsed = time.perf_counter() - start
    records = sim.get_all_records()
    reneged = sum(r.record_type == "renege" for r in records)
    return elapsed, reneged / max(len(records), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    args = parser.parse_args()
    ours, ours_cold = engine(args.cases)
    theirs, theirs_cold = ciw_queue(args.cases)
    print(f"cases: {args.cases:,}")
    print(f"engine: {args.cases / ours:,.0f} cases/s ({ours_cold:.1%} went cold)")
    print(f"ciw:    {args.cases / theirs:,.0f} cases/s ({theirs_cold:.1%} reneged)")
    print(f"ratio engine/ciw: {theirs / ours:.1f}x (target: at least 6x)")


if __name__ == "__main__":
    main()
