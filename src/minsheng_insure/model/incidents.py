"""Stage 2, incidents (案发): a non-homogeneous Poisson process per crime type.

Each crime type has a base rate per 1,000 exposed households per year (households owning its
target asset, or all households for a type without one), scaled by a monthly seasonality. Each
incident hits one exposed household; its loss is drawn from the type's severity distribution and
bounded by the value of the asset hit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field, field_validator

from minsheng_insure.model.calendar import DAYS_PER_YEAR, MONTH_DAYS
from minsheng_insure.model.codebook import NO_ASSET
from minsheng_insure.model.distributions import Distribution
from minsheng_insure.model.params import NonNegative, Params
from minsheng_insure.model.population import Population


class CrimeType(Params):
    """One crime type (案件类别), e.g. theft of large livestock (盗窃大牲畜)."""

    label_zh: str = Field("", description="Chinese name, for reports.")
    rate_per_1000_households_per_year: NonNegative = Field(
        description="Incidents per 1,000 exposed households per year, before seasonality."
    )
    asset: str | None = Field(
        None, description="Target asset class; households without it are not exposed. None: all households."
    )
    loss_yuan: Distribution = Field(description="Loss per incident, yuan, before the asset-value bound.")
    seasonality: list[NonNegative] = Field(
        default_factory=lambda: [1.0] * 12,
        description="Twelve monthly rate multipliers, January first; rescaled to average 1 over the year.",
    )
    insurable: bool = Field(True, description="Whether the scheme can cover losses of this type.")

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, value: list[float]) -> list[float]:
        if len(value) != 12:
            raise ValueError(f"seasonality needs 12 monthly values, got {len(value)}")
        if sum(value) == 0:
            raise ValueError("seasonality must not be all zero")
        return value

    def monthly_multiplier(self) -> np.ndarray:
        """The seasonality rescaled so that the year's expected count matches the annual rate."""
        raw = np.asarray(self.seasonality, dtype=float)
        return raw * DAYS_PER_YEAR / float(raw @ MONTH_DAYS)


@dataclass(frozen=True)
class Incidents:
    """A batch of incidents in time order (one element per incident)."""

    day: np.ndarray
    household: np.ndarray
    crime_type: np.ndarray
    """Index into the scenario's crime types (int64, as numpy's fastest lookups take it)."""
    asset: np.ndarray
    """Index into the population's asset classes, or NO_ASSET (int64)."""
    loss_yuan: np.ndarray

    @property
    def size(self) -> int:
        return self.day.size


class IncidentProcess:
    """The incident process of one scenario's crime types over one population.

    What does not change from month to month (each type's yearly count before seasonality, its
    monthly multipliers, its target asset and exposed households) is worked out once.
    """

    def __init__(self, population: Population, crime_types: dict[str, CrimeType]) -> None:
        self.population = population
        self.types = list(crime_types.values())
        self.asset = np.array([NO_ASSET if ct.asset is None else population.asset_index(ct.asset)
                               for ct in self.types], dtype=np.int64)
        # Households exposed to each type: the owners of its asset, or everyone (the last block of
        # ``population.exposed``).
        block = np.where(self.asset == NO_ASSET, len(population.asset_names), self.asset)
        self.exposed_start = population.exposed_start[block]
        self.exposed_count = population.exposed_start[block + 1] - self.exposed_start
        self.per_year = (np.array([ct.rate_per_1000_households_per_year for ct in self.types]) / 1000
                         * self.exposed_count)
        """Expected incidents per year of each type before seasonality and rate scales."""
        self.seasonality = np.array([ct.monthly_multiplier() for ct in self.types])
        self.severity = [ct.loss_yuan for ct in self.types]
        """Each type's loss distribution (yuan)."""
        self._codes = np.arange(len(self.types), dtype=np.int64)
        """The types' codes, repeated by their counts for a month's incidents."""
        self._first_half = np.tile([True, False], len(self.types))
        """Per type, its victims' uniforms (the first half of its draws) and then its days'."""
        self._value_asset = np.maximum(self.asset, 0)
        """Each type's asset code, whose value bounds its losses (0 for a type without one: read, then ignored)."""

    def draw(self, month: int, start_day: float, end_day: float, rngs: list[np.random.Generator],
             rate_scale: np.ndarray | None = None) -> Incidents:
        """Incidents of every crime type in ``[start_day, end_day)``, which lies within ``month`` (0-11).

        Each type draws from its own generator in ``rngs``; ``rate_scale`` multiplies each type's rate
        (deterrence, campaigns), ones when omitted.
        """
        expected = self.per_year * (end_day - start_day) / DAYS_PER_YEAR * self.seasonality[:, month]
        if rate_scale is not None:
            expected = expected * rate_scale
        counts, uniforms, losses = [], [], []
        for rng, mean, severity in zip(rngs, expected.tolist(), self.severity, strict=True):
            count = rng.poisson(mean)
            counts.append(count)
            # The victims' uniforms, then the days': one call gives the same numbers as two.
            uniforms.append(rng.random(2 * count))
            losses.append(severity.sample(rng, count))
        uniform = np.concatenate(uniforms)
        victim = np.repeat(self._first_half, np.repeat(counts, 2))
        crime_type = np.repeat(self._codes, counts)
        asset = self.asset[crime_type]
        # floor(u * size) is uniform on 0..size-1 among a type's exposed households (the minimum guards
        # u * size rounding up to size); Generator.integers costs several times more for the few dozen
        # draws of a month.
        size = self.exposed_count[crime_type]
        # The k-th household exposed to the type, from the k drawn.
        exposed = np.minimum((uniform[victim] * size).astype(np.int64), size - 1) + self.exposed_start[crime_type]
        household = self.population.exposed[exposed].astype(np.int64)
        loss = np.concatenate(losses, dtype=float)
        if self.population.asset_names:  # a county without asset classes has no value to bound a loss by
            # A loss is bounded by the value of the asset hit (a type without one reads a value it ignores).
            value = self.population.asset_values_of(household, self._value_asset[crime_type])
            loss = np.where(asset != NO_ASSET, np.minimum(loss, value), loss)
        day = start_day + uniform[~victim] * (end_day - start_day)
        order = np.argsort(day, kind="stable")
        return Incidents(day=day[order], household=household[order], crime_type=crime_type[order],
                         asset=asset[order], loss_yuan=loss[order])
