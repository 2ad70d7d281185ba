"""Awareness of the scheme (知晓率): the share of households that know they are covered.

Without a ramp every household reaches the ceiling (``insurance.awareness_share``) on the day the
scheme starts. With one, awareness grows logistically from an initial share towards the ceiling,
reaching half of it ``half_time_days`` after the start, faster during publicity windows. A
household knows once awareness passes its own fixed threshold, so the aware set only grows.
"""

from __future__ import annotations

import math

from pydantic import Field, model_validator
from scipy.special import expit, logit

from minsheng_insure.model.params import Params, Positive, Probability


class AwarenessParams(Params):
    """The awareness ramp (scenario key ``awareness``); no ``half_time_days`` means no ramp."""

    half_time_days: Positive | None = Field(
        None, description="Days after the scheme starts until half the ceiling knows; none: everyone at once."
    )
    initial_share: Probability = Field(0.05, description="Share aware on the scheme's first day (as a share).")
    publicity_windows_days: list[tuple[float, float]] = Field(
        default_factory=list, description="[start, end) day windows of publicity campaigns (宣传)."
    )
    publicity_speedup: Positive = Field(2.0, description="How many times faster awareness grows during publicity.")

    @model_validator(mode="after")
    def _windows_ordered(self) -> AwarenessParams:
        for start, end in self.publicity_windows_days:
            if end <= start:
                raise ValueError(f"publicity window [{start}, {end}) must end after it starts")
        return self


def awareness_at_start(params: AwarenessParams, ceiling: float) -> float:
    """Awareness on the scheme's first day."""
    return ceiling if params.half_time_days is None else min(params.initial_share, ceiling)


def grow_awareness(params: AwarenessParams, ceiling: float, current: float, start: float, end: float) -> float:
    """Awareness at ``end`` given ``current`` at ``start`` (days), following the logistic ramp."""
    if params.half_time_days is None:
        return ceiling
    initial = min(params.initial_share, ceiling)
    if not 0.0 < initial < ceiling / 2 or not 0.0 < current < ceiling:
        # A logistic curve never leaves zero nor passes its ceiling; from above half the ceiling a
        # half-time has no meaning (the scenario check refuses it), so awareness just holds.
        return current
    # a' = r a (1 - a / ceiling), with r set so that a reaches ceiling / 2 at the half-time.
    rate = math.log(ceiling / initial - 1.0) / params.half_time_days
    boosted = sum(max(0.0, min(end, w_end) - max(start, w_start)) for w_start, w_end in params.publicity_windows_days)
    effective_days = (end - start) + (params.publicity_speedup - 1.0) * boosted
    # The logistic curve in log-odds of the ceiling share: a straight line, stable for tiny shares.
    return ceiling * float(expit(logit(current / ceiling) + rate * effective_days))
