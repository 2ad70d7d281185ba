"""Stage 7, the insurance scheme (民生保险): claims and payouts under a fixed annual budget.

An insured loss becomes a claim when the household knows it is covered and reports it within the
deadline (and, if the scheme requires a registration certificate 立案证明, the case is registered).
The claim is the loss less the deductible (免赔额), times one minus the co-payment share, capped
by the per-claim limit (限额); a per-household annual limit per asset class caps what one household
draws in a policy year. Claims are decided after a processing delay, in time order, against the
policy year's fund under one of three rules:

- ``first_come``: a county-run fund pays in full as decided until the year's budget is empty;
- ``pro_rata``: a county-run fund pays all of a year's approved claims together, scaled down if
  they exceed it;
- ``insurer``: the county pays the budget as a premium; the insurer pays every valid claim in full
  up to an aggregate cap (a multiple of the premium, or a sum), keeping an expense loading.

A policy year is charged with the claims for losses that happened in it, and a household's
annual limit with what it was paid. Each policy year has its own budget (``budget_schedule_yuan``
for one that changes). At each renewal the contract may re-price the next year's premium from
the year's loss ratio (incurred / premium; Ningbo's practice), tighten the limits, or stop
(``Contract``). With subrogation, property recovered after a paid claim goes back to the fund (or
the insurer) instead of the victim.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
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
    excluded_crime_types: list[str] = Field(
        default_factory=list, description="Crime types whose losses of this asset class are not covered (除外责任)."
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
        None, description="Insurer rule: the most the insurer pays in a policy year, yuan (or aggregate_cap_multiple)."
    )
    aggregate_cap_multiple: NonNegative | None = Field(
        None, description="Insurer rule: the most the insurer pays in a policy year, as a multiple of the premium."
    )
    expense_loading: Probability = Field(
        0.0, description="Insurer rule: share of the premium the insurer keeps for its expenses and profit."
    )
    renewal: Literal["none", "reprice", "tighten", "stop"] = Field(
        "none", description="At each renewal: keep the terms, re-price the premium, tighten the limits, or stop "
                            "when the year's loss ratio (incurred / premium) passes target_loss_ratio."
    )
    target_loss_ratio: NonNegative = Field(
        0.55, description="Loss ratio the renewal aims at (re-pricing, tightening) or stops above (stop)."
    )
    max_premium_change: NonNegative = Field(
        0.5, description="Re-pricing: most the premium moves at one renewal, as a share of the year's premium."
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
    def _insurer_needs_cap(self) -> InsuranceParams:
        caps = (self.aggregate_limit_yuan is not None) + (self.aggregate_cap_multiple is not None)
        if self.budget_rule == "insurer" and caps != 1:
            raise ValueError("the insurer rule needs exactly one of aggregate_limit_yuan (yuan) or "
                             "aggregate_cap_multiple (times the premium): the most the insurer pays a year")
        return self

    def budget_for_year(self, year: int) -> float:
        """The budget (or premium) of policy year ``year`` as written in the scenario, yuan."""
        if self.budget_schedule_yuan:
            return self.budget_schedule_yuan[min(year, len(self.budget_schedule_yuan) - 1)]
        return self.budget_yuan

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


def coverage_table(params: InsuranceParams, asset_names: tuple[str, ...],
                   crime_types: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Coverage terms as arrays indexed by asset code (no cover and no limit where absent);
    ``excluded`` is indexed by (asset code, crime-type code)."""
    terms = [params.coverage.get(name, Coverage(covered=False)) for name in asset_names]
    return {
        "excluded": np.array([[name in t.excluded_crime_types for name in crime_types] for t in terms],
                             dtype=bool).reshape(len(terms), len(crime_types)),
        "covered": np.array([t.covered for t in terms], dtype=bool),
        "deductible_yuan": np.array([t.deductible_yuan for t in terms]),
        "copay_share": np.array([t.copay_share for t in terms]),
        "per_claim_limit_yuan": np.array([np.inf if t.per_claim_limit_yuan is None else t.per_claim_limit_yuan
                                          for t in terms]),
        "per_household_annual_limit_yuan": np.array(
            [np.inf if t.per_household_annual_limit_yuan is None else t.per_household_annual_limit_yuan
             for t in terms]),
    }


