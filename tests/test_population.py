"""The county's households: villages as runs of household ids."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from minsheng_insure.engine.streams import county_population
from minsheng_insure.model.population import PopulationParams


@given(villages=st.integers(1, 60), extra=st.integers(0, 500))
def test_villages_are_equal_runs_of_consecutive_households(villages: int, extra: int) -> None:
    households = villages + extra
    county = PopulationParams(townships=1, villages=villages, households=households, assets={})
    village = county_population(1, county).village_of(np.arange(households))
    assert village.dtype == np.int64
    assert np.all(np.diff(village) >= 0) and village[0] == 0 and village[-1] == villages - 1
    sizes = np.bincount(village, minlength=villages)
    assert sizes.max() - sizes.min() <= 1


def _county(households: int = 2_000) -> PopulationParams:
    return PopulationParams(townships=2, villages=10, households=households, assets={
        "cattle": {"ownership_share": 0.3, "value_yuan": {"dist": "lognormal", "median": 8000, "sigma": 0.5}},
        "tractor": {"ownership_share": 0.6, "value_yuan": {"dist": "fixed", "value": 20_000}},
    })


def test_a_households_record_holds_its_threshold_and_values_on_whole_cache_lines() -> None:
    population = county_population(3, _county())
    records = population.records
    assert records.ctypes.data % 64 == 0 and records.strides[0] % 64 == 0  # one line fetched per victim
    household = np.array([0, 7, 1_999, 7])
    np.testing.assert_array_equal(population.awareness_thresholds_of(household),
                                  population.awareness_threshold[household])
    assert ((population.awareness_threshold >= 0) & (population.awareness_threshold < 1)).all()
    for asset in range(2):
        np.testing.assert_array_equal(population.asset_values_of(household, np.full(4, asset)),
                                      population.asset_value_yuan[asset, household])
    assert (population.asset_value_yuan[1] == 20_000).all()
    # Values drawn as float32, as the county has always stored them.
    values = population.asset_value_yuan[0]
    np.testing.assert_array_equal(values, values.astype(np.float32))


def test_exposed_households_are_each_classs_owners_then_everyone() -> None:
    population = county_population(3, _county())
    start = population.exposed_start.tolist()
    for asset, owners in enumerate(population.owners):
        np.testing.assert_array_equal(owners, np.flatnonzero(population.owns[asset]))
        np.testing.assert_array_equal(population.exposed[start[asset]:start[asset + 1]], owners)
    np.testing.assert_array_equal(population.exposed[start[2]:start[3]], np.arange(2_000))
    assert start[3] == population.exposed.size


def test_owners_by_awareness_are_sorted_by_threshold_then_id() -> None:
    population = county_population(3, _county())
    for asset in range(2):
        ordered, thresholds = population.owners_by_awareness(asset)
        everyone = np.argsort(population.awareness_threshold, kind="stable")
        np.testing.assert_array_equal(ordered, everyone[population.owns[asset][everyone]])
        np.testing.assert_array_equal(thresholds, population.awareness_threshold[ordered])
        assert population.owners_by_awareness(asset)[0] is ordered  # sorted once
