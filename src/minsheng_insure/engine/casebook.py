"""What every investigation queue records per case, whichever clock runs it.

Both engines' queues keep, per case in queue-id order, the investigator-days it takes, the day
its evidence goes cold and its priority (lower first), and record the day its investigation
started and ended and the day it went cold; ``Casebook`` holds those lists and the cases found
cold since the monthly review last asked.
"""

from __future__ import annotations

from array import array

import numpy as np

_NAN = array("d", [float("nan")])


class Casebook:
    """The per-case lists of an investigation queue (``engine.base.InvestigationQueue``).

    The lists are ``array.array("d")``: 8-byte floats side by side, where a list holds a pointer
    per element to a 24-byte float object elsewhere, so a year's cases take a quarter of the
    memory, in one block (they stay in the processor's cache), and a month's cases are copied in
    and out as blocks of memory. Reading an element gives a Python float, as a list would.
    """

    def __init__(self, investigators: int, stop_day: float) -> None:
        self.capacity = investigators
        self.stop_day = stop_day
        self._effort = array("d")
        self._deadline = array("d")
        self._priority = array("d")
        self.start_day = array("d")
        self.end_day = array("d")
        self.cold_day = array("d")
        self._cold: list[int] = []

    def _enter(self, arrival_day: np.ndarray, effort_days: np.ndarray, patience_days: np.ndarray,
               priority: np.ndarray) -> range:
        """Open the records of newly submitted cases; returns their queue ids."""
        first = len(self._effort)
        for column, values in ((self._effort, effort_days), (self._deadline, arrival_day + patience_days),
                               (self._priority, priority)):
            column.frombytes(np.asarray(values, dtype=np.float64).tobytes())
        nan = _NAN * arrival_day.size
        self.start_day += nan
        self.end_day += nan
        self.cold_day += nan
        return range(first, first + arrival_day.size)

    def _recorded_days(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per case, the day its investigation started and ended and the day it went cold (NaN: never)."""
        return np.array(self.start_day), np.array(self.end_day), np.array(self.cold_day)

    def take_cold(self) -> np.ndarray:
        taken, self._cold = self._cold, []
        return np.asarray(taken, dtype=np.int64)
