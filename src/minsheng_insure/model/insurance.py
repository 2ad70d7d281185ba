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
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from minsheng_insure.model.calendar import DAYS_PER_YEAR
from minsheng_insure.model.codebook import (
    BELOW_DEDUCTIBLE,
    BUDGET_EXHAUSTED,
    FRAUD_DETECTED,
    HOUSEHOLD_LIMIT,
    LATE_REPORT,
    NO_ASSET,
    NOT_REGISTERED,
)
from minsheng_insure.model.distributions import Distribution, Fixed
from minsheng_insure.model.params import NonNegative, Params, Probability


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
        None, description="Budgets of policy years 0, 1, 2...; the last holds for later years. Replaces budget_yuan."
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


def _running_total(start: float, values: np.ndarray) -> np.ndarray:
    """``start`` followed by the running sums of ``values``, added one after another (never pairwise)."""
    return np.cumsum(np.concatenate([[start], values]))


@dataclass
class _YearAccount:
    """One policy year of one fund: what it owes and pays."""

    fund_yuan: float
    owed_yuan: float = 0.0
    """Running total of what the claims decided so far were owed (approved), yuan."""
    paid_yuan: float = 0.0
    claims: int = 0
    paid_claims: int = 0
    refused: int = 0
    exhausted_day: float = float("nan")

    def figures(self) -> dict[str, float]:
        """The year's figures under their ``codebook.FUNDS_COLUMNS`` names."""
        return {"fund_yuan": self.fund_yuan, "claims_decided": self.claims, "approved_yuan": self.owed_yuan,
                "paid_yuan": self.paid_yuan, "claims_paid": self.paid_claims, "claims_refused": self.refused,
                "exhausted_day": self.exhausted_day}


