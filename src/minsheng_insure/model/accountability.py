"""Accountability (倒查追究): the county presses the police when the clearance rate sags.

Monthly, if the recent clearance rate (cleared / registered) is below target, the police respond in
one of two ways, or both (``response``):

- ``investigators``: capacity rises by a gain up to a cap (and registration pressure may be applied);
  when the rate is back above target, capacity falls back towards its base by the same gain.
- ``gaming`` (不破不立, "not solved, not filed"): the police withhold registration from reports they
  judge hard to solve, since a case never registered cannot spoil the rate. A case is hard when its
  own chance of clearance if investigated (after cameras, an officer's leads and a prompt report) is
  below a threshold: that is what the desk officer sees when the report comes in, and it makes the
  response fall on the unfilmed, late-reported cases rather than on whole crime types. The direction
  is the Ministry's own: about 30% of cases would be cleared if filing were honest, against the 41.9%
  reported for 2003 (DESIGN.md section 2, item 4).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

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
    response: Literal["investigators", "gaming", "both"] = Field(
        "investigators",
        description="What the police do below target: add investigators, withhold hard cases from registration "
                    "(不破不立), or both.",
    )
    hard_case_clearance_below: Probability = Field(
        0.2, description="A report is hard to solve when its chance of clearance, if investigated, is below this "
                         "(probability).",
    )
    gaming_share: Probability = Field(
        0.0, description="While below target under 'gaming' or 'both': share of the registration probability "
                         "withheld from hard cases.",
    )

    @model_validator(mode="after")
    def _gaming_has_a_share(self) -> AccountabilityParams:
        if self.response != "investigators" and self.gaming_share == 0:
            raise ValueError(f"response '{self.response}' withholds hard cases from registration: "
                             "set accountability.gaming_share above 0 (a share, e.g. 0.3)")
        return self

    @property
    def adds_investigators(self) -> bool:
        return self.response in ("investigators", "both")

    @property
    def games_registration(self) -> bool:
        return self.response in ("gaming", "both")


def review_capacity(params: AccountabilityParams, extra: float, clearance_rate: float, day: float = 0.0) -> float:
    """Extra investigators after the monthly review on ``day`` (NaN rate: nothing to review, no change)."""
    if (not params.enabled or not params.adds_investigators or day < params.start_day
            or clearance_rate != clearance_rate):
        return extra
    if clearance_rate < params.target_clearance_rate:
        return min(extra + params.gain_investigators, params.max_extra_investigators)
    return max(extra - params.gain_investigators, 0.0)


def under_pressure(params: AccountabilityParams, clearance_rate: float, day: float = 0.0) -> bool:
    """Whether the month starting on ``day`` is below target (registration pressure and gaming apply)."""
    return (params.enabled and day >= params.start_day and clearance_rate == clearance_rate
            and clearance_rate < params.target_clearance_rate)


def gamed_registration(params: AccountabilityParams, probability: np.ndarray, clearance_chance: np.ndarray,
                       below_target: bool) -> np.ndarray:
    """Per-report registration probability after gaming (不破不立): while ``below_target``, hard reports
    (``clearance_chance`` under the threshold) keep ``1 - gaming_share`` of it; easy ones are untouched."""
    if not (below_target and params.games_registration):
        return probability
    hard = clearance_chance < params.hard_case_clearance_below
    return np.where(hard, probability * (1.0 - params.gaming_share), probability)
