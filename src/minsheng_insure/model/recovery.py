"""Stage 6, recovery of stolen property (追赃挽损) when a case is cleared."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from minsheng_insure.model.params import Params, Probability


class RecoveryParams(Params):
    """What a cleared case returns to the victim (scenario key ``recovery``)."""

    probability: Probability = Field(0.0, description="Chance that a cleared case recovers property.")
    share_of_loss: Probability = Field(0.0, description="Share of the loss returned when property is recovered.")


def draw_recoveries(
    params: RecoveryParams, cleared: np.ndarray, loss_yuan: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Value returned to each victim, yuan (zero unless cleared)."""
    recovers = cleared & (rng.random(cleared.size) < params.probability)
    return np.where(recovers, loss_yuan * params.share_of_loss, 0.0)
