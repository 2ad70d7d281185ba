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
