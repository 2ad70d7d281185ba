"""Statistics across replications: Student-t intervals (95% by default) and paired changes.

Paired changes compare two sets of per-replication metrics run with common random numbers:
replication ``r`` of both shares its random streams, so the per-replication difference removes
most of the noise. The % change is the ratio of means minus one; its interval uses the delta
method on the paired replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# scipy.special, not scipy.stats: the model already imports scipy.special, while scipy.stats would
# add about a second to every command for this one quantile (stats.t.ppf calls stdtrit itself).
from scipy.special import stdtrit

LEVEL = 0.95

PAIRED_COLUMNS = ["baseline", "scenario", "difference", "difference_ci_low", "difference_ci_high", "change_pct",
                  "change_pct_ci_low", "change_pct_ci_high", "n"]
"""The value columns of ``paired_changes``, after the grouping columns and ``metric``."""


def t_half_width(std: pd.Series | np.ndarray, n: pd.Series | np.ndarray, level: float = LEVEL) -> np.ndarray:
    """Half-width of the t interval for a mean from ``n`` replications with sample sd ``std``."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = stdtrit(np.where(n > 1, n - 1, np.nan), 0.5 + level / 2)
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


def paired_changes(base: pd.DataFrame, scen: pd.DataFrame, keys: list[str], level: float = LEVEL) -> pd.DataFrame:
    """Paired differences of per-replication metrics that share ``replication`` and ``keys``.

    One row per metric (in ``base``'s column order) and group (sorted): each side's mean over its
    own replications; the difference and % change, with ``level`` intervals, over the replications
    where both sides have a value (``n``). A group present in one run only has no values in the
    other; a metric one side lacks (budget use without a scheme) keeps the other side's mean, no
    change, and that side's replication count as ``n``; a group with no value on either side is left out.
    """
    index = ["replication", *keys]
    b, s = base.set_index(index), scen.set_index(index)
    metrics = b.columns.intersection(s.columns)
    union = b.index.union(s.index)
    # Lay both sides out as cubes (group, replication, metric), NaN where a pair is missing, so every
    # statistic is one reduction over the replication axis instead of a loop over metrics and groups.
    rep_codes, reps = pd.factorize(union.get_level_values("replication"))
    if keys:
        group_codes, groups = pd.factorize(union.droplevel("replication"), sort=True)
    else:
        group_codes, groups = np.zeros(len(union), dtype=np.intp), None
    n_groups = int(group_codes.max()) + 1 if len(union) else 0
    shape = (n_groups, len(reps), len(metrics))
    cb, cs = np.full(shape, np.nan), np.full(shape, np.nan)
    cb[group_codes, rep_codes] = b.reindex(union)[metrics].to_numpy(dtype=float)
    cs[group_codes, rep_codes] = s.reindex(union)[metrics].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        stats = _paired_stats(cb, cs, level)
    # Rows metric by metric, groups in order within each: the order of the tables people read.
    keep = (~(np.isnan(cb).all(axis=1) & np.isnan(cs).all(axis=1))).T.ravel()
    columns: dict[str, object] = {}
    for i, key in enumerate(keys):
        columns[key] = np.tile(groups.get_level_values(i).to_numpy(), len(metrics))[keep]
    columns["metric"] = np.repeat(np.asarray(metrics, dtype=object), n_groups)[keep]
    for name, values in stats.items():
        columns[name] = values.T.ravel()[keep]
    return pd.DataFrame(columns, columns=[*keys, "metric", *PAIRED_COLUMNS])


def _paired_stats(b: np.ndarray, s: np.ndarray, level: float) -> dict[str, np.ndarray]:
    """The paired statistics over axis 1 (replications) of two cubes; arrays of shape (group, metric)."""
    fb, fs = np.isfinite(b), np.isfinite(s)
    both = fb & fs
    n = both.sum(axis=1)
    bb, ss = np.where(both, b, 0.0), np.where(both, s, 0.0)
    mean_b, mean_s = bb.sum(axis=1) / n, ss.sum(axis=1) / n
    diff = ss - bb
    mean_diff = diff.sum(axis=1) / n
    half = np.where(n > 1, t_half_width(_std(diff, mean_diff, both, n), n, level), np.nan)
    has_base = (n > 0) & (mean_b != 0)
    ratio = np.where(has_base, mean_s / mean_b, np.nan)
    # Delta method: var(mean(s) / mean(b)) ~ var(s - ratio * b) / (n mean(b)^2).
    resid = ss - ratio[:, None] * bb
    pct_half = np.where(has_base & (n > 1),
                        t_half_width(_std(resid, resid.sum(axis=1) / n, both, n), n, level) / np.abs(mean_b) * 100,
                        np.nan)
    change = (ratio - 1) * 100
    # A metric one side lacks (budget use without a scheme) is described by the other side alone: its
    # replication count is that side's, not the zero pairs.
    one_sided = ~(fb.any(axis=1) & fs.any(axis=1))
    n = np.where(one_sided, np.maximum(fb.sum(axis=1), fs.sum(axis=1)), n)
    return {"baseline": _mean_of_finite(b, fb), "scenario": _mean_of_finite(s, fs), "difference": mean_diff,
            "difference_ci_low": mean_diff - half, "difference_ci_high": mean_diff + half, "change_pct": change,
            "change_pct_ci_low": change - pct_half, "change_pct_ci_high": change + pct_half, "n": n}


def _mean_of_finite(values: np.ndarray, finite: np.ndarray) -> np.ndarray:
    """Each side's mean over its own replications (NaN where it has none)."""
    return np.where(finite, values, 0.0).sum(axis=1) / finite.sum(axis=1)


def _std(values: np.ndarray, mean: np.ndarray, mask: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sample standard deviation over axis 1 of the ``mask``ed values, two-pass like ``np.std(ddof=1)``."""
    deviation = np.where(mask, values - mean[:, None], 0.0)
    return np.sqrt((deviation ** 2).sum(axis=1) / (n - 1))


def ratio_of_means(numerator: np.ndarray, denominator: np.ndarray, level: float = LEVEL
                   ) -> tuple[float, float, float]:
    """mean(numerator) / mean(denominator) over paired replications, with a delta-method interval
    (as for the % change above); NaN where the denominator's mean is 0 or a side has no value."""
    keep = np.isfinite(numerator) & np.isfinite(denominator)
    num, den = numerator[keep], denominator[keep]
    n = num.size
    if n == 0 or den.mean() == 0:
        return np.nan, np.nan, np.nan
    ratio = num.mean() / den.mean()
    half = float(t_half_width(np.std(num - ratio * den, ddof=1), n, level)) / abs(den.mean()) if n > 1 else np.nan
    return ratio, ratio - half, ratio + half
