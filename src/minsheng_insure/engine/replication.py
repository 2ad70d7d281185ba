"""One replication: the stages of a case's life run over numpy arrays, month by month, on simpy.

A monthly process draws the month's incidents and takes them through reporting and registration
in one vectorised pass; registered cases go to the investigation queue and claims to the claims
desk, both driven by the same simpy environment, so police work and payouts happen in time order.
Monthly steps are where state that changes over a run (trust, awareness, deterrence) is read.
The case stages stop at the horizon; claims filed before it are decided and paid even if that
happens after it.
"""

from __future__ import annotations

import numpy as np
import simpy

from minsheng_insure.engine.streams import stage_rngs
from minsheng_insure.model.calendar import month_windows
from minsheng_insure.model.incidents import draw_incidents, exposed_households
from minsheng_insure.model.insurance import ClaimsDesk, claim_amount, coverage_table, insured, screen_claims
from minsheng_insure.model.policing import InvestigationQueue, clearance_probability
from minsheng_insure.model.population import Population, build_population
from minsheng_insure.model.recovery import draw_recoveries
from minsheng_insure.model.registration import draw_registrations, registration_probability
from minsheng_insure.model.reporting import draw_reports, report_probability
from minsheng_insure.scenario.schema import Scenario


def _by_type(scenario: Scenario, table: dict[str, float]) -> np.ndarray:
    return np.array([table[name] for name in scenario.crime_types], dtype=float)


