"""Splitting a scheme's effect into its parts: Shapley values over the component switches.

A scheme such as Shenqiu's switches on several things at once against its baseline: the insurance
cover, one auxiliary officer per village (一村一警), investigators added under a clearance target
(倒查追究), villagers' trust feedback. ``decompose`` finds which parameters differ, groups them into
components (``COMPONENTS``: key prefixes, most specific first; a differing key no component claims
goes to ``other``, never dropped), runs every subset of components switched on (2^k scenarios)
with the same seed, so replication r of every subset meets the same county and the same incidents
(common random numbers), and gives each component its Shapley value on every metric:

    phi_i = sum over subsets S without i of |S|! (k - |S| - 1)! / k! * (v(S + i) - v(S)),

computed per replication, so the components' effects carry 95% Student-t intervals across paired
replications, and in every replication they add up exactly to the total effect v(all) - v(none)
(efficiency). Where the effects are additive, each Shapley value is the component's effect alone.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from minsheng_insure.engine.base import Engine
from minsheng_insure.engine.runner import Progress
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.metrics import normalise_by
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.results.stats import LEVEL, t_half_width
from minsheng_insure.scenario.compatibility import check_comparable
from minsheng_insure.scenario.errors import Problem, ScenarioError
from minsheng_insure.scenario.provenance import NOT_PARAMETERS
from minsheng_insure.scenario.schema import Scenario

COMPONENTS: dict[str, tuple[str, ...]] = {
    "insurance": ("insurance", "reporting.insured_aware_coefficient", "reporting.benefit_response", "belief",
                  "awareness", "registration.insured_claimant_boost", "fraud"),
    "officers": ("county.auxiliary_officer_share", "reporting.auxiliary_officer_coefficient",
                 "investigation.auxiliary_officer_coefficient"),
    "accountability": ("accountability", "investigation.investigators"),
    "cameras": ("county.camera_coverage", "investigation.camera_coefficient",
                "investigation.caught_in_act_at_full_coverage"),
    "campaigns": ("campaigns",),
    "trust": ("trust",),
    "samaritan": ("samaritan",),
    "deterrence": ("deterrence",),
}
"""Each component and the dotted key prefixes it switches: insurance (the cover, its fund, what
victims believe and know of it, claimants pressing for registration, fraudulent claims), auxiliary
officers (辅警), investigators and the accountability controller, cameras (天网), campaigns
(专项行动), villagers' trust feedback, good-samaritan cover (见义勇为), deterrence. A township's
override (``county.township_overrides.N.camera_coverage``) belongs where the county key does."""

OTHER = "other"
"""The component of differing keys that no entry of ``COMPONENTS`` claims (crime rates, unit costs...)."""

MAX_COMPONENTS = 6
"""2^6 = 64 scenarios; more would multiply a comparison's run time beyond what a planner waits for."""

DECOMPOSED_METRICS = ("incidents", "reported", "registered", "cleared", "reporting_rate", "clearance_rate",
                      "cleared_per_incident", "claims_filed", "claims_paid", "payout_yuan", "recovered_yuan",
                      "uncompensated_loss_yuan", "officer_cost_yuan", "investigator_cost_yuan", "camera_cost_yuan",
                      "scheme_cost_yuan")
"""The headline metrics that every subset has (a budget's use and the day it ran out exist only where
a fund does), and the police side's costs."""

TOTAL = "total"
"""The component name of the rows that hold the whole effect, v(all) - v(none)."""

DECOMPOSITION_COLUMNS = ["component", "effect", "effect_ci_low", "effect_ci_high", "share", "share_ci_low",
                         "share_ci_high", "alone", "baseline", "scenario", "n"]
"""The value columns of ``Decomposition.table``, after the grouping columns and ``metric``: the
Shapley value (in the metric's unit) with its 95% CI; its share of the total effect with a
delta-method 95% CI; the component's effect switched on alone; both ends' means; replications."""


@dataclass(frozen=True)
class Switch:
    """A component the scenario switches on, and the dotted keys where it differs from the baseline."""

    component: str
    keys: tuple[str, ...]


def component_of(key: str) -> str:
    """The component a dotted parameter key belongs to (``OTHER`` when none claims it)."""
    parts = key.split(".")
    if parts[:2] == ["county", "township_overrides"] and len(parts) > 3:
        parts = ["county", *parts[3:]]  # a township's lever is the county's lever
    best, depth = OTHER, 0
    for component, prefixes in COMPONENTS.items():
        for prefix in prefixes:
            p = prefix.split(".")
            if parts[:len(p)] == p and len(p) > depth:
                best, depth = component, len(p)
    return best


