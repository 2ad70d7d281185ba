"""One replication of a county, month by month, on any clock.

The months start with the warm-up (``simulation.warm_up_days`` before day 0): incidents happen and
are reported, registered, investigated and reviewed as in any month, in the county's state before
any scheme, so that day 0 finds the police queue and the late reports and clearances of earlier
incidents under way rather than an empty county. The warm-up's incidents stay in the event log
with their negative days; the timeline, and the police costs read from it, begin at day 0.

Each month the clock first carries out everything before the month starts; then the monthly
review folds what happened into the county's state (``model.feedback``); then the month's
incidents are drawn and decided in one vectorised pass (``model.cases``), their registered cases
go to the investigation queue and their claims to the claims desk. The clock decides when those
happen; the rules decide what happens.

After the last month comes the follow-up (``simulation.follow_up_days``): no incidents happen and no
review is held, but the horizon's incidents are still reported, their cases investigated, cleared or
dropped, until the clock stops at the horizon plus the follow-up (or earlier, once nothing is left
to do). Investigators stay at the last review's number, with any campaign still running. Claims
filed before the clock stops are decided and paid even if that falls after it. What is still open
when it stops is marked ``open_at_end`` in the event log. The timeline, and the police costs read
from it, keep to the horizon's months: the follow-up only finishes the horizon's cases.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from minsheng_insure.engine.base import Clock, Columns, ReplicationOutput
from minsheng_insure.engine.streams import county_population, crime_type_rngs, stage_rngs
from minsheng_insure.model.calendar import DAYS_PER_YEAR, month_windows
from minsheng_insure.model.campaigns import campaign_rate_scale, clear_series, series_means
from minsheng_insure.model.cases import CaseRules, Outcomes
from minsheng_insure.model.codebook import BELOW_DEDUCTIBLE, FUND_SCHEMES, FUNDS_COLUMNS, STAGED
from minsheng_insure.model.costs import county_resources, month_resources
from minsheng_insure.model.feedback import FeedbackController
from minsheng_insure.model.incidents import IncidentProcess, Incidents
from minsheng_insure.model.insurance import Contract, FundLedger, policy_year_end, policy_year_of, screen_claims
from minsheng_insure.model.population import Population
from minsheng_insure.model.recovery import draw_recoveries
from minsheng_insure.model.samaritan import draw_injuries
from minsheng_insure.scenario.schema import Scenario


def campaign_investigators(scenario: Scenario, day: float) -> int:
    """Extra investigators the campaigns (专项行动) running on ``day`` bring (a campaign runs [start, end))."""
    return sum(c.extra_investigators for c in scenario.campaigns if c.start_day <= day < c.end_day)


class CountyRun:
    """One replication of ``scenario`` from ``seed`` on ``clock``; ``run`` returns its output."""

    def __init__(self, scenario: Scenario, seed: int, replication: int, clock: Clock) -> None:
        s = self.scenario = scenario
        self.replication = replication
        self.clock = clock
        self.horizon = s.simulation.horizon_days
        self.stop = s.simulation.stop_day
        """The day the clock stops: the horizon plus the follow-up."""
        self.first_day = -s.simulation.warm_up_days
        """The day the clock starts: day 0 less the warm-up."""
        self.rng = stage_rngs(seed, replication)
        self.incident_rngs = crime_type_rngs(seed, replication, len(s.crime_types))
        county = _county_rules(s, seed)
        self.population, self.rules, self.incidents, self.resources = county.population, county.rules, \
            county.incidents, county.resources
        self.feedback = FeedbackController(s, self.population.village_township)
        self.types = len(s.crime_types)
        self.queue = clock.investigation_queue(s.investigation.investigators, self.stop)
        self.base_investigators = s.investigation.investigators
        """Investigators at the last review, before campaigns."""
        ins = s.insurance
        self.contract = Contract(ins)
        """The scheme's terms year by year, as this run's renewals set them."""
        self.policy_years = _policy_years_in_run(ins.start_day, ins.policy_year_start_day, self.horizon)
        """The policy years that overlap the horizon."""
        household_limit, contract = self.rules.cover["per_household_annual_limit_yuan"], self.contract
        # The ledger's callables hold the contract, not this run: a run in no reference cycle is freed
        # as soon as it returns, without waiting for (and slowing) the garbage collector.
        self.desk = clock.claims_desk(FundLedger(ins.budget_rule, contract.fund, ins.policy_year_end,
                                                 lambda year: household_limit * contract.limit_scale(year)))
        self.samaritan_desk = clock.claims_desk(FundLedger(
            "first_come", lambda year: s.samaritan.budget_yuan,
            lambda year: policy_year_end(year, ins.start_day, ins.policy_year_start_day),
            lambda year: np.array([np.inf])))
        # Per queued case (queue id order): its case id and whether an investigation clears it;
        # per case (case id order): its village and crime type.
        self.queued_case: list[np.ndarray] = []
        self.queued_clears: list[np.ndarray] = []
        self.case_village: list[np.ndarray] = []
        self.case_type: list[np.ndarray] = []
        # Series (串案): cases gone cold, not yet cleared, as (case id, cold day); and those cleared
        # with an arrest, as (case id, arrest day).
        self.series_on = any(c.series_clearances > 0 for c in s.campaigns)
        self.cold_backlog = (np.zeros(0, dtype=np.int64), np.zeros(0))
        self.cleared_in_series: list[tuple[np.ndarray, np.ndarray]] = []
        self.batches: list[Columns] = []
        self.injuries: list[Columns] = []
        self.timeline: list[dict[str, float]] = []
        self.cases = 0

    def run(self) -> ReplicationOutput:
        for month, start, end in month_windows(self.horizon, self.first_day):
            self.clock.advance(start)
            self._review(start, end)
            self._case_stages(month, start, end)
            if self.scenario.samaritan.active and start >= 0:  # the scheme's injuries count from day 0
                self._injuries(start, end)
        self._follow_up()
        self.clock.finish()
        if self.series_on:
            queued_case, queued_clears, village, case_type = self._history()
            self._clear_series(_arrests(self.queue.take_finished(), queued_clears), self.queue.take_cold(),
                               queued_case, village, case_type)
        self.desk.ledger.settle()
        return ReplicationOutput(events=self._event_columns(), samaritan=self._samaritan_columns(),
                                 timeline={k: np.array([row[k] for row in self.timeline]) for k in self.timeline[0]},
                                 funds=self._funds_columns())

    # -- the monthly review -----------------------------------------------------------------------------

    def _review(self, now: float, month_end: float) -> None:
        s, feedback = self.scenario, self.feedback
        finished = self.queue.take_finished()
        cold = self.queue.take_cold()
        paid, refused = self.desk.take_decided()
        self.samaritan_desk.take_decided()
        if now > feedback.last_review:
            queued_case, queued_clears, village, case_type = self._history()
            arrests = _arrests(finished, queued_clears)
            cleared = queued_case[arrests]
            if self.series_on:
                cleared = np.concatenate([cleared, self._clear_series(arrests, cold, queued_case, village,
                                                                      case_type)])
            feedback.close_month(now - feedback.last_review, case_type[cleared],
                                 village[cleared], village[paid], village[queued_case[cold]], village[refused])
        feedback.review(now)
        self._renew(now, month_end)
        self.base_investigators = s.investigation.investigators + round(feedback.state.extra_investigators)
        plan = self._capacity_plan(now, month_end)
        self.queue.plan_capacity(plan)
        if now >= 0:  # the warm-up's months are in no period, and cost nothing in the run's budget
            self.timeline.append({**feedback.timeline_row(self.replication, now, self.queue.capacity),
                                  **month_resources(self.resources, s.investigation.investigators, plan,
                                                    month_end)})

    def _capacity_plan(self, start: float, end: float) -> list[tuple[float, int]]:
        """Investigators from ``start`` and at each campaign start or end before ``end``."""
        s = self.scenario
        changes = sorted({day for c in s.campaigns for day in (c.start_day, c.end_day) if start < day < end})
        return [(day, self.base_investigators + campaign_investigators(s, day)) for day in [start, *changes]]

    def _follow_up(self) -> None:
        """From the horizon to the clock's stop: no incidents, no review, the last review's investigators."""
        self.clock.advance(self.horizon)
        self.queue.plan_capacity(self._capacity_plan(self.horizon, self.stop))

    def _history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The cases so far, joined once per review: per queued case (queue id order) its case id and
        whether an investigation clears it; per case (case id order) its village and crime type."""
        parts = (self.queued_case, self.queued_clears, self.case_village, self.case_type)
        for part in parts:  # joined in place, so that each review joins only the months since the last
            part[:] = [np.concatenate(part)]
        return self.queued_case[0], self.queued_clears[0], self.case_village[0], self.case_type[0]

    def _clear_series(self, arrests: np.ndarray, cold: np.ndarray, queued_case: np.ndarray, village: np.ndarray,
                      case_type: np.ndarray) -> np.ndarray:
        """Add the cases found cold to the backlog, clear the series each arrest in a campaign window
        leads to (``model.campaigns``; both as queue ids), and return the case ids so cleared."""
        s, queue = self.scenario, self.queue
        township = self.population.village_township[village]
        group = case_type * s.county.townships + township
        backlog_case = np.concatenate([self.cold_backlog[0], queued_case[np.sort(cold)]])
        backlog_day = np.concatenate([self.cold_backlog[1], np.array(queue.cold_day)[np.sort(cold)]])
        arrest_day = np.array(queue.end_day)[arrests]
        arrest_case = queued_case[arrests]
        chosen, day = clear_series(series_means(s.campaigns, s.crime_type_names, arrest_day, case_type[arrest_case]),
                                   arrest_day, group[arrest_case], backlog_day, group[backlog_case],
                                   self.rng["series"])
        kept = np.ones(backlog_case.size, dtype=bool)
        kept[chosen] = False
        self.cold_backlog = (backlog_case[kept], backlog_day[kept])
        self.cleared_in_series.append((backlog_case[chosen], day))
        return backlog_case[chosen]

    def _renew(self, now: float, month_end: float) -> None:
        """Renew the contract for each policy year that begins this month, from the year before's claims."""
        ins = self.scenario.insurance
        if not ins.coverage:
            return
        for year in self.policy_years:
            if now <= ins.policy_year_end(year) < month_end and self.contract.in_force(year):
                self.contract.renew(year, self.desk.ledger.account(year).owed_yuan)

    # -- the month's cases ------------------------------------------------------------------------------

    def _case_stages(self, month: int, start: float, end: float) -> None:
        s, state, month_counts = self.scenario, self.feedback.state, self.feedback.month
        scale = state.rate_scale * campaign_rate_scale(s.campaigns, s.crime_type_names, start, end)
        inc = self.incidents.draw(month, start, end, self.incident_rngs, scale)
        village = self.population.village_of(inc.household)
        outcomes = self.rules.outcomes(inc, village, state, self.feedback.payment_belief(), self.contract, self.rng)
        self._submit(inc, village, outcomes)
        if s.fraud.staged_per_1000_insured_aware_per_year > 0:
            staged, staged_outcomes = self.rules.staged_reports(start, end, state, self.contract, self.types,
                                                                self.rng["fraud"])
            self._submit(staged, self.population.village_of(staged.household), staged_outcomes)
        ct = inc.crime_type
        month_counts.incidents += np.bincount(ct, minlength=self.types)[: self.types]
        caught = outcomes.in_act
        month_counts.cleared += np.bincount(ct[caught], minlength=self.types)[: self.types]
        month_counts.cleared_villages += np.bincount(village[caught], minlength=s.county.villages)

    def _submit(self, inc: Incidents, village: np.ndarray, o: Outcomes) -> None:
        """Queue the registered cases, file the claims and keep the batch's columns."""
        s, n = self.scenario, inc.size
        report_day = inc.day + o.report_delay
        queued = np.flatnonzero(o.registered & ~o.in_act)
        queued = queued[np.argsort(report_day[queued], kind="stable")]
        # FIFO works cases in the order they arrive; by severity, the largest loss first.
        priority = report_day[queued] if s.investigation.priority == "fifo" else -inc.loss_yuan[queued]
        queue_id = np.full(n, -1)
        queue_id[queued] = self.queue.submit(report_day[queued], o.effort[queued], o.patience[queued], priority)
        case = self.cases + np.arange(n)
        self.queued_case.append(case[queued])
        self.queued_clears.append(o.clears[queued])
        self.case_village.append(village)
        self.case_type.append(inc.crime_type)
        self.feedback.month.registered += np.bincount(inc.crime_type[o.registered],
                                                      minlength=self.types + 1)[: self.types]

        filed = o.claim_filed
        policy_year = o.policy_year
        amount = np.where(filed, o.claim_yuan, 0.0)
        denial = screen_claims(s.insurance, filed, o.report_delay, o.registered, amount, o.detected)
        decision_day = report_day + s.insurance.processing_delay_days.sample(self.rng["insurance"], n)
        go = np.flatnonzero(filed & (denial == 0))  # indices: six arrays are read at them
        # A claim refused at screening (late, unregistered, caught as fraud) is news in the village;
        # one under the deductible is not: the victim expected nothing.
        self.feedback.month.refused_villages += np.bincount(
            village[(denial > 0) & (denial != BELOW_DEDUCTIBLE)], minlength=s.county.villages)
        self.desk.file(case[go], decision_day[go], policy_year[go], inc.household[go], inc.asset[go], amount[go])
        self.cases += n
        # The batch as decided; the event log's columns are derived from all batches at once (``_event_columns``).
        self.batches.append({
            "incident_day": inc.day, "village": village, "household": inc.household, "crime_type": inc.crime_type,
            "asset_class": inc.asset, "loss_yuan": inc.loss_yuan, "fraud": o.fraud,
            "claimed_loss_yuan": o.claimed_loss_yuan, "insured": o.insured, "aware": o.aware, "reported": o.reported,
            "report_day": report_day, "report_pending": o.report_pending, "registered": o.registered,
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

    def _event_columns(self) -> Columns:
        batch = {k: np.concatenate([b[k] for b in self.batches]) for k in self.batches[0]}
        village = batch["village"]
        cols = {
            "incident_day": batch["incident_day"],
            "township": self.population.village_township[village].astype(np.int64), "village": village,
            "household": batch["household"], "crime_type": batch["crime_type"],
            "asset_class": batch["asset_class"], "loss_yuan": batch["loss_yuan"],
            "false_report": batch["fraud"] == STAGED, "fraud": batch["fraud"].astype(np.int64),
            "claimed_loss_yuan": np.where(batch["claim_filed"], batch["claimed_loss_yuan"], 0.0),
            **{k: batch[k] for k in ("insured", "aware", "reported")},
            "report_day": np.where(batch["reported"], batch["report_day"], np.nan),
            **{k: batch[k] for k in ("report_pending", "registered", "caught_in_act", "queue_id", "clears",
                                     "policy_year", "claim_filed", "claim_yuan", "denial_reason")},
        }
        n = cols["incident_day"].size
        start, end, cold = self.queue.outcomes()
        in_queue = cols.pop("queue_id")
        queued = in_queue >= 0
        queue_id = in_queue[queued]
        cols["investigation_start_day"] = _scatter(n, queued, start[queue_id])
        cols["cold_day"] = _scatter(n, queued, cold[queue_id])
        cols["went_cold"] = ~np.isnan(cols["cold_day"])
        finished = _scatter(n, queued, end[queue_id])
        in_act = cols["caught_in_act"]
        series_case = np.concatenate([case for case, _ in self.cleared_in_series] or [np.zeros(0, dtype=np.int64)])
        in_series = np.zeros(n, dtype=bool)
        in_series[series_case] = True
        cleared = (~np.isnan(finished) & cols.pop("clears")) | in_act | in_series
        cols["cleared"] = cleared
        cols["clear_day"] = np.where(in_act, cols["incident_day"], np.where(cleared, finished, np.nan))
        # A case cleared in a series went cold first: it has no investigation end, only its arrest's day.
        cols["clear_day"][series_case] = np.concatenate([day for _, day in self.cleared_in_series] or [np.zeros(0)])
        cols["cleared_in_series"] = in_series
        # Open when the clock stopped: a report still to come, or a queued case neither finished nor cold.
        cols["open_at_end"] = cols.pop("report_pending") | (queued & np.isnan(finished) & np.isnan(cols["cold_day"]))
        cols["recovered_yuan"] = draw_recoveries(self.scenario.recovery, cleared, cols["loss_yuan"],
                                                 self.rng["recovery"])
        claims = self.desk.ledger.claim_columns(n)
        screened = cols.pop("denial_reason")
        cols.update(claims)
        cols["denial_reason"] = np.where(claims["denial_reason"] > 0, claims["denial_reason"], screened)
        cols["budget_shortfall_yuan"] = cols["approved_yuan"] - cols["paid_yuan"]
        cols["subrogated_yuan"] = (np.minimum(cols["recovered_yuan"], cols["paid_yuan"])
                                   if self.scenario.insurance.subrogation else np.zeros(n))
        cols["replication"] = np.full(n, self.replication, dtype=np.int64)
        cols["incident_id"] = np.arange(n, dtype=np.int64)
        return cols

    def _samaritan_columns(self) -> Columns:
        parts = self.injuries or [{"injury_day": np.empty(0), "tier": np.empty(0, dtype=np.int64),
                                   "benefit_yuan": np.empty(0), "policy_year": np.empty(0, dtype=np.int64)}]
        cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        n = cols["injury_day"].size
        claims = self.samaritan_desk.ledger.claim_columns(n)
        cols["paid_yuan"] = claims["paid_yuan"]
        cols["paid_day"] = claims["paid_day"]
        cols["replication"] = np.full(n, self.replication, dtype=np.int64)
        cols["injury_id"] = np.arange(n, dtype=np.int64)
        return cols

    def _funds_columns(self) -> Columns:
        """Each fund's policy years that overlap the run, with what its ledger recorded."""
        s, ins = self.scenario, self.scenario.insurance
        funds: list[tuple[int, FundLedger, Callable[[int], float]]] = []
        if ins.coverage:
            funds.append((FUND_SCHEMES.index("property"), self.desk.ledger, self.contract.premium))
        if s.samaritan.active:
            funds.append((FUND_SCHEMES.index("samaritan"), self.samaritan_desk.ledger,
                          lambda year: s.samaritan.budget_yuan))
        rows = []
        for code, ledger, budget in funds:
            for year in self.policy_years:
                end = policy_year_end(year, ins.start_day, ins.policy_year_start_day)
                start = max(end - DAYS_PER_YEAR, ins.start_day)
                figures = ledger.account(year).figures()
                premium = budget(year)
                kept = premium * (1 - ins.expense_loading) if ins.budget_rule == "insurer" and code == 0 else premium
                rows.append({"fund": code, "policy_year": year, "start_day": start, "end_day": end,
                             "days_in_run": min(end, self.horizon) - start, "budget_yuan": premium,
                             "in_force": code != 0 or self.contract.in_force(year),
                             "limit_scale": self.contract.limit_scale(year) if code == 0 else 1.0,
                             **figures, "result_yuan": kept - figures["paid_yuan"]})
        # Categories travel as integer codes until ``results`` names them.
        columns = {name: np.array([row[name] for row in rows], dtype=np.int64 if dtype == "category" else dtype)
                   for name, (dtype, _) in FUNDS_COLUMNS.items() if name != "replication"}
        columns["replication"] = np.full(len(rows), self.replication, dtype=np.int64)
        return columns


@dataclass(frozen=True, eq=False)
class _CountyRules:
    """What a run of ``scenario`` from ``seed`` reads and never changes: the county, its case rules
    and incident process, and its police resources."""

    scenario: Scenario
    seed: int
    population: Population
    rules: CaseRules
    incidents: IncidentProcess
    resources: tuple[float, float]


_RECENT_RULES: deque[_CountyRules] = deque(maxlen=4)
"""The last few ``_county_rules``, newest last, for the replications that follow (as the county cache)."""


def _county_rules(scenario: Scenario, seed: int) -> _CountyRules:
    """The run-independent rules of ``scenario`` from ``seed``, made once for the replications that
    share both (about 0.3 ms of a 17 ms Shenqiu county-year). Scenarios are frozen and the county
    read-only, so the same objects give the same rules; a scenario changed in place (pydantic freezes
    only its own fields, not the dicts in them) is not seen: make a new one (``with_overrides``)."""
    # A copy of the deque, taken in one step, so that another thread's append cannot upset the loop.
    for made in reversed(tuple(_RECENT_RULES)):
        # By identity: a frozen scenario cannot change, and holding it keeps its id from being reused.
        if made.scenario is scenario and made.seed == seed:
            return made
    population = county_population(seed, scenario.county)
    made = _CountyRules(scenario, seed, population, CaseRules(scenario, population, scenario.simulation.stop_day),
                        IncidentProcess(population, scenario.crime_types), county_resources(population))
    _RECENT_RULES.append(made)
    return made


def _arrests(finished: np.ndarray, queued_clears: np.ndarray) -> np.ndarray:
    """Queue ids of the finished investigations that cleared their case, in id order."""
    return np.sort(finished[queued_clears[finished]])


def _policy_years_in_run(start_day: float, year_start_day: int, horizon: float) -> list[int]:
    """Policy years that overlap the scheme's time within the horizon."""
    if start_day >= horizon:
        return []
    first, last = policy_year_of(np.array([start_day, np.nextafter(horizon, 0)]), start_day, year_start_day)
    return list(range(int(first), int(last) + 1))


def _scatter(n: int, mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.full(n, np.nan)
    out[mask] = values
    return out
