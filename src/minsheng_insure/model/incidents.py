"""Stage 2, incidents (发案): a non-homogeneous Poisson process per crime type.

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
from minsheng_insure.model.distributions import Distribution
from minsheng_insure.model.params import NonNegative, Params
from minsheng_insure.model.population import Population

NO_ASSET = -1
"""Asset code of an incident that hits no property asset (fraud, personal injury)."""


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
    """Index into the scenario's crime types."""
    asset: np.ndarray
    """Index into the population's asset classes, or NO_ASSET."""
    loss_yuan: np.ndarray

    @property
    def size(self) -> int:
        return self.day.size


def exposed_households(population: Population, crime_types: dict[str, CrimeType]) -> list[np.ndarray]:
    """For each crime type, the ids of households that own its target asset."""
    everyone = np.arange(population.households)
    return [
        everyone if ct.asset is None else np.flatnonzero(population.owns[population.asset_index(ct.asset)])
        for ct in crime_types.values()
    ]


def draw_incidents(
    population: Population,
    crime_types: dict[str, CrimeType],
    exposed: list[np.ndarray],
    month: int,
    start_day: float,
    end_day: float,
    rngs: list[np.random.Generator],
    rate_scale: np.ndarray | None = None,
) -> Incidents:
    """Incidents of every crime type in ``[start_day, end_day)``, which lies within ``month`` (0-11).

    Each type draws from its own generator in ``rngs``; ``rate_scale`` multiplies each type's rate
    (deterrence, campaigns), ones when omitted.
    """
    years = (end_day - start_day) / DAYS_PER_YEAR
    parts: list[tuple[np.ndarray, ...]] = []
    for code, (ct, households, rng) in enumerate(zip(crime_types.values(), exposed, rngs, strict=True)):
        scale = 1.0 if rate_scale is None else float(rate_scale[code])
        expected = ct.rate_per_1000_households_per_year / 1000 * households.size * years
        count = rng.poisson(expected * ct.monthly_multiplier()[month] * scale)
        victims = households[rng.integers(0, households.size, count)] if households.size else households[:0]
        day = start_day + rng.random(count) * (end_day - start_day)
        loss = ct.loss_yuan.sample(rng, count)
        asset = NO_ASSET if ct.asset is None else population.asset_index(ct.asset)
        if asset != NO_ASSET:
            loss = np.minimum(loss, population.asset_value_yuan[asset, victims])
        parts.append((day, victims, np.full(count, code), np.full(count, asset), loss))

    day, household, crime_type, asset, loss = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(day, kind="stable")
    return Incidents(
        day=day[order],
        household=household[order].astype(np.int64),
        crime_type=crime_type[order].astype(np.int16),
        asset=asset[order].astype(np.int16),
        loss_yuan=loss[order].astype(float),
    )
