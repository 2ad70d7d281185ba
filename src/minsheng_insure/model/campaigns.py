"""Campaigns (专项行动), e.g. the spring campaign against theft, robbery and fraud (打击盗抢骗).

A campaign is a window with extra investigators and extra deterrence (a lower incident rate)
for the crime types it targets.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from minsheng_insure.model.params import NonNegative, Params, Positive


class Campaign(Params):
    """One campaign window (an entry of the scenario's ``campaigns`` list)."""

    name: str = Field("campaign", description="Shown in the timeline.")
    start_day: NonNegative = Field(description="First day of the campaign.")
    end_day: Positive = Field(description="Day the campaign ends (exclusive).")
    extra_investigators: int = Field(0, ge=0, description="Investigators added for the window.")
    crime_types: list[str] = Field(default_factory=list, description="Targeted types; empty: all types.")
    rate_multiplier: Positive = Field(1.0, description="Incident rate multiplier for targeted types in the window.")

    @model_validator(mode="after")
    def _ordered(self) -> Campaign:
        if self.end_day <= self.start_day:
            raise ValueError(f"campaign '{self.name}' must end after it starts")
        return self


def campaign_rate_scale(campaigns: list[Campaign], type_names: tuple[str, ...], start: float,
                        end: float) -> np.ndarray:
    """Per-type incident rate multiplier over ``[start, end)``: each campaign weighted by its overlap."""
    scale = np.ones(len(type_names))
    for c in campaigns:
        overlap = max(0.0, min(end, c.end_day) - max(start, c.start_day)) / (end - start)
        if overlap > 0:
            targeted = np.array([not c.crime_types or name in c.crime_types for name in type_names])
            scale[targeted] *= 1.0 + (c.rate_multiplier - 1.0) * overlap
    return scale
