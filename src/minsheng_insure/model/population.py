"""Stage 1, the population (户籍/村): townships, villages and households with their assets.

Households are rows of numpy arrays, never Python objects: a county of 340,000 households with
seven asset classes is about 32 megabytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pydantic import Field, model_validator

from minsheng_insure.model.distributions import Distribution, Fixed
from minsheng_insure.model.params import Params, Probability


class AssetClass(Params):
    """One class of household property (农机具, 大牲畜, 房屋, 粮食, 树木, 交通工具, 家庭财产)."""

    ownership_share: Probability = Field(description="Share of households that own this asset class.")
    value_yuan: Distribution = Field(description="Value of one household's holding, yuan.")


class TownshipOverride(Params):
    """Levers set for one township instead of the county default."""

    auxiliary_officer_share: Probability | None = Field(None, description="Share of its villages with an officer.")
    camera_coverage: Distribution | None = Field(None, description="Per-village camera coverage in this township.")


class PopulationParams(Params):
    """The county: its administrative units, households and their assets (scenario key ``county``)."""

    townships: int = Field(ge=1, description="Townships and subdistricts (乡镇/办事处).")
    villages: int = Field(ge=1, description="Administrative villages (村).")
    households: int = Field(ge=1, description="Households (户).")
    auxiliary_officer_share: Probability = Field(
        0.0, description="Share of villages with an auxiliary police officer (辅警, 一村一警)."
    )
    camera_coverage: Distribution = Field(
        Fixed(value=0.0),
        description="Per-village share of the village covered by cameras (天网工程), clipped to [0, 1].",
    )
    assets: dict[str, AssetClass] = Field(default_factory=dict, description="Asset classes by name.")
    township_overrides: dict[int, TownshipOverride] = Field(
        default_factory=dict, description="Per-township officer share and camera coverage, by township number."
    )

    @model_validator(mode="after")
    def _nested_units(self) -> PopulationParams:
        if self.villages < self.townships:
            raise ValueError(f"villages ({self.villages}) must be at least townships ({self.townships})")
        if self.households < self.villages:
            raise ValueError(f"households ({self.households}) must be at least villages ({self.villages})")
        outside = [t for t in self.township_overrides if not 0 <= t < self.townships]
        if outside:
            raise ValueError(f"township_overrides names townships {outside}; townships are 0 to {self.townships - 1}")
        return self


CACHE_LINE_BYTES = 64
"""The unit in which the processor fetches memory; ``Population.records`` rows are whole numbers of it."""


@dataclass(frozen=True)
class Population:
    """One replication's households as arrays (index = household id, village id, asset id)."""

    village_township: np.ndarray
    households: int
    asset_names: tuple[str, ...]
    owns: np.ndarray
    """bool, shape (assets, households)."""
    records: np.ndarray
    """Per household, one row of float64: its awareness threshold, then the value of each asset class
    (yuan; drawn as float32), padded to 8 floats (16 above 7 classes). A month's incidents read both
    for each victim, at random rows of a county-sized table: kept side by side, on rows aligned to
    the processor's cache lines, they cost one fetch from memory per victim instead of one per array
    (``household_records``). Twice the memory of float32 values and a separate threshold array, for
    that."""
    village_camera_coverage: np.ndarray
    village_auxiliary_officer: np.ndarray
    exposed: np.ndarray
    """The households each asset class exposes to crime, one class after another: its owners (ids
    ascending), and last every household (for crimes against no asset); int32. A month's victims are
    drawn from it by one lookup (``exposed_start``)."""
    exposed_start: np.ndarray
    """Where each asset class's owners start in ``exposed``, then where every household starts, then
    the end (int64, assets + 2)."""
    _by_awareness: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, init=False, repr=False,
                                                                    compare=False)
    """``owners_by_awareness`` once worked out, by asset class."""

    @property
    def owners(self) -> tuple[np.ndarray, ...]:
        """Per asset class, the ids of the households that own it (int32, ascending; views)."""
        start = self.exposed_start.tolist()
        return tuple(self.exposed[start[a]:start[a + 1]] for a in range(len(self.asset_names)))

    @property
    def awareness_threshold(self) -> np.ndarray:
        """A household knows it is insured once the awareness share exceeds its threshold (a view)."""
        return self.records[:, 0]

    @property
    def asset_value_yuan(self) -> np.ndarray:
        """Shape (assets, households); the value of what a household owns, yuan (a view)."""
        return self.records[:, 1:1 + len(self.asset_names)].T

    def awareness_thresholds_of(self, household: np.ndarray) -> np.ndarray:
        """The awareness threshold of each of ``household``."""
        return self.records.reshape(-1)[household * self.records.shape[1]]

    def asset_values_of(self, household: np.ndarray, asset: np.ndarray) -> np.ndarray:
        """The value of asset class ``asset`` (a code, not ``NO_ASSET``) of each of ``household``, yuan."""
        return self.records.reshape(-1)[household * self.records.shape[1] + (asset + 1)]

    def village_of(self, household: np.ndarray) -> np.ndarray:
        """The village of each household (int64). Villages are equal runs of consecutive household ids,
        so this is arithmetic rather than a lookup in a county-sized array (one cache miss less per
        incident)."""
        return household.astype(np.int64, copy=False) * self.village_township.size // self.households

    def asset_index(self, name: str) -> int:
        return self.asset_names.index(name)

    def owners_by_awareness(self, asset: int) -> tuple[np.ndarray, np.ndarray]:
        """The owners of asset class ``asset`` in order of awareness threshold (ties by id), and their
        thresholds: those who know they are insured are always a prefix. Sorted once per county and
        class, for every replication and scenario that reads it (read-only arrays)."""
        if asset not in self._by_awareness:
            owners = self.owners[asset]
            thresholds = self.awareness_threshold[owners]
            order = np.argsort(thresholds, kind="stable")
            ordered, thresholds = owners[order], thresholds[order]
            ordered.flags.writeable = thresholds.flags.writeable = False
            self._by_awareness[asset] = (ordered, thresholds)
        return self._by_awareness[asset]


