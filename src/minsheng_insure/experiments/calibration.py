"""Calibrating a scenario to what its county reported: the set of fits, and what it predicts.

The targets come from a file (``experiments.targets``): each a % change of a statistic between
two periods, counted as the county counts it. Shenqiu reported that by the end of March 2017,
against a year before, reporting was up 38.3% and clearance up 52.1% (截至3月底,全县报案率和破案率
同比上升38.3%和52.1%); ``calibration/shenqiu_counts.toml`` reads both as counts of reported and
cleared cases (a report in the quarter it was made, a clearance in the quarter it was cleared),
``calibration/shenqiu_rates.toml`` as the reporting rate (reported / incidents) and the clearance
rate (破案率, cleared / registered).

The free parameters are fitted by rejection ABC (``experiments.rejection_abc``): parameter sets
drawn from their prior ranges, every set simulated with the same seed (common random numbers, so
differences between sets are the parameters', not noise), and the sets nearest the targets
accepted. The run is cut at the end of the latest target period: nothing after it changes the
targets. Then:

- the **fit check**: the scenario at the posterior median, simulated again, gives each target's
  change with its 95% CI (and the other counts and rates over the same periods, which the fit did
  not see);
- the **posterior predictive** of what a planner asks (the reported and cleared change, the first
  policy year's loss ratio and share of valid claims paid) at several budgets, over the accepted
  sets: the median and the central 95% of the sets' means.

``write_calibration`` writes the posterior median into the scenario, with its interval as
provenance, only when every target lies inside its 95% CI at the median.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from minsheng_insure.api import simulate
from minsheng_insure.experiments.priors import SOURCED_RANGES, Prior
from minsheng_insure.experiments.rejection_abc import ABCResult, Mapper, rejection_abc
from minsheng_insure.experiments.targets import Target, TargetsFile, simulated_changes, window_days
from minsheng_insure.model.calendar import DAYS_PER_YEAR
from minsheng_insure.scenario.schema import Scenario

BUDGETS_YUAN = (0.0, 750_000.0, 1_500_000.0, 3_000_000.0)
"""Budgets the posterior predictive is given at by default: none, half, Shenqiu's 150万 and twice it."""
CHANGES = ("reported", "cleared")
"""Counts whose change (over the first target's periods) the posterior predictive gives."""
POLICY_YEAR_OUTPUTS = ("loss_ratio", "valid_claims_paid_share")
"""First-policy-year figures the posterior predictive gives."""
CHECKED = ("reported", "registered", "cleared", "reporting_rate", "clearance_rate")
"""Statistics the fit check shows over each target's periods, targets or not."""


class CalibrationNotWritten(Exception):
    """The fit does not reproduce the targets within its CIs, so the scenario was left as it was."""


