"""Feedback (DESIGN.md section 2, item 8): what last month's outcomes do to this month's county.

Once a month the county is reviewed: the month just ended is folded into the history and into each
village's trust (cleared cases and paid claims raise it, cold cases lower it), awareness of the
scheme grows, deterrence rescales each crime type's incident rate from its recent
cleared-per-incident share, and the accountability controller (倒查追究) reads the recent clearance
rate (破案率) to add or withdraw investigators and to press registration. These are rules over a
small typed state; the engine only tells them what happened and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from minsheng_insure.model.accountability import review_capacity, under_pressure
from minsheng_insure.model.awareness import awareness_at_start, grow_awareness
from minsheng_insure.model.belief import PaymentBelief
from minsheng_insure.model.deterrence import deterrence_scale
from minsheng_insure.model.trust import update_trust
from minsheng_insure.scenario.schema import Scenario


@dataclass
class MonthCounts:
    """What happened in one month: counts per crime type and per village."""

    incidents: np.ndarray
    registered: np.ndarray
    cleared: np.ndarray
    cleared_villages: np.ndarray
    refused_villages: np.ndarray
    """Claims refused at screening (late, unregistered, caught as fraud), by village."""

    @classmethod
    def empty(cls, types: int, villages: int) -> MonthCounts:
        return cls(np.zeros(types), np.zeros(types), np.zeros(types), np.zeros(villages), np.zeros(villages))


@dataclass
class CountyState:
    """The state a month's incidents meet: awareness share, trust per village, extra investigators
    (accountability), registration pressure and each crime type's incident-rate multiplier."""

    awareness: float
    trust: np.ndarray
    extra_investigators: float = 0.0
    pressure: bool = False
    rate_scale: np.ndarray = field(default_factory=lambda: np.ones(0))


def _window_rate(numerator: list[np.ndarray], denominator: list[np.ndarray], months: int) -> np.ndarray:
    """Ratio of the sums over the last ``months`` monthly counts (NaN where nothing to divide by)."""
    # Counts: added in any order, the sums are exact.
    num, den = (sum(window[1:], window[0]) for window in (numerator[-months:], denominator[-months:]))
    return np.divide(num, den, out=np.full(den.shape, np.nan), where=den > 0)


class FeedbackController:
    """The monthly review of one replication's county."""

    def __init__(self, scenario: Scenario, village_township: np.ndarray) -> None:
        self.scenario = s = scenario
        self.types = len(s.crime_types)
        self.state = CountyState(awareness=awareness_at_start(s.awareness, s.insurance.awareness_share),
                                 trust=np.full(s.county.villages, s.trust.reference),
                                 rate_scale=np.ones(self.types))
        self.month = MonthCounts.empty(self.types, s.county.villages)
        self.belief = PaymentBelief(s.belief, village_township)
        self._incidents: list[np.ndarray] = []
        self._cleared: list[np.ndarray] = []
        self._county_cleared: list[float] = []
        self._county_registered: list[float] = []
        """Each month's cases cleared and registered in the whole county (counts: sums are exact)."""
        self.last_review = -s.simulation.warm_up_days
        self._rate_scale_columns = [f"rate_scale_{name}" for name in s.crime_types]
        """The day of the last review; the run's first day (day 0 less the warm-up) before the first."""

    def close_month(self, days: float, cleared_types: np.ndarray, cleared_villages: np.ndarray,
                    paid_villages: np.ndarray, cold_villages: np.ndarray, refused_villages: np.ndarray) -> None:
        """Fold the month just ended (``days`` long) into the history, each village's trust and its
        belief that the scheme pays.

        The arguments are the crime-type codes of the cases cleared by investigation, and the
        village of each such case, each claim paid, each case found gone cold and each claim the
        fund refused (household limit used up, fund empty), in the month.
        """
        s, month = self.scenario, self.month
        villages = s.county.villages
        month.cleared += np.bincount(cleared_types, minlength=self.types + 1)[: self.types]
        month.cleared_villages += np.bincount(cleared_villages, minlength=villages)
        refused = month.refused_villages + np.bincount(refused_villages, minlength=villages)
        paid = np.bincount(paid_villages, minlength=villages)
        self.state.trust = update_trust(s.trust, self.state.trust, days, month.cleared_villages, paid,
                                        np.bincount(cold_villages, minlength=villages), refused)
        if s.reporting.benefit_response:
            self.belief.close_month(days, paid, refused)
        self._incidents.append(month.incidents)
        self._cleared.append(month.cleared)
        self._county_cleared.append(float(month.cleared.sum()))
        self._county_registered.append(float(month.registered.sum()))
        self.month = MonthCounts.empty(self.types, villages)

    def review(self, now: float) -> None:
        """The review at the start of the month beginning on day ``now`` (after ``close_month``)."""
        s, state = self.scenario, self.state
        if now > self.last_review and now > s.insurance.start_day:
            state.awareness = grow_awareness(s.awareness, s.insurance.awareness_share, state.awareness,
                                             max(self.last_review, s.insurance.start_day), now)
        if self._incidents:
            if s.deterrence.elasticity != 0:  # else every rate stays at its base, whatever the history
                observed = _window_rate(self._cleared, self._incidents, s.deterrence.window_months)
                reference = s.deterrence.reference_cleared_per_incident
                state.rate_scale = deterrence_scale(s.deterrence, np.where(np.isnan(observed), reference, observed))
            months = s.accountability.window_months
            registered = sum(self._county_registered[-months:])
            rate = sum(self._county_cleared[-months:]) / registered if registered > 0 else np.nan
            state.extra_investigators = review_capacity(s.accountability, state.extra_investigators, rate, now)
            state.pressure = under_pressure(s.accountability, rate, now)
        self.last_review = now

    def payment_belief(self) -> np.ndarray:
        """Per village, the belief that a valid claim is paid (``model.belief``)."""
        return self.belief.belief()

    def timeline_row(self, replication: int, now: float, investigators: int) -> dict[str, float]:
        """The state the month starting on ``now`` meets, as one row of the timeline."""
        s, state, belief = self.scenario, self.state, self.payment_belief()
        return {
            "replication": replication, "day": now, "investigators": investigators,
            "awareness_share": state.awareness if now >= s.insurance.start_day else 0.0,
            # The sum over the count is what ``mean`` computes, without its checks (it costs more than the sum).
            "trust_mean": float(state.trust.sum()) / state.trust.size, "registration_pressure": float(state.pressure),
            "payment_belief_mean": float(belief.sum()) / belief.size,
            **dict(zip(self._rate_scale_columns, state.rate_scale.tolist(), strict=True)),
        }
