"""Calibration targets as data: what a county reported, read from a TOML file.

A targets file lists figures a county published, each a % change of one statistic between two
periods (e.g. reported cases in 2017 Q1 against 2016 Q1), counted as the county counts it, with its
source; it may also give the prior range of a free parameter that has no sourced range in
``experiments.priors``::

    description = "Shenqiu, article of spring 2017, read as counts"

    [[targets]]
    statistic = "reported"     # any count, money or rate metric that exists by period (docs/metrics.md)
    counted_by = "event"       # "event": reports by report date, clearances by clearance date; "incident"
    period = "2017Q1"          # 2017Q1, 2017-03 (a month) or 2017 (a year)
    against = "2016Q1"         # the same kind of period
    change_pct = 38.3          # reported % change, period against the earlier one
    source = "article: ..."

    [priors."reporting.insured_aware_coefficient"]
    low = 0
    high = 40
    source = "assumption: why this range"

``simulated_changes`` computes each target's statistic from a simulation, paired by replication.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, field_validator, model_validator
from scipy.special import stdtrit

from minsheng_insure.model.calendar import DAYS_PER_YEAR, MONTH_DAYS, MONTH_START
from minsheng_insure.model.params import Params
from minsheng_insure.results.metrics import BUDGET, SAMARITAN
from minsheng_insure.results.registry import METRICS
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.results.stats import LEVEL, paired_changes
from minsheng_insure.scenario.errors import Problem, ScenarioError
from minsheng_insure.scenario.schema import Scenario

PERIOD_STATISTICS = tuple(name for name, metric in METRICS.items()
                          if name not in BUDGET and name not in SAMARITAN and metric.kind != "day"
                          and name not in ("scheme_cost_yuan", "complete"))
"""Metrics that exist for a year, quarter or month (budget figures exist only by policy year; ``complete``
is a flag, not a statistic)."""

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


def parse_period(text: str) -> tuple[str, int, int]:
    """``(granularity, year, number)`` of ``2017Q1`` (quarter 1), ``2017-03`` (month 3) or ``2017`` (year, 0)."""
    match = _PERIOD.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a period: write 2017Q1 (a quarter), 2017-03 (a month) or 2017 (a year)")
    if match["quarter"]:
        return "quarter", int(match["year"]), int(match["quarter"])
    if match["month"]:
        return "month", int(match["year"]), int(match["month"])
    return "year", int(match["year"]), 0


def period_end_day(text: str, start_year: int) -> float:
    """The day (from 1 January of ``start_year``) on which the period ``text`` ends."""
    granularity, year, number = parse_period(text)
    first = (year - start_year) * DAYS_PER_YEAR
    if granularity == "quarter":
        return float(first + (MONTH_START[3 * number] if number < 4 else DAYS_PER_YEAR))
    if granularity == "month":
        return float(first + MONTH_START[number - 1] + MONTH_DAYS[number - 1])
    return float(first + DAYS_PER_YEAR)


def period_start_day(text: str, start_year: int) -> float:
    """The day (from 1 January of ``start_year``) on which the period ``text`` starts."""
    granularity, year, number = parse_period(text)
    first = (year - start_year) * DAYS_PER_YEAR
    if granularity == "quarter":
        return float(first + MONTH_START[3 * (number - 1)])
    if granularity == "month":
        return float(first + MONTH_START[number - 1])
    return float(first)


class Target(Params):
    """One published figure: the % change of a statistic between two periods."""

    statistic: str = Field(description=f"A metric that exists by period: one of {', '.join(PERIOD_STATISTICS)}.")
    counted_by: Literal["event", "incident"] = Field(
        description="'event': each count in the period of its own date (reports by report date, registrations "
                    "by registration date, clearances by clearance date), as counties count; 'incident': by the "
                    "incident's date.")
    period: str = Field(description="The later period: 2017Q1, 2017-03 or 2017.")
    against: str = Field(description="The earlier period it is compared with, of the same kind.")
    change_pct: float = Field(description="The reported change, % (38.3 for +38.3%).")
    source: str = Field(min_length=1, description="Where the figure comes from, and how it is read.")

    @field_validator("statistic")
    @classmethod
    def _known_statistic(cls, value: str) -> str:
        if value not in PERIOD_STATISTICS:
            raise ValueError(f"'{value}' is not a metric that exists by period; use one of "
                             f"{', '.join(PERIOD_STATISTICS)}")
        return value

    @field_validator("period", "against")
    @classmethod
    def _a_period(cls, value: str) -> str:
        parse_period(value)
        return value

    @model_validator(mode="after")
    def _comparable_periods(self) -> Target:
        later, earlier = parse_period(self.period), parse_period(self.against)
        if later[0] != earlier[0]:
            raise ValueError(f"period {self.period} and against {self.against} are different kinds of period; "
                             "compare a quarter with a quarter, a month with a month, a year with a year")
        if later[1:] <= earlier[1:]:
            raise ValueError(f"against ({self.against}) must come before period ({self.period})")
        return self

    @property
    def name(self) -> str:
        """A short label: statistic, periods and counting, e.g. ``reported 2017Q1/2016Q1 (event)``."""
        return f"{self.statistic} {self.period}/{self.against} ({self.counted_by})"

    @property
    def granularity(self) -> str:
        return parse_period(self.period)[0]


class PriorRange(Params):
    """The range a free parameter is drawn from (uniformly), with its source."""

    low: float = Field(description="Lowest value.")
    high: float = Field(description="Highest value, above low.")
    source: str = Field(min_length=1, description="Where the range comes from, or 'assumption: why'.")

    @model_validator(mode="after")
    def _ordered(self) -> PriorRange:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        return self


class TargetsFile(Params):
    """A targets file (see the module docstring)."""

    description: str = Field("", description="What the targets are and how they are read.")
    targets: list[Target] = Field(min_length=1, description="The published figures, as [[targets]] tables.")
    priors: dict[str, PriorRange] = Field(
        default_factory=dict, description="Prior ranges of free parameters, by dotted key; these replace the "
                                          "built-in ranges of experiments.priors.")

    @field_validator("targets")
    @classmethod
    def _distinct(cls, targets: list[Target]) -> list[Target]:
        names = [t.name for t in targets]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"the same target is given twice: {', '.join(repeated)}; keep one")
        return targets


def load_targets(path: str | Path) -> TargetsFile:
    """Read and check a targets file; a ScenarioError names the file, the field and the fix."""
    from minsheng_insure.scenario.loading import read_toml
    from minsheng_insure.scenario.validation_errors import problems_of

    data = read_toml(Path(path))
    try:
        return TargetsFile.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(problems_of(e, data, {}, str(path), TargetsFile)) from None


def check_targets_fit(targets: TargetsFile, scenario: Scenario, path: str | Path) -> None:
    """Refuse targets the scenario cannot simulate: periods outside its run."""
    start, horizon = scenario.simulation.start_year, scenario.simulation.horizon_days
    problems = []
    for i, target in enumerate(targets.targets):
        for name in ("period", "against"):
            text = getattr(target, name)
            if period_start_day(text, start) < 0 or period_end_day(text, start) > horizon:
                problems.append(Problem(str(path), f"targets.{i}.{name}",
                                        f"{text} lies outside the run of {scenario.name} ({start}, "
                                        f"{horizon:g} days)", "name a period inside the run, or lengthen it"))
    if problems:
        raise ScenarioError(problems)


def window_days(targets: list[Target], start_year: int) -> float:
    """The run length that covers every target's periods (the run need not go further)."""
    return max(period_end_day(t.period, start_year) for t in targets)


