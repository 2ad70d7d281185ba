"""Scenarios: the pydantic schema, TOML loading with ``extends`` and overrides, and errors."""

from minsheng_insure.scenario.errors import Problem, ScenarioError
from minsheng_insure.scenario.loading import load_scenario
from minsheng_insure.scenario.schema import Scenario, SimulationParams, parameter_keys

__all__ = ["Problem", "Scenario", "ScenarioError", "SimulationParams", "load_scenario", "parameter_keys"]