def covered_cells(table: dict[str, np.ndarray], insurable: np.ndarray) -> np.ndarray:
    """Whether a loss to asset code ``a`` by crime type ``t`` is covered, at ``[a + 1, t]``: asset class
    covered, type insurable and not excluded for that class; row 0 (``NO_ASSET``) is never covered."""
    cells = np.zeros((table["covered"].size + 1, insurable.size), dtype=bool)
    cells[1:] = table["covered"][:, None] & ~table["excluded"] & insurable[None, :]
    return cells


def insured(params: InsuranceParams, cells: np.ndarray, day: np.ndarray, asset: np.ndarray, crime_type: np.ndarray,
            in_force: np.ndarray) -> np.ndarray:
    """Whether each incident's loss is covered: scheme running and in force for its policy year, and
    its asset class and crime type a covered pair (``cells``: ``covered_cells``)."""
    return cells[asset - NO_ASSET, crime_type] & (day >= params.start_day) & in_force


def claim_amount(table: dict[str, np.ndarray], asset: np.ndarray, loss_yuan: np.ndarray,
                 limit_scale: np.ndarray | float = 1.0) -> np.ndarray:
    """What each claim asks for, yuan: loss less deductible, less co-payment, capped per claim
    (the limit times ``limit_scale``, below 1 once a renewal has tightened it)."""
    if not table["deductible_yuan"].size:  # a county without asset classes: nothing can be covered
        return np.zeros(np.shape(loss_yuan))
    code = np.maximum(asset, 0)
    above = np.maximum(loss_yuan - table["deductible_yuan"][code], 0.0)
    return np.minimum(above * (1.0 - table["copay_share"][code]), table["per_claim_limit_yuan"][code] * limit_scale)


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


