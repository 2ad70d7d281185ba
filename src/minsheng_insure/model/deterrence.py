"""Deterrence: offenders respond to the chance of being caught.

Each month every crime type's incident rate is scaled by ``(p / p_ref) ** -elasticity``, where
``p`` is the type's cleared-per-incident share over the last few months and ``p_ref`` its
reference; the scale is bounded so that a month with no clearances cannot explode the rate.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from minsheng_insure.model.params import NonNegative, Params, Positive


class DeterrenceParams(Params):
    """Deterrence (scenario key ``deterrence``); elasticity 0 leaves incident rates unchanged."""

    elasticity: NonNegative = Field(0.0, description="Rate elasticity to the clearance probability (0: none).")
    reference_cleared_per_incident: Positive = Field(
        0.1, description="Cleared-per-incident share at which the rate is its base rate."
    )
    window_months: int = Field(3, ge=1, description="Months of history the perceived clearance chance uses.")
    min_scale: Positive = Field(0.25, description="Lowest rate multiplier.")
    max_scale: Positive = Field(4.0, description="Highest rate multiplier.")


def deterrence_scale(params: DeterrenceParams, cleared_per_incident: np.ndarray) -> np.ndarray:
    """Rate multiplier per crime type; non-increasing in the cleared-per-incident share."""
    if params.elasticity == 0:
        return np.ones_like(cleared_per_incident, dtype=float)
    ratio = np.maximum(cleared_per_incident, 1e-12) / params.reference_cleared_per_incident
    return np.clip(ratio ** -params.elasticity, params.min_scale, params.max_scale)
