"""Random streams: one independent generator per (seed, replication, stage).

Each stage draws from its own stream, spawned from ``SeedSequence(seed)`` by a fixed key, so
two scenarios run with the same seed share common random numbers stage by stage: changing the
insurance cover changes which victims report, never which incidents happen. Stages added later
take new keys and leave the existing streams untouched.
"""

from __future__ import annotations

import numpy as np

STAGES = ("population", "incidents", "reporting", "registration", "policing", "recovery", "insurance")


def stage_rng(seed: int, replication: int, stage: str) -> np.random.Generator:
    """The generator for one stage of one replication."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, STAGES.index(stage)))
    return np.random.default_rng(sequence)


def stage_rngs(seed: int, replication: int) -> dict[str, np.random.Generator]:
    """Every stage's generator for one replication."""
    return {stage: stage_rng(seed, replication, stage) for stage in STAGES}
