"""Campaigns (专项行动), e.g. the spring campaign against theft, robbery and fraud (打击盗抢骗).

A campaign is a window with extra investigators and extra deterrence (a lower incident rate)
for the crime types it targets. It may also clear series (打团伙、攻系列、破串案): an arrest in the
window (a targeted case cleared by investigation) leads to other cases of the same type and
township that had gone cold, cleared on the day of the arrest. The township, not the county, is
the pool because the series a local gang leaves behind are local: a county-wide pool would let an
arrest in one corner clear cold cases in any other.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from minsheng_insure.model.params import NonNegative, Params, Positive


class Campaign(Params):
    """One campaign window (an entry of the scenario's ``campaigns`` list)."""

    name: str = Field("campaign", description="Shown in the timeline.")
    start_day: NonNegative = Field(description="First day of the campaign.")
    end_day: Positive = Field(description="Day the campaign ends (exclusive).")
    extra_investigators: int = Field(0, ge=0, description="Investigators added for the window.")
    crime_types: list[str] = Field(default_factory=list, description="Targeted types; empty: all types.")
    rate_multiplier: Positive = Field(1.0, description="Incident rate multiplier for targeted types in the window.")
    series_clearances: NonNegative = Field(
        0.0, description="Mean number of cold cases (same type and township) each arrest in the window also "
                         "clears (Poisson); 0: none.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Campaign:
        if self.end_day <= self.start_day:
            raise ValueError(f"campaign '{self.name}' must end after it starts")
        return self


def campaign_rate_scale(campaigns: list[Campaign], type_names: tuple[str, ...], start: float,
                        end: float) -> np.ndarray:
    """Per-type incident rate multiplier over ``[start, end)``: each campaign weighted by its overlap."""
    scale = np.ones(len(type_names))
    for c in campaigns:
        overlap = max(0.0, min(end, c.end_day) - max(start, c.start_day)) / (end - start)
        if overlap > 0:
            targeted = np.array([not c.crime_types or name in c.crime_types for name in type_names])
            scale[targeted] *= 1.0 + (c.rate_multiplier - 1.0) * overlap
    return scale


def series_means(campaigns: list[Campaign], type_names: tuple[str, ...], day: np.ndarray,
                 crime_type: np.ndarray) -> np.ndarray:
    """Per arrest on ``day`` of ``crime_type`` (codes): mean cold cases it also clears, summed over the
    campaigns running that day that target the type."""
    mean = np.zeros(day.size)
    for c in campaigns:
        if c.series_clearances > 0:
            targeted = np.array([not c.crime_types or name in c.crime_types for name in type_names])
            known = crime_type < len(type_names)  # staged reports are never arrests, but never targeted either
            hit = known & (c.start_day <= day) & (day < c.end_day)
            hit[known] &= targeted[crime_type[known]]
            mean[hit] += c.series_clearances
    return mean


def clear_series(mean: np.ndarray, arrest_day: np.ndarray, arrest_group: np.ndarray, cold_day: np.ndarray,
                 cold_group: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Cold cases cleared with a series (串案), arrest by arrest in time order.

    Each arrest (its day and group: crime type and township, as one code) clears a Poisson(``mean``)
    number of the cases of its group that went cold before its day and are not yet cleared, chosen at
    random; fewer if there are not enough. Returns the indices of the cleared cold cases and the day
    each was cleared (the arrest's).
    """
    taken = np.zeros(cold_day.size, dtype=bool)
    cleared: list[np.ndarray] = []
    days: list[np.ndarray] = []
    for i in np.lexsort((np.arange(arrest_day.size), arrest_group, arrest_day)):
        if mean[i] <= 0:
            continue
        count = rng.poisson(mean[i])
        pool = np.flatnonzero((cold_group == arrest_group[i]) & (cold_day < arrest_day[i]) & ~taken)
        if count and pool.size:
            chosen = rng.choice(pool, size=min(count, pool.size), replace=False)
            taken[chosen] = True
            cleared.append(chosen)
            days.append(np.full(chosen.size, arrest_day[i]))
    if not cleared:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(cleared), np.concatenate(days)
