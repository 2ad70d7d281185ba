"""Belief that the scheme pays (理赔信心): what victims learn from their neighbours' claims.

A victim weighs a report by what a claim would bring: the belief that the scheme pays times the
share of the loss the cover pays (``model.reporting``). The belief is learned, per village, from
claims paid and refused (fund empty, household limit used up, denied at screening) among the
village's own residents, the rest of its township and the rest of the county, each weighted by how
near the news is. Old news fades with a half-life, and a month's outcomes are heard only after a
lag. The belief starts, when the scheme starts, from what its launch promised::

    belief = (prior_claims * initial + heard_paid) / (prior_claims + heard_paid + heard_refused)

No source gives these magnitudes (CALIBRATION.md: no published elasticity of reporting to payout
probability); each scenario marks them ``assumption:`` with the range it considered.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from pydantic import Field

from minsheng_insure.model.params import NonNegative, Params, Positive, Probability


class BeliefParams(Params):
    """How victims learn whether the scheme pays (scenario key ``belief``); read only when
    ``reporting.benefit_response`` is on."""

    initial: Probability = Field(0.9, description="Belief that a valid claim is paid, when the scheme starts.")
    prior_claims: NonNegative = Field(
        20.0, description="Weight of the initial belief, in claims heard of (larger: slower to learn)."
    )
    memory_half_life_days: Positive = Field(180.0, description="Days for half of what was heard to fade.")
    lag_months: int = Field(1, ge=1, le=24, description="Months before a month's payouts and refusals are heard.")
    township_weight: Probability = Field(
        0.2, description="Weight of a claim elsewhere in the township, against one in the village (1)."
    )
    county_weight: Probability = Field(
        0.01, description="Weight of a claim elsewhere in the county, against one in the village (1)."
    )


class PaymentBelief:
    """Each village's belief that the scheme pays, moved month by month by what it hears."""

    def __init__(self, params: BeliefParams, village_township: np.ndarray) -> None:
        self.params = params
        self.village_township = village_township
        villages = village_township.size
        self.heard_paid = np.zeros(villages)
        self.heard_refused = np.zeros(villages)
        self._unheard: deque[tuple[np.ndarray, np.ndarray]] = deque()
        self._belief: np.ndarray | None = None
        """``belief()`` until the next month is folded in (the month's incidents and its review both ask)."""

    def belief(self) -> np.ndarray:
        """Per village, the belief that a valid claim is paid, in [0, 1] (read-only: shared until the next month)."""
        if self._belief is None:
            p = self.params
            self._belief = ((p.prior_claims * p.initial + self.heard_paid)
                            / np.maximum(p.prior_claims + self.heard_paid + self.heard_refused, 1e-300))
            self._belief.flags.writeable = False
        return self._belief

    def close_month(self, days: float, paid: np.ndarray, refused: np.ndarray) -> None:
        """Fold in a month (``days`` long) with these counts of paid and refused claims per village."""
        p = self.params
        self._belief = None
        self._unheard.append((np.asarray(paid, dtype=float), np.asarray(refused, dtype=float)))
        fade = 0.5 ** (days / p.memory_half_life_days)
        self.heard_paid *= fade
        self.heard_refused *= fade
        if len(self._unheard) >= p.lag_months:
            paid, refused = self._unheard.popleft()
            self.heard_paid += self._spread(paid)
            self.heard_refused += self._spread(refused)

    def _spread(self, counts: np.ndarray) -> np.ndarray:
        """What each village hears of claims counted by village: its own in full, the rest weighted."""
        p = self.params
        township_total = np.bincount(self.village_township, weights=counts)[self.village_township]
        return (counts * (1 - p.township_weight) + township_total * (p.township_weight - p.county_weight)
                + counts.sum() * p.county_weight)
