"""The fast engine: the reference engine's clock without an event object per case.

The rules are the same objects (``engine.county`` drives both); only the investigation queue and
the claims desks differ, and they give the same days and decisions to the last bit:

- **FIFO queue**: cases are worked in the order they arrive, so the queue is a heap of the days
  investigators are next free. The next case in arrival order starts on its arrival if one is
  free then, else when the first one is (going cold if its deadline has passed by then). A lower
  capacity on day d takes the slots that would be free first, keeping aside the end days of those
  still busy; a higher one gives back those kept aside (busy until their end) before adding slots
  free from d: exactly simpy's resource, where a case starts only while fewer than the capacity are
  busy (tested against it on random cuts and rises).
- **Priority queue** (largest loss first): the same heap of free days, and a small event loop over
  arrivals, capacity changes and investigators coming free while cases wait (those in a heap by
  priority): an investigator's end of case is an event only when someone is waiting for it.
- **Claims desks**: claims wait in arrays; when the clock passes their decision day they are
  sorted by it and decided in one call of the ledger.

Each queue works lazily: ``advance(until)`` decides everything that happens before ``until`` and
leaves the rest, because a capacity change at the next monthly review may still alter it.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import deque

import numpy as np

from minsheng_insure.engine.base import ReplicationOutput
from minsheng_insure.engine.casebook import Casebook
from minsheng_insure.engine.county import CountyRun
from minsheng_insure.model.insurance import FundLedger
from minsheng_insure.scenario.schema import Scenario

INF = float("inf")


class _Queue(Casebook):
    """Both fast queues: the case records, the arrivals not yet decided and the capacity plan."""

    def __init__(self, investigators: int, stop_day: float, first_day: float = 0.0) -> None:
        super().__init__(investigators, stop_day)
        self.now = first_day
        """The day the queue has been advanced to (``first_day``, when the clock starts, at first)."""
        self._arrival: list[float] = []
        self._pending: list[int] = []
        """Cases not yet started nor gone cold, in arrival order, and their arrival days (``_arrival``)."""
        self._next = 0
        self._changes: deque[tuple[float, int]] = deque()
        self._finished: list[int] = []
        """Cases that ended before the ``until`` of the ``advance`` that started them, not yet reported."""
        self._running: list[int] = []
        """Cases that end on or after the ``until`` of the ``advance`` that started them, not yet reported
        finished (looked at by each ``take_finished``)."""
        self._free = [first_day] * investigators
        """Heap of the days each investigator is next free (inf: busy past the clock's stop, for good)."""
        self._retired: list[float] = []
        """Heap of minus the end days of investigations still under way whose slot a lower capacity took."""

    def submit(self, arrival_day: np.ndarray, effort_days: np.ndarray, patience_days: np.ndarray,
               priority: np.ndarray) -> np.ndarray:
        entered = self._enter(arrival_day, effort_days, patience_days, priority)
        days, cases = arrival_day.tolist(), list(entered)
        # The cases still pending, in arrival order, merged with the new ones by day, then case id, as
        # simpy orders them (earlier cases have the smaller ids, so they go first on the same day).
        # Those due no later than the first new case go first; the few due later (reports still to
        # come) are inserted one by one, a binary search each.
        old_days, old_cases = self._arrival[self._next:], self._pending[self._next:]
        first = bisect_right(old_days, days[0]) if days else len(old_days)
        at = 0
        for day, case in zip(old_days[first:], old_cases[first:], strict=True):
            at = bisect_left(days, day, at)
            days.insert(at, day)
            cases.insert(at, case)
            at += 1
        self._arrival, self._pending = old_days[:first] + days, old_cases[:first] + cases
        self._next = 0
        return np.arange(entered.start, entered.stop)

    def plan_capacity(self, changes: list[tuple[float, int]]) -> None:
        self._changes.extend(changes)
        self.capacity = changes[0][1]

    def _resize(self, day: float, investigators: int) -> None:
        """From ``day`` on, ``investigators`` may work cases at once, as simpy's resource with a changed
        capacity: a case starts only while fewer than that many are busy.

        With fewer, the slots that would come free first go (they are all alike); one whose
        investigation is still under way is kept aside (``_retired``) with its end day, because
        that investigator is busy until then whatever the capacity. With more, the new slots are
        those kept aside, latest end first, still busy until their end, and then slots free on ``day``.
        """
        free, retired = self._free, self._retired
        while len(free) > investigators:
            end = heapq.heappop(free)
            if end > day:
                heapq.heappush(retired, -end)  # a max-heap of the end days: the latest comes back first
        while len(free) < investigators:
            if retired and -retired[0] > day:
                heapq.heappush(free, -heapq.heappop(retired))
            else:
                retired.clear()  # every investigation kept aside has ended: their slots are free now
                heapq.heappush(free, day)

    def take_finished(self) -> np.ndarray:
        end_day, now = self.end_day, self.now
        done = self._finished + [case for case in self._running if end_day[case] < now]
        self._running = [case for case in self._running if not end_day[case] < now]
        self._finished = []
        return np.fromiter(done, np.int64, len(done))

    def outcomes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        for case in self._pending[self._next:]:
            if self._deadline[case] <= self.stop_day:
                self.cold_day[case] = self._deadline[case]
        self._arrival, self._pending = [], []
        return self._recorded_days()


class FifoQueue(_Queue):
    """First registered, first investigated: the next case in arrival order takes the first investigator free."""

    def advance(self, until: float) -> None:
        # The engine's innermost loop: everything local, one heap operation per case.
        free, pending, arrivals, changes = self._free, self._pending, self._arrival, self._changes
        running, finished = self._running, self._finished
        deadline, effort, start_day, end_day = self._deadline, self._effort, self.start_day, self.end_day
        stop, heapreplace = self.stop_day, heapq.heapreplace
        i, count = self._next, len(pending)
        while i < count:
            arrival = arrivals[i]
            if arrival >= until:
                break
            first_free = free[0] if free else INF
            pull = arrival if first_free <= arrival else first_free
            while changes and changes[0][0] <= pull:
                self._resize(*changes.popleft())
                first_free = free[0] if free else INF
                pull = arrival if first_free <= arrival else first_free
            if pull >= until:
                break
            case = pending[i]
            i += 1
            if pull > arrival and deadline[case] <= pull:
                self.cold_day[case] = deadline[case]
                self._cold.append(case)
                continue
            start_day[case] = pull
            end = pull + effort[case]
            if end > stop:
                end = INF  # the investigation outlasts the clock: neither it nor its investigator returns
            else:
                end_day[case] = end
                (finished if end < until else running).append(case)  # known finished by the next review
            heapreplace(free, end)
        self._next = i
        self.now = until


class PriorityQueue(_Queue):
    """Waiting cases worked in priority order (largest loss first): a small event loop."""

    def __init__(self, investigators: int, stop_day: float, first_day: float = 0.0) -> None:
        super().__init__(investigators, stop_day, first_day)
        self._waiting: list[tuple[float, int]] = []
        """Heap of (priority, case) of the cases waiting for an investigator."""

    def advance(self, until: float) -> None:
        # One loop with everything local: this is the engine's innermost loop. Three kinds of event,
        # and at the same moment in this order: a capacity change; an investigator coming free while
        # cases wait (the one with the highest priority starts, unless it has gone cold); an arrival
        # (started at once if an investigator is free, else it waits). The next arrival and the next
        # change are kept in locals, read again only when they are used up.
        free, pending, arrivals, changes, waiting = self._free, self._pending, self._arrival, self._changes, \
            self._waiting
        deadline, effort, start_day, end_day = self._deadline, self._effort, self.start_day, self.end_day
        priority, running, finished, cold, cold_day = self._priority, self._running, self._finished, self._cold, \
            self.cold_day
        stop = self.stop_day
        heappush, heappop, heapreplace = heapq.heappush, heapq.heappop, heapq.heapreplace
        i, count = self._next, len(pending)
        arrival = arrivals[i] if i < count else INF
        change = changes[0][0] if changes else INF
        while True:
            if waiting:
                comes_free = free[0] if free else INF
                # Until an investigator comes free or the capacity changes, every arrival waits: the
                # congested queue's usual step, taken without the general one's comparisons.
                first = comes_free if comes_free < change else change
                if until < first:
                    first = until
                while arrival < first:
                    case = pending[i]
                    i += 1
                    heappush(waiting, (priority[case], case))
                    arrival = arrivals[i] if i < count else INF
            else:
                comes_free = INF
            now = comes_free if comes_free <= arrival else arrival
            if change <= now:
                if change >= until:
                    break
                self._resize(*changes.popleft())
                change = changes[0][0] if changes else INF
                continue
            if now >= until:
                break
            if comes_free == now:
                case = heappop(waiting)[1]
                if deadline[case] <= now:
                    cold_day[case] = deadline[case]
                    cold.append(case)
                    continue
            else:
                case = pending[i]
                i += 1
                arrival = arrivals[i] if i < count else INF
                if not free or free[0] > now:  # nobody free: it waits
                    heappush(waiting, (priority[case], case))
                    continue
            start_day[case] = now
            finish = now + effort[case]
            if finish <= stop:
                end_day[case] = finish
                (finished if finish < until else running).append(case)
            else:
                finish = INF  # the investigation outlasts the clock: neither it nor its investigator returns
            heapreplace(free, finish)
        self._next = i
        self.now = until

    def outcomes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        self._pending = [case for _, case in self._waiting]
        self._next = 0
        return super().outcomes()


class ArrayClaimsDesk:
    """Claims wait in arrays until the clock passes their decision day, then are decided together."""

    def __init__(self, ledger: FundLedger) -> None:
        self.ledger = ledger
        self._pending: list[tuple[np.ndarray, ...]] = []
        self._paid: list[np.ndarray] = []
        self._refused: list[np.ndarray] = []

    def file(self, case: np.ndarray, decision_day: np.ndarray, policy_year: np.ndarray, household: np.ndarray,
             asset: np.ndarray, amount: np.ndarray) -> None:
        if case.size:
            self._pending.append((case, decision_day, policy_year, household, asset, amount))

    def advance(self, until: float) -> None:
        if not self._pending:
            return
        claims = self._pending[0] if len(self._pending) == 1 else tuple(
            np.concatenate(c) for c in zip(*self._pending, strict=True))
        day = claims[1]
        due = day < until
        # Claims filed earlier come first on the same day, as simpy's event ids order them.
        order = np.flatnonzero(due)
        order = order[np.argsort(day[order], kind="stable")]
        if order.size:
            paid, refused = self.ledger.decide(*(c[order] for c in claims))
            self._paid.append(paid)
            self._refused.append(refused)
        waiting = np.flatnonzero(~due)
        self._pending = [tuple(c[waiting] for c in claims)] if waiting.size else []

    def take_decided(self) -> tuple[np.ndarray, np.ndarray]:
        paid, refused = (np.concatenate(part) if part else np.empty(0, dtype=np.int64)
                         for part in (self._paid, self._refused))
        self._paid, self._refused = [], []
        return paid, refused


class FastClock:
    """The fast engine's clock: lazy queues and array desks, moved forward together."""

    def __init__(self, priority: str, first_day: float) -> None:
        self.priority = priority
        self.first_day = first_day
        """The day the clock starts (day 0 less the warm-up)."""
        self.queues: list[_Queue] = []
        self.desks: list[ArrayClaimsDesk] = []

    def investigation_queue(self, investigators: int, stop_day: float) -> FifoQueue | PriorityQueue:
        queue = (FifoQueue if self.priority == "fifo" else PriorityQueue)(investigators, stop_day, self.first_day)
        self.queues.append(queue)
        return queue

    def claims_desk(self, ledger: FundLedger) -> ArrayClaimsDesk:
        desk = ArrayClaimsDesk(ledger)
        self.desks.append(desk)
        return desk

    def advance(self, until: float) -> None:
        for part in (*self.queues, *self.desks):
            part.advance(until)

    def finish(self) -> None:
        self.advance(INF)


class FastEngine:
    """The default engine (``engine="fast"``)."""

    name = "fast"

    def run(self, scenario: Scenario, seed: int, replication: int) -> ReplicationOutput:
        return CountyRun(scenario, seed, replication, FastClock(scenario.investigation.priority,
                                                                 -scenario.simulation.warm_up_days)).run()
