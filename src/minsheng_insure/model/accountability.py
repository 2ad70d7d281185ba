"""Accountability (倒查追究): the county presses the police when the clearance rate sags.

Monthly, if the recent clearance rate (cleared / registered) is below target, investigator
capacity rises by a gain up to a cap, and registration pressure may be applied; when it is back
above target, capacity falls back towards its base by the same gain.
"""

from __future__ import annotations

from pydantic import Field

from minsheng_insure.model.params import NonNegative, Params, Probability


class AccountabilityParams(Params):
    """The accountability controller (scenario key ``accountability``); off unless ``enabled``."""

    enabled: bool = Field(False, description="Whether the controller acts.")
    start_day: NonNegative = Field(0.0, description="Day the county starts holding police to the target.")
    target_clearance_rate: Probability = Field(0.3, description="Clearance rate (破案率) the county asks for.")
    gain_investigators: NonNegative = Field(2.0, description="Investigators added (or removed) per monthly review.")
    max_extra_investigators: NonNegative = Field(20.0, description="Most investigators added above the base.")
    window_months: int = Field(3, ge=1, description="Months of history the review looks at.")
    registration_pressure: Probability = Field(
        0.0, description="While below target, share of the unregistered gap closed (more cases registered)."
    )


def review_capacity(params: AccountabilityParams, extra: float, clearance_rate: float, day: float = 0.0) -> float:
    """Extra investigators after the monthly review on ``day`` (NaN rate: nothing to review, no change)."""
    if not params.enabled or day < params.start_day or clearance_rate != clearance_rate:
        return extra
    if clearance_rate < params.target_clearance_rate:
        return min(extra + params.gain_investigators, params.max_extra_investigators)
    return max(extra - params.gain_investigators, 0.0)


def under_pressure(params: AccountabilityParams, clearance_rate: float, day: float = 0.0) -> bool:
    """Whether registration pressure applies in the month starting on ``day``."""
    return (params.enabled and day >= params.start_day and clearance_rate == clearance_rate
            and clearance_rate < params.target_clearance_rate)
