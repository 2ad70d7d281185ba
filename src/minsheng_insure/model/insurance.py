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

A policy year is charged with the claims for losses that happened in it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

import numpy as np
import simpy
from pydantic import Field, model_validator

from minsheng_insure.model.calendar import DAYS_PER_YEAR
from minsheng_insure.model.distributions import Distribution, Fixed
from minsheng_insure.model.incidents import NO_ASSET
from minsheng_insure.model.params import NonNegative, Params, Probability
from minsheng_insure.model.scheduling import feed_in_time_order

DENIAL_REASONS = ("", "late_report", "not_registered", "below_deductible", "household_limit", "budget_exhausted")
"""Why a filed claim was paid nothing; code 0 means it was paid (or no claim was filed)."""
LATE_REPORT, NOT_REGISTERED, BELOW_DEDUCTIBLE, HOUSEHOLD_LIMIT, BUDGET_EXHAUSTED = range(1, 6)


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

    @model_validator(mode="after")
    def _insurer_needs_limit(self) -> InsuranceParams:
        if self.budget_rule == "insurer" and self.aggregate_limit_yuan is None:
            raise ValueError("the insurer rule needs aggregate_limit_yuan, the most the insurer pays a year")
        return self

    def fund_yuan(self) -> float:
        """What a policy year can pay out, yuan."""
        return self.aggregate_limit_yuan if self.budget_rule == "insurer" else self.budget_yuan

    def _first_year(self) -> int:
        return int((self.start_day - self.policy_year_start_day) // DAYS_PER_YEAR)

    def policy_year(self, day: np.ndarray) -> np.ndarray:
        """Policy year of each day, 0 for the one the scheme starts in; -1 before the scheme starts."""
        day = np.asarray(day)
        year = (day - self.policy_year_start_day) // DAYS_PER_YEAR - self._first_year()
        return np.where(day >= self.start_day, year, -1).astype(np.int64)

    def policy_year_end(self, year: int) -> float:
        """The day policy year ``year`` ends."""
        return float(self.policy_year_start_day + (year + self._first_year() + 1) * DAYS_PER_YEAR)


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
    amount: np.ndarray,
) -> np.ndarray:
    """Denial codes for claims that fail before reaching the fund (0 where the claim goes on)."""
    reason = np.zeros(filed.size, dtype=np.int8)
    reason[filed & (amount <= 0)] = BELOW_DEDUCTIBLE
    if params.registration_required:
        reason[filed & ~registered] = NOT_REGISTERED
    reason[filed & (report_delay_days > params.report_deadline_days)] = LATE_REPORT
    return reason


class ClaimsDesk:
    """Decides claims in time order on a simpy environment and pays them from each year's fund."""

    def __init__(self, env: simpy.Environment, params: InsuranceParams, household_limit: np.ndarray) -> None:
        self.env = env
        self.params = params
        self._household_limit = household_limit
        self._fund_left: dict[int, float] = defaultdict(params.fund_yuan)
        self._drawn: dict[tuple[int, int, int], float] = defaultdict(float)
        self._claims: list[tuple[int, int, int, int, float]] = []
        self._pro_rata: dict[int, list[int]] = defaultdict(list)
        self.decided_day: dict[int, float] = {}
        self.approved: dict[int, float] = {}
        self.paid: dict[int, float] = {}
        self.paid_day: dict[int, float] = {}
        self.denial: dict[int, int] = {}

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
        if self.params.budget_rule == "pro_rata":
            self._pro_rata[year].append(case)
            return
        paid = min(payable, self._fund_left[year])
        self._fund_left[year] -= paid
        self._pay(case, paid, now)

    def _pay(self, case: int, paid: float, day: float) -> None:
        self.paid[case] = paid
        self.paid_day[case] = day
        if paid <= 0:
            self.denial[case] = BUDGET_EXHAUSTED

    def settle(self) -> None:
        """Pay each policy year's pro-rata claims once all of them are decided (no-op for other rules)."""
        for year, cases in self._pro_rata.items():
            total = sum(self.approved[c] for c in cases)
            share = min(1.0, self.params.fund_yuan() / total)
            day = max(self.params.policy_year_end(year), max(self.decided_day[c] for c in cases))
            for c in cases:
                self._pay(c, self.approved[c] * share, day)
        self._pro_rata.clear()
