"""Scenarios: the pydantic schema, TOML loading with ``extends`` and overrides, and errors.

The names are imported on first use: ``minsheng_insure.scenario.errors`` alone stays light, so the
command line can name a scenario error without loading the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minsheng_insure.lazy import lazy_exports

_EXPORTS = {
    "Problem": "minsheng_insure.scenario.errors",
    "Scenario": "minsheng_insure.scenario.schema",
    "ScenarioError": "minsheng_insure.scenario.errors",
    "SimulationParams": "minsheng_insure.scenario.schema",
    "load_scenario": "minsheng_insure.scenario.loading",
    "parameter_keys": "minsheng_insure.scenario.schema",
}
"""Each public name and the module that defines it."""

__all__ = ["Problem", "Scenario", "ScenarioError", "SimulationParams", "load_scenario", "parameter_keys"]

if TYPE_CHECKING:
    from minsheng_insure.scenario.errors import Problem, ScenarioError
    from minsheng_insure.scenario.loading import load_scenario
    from minsheng_insure.scenario.schema import Scenario, SimulationParams, parameter_keys


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
