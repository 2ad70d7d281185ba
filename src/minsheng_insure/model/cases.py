"""The month's cases: one vectorised pass of reporting, registration and what the police and the
scheme will make of each incident, before any of it meets the clock.

``CaseRules`` holds the scenario's per-crime-type lookups for one population (nothing a run
changes: the contract's terms, which renewals change, are passed in); ``outcomes`` decides,
for a batch of incidents, who is insured and aware, who reports and when (报案), which reports are
registered (立案), how long an investigation would take, how long a case can wait before it goes
cold, whether an investigation would clear it (破案), and what a claim states. The engine then
queues the registered cases and files the claims; when those happen is its business, not this
module's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minsheng_insure.model.accountability import gamed_registration
from minsheng_insure.model.codebook import INFLATED, NOT_FRAUD, STAGED
from minsheng_insure.model.distributions import Distribution, Exponential
from minsheng_insure.model.feedback import CountyState
from minsheng_insure.model.fraud import draw_detection, draw_inflation, draw_staged_counts
from minsheng_insure.model.incidents import Incidents
from minsheng_insure.model.insurance import Contract, claim_amount, coverage_table, covered_cells, insured
from minsheng_insure.model.policing import base_log_odds, clearance_probability, draw_caught_in_act
from minsheng_insure.model.population import Population
from minsheng_insure.model.registration import draw_registrations, registration_probability
from minsheng_insure.model.reporting import draw_reports, report_probability
from minsheng_insure.model.trust import trust_log_odds
from minsheng_insure.scenario.schema import Scenario


@dataclass(frozen=True)
class Outcomes:
    """What the vectorised stages decided for a batch of incidents (one element per incident)."""

    insured: np.ndarray
    aware: np.ndarray
    reported: np.ndarray
    report_delay: np.ndarray
    """Days from the incident to its report."""
    report_pending: np.ndarray
    """A report that would come only after the clock stops (not counted as reported)."""
    registered: np.ndarray
    effort: np.ndarray
    """Investigator-days the case would take."""
    patience: np.ndarray
    """Days the case can wait before it goes cold."""
    clears: np.ndarray
    """Whether an investigation, if it happens, clears the case."""
    in_act: np.ndarray
    """Caught in the act on camera and reported: cleared at once, no investigation."""
    fraud: np.ndarray
    """Fraud code per incident (``codebook.FRAUD_KINDS``)."""
    claimed_loss_yuan: np.ndarray
    detected: np.ndarray | None
    """Fraud caught by verification (None: no fraud modelled)."""
    policy_year: np.ndarray
    """Policy year of the incident's day (-1 before the scheme starts)."""
    claim_yuan: np.ndarray
    """What a claim for the incident asks, yuan: the claimed loss less deductible and co-payment, capped
    per claim in its policy year's terms (``insurance.claim_amount``), whether or not one is filed."""

    @property
    def claim_filed(self) -> np.ndarray:
        """Insured, aware and reported: the victim claims (理赔)."""
        return self.aware & self.reported


def _sample_by_type(distributions: list[Distribution], crime_type: np.ndarray, rng: np.random.Generator,
                    exponential_means: np.ndarray | None = None) -> np.ndarray:
    """One draw per incident from its crime type's distribution: each type's draws in turn, given to
    its incidents in their order. ``exponential_means``: each type's mean (in the distributions' unit,
    e.g. days), when every distribution is exponential (``_exponential_means`` of ``distributions``)."""
    out = np.empty(crime_type.size)
    # As 16-bit codes the stable sort is numpy's radix sort, a third of the cost of sorting int64.
    order = np.argsort(crime_type.astype(np.uint16) if len(distributions) < 2**16 else crime_type, kind="stable")
    if exponential_means is not None:
        # Exponential(m) is m times a standard exponential, drawn one after the other: one call gives
        # the same numbers as a call per type.
        out[order] = rng.standard_exponential(crime_type.size)
        return out * exponential_means[crime_type]
    counts = np.bincount(crime_type, minlength=len(distributions)).tolist()
    out[order] = np.concatenate([dist.sample(rng, count) for dist, count in zip(distributions, counts, strict=True)])
    return out


def _exponential_means(distributions: list[Distribution]) -> np.ndarray | None:
    """Each distribution's mean when all are exponential, else None."""
    if all(isinstance(dist, Exponential) for dist in distributions):
        return np.array([dist.mean for dist in distributions])
    return None


