"""Random streams: one independent generator per (seed, replication, stage).

Each stage draws from its own stream, spawned from ``SeedSequence(seed)`` by a fixed key, so
two scenarios run with the same seed share common random numbers stage by stage: changing the
insurance cover changes which victims report, never which incidents happen. Stages added later
take new keys and leave the existing streams untouched.
"""

from __future__ import annotations

import numpy as np

STAGES = ("population", "incidents", "reporting", "registration", "policing", "recovery", "insurance", "fraud",
          "samaritan", "in_act")


def stage_rng(seed: int, replication: int, stage: str) -> np.random.Generator:
    """The generator for one stage of one replication."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, STAGES.index(stage)))
    return np.random.default_rng(sequence)


def crime_type_rngs(seed: int, replication: int, types: int) -> list[np.random.Generator]:
    """One incident generator per crime type, so a change to one type's rate leaves the others' incidents alone."""
    stage = STAGES.index("incidents")
    return [np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(replication, stage, t)))
            for t in range(types)]


def stage_rngs(seed: int, replication: int) -> dict[str, np.random.Generator]:
    """Every stage's generator for one replication (incidents have one per crime type instead)."""
    return {stage: stage_rng(seed, replication, stage) for stage in STAGES if stage != "incidents"}
