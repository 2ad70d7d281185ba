"""Stage 4, registration (立案): whether police file a reported case.

Registration is discretionary (不破不立: cases unlikely to be solved go unfiled). A claim that
needs a registration certificate gives the insured victim a reason to press for one, modelled as
closing a share of the gap to certain registration. A target on the clearance rate works the
other way, on hard cases only (``model.accountability.gamed_registration``).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from minsheng_insure.model.params import Params, Probability


class RegistrationParams(Params):
    """Registration probabilities (scenario key ``registration``)."""

    probability: dict[str, Probability] = Field(description="Probability a reported case is registered, by type.")
    insured_claimant_boost: Probability = Field(
        0.0,
        description="Share of the unregistered gap (1 - probability) closed for insured victims who know it.",
    )


def registration_probability(
    params: RegistrationParams, probability: np.ndarray, insured_aware: np.ndarray, pressure: float = 0.0
) -> np.ndarray:
    """Per-incident registration probability; ``probability`` is already looked up per incident.

    ``pressure`` (from accountability, 倒查追究) closes a further share of the remaining gap.
    """
    claimant = probability + params.insured_claimant_boost * insured_aware * (1.0 - probability)
    return claimant + pressure * (1.0 - claimant)


def draw_registrations(reported: np.ndarray, probability: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which reported cases are registered (one uniform per incident, for common random numbers)."""
    return reported & (rng.random(reported.size) < probability)
