"""What a run returns: the event log, and metrics and summaries derived from it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from minsheng_insure.results.metrics import compute_metrics, normalise_by
from minsheng_insure.results.stats import mean_ci
from minsheng_insure.scenario.schema import Scenario


@dataclass(frozen=True)
class SimulationResult:
    """The outcome of ``simulate``: replications of one scenario from one seed."""

    scenario: Scenario
    seed: int
    replications: int
    events: pd.DataFrame
    """One row per incident per replication; columns in ``results.events.EVENT_COLUMNS``."""

    def metrics(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Per-replication metrics, optionally by year, quarter, month, policy_year, crime_type,
        asset_class or township (several may be combined)."""
        return compute_metrics(self.events, self.scenario, by)

    def summary(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Mean and 95% confidence interval of every metric across replications, in long form."""
        metrics = self.metrics(by).drop(columns="replication")
        return mean_ci(metrics, normalise_by(by))
