"""Provenance: where every parameter value comes from, and its unit.

A scenario's ``[provenance]`` table maps a dotted key to its source: the article, a named survey
or paper with its year, or ``assumption: why``. An entry for a table covers every parameter under
it (``"crime_types.burglary.loss_yuan"`` covers its median and sigma), so a source need not be
repeated key by key; the most specific entry wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from minsheng_insure.scenario.schema import Scenario

NOT_PARAMETERS = {"name", "description", "provenance", "reported_figures"}
"""Top-level keys that describe the scenario (or what was reported of it) rather than parameterise it."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a resolved scenario."""

    key: str
    value: Any
    unit: str
    source: str | None


def parameters(scenario: Scenario) -> list[Parameter]:
    """Every parameter of ``scenario`` (defaults included) with its unit and source."""
    rows: list[Parameter] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):  # an empty table holds no parameter
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif not prefix.endswith((".dist", ".label_zh")):
            rows.append(Parameter(prefix, value, unit_of(prefix), source_of(scenario, prefix)))

    walk("", scenario.model_dump(exclude=NOT_PARAMETERS))
    return rows


def source_of(scenario: Scenario, key: str) -> str | None:
    """The most specific provenance entry that covers ``key``."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        entry = scenario.provenance.get(".".join(parts[:end]))
        if entry is not None and entry.strip():
            return entry
    return None


def missing_provenance(scenario: Scenario) -> list[str]:
    """Keys of parameters that no provenance entry covers."""
    return [p.key for p in parameters(scenario) if p.source is None]


UNITS = [
    ("rate_per_1000_households_per_year", "per 1,000 exposed households per year"),
    ("per_1000_insured_aware_per_year", "per 1,000 aware owners of a covered asset per year"),
    ("injuries_per_year", "injuries per year"),
    ("_yuan_per_", "yuan per year"),
    ("_yuan", "yuan"),
    ("series_clearances", "cold cases per arrest"),
    ("clearance_below", "probability (0-1)"),
    ("_days", "days"),
    ("_months", "months"),
    ("coefficient", "log-odds"),
    ("elasticity", "elasticity"),
    ("investigators", "investigators"),
    ("share", "share (0-1)"),
    ("coverage", "share (0-1)"),
    ("windows", "days"),
    ("probability", "probability (0-1)"),
    ("_gain", "share (0-1)"),
    ("_loss", "share (0-1)"),
    ("_boost", "share (0-1)"),
    ("pressure", "share (0-1)"),
    ("_rate", "share (0-1)"),
    ("seasonality", "monthly multipliers"),
    ("speedup", "multiplier"),
    ("multiplier", "multiplier"),
    ("_scale", "multiplier"),
    ("factor", "multiplier"),
    ("start_year", "calendar year"),
    ("townships", "townships"),
    ("villages", "villages"),
    ("households", "households"),
]


def unit_of(key: str) -> str:
    """The unit of a parameter, read from its dotted key (units live in key names)."""
    parts = key.split(".")
    if parts[-1] in ("sigma", "shape"):
        return "dimensionless (distribution shape)"
    for part in reversed(parts):
        for marker, unit in UNITS:
            if marker in part:
                return unit
    return ""