@dataclass(frozen=True)
class TargetModel:
    """Simulates one parameter set: each target's change and its standard error (picklable for workers)."""

    scenario: Scenario
    targets: list[Target]
    replications: int
    seed: int

    def __call__(self, parameters: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        result = simulate(self.scenario.with_overrides(parameters), self.replications, self.seed)
        table = simulated_changes(result, self.targets)
        return table["change_pct"].to_numpy(), table["se_pct"].to_numpy()


@dataclass(frozen=True)
class PlannerModel:
    """Simulates one parameter set at one budget: the planner's outputs, means over replications."""

    scenario: Scenario
    targets: list[Target]
    replications: int
    seed: int

    def __call__(self, job: tuple[dict[str, float], float]) -> dict[str, float]:
        parameters, budget = job
        scenario = self.scenario.with_overrides({**parameters, **budget_override(self.scenario, budget)})
        result = simulate(scenario, self.replications, self.seed)
        changes = simulated_changes(result, self.targets[:1], CHANGES).set_index("statistic")
        years = result.metrics("policy_year")
        first = years[years["policy_year"] == 0]
        outputs = {f"{name}_change_pct": float(changes.loc[name, "change_pct"]) for name in CHANGES}
        for name in POLICY_YEAR_OUTPUTS:
            outputs[name] = float(first[name].mean()) if len(first) else np.nan
        return outputs


def budget_override(scenario: Scenario, budget: float) -> dict[str, Any]:
    """The override that gives the property scheme ``budget`` yuan a year (replacing any schedule)."""
    if scenario.insurance.budget_schedule_yuan:
        return {"insurance.budget_schedule_yuan": [budget]}
    return {"insurance.budget_yuan": budget}


@dataclass(frozen=True)
class Calibration:
    """The outcome of ``calibrate``: the ABC draws, the fit check and the posterior predictive."""

    scenario_name: str
    targets: TargetsFile
    targets_path: str
    abc: ABCResult
    check: pd.DataFrame
    """At the posterior median: each target's and each ``CHECKED`` statistic's change over the targets'
    periods, with its 95% CI (``simulated_changes`` columns), and the accepted sets' 95% interval of
    each target (``accepted_low``, ``accepted_high``)."""
    predictive: pd.DataFrame
    """Per budget and output: ``median``, ``low``, ``high`` over the accepted sets' means, and ``sets``."""
    replications: int
    seed: int
    window_days: float
    county_years: float
    """Simulated county-years: replications x run length, summed over every simulation."""
    seconds: float

    @property
    def parameters(self) -> dict[str, float]:
        """The posterior median of each free parameter."""
        return self.abc.median()

    def contains_targets(self) -> dict[str, bool]:
        """Whether each target lies inside its 95% CI at the posterior median."""
        rows = self.check[self.check["target_pct"].notna()]
        return {r.name: bool(r.change_pct_ci_low <= r.target_pct <= r.change_pct_ci_high)
                for r in rows.itertuples(index=False)}

    def missed(self) -> list[str]:
        """One line per target outside its 95% CI at the posterior median."""
        rows = self.check.set_index("name")
        return [f"{name}: {_change(rows.loc[name])} does not contain the target {rows.loc[name, 'target_pct']:+.1f}%"
                for name, inside in self.contains_targets().items() if not inside]


def resolve_priors(free: list[tuple[str, tuple[float, float] | None]], scenario: Scenario,
                   targets: TargetsFile) -> list[Prior]:
    """The priors of the free parameters: bounds given, else the targets file's, else the sourced ones.

    Raises ValueError naming the key and the fix for an unknown or non-numeric key, or one without a range.
    """
    priors = []
    for key, bounds in free:
        current = _read(scenario, key)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise ValueError(f"{key}: not a numeric parameter of {scenario.name} (got {current!r}). "
                             "Fix: free a number, e.g. reporting.insured_aware_coefficient")
        if bounds is not None:
            low, high = bounds
            source = "bounds given on the command line"
        elif key in targets.priors:
            low, high, source = targets.priors[key].low, targets.priors[key].high, targets.priors[key].source
        elif key in SOURCED_RANGES:
            low, high, source = SOURCED_RANGES[key].low, SOURCED_RANGES[key].high, SOURCED_RANGES[key].source
        else:
            raise ValueError(f"{key}: no sourced range is known for it. Fix: give one, --free {key}=LOW:HIGH, "
                             "or add it under [priors] in the targets file")
        if not low < high:
            raise ValueError(f"{key}: the range {low:g}:{high:g} is empty. Fix: give LOW below HIGH")
        priors.append(Prior(key, float(low), float(high), source, integer=isinstance(current, int)))
    keys = [p.key for p in priors]
    if len(set(keys)) < len(keys):
        raise ValueError(f"a parameter is freed twice: {', '.join(sorted({k for k in keys if keys.count(k) > 1}))}. "
                         "Fix: name each once")
    return priors


def calibrate(
    scenario: Scenario, targets: TargetsFile, priors: list[Prior], targets_path: str = "targets",
    replications: int = 16, draws: int = 256, accept: float = 0.1, seed: int = 0, workers: int = 1,
    budgets: tuple[float, ...] = BUDGETS_YUAN, predictive_sets: int = 40, predictive_replications: int | None = None,
    progress: Callable[[str], None] | None = None, draws_done: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Fit ``priors`` to ``targets`` by rejection ABC; check the fit and give its posterior predictive.

    Every simulation uses ``seed`` (common random numbers). The predictive uses up to
    ``predictive_sets`` accepted sets (the nearest), ``predictive_replications`` each (default: half
    of ``replications``, at least 2), per budget: the spread across sets is what it shows.
    """
    predictive_replications = predictive_replications or max(2, replications // 2)
    say = progress or (lambda line: None)
    started = time.perf_counter()
    start_year, horizon = scenario.simulation.start_year, scenario.simulation.horizon_days
    window = min(window_days(targets.targets, start_year), horizon)
    fitted = _cut(scenario, window)
    with _mapper(workers) as mapper:
        say(f"ABC: {draws} draws x {replications} replications over {window:g} days, {workers} worker(s)")
        model = TargetModel(fitted, targets.targets, replications, seed)
        abc = rejection_abc(model, priors, [t.name for t in targets.targets],
                            np.array([t.change_pct for t in targets.targets]), draws, accept, seed, mapper,
                            draws_done)
        say(f"ABC: {int(abc.draws['accepted'].sum())} accepted, distance at most {abc.threshold:.2f} "
            f"({time.perf_counter() - started:.0f} s)")
        median = abc.median()
        check = simulated_changes(simulate(fitted.with_overrides(median), replications, seed), targets.targets,
                                  CHECKED)
        accepted = abc.accepted
        check["accepted_low"] = [accepted[n].quantile(0.025) if n in accepted else np.nan for n in check["name"]]
        check["accepted_high"] = [accepted[n].quantile(0.975) if n in accepted else np.nan for n in check["name"]]
        sets = accepted.head(predictive_sets)[abc.keys].to_dict("records")
        predictive_window = _predictive_window(scenario, window)
        say(f"posterior predictive: {len(sets)} accepted sets x {len(budgets)} budgets x "
            f"{predictive_replications} replications over {predictive_window:g} days")
        planner = PlannerModel(_cut(scenario, predictive_window), targets.targets, predictive_replications, seed)
        jobs = [(s, b) for b in budgets for s in sets]
        outputs = pd.DataFrame(list(mapper(planner, jobs)))
    outputs.insert(0, "budget_yuan", [budget for _, budget in jobs])
    county_years = (draws * replications * window + replications * window
                    + len(jobs) * predictive_replications * predictive_window) / DAYS_PER_YEAR
    return Calibration(scenario.name, targets, targets_path, abc, check, _predictive_table(outputs), replications,
                       seed, window, county_years, time.perf_counter() - started)


def _predictive_table(outputs: pd.DataFrame) -> pd.DataFrame:
    """Median and central 95% of the accepted sets' means, per budget and output."""
    long = outputs.melt(id_vars="budget_yuan", var_name="output", value_name="value")
    grouped = long.groupby(["budget_yuan", "output"], sort=False)["value"]
    return pd.DataFrame({"median": grouped.median(), "low": grouped.quantile(0.025),
                         "high": grouped.quantile(0.975), "sets": grouped.count()}).reset_index()


def _predictive_window(scenario: Scenario, window: float) -> float:
    """The run length that covers the targets and the scheme's first policy year (within the scenario's run)."""
    needed = window
    if scenario.insurance.coverage:
        needed = max(needed, scenario.insurance.policy_year_end(0))
    return min(needed, scenario.simulation.horizon_days)


def _cut(scenario: Scenario, days: float) -> Scenario:
    """``scenario`` run for ``days`` only (nothing after a period changes what happened in it)."""
    if days >= scenario.simulation.horizon_days:
        return scenario
    return scenario.with_overrides({"simulation.horizon_days": days})


@contextmanager
def _mapper(workers: int) -> Iterator[Mapper]:
    """``map`` in this process, or over a pool of ``workers`` processes (results do not depend on which)."""
    if workers == 1:
        yield map
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield lambda fn, items: pool.map(fn, items, chunksize=1)


def _read(scenario: Scenario, key: str) -> object:
    node: object = scenario
    for part in key.split("."):
        try:
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        except (KeyError, AttributeError):
            raise ValueError(f"{key}: no such parameter in {scenario.name}. Fix: use a dotted key listed in "
                             "docs/parameters.md, e.g. reporting.insured_aware_coefficient") from None
    return node


def _change(row: pd.Series) -> str:
    return f"{row['change_pct']:+.1f}% [{row['change_pct_ci_low']:+.1f}, {row['change_pct_ci_high']:+.1f}]"


def provenance_text(calibration: Calibration) -> dict[str, str]:
    """Provenance entries for the fitted parameters: method, targets, posterior interval and the fit check."""
    abc = calibration.abc
    rows = calibration.check.set_index("name")
    targets = "; ".join(f"{t.name} {t.change_pct:+.1f}% ({t.source})" for t in calibration.targets.targets)
    fit = "; ".join(f"{t.name} {_change(rows.loc[t.name])} vs {t.change_pct:+.1f}%"
                    for t in calibration.targets.targets)
    posterior = abc.posterior().set_index("parameter")
    method = (f"calibrated by minsheng calibrate (rejection ABC: {len(abc.accepted)} of {len(abc.draws)} draws "
              f"accepted, {calibration.replications} replications each, seed {calibration.seed}, common random "
              f"numbers) to {calibration.targets_path}: {targets}")
    return {p.key: (f"{method}. Posterior median {posterior.loc[p.key, 'median']:.6g}, 95% interval "
                    f"[{posterior.loc[p.key, 'low']:.4g}, {posterior.loc[p.key, 'high']:.4g}] (prior "
                    f"{p.low:g}-{p.high:g}: {p.source}). At the median: {fit}")
            for p in abc.priors}


def write_calibration(path: Path, calibration: Calibration) -> None:
    """Write the posterior median and its provenance into a scenario file, keeping its comments.

    Raises CalibrationNotWritten, leaving the file as it was, when a target lies outside its 95% CI
    at the median.
    """
    missed = calibration.missed()
    if missed:
        raise CalibrationNotWritten(
            f"{path} not written: at the posterior median " + "; ".join(missed)
            + ". Fix: free another parameter or widen a prior range, or run more draws (--draws) and "
              "replications (-n); see the fit check above")
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


def save_calibration(calibration: Calibration, folder: Path) -> list[Path]:
    """Write the draws, accepted sets, posterior, fit check, predictive table and pairs plot to ``folder``."""
    from minsheng_insure.experiments.calibration_plots import pairs_plot

    folder.mkdir(parents=True, exist_ok=True)
    tables = {"draws": calibration.abc.draws, "accepted": calibration.abc.accepted,
              "posterior": calibration.abc.posterior(), "fit_check": calibration.check,
              "predictive": calibration.predictive}
    written = []
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
        written.append(folder / f"{name}.csv")
    written.append(pairs_plot(calibration.abc, folder / "pairs"))
    return written
