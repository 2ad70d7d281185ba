"""Running replications, in this process or in a pool of worker processes.

Each replication depends only on (scenario, seed, replication index), so results are identical
whatever the number of workers and whichever engine runs them; they are assembled in replication
order.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from minsheng_insure.engine import get_engine
from minsheng_insure.engine.base import Engine, ReplicationOutput
from minsheng_insure.scenario.schema import Scenario

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all) as they finish."""


def run_replications(
    scenario: Scenario, replications: int, seed: int, workers: int = 1, progress: Progress | None = None,
    engine: str | Engine | None = None,
) -> list[ReplicationOutput]:
    """Outputs of replications ``0 .. replications-1``, in order (``engine``: see ``engine.get_engine``)."""
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    runner = get_engine(engine)
    report = progress or (lambda done, total: None)
    if workers == 1 or replications == 1:
        outputs = []
        for r in range(replications):
            outputs.append(runner.run(scenario, seed, r))
            report(r + 1, replications)
        return outputs
    with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
        futures = [pool.submit(runner.run, scenario, seed, r) for r in range(replications)]
        outputs = []
        for done, future in enumerate(futures, start=1):
            outputs.append(future.result())
            report(done, replications)
        return outputs
