"""minsheng-insure: a discrete-event simulator of county social-order livelihood insurance (社会治安民生保险).

>>> from minsheng_insure import load_scenario, compare
>>> comparison = compare(load_scenario("scenarios/baseline.toml"),
...                      load_scenario("scenarios/shenqiu_2016.toml"), replications=20, seed=1)
>>> comparison.table()  # doctest: +SKIP
"""

from minsheng_insure.api import compare, simulate
from minsheng_insure.model.codebook import EVENT_COLUMNS
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = ["EVENT_COLUMNS", "Comparison", "Scenario", "ScenarioError", "SimulationResult", "__version__",
           "compare", "load_scenario", "simulate"]
