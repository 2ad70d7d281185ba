"""Whether two scenarios can be compared replication by replication.

A paired comparison reads the difference between two runs as the scheme's effect. That holds only
when both simulate the same county over the same days of the same calendar: with a bigger county,
a longer run or another start year, +92% incidents would be printed as an effect of the scheme.
Levers such as cameras, auxiliary officers or the scheme itself may differ; that is the point.
"""

from __future__ import annotations

from typing import Any

from minsheng_insure.scenario.errors import Problem, ScenarioError
from minsheng_insure.scenario.schema import Scenario

MUST_MATCH = ("county.townships", "county.villages", "county.households", "county.assets",
              "simulation.horizon_days", "simulation.start_year")
"""Keys (or tables) that fix which county is simulated, and when."""


def check_comparable(baseline: Scenario, scenario: Scenario, baseline_name: str = "baseline",
                     scenario_name: str = "scenario") -> None:
    """Raise ScenarioError naming the first key that differs, if the two are not comparable."""
    b, s = baseline.model_dump(), scenario.model_dump()
    for key in MUST_MATCH:
        differs = _first_difference(key, _get(b, key), _get(s, key))
        if differs is not None:
            where, left, right = differs
            raise ScenarioError([Problem(scenario_name, where, f"differs from {baseline_name} ({right!r} against "
                                         f"{left!r}), so the comparison would not isolate the scheme",
                                         "compare scenarios of the same county, horizon and start year (make one "
                                         "extend the other)")])


def _get(data: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        data = data[part]
    return data


def _first_difference(key: str, left: Any, right: Any) -> tuple[str, Any, Any] | None:
    """The dotted key of the first leaf where ``left`` and ``right`` differ, with both values."""
    if isinstance(left, dict) and isinstance(right, dict):
        for k in sorted(set(left) | set(right)):
            if k not in left or k not in right:
                return f"{key}.{k}", left.get(k, "(absent)"), right.get(k, "(absent)")
            found = _first_difference(f"{key}.{k}", left[k], right[k])
            if found is not None:
                return found
        return None
    return None if left == right else (key, left, right)