def _sample_by_type(distributions: list, crime_type: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per incident from its crime type's distribution."""
    out = np.empty(crime_type.size)
    for code, dist in enumerate(distributions):
        mask = crime_type == code
        out[mask] = dist.sample(rng, int(mask.sum()))
    return out


class Replication:
    """Runs one replication of a scenario and returns its event log as arrays."""

    def __init__(self, scenario: Scenario, seed: int, replication: int) -> None:
        self.scenario = scenario
        self.replication = replication
        self.rng = stage_rngs(seed, replication)
        self.population: Population = build_population(scenario.county, self.rng["population"])
        self.horizon = scenario.simulation.horizon_days
        self.env = simpy.Environment()
        self.cover = coverage_table(scenario.insurance, self.population.asset_names)
        self.queue = InvestigationQueue(self.env, scenario.investigation.investigators, self.horizon)
        self.desk = ClaimsDesk(self.env, scenario.insurance, self.cover["per_household_annual_limit_yuan"])
        self.exposed = exposed_households(self.population, scenario.crime_types)
        self.intercept = _by_type(scenario, scenario.reporting.intercept)
        self.registration_base = _by_type(scenario, scenario.registration.probability)
        self.clearance_base = _by_type(scenario, scenario.investigation.clearance_probability)
        self.insurable = np.array([ct.insurable for ct in scenario.crime_types.values()])
        self.effort = [scenario.investigation.effort_days[name] for name in scenario.crime_types]
        self.batches: list[dict[str, np.ndarray]] = []
        self.cases = 0

    def run(self) -> dict[str, np.ndarray]:
        self.env.process(self._months())
        self.env.run()
        self.desk.settle()
        return self._event_columns()

    def _months(self):  # simpy process: one step per calendar month
        for month, start, end in month_windows(self.horizon):
            self._case_stages(month, start, end)
            yield self.env.timeout(end - self.env.now)

    def _case_stages(self, month: int, start: float, end: float) -> None:
        s, pop, rng = self.scenario, self.population, self.rng
        inc = draw_incidents(pop, s.crime_types, self.exposed, month, start, end, rng["incidents"])
        n = inc.size
        village = pop.household_village[inc.household]
        ct = inc.crime_type

        covered = insured(s.insurance, self.cover, self.insurable[ct], inc.day, inc.asset)
        aware = covered & (pop.awareness_threshold[inc.household] < s.insurance.awareness_share)

        p_report = report_probability(s.reporting, self.intercept[ct], inc.loss_yuan, aware,
                                      pop.village_auxiliary_officer[village])
        reported, delay = draw_reports(s.reporting, p_report, rng["reporting"])
        report_day = inc.day + delay
        reported &= report_day < self.horizon
        p_register = registration_probability(s.registration, self.registration_base[ct], aware)
        registered = draw_registrations(reported, p_register, rng["registration"])

        effort = _sample_by_type(self.effort, ct, rng["policing"])
        patience = s.investigation.cold_after_days.sample(rng["policing"], n)
        clear_draw = rng["policing"].random(n)
        p_clear = clearance_probability(s.investigation, self.clearance_base[ct],
                                        pop.village_camera_coverage[village], delay)
        queued = np.flatnonzero(registered)
        queued = queued[np.argsort(report_day[queued], kind="stable")]
        queue_id = np.full(n, -1)
        queue_id[queued] = self.queue.submit(report_day[queued], effort[queued], patience[queued],
                                             s.investigation.priority, inc.loss_yuan[queued])

        filed = aware & reported
        amount = np.where(filed, claim_amount(self.cover, inc.asset, inc.loss_yuan), 0.0)
        denial = screen_claims(s.insurance, filed, delay, registered, amount)
        decision_day = report_day + s.insurance.processing_delay_days.sample(rng["insurance"], n)
        policy_year = s.insurance.policy_year(inc.day)
        case = self.cases + np.arange(n)
        go = filed & (denial == 0)
        self.desk.file(case[go], decision_day[go], policy_year[go], inc.household[go], inc.asset[go], amount[go])
        self.cases += n

        self.batches.append({
            "incident_day": inc.day, "township": pop.village_township[village].astype(np.int64),
            "village": village.astype(np.int64), "household": inc.household, "crime_type": ct.astype(np.int64),
            "asset_class": inc.asset.astype(np.int64), "loss_yuan": inc.loss_yuan, "insured": covered,
            "aware": aware, "reported": reported, "report_day": np.where(reported, report_day, np.nan),
            "registered": registered, "queue_id": queue_id, "clear_draw": clear_draw, "p_clear": p_clear,
            "policy_year": policy_year, "claim_filed": filed, "claim_yuan": amount, "denial_reason": denial,
        })

    def _event_columns(self) -> dict[str, np.ndarray]:
        cols = {k: np.concatenate([b[k] for b in self.batches]) for k in self.batches[0]}
        n = cols["incident_day"].size
        start, end, cold = self.queue.outcomes()
        in_queue = cols.pop("queue_id")
        queued = in_queue >= 0
        cols["investigation_start_day"] = _scatter(n, queued, start[in_queue[queued]])
        cols["cold_day"] = _scatter(n, queued, cold[in_queue[queued]])
        cols["went_cold"] = ~np.isnan(cols["cold_day"])
        finished = _scatter(n, queued, end[in_queue[queued]])
        cleared = ~np.isnan(finished) & (cols.pop("clear_draw") < cols.pop("p_clear"))
        cols["cleared"] = cleared
        cols["clear_day"] = np.where(cleared, finished, np.nan)
        cols["recovered_yuan"] = draw_recoveries(self.scenario.recovery, cleared, cols["loss_yuan"],
                                                 self.rng["recovery"])

        desk = self.desk
        cols["claim_day"] = _from_dict(n, desk.decided_day, np.nan)
        cols["approved_yuan"] = _from_dict(n, desk.approved, 0.0)
        cols["paid_yuan"] = _from_dict(n, desk.paid, 0.0)
        cols["paid_day"] = np.where(cols["paid_yuan"] > 0, _from_dict(n, desk.paid_day, np.nan), np.nan)
        cols["budget_shortfall_yuan"] = cols["approved_yuan"] - cols["paid_yuan"]
        for case, reason in desk.denial.items():
            cols["denial_reason"][case] = reason
        cols["replication"] = np.full(n, self.replication, dtype=np.int64)
        cols["incident_id"] = np.arange(n, dtype=np.int64)
        return cols


def _scatter(n: int, mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.full(n, np.nan)
    out[mask] = values
    return out


def _from_dict(n: int, values: dict[int, float], fill: float) -> np.ndarray:
    out = np.full(n, fill)
    if values:
        out[np.fromiter(values.keys(), dtype=np.int64, count=len(values))] = np.fromiter(
            values.values(), dtype=float, count=len(values))
    return out


def run_replication(scenario: Scenario, seed: int, replication: int) -> dict[str, np.ndarray]:
    """The event log of one replication, as columns of codes (see ``results.events``)."""
    return Replication(scenario, seed, replication).run()
