"""Trust in the police, per village: the feedback from outcomes to reporting.

Each month a village's trust drifts back towards its reference, rises with every cleared case
and paid claim among its residents' reported cases, and falls with every case that went cold and
every claim refused.
Trust enters the reporting model as ``coefficient * (trust - reference)`` log-odds, so at the
reference it changes nothing.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from minsheng_insure.model.params import Params, Positive, Probability


class TrustParams(Params):
    """Village trust dynamics (scenario key ``trust``); coefficient 0 leaves reporting unchanged."""

    reference: Probability = Field(0.5, description="Trust every village starts at and drifts back to.")
    coefficient: float = Field(0.0, description="Reporting log-odds per unit of trust above the reference.")
    drift_half_life_days: Positive = Field(180.0, description="Days for half of a deviation to fade.")
    clearance_gain: Probability = Field(0.0, description="Share of the distrust removed by one cleared case.")
    payout_gain: Probability = Field(0.0, description="Share of the distrust removed by one paid claim.")
    cold_case_loss: Probability = Field(0.0, description="Share of the trust lost with one case gone cold.")
    refusal_loss: Probability = Field(
        0.0, description="Share of the trust lost with one claim refused (fund empty, limit used up, denied)."
    )


def update_trust(
    params: TrustParams, trust: np.ndarray, days: float, cleared: np.ndarray, paid: np.ndarray, cold: np.ndarray,
    refused: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Trust after ``days`` given per-village counts of cleared cases, paid claims, cold cases and
    refused claims."""
    drifted = params.reference + (trust - params.reference) * 0.5 ** (days / params.drift_half_life_days)
    distrust = (1.0 - drifted) * (1.0 - params.clearance_gain) ** cleared * (1.0 - params.payout_gain) ** paid
    lost = (1.0 - params.cold_case_loss) ** cold * (1.0 - params.refusal_loss) ** refused
    return np.clip((1.0 - distrust) * lost, 0.0, 1.0)


def trust_log_odds(params: TrustParams, trust: np.ndarray) -> np.ndarray:
    """What trust adds to the reporting log-odds."""
    return params.coefficient * (trust - params.reference)
