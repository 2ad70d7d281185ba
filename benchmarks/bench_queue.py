"""The investigation queue alone on an M/M/c+M workload: the fast and simpy engines' queues against Ciw.

50 investigators, 1 day mean effort, 55 cases a day, exponential time-to-cold (about 10% go
cold), 200,000 cases. Prints cases per second for each and the ratios; asserts nothing.

    python benchmarks/bench_queue.py [--cases 200000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from minsheng_insure.engine.fast import FifoQueue
from minsheng_insure.engine.simpy_engine import Environment, SimpyInvestigationQueue

ARRIVALS_PER_DAY, INVESTIGATORS, EFFORT_DAYS, COLD_RATE = 55.0, 50, 1.0, 0.4


def workload(cases: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    arrival = np.cumsum(rng.exponential(1 / ARRIVALS_PER_DAY, cases))
    return arrival, rng.exponential(EFFORT_DAYS, cases), rng.exponential(1 / COLD_RATE, cases)


def fast_queue(cases: int) -> tuple[float, float]:
    """Seconds taken and share gone cold, for the fast engine's FIFO queue."""
    arrival, effort, patience = workload(cases)
    start = time.perf_counter()
    queue = FifoQueue(INVESTIGATORS, stop_day=float(arrival[-1]) + 1e6)
    queue.submit(arrival, effort, patience, arrival)
    queue.advance(float("inf"))
    _, _, cold = queue.outcomes()
    return time.perf_counter() - start, float(np.mean(~np.isnan(cold)))


def simpy_queue(cases: int) -> tuple[float, float]:
    """Seconds taken and share gone cold, for the simpy reference engine's queue."""
    arrival, effort, patience = workload(cases)
    start = time.perf_counter()
    env = Environment()
    queue = SimpyInvestigationQueue(env, INVESTIGATORS, stop_day=float(arrival[-1]) + 1e6)
    queue.submit(arrival, effort, patience, arrival)
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
    fast, fast_cold = fast_queue(args.cases)
    reference, reference_cold = simpy_queue(args.cases)
    theirs, theirs_cold = ciw_queue(args.cases)
    print(f"cases: {args.cases:,}")
    print(f"fast:  {args.cases / fast:,.0f} cases/s ({fast_cold:.1%} went cold)")
    print(f"simpy: {args.cases / reference:,.0f} cases/s ({reference_cold:.1%} went cold)")
    print(f"ciw:   {args.cases / theirs:,.0f} cases/s ({theirs_cold:.1%} reneged)")
    print(f"ratio fast/ciw: {theirs / fast:.1f}x (target at least 30x); simpy/ciw: {theirs / reference:.1f}x")


if __name__ == "__main__":
    main()
