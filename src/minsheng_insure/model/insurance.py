"""Stage 7, the insurance scheme (民生保险): claims and payouts under a fixed annual budget.

An insured loss becomes a claim when the household knows it is covered and reports it within the
deadline (and, if the scheme requires a registration certificate 立案证明, the case is registered).
The claim is the loss less the deductible (免赔额), times one minus the co-payment share, capped
by the per-claim limit (限额); a per-household annual limit per asset class caps what one household
draws in a policy year. Claims are decided after a processing delay, in time order, against the
policy year's fund under one of three rules:

- ``first_come``: paid in full as decided until the year's budget is empty;
- ``pro_rata``: all of a year's approved claims are paid together, scaled down if they exceed it;
- ``insurer``: an insurer takes the budget as premium and pays in full up to an aggregate limit.

A policy year is charged with the claims for losses that happened in it. Each policy year has its
own budget (``budget_schedule_yuan`` for one that changes). With subrogation, property recovered
after a paid claim goes back to the fund (or the insurer) instead of the victim.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Literal

import numpy as np
import simpy
from pydantic import Field, model_validator

from minsheng_insure.model.calendar import DAYS_PER_YEAR
from minsheng_insure.model.distributions import Distribution, Fixed
from minsheng_insure.model.incidents import NO_ASSET
from minsheng_insure.model.params import NonNegative, Params, Probability
from minsheng_insure.model.scheduling import feed_in_time_order

DENIAL_REASONS = ("", "late_report", "not_registered", "below_deductible", "fraud_detected", "household_limit",
                  "budget_exhausted")
"""Why a filed claim was paid nothing; code 0 means it was paid (or no claim was filed)."""
LATE_REPORT, NOT_REGISTERED, BELOW_DEDUCTIBLE, FRAUD_DETECTED, HOUSEHOLD_LIMIT, BUDGET_EXHAUSTED = range(1, 7)


class Coverage(Params):
    """Cover for one asset class."""

    covered: bool = Field(True, description="Whether losses of this asset class are insured.")
    deductible_yuan: NonNegative = Field(0.0, description="Deductible per claim, yuan (免赔额).")
    copay_share: Probability = Field(0.0, description="Share of the loss above the deductible the household bears.")
    per_claim_limit_yuan: NonNegative | None = Field(None, description="Most paid for one claim, yuan; none: no limit.")
    per_household_annual_limit_yuan: NonNegative | None = Field(
        None, description="Most one household is paid for this asset class in a policy year, yuan; none: no limit."
    )


class InsuranceParams(Params):
    """The scheme (scenario key ``insurance``); no coverage entries means no scheme."""

    start_day: NonNegative = Field(0.0, description="Day the scheme starts to cover losses.")
    policy_year_start_day: int = Field(
        0, ge=0, lt=DAYS_PER_YEAR, description="Day of the year on which each policy year begins."
    )
    budget_yuan: NonNegative = Field(0.0, description="Fund (or premium, for the insurer rule) per policy year, yuan.")
    budget_schedule_yuan: list[NonNegative] | None = Field(
        None, min_length=1,
        description="Budgets of policy years 0, 1, 2...; the last holds for later years. Replaces budget_yuan.",
    )
    budget_rule: Literal["first_come", "pro_rata", "insurer"] = Field(
        "first_come", description="How the fixed budget pays claims."
    )
    aggregate_limit_yuan: NonNegative | None = Field(
        None, description="Insurer rule only: the most the insurer pays in a policy year, yuan."
    )
    awareness_share: Probability = Field(1.0, description="Share of households that know they are insured (知晓率).")
    report_deadline_days: NonNegative = Field(30.0, description="A claim needs a police report within this many days.")
    registration_required: bool = Field(
        False, description="Whether a claim needs the case registered (立案证明) rather than a report receipt."
    )
    processing_delay_days: Distribution = Field(Fixed(value=10.0), description="Days from report to decision.")
    coverage: dict[str, Coverage] = Field(default_factory=dict, description="Cover by asset class.")
    subrogation: bool = Field(
        False, description="Property recovered after a paid claim goes back to the fund or insurer (代位追偿)."
    )

    @model_validator(mode="after")
    def _insurer_needs_limit(self) -> InsuranceParams:
        if self.budget_rule == "insurer" and self.aggregate_limit_yuan is None:
            raise ValueError("the insurer rule needs aggregate_limit_yuan, the most the insurer pays a year")
        return self

    def budget_for_year(self, year: int) -> float:
        """The budget (or premium) of policy year ``year``, yuan."""
        if self.budget_schedule_yuan:
            return self.budget_schedule_yuan[min(year, len(self.budget_schedule_yuan) - 1)]
        return self.budget_yuan

    def fund_yuan(self, year: int = 0) -> float:
        """What policy year ``year`` can pay out, yuan: its budget, or the insurer's aggregate limit."""
        return self.aggregate_limit_yuan if self.budget_rule == "insurer" else self.budget_for_year(year)

    def policy_year(self, day: np.ndarray) -> np.ndarray:
        """Policy year of each day, 0 for the one the scheme starts in; -1 before the scheme starts."""
        return policy_year_of(day, self.start_day, self.policy_year_start_day)

    def policy_year_end(self, year: int) -> float:
        """The day policy year ``year`` ends."""
        return policy_year_end(year, self.start_day, self.policy_year_start_day)


