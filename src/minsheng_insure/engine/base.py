"""The seam between the model's rules and the clock that runs them.

An ``Engine`` runs one replication of a scenario and returns a ``ReplicationOutput``: typed
columns, named and coded as ``model.codebook`` says. Two engines implement it: ``simpy`` (the
reference, every event on a simpy environment) and ``fast`` (the default: the same rules, with
the investigation queue and the claims desks run as sorted arrays and heaps). For the same
scenario, seed and replication they give identical outputs; a test checks it on every shipped
scenario.

The clock's side is three small protocols. A ``Clock`` makes an ``InvestigationQueue`` and
``ClaimsDesk``s and moves time forward; the county's month loop (``engine.county``) only ever
asks it to ``advance`` to the start of the next month, reads what finished, went cold, was paid or
refused since the last review, and hands it new cases and claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from minsheng_insure.model.insurance import FundLedger
from minsheng_insure.scenario.schema import Scenario

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class ReplicationOutput:
    """What one replication recorded, as columns (see ``model.codebook`` for names, codes, units)."""

    events: Columns
    """One element per incident and staged report (``EVENT_COLUMNS``; categories as integer codes)."""
    samaritan: Columns
    """One element per good-samaritan injury (``SAMARITAN_COLUMNS``)."""
    timeline: Columns
    """One element per month: the state the month's incidents met."""
    funds: Columns
    """One element per fund and policy year (``FUNDS_COLUMNS``), as its claims desk recorded it."""


class Engine(Protocol):
    """Runs replications; ``name`` is what ``simulate(..., engine=NAME)`` accepts."""

    name: str

    def run(self, scenario: Scenario, seed: int, replication: int) -> ReplicationOutput:
        """Replication ``replication`` of ``scenario`` from ``seed``."""
        ...


class InvestigationQueue(Protocol):
    """Registered cases waiting for investigators (侦查), going cold if not started in time."""

    capacity: int
    end_day: Sequence[float]
    """Per case id: the day its investigation ends (NaN until it has started)."""
    cold_day: Sequence[float]
    """Per case id: the day it went cold (NaN until it is found gone cold)."""

    def submit(self, arrival_day: np.ndarray, effort_days: np.ndarray, patience_days: np.ndarray,
               priority: np.ndarray) -> np.ndarray:
        """Queue cases arriving on ``arrival_day`` (ascending); lower ``priority`` is worked first.
        Returns their ids in this queue."""
        ...

    def plan_capacity(self, changes: list[tuple[float, int]]) -> None:
        """Investigators from each day on: ``(day, investigators)`` pairs, ascending, the first on
        the current day (the month's review, or the horizon), the rest before the next review (or the
        clock's stop)."""
        ...

    def take_finished(self) -> np.ndarray:
        """Ids of cases whose investigation ended since the last call."""
        ...

    def take_cold(self) -> np.ndarray:
        """Ids of cases found gone cold since the last call."""
        ...

    def outcomes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per case id: the day its investigation started, ended and the day it went cold (NaN where
        it did not happen by ``stop_day``, the end of follow-up). Call once, after the clock has finished."""
        ...


class ClaimsDesk(Protocol):
    """Decides claims on their decision day, in time order, by the rules of its ``FundLedger``."""

    ledger: FundLedger

    def file(self, case: np.ndarray, decision_day: np.ndarray, policy_year: np.ndarray, household: np.ndarray,
             asset: np.ndarray, amount: np.ndarray) -> None:
        """Claims to decide on ``decision_day`` (any order); ``case`` ids are the caller's."""
        ...

    def take_decided(self) -> tuple[np.ndarray, np.ndarray]:
        """Cases paid something, and cases refused (household limit, fund empty), since the last call."""
        ...


class Clock(Protocol):
    """Simulation time for one replication: makes the queue and desks, and moves them forward."""

    def investigation_queue(self, investigators: int, stop_day: float) -> InvestigationQueue:
        """A queue that records nothing after ``stop_day`` (the horizon plus the follow-up)."""
        ...

    def claims_desk(self, ledger: FundLedger) -> ClaimsDesk:
        ...

    def advance(self, until: float) -> None:
        """Carry out everything that happens before day ``until``."""
        ...

    def finish(self) -> None:
        """Carry out everything left (claims filed by the end of follow-up are decided and paid, even after it)."""
        ...
