"""Several scenarios against one baseline, each paired with it by common random numbers: a budget
ladder (the same scheme at 0, 75万, 150万, 300万 a year) or any set of alternatives."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.metrics import normalise_by
from minsheng_insure.results.result import SimulationResult

LADDER_COLUMNS = ["scenario_ci_low", "scenario_ci_high"]
"""Columns a ladder's table adds to a comparison's: the 95% CI of the scenario's own mean."""


@dataclass(frozen=True)
class Ladder:
    """A baseline and several scenarios run from one seed; each scenario's replication ``r`` shares
    its random numbers with the baseline's, so every difference is paired (``Comparison``)."""

    baseline: SimulationResult
    scenarios: tuple[SimulationResult, ...]
    _tables: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [r.scenario.name for r in self.scenarios]
        if len(set(names)) < len(names):
            raise ValueError(f"scenario names must differ to tell the rungs apart, got {names}")

    @cached_property
    def pairs(self) -> tuple[Comparison, ...]:
        """Each scenario against the baseline; the baseline's metrics are computed once for all."""
        return tuple(Comparison(self.baseline, s) for s in self.scenarios)

    @property
    def names(self) -> list[str]:
        return [r.scenario.name for r in self.scenarios]

    def budgets(self) -> list[float]:
        """Each scenario's budget of its first policy year, yuan (0 without cover): the ladder's x axis."""
        return [r.scenario.insurance.budget_for_year(0) if r.scenario.insurance.coverage else 0.0
                for r in self.scenarios]

    def table(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """One tidy table: per scenario, metric (and group), both means, the scenario's 95% CI, the
        paired difference and % change with 95% CIs, and the replication count."""
        keys = normalise_by(by)
        key = tuple(keys)
        if key not in self._tables:
            blocks = []
            for pair in self.pairs:
                own = pair.scenario.summary(keys)[[*keys, "metric", "ci_low", "ci_high"]].rename(
                    columns={"ci_low": "scenario_ci_low", "ci_high": "scenario_ci_high"})
                table = pair.table(keys).merge(own, on=[*keys, "metric"], how="left")
                table.insert(0, "scenario_name", pair.scenario.scenario.name)
                blocks.append(table)
            table = pd.concat(blocks, ignore_index=True)
            columns = [c for c in table.columns if c not in LADDER_COLUMNS]
            at = columns.index("scenario") + 1
            self._tables[key] = table[[*columns[:at], *LADDER_COLUMNS, *columns[at:]]]
        return self._tables[key].copy()
