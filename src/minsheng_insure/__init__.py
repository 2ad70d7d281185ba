"""minsheng-insure: a discrete-event simulator of county social-order livelihood insurance (社会治安民生保险).

>>> from minsheng_insure import load_scenario, compare
>>> comparison = compare(load_scenario("scenarios/baseline.toml"),
...                      load_scenario("scenarios/shenqiu_2016.toml"), replications=20, seed=1)
>>> comparison.table()  # doctest: +SKIP

The names below are imported on first use, so ``import minsheng_insure`` and ``minsheng --help``
do not pay for pandas, scipy and pydantic before they are needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from minsheng_insure.lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "EVENT_COLUMNS": "minsheng_insure.model.codebook",
    "Comparison": "minsheng_insure.results.comparison",
    "Scenario": "minsheng_insure.scenario.schema",
    "ScenarioError": "minsheng_insure.scenario.errors",
    "SimulationResult": "minsheng_insure.results.result",
    "Ladder": "minsheng_insure.results.ladder",
    "compare": "minsheng_insure.api",
    "decompose": "minsheng_insure.api",
    "ladder": "minsheng_insure.api",
    "load_scenario": "minsheng_insure.scenario.loading",
    "simulate": "minsheng_insure.api",
}
"""Each public name and the module that defines it."""

__all__ = ["EVENT_COLUMNS", "Comparison", "Ladder", "Scenario", "ScenarioError", "SimulationResult", "__version__",
           "compare", "decompose", "ladder", "load_scenario", "simulate"]

if TYPE_CHECKING:
    from minsheng_insure.api import compare, decompose, ladder, simulate
    from minsheng_insure.model.codebook import EVENT_COLUMNS
    from minsheng_insure.results.comparison import Comparison
    from minsheng_insure.results.ladder import Ladder
    from minsheng_insure.results.result import SimulationResult
    from minsheng_insure.scenario.errors import ScenarioError
    from minsheng_insure.scenario.loading import load_scenario
    from minsheng_insure.scenario.schema import Scenario


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
