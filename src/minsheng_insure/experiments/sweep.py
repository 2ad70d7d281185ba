"""Parameter sweeps: sample points, run each on a local pool or a Dask cluster, keep every result.

A sweep spec names a base scenario, the parameters to vary (dotted keys, with a range or a list
of values), a sampler, the number of samples, replications per point, a seed and the metrics to
keep. Points are evaluated in chunks; each finished chunk is written as its own Parquet file in
the output folder, so a sweep that is killed and started again runs only the missing points and
ends with the same table. A point that fails is recorded with its error; the others go on.

Results never depend on the executor or the number of workers: a point's random numbers come
from the spec's seed (and, without common random numbers, the point's index) alone.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from minsheng_insure.extras import require
from minsheng_insure.scenario.errors import Problem, ScenarioError

Sampler = Literal["grid", "random", "lhs", "sobol", "morris"]
Model = Callable[[dict[str, Any], int, int], dict[str, list[float]]]
"""A model evaluates a point: (parameter values, replications, seed) -> metric -> one value per replication."""


class Parameter(BaseModel):
    """One varied parameter: a range (``low``, ``high``) or a list of ``values``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float | None = None
    high: float | None = None
    values: list[Any] | None = None
    levels: int = Field(5, ge=2, description="Grid levels across a range.")
    integer: bool = Field(False, description="Round sampled values to whole numbers (investigators...).")

    @model_validator(mode="after")
    def _range_or_values(self) -> Parameter:
        has_range = self.low is not None and self.high is not None
        if has_range == (self.values is not None):
            raise ValueError("give either low and high, or values")
        if has_range and self.high <= self.low:
            raise ValueError(f"high ({self.high}) must be above low ({self.low})")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
        return self


class SweepSpec(BaseModel):
    """What to sweep (a TOML file, or built in Python)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str | None = Field(None, description="Base scenario file, relative to the spec file.")
    parameters: dict[str, Parameter] = Field(min_length=1)
    sampler: Sampler = "grid"
    samples: int = Field(16, ge=1, description="Points (random, lhs), base sample size N (sobol), trajectories "
                                               "(morris); ignored by grid.")
    replications: int = Field(2, ge=1)
    seed: int = Field(0, ge=0)
    metrics: list[str] = Field(default_factory=lambda: ["reported", "cleared", "clearance_rate", "payout_yuan"])
    year: int | None = Field(None, description="Keep metrics of this calendar year only (default: whole run).")
    common_random_numbers: bool = Field(
        True, description="Every point uses the same seed, so differences between points are not noise.")
    second_order: bool = Field(False, description="Sobol: also sample for second-order indices.")

    @model_validator(mode="after")
    def _sampler_fits(self) -> SweepSpec:
        if self.sampler in ("lhs", "sobol", "morris"):
            listed = [k for k, p in self.parameters.items() if p.values is not None]
            if listed:
                raise ValueError(f"the {self.sampler} sampler needs ranges (low, high), not values, for {listed}")
        return self

    def digest(self) -> str:
        """A fingerprint of what the sweep computes, to refuse resuming a different sweep."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


def load_sweep(path: str | Path) -> tuple[SweepSpec, Path]:
    """A sweep spec from TOML, and the folder its relative paths start from."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), "", "file not found", "check the path")]) from None
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError([Problem(str(path), "", f"not valid TOML: {e}", "correct the syntax")]) from None
    try:
        return SweepSpec.model_validate(data), path.parent
    except ValidationError as e:
        raise ScenarioError([Problem(str(path), ".".join(map(str, err["loc"])), err["msg"].removeprefix(
            "Value error, "), "see the sweep format in the README") for err in e.errors()]) from None


# -- sampling -------------------------------------------------------------------------------------------------

def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    names = list(spec.parameters)
    return {"num_vars": len(names), "names": names,
            "bounds": [[spec.parameters[n].low, spec.parameters[n].high] for n in names]}


def sample_points(spec: SweepSpec) -> pd.DataFrame:
    """The points to evaluate, in order: one row per point, one column per parameter."""
    names = list(spec.parameters)
    rng = np.random.default_rng(spec.seed)
    if spec.sampler == "grid":
        axes = [p.values if p.values is not None else np.linspace(p.low, p.high, p.levels).tolist()
                for p in spec.parameters.values()]
        points = pd.DataFrame(list(itertools.product(*axes)), columns=names)
    elif spec.sampler == "random":
        points = pd.DataFrame({n: (rng.choice(np.array(p.values, dtype=object), spec.samples)
                                   if p.values is not None else rng.uniform(p.low, p.high, spec.samples))
                               for n, p in spec.parameters.items()})
    else:
        require("SALib", "sweep", f"the {spec.sampler} sampler")
        from SALib.sample import latin, morris, sobol

        problem = salib_problem(spec)
        if spec.sampler == "lhs":
            x = latin.sample(problem, spec.samples, seed=spec.seed)
        elif spec.sampler == "sobol":
            x = sobol.sample(problem, spec.samples, calc_second_order=spec.second_order, seed=spec.seed)
        else:
            x = morris.sample(problem, spec.samples, seed=spec.seed)
        points = pd.DataFrame(x, columns=names)
    for name, p in spec.parameters.items():
        if p.integer:
            points[name] = points[name].round().astype(int)
    points.insert(0, "point", np.arange(len(points)))
    return points


# -- evaluation -------------------------------------------------------------------------------------------------

def point_seed(spec: SweepSpec, point: int) -> int:
    """The seed of a point: the spec's seed, or one derived from it and the point's index."""
    if spec.common_random_numbers:
        return spec.seed
    return int(np.random.SeedSequence(spec.seed, spawn_key=(point,)).generate_state(1)[0])


def scenario_model(base: Path, metrics: tuple[str, ...], year: int | None) -> Model:
    """The simulator as a sweep model: a point's parameters override the base scenario."""
    return _ScenarioModel(str(base), metrics, year)


