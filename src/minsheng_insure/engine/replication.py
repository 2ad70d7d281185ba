"""One replication: the stages of a case's life run over numpy arrays, month by month, on simpy.

A monthly process first reviews what happened in the month before (trust, awareness, deterrence,
accountability read it), then draws the month's incidents and takes them through reporting and
registration in one vectorised pass. Registered cases go to the investigation queue and claims to
the claims desk, both driven by the same simpy environment, so police work and payouts happen in
time order. The case stages stop at the horizon; claims filed before it are decided and paid even
if that happens after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import simpy

from minsheng_insure.engine.streams import crime_type_rngs, stage_rngs
from minsheng_insure.model.accountability import review_capacity, under_pressure
from minsheng_insure.model.awareness import awareness_at_start, grow_awareness
from minsheng_insure.model.calendar import month_windows
from minsheng_insure.model.campaigns import campaign_rate_scale
from minsheng_insure.model.deterrence import deterrence_scale
from minsheng_insure.model.fraud import INFLATED, NOT_FRAUD, STAGED, draw_detection, draw_inflation, draw_staged_counts
from minsheng_insure.model.incidents import Incidents, draw_incidents, exposed_households
from minsheng_insure.model.insurance import (
    ClaimsDesk,
    claim_amount,
    coverage_table,
    insured,
    policy_year_end,
    policy_year_of,
    screen_claims,
)
from minsheng_insure.model.policing import InvestigationQueue, clearance_probability, draw_caught_in_act
from minsheng_insure.model.population import build_population
from minsheng_insure.model.recovery import draw_recoveries
from minsheng_insure.model.registration import draw_registrations, registration_probability
from minsheng_insure.model.reporting import draw_reports, report_probability
from minsheng_insure.model.samaritan import draw_injuries
from minsheng_insure.model.trust import trust_log_odds, update_trust
from minsheng_insure.scenario.schema import Scenario


@dataclass(frozen=True)
class Outcomes:
    """What the vectorised stages decided for a batch of incidents (one element per incident)."""

    insured: np.ndarray
    aware: np.ndarray
    reported: np.ndarray
    report_delay: np.ndarray
    registered: np.ndarray
    effort: np.ndarray
    """Investigator-days the case would take."""
    patience: np.ndarray
    """Days the case can wait before it goes cold."""
    clears: np.ndarray
    """Whether an investigation, if it happens, clears the case."""
    in_act: np.ndarray
    fraud: np.ndarray
    claimed_loss_yuan: np.ndarray
    detected: np.ndarray | None
    """Fraud caught by verification (None: no fraud modelled)."""


def _by_type(scenario: Scenario, table: dict[str, float]) -> np.ndarray:
    return np.array([table[name] for name in scenario.crime_types], dtype=float)


def _sample_by_type(distributions: list, crime_type: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per incident from its crime type's distribution."""
    out = np.empty(crime_type.size)
    for code, dist in enumerate(distributions):
        mask = crime_type == code
        out[mask] = dist.sample(rng, int(mask.sum()))
    return out


def _window_rate(numerator: list[np.ndarray], denominator: list[np.ndarray], months: int) -> np.ndarray:
    """Ratio of the sums over the last ``months`` monthly counts (NaN where nothing to divide by)."""
    num = np.sum(numerator[-months:], axis=0)
    den = np.sum(denominator[-months:], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.maximum(den, 1e-300), np.nan)


