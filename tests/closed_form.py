"""Closed-form references: the Erlang-A (M/M/c+M) queue, the compound Poisson sum (Panjer), paired % changes."""

from __future__ import annotations

import numpy as np
from scipy import stats


def erlang_a(arrival_rate: float, service_rate: float, servers: int, abandon_rate: float,
             max_queue: int = 20_000) -> tuple[float, float]:
    """Share of arrivals that abandon, and the mean time in queue of all arrivals (days).

    The M/M/c+M queue is a birth-death chain with death rate min(n, c) mu + max(n - c, 0) theta;
    its stationary law (truncated where the mass is negligible) gives the mean queue length, and
    Little's law and the abandonment flow give the two figures.
    """
    n = np.arange(1, servers + max_queue + 1)
    death = np.minimum(n, servers) * service_rate + np.maximum(n - servers, 0) * abandon_rate
    log_pi = np.concatenate([[0.0], np.cumsum(np.log(arrival_rate) - np.log(death))])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    states = np.arange(pi.size)
    mean_queue = float(pi @ np.maximum(states - servers, 0))
    return abandon_rate * mean_queue / arrival_rate, mean_queue / arrival_rate


def panjer_poisson(rate: float, severity_pmf: np.ndarray, max_units: int) -> np.ndarray:
    """Probability mass of a compound Poisson sum on the grid 0..max_units (Panjer recursion)."""
    f = np.zeros(max_units + 1)
    f[: min(severity_pmf.size, f.size)] = severity_pmf[: f.size]
    g = np.zeros(max_units + 1)
    g[0] = np.exp(rate * (f[0] - 1))
    j = np.arange(1, max_units + 1)
    for k in range(1, max_units + 1):
        g[k] = rate / k * float(np.dot(j[:k] * f[1: k + 1], g[k - 1:: -1][:k]))
    return g


def discretise_lognormal(median: float, sigma: float, step: float, units: int) -> np.ndarray:
    """Lognormal severity rounded to the nearest multiple of ``step`` (mass of [(k-1/2)h, (k+1/2)h))."""
    dist = stats.lognorm(s=sigma, scale=median)
    edges = (np.arange(units + 1) + 0.5) * step
    cdf = dist.cdf(edges)
    return np.diff(np.concatenate([[0.0], cdf]))


def paired_change_pct(before: np.ndarray, after: np.ndarray) -> tuple[float, float, float]:
    """% change of the mean of ``after`` over ``before`` (paired replications), with its 95% CI by the delta
    method, written out from the textbook formula rather than the code under test."""
    n = len(before)
    ratio = after.mean() / before.mean()
    residual = after - ratio * before
    half = stats.t.ppf(0.975, n - 1) * residual.std(ddof=1) / np.sqrt(n) / abs(before.mean()) * 100
    change = (ratio - 1) * 100
    return change, change - half, change + half
