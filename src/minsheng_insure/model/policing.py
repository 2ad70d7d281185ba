"""Stage 5, investigation and clearance (侦查/破案).

Registered cases queue for a pool of investigators. A case that is not started before its evidence
goes cold is dropped (abandonment); an investigated case is cleared with a probability that rises
with camera coverage (天网工程) and a prompt report. With exponential efforts and cold times and a
FIFO queue this is the M/M/c+M (Erlang-A) queue.

Going cold needs no event of its own: a waiting case is only ever looked at when an investigator
becomes free, and if its deadline has passed by then it went cold at that deadline, because no
investigator was free for it in between. So each case costs at most two events (arrival and end
of the investigation).
"""

from __future__ import annotations

import heapq
from typing import Literal

import numpy as np
import simpy
from pydantic import Field
from scipy.special import expit, logit

from minsheng_insure.model.distributions import Distribution
from minsheng_insure.model.params import NonNegative, Params, Probability
from minsheng_insure.model.scheduling import feed_in_time_order


class InvestigationParams(Params):
    """Police investigation capacity and clearance (scenario key ``investigation``)."""

    investigators: int = Field(ge=0, description="Investigators working cases at once (officers).")
    priority: Literal["fifo", "severity"] = Field(
        "fifo", description="Queue order: first registered first, or largest loss first."
    )
    effort_days: dict[str, Distribution] = Field(description="Investigator-days one case takes, by type.")
    cold_after_days: Distribution = Field(
        description="Days a registered case can wait before its evidence goes cold and it is dropped."
    )
    clearance_probability: dict[str, Probability] = Field(
        description="Chance an investigated case is cleared (破案), by type, without cameras or a prompt report."
    )
    camera_coefficient: float = Field(0.0, description="Log-odds of clearance added at full camera coverage.")
    auxiliary_officer_coefficient: float = Field(
        0.0, description="Log-odds of clearance added by leads from the village's auxiliary officer (辅警)."
    )
    caught_in_act_at_full_coverage: Probability = Field(
        0.0, description="Chance an offender is caught in the act at full camera coverage (scales with coverage)."
    )
    prompt_report_coefficient: float = Field(0.0, description="Log-odds of clearance added for a prompt report.")
    prompt_report_within_days: NonNegative = Field(1.0, description="A report within this many days is prompt.")


def clearance_probability(
    params: InvestigationParams, base: np.ndarray, camera_coverage: np.ndarray, report_delay_days: np.ndarray,
    auxiliary_officer: np.ndarray,
) -> np.ndarray:
    """Per-case chance that an investigation clears the case; ``base`` is looked up per case."""
    with np.errstate(divide="ignore"):
        log_odds = logit(base)
    prompt = report_delay_days <= params.prompt_report_within_days
    return expit(log_odds + params.camera_coefficient * camera_coverage + params.prompt_report_coefficient * prompt
                 + params.auxiliary_officer_coefficient * auxiliary_officer)


def draw_caught_in_act(params: InvestigationParams, camera_coverage: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """Which offenders cameras catch in the act (cleared on the spot, no investigation needed)."""
    return rng.random(camera_coverage.size) < params.caught_in_act_at_full_coverage * camera_coverage


class InvestigationQueue:
    """Investigators as a priority resource on a simpy environment, cases going cold while they wait.

    Cases are submitted in batches; the queue records, per submitted case, the day its
    investigation started, the day it ended, and the day it went cold (NaN where it did not
    happen before ``horizon_days``).
    """

    def __init__(self, env: simpy.Environment, investigators: int, horizon_days: float) -> None:
        self.env = env
        self.capacity = investigators
        self.horizon_days = horizon_days
        self.busy = 0
        self._waiting: list[tuple[float, int]] = []
        self._arrival: list[float] = []
        self._effort: list[float] = []
        self._deadline: list[float] = []
        self._priority: list[float] = []
        self.start_day: list[float] = []
        self.end_day: list[float] = []
        self.cold_day: list[float] = []
        self.finished_log: list[int] = []
        """Cases whose investigation ended, in that order (for feedback on trust and capacity)."""
        self.cold_log: list[int] = []
        """Cases found gone cold, in that order."""

    def submit(
        self, arrival_day: np.ndarray, effort_days: np.ndarray, patience_days: np.ndarray, priority: str,
        loss_yuan: np.ndarray,
    ) -> np.ndarray:
        """Queue cases arriving at ``arrival_day`` (ascending); returns their ids in this queue."""
        first = len(self._arrival)
        arrivals = arrival_day.tolist()
        self._arrival += arrivals
        self._effort += effort_days.tolist()
        self._deadline += (arrival_day + patience_days).tolist()
        self._priority += arrivals if priority == "fifo" else (-loss_yuan).tolist()
        nan = [float("nan")] * len(arrivals)
        self.start_day += nan
        self.end_day += nan
        self.cold_day += nan
        feed_in_time_order(self.env, arrivals, lambda k: self._arrive(first + k))
        return np.arange(first, first + len(arrivals))

    def set_capacity(self, investigators: int) -> None:
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
        self.env.timeout(self._effort[case], case).callbacks.append(self._finish)

    def _finish(self, event: simpy.Event) -> None:
        now = self.env.now
        if now > self.horizon_days:
            return
        self.end_day[event.value] = now
        self.finished_log.append(event.value)
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
                self.cold_log.append(case)
            else:
                self._start(case)

    def outcomes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Start, end and cold days per case, censored at the horizon."""
        for _, case in self._waiting:
            if self._deadline[case] <= self.horizon_days:
                self.cold_day[case] = self._deadline[case]
        self._waiting.clear()
        return np.array(self.start_day), np.array(self.end_day), np.array(self.cold_day)
