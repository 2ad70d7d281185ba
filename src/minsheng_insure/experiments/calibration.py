"""Calibrating a scheme to what its county reported, year on year.

Shenqiu reported that by the end of March 2017, compared with a year before, reporting was up
38.3% and clearance up 52.1% (截至3月底,全县报案率和破案率同比上升38.3%和52.1%). We read both
as counts, reported cases and cleared cases in the first quarter, counted as a county counts them:
a report in the quarter it was made, a clearance in the quarter the case was cleared
(``counted_by="event"``). A county sees the cases reported to it and the cases it clears, but not
the dark figure of unreported incidents that a reporting *rate* needs, and a 52% rise of the
clearance *rate* in one year would need cleared cases to double. Both readings are reported.

The fit moves a few free parameters, one at a time, each to the value at which its target
metric's simulated change crosses the reported figure (bisection on a fixed seed, so common
random numbers make the objective deterministic), for a few rounds. Each target is paired with
the parameter that drives it most: the insured-and-aware reporting uplift with reported cases,
the accountability gain with cleared cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from scipy.optimize import brentq

from minsheng_insure.api import simulate
from minsheng_insure.scenario.schema import Scenario

ARTICLE = "article (Zhoukou counties interview, 2017): 截至3月底,全县报案率和破案率同比上升38.3%和52.1%"


@dataclass(frozen=True)
class Target:
    """A reported year-on-year change (%) of a metric in one quarter, and the parameter that drives it."""

    metric: str
    change_pct: float
    parameter: str
    bounds: tuple[float, float]


SHENQIU_TARGETS = (
    Target("reported", 38.3, "reporting.insured_aware_coefficient", (0.0, 40.0)),
    Target("cleared", 52.1, "accountability.gain_investigators", (0.0, 10.0)),
)


@dataclass
class Calibration:
    """The fitted parameters and what the simulator gives with them."""

    parameters: dict[str, float]
    table: pd.DataFrame
    """Simulated year-on-year changes (counts and rates) for the target quarter, with 95% CIs."""
    targets: tuple[Target, ...]
    replications: int
    seed: int
    year: int
    quarter: int
    evaluations: int = 0
    history: list[dict[str, float]] = field(default_factory=list)

    def errors(self) -> dict[str, float]:
        """Simulated minus reported change, percentage points, per target metric."""
        rows = self.table.set_index("metric")
        return {t.metric: float(rows.loc[t.metric, "change_pct"] - t.change_pct) for t in self.targets}

    def contains_targets(self) -> dict[str, bool]:
        """Whether each reported figure lies inside the simulated 95% CI."""
        rows = self.table.set_index("metric")
        return {t.metric: bool(rows.loc[t.metric, "change_pct_ci_low"] <= t.change_pct
                               <= rows.loc[t.metric, "change_pct_ci_high"]) for t in self.targets}


def quarter_changes(scenario: Scenario, replications: int, seed: int, year: int, quarter: int,
                    workers: int = 1, counted_by: str = "event") -> pd.DataFrame:
    """Year-on-year changes of counts and rates in one quarter (e.g. 2017 Q1 against 2016 Q1),
    each count by the date of its own event unless ``counted_by="incident"``."""
    table = simulate(scenario, replications, seed, workers).period_change("quarter", counted_by)
    rows = table[(table["year"] == year) & (table["quarter"] == quarter)]
    keep = ["incidents", "reported", "registered", "cleared", "reporting_rate", "clearance_rate",
            "cleared_per_incident"]
    return rows[rows["metric"].isin(keep)].reset_index(drop=True)


def calibrate(
    scenario: Scenario, targets: tuple[Target, ...] = SHENQIU_TARGETS, replications: int = 10, seed: int = 0,
    year: int = 2017, quarter: int = 1, rounds: int = 2, tolerance: float = 0.5, workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Calibration:
    """Fit each target's parameter so that the simulated change of its metric matches the target."""
    values = {t.parameter: float(_read(scenario, t.parameter)) for t in targets}
    history: list[dict[str, float]] = []

    def change(metric: str, trial: dict[str, float]) -> float:
        table = quarter_changes(scenario.with_overrides(trial), replications, seed, year, quarter, workers)
        value = float(table.set_index("metric").loc[metric, "change_pct"])
        history.append({**trial, metric: value})
        if progress:
            progress(f"{metric}: {value:+.1f}% at " + ", ".join(f"{k}={v:.3f}" for k, v in trial.items()))
        return value

    for _ in range(rounds):
        for t in targets:
            def gap(x: float, t: Target = t) -> float:
                return change(t.metric, {**values, t.parameter: x}) - t.change_pct

            low, high = t.bounds
            g_low, g_high = gap(low), gap(high)
            if g_low * g_high > 0:  # the target is out of reach: take the closer end
                values[t.parameter] = low if abs(g_low) < abs(g_high) else high
                continue
            values[t.parameter] = brentq(gap, low, high, xtol=1e-3, rtol=1e-4, maxiter=30)
        fitted = scenario.with_overrides(values)
        table = quarter_changes(fitted, replications, seed, year, quarter, workers)
        result = Calibration(values.copy(), table, targets, replications, seed, year, quarter, len(history), history)
        if all(abs(e) <= tolerance for e in result.errors().values()):
            break
    return result


def _read(scenario: Scenario, key: str) -> object:
    node: object = scenario
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def provenance_text(calibration: Calibration) -> dict[str, str]:
    """Provenance entries for the fitted parameters: targets, fit, errors and CIs."""
    rows = calibration.table.set_index("metric")
    summary = "; ".join(
        f"{t.metric} {rows.loc[t.metric, 'change_pct']:+.1f}% [{rows.loc[t.metric, 'change_pct_ci_low']:+.1f}, "
        f"{rows.loc[t.metric, 'change_pct_ci_high']:+.1f}] vs {t.change_pct:+.1f}%" for t in calibration.targets)
    return {t.parameter: (f"calibrated by minsheng calibrate to {ARTICLE}, read as counts of "
                          f"{calibration.year} Q{calibration.quarter} against the year before, each counted on "
                          f"its report or clearance date "
                          f"({calibration.replications} replications, seed {calibration.seed}): {summary}")
            for t in calibration.targets}


def write_calibration(path: Path, calibration: Calibration) -> None:
    """Write the fitted values and their provenance into a scenario file, keeping its comments."""
    text = path.read_text(encoding="utf-8")
    for key, value in calibration.parameters.items():
        table, name = key.rsplit(".", 1)
        text = set_toml_value(text, table, name, f"{value:.6g}")
    for key, source in provenance_text(calibration).items():
        text = set_toml_value(text, "provenance", f'"{key}"', '"' + source.replace('"', "'") + '"')
    path.write_text(text, encoding="utf-8")


def set_toml_value(text: str, table: str, key: str, value: str) -> str:
    """Set ``key = value`` in ``[table]`` of a TOML text, adding the key (or the table) if absent."""
    lines = text.splitlines()
    header = f"[{table}]"
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        return text.rstrip("\n") + f"\n\n{header}\n{key} = {value}\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    for i in range(start + 1, end):
        if lines[i].split("=", 1)[0].strip() == key:
            lines[i] = f"{key} = {value}"
            return "\n".join(lines) + "\n"
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    lines.insert(end, f"{key} = {value}")
    return "\n".join(lines) + "\n"
