"""Rejection ABC (approximate Bayesian computation) over a simulator's summary statistics.

Parameter sets are drawn from uniform priors by a Latin hypercube (every prior range is covered
evenly even with few draws), each set is simulated, and the sets whose statistics lie nearest the
observed ones are accepted: the nearest ``accept`` share of the draws. The distance is the
root-mean-square of each statistic's gap, in units of that statistic's simulation standard error
(the median over the draws), so a noisy statistic does not dominate a precise one::

    distance = sqrt(mean_k ((simulated_k - observed_k) / se_k) ** 2)

Written here rather than taken from pyabc or ELFI: both bring their own storage and schedulers
(pyabc a SQL database and optional redis, ELFI a graph engine) to what is a hundred lines over
numpy, and neither is needed for a simulator that already runs with common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from minsheng_insure.experiments.priors import Prior

Model = Callable[[dict[str, float]], tuple[np.ndarray, np.ndarray]]
"""A parameter set -> (simulated statistics, their standard errors), one entry per observed statistic."""
Mapper = Callable[[Model, Iterable[dict[str, float]]], Iterable[tuple[np.ndarray, np.ndarray]]]
"""``map`` or a process pool's ``map``: runs the model over the parameter sets, in order."""


def prior_draws(priors: list[Prior], draws: int, seed: int) -> pd.DataFrame:
    """``draws`` parameter sets, one column per prior, from a scrambled Latin hypercube."""
    from scipy.stats import qmc  # scipy.stats costs a second to import: only calibration needs it

    unit = qmc.LatinHypercube(d=len(priors), seed=np.random.default_rng(seed)).random(draws)
    return pd.DataFrame({p.key: p.values(unit[:, i]) for i, p in enumerate(priors)})


@dataclass(frozen=True)
class ABCResult:
    """Every draw with its statistics and distance, and which were accepted."""

    priors: list[Prior]
    statistics: list[str]
    observed: np.ndarray
    draws: pd.DataFrame
    """One row per draw: the parameters, each statistic, its standard error (``se:`` prefix), ``distance``
    and ``accepted``."""
    scale: np.ndarray
    """The standard error each statistic's gap is divided by."""
    threshold: float

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.priors]

    @property
    def accepted(self) -> pd.DataFrame:
        """The accepted draws, nearest first."""
        return self.draws[self.draws["accepted"]].sort_values("distance")

    def posterior(self, level: float = 0.95) -> pd.DataFrame:
        """Per free parameter: the prior range, and the accepted sets' median and central ``level`` interval."""
        accepted = self.accepted
        tail = (1 - level) / 2
        return pd.DataFrame([{
            "parameter": p.key, "prior_low": p.low, "prior_high": p.high,
            "median": float(accepted[p.key].median()), "low": float(accepted[p.key].quantile(tail)),
            "high": float(accepted[p.key].quantile(1 - tail)), "accepted": len(accepted), "draws": len(self.draws),
            "source": p.source,
        } for p in self.priors])

    def median(self) -> dict[str, float]:
        """The posterior median of each parameter (rounded for integer parameters)."""
        accepted = self.accepted
        return {p.key: float(np.round(accepted[p.key].median()) if p.integer else accepted[p.key].median())
                for p in self.priors}


def rejection_abc(model: Model, priors: list[Prior], statistics: list[str], observed: np.ndarray, draws: int,
                  accept: float, seed: int, mapper: Mapper = map,
                  progress: Callable[[int, int], None] | None = None) -> ABCResult:
    """Draw ``draws`` sets from the priors, simulate each with ``model`` and accept the nearest ``accept`` share.

    A draw whose statistics are not finite (a rate with nothing to divide by) is never accepted.
    At least two draws are accepted, so the spread is defined. ``progress`` is called with (draws
    simulated, draws) as they finish.
    """
    if not 0 < accept <= 1:
        raise ValueError(f"accept must be a share in (0, 1], got {accept}")
    observed = np.asarray(observed, dtype=float)
    table = prior_draws(priors, draws, seed)
    sets = [{k: float(v) for k, v in row.items()} for row in table.to_dict("records")]
    outputs = []
    for output in mapper(model, sets):
        outputs.append(output)
        if progress:
            progress(len(outputs), draws)
    simulated = np.array([o[0] for o in outputs], dtype=float).reshape(draws, len(statistics))
    errors = np.array([o[1] for o in outputs], dtype=float).reshape(draws, len(statistics))
    scale = np.nanmedian(np.where(errors > 0, errors, np.nan), axis=0)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)  # deterministic statistics: plain units
    distance = np.sqrt(np.mean(((simulated - observed) / scale) ** 2, axis=1))
    distance = np.where(np.isfinite(distance), distance, np.inf)
    keep = max(2, int(np.ceil(accept * draws)))
    threshold = float(np.sort(distance)[min(keep, draws) - 1])
    for j, name in enumerate(statistics):
        table[name] = simulated[:, j]
        table[f"se:{name}"] = errors[:, j]
    table["distance"] = distance
    table["accepted"] = (distance <= threshold) & np.isfinite(distance)
    return ABCResult(priors, statistics, observed, table, scale, threshold)
