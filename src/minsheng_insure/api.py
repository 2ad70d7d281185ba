"""The public entry points: ``simulate`` one scenario, ``compare`` two with common random numbers,
``decompose`` a scheme's effect into its components (``experiments.decompose``)."""

from __future__ import annotations

import sys
import time

from minsheng_insure.engine.base import Engine
from minsheng_insure.engine.runner import Progress, run_replications
from minsheng_insure.experiments.decompose import decompose
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.events import event_frame, funds_frame, samaritan_frame, timeline_frame
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.scenario.compatibility import check_comparable
from minsheng_insure.scenario.schema import Scenario

__all__ = ["compare", "decompose", "simulate"]


def simulate(
    scenario: Scenario, replications: int = 20, seed: int = 0, workers: int = 1,
    progress: Progress | bool | None = None, engine: str | Engine | None = None,
) -> SimulationResult:
    """Run ``replications`` independent replications of ``scenario``.

    Replication ``r`` draws from ``SeedSequence(seed, spawn_key=(r, stage))`` streams (the county
    itself from ``seed`` alone), so the same seed gives the same event log on any number of
    ``workers`` (processes) and on either ``engine`` (``"fast"``, the default, or ``"simpy"``,
    the reference). ``progress=True`` counts finished replications on stderr (in a notebook, under
    the cell); a function is called with (done, total) instead.
    """
    report = stderr_counter(scenario.name) if progress is True else progress or None
    runs = run_replications(scenario, replications, seed, workers, report, engine)
    return SimulationResult(
        scenario, seed, replications,
        events=event_frame([r.events for r in runs], scenario),
        samaritan=samaritan_frame([r.samaritan for r in runs]),
        timeline=timeline_frame([r.timeline for r in runs]),
        funds=funds_frame([r.funds for r in runs]),
    )


def compare(
    baseline: Scenario, scenario: Scenario, replications: int = 20, seed: int = 0, workers: int = 1,
    progress: Progress | bool | None = None, engine: str | Engine | None = None,
) -> Comparison:
    """Run both scenarios with the same seed (common random numbers) and pair their replications.

    Raises ScenarioError if they simulate different counties, horizons or calendars. ``progress``
    as in ``simulate``.
    """
    check_comparable(baseline, scenario)
    return Comparison(
        simulate(baseline, replications, seed, workers, progress, engine),
        simulate(scenario, replications, seed, workers, progress, engine),
    )


def stderr_counter(name: str) -> Progress:
    """A progress display on one line of stderr: 'name: 3/20 replications, 12 s' (no extra library)."""
    start = time.perf_counter()

    def report(done: int, total: int) -> None:
        print(f"\r{name}: {done}/{total} replications, {time.perf_counter() - start:.0f} s",
              end="\n" if done == total else "", file=sys.stderr, flush=True)

    return report