class _ScenarioModel:
    """Picklable (for processes and Dask workers): loads the base scenario once per worker."""

    def __init__(self, base: str, metrics: tuple[str, ...], year: int | None) -> None:
        self.base, self.metrics, self.year = base, metrics, year
        self._scenario = None

    def __getstate__(self) -> dict[str, Any]:
        return {"base": self.base, "metrics": self.metrics, "year": self.year, "_scenario": None}

    def __call__(self, values: dict[str, Any], replications: int, seed: int) -> dict[str, list[float]]:
        from minsheng_insure.api import simulate
        from minsheng_insure.scenario.loading import load_scenario

        if self._scenario is None:
            self._scenario = load_scenario(self.base)
        scenario = self._scenario.with_overrides(values)
        result = simulate(scenario, replications, seed)
        if self.year is None:
            table = result.metrics()
        else:
            by_year = result.metrics("year")
            table = by_year[by_year["year"] == self.year]
        unknown = [m for m in self.metrics if m not in table]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}; see docs/event-log.md for their names")
        return {m: table[m].astype(float).tolist() for m in self.metrics}


def _check_keys(base: Path, points: pd.DataFrame) -> None:
    """Refuse, before any work, parameters the base scenario does not have (a misspelt key fails every point)."""
    from minsheng_insure.scenario.loading import load_scenario

    scenario = load_scenario(base)
    first = {k: _plain(v) for k, v in points.iloc[0].items() if k != "point"}
    try:
        scenario.with_overrides(first)
    except ScenarioError as e:
        unknown = [p for p in e.problems if p.problem == "unknown key"]
        if unknown:
            raise ScenarioError([Problem("sweep spec", f"parameters.{p.key}", "not a parameter of the base scenario "
                                         f"{base}", p.fix) for p in unknown]) from None


def _evaluate_chunk(model: Model, rows: list[dict[str, Any]], replications: int, seeds: list[int],
                    metrics: tuple[str, ...]) -> pd.DataFrame:
    """Evaluate points, one row per point and replication; a failing point keeps its error."""
    out = []
    for row, seed in zip(rows, seeds, strict=True):
        values = {k: _plain(v) for k, v in row.items() if k != "point"}
        try:
            result = model(values, replications, seed)
            error = ""
        except Exception as e:  # a failing point is recorded, never stops the sweep
            result, error = {m: [np.nan] * replications for m in metrics}, f"{type(e).__name__}: {e}"
        for r in range(replications):
            out.append({**row, "replication": r, **{m: result[m][r] for m in metrics}, "error": error})
    return pd.DataFrame(out)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _chunks(points: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(points), size):
        yield points.iloc[start: start + size]


