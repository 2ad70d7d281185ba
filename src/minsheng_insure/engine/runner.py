"""Running replications, in this process or in a pool of worker processes.

Each replication depends only on (scenario, seed, replication index), so results are identical
whatever the number of workers; they are assembled in replication order.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from minsheng_insure.engine.replication import run_replication
from minsheng_insure.scenario.schema import Scenario

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all) as they finish."""


def run_replications(
    scenario: Scenario, replications: int, seed: int, workers: int = 1, progress: Progress | None = None
) -> list[dict[str, dict[str, np.ndarray]]]:
    """Outputs of replications ``0 .. replications-1`` (see ``run_replication``), in order."""
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    report = progress or (lambda done, total: None)
    if workers == 1 or replications == 1:
        columns = []
        for r in range(replications):
            columns.append(run_replication(scenario, seed, r))
            report(r + 1, replications)
        return columns
    with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
        futures = [pool.submit(run_replication, scenario, seed, r) for r in range(replications)]
        columns = []
        for done, future in enumerate(futures, start=1):
            columns.append(future.result())
            report(done, replications)
        return columns
