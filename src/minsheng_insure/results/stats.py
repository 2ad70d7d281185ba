"""Confidence intervals across replications (Student t, 95% by default)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

LEVEL = 0.95


def t_half_width(std: pd.Series | np.ndarray, n: pd.Series | np.ndarray, level: float = LEVEL) -> np.ndarray:
    """Half-width of the t interval for a mean from ``n`` replications with sample sd ``std``."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
        return quantile * np.asarray(std, dtype=float) / np.sqrt(n)


def mean_ci(frame: pd.DataFrame, keys: list[str], level: float = LEVEL) -> pd.DataFrame:
    """Mean, 95% CI and replication count of every column of ``frame`` by ``keys``, in long form.

    NaN values (a rate with nothing to divide by) are left out of their metric's count; a metric
    with no value at all in a group is left out.
    """
    grouped = frame.groupby(keys, observed=True, sort=True) if keys else frame.groupby(lambda _: 0)
    mean, std, n = grouped.mean(), grouped.std(), grouped.count()
    long = pd.DataFrame({
        "mean": mean.stack(future_stack=True),
        "std": std.stack(future_stack=True),
        "n": n.stack(future_stack=True),
    })
    half = t_half_width(long["std"], long["n"], level)
    long["ci_low"] = long["mean"] - half
    long["ci_high"] = long["mean"] + half
    long.index = long.index.set_names([*keys, "metric"] if keys else ["_", "metric"])
    long = long[long["n"] > 0].reset_index()  # a metric that does not apply to a group (budget before a scheme)
    if not keys:
        long = long.drop(columns="_")
    return long[[*keys, "metric", "mean", "ci_low", "ci_high", "n"]]