def policy_year_of(day: np.ndarray, start_day: float, year_start_day: int) -> np.ndarray:
    """Policy year of each day for a cover starting on ``start_day``; -1 before it starts."""
    day = np.asarray(day)
    first = (start_day - year_start_day) // DAYS_PER_YEAR
    return np.where(day >= start_day, (day - year_start_day) // DAYS_PER_YEAR - first, -1).astype(np.int64)


def policy_year_end(year: int, start_day: float, year_start_day: int) -> float:
    """The day policy year ``year`` of a cover starting on ``start_day`` ends."""
    first = (start_day - year_start_day) // DAYS_PER_YEAR
    return float(year_start_day + (year + first + 1) * DAYS_PER_YEAR)


def coverage_table(params: InsuranceParams, asset_names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Coverage terms as arrays indexed by asset code (no cover and no limit where absent)."""
    terms = [params.coverage.get(name, Coverage(covered=False)) for name in asset_names]
    return {
        "covered": np.array([t.covered for t in terms], dtype=bool),
        "deductible_yuan": np.array([t.deductible_yuan for t in terms]),
        "copay_share": np.array([t.copay_share for t in terms]),
        "per_claim_limit_yuan": np.array([np.inf if t.per_claim_limit_yuan is None else t.per_claim_limit_yuan
                                          for t in terms]),
        "per_household_annual_limit_yuan": np.array(
            [np.inf if t.per_household_annual_limit_yuan is None else t.per_household_annual_limit_yuan
             for t in terms]),
    }


def insured(
    params: InsuranceParams, table: dict[str, np.ndarray], insurable_type: np.ndarray, day: np.ndarray,
    asset: np.ndarray,
) -> np.ndarray:
    """Whether each incident's loss is covered: scheme running, asset class covered, type insurable."""
    has_asset = asset != NO_ASSET
    covered = np.zeros(asset.size, dtype=bool)
    covered[has_asset] = table["covered"][asset[has_asset]]
    return covered & insurable_type & (day >= params.start_day)


def claim_amount(table: dict[str, np.ndarray], asset: np.ndarray, loss_yuan: np.ndarray) -> np.ndarray:
    """What each claim asks for, yuan: loss less deductible, less co-payment, capped per claim."""
    code = np.maximum(asset, 0)
    above = np.maximum(loss_yuan - table["deductible_yuan"][code], 0.0)
    return np.minimum(above * (1.0 - table["copay_share"][code]), table["per_claim_limit_yuan"][code])


def screen_claims(
    params: InsuranceParams, filed: np.ndarray, report_delay_days: np.ndarray, registered: np.ndarray,
    amount: np.ndarray, fraud_detected: np.ndarray | None = None,
) -> np.ndarray:
    """Denial codes for claims that fail before reaching the fund (0 where the claim goes on)."""
    reason = np.zeros(filed.size, dtype=np.int8)
    reason[filed & (amount <= 0)] = BELOW_DEDUCTIBLE
    if fraud_detected is not None:
        reason[filed & fraud_detected] = FRAUD_DETECTED
    if params.registration_required:
        reason[filed & ~registered] = NOT_REGISTERED
    reason[filed & (report_delay_days > params.report_deadline_days)] = LATE_REPORT
    return reason


class ClaimsDesk:
    """Decides claims in time order on a simpy environment and pays them from each year's fund.

    ``fund(year)`` gives what policy year ``year`` can pay, ``year_end(year)`` the day it ends;
    ``rule`` is ``first_come``, ``pro_rata`` or ``insurer`` (which pays like ``first_come`` from
    the aggregate limit).
    """

    def __init__(self, env: simpy.Environment, rule: str, fund: Callable[[int], float],
                 year_end: Callable[[int], float], household_limit: np.ndarray) -> None:
        self.env = env
        self.rule = rule
        self._fund = fund
        self._year_end = year_end
        self._household_limit = household_limit
        self._fund_left: dict[int, float] = {}
        self._drawn: dict[tuple[int, int, int], float] = defaultdict(float)
        self._claims: list[tuple[int, int, int, int, float]] = []
        self._pro_rata: dict[int, list[int]] = defaultdict(list)
        self.decided_day: dict[int, float] = {}
        self.approved: dict[int, float] = {}
        self.paid: dict[int, float] = {}
        self.paid_day: dict[int, float] = {}
        self.denial: dict[int, int] = {}
        self.paid_log: list[int] = []
        """Cases paid something, in the order they were paid (for feedback on trust)."""

    def file(
        self, case: np.ndarray, decision_day: np.ndarray, policy_year: np.ndarray, household: np.ndarray,
        asset: np.ndarray, amount: np.ndarray,
    ) -> None:
        """Claims to decide at ``decision_day`` (any order); ``case`` ids are the caller's."""
        order = np.argsort(decision_day, kind="stable")
        first = len(self._claims)
        self._claims += zip(case[order].tolist(), policy_year[order].tolist(), household[order].tolist(),
                            asset[order].tolist(), amount[order].tolist(), strict=True)
        feed_in_time_order(self.env, decision_day[order].tolist(), lambda k: self._decide(first + k))

    def _decide(self, claim: int) -> None:
        case, year, household, asset, amount = self._claims[claim]
        now = self.env.now
        self.decided_day[case] = now
        key = (household, asset, year)
        payable = min(amount, self._household_limit[asset] - self._drawn[key])
        if payable <= 0:
            self.denial[case] = HOUSEHOLD_LIMIT
            return
        self._drawn[key] += payable
        self.approved[case] = payable
        if self.rule == "pro_rata":
            self._pro_rata[year].append(case)
            return
        left = self._fund_left.setdefault(year, self._fund(year))
        paid = min(payable, left)
        self._fund_left[year] = left - paid
        self._pay(case, paid, now)

    def _pay(self, case: int, paid: float, day: float) -> None:
        self.paid[case] = paid
        self.paid_day[case] = day
        if paid <= 0:
            self.denial[case] = BUDGET_EXHAUSTED
        else:
            self.paid_log.append(case)

    def settle(self) -> None:
        """Pay each policy year's pro-rata claims once all of them are decided (no-op for other rules)."""
        for year, cases in self._pro_rata.items():
            total = sum(self.approved[c] for c in cases)
            share = min(1.0, self._fund(year) / total)
            day = max(self._year_end(year), max(self.decided_day[c] for c in cases))
            for c in cases:
                self._pay(c, self.approved[c] * share, day)
        self._pro_rata.clear()