Path = tuple[Any, ...]
"""A parameter's place in a scenario's data: its keys from the top (a township number is an int)."""


def _differences(left: Any, right: Any, path: Path = ()) -> list[Path]:
    """The places where two scenarios' data differ. A table whose keys differ, a distribution (a table
    with ``dist``) and a list each differ as a whole, so a switch replaces them whole."""
    if isinstance(left, dict) and isinstance(right, dict) and set(left) == set(right) \
            and "dist" not in left and "dist" not in right:
        return [p for k in left for p in _differences(left[k], right[k], (*path, k))]
    return [] if left == right else [path]


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def switches(baseline: Scenario, scenario: Scenario, components: dict[str, str] | None = None) -> list[Switch]:
    """The components ``scenario`` switches on against ``baseline``, in ``COMPONENTS`` order.

    ``components`` maps dotted keys (or prefixes) to a component name of your own, before the
    defaults; a differing key nobody claims is switched with ``other``.
    """
    b = baseline.model_dump(exclude=NOT_PARAMETERS)
    s = scenario.model_dump(exclude=NOT_PARAMETERS)
    grouped: dict[str, list[str]] = {}
    for path in _differences(b, s):
        key = _dotted(path)
        grouped.setdefault(_own_component(key, components or {}) or component_of(key), []).append(key)
    order = [*COMPONENTS, OTHER]
    return [Switch(name, tuple(keys)) for name, keys in
            sorted(grouped.items(), key=lambda item: (order.index(item[0]) if item[0] in order else -1, item[0]))]


def _own_component(key: str, components: dict[str, str]) -> str | None:
    matches = [prefix for prefix in components if key == prefix or key.startswith(prefix + ".")]
    return components[max(matches, key=len)] if matches else None


def subset_scenario(baseline: Scenario, scenario: Scenario, on: Iterable[str], all_switches: list[Switch]
                    ) -> Scenario:
    """``baseline`` with the keys of the components in ``on`` taken from ``scenario``.

    Raises ScenarioError when that mix is not a valid scenario (a switch that only makes sense with
    another one), naming both and the fix.
    """
    chosen = set(on)
    data = baseline.model_dump()
    source = scenario.model_dump()
    wanted = {_dotted(p): p for p in _differences(baseline.model_dump(exclude=NOT_PARAMETERS),
                                                  scenario.model_dump(exclude=NOT_PARAMETERS))}
    for switch in all_switches:
        if switch.component not in chosen:
            continue
        for key in switch.keys:
            path = wanted[key]
            node, value = data, source
            for part in path[:-1]:
                node, value = node.setdefault(part, {}), value[part]
            node[path[-1]] = copy.deepcopy(value[path[-1]])
    names = [s.component for s in all_switches if s.component in chosen]
    data["name"] = "+".join([baseline.name, *names])
    data["provenance"] = {}  # a mix has no single source; the two files hold them
    try:
        return Scenario.model_validate(data)
    except (ValidationError, ValueError) as e:
        raise ScenarioError([Problem(
            "decompose", f"{baseline.name} with {', '.join(names)} switched on",
            f"not a valid scenario: {e}".replace("\n", " "),
            "pass components= that put the keys which only make sense together in one component")]) from None


def shapley_weights(k: int) -> np.ndarray:
    """The weight |S|! (k - |S| - 1)! / k! of a marginal contribution to a subset of size |S| (0..k-1)."""
    return np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)])


def shapley_values(values: np.ndarray) -> np.ndarray:
    """Shapley values from the values of every subset.

    ``values`` has shape (2^k, ...): entry ``mask`` is the outcome with the components whose bits
    are set in ``mask`` switched on. Returns shape (k, ...); they sum to values[-1] - values[0].
    """
    subsets = values.shape[0]
    k = subsets.bit_length() - 1
    if subsets != 1 << k:
        raise ValueError(f"need the values of all 2^k subsets, got {subsets}")
    weights = shapley_weights(k) if k else np.zeros(0)
    phi = np.zeros((k, *values.shape[1:]))
    for i in range(k):
        bit = 1 << i
        for mask in range(subsets):
            if not mask & bit:
                phi[i] += weights[mask.bit_count()] * (values[mask | bit] - values[mask])
    return phi


