"""What every investigation queue records per case, whichever clock runs it.

Both engines' queues keep, per case in queue-id order, the investigator-days it takes, the day
its evidence goes cold and its priority (lower first), and record the day its investigation
started and ended and the day it went cold; ``Casebook`` holds those lists and the cases found
cold since the monthly review last asked.
"""

from __future__ import annotations

import numpy as np


class Casebook:
    """The per-case lists of an investigation queue (``engine.base.InvestigationQueue``)."""

    def __init__(self, investigators: int, stop_day: float) -> None:
        self.capacity = investigators
        self.stop_day = stop_day
        self._effort: list[float] = []
        self._deadline: list[float] = []
        self._priority: list[float] = []
        self.start_day: list[float] = []
        self.end_day: list[float] = []
        self.cold_day: list[float] = []
        self._cold: list[int] = []

    def _enter(self, arrival_day: np.ndarray, effort_days: np.ndarray, patience_days: np.ndarray,
               priority: np.ndarray) -> range:
        """Open the records of newly submitted cases; returns their queue ids."""
        first = len(self._effort)
        self._effort += effort_days.tolist()
        self._deadline += (arrival_day + patience_days).tolist()
        self._priority += priority.tolist()
        nan = [float("nan")] * arrival_day.size
        self.start_day += nan
        self.end_day += nan
        self.cold_day += nan
        return range(first, first + arrival_day.size)

    def _recorded_days(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per case, the day its investigation started and ended and the day it went cold (NaN: never)."""
        # fromiter with a count costs about half what np.array does for a list of floats.
        start, end, cold = (np.fromiter(days, float, len(days)) for days in (self.start_day, self.end_day,
                                                                             self.cold_day))
        return start, end, cold

    def take_cold(self) -> np.ndarray:
        taken, self._cold = self._cold, []
        return np.asarray(taken, dtype=np.int64)
