"""Random streams: one independent generator per (seed, replication, stage), and the county.

Each stage draws from its own stream, spawned from ``SeedSequence(seed)`` by a fixed key, so
two scenarios run with the same seed share common random numbers stage by stage: changing the
insurance cover changes which victims report, never which incidents happen. Stages added later
take new keys and leave the existing streams untouched.

The county itself (households, their assets and values, officers, cameras, awareness thresholds)
is drawn once per seed, not per replication: it is the same county in every replication and in
every scenario that describes it the same way, and drawing 340,000 households' assets again for
each replication was half the cost of a county-year. It is kept in a small per-process cache.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from minsheng_insure.model.population import Population, PopulationParams, build_population

STAGES = ("population", "incidents", "reporting", "registration", "policing", "recovery", "insurance", "fraud",
          "samaritan", "in_act", "series")


def stage_rng(seed: int, replication: int, stage: str) -> np.random.Generator:
    """The generator for one stage of one replication."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, STAGES.index(stage)))
    return np.random.default_rng(sequence)


def crime_type_rngs(seed: int, replication: int, types: int) -> list[np.random.Generator]:
    """One incident generator per crime type, so a change to one type's rate leaves the others' incidents alone."""
    stage = STAGES.index("incidents")
    return [np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(replication, stage, t)))
            for t in range(types)]


class StageStreams(dict[str, np.random.Generator]):
    """Every stage's generator for one replication, each made when the stage first asks for it (a run
    with no fraud, no good samaritans and no series never makes theirs; each costs as much as a
    month's draws of a stage). Incidents have one per crime type (``crime_type_rngs``), the county
    one per seed."""

    def __init__(self, seed: int, replication: int) -> None:
        super().__init__()
        self.seed, self.replication = seed, replication

    def __missing__(self, stage: str) -> np.random.Generator:
        if stage not in STAGES or stage in ("incidents", "population"):
            raise KeyError(f"no stage stream {stage!r}: stages are {', '.join(STAGES[2:])} (incidents: "
                           "crime_type_rngs; the county: county_population)")
        rng = self[stage] = stage_rng(self.seed, self.replication, stage)
        return rng


def stage_rngs(seed: int, replication: int) -> StageStreams:
    """Every stage's generator for one replication (``StageStreams``)."""
    return StageStreams(seed, replication)


def county_population(seed: int, county: PopulationParams) -> Population:
    """The county drawn from ``seed`` (shared, read-only arrays: do not modify them)."""
    return _cached_population(seed, county.model_dump_json())


@lru_cache(maxsize=4)
def _cached_population(seed: int, county_json: str) -> Population:
    # A one-element spawn key cannot meet the (replication, stage) keys of the other streams.
    rng = np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(STAGES.index("population"),)))
    population = build_population(PopulationParams.model_validate_json(county_json), rng)
    for array in vars(population).values():
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
    return population
