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

import ctypes
import hashlib
import itertools
import json
import math
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator

from minsheng_insure.extras import require
from minsheng_insure.model.calendar import DAYS_PER_YEAR
from minsheng_insure.model.params import Params
from minsheng_insure.scenario.errors import Problem, ScenarioError
from minsheng_insure.scenario.loading import read_toml, scenario_to_toml
from minsheng_insure.scenario.schema import Scenario
from minsheng_insure.scenario.validation_errors import problems_of

Sampler = Literal["grid", "random", "lhs", "sobol", "morris"]
Model = Callable[[dict[str, Any], int, int], dict[str, list[float]]]
"""A model evaluates a point: (parameter values, replications, seed) -> metric -> one value per replication."""


MAX_POINTS = 100_000
"""Every point is validated and kept in memory before the first runs; a county-year takes about 0.1 s
per replication, so 100,000 points is already days on the 2-core machine the simulator is sized for."""


class Parameter(Params):
    """One varied parameter: a range (``low``, ``high``) or a list of ``values``."""

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
        if self.values is not None and any(isinstance(v, float) and not np.isfinite(v) for v in self.values):
            raise ValueError("values must be finite numbers (no nan or inf)")
        return self

    def count(self) -> int:
        """Distinct values a grid takes for this parameter."""
        return len(self.values) if self.values is not None else self.levels


class SweepSpec(Params):
    """What to sweep (a TOML file, or built in Python); like scenarios, it refuses nan, inf and true for 1."""

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
        if self.point_count() > MAX_POINTS:
            raise ValueError(f"{self.point_count():,} points is more than a 2-core 24 GiB machine can run "
                             f"(at most {MAX_POINTS:,}); use fewer levels or samples, or the lhs sampler")
        return self

    def point_count(self) -> int:
        """How many points the sampler makes, computed without making them (a grid can be astronomical)."""
        d = len(self.parameters)
        if self.sampler == "grid":
            return math.prod(p.count() for p in self.parameters.values())
        if self.sampler == "sobol":
            return self.samples * (2 * d + 2 if self.second_order else d + 2)
        if self.sampler == "morris":
            return self.samples * (d + 1)
        return self.samples

    def digest(self, base: str = "") -> str:
        """A fingerprint of what the sweep computes (``base``: the resolved base scenario), to refuse
        resuming a different sweep, or the same spec over an edited base scenario."""
        return hashlib.sha256((self.model_dump_json() + base).encode()).hexdigest()[:16]


def load_sweep(path: str | Path) -> tuple[SweepSpec, Path]:
    """A sweep spec from TOML, and the folder its relative paths start from."""
    path = Path(path)
    data = read_toml(path)
    try:
        return SweepSpec.model_validate(data), path.parent
    except ValidationError as e:
        raise ScenarioError(problems_of(e, data, {}, str(path), SweepSpec)) from None


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


def scenario_model(base: Scenario, metrics: tuple[str, ...], year: int | None) -> Model:
    """The simulator as a sweep model: a point's parameters override the base scenario."""
    return _ScenarioModel(base, metrics, year)


class _ScenarioModel:
    """Picklable (for processes and Dask workers); carries the base scenario as loaded and checked
    before the first point, so editing the file during a sweep cannot change later points."""

    def __init__(self, base: Scenario, metrics: tuple[str, ...], year: int | None) -> None:
        self.base, self.metrics, self.year = base, metrics, year

    def __call__(self, values: dict[str, Any], replications: int, seed: int) -> dict[str, list[float]]:
        from minsheng_insure.api import simulate

        result = simulate(self.base.with_overrides(values), replications, seed)
        if self.year is None:
            table = result.metrics()
        else:
            by_year = result.metrics("year")
            table = by_year[by_year["year"] == self.year]
        return {m: table[m].astype(float).tolist() for m in self.metrics}


def load_base(spec: SweepSpec, spec_dir: Path, allow_outside: bool = False, where: str = "sweep spec") -> Scenario:
    """The base scenario of a spec; like ``extends``, it must lie in the spec's folder tree unless allowed."""
    from minsheng_insure.scenario.loading import load_scenario

    if spec.base is None:
        raise ScenarioError([Problem(where, "base", "no base scenario", 'add base = "scenario.toml"')])
    path = spec_dir / spec.base
    if not allow_outside and not path.resolve().is_relative_to(spec_dir.resolve()):
        raise ScenarioError([Problem(where, "base", f"'{spec.base}' is outside the spec's folder",
                                     "copy it beside the spec, or pass --allow-outside if you trust it")])
    if not path.is_file():
        raise ScenarioError([Problem(where, "base", f"'{spec.base}' not found (looked for {path})",
                                     "name an existing scenario file, relative to the spec")])
    return load_scenario(path, allow_outside)