def simulated_changes(result: SimulationResult, targets: list[Target],
                      statistics: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each target's simulated % change with its 95% CI and standard error, paired by replication.

    One row per target, plus one per extra ``statistics`` over the same periods and counting (these
    rows have no ``target_pct``). Columns: ``name``, ``statistic``, ``period``, ``against``,
    ``counted_by``, ``before``, ``after`` (means), ``change_pct``, ``change_pct_ci_low``,
    ``change_pct_ci_high``, ``se_pct``, ``n``, ``target_pct``, and ``complete``: both periods complete
    in every replication (``results.metrics.COMPLETENESS``).
    """
    rows = []
    wanted = [(t.statistic, t.period, t.against, t.counted_by, t.change_pct) for t in targets]
    pairs = dict.fromkeys((t.period, t.against, t.counted_by) for t in targets)
    wanted += [(s, *pair, np.nan) for pair in pairs for s in statistics
               if (s, *pair) not in {w[:4] for w in wanted}]
    for statistic, period, against, counted_by, target_pct in wanted:
        granularity = parse_period(period)[0]
        metrics = result.metrics(granularity, counted_by)
        before, after = _select(metrics, against), _select(metrics, period)
        row = paired_changes(before[["replication", statistic]], after[["replication", statistic]], []).iloc[0]
        complete = bool((before["complete"] == 1).all() and (after["complete"] == 1).all())
        half = (row["change_pct_ci_high"] - row["change_pct_ci_low"]) / 2
        quantile = stdtrit(row["n"] - 1, 0.5 + LEVEL / 2) if row["n"] > 1 else np.nan
        rows.append({"name": f"{statistic} {period}/{against} ({counted_by})", "statistic": statistic,
                     "period": period, "against": against, "counted_by": counted_by,
                     "before": row["baseline"], "after": row["scenario"], "change_pct": row["change_pct"],
                     "change_pct_ci_low": row["change_pct_ci_low"], "change_pct_ci_high": row["change_pct_ci_high"],
                     "se_pct": half / quantile, "n": int(row["n"]),
                     "target_pct": target_pct, "complete": complete})
    return pd.DataFrame(rows)


def _select(metrics: pd.DataFrame, period: str) -> pd.DataFrame:
    """The rows of a by-period metrics table for one period (the replication's zeros where none)."""
    granularity, year, number = parse_period(period)
    mask = metrics["year"] == year
    if granularity != "year":
        mask &= metrics[granularity] == number
    return metrics[mask]
