"""Sensitivity analysis of a sweep (SALib): Sobol first-order and total indices, or Morris screening.

Each point's output is its mean over replications (with common random numbers the simulator is
then close to a deterministic function of the parameters, which is what the estimators assume).
Indices come with SALib's 95% bootstrap confidence half-widths, turned into intervals here.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from minsheng_insure.experiments.sweep import SweepSpec, salib_problem
from minsheng_insure.extras import require

Method = Literal["sobol", "morris"]


def sensitivity(table: pd.DataFrame, spec: SweepSpec, method: Method = "sobol",
                metrics: list[str] | None = None) -> pd.DataFrame:
    """Indices per metric and parameter, with 95% confidence intervals, from a sweep's tidy table."""
    require("SALib", "sweep", "sensitivity analysis")
    from SALib.analyze import morris, sobol

    if spec.sampler != method:
        raise ValueError(f"{method} indices need a sweep sampled with sampler = \"{method}\" "
                         f"(this one used {spec.sampler!r})")
    problem = salib_problem(spec)
    failed = sorted(table.loc[table["error"].fillna("") != "", "point"].unique())
    if failed:
        raise ValueError(f"points {failed[:10]} failed (see their error column); indices need every point")
    means = table.groupby("point")[metrics or spec.metrics].mean().sort_index()
    names = list(spec.parameters)
    rows = []
    for metric in metrics or spec.metrics:
        y = means[metric].to_numpy(dtype=float)
        if method == "sobol":
            si = sobol.analyze(problem, y, calc_second_order=spec.second_order, seed=spec.seed)
            for i, name in enumerate(names):
                rows.append({"metric": metric, "parameter": name,
                             **_interval("S1", si["S1"][i], si["S1_conf"][i]),
                             **_interval("ST", si["ST"][i], si["ST_conf"][i])})
        else:
            x = table.drop_duplicates("point").sort_values("point")[names].to_numpy(dtype=float)
            si = morris.analyze(problem, x, y, seed=spec.seed)
            for i, name in enumerate(names):
                rows.append({"metric": metric, "parameter": name,
                             **_interval("mu_star", si["mu_star"][i], si["mu_star_conf"][i]),
                             "mu": si["mu"][i], "sigma": si["sigma"][i]})
    return pd.DataFrame(rows)


def _interval(name: str, value: float, half: float) -> dict[str, float]:
    return {name: float(value), f"{name}_ci_low": float(value - half), f"{name}_ci_high": float(value + half)}