class LocalExecutor:
    """Worker processes on this machine (all cores by default)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn: Callable, tasks: list[tuple]) -> Iterator[pd.DataFrame]:
        if self.workers == 1:
            for task in tasks:
                yield fn(*task)
            return
        with ProcessPoolExecutor(self.workers) as pool:
            for future in as_completed([pool.submit(fn, *task) for task in tasks]):
                yield future.result()


class DaskExecutor:
    """A Dask distributed cluster: ``address`` of a running scheduler, or ``"local"`` for a LocalCluster."""

    def __init__(self, address: str = "local", workers: int | None = None) -> None:
        require("distributed", "dask", "a Dask cluster")  # here, so a sweep fails before any work
        self.address, self.workers = address, workers

    def map(self, fn: Callable, tasks: list[tuple]) -> Iterator[pd.DataFrame]:
        from distributed import Client, LocalCluster, as_completed

        cluster = None
        if self.address == "local":
            cluster = LocalCluster(n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(self.address)
        try:
            futures = [client.submit(fn, *task, pure=False) for task in tasks]
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def sweep(spec: SweepSpec, spec_dir: Path = Path("."), executor: LocalExecutor | DaskExecutor | None = None,
          out: Path | None = None, model: Model | None = None, chunk_size: int | None = None,
          progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Evaluate every point of ``spec``; a tidy table, one row per point and replication.

    With ``out``, finished chunks are kept in ``out/results/`` and a restarted sweep runs only the
    points missing there. ``model`` replaces the simulator (for toy models in tests).
    """
    executor = executor or LocalExecutor()
    points = sample_points(spec)
    if model is None:
        if spec.base is None:
            raise ScenarioError([Problem("sweep spec", "base", "no base scenario", 'add base = "scenario.toml"')])
        _check_keys(spec_dir / spec.base, points)
        model = scenario_model(spec_dir / spec.base, tuple(spec.metrics), spec.year)
    done = _prepare_out(out, spec, points) if out is not None else set()
    todo = points[~points["point"].isin(done)]
    workers = getattr(executor, "workers", None) or 1
    # Chunks of several points keep scheduler overhead small; several chunks per worker keep them busy.
    size = chunk_size or max(1, min(32, len(todo) // (4 * workers) or 1))
    metrics = tuple(spec.metrics)
    tasks = [(model, chunk.to_dict("records"), spec.replications,
              [point_seed(spec, p) for p in chunk["point"]], metrics) for chunk in _chunks(todo, size)]
    finished = len(done)
    parts = []
    for part in executor.map(_evaluate_chunk, tasks):
        if out is not None:
            _write_part(out, part)
        parts.append(part)
        finished += part["point"].nunique()
        if progress:
            progress(finished, len(points))
    if out is not None:
        return read_sweep(out)
    return _tidy(pd.concat(parts, ignore_index=True), spec) if parts else pd.DataFrame()


def _tidy(table: pd.DataFrame, spec: SweepSpec) -> pd.DataFrame:
    columns = ["point", *spec.parameters, "replication", *spec.metrics, "error"]
    return table[columns].sort_values(["point", "replication"]).reset_index(drop=True)


def _prepare_out(out: Path, spec: SweepSpec, points: pd.DataFrame) -> set[int]:
    """Create or reopen a sweep folder; the points already finished there."""
    (out / "results").mkdir(parents=True, exist_ok=True)
    info = out / "sweep.json"
    if info.exists():
        saved = json.loads(info.read_text(encoding="utf-8"))
        if saved["digest"] != spec.digest():
            raise ScenarioError([Problem(str(out), "", "holds results of a different sweep spec",
                                         "use another --out folder, or the spec that made this one")])
    else:
        info.write_text(json.dumps({"digest": spec.digest(), "spec": spec.model_dump(), "points": len(points)},
                                   indent=2), encoding="utf-8")
        points.to_parquet(out / "points.parquet", index=False)
    existing = [pd.read_parquet(p, columns=["point"]) for p in (out / "results").glob("part-*.parquet")]
    return set(pd.concat(existing)["point"]) if existing else set()


def _write_part(out: Path, part: pd.DataFrame) -> None:
    first, last = int(part["point"].min()), int(part["point"].max())
    final = out / "results" / f"part-{first:07d}-{last:07d}.parquet"
    partial = final.with_suffix(f".partial-{os.getpid()}")
    part.to_parquet(partial, index=False)
    partial.replace(final)  # a chunk is there whole or not at all


def read_sweep(out: Path) -> pd.DataFrame:
    """The tidy table of a sweep folder (every finished point)."""
    info = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    spec = SweepSpec.model_validate(info["spec"])
    parts = [pd.read_parquet(p) for p in sorted((out / "results").glob("part-*.parquet"))]
    if not parts:
        return pd.DataFrame(columns=["point", *spec.parameters, "replication", *spec.metrics, "error"])
    return _tidy(pd.concat(parts, ignore_index=True), spec)


def sweep_spec_of(out: Path) -> SweepSpec:
    """The spec a sweep folder was made with."""
    return SweepSpec.model_validate(json.loads((out / "sweep.json").read_text(encoding="utf-8"))["spec"])