class CaseRules:
    """The case stages of one scenario over one population: read-only once made, so the replications
    that share both may share it."""

    def __init__(self, scenario: Scenario, population: Population, stop_day: float) -> None:
        """``stop_day``: the day the clock stops (horizon plus follow-up); later reports are not seen."""
        s = self.scenario = scenario
        self.population = population
        self.stop_day = stop_day
        self.cover = coverage_table(s.insurance, population.asset_names, s.crime_type_names)
        self.intercept = self._by_type(s.reporting.intercept)
        self.registration_base = self._by_type(s.registration.probability)
        self.clearance_log_odds = base_log_odds(self._by_type(s.investigation.clearance_probability))
        self.covered = covered_cells(self.cover, np.array([ct.insurable for ct in s.crime_types.values()]))
        self.effort = [s.investigation.effort_days[name] for name in s.crime_types]
        self.effort_means = _exponential_means(self.effort)
        self.covered_assets = [i for i in range(len(population.asset_names)) if self.cover["covered"][i]]

    def _by_type(self, table: dict[str, float]) -> np.ndarray:
        return np.array([table[name] for name in self.scenario.crime_types], dtype=float)

    def outcomes(self, inc: Incidents, village: np.ndarray, state: CountyState, payment_belief: np.ndarray,
                 contract: Contract, rng: dict[str, np.random.Generator]) -> Outcomes:
        """Every stage's decision for the month's incidents, given the county's state, each
        village's belief that the scheme pays and the contract's terms so far."""
        s, pop = self.scenario, self.population
        n = inc.size
        ct = inc.crime_type
        cameras = pop.village_camera_coverage[village]
        officer = pop.village_auxiliary_officer[village]

        policy_year = s.insurance.policy_year(inc.day)
        in_force, limit_scale = contract.year_terms(policy_year)  # renewals may tighten the limits
        covered = insured(s.insurance, self.covered, inc.day, inc.asset, ct, in_force)
        aware = covered & (pop.awareness_thresholds_of(inc.household) < state.awareness)
        uplift = aware.astype(float)
        payable = claim_amount(self.cover, inc.asset, inc.loss_yuan, limit_scale)
        if s.reporting.benefit_response:
            # What a claim is worth to the victim: the belief that the scheme pays times the share
            # of the loss the cover would pay (nothing under the deductible).
            uplift *= payment_belief[village] * payable / np.maximum(inc.loss_yuan, 1e-9)

        p_report = report_probability(s.reporting, self.intercept[ct], inc.loss_yuan, uplift, officer,
                                      trust_log_odds(s.trust, state.trust[village]))
        reported, delay = draw_reports(s.reporting, p_report, rng["reporting"])
        in_act = (draw_caught_in_act(s.investigation, cameras, rng["in_act"])
                  if s.investigation.caught_in_act_at_full_coverage > 0 else np.zeros(n, dtype=bool))
        reported |= in_act
        delay = np.where(in_act, 0.0, delay)
        pending = reported & (inc.day + delay >= self.stop_day)
        reported &= ~pending
        p_clear = clearance_probability(s.investigation, self.clearance_log_odds[ct], cameras, delay, officer)
        pressure = s.accountability.registration_pressure if state.pressure else 0.0
        p_register = gamed_registration(
            s.accountability, registration_probability(s.registration, self.registration_base[ct], aware, pressure),
            p_clear, state.pressure)
        registered = draw_registrations(reported, p_register, rng["registration"]) | (in_act & reported)

        effort = _sample_by_type(self.effort, ct, rng["policing"], self.effort_means)
        patience = s.investigation.cold_after_days.sample(rng["policing"], n)
        clears = rng["policing"].random(n) < p_clear

        fraud = np.full(n, NOT_FRAUD, dtype=np.int8)
        claimed = inc.loss_yuan
        detected = None
        if s.fraud.active:
            inflated = draw_inflation(s.fraud, aware & reported, rng["fraud"])
            detected = draw_detection(s.fraud, inflated, rng["fraud"])
            fraud[inflated] = INFLATED
            claimed = np.where(inflated, inc.loss_yuan * s.fraud.inflation_factor, inc.loss_yuan)

        return Outcomes(insured=covered, aware=aware, reported=reported, report_delay=delay, report_pending=pending,
                        registered=registered,
                        effort=effort, patience=patience, clears=clears & ~in_act, in_act=in_act & reported,
                        fraud=fraud, claimed_loss_yuan=claimed, detected=detected, policy_year=policy_year,
                        claim_yuan=claim_amount(self.cover, inc.asset, claimed, limit_scale) if s.fraud.active
                        else payable)

    def staged_reports(self, start: float, end: float, state: CountyState, contract: Contract, false_report_type: int,
                       rng: np.random.Generator) -> tuple[Incidents, Outcomes]:
        """False reports of staged losses in ``[start, end)`` by aware owners of covered assets (model.fraud)."""
        s, pop = self.scenario, self.population
        params = s.fraud
        # Each covered asset's owners in order of awareness threshold: the aware ones are a prefix.
        owners = [pop.owners_by_awareness(a) for a in self.covered_assets]
        aware_counts = np.array([np.searchsorted(thresholds, state.awareness) if start >= s.insurance.start_day
                                 else 0 for _, thresholds in owners])
        counts = draw_staged_counts(params, aware_counts, end - start, rng)
        households = np.concatenate([ordered[rng.integers(0, max(k, 1), c)]
                                     for (ordered, _), k, c in zip(owners, aware_counts, counts, strict=True)]
                                    ) if counts.sum() else np.empty(0, dtype=np.int64)
        asset = np.repeat(np.array(self.covered_assets, dtype=np.int64), counts)
        n = households.size
        day = start + rng.random(n) * (end - start)
        order = np.argsort(day, kind="stable")
        day, households, asset = day[order], households[order].astype(np.int64), asset[order]
        claimed = np.minimum(params.staged_claim_yuan.sample(rng, n), pop.asset_value_yuan[asset, households])
        delay = params.report_delay_days.sample(rng, n)
        reported = day + delay < self.stop_day
        registered = reported & (rng.random(n) < params.staged_registration_probability)
        inc = Incidents(day=day, household=households, crime_type=np.full(n, false_report_type, dtype=np.int64),
                        asset=asset, loss_yuan=np.zeros(n))
        policy_year = s.insurance.policy_year(day)
        return inc, Outcomes(
            insured=np.ones(n, dtype=bool), aware=np.ones(n, dtype=bool), reported=reported, report_delay=delay,
            report_pending=~reported,
            registered=registered, effort=params.staged_effort_days.sample(rng, n),
            patience=s.investigation.cold_after_days.sample(rng, n), clears=np.zeros(n, dtype=bool),
            in_act=np.zeros(n, dtype=bool), fraud=np.full(n, STAGED, dtype=np.int8), claimed_loss_yuan=claimed,
            detected=draw_detection(params, np.ones(n, dtype=bool), rng), policy_year=policy_year,
            claim_yuan=claim_amount(self.cover, asset, claimed, contract.year_terms(policy_year)[1]))