class Contract:
    """The scheme's terms, policy year by policy year, as renewals set them.

    Year 0 has the scenario's terms. At each renewal the year just ended is judged by its loss
    ratio, incurred / premium (incurred: what the valid claims decided so far were owed), and the
    next year's terms follow ``renewal``: ``reprice`` scales the premium by loss ratio / target
    (by at most ``max_premium_change``), ``tighten`` scales the per-claim and household limits by
    target / loss ratio when above target, ``stop`` ends the cover when above target.
    """

    def __init__(self, params: InsuranceParams) -> None:
        self.params = params
        self._premium: dict[int, float] = {}
        self._limit_scale: dict[int, float] = {}
        self.stopped_from: int | None = None
        """First policy year without cover (None: the cover never stopped)."""

    def premium(self, year: int) -> float:
        """What the county pays for policy year ``year``, yuan (the fund, for a county-run fund)."""
        return self._premium.get(year, self.params.budget_for_year(year))

    def limit_scale(self, year: int) -> float:
        """Multiplier on the per-claim and household limits in policy year ``year``."""
        return self._limit_scale.get(year, 1.0)

    def in_force(self, year: int) -> bool:
        return year >= 0 and (self.stopped_from is None or year < self.stopped_from)

    def fund(self, year: int) -> float:
        """What policy year ``year`` can pay out, yuan: its budget, or the insurer's aggregate cap."""
        p = self.params
        if p.budget_rule != "insurer":
            return self.premium(year)
        if p.aggregate_limit_yuan is not None:
            return p.aggregate_limit_yuan
        return (p.aggregate_cap_multiple or 0.0) * self.premium(year)

    def renew(self, year: int, incurred_yuan: float) -> None:
        """Set policy year ``year + 1``'s terms from year ``year``'s experience."""
        p, premium = self.params, self.premium(year)
        loss_ratio = incurred_yuan / premium if premium > 0 else (np.inf if incurred_yuan > 0 else 0.0)
        over = loss_ratio / p.target_loss_ratio if p.target_loss_ratio > 0 else np.inf
        self._limit_scale[year + 1] = self.limit_scale(year)
        if p.renewal == "reprice" and premium > 0:
            factor = min(max(over, 1 - p.max_premium_change), 1 + p.max_premium_change)
            self._premium[year + 1] = premium * factor
        elif p.renewal == "tighten" and over > 1:
            self._limit_scale[year + 1] = self.limit_scale(year) / over
        elif p.renewal == "stop" and over > 1 and self.stopped_from is None:
            self.stopped_from = year + 1

    def year_terms(self, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per element of ``years``: whether the cover is in force, and the limit multiplier."""
        if not years.size:
            return np.zeros(0, dtype=bool), np.ones(0)
        first, last = int(years.min()), int(years.max())
        if first == last:  # a month's incidents mostly fall in one policy year
            return np.full(years.size, self.in_force(first)), np.full(years.size, self.limit_scale(first))
        span = range(first, last + 1)  # a run spans a few policy years: look each up once
        force = np.array([self.in_force(y) for y in span], dtype=bool)
        scale = np.array([self.limit_scale(y) for y in span])
        return force[years - first], scale[years - first]


@dataclass
class _YearAccount:
    """One policy year of one fund: what it owes and pays."""

    fund_yuan: float
    owed_yuan: float = 0.0
    """Running total of what the claims decided so far were owed (approved, incurred), yuan."""
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


_VECTOR_MIN = 8
"""Claims decided together from this many on: below it the array set-up costs more than the loop."""


def _claim_keys(household: np.ndarray, asset: np.ndarray, year: np.ndarray) -> list[int]:
    """One integer per (household, asset class, policy year), the key of what it has drawn:
    household + asset * 2**32 + year * 2**44, distinct for households below 2**32 and asset codes
    below 4,096 (integers hash faster than tuples, and this is the claims desk's inner loop). The
    household goes in the low bits because sets and dicts index by them: with the year there, every
    key of a month fell in the same slot and each lookup probed a long chain."""
    return (household.astype(np.int64) + asset.astype(np.int64) * 2**32 + year.astype(np.int64) * 2**44).tolist()


class FundLedger:
    """The rules of a claims desk without its clock: decides claims against each policy year's fund.

    ``fund(year)`` is what policy year ``year`` can pay (yuan), ``year_end(year)`` the day it ends,
    ``household_limit(year)`` the most one household is paid per asset class in that year (yuan,
    by asset code). ``decide`` takes claims in the order their decision days fall, one after the
    other, so it gives the same figures whether called once per claim or once for many: that is
    what lets two engines agree to the last bit.
    """

    def __init__(self, rule: str, fund: Callable[[int], float], year_end: Callable[[int], float],
                 household_limit: Callable[[int], np.ndarray]) -> None:
        self.rule = rule
        self._fund = fund
        self._year_end = year_end
        self._household_limit = household_limit
        self._limits: dict[int, list[float]] = {}
        self._drawn: dict[int, float] = {}
        """What each (household, asset class, policy year) has been paid (owed, for pro rata), yuan."""
        self.years: dict[int, _YearAccount] = {}
        self._decided: list[tuple[np.ndarray, ...]] = []
        """Per decided chunk: case, decision day, approved, paid, paid day, denial."""
        self._pro_rata: dict[int, list[tuple[int, float, float]]] = defaultdict(list)

    def account(self, year: int) -> _YearAccount:
        """Policy year ``year``'s account (opened, empty, when no claim has reached it yet)."""
        if year not in self.years:
            self.years[year] = _YearAccount(fund_yuan=self._fund(year))
        return self.years[year]

    def _limit(self, year: int) -> list[float]:
        if year not in self._limits:
            self._limits[year] = [float(x) for x in self._household_limit(year)]
        return self._limits[year]

    def decide(self, case: np.ndarray, day: np.ndarray, year: np.ndarray, household: np.ndarray,
               asset: np.ndarray, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Decide claims, in decision order, on ``day``; returns the cases paid something and the
        cases refused (household limit used up, or fund empty) by this call."""
        keys = _claim_keys(household, asset, year)
        if len(keys) >= _VECTOR_MIN and len(set(keys)) == len(keys):
            approved, paid, denial = self._decide_together(keys, day, year, asset, amount)
        else:
            approved, paid, denial = self._decide_in_turn(keys, day, year, asset, amount)
        if self.rule != "pro_rata":
            self._decided.append((case, day, approved, paid, np.where(paid > 0, day, np.nan), denial))
        else:  # claims owed something are paid at the year's end (``settle``): only refusals are final now
            keep = denial > 0
            self._decided.append((case[keep], day[keep], approved[keep], paid[keep],
                                  np.where(paid[keep] > 0, day[keep], np.nan), denial[keep]))
        if self.rule == "pro_rata":
            owed = denial == 0
            for y in dict.fromkeys(year[owed].tolist()):
                mine = owed & (year == y)
                self._pro_rata[y] += zip(case[mine].tolist(), day[mine].tolist(), approved[mine].tolist(),
                                         strict=True)
        return case[paid > 0], case[denial > 0]

    def _decide_together(self, keys: list[int], day: np.ndarray, year: np.ndarray,
                         asset: np.ndarray, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``_decide_in_turn`` for claims of distinct (household, asset, year), as array operations.

        No claim then changes what another may draw, and the running totals of each year's account
        are cumulative sums (``np.add.accumulate`` adds in order, as the loop does): the same
        figures to the last bit, without a Python step per claim.
        """
        n = day.size
        drawn = self._drawn
        drawn_before = np.fromiter(map(drawn.get, keys, repeat(0.0)), float, n)
        years = list(dict.fromkeys(year.tolist()))
        if len(years) == 1:  # a month's claims mostly fall in one policy year
            limit = np.asarray(self._limit(years[0]))[asset]
        else:
            limit = np.empty(n)
            for y in years:
                mine = year == y
                limit[mine] = np.asarray(self._limit(y))[asset[mine]]
        owed = np.minimum(amount, limit - drawn_before)
        approved, paid = np.zeros(n), np.zeros(n)
        denial = np.where(owed > 0, 0, HOUSEHOLD_LIMIT).astype(np.int8)
        for y in years:
            rows = np.flatnonzero((denial == 0) & (year == y))
            if not rows.size:
                continue
            account, claim = self.account(y), owed[rows]
            approved[rows] = claim
            running = np.add.accumulate(np.concatenate([[account.owed_yuan], claim]))
            account.owed_yuan = float(running[-1])
            account.claims += rows.size
            if math.isnan(account.exhausted_day):
                reached = np.flatnonzero(running[1:] >= account.fund_yuan * (1 - 1e-12))
                if reached.size:
                    account.exhausted_day = float(day[rows[reached[0]]])
            if self.rule == "pro_rata":
                got = claim
                credited = got > 0
            else:
                got = np.minimum(claim, np.maximum(account.fund_yuan - running[:-1], 0.0))
                paid[rows] = got
                account.paid_yuan = float(np.add.accumulate(np.concatenate([[account.paid_yuan], got]))[-1])
                credited = got > 0
                paid_now = int(np.count_nonzero(credited))
                account.paid_claims += paid_now
                account.refused += rows.size - paid_now
                denial[rows[~credited]] = BUDGET_EXHAUSTED
            drawn.update(zip([keys[i] for i in rows[credited].tolist()],
                             (drawn_before[rows] + got)[credited].tolist(), strict=True))
        return approved, paid, denial

    def _decide_in_turn(self, keys: list[int], day: np.ndarray, year: np.ndarray, asset: np.ndarray,
                        amount: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Approved and paid yuan and the refusal code of each claim (``keys``: its ``_claim_keys``),
        one claim after the other."""
        n = day.size
        approved, paid, denial = [0.0] * n, [0.0] * n, [0] * n
        pro_rata = self.rule == "pro_rata"
        drawn, threshold = self._drawn, 1 - 1e-12
        limits = {y: self._limit(y) for y in set(year.tolist())}
        accounts = {y: self.account(y) for y in limits}
        rows = zip(keys, day.tolist(), year.tolist(), asset.tolist(), amount.tolist(), strict=True)
        for i, (key, d, y, a, asked) in enumerate(rows):
            owed = min(asked, limits[y][a] - drawn.get(key, 0.0))
            if owed <= 0:
                denial[i] = HOUSEHOLD_LIMIT
                continue
            approved[i] = owed
            account = accounts[y]
            before = account.owed_yuan
            account.owed_yuan = before + owed
            account.claims += 1
            if account.owed_yuan >= account.fund_yuan * threshold and math.isnan(account.exhausted_day):
                account.exhausted_day = d
            if pro_rata:
                drawn[key] = drawn.get(key, 0.0) + owed
                continue
            p = min(owed, max(account.fund_yuan - before, 0.0))
            paid[i] = p
            account.paid_yuan += p
            if p > 0:
                account.paid_claims += 1
                drawn[key] = drawn.get(key, 0.0) + p
            else:
                account.refused += 1
                denial[i] = BUDGET_EXHAUSTED
        return np.array(approved), np.array(paid), np.array(denial, dtype=np.int8)

    def settle(self) -> None:
        """Pay each policy year's pro-rata claims once all of them are decided (no-op for other rules)."""
        for y, claims in self._pro_rata.items():
            case, day, owed = (np.array(column) for column in zip(*claims, strict=True))
            account = self.years[y]
            share = min(1.0, account.fund_yuan / account.owed_yuan)
            paid = owed * share
            pay_day = max(self._year_end(y), float(day.max()))
            account.paid_yuan = float(np.cumsum(paid)[-1])
            account.paid_claims = int((paid > 0).sum())
            account.refused = int((paid <= 0).sum())
            self._decided.append((case.astype(np.int64), day, owed, paid, np.where(paid > 0, pay_day, np.nan),
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
