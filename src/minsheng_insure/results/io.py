"""Saving a result to a folder and loading it back, so reports can be rebuilt without re-running.

A result folder holds ``events.parquet``, ``samaritan.parquet``, ``timeline.parquet``, ``funds.parquet``,
``scenario.resolved.toml`` (the scenario after ``extends`` and overrides, with the package version
and seed in its header) and ``result.json`` (seed, replications, version).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from minsheng_insure.results.events import restore_categories, restore_fund_categories
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.scenario.loading import load_scenario, scenario_to_toml

RESULT_FILES = ("events.parquet", "samaritan.parquet", "timeline.parquet", "funds.parquet", "scenario.resolved.toml",
                "result.json")


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` without its index, dictionary-encoding only its categories.

    Parquet dictionary-encodes every column by default; the event log's days and yuan are nearly all
    distinct, so the dictionaries are built only to be thrown away: encoding just the categorical
    columns halves the time the event log takes to write, for a file of much the same size.
    """
    categories = [name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    frame.to_parquet(path, index=False, use_dictionary=categories or False)


def save_result(folder: Path, result: SimulationResult, version: str) -> None:
    """Write ``result`` into ``folder`` (which must exist)."""
    for name in ("events", "samaritan", "timeline", "funds"):
        write_parquet(getattr(result, name), folder / f"{name}.parquet")
    header = (f"Resolved scenario written by minsheng-insure {version}, seed {result.seed}, "
              f"{result.replications} replications.\n"
              f"Reproduce: minsheng run scenario.resolved.toml --seed {result.seed} -n {result.replications}")
    (folder / "scenario.resolved.toml").write_text(scenario_to_toml(result.scenario, header), encoding="utf-8")
    (folder / "result.json").write_text(json.dumps(
        {"version": version, "seed": result.seed, "replications": result.replications,
         "scenario": result.scenario.name}, indent=2), encoding="utf-8")


def load_result(folder: str | Path) -> SimulationResult:
    """A result saved by ``save_result`` (a folder's path, as text or a Path); raises FileNotFoundError
    naming a missing file."""
    folder = Path(folder)
    missing = [name for name in RESULT_FILES if not (folder / name).exists()]
    if missing:
        raise FileNotFoundError(f"{folder} is not a saved result: {', '.join(missing)} missing")
    info = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    scenario = load_scenario(folder / "scenario.resolved.toml")
    events, samaritan = restore_categories(pd.read_parquet(folder / "events.parquet"),
                                           pd.read_parquet(folder / "samaritan.parquet"), scenario)
    return SimulationResult(scenario=scenario, seed=int(info["seed"]), replications=int(info["replications"]),
                            events=events, samaritan=samaritan, timeline=pd.read_parquet(folder / "timeline.parquet"),
                            funds=restore_fund_categories(pd.read_parquet(folder / "funds.parquet")))
