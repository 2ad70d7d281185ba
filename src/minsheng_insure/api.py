"""The public entry points: ``simulate`` one scenario, ``compare`` a baseline with one or several scenarios,
``ladder`` one scenario over several values of a parameter, all with common random numbers, and
``decompose`` a scheme's effect into its components (``experiments.decompose``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

from minsheng_insure.engine.base import Engine
from minsheng_insure.engine.runner import Progress, run_replications
from minsheng_insure.experiments.decompose import decompose
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.events import event_frame, funds_frame, samaritan_frame, timeline_frame
from minsheng_insure.results.ladder import Ladder
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.scenario.compatibility import check_comparable
from minsheng_insure.scenario.loading import record_overrides
from minsheng_insure.scenario.schema import Scenario

__all__ = ["compare", "decompose", "ladder", "simulate"]


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
    baseline: Scenario, scenario: Scenario | Sequence[Scenario], replications: int = 20, seed: int = 0,
    workers: int = 1, progress: Progress | bool | None = None, engine: str | Engine | None = None,
) -> Comparison | Ladder:
    """Run the baseline and the scenario (or each of a list of scenarios) with the same seed (common
    random numbers) and pair their replications: a ``Comparison`` for one scenario, a ``Ladder`` for
    a list (the baseline is simulated once).

    Raises ScenarioError if they simulate different counties, horizons or calendars. ``progress``
    as in ``simulate``.
    """
    several = not isinstance(scenario, Scenario)
    scenarios = list(scenario) if several else [scenario]  # type: ignore[arg-type]
    for other in scenarios:
        check_comparable(baseline, other, baseline.name, other.name)
    base = simulate(baseline, replications, seed, workers, progress, engine)
    results = tuple(simulate(s, replications, seed, workers, progress, engine) for s in scenarios)
    return Ladder(base, results) if several else Comparison(base, results[0])


def stderr_counter(name: str) -> Progress:
    """A progress display on one line of stderr: 'name: 3/20 replications, 12 s' (no extra library)."""
    start = time.perf_counter()

    def report(done: int, total: int) -> None:
        print(f"\r{name}: {done}/{total} replications, {time.perf_counter() - start:.0f} s",
              end="\n" if done == total else "", file=sys.stderr, flush=True)

    return report


def ladder(
    baseline: Scenario, scenario: Scenario, key: str, values: Sequence[Any], replications: int = 20, seed: int = 0,
    workers: int = 1, progress: Progress | bool | None = None, engine: str | Engine | None = None,
) -> Ladder:
    """``scenario`` with ``key`` set to each of ``values`` (e.g. ``"insurance.budget_yuan"``,
    ``[0, 75e4, 150e4, 300e4]``), each against ``baseline`` with common random numbers."""
    return compare(baseline, grid(scenario, key, values), replications, seed, workers, progress, engine)  # type: ignore[return-value]


def grid(scenario: Scenario, key: str, values: Sequence[Any]) -> list[Scenario]:
    """One validated scenario per value of ``key``, each named and sourced as an override of ``scenario``."""
    return [record_overrides(scenario.with_overrides({key: v}), scenario, {key: v}) for v in values]