class FundLedger:
    """The rules of a claims desk without its clock: decides claims against each policy year's fund.

    ``fund(year)`` is what policy year ``year`` can pay (yuan), ``year_end(year)`` the day it ends;
    ``household_limit`` the most one household draws per asset class and policy year (yuan, by
    asset code). ``decide`` takes claims in the order their decision days fall; it gives the same
    figures whether called once per claim or once for many (the running totals are accumulated
    one claim after another either way), which is what lets two engines agree to the last bit.
    """

    def __init__(self, rule: str, fund: Callable[[int], float], year_end: Callable[[int], float],
                 household_limit: np.ndarray) -> None:
        self.rule = rule
        self._fund = fund
        self._year_end = year_end
        self._household_limit = household_limit
        self._limited = bool(np.isfinite(household_limit).any())
        self._asked: dict[int, float] = {}
        """What each (household, asset class, policy year) has claimed so far, yuan."""
        self.years: dict[int, _YearAccount] = {}
        self._decided: list[tuple[np.ndarray, ...]] = []
        """Per decided chunk: case, decision day, approved, paid, paid day, denial."""
        self._pro_rata: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = defaultdict(list)

    def account(self, year: int) -> _YearAccount:
        """Policy year ``year``'s account (opened, empty, when no claim has reached it yet)."""
        if year not in self.years:
            self.years[year] = _YearAccount(fund_yuan=self._fund(year))
        return self.years[year]

    def decide(self, case: np.ndarray, day: np.ndarray, year: np.ndarray, household: np.ndarray,
               asset: np.ndarray, amount: np.ndarray) -> np.ndarray:
        """Decide claims (in decision order) on ``day``; returns the cases paid something now."""
        payable = self._within_household_limit(year, household, asset, amount)
        denial = np.where(payable > 0, 0, HOUSEHOLD_LIMIT).astype(np.int8)
        paid = np.zeros(case.size)
        for y in np.unique(year[payable > 0]).tolist():
            in_year = (year == y) & (payable > 0)
            account = self.account(y)
            owed_before = _running_total(account.owed_yuan, payable[in_year])
            account.owed_yuan = float(owed_before[-1])
            account.claims += int(in_year.sum())
            reached = np.flatnonzero(owed_before[1:] >= account.fund_yuan * (1 - 1e-12))
            if reached.size and np.isnan(account.exhausted_day):
                account.exhausted_day = float(day[in_year][reached[0]])
            if self.rule == "pro_rata":
                self._pro_rata[y].append((case[in_year], day[in_year], payable[in_year]))
                continue
            paid[in_year] = np.minimum(payable[in_year], np.maximum(account.fund_yuan - owed_before[:-1], 0.0))
            account.paid_yuan = float(_running_total(account.paid_yuan, paid[in_year])[-1])
            account.paid_claims += int((paid[in_year] > 0).sum())
            account.refused += int((paid[in_year] <= 0).sum())
        approved = payable > 0
        if self.rule != "pro_rata":
            denial[approved & (paid <= 0)] = BUDGET_EXHAUSTED
        keep = ~approved | (self.rule != "pro_rata")
        self._decided.append((case[keep], day[keep], payable[keep], paid[keep],
                              np.where(paid[keep] > 0, day[keep], np.nan), denial[keep]))
        return case[paid > 0]

    def _within_household_limit(self, year: np.ndarray, household: np.ndarray, asset: np.ndarray,
                                amount: np.ndarray) -> np.ndarray:
        """What each claim may draw under its household's annual limit for the asset class (0: used up).

        A household's draw on a (asset class, policy year) is min(limit, what its claims asked so
        far), so each claim may draw the limit less that (never below zero). Most claims are a
        household's first on its key and are decided at once; the rest go one by one, in order.
        """
        limit = self._household_limit[asset]
        if not self._limited:
            return amount.copy()
        key = (household * 64 + asset) * 4096 + (year + 1)  # one int per (household, asset, policy year)
        _, first = np.unique(key, return_index=True)
        fresh = np.zeros(key.size, dtype=bool)
        fresh[first] = True
        asked = self._asked
        fresh &= np.array([k not in asked for k in key.tolist()], dtype=bool)
        payable = np.minimum(amount, limit)
        asked.update(zip(key[fresh].tolist(), amount[fresh].tolist(), strict=True))
        for i in np.flatnonzero(~fresh).tolist():
            k = int(key[i])
            before = asked[k]
            payable[i] = max(min(float(amount[i]), float(limit[i]) - min(before, float(limit[i]))), 0.0)
            asked[k] = before + float(amount[i])
        return payable

    def settle(self) -> None:
        """Pay each policy year's pro-rata claims once all of them are decided (no-op for other rules)."""
        for y, chunks in self._pro_rata.items():
            case, day, owed = (np.concatenate(part) for part in zip(*chunks, strict=True))
            account = self.years[y]
            share = min(1.0, account.fund_yuan / account.owed_yuan)
            paid = owed * share
            pay_day = max(self._year_end(y), float(day.max()))
            account.paid_yuan = float(_running_total(0.0, paid)[-1])
            account.paid_claims = int((paid > 0).sum())
            account.refused = int((paid <= 0).sum())
            self._decided.append((case, day, owed, paid, np.where(paid > 0, pay_day, np.nan),
                                  np.where(paid > 0, 0, BUDGET_EXHAUSTED).astype(np.int8)))
        self._pro_rata.clear()

    def claim_columns(self, cases: int) -> dict[str, np.ndarray]:
        """Per case id ``0 .. cases-1``: decision day, approved, paid, paid day and denial (for claims decided)."""
        out = {"claim_day": np.full(cases, np.nan), "approved_yuan": np.zeros(cases), "paid_yuan": np.zeros(cases),
               "paid_day": np.full(cases, np.nan), "denial_reason": np.zeros(cases, dtype=np.int8)}
        for case, day, approved, paid, paid_day, denial in self._decided:
            out["claim_day"][case] = day
            out["approved_yuan"][case] = approved
            out["paid_yuan"][case] = paid
            out["paid_day"][case] = paid_day
            out["denial_reason"][case] = denial
        return out
