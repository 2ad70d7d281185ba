"""Paired comparison of two results run with common random numbers (see ``results.stats.paired_changes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from minsheng_insure.results.metrics import normalise_by
from minsheng_insure.results.stats import paired_changes

if TYPE_CHECKING:
    from minsheng_insure.results.result import SimulationResult


@dataclass(frozen=True)
class Comparison:
    """A scenario against a baseline; both share seed and replication count."""

    baseline: SimulationResult
    scenario: SimulationResult
    _tables: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Tables already computed, by grouping columns: every table and plot asks for the same few."""

    def table(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Per metric (and group): both means, the paired difference and % change with 95% CIs.

        By policy year, the baseline is grouped on the scenario's policy years (``on_calendar``), so a
        July-June policy year is set against the same twelve months of the baseline.
        """
        keys = normalise_by(by)
        key = tuple(keys)
        if key not in self._tables:
            baseline = self.baseline.on_calendar(self.scenario.scenario) if "policy_year" in keys else self.baseline
            self._tables[key] = paired_changes(baseline.metrics(keys), self.scenario.metrics(keys), keys)
        return self._tables[key].copy()  # a copy: a caller's change must not reach the next caller