class Replication:
    """Runs one replication of a scenario and returns its event log, injuries and timeline as arrays."""

    def __init__(self, scenario: Scenario, seed: int, replication: int) -> None:
        s = self.scenario = scenario
        self.replication = replication
        self.rng = stage_rngs(seed, replication)
        self.incident_rngs = crime_type_rngs(seed, replication, len(s.crime_types))
        pop = self.population = build_population(s.county, self.rng["population"])
        self.horizon = s.simulation.horizon_days
        self.env = simpy.Environment()
        self.cover = coverage_table(s.insurance, pop.asset_names)
        self.queue = InvestigationQueue(self.env, s.investigation.investigators, self.horizon)
        self.desk = ClaimsDesk(self.env, s.insurance.budget_rule, s.insurance.fund_yuan, s.insurance.policy_year_end,
                               self.cover["per_household_annual_limit_yuan"])
        self.samaritan_desk = ClaimsDesk(
            self.env, "first_come", lambda year: s.samaritan.budget_yuan,
            lambda year: policy_year_end(year, s.insurance.start_day, s.insurance.policy_year_start_day),
            np.array([np.inf]))
        self.exposed = exposed_households(pop, s.crime_types)
        self.intercept = _by_type(s, s.reporting.intercept)
        self.registration_base = _by_type(s, s.registration.probability)
        self.clearance_base = _by_type(s, s.investigation.clearance_probability)
        self.insurable = np.array([ct.insurable for ct in s.crime_types.values()])
        self.effort = [s.investigation.effort_days[name] for name in s.crime_types]
        self.types = len(s.crime_types)

        # State that the monthly review moves (DESIGN.md section 2, item 8).
        self.awareness = awareness_at_start(s.awareness, s.insurance.awareness_share)
        self.trust = np.full(s.county.villages, s.trust.reference)
        self.extra_investigators = 0.0
        self.campaign_investigators = 0
        self.pressure = False
        self.rate_scale = np.ones(self.types)
        # Counts per crime type, one array per past month; the current month's accumulate in ``month``.
        self.monthly_incidents: list[np.ndarray] = []
        self.monthly_cleared: list[np.ndarray] = []
        self.monthly_registered: list[np.ndarray] = []
        self.month = self._empty_month()
        self.seen = {"finished": 0, "cold": 0, "paid": 0}
        self.last_review = 0.0

        # Per queued case (queue id order): its case id and whether an investigation clears it;
        # per case (case id order): its village.
        self.queued_case: list[np.ndarray] = []
        self.queued_clears: list[np.ndarray] = []
        self.case_village: list[np.ndarray] = []

        self.batches: list[dict[str, np.ndarray]] = []
        self.injuries: list[dict[str, np.ndarray]] = []
        self.timeline: list[dict[str, float]] = []
        self.cases = 0
        self.covered_assets = [i for i, name in enumerate(pop.asset_names) if self.cover["covered"][i]]
        if s.fraud.staged_per_1000_insured_aware_per_year > 0:
            # Owners of each covered asset sorted by awareness threshold: the aware ones are always a prefix.
            by_threshold = np.argsort(pop.awareness_threshold, kind="stable")
            self.owners_by_threshold = {a: by_threshold[pop.owns[a][by_threshold]] for a in self.covered_assets}
            self.owner_thresholds = {a: pop.awareness_threshold[o] for a, o in self.owners_by_threshold.items()}

    def _empty_month(self) -> dict[str, np.ndarray]:
        return {"incidents": np.zeros(self.types), "registered": np.zeros(self.types),
                "cleared": np.zeros(self.types), "cleared_villages": np.zeros(self.scenario.county.villages)}

    def run(self) -> dict[str, dict[str, np.ndarray]]:
        for campaign in self.scenario.campaigns:
            if campaign.extra_investigators and campaign.start_day < self.horizon:
                self._at(campaign.start_day, campaign.extra_investigators)
                self._at(min(campaign.end_day, self.horizon), -campaign.extra_investigators)
        self.env.process(self._months())
        self.env.run()
        self.desk.settle()
        return {"events": self._event_columns(), "samaritan": self._samaritan_columns(),
                "timeline": {k: np.array([row[k] for row in self.timeline]) for k in self.timeline[0]}}

    def _at(self, day: float, extra: int) -> None:
        """Add ``extra`` campaign investigators on ``day``."""
        def change(_: simpy.Event) -> None:
            self.campaign_investigators += extra
            self._apply_capacity()
        self.env.timeout(day).callbacks.append(change)

    def _apply_capacity(self) -> None:
        base = self.scenario.investigation.investigators
        self.queue.set_capacity(base + round(self.extra_investigators) + self.campaign_investigators)

    def _months(self) -> Iterator[simpy.Event]:  # simpy process: one step per calendar month
        for month, start, end in month_windows(self.horizon):
            self._review(start)
            self._case_stages(month, start, end)
            if self.scenario.samaritan.active:
                self._injuries(start, end)
            yield self.env.timeout(end - self.env.now)

    # -- the monthly review: feedback from last month's outcomes -------------------------------------

    def _review(self, now: float) -> None:
        s = self.scenario
        days = now - self.last_review
        if days > 0:
            self._close_month(days)
        if days > 0 and now > s.insurance.start_day:
            self.awareness = grow_awareness(s.awareness, s.insurance.awareness_share, self.awareness,
                                            max(self.last_review, s.insurance.start_day), now)
        if self.monthly_incidents:
            observed = _window_rate(self.monthly_cleared, self.monthly_incidents, s.deterrence.window_months)
            reference = s.deterrence.reference_cleared_per_incident
            self.rate_scale = deterrence_scale(s.deterrence, np.where(np.isnan(observed), reference, observed))
            rate = _window_rate([c.sum(keepdims=True) for c in self.monthly_cleared],
                                [r.sum(keepdims=True) for r in self.monthly_registered],
                                s.accountability.window_months)[0]
            self.extra_investigators = review_capacity(s.accountability, self.extra_investigators, rate, now)
            self.pressure = under_pressure(s.accountability, rate, now)
            self._apply_capacity()
        self.last_review = now
        self.timeline.append({
            "replication": self.replication, "day": now, "investigators": self.queue.capacity,
            "awareness_share": self.awareness if now >= s.insurance.start_day else 0.0,
            "trust_mean": float(self.trust.mean()), "registration_pressure": float(self.pressure),
            **{f"rate_scale_{name}": float(x) for name, x in zip(s.crime_types, self.rate_scale, strict=True)},
        })

    def _close_month(self, days: float) -> None:
        """Fold the month just ended into the history and into each village's trust."""
        s, month = self.scenario, self.month
        finished = self._new("finished", self.queue.finished_log)
        cold = self._new("cold", self.queue.cold_log)
        paid = self._new("paid", self.desk.paid_log)
        villages = s.county.villages
        if self.queued_case:
            queued_case = np.concatenate(self.queued_case)
            village = np.concatenate(self.case_village)
            cleared_cases = queued_case[finished[np.concatenate(self.queued_clears)[finished]]]
            month["cleared"] += np.bincount(self._case_type(cleared_cases), minlength=self.types + 1)[: self.types]
            month["cleared_villages"] += np.bincount(village[cleared_cases], minlength=villages)
            self.trust = update_trust(s.trust, self.trust, days, month["cleared_villages"],
                                      np.bincount(village[paid], minlength=villages),
                                      np.bincount(village[queued_case[cold]], minlength=villages))
        self.monthly_incidents.append(month["incidents"])
        self.monthly_registered.append(month["registered"])
        self.monthly_cleared.append(month["cleared"])
        self.month = self._empty_month()

    def _new(self, key: str, log: list[int]) -> np.ndarray:
        start = self.seen[key]
        self.seen[key] = len(log)
        return np.asarray(log[start:], dtype=np.int64)

    def _case_type(self, cases: np.ndarray) -> np.ndarray:
        types = np.concatenate([b["crime_type"] for b in self.batches])
        return types[cases]

    # -- the month's cases ------------------------------------------------------------------------------

    def _case_stages(self, month: int, start: float, end: float) -> None:
        s, pop, rng = self.scenario, self.population, self.rng
        scale = self.rate_scale * campaign_rate_scale(s.campaigns, s.crime_type_names, start, end)
        inc = draw_incidents(pop, s.crime_types, self.exposed, month, start, end, self.incident_rngs, scale)
        n = inc.size
        village = pop.household_village[inc.household]
        ct = inc.crime_type
        cameras = pop.village_camera_coverage[village]
        officer = pop.village_auxiliary_officer[village]

        covered = insured(s.insurance, self.cover, self.insurable[ct], inc.day, inc.asset)
        aware = covered & (pop.awareness_threshold[inc.household] < self.awareness)

        p_report = report_probability(s.reporting, self.intercept[ct], inc.loss_yuan, aware, officer,
                                      trust_log_odds(s.trust, self.trust[village]))
        reported, delay = draw_reports(s.reporting, p_report, rng["reporting"])
        in_act = (draw_caught_in_act(s.investigation, cameras, rng["in_act"])
                  if s.investigation.caught_in_act_at_full_coverage > 0 else np.zeros(n, dtype=bool))
        reported |= in_act
        delay = np.where(in_act, 0.0, delay)
        report_day = inc.day + delay
        reported &= report_day < self.horizon
        pressure = s.accountability.registration_pressure if self.pressure else 0.0
        p_register = registration_probability(s.registration, self.registration_base[ct], aware, pressure)
        registered = draw_registrations(reported, p_register, rng["registration"]) | (in_act & reported)

        effort = _sample_by_type(self.effort, ct, rng["policing"])
        patience = s.investigation.cold_after_days.sample(rng["policing"], n)
        clears = rng["policing"].random(n) < clearance_probability(
            s.investigation, self.clearance_base[ct], cameras, delay, officer)

        filed = aware & reported
        fraud = np.full(n, NOT_FRAUD, dtype=np.int8)
        claimed = inc.loss_yuan
        detected = None
        if s.fraud.active:
            inflated = draw_inflation(s.fraud, filed, rng["fraud"])
            detected = draw_detection(s.fraud, inflated, rng["fraud"])
            fraud[inflated] = INFLATED
            claimed = np.where(inflated, inc.loss_yuan * s.fraud.inflation_factor, inc.loss_yuan)

        self._submit(inc, village, Outcomes(
            insured=covered, aware=aware, reported=reported, report_delay=delay, registered=registered,
            effort=effort, patience=patience, clears=clears & ~in_act, in_act=in_act & reported,
            fraud=fraud, claimed_loss_yuan=claimed, detected=detected))
        if s.fraud.staged_per_1000_insured_aware_per_year > 0:
            self._staged_reports(start, end)
        self.month["incidents"] += np.bincount(ct, minlength=self.types)[: self.types]
        caught = in_act & reported
        self.month["cleared"] += np.bincount(ct[caught], minlength=self.types)[: self.types]
        self.month["cleared_villages"] += np.bincount(village[caught], minlength=s.county.villages)

    def _staged_reports(self, start: float, end: float) -> None:
        """False reports of staged losses by aware owners of covered assets (model.fraud)."""
        s, pop, rng = self.scenario, self.population, self.rng["fraud"]
        params = s.fraud
        aware_counts = np.array([np.searchsorted(self.owner_thresholds[a], self.awareness)
                                 if start >= s.insurance.start_day else 0 for a in self.covered_assets])
        counts = draw_staged_counts(params, aware_counts, end - start, rng)
        households = np.concatenate([self.owners_by_threshold[a][rng.integers(0, max(k, 1), c)]
                                     for a, k, c in zip(self.covered_assets, aware_counts, counts, strict=True)]
                                    ) if counts.sum() else np.empty(0, dtype=np.int64)
        asset = np.repeat(np.array(self.covered_assets, dtype=np.int16), counts)
        n = households.size
        day = start + rng.random(n) * (end - start)
        order = np.argsort(day, kind="stable")
        day, households, asset = day[order], households[order].astype(np.int64), asset[order]
        claimed = np.minimum(params.staged_claim_yuan.sample(rng, n), pop.asset_value_yuan[asset, households])
        delay = params.report_delay_days.sample(rng, n)
        reported = day + delay < self.horizon
        registered = reported & (rng.random(n) < params.staged_registration_probability)
        inc = Incidents(day=day, household=households, crime_type=np.full(n, self.types, dtype=np.int16),
                        asset=asset, loss_yuan=np.zeros(n))
        self._submit(inc, pop.household_village[households], Outcomes(
            insured=np.ones(n, dtype=bool), aware=np.ones(n, dtype=bool), reported=reported, report_delay=delay,
            registered=registered, effort=params.staged_effort_days.sample(rng, n),
            patience=s.investigation.cold_after_days.sample(rng, n), clears=np.zeros(n, dtype=bool),
            in_act=np.zeros(n, dtype=bool), fraud=np.full(n, STAGED, dtype=np.int8), claimed_loss_yuan=claimed,
            detected=draw_detection(params, np.ones(n, dtype=bool), rng)))

    def _submit(self, inc: Incidents, village: np.ndarray, o: Outcomes) -> None:
        """Queue the registered cases, file the claims and keep the batch's columns."""
        s, n = self.scenario, inc.size
        report_day = inc.day + o.report_delay
        investigate = o.registered & ~o.in_act
        queued = np.flatnonzero(investigate)
        queued = queued[np.argsort(report_day[queued], kind="stable")]
        queue_id = np.full(n, -1)
        queue_id[queued] = self.queue.submit(report_day[queued], o.effort[queued], o.patience[queued],
                                             s.investigation.priority, inc.loss_yuan[queued])
        case = self.cases + np.arange(n)
        self.queued_case.append(case[queued])
        self.queued_clears.append(o.clears[queued])
        self.case_village.append(village.astype(np.int64))
        self.month["registered"] += np.bincount(inc.crime_type[o.registered], minlength=self.types + 1)[: self.types]

        filed = o.aware & o.reported
        amount = np.where(filed, claim_amount(self.cover, inc.asset, o.claimed_loss_yuan), 0.0)
        denial = screen_claims(s.insurance, filed, o.report_delay, o.registered, amount, o.detected)
        decision_day = report_day + s.insurance.processing_delay_days.sample(self.rng["insurance"], n)
        policy_year = s.insurance.policy_year(inc.day)
        go = filed & (denial == 0)
        self.desk.file(case[go], decision_day[go], policy_year[go], inc.household[go], inc.asset[go], amount[go])
        self.cases += n
        self.batches.append({
            "incident_day": inc.day, "township": self.population.village_township[village].astype(np.int64),
            "village": village.astype(np.int64), "household": inc.household,
            "crime_type": inc.crime_type.astype(np.int64), "asset_class": inc.asset.astype(np.int64),
            "loss_yuan": inc.loss_yuan, "false_report": o.fraud == STAGED, "fraud": o.fraud.astype(np.int64),
            "claimed_loss_yuan": np.where(filed, o.claimed_loss_yuan, 0.0),
            "insured": o.insured, "aware": o.aware, "reported": o.reported,
            "report_day": np.where(o.reported, report_day, np.nan), "registered": o.registered,
            "caught_in_act": o.in_act, "queue_id": queue_id, "clears": o.clears, "policy_year": policy_year,
            "claim_filed": filed, "claim_yuan": amount, "denial_reason": denial,
        })

    def _injuries(self, start: float, end: float) -> None:
        s = self.scenario
        injuries = draw_injuries(s.samaritan, start, end, self.rng["samaritan"])
        n = injuries["injury_day"].size
        first = sum(b["injury_day"].size for b in self.injuries)
        injuries["policy_year"] = policy_year_of(injuries["injury_day"], s.insurance.start_day,
                                                 s.insurance.policy_year_start_day)
        covered = injuries["policy_year"] >= 0
        self.samaritan_desk.file((first + np.arange(n))[covered],
                                 injuries["injury_day"][covered] + s.samaritan.processing_delay_days,
                                 injuries["policy_year"][covered], np.zeros(covered.sum(), dtype=np.int64),
                                 np.zeros(covered.sum(), dtype=np.int64), injuries["benefit_yuan"][covered])
        self.injuries.append(injuries)

    # -- assembling the outputs -------------------------------------------------------------------------

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
        in_act = cols["caught_in_act"]
        cleared = (~np.isnan(finished) & cols.pop("clears")) | in_act
        cols["cleared"] = cleared
        cols["clear_day"] = np.where(in_act, cols["incident_day"], np.where(cleared, finished, np.nan))
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
        cols["subrogated_yuan"] = (np.minimum(cols["recovered_yuan"], cols["paid_yuan"])
                                   if self.scenario.insurance.subrogation else np.zeros(n))
        cols["replication"] = np.full(n, self.replication, dtype=np.int64)
        cols["incident_id"] = np.arange(n, dtype=np.int64)
        return cols

    def _samaritan_columns(self) -> dict[str, np.ndarray]:
        parts = self.injuries or [{"injury_day": np.empty(0), "tier": np.empty(0, dtype=np.int64),
                                   "benefit_yuan": np.empty(0), "policy_year": np.empty(0, dtype=np.int64)}]
        cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        n = cols["injury_day"].size
        desk = self.samaritan_desk
        cols["paid_yuan"] = _from_dict(n, desk.paid, 0.0)
        cols["paid_day"] = np.where(cols["paid_yuan"] > 0, _from_dict(n, desk.paid_day, np.nan), np.nan)
        cols["replication"] = np.full(n, self.replication, dtype=np.int64)
        cols["injury_id"] = np.arange(n, dtype=np.int64)
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


def run_replication(scenario: Scenario, seed: int, replication: int) -> dict[str, dict[str, np.ndarray]]:
    """Event log, good-samaritan injuries and monthly timeline of one replication, as columns."""
    return Replication(scenario, seed, replication).run()