def check_sweep(spec: SweepSpec, base: Scenario, points: pd.DataFrame, where: str = "sweep spec") -> None:
    """Refuse, before the first point runs, metrics that do not exist and points the scenario refuses.

    Otherwise every point would fail one by one (or, worse, a metric missing for a year would
    fail them all after the work), and the sweep would end looking finished.
    """
    from minsheng_insure.results.metrics import BUDGET, SAMARITAN
    from minsheng_insure.results.registry import METRICS

    per_year = "" if spec.year is None else f" by year (year = {spec.year})"
    # Budgets and the full cost belong to policy years: they do not exist by calendar year.
    known = [m for m in METRICS if spec.year is None or m not in (*BUDGET, *SAMARITAN, "scheme_cost_yuan")]
    problems = [Problem(where, "metrics", f"'{m}' is not a metric{per_year}",
                        f"use names from docs/event-log.md, e.g. {', '.join(known[:6])}")
                for m in spec.metrics if m not in known]
    failing = 0
    names = [c for c in points.columns if c != "point"]
    for row in points[names].itertuples(index=False):
        values = {k: _plain(v) for k, v in zip(names, row, strict=True)}
        point_problems = _point_problems(spec, base, values, where)
        failing += bool(point_problems)
        if failing <= 3:  # the first few say what is wrong; the count says how widespread
            problems += point_problems
    if failing > 3:
        problems.append(Problem(where, "parameters", f"{failing} of {len(points)} points are refused in all",
                                "narrow the ranges or values to what the scenario allows"))
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))  # a misspelt key is one problem, not one per point


def _point_problems(spec: SweepSpec, base: Scenario, values: dict[str, Any], where: str) -> list[Problem]:
    shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
    try:
        scenario = base.with_overrides(values)
    except ScenarioError as e:
        return [Problem(where, f"parameters.{p.key}", "not a parameter of the base scenario", p.fix)
                if p.problem == "unknown key" else
                Problem(where, f"parameters.{p.key}" if p.key in values else p.key,
                        f"at the point {shown}: {p.problem}", p.fix) for p in e.problems]
    if spec.year is not None:
        first = scenario.simulation.start_year
        last = first + math.ceil(scenario.simulation.horizon_days / DAYS_PER_YEAR) - 1
        if not first <= spec.year <= last:
            return [Problem(where, "year", f"at the point {shown} the run covers {first}-{last}, not {spec.year}",
                            f"use a year from {first} to {last}, or leave year out for the whole run")]
    return []


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
    """Worker processes on this machine (all cores by default, never more than there are tasks).

    Workers die with the process that started them, even when it is SIGKILLed: a killed sweep
    must not leave orphans computing points nobody will collect.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn: Callable, tasks: list[tuple]) -> Iterator[pd.DataFrame]:
        workers = min(self.workers, len(tasks))
        if workers <= 1:
            for task in tasks:
                yield fn(*task)
            return
        with ProcessPoolExecutor(workers, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            for future in as_completed([pool.submit(fn, *task) for task in tasks]):
                yield future.result()


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """In a worker: ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class DaskExecutor:
    """A Dask distributed cluster: ``address`` of a running scheduler, or ``"local"`` for a LocalCluster."""

    def __init__(self, address: str = "local", workers: int | None = None) -> None:
        require("distributed", "dask", "a Dask cluster")  # here, so a sweep fails before any work
        self.address, self.workers = address, workers

    def map(self, fn: Callable, tasks: list[tuple]) -> Iterator[pd.DataFrame]:
        from distributed import Client, LocalCluster, as_completed

        cluster = None
        if self.address == "local":
            workers = max(1, min(self.workers or os.cpu_count() or 1, len(tasks)))  # no idle workers to start
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
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
          progress: Callable[[int, int], None] | None = None, allow_outside: bool = False,
          spec_name: str = "sweep spec") -> pd.DataFrame:
    """Evaluate every point of ``spec``; a tidy table, one row per point and replication.

    With ``out``, finished chunks are kept in ``out/results/`` and a restarted sweep runs only the
    points missing there. ``model`` replaces the simulator (for toy models in tests). The metrics
    and every point are checked against the base scenario before the first point runs.
    """
    executor = executor or LocalExecutor()
    points = sample_points(spec)
    fingerprint = spec.digest()
    if model is None:
        base = load_base(spec, spec_dir, allow_outside, spec_name)
        check_sweep(spec, base, points, spec_name)
        fingerprint = spec.digest(scenario_to_toml(base))
        model = scenario_model(base, tuple(spec.metrics), spec.year)
    done = _prepare_out(out, spec, points, fingerprint) if out is not None else set()
    todo = points[~points["point"].isin(done)]
    workers = min(getattr(executor, "workers", None) or 1, max(len(todo), 1))
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


