"""The reference engine: every investigation and claim decision is an event on a simpy environment.

Nothing here is fast, and nothing needs to be: it is the plain reading of the model (a pool of
investigators as a resource, cases waiting in priority order, claims decided one by one in time
order) against which the fast engine is checked, event log for event log.

A simpy process per case would cost a generator and several events; the queue and the desk only
need a callback at a given time, so each batch keeps a single pending timeout that re-arms itself
for its next item. Going cold needs no event of its own: a waiting case is only looked at when an
investigator becomes free, and if its deadline has passed by then it went cold at that deadline.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL, URGENT, EventPriority

from minsheng_insure.engine.base import ReplicationOutput
from minsheng_insure.engine.casebook import Casebook
from minsheng_insure.engine.county import CountyRun
from minsheng_insure.model.insurance import FundLedger
from minsheng_insure.scenario.schema import Scenario


class Environment(simpy.Environment):
    """simpy's environment, with events at a given day.

    ``timeout(day - now)`` lands on ``now + (day - now)``, which floating point may put a unit in
    the last place away from ``day``; two engines that must agree to the last bit cannot have that,
    so events go on simpy's queue at the day itself (its documented ``(time, priority, id, event)``
    entries).
    """

    def at(self, day: float, value: Any = None, priority: EventPriority = NORMAL) -> simpy.Event:
        """An event that fires on ``day`` (not in the past) with ``value``."""
        event = simpy.Event(self)
        event._ok = True
        event._value = value
        heapq.heappush(self._queue, (day, priority, next(self._eid), event))
        return event


def feed_in_time_order(env: Environment, times: Sequence[float], handler: Callable[[int], None]) -> None:
    """Call ``handler(k)`` at simulation time ``times[k]``; ``times`` must be ascending and not in the past."""
    count = len(times)

    def fire(event: simpy.Event) -> None:
        k = event.value
        handler(k)
        if k + 1 < count:
            env.at(times[k + 1], k + 1).callbacks.append(fire)

    if count:
        env.at(times[0], 0).callbacks.append(fire)


class SimpyInvestigationQueue(Casebook):
    """Investigators as a priority resource on a simpy environment, cases going cold while they wait.

    An investigation that would end after ``stop_day`` (the end of follow-up) is not recorded, and
    its investigator takes no further case: the case stages stop there.
    """

    def __init__(self, env: Environment, investigators: int, stop_day: float) -> None:
        super().__init__(investigators, stop_day)
        self.env = env
        self.busy = 0
        self._waiting: list[tuple[float, int]] = []
        self._finished: list[int] = []

    def submit(self, arrival_day: np.ndarray, effort_days: np.ndarray, patience_days: np.ndarray,
               priority: np.ndarray) -> np.ndarray:
        ids = self._enter(arrival_day, effort_days, patience_days, priority)
        feed_in_time_order(self.env, arrival_day.tolist(), lambda k: self._arrive(ids[k]))
        return np.asarray(ids)

    def plan_capacity(self, changes: list[tuple[float, int]]) -> None:
        for day, investigators in changes:
            if day <= self.env.now:
                self._set_capacity(investigators)
            else:
                self.env.at(day, investigators).callbacks.append(lambda event: self._set_capacity(event.value))

    def _set_capacity(self, investigators: int) -> None:
        """Change the number of investigators; extra ones pick up waiting cases at once."""
        self.capacity = investigators
        self._pull()

    def _arrive(self, case: int) -> None:
        if self.busy < self.capacity:
            self._start(case)
        else:
            heapq.heappush(self._waiting, (self._priority[case], case))

    def _start(self, case: int) -> None:
        self.busy += 1
        self.start_day[case] = self.env.now
        self.env.at(self.env.now + self._effort[case], case).callbacks.append(self._finish)

    def _finish(self, event: simpy.Event) -> None:
        now = self.env.now
        if now > self.stop_day:
            return
        self.end_day[event.value] = now
        self._finished.append(event.value)
        self.busy -= 1
        self._pull()

    def _pull(self) -> None:
        now = self.env.now
        waiting = self._waiting
        while waiting and self.busy < self.capacity:
            _, case = heapq.heappop(waiting)
            deadline = self._deadline[case]
            if deadline <= now:
                self.cold_day[case] = deadline
                self._cold.append(case)
            else:
                self._start(case)

    def take_finished(self) -> np.ndarray:
        taken, self._finished = self._finished, []
        return np.asarray(taken, dtype=np.int64)

    def outcomes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        for _, case in self._waiting:
            if self._deadline[case] <= self.stop_day:
                self.cold_day[case] = self._deadline[case]
        self._waiting.clear()
        return self._recorded_days()


class SimpyClaimsDesk:
    """Decides each claim on its decision day, one event per claim."""

    def __init__(self, env: Environment, ledger: FundLedger) -> None:
        self.env = env
        self.ledger = ledger
        self._claims: list[tuple[int, int, int, int, float]] = []
        self._paid: list[int] = []
        self._refused: list[int] = []

    def file(self, case: np.ndarray, decision_day: np.ndarray, policy_year: np.ndarray, household: np.ndarray,
             asset: np.ndarray, amount: np.ndarray) -> None:
        order = np.argsort(decision_day, kind="stable")
        first = len(self._claims)
        self._claims += zip(case[order].tolist(), policy_year[order].tolist(), household[order].tolist(),
                            asset[order].tolist(), amount[order].tolist(), strict=True)
        feed_in_time_order(self.env, decision_day[order].tolist(), lambda k: self._decide(first + k))

    def _decide(self, claim: int) -> None:
        case, year, household, asset, amount = self._claims[claim]
        paid, refused = self.ledger.decide(np.array([case]), np.array([self.env.now]), np.array([year]),
                                           np.array([household]), np.array([asset]), np.array([amount]))
        self._paid += paid.tolist()
        self._refused += refused.tolist()

    def take_decided(self) -> tuple[np.ndarray, np.ndarray]:
        paid, refused = self._paid, self._refused
        self._paid, self._refused = [], []
        return np.asarray(paid, dtype=np.int64), np.asarray(refused, dtype=np.int64)


class SimpyClock:
    """One simpy environment shared by the queue and the desks."""

    def __init__(self, first_day: float) -> None:
        """A clock that starts on ``first_day`` (day 0 less the warm-up)."""
        self.env = Environment(initial_time=first_day)

    def investigation_queue(self, investigators: int, stop_day: float) -> SimpyInvestigationQueue:
        return SimpyInvestigationQueue(self.env, investigators, stop_day)

    def claims_desk(self, ledger: FundLedger) -> SimpyClaimsDesk:
        return SimpyClaimsDesk(self.env, ledger)

    def advance(self, until: float) -> None:
        # An urgent stop on the day itself: the events due that day wait, as in the fast engine.
        if until > self.env.now:
            self.env.run(until=self.env.at(until, priority=URGENT))

    def finish(self) -> None:
        self.env.run()


class SimpyEngine:
    """The reference engine (``engine="simpy"``)."""

    name = "simpy"

    def run(self, scenario: Scenario, seed: int, replication: int) -> ReplicationOutput:
        return CountyRun(scenario, seed, replication, SimpyClock(-scenario.simulation.warm_up_days)).run()
