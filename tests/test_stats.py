"""Paired changes and t intervals against straightforward reference computations; the results cache."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from minsheng_insure import compare
from minsheng_insure.results.stats import PAIRED_COLUMNS, paired_changes, t_half_width

from factories import small_scenario


def reference_paired(base: pd.DataFrame, scen: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The paired table one metric and one group at a time, with plain Python lists."""
    metrics = [c for c in base.columns if c in scen.columns and c not in ("replication", *keys)]
    groups = sorted({tuple(r) for r in pd.concat([base[keys], scen[keys]]).itertuples(index=False)})
    rows = []
    for metric in metrics:
        for group in groups:
            def values(frame: pd.DataFrame, group: tuple = group, metric: str = metric) -> dict[int, float]:
                rows = frame[np.logical_and.reduce([frame[k] == g for k, g in zip(keys, group, strict=True)])
                             ] if keys else frame
                return dict(zip(rows["replication"], rows[metric], strict=True))

            b, s = values(base), values(scen)
            if all(math.isnan(v) for v in [*b.values(), *s.values()]):
                continue
            pairs = [(b[r], s[r]) for r in sorted(set(b) & set(s)) if math.isfinite(b[r]) and math.isfinite(s[r])]
            n = len(pairs)
            t = stats.t.ppf(0.975, n - 1) if n > 1 else math.nan
            own_b = [v for v in b.values() if math.isfinite(v)]
            own_s = [v for v in s.values() if math.isfinite(v)]
            diffs = [y - x for x, y in pairs]
            mean_diff = sum(diffs) / n if n else math.nan
            half = t * stats.tstd(diffs) / math.sqrt(n) if n > 1 else math.nan
            mean_b = sum(x for x, _ in pairs) / n if n else math.nan
            ratio = sum(y for _, y in pairs) / n / mean_b if n and mean_b else math.nan
            pct_half = (t * stats.tstd([y - ratio * x for x, y in pairs]) / math.sqrt(n) / abs(mean_b) * 100
                        if n > 1 and mean_b else math.nan)
            change = (ratio - 1) * 100
            rows.append([*group, metric, sum(own_b) / len(own_b) if own_b else math.nan,
                         sum(own_s) / len(own_s) if own_s else math.nan, mean_diff, mean_diff - half,
                         mean_diff + half, change, change - pct_half, change + pct_half,
                         # one side only (budget use without a scheme): that side's replications
                         n if own_b and own_s else max(len(own_b), len(own_s))])
    return pd.DataFrame(rows, columns=[*keys, "metric", *PAIRED_COLUMNS])


def toy(seed: int, replications: int, groups: list[str], drop: tuple[int, str] | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame([(r, g) for r in range(replications) for g in groups], columns=["replication", "township"])
    frame["cases"] = rng.poisson(50, len(frame)).astype(float)
    frame["rate"] = rng.uniform(0.2, 0.8, len(frame))
    frame.loc[frame.index[::5], "rate"] = np.nan  # a rate with nothing to divide by
    frame["zero"] = 0.0  # a baseline mean of zero: no % change
    if drop is not None:
        frame = frame[~((frame["replication"] == drop[0]) & (frame["township"] == drop[1]))]
    return frame


@pytest.mark.parametrize("keys", [[], ["township"]])
def test_paired_changes_match_a_reference_computation(keys: list[str]) -> None:
    base = toy(1, 6, ["a", "b", "c"], drop=(2, "b"))
    scen = toy(2, 6, ["a", "b", "d"]).assign(only_here=1.0)  # township d and c on one side only
    scen.loc[scen["township"] == "a", "rate"] = np.nan  # a group with no value on one side
    scen.loc[scen["township"] == "d", "rate"] = np.nan  # ... and one with no value on either: left out
    if not keys:
        base = base[base["township"] == "a"].drop(columns="township")
        scen = scen[scen["township"] == "b"].drop(columns="township")
    got = paired_changes(base, scen, keys)
    expected = reference_paired(base, scen, keys)
    assert list(got.columns) == list(expected.columns)
    assert got[[*keys, "metric"]].values.tolist() == expected[[*keys, "metric"]].values.tolist()
    assert got["n"].tolist() == expected["n"].tolist()
    values = [c for c in PAIRED_COLUMNS if c != "n"]
    np.testing.assert_allclose(got[values].to_numpy(float), expected[values].to_numpy(float), rtol=1e-12,
                               atol=1e-12)
    assert got[values].isna().any().any() and got[values].notna().any().any()  # both cases were exercised
    if keys:
        assert len(got) == 4 * 3 - 1


def test_t_half_width_is_the_student_t_quantile() -> None:
    n = np.array([2, 4, 21, 200])
    np.testing.assert_array_equal(t_half_width(np.ones(4), n), stats.t.ppf(0.975, n - 1) / np.sqrt(n))
    assert np.isnan(t_half_width(np.ones(1), np.ones(1))).all()


def test_tables_are_computed_once_and_callers_get_copies() -> None:
    comparison = compare(small_scenario(**{"insurance.coverage": {}}), small_scenario(), replications=2, seed=4)
    first = comparison.table("crime_type")
    first.loc[:, "baseline"] = -1.0
    assert (comparison.table("crime_type")["baseline"] >= 0).all()
    assert comparison.table(["crime_type"]) is not comparison.table("crime_type")
    result = comparison.scenario
    metrics = result.metrics("quarter")
    metrics["incidents"] = -1.0
    assert (result.metrics(["year", "quarter"])["incidents"] > 0).all()
    summary = result.summary("year")
    summary["mean"] = np.nan
    assert result.summary("year")["mean"].notna().all()
    # one computation per result and grouping, however many tables ask
    assert set(result._cache) == {("parts",), ("metrics", "incident", "crime_type"),
                                  ("metrics", "incident", "year", "quarter"), ("metrics", "incident", "year"),
                                  ("summary", "incident", "year")}