SWEEP_INFO = "sweep.json"
DIGEST_KEY = b"minsheng_sweep_digest"


def _prepare_out(out: Path, spec: SweepSpec, points: pd.DataFrame, digest: str) -> set[int]:
    """Create or reopen a sweep folder; the points already finished there.

    ``points.parquet`` (which also carries the fingerprint) is written before ``sweep.json``, each
    whole or not at all, so a sweep.json that exists describes a folder that is ready. A damaged
    sweep.json is rebuilt when points.parquet shows that the folder holds this very sweep.
    """
    (out / "results").mkdir(parents=True, exist_ok=True)
    info = out / SWEEP_INFO
    saved = _saved_digest(out)
    if saved is not None and saved != digest:
        raise ScenarioError([Problem(str(out), "", "holds results of a different sweep spec or base scenario",
                                     "use another --out folder, or the spec and base scenario that made this one")])
    if saved is None:
        if any((out / "results").glob("part-*.parquet")):
            raise ScenarioError([Problem(str(out), SWEEP_INFO, "is missing or damaged and points.parquet cannot "
                                         "tell which sweep made the results there",
                                         f"delete {out / 'results'} to start the sweep over, or use another --out")])
        _write_points(out / "points.parquet", points, digest)
    if saved is None or not _readable_info(info):
        _atomic_write(info, json.dumps({"digest": digest, "spec": spec.model_dump(), "points": len(points)},
                                       indent=2).encode())
    existing = [pd.read_parquet(p, columns=["point"]) for p in (out / "results").glob("part-*.parquet")]
    return set(pd.concat(existing)["point"]) if existing else set()


def _saved_digest(out: Path) -> str | None:
    """The fingerprint a sweep folder was made with: sweep.json's, else points.parquet's; None if neither."""
    try:
        return str(json.loads((out / SWEEP_INFO).read_text(encoding="utf-8"))["digest"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        import pyarrow.parquet as pq

        meta = pq.read_schema(out / "points.parquet").metadata or {}
    except (OSError, ValueError):
        return None
    return meta[DIGEST_KEY].decode() if DIGEST_KEY in meta else None


def _readable_info(info: Path) -> bool:
    try:
        json.loads(info.read_text(encoding="utf-8"))["spec"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


def _write_points(path: Path, points: pd.DataFrame, digest: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(points, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), DIGEST_KEY: digest.encode()})
    partial = path.with_suffix(f".partial-{os.getpid()}")
    pq.write_table(table, partial)
    partial.replace(path)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all, and durably: a kill or a power cut never leaves half a file."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    with partial.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    partial.replace(path)


def _write_part(out: Path, part: pd.DataFrame) -> None:
    first, last = int(part["point"].min()), int(part["point"].max())
    final = out / "results" / f"part-{first:07d}-{last:07d}.parquet"
    partial = final.with_suffix(f".partial-{os.getpid()}")
    part.to_parquet(partial, index=False)
    partial.replace(final)  # a chunk is there whole or not at all


def read_sweep(out: str | Path) -> pd.DataFrame:
    """The tidy table of a sweep folder (every finished point; its path as text or a Path)."""
    out = Path(out)
    spec = sweep_spec_of(out)
    parts = [pd.read_parquet(p) for p in sorted((out / "results").glob("part-*.parquet"))]
    if not parts:
        return pd.DataFrame(columns=["point", *spec.parameters, "replication", *spec.metrics, "error"])
    return _tidy(pd.concat(parts, ignore_index=True), spec)


def sweep_spec_of(out: str | Path) -> SweepSpec:
    """The spec a sweep folder was made with; a ScenarioError if its sweep.json is missing or damaged."""
    out = Path(out)
    info = out / SWEEP_INFO
    try:
        return SweepSpec.model_validate(json.loads(info.read_text(encoding="utf-8"))["spec"])
    except FileNotFoundError:
        raise ScenarioError([Problem(str(out), "", f"no {SWEEP_INFO}", "give a folder written by minsheng sweep "
                                     "--out")]) from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ScenarioError([Problem(str(info), "", f"damaged ({type(e).__name__})", "run minsheng sweep again with "
                                     "the same spec and --out: it rebuilds the file and resumes")]) from None