def household_records(households: int, assets: int) -> np.ndarray:
    """An uninitialised table of ``Population.records`` (households x (1 + assets) float64), its
    rows padded to a whole number of cache lines and the first starting on one."""
    per_line = CACHE_LINE_BYTES // 8
    width = -(-(1 + assets) // per_line) * per_line
    buffer = np.empty(households * width + per_line)
    first = (-buffer.ctypes.data % CACHE_LINE_BYTES) // 8
    return buffer[first:first + households * width].reshape(households, width)


def build_population(params: PopulationParams, rng: np.random.Generator) -> Population:
    """Draw one county: equal-sized administrative units, random asset holdings and values."""
    n = params.households
    village_township = (np.arange(params.villages) * params.townships // params.villages).astype(np.int32)

    names = tuple(params.assets)
    owns = np.empty((len(names), n), dtype=bool)
    records = household_records(n, len(names))
    records[:, 1 + len(names):] = 0.0  # the padding
    for i, asset in enumerate(params.assets.values()):
        owns[i] = rng.random(n) < asset.ownership_share
        records[:, 1 + i] = asset.value_yuan.sample(rng, n).astype(np.float32)

    # A random order of villages, cut at the share, keeps the officer villages nested when the
    # share changes between scenarios (common random numbers).
    officer_order = rng.permutation(params.villages)
    auxiliary = np.zeros(params.villages, dtype=bool)
    auxiliary[officer_order[: round(params.auxiliary_officer_share * params.villages)]] = True
    cameras = np.clip(params.camera_coverage.sample(rng, params.villages), 0.0, 1.0)
    for township, override in sorted(params.township_overrides.items()):
        in_township = officer_order[village_township[officer_order] == township]
        if override.auxiliary_officer_share is not None:
            auxiliary[in_township] = False
            auxiliary[in_township[: round(override.auxiliary_officer_share * in_township.size)]] = True
        if override.camera_coverage is not None:
            villages = np.flatnonzero(village_township == township)
            cameras[villages] = np.clip(override.camera_coverage.sample(rng, villages.size), 0.0, 1.0)

    records[:, 0] = rng.random(n)  # the awareness thresholds
    return Population(
        village_township=village_township,
        households=n,
        asset_names=names,
        owns=owns,
        records=records,
        village_camera_coverage=cameras,
        village_auxiliary_officer=auxiliary,
        exposed=np.concatenate([*(np.flatnonzero(row).astype(np.int32) for row in owns),
                                np.arange(n, dtype=np.int32)]),
        exposed_start=np.concatenate([[0], np.cumsum([*owns.sum(axis=1).tolist(), n])]).astype(np.int64),
    )