@dataclass(frozen=True)
class Decomposition:
    """A scenario's effect against its baseline split into its components' Shapley values."""

    baseline: Scenario
    scenario: Scenario
    switches: tuple[Switch, ...]
    replications: int
    seed: int
    counted_by: str
    values: dict[tuple[str, ...], np.ndarray]
    """By grouping columns: per-replication metrics of every subset, shape (2^k, group, replication, metric)."""
    groups: dict[tuple[str, ...], pd.DataFrame]
    """By grouping columns: the groups (one row each, in the order of ``values``' group axis)."""
    _tables: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def components(self) -> list[str]:
        return [s.component for s in self.switches]

    def table(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Per metric (and group): each component's effect and share with 95% CIs, then the total."""
        keys = tuple(normalise_by(by))
        if keys not in self.values:
            raise ValueError(f"decomposed by {[list(k) for k in self.values]} only; pass by= to decompose")
        if keys not in self._tables:
            self._tables[keys] = _shapley_table(self.values[keys], self.groups[keys], self.components)
        return self._tables[keys].copy()

    def check(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """Efficiency: per metric (and group), the total effect, the sum of the components' effects,
        and the gap as a share of the total (0 where both are 0)."""
        table = self.table(by)
        keys = [c for c in table.columns if c not in ("metric", *DECOMPOSITION_COLUMNS)]
        parts = table[table["component"] != TOTAL].groupby([*keys, "metric"], sort=False)["effect"].sum()
        total = table[table["component"] == TOTAL].set_index([*keys, "metric"])["effect"]
        gap = (parts.reindex(total.index) - total).abs()
        with np.errstate(invalid="ignore", divide="ignore"):  # no effect at all: a gap of 0 is no gap
            relative = np.where(gap == 0, 0.0, gap / total.abs())
        return pd.DataFrame({"total": total, "sum_of_components": parts.reindex(total.index),
                             "gap_share": relative}).reset_index()


def _shapley_table(values: np.ndarray, groups: pd.DataFrame, components: list[str]) -> pd.DataFrame:
    """The long table of ``Decomposition.table`` from the subsets' per-replication values."""
    finite = np.isfinite(values).all(axis=0)  # (group, replication, metric): a pair needs every subset
    v = np.where(finite, values, 0.0)
    n = finite.sum(axis=1)
    total = v[-1] - v[0]
    effects = [*shapley_values(v), total] if components else [total]
    alone = [*(v[1 << i] - v[0] for i in range(len(components))), total]
    mean_total = _mean(total, finite, n)
    rows = []
    for name, effect, single in zip([*components, TOTAL], effects, alone, strict=True):
        mean = _mean(effect, finite, n)
        half = _half_width(effect, mean, finite, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(mean_total != 0, mean / mean_total, np.nan)
            # Delta method for a ratio of paired means: var(effect - share * total) / (n mean(total)^2).
            share_half = _half_width(effect - share[:, None, :] * total, np.zeros_like(mean), finite, n) \
                / np.abs(mean_total)
        rows.append({"component": name, "effect": mean, "effect_ci_low": mean - half, "effect_ci_high": mean + half,
                     "share": share, "share_ci_low": share - share_half, "share_ci_high": share + share_half,
                     "alone": _mean(single, finite, n), "baseline": _mean(v[0], finite, n),
                     "scenario": _mean(v[-1], finite, n), "n": n})
    metrics = list(DECOMPOSED_METRICS)
    blocks = []
    for g in range(len(groups)):
        for m, metric in enumerate(metrics):
            for row in rows:
                blocks.append({**groups.iloc[g].to_dict(), "metric": metric,
                               **{c: (row[c][g, m] if isinstance(row[c], np.ndarray) else row[c])
                                  for c in DECOMPOSITION_COLUMNS}})
    table = pd.DataFrame(blocks, columns=[*groups.columns, "metric", *DECOMPOSITION_COLUMNS])
    table["n"] = table["n"].astype(int)
    return table[table["n"] > 0].reset_index(drop=True)


def _mean(values: np.ndarray, finite: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(finite, values, 0.0).sum(axis=1) / n


def _half_width(values: np.ndarray, mean: np.ndarray, finite: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Half-width of the 95% t interval of the mean over axis 1 (replications) of the finite values."""
    deviation = np.where(finite, values - mean[:, None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.sqrt((deviation ** 2).sum(axis=1) / (n - 1))
        return np.where(n > 1, t_half_width(std, n, LEVEL), np.nan)


def decompose(
    baseline: Scenario, scenario: Scenario, replications: int = 20, seed: int = 0, workers: int = 1,
    progress: Progress | None = None, engine: str | Engine | None = None, by: str | list[str] | None = None,
    counted_by: str = "incident", components: dict[str, str] | None = None, comparison: Comparison | None = None,
) -> Decomposition:
    """Split ``scenario``'s effect against ``baseline`` into its components (see the module docstring).

    Runs 2^k scenarios of ``replications`` each, all from ``seed`` (k components, at most
    ``MAX_COMPONENTS``); a ``comparison`` of the same two scenarios, seed and replications lends its
    two runs. ``by`` adds a grouping (year, quarter...) beside the whole run; ``components`` maps
    dotted keys to components of your own. ``progress`` is called with (replications done, in all).
    """
    from minsheng_insure.api import simulate

    check_comparable(baseline, scenario)
    found = switches(baseline, scenario, components)
    if len(found) > MAX_COMPONENTS:
        raise ScenarioError([Problem("decompose", ", ".join(s.component for s in found),
                                     f"{len(found)} components would need {2 ** len(found)} scenarios",
                                     f"group keys with components= into at most {MAX_COMPONENTS}")])
    if comparison is not None and (
            (comparison.baseline.seed, comparison.baseline.replications) != (seed, replications)
            or (comparison.baseline.scenario, comparison.scenario.scenario) != (baseline, scenario)):
        raise ValueError("the comparison lent to decompose must be of the same scenarios, seed and replications")
    groupings = [(), tuple(normalise_by(by))] if by else [()]
    k = len(found)
    lent = {0: comparison.baseline, (1 << k) - 1: comparison.scenario} if comparison is not None else {}
    frames: dict[tuple[str, ...], list[pd.DataFrame]] = {g: [] for g in groupings}
    runs = [mask for mask in range(1 << k) if mask not in lent]
    for mask in range(1 << k):
        if mask in lent:
            result = lent[mask]
        else:
            on = [found[i].component for i in range(k) if mask & (1 << i)]
            subset = baseline if mask == 0 else scenario if mask == (1 << k) - 1 else \
                subset_scenario(baseline, scenario, on, found)
            offset = runs.index(mask) * replications
            report = None if progress is None else \
                (lambda done, _total, offset=offset: progress(offset + done, len(runs) * replications))
            result = simulate(subset, replications, seed, workers, report, engine)
        for keys in groupings:
            # by policy year every subset is grouped on the scheme's calendar: a subset without cover
            # would otherwise count calendar years as its policy years (Comparison does the same)
            aligned = result.on_calendar(scenario) if "policy_year" in keys else result
            frames[keys].append(_subset_metrics(aligned, list(keys), counted_by))
    values, groups = {}, {}
    for keys, per_subset in frames.items():
        values[keys], groups[keys] = _cube(per_subset, list(keys))
    return Decomposition(baseline, scenario, tuple(found), replications, seed, counted_by, values, groups)


def _subset_metrics(result: SimulationResult, keys: list[str], counted_by: str) -> pd.DataFrame:
    frame = result.metrics(keys, counted_by)
    # A metric a grouping lacks (the scheme's full cost by year) is NaN, and left out of its table.
    return frame.set_index(["replication", *keys]).reindex(columns=list(DECOMPOSED_METRICS))


def _cube(per_subset: list[pd.DataFrame], keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Stack the subsets' metrics into (subset, group, replication, metric), NaN where one lacks a row."""
    union = per_subset[0].index
    for frame in per_subset[1:]:
        union = union.union(frame.index)
    reps = sorted(set(union.get_level_values("replication")))
    if keys:
        group_index = union.droplevel("replication").unique().sort_values()
        groups = group_index.to_frame(index=False)
    else:
        group_index, groups = None, pd.DataFrame(index=[0])
    cube = np.full((len(per_subset), len(groups), len(reps), len(DECOMPOSED_METRICS)), np.nan)
    for s, frame in enumerate(per_subset):
        rep = frame.index.get_level_values("replication").map({r: i for i, r in enumerate(reps)}).to_numpy()
        grp = np.zeros(len(frame), dtype=int) if group_index is None else \
            group_index.get_indexer(frame.index.droplevel("replication"))
        cube[s, grp, rep] = frame.to_numpy(dtype=float)
    return cube, groups.reset_index(drop=True) if keys else pd.DataFrame(index=[0])
