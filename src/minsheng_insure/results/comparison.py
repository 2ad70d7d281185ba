"""Paired comparison of two results run with common random numbers.

Replication ``r`` of both runs shares its random streams, so the per-replication difference
removes most of the noise. The % change is the ratio of means minus one; its interval uses the
delta method on the paired replications.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from minsheng_insure.results.metrics import normalise_by

if TYPE_CHECKING:
    from minsheng_insure.results.result import SimulationResult
from minsheng_insure.results.stats import t_half_width


@dataclass(frozen=True)
class Comparison:
    """A scenario against a baseline; both share seed and replication count."""

    baseline: SimulationResult
    scenario: SimulationResult

    def table(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Per metric (and group): both means, the paired difference and % change with 95% CIs."""
        return paired_changes(self.baseline.metrics(by), self.scenario.metrics(by), normalise_by(by))


def paired_changes(base: pd.DataFrame, scen: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Paired differences of per-replication metrics that share ``replication`` and ``keys``."""
    index = ["replication", *keys]
    base, scen = base.set_index(index), scen.set_index(index)
    union = base.index.union(scen.index)
    # A group present in one run only had no incidents in the other: counts there are zero.
    base, scen = base.reindex(union), scen.reindex(union)
    rows = []
    for metric in base.columns.intersection(scen.columns):
        pair = pd.DataFrame({"b": base[metric], "s": scen[metric]})
        for group, values in (pair.groupby(level=keys, observed=True) if keys else [((), pair)]):
            if values.isna().all().all():
                continue
            rows.append({**dict(zip(keys, group if isinstance(group, tuple) else (group,), strict=True)),
                         "metric": metric, **_paired(values["b"].to_numpy(), values["s"].to_numpy())})
    columns = [*keys, "metric", "baseline", "scenario", "difference", "difference_ci_low",
               "difference_ci_high", "change_pct", "change_pct_ci_low", "change_pct_ci_high", "n"]
    return pd.DataFrame(rows, columns=columns)


def _paired(b: np.ndarray, s: np.ndarray) -> dict[str, float]:
    """Means of each side over its own replications; difference and change over complete pairs.

    A metric one side lacks (budget use without a scheme) keeps the other side's mean and no change.
    """
    mb = float(np.nanmean(b)) if np.isfinite(b).any() else np.nan
    ms = float(np.nanmean(s)) if np.isfinite(s).any() else np.nan
    both = np.isfinite(b) & np.isfinite(s)
    b, s = b[both], s[both]
    n = int(both.sum())
    diff = s - b
    mean_diff = float(diff.mean()) if n else np.nan
    half = float(t_half_width(np.std(diff, ddof=1), n)) if n > 1 else np.nan
    ratio = s.mean() / b.mean() if n and b.mean() else np.nan
    if n > 1 and b.mean():
        # Delta method: var(mean(s) / mean(b)) ~ var(s - ratio * b) / (n mean(b)^2).
        pct_half = float(t_half_width(np.std(s - ratio * b, ddof=1), n)) / abs(b.mean()) * 100
    else:
        pct_half = np.nan
    change = (ratio - 1) * 100
    return {"baseline": mb, "scenario": ms, "difference": mean_diff, "difference_ci_low": mean_diff - half,
            "difference_ci_high": mean_diff + half, "change_pct": change, "change_pct_ci_low": change - pct_half,
            "change_pct_ci_high": change + pct_half, "n": n}
