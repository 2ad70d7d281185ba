"""The event log's schema, metrics by grouping, summaries and paired comparisons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from minsheng_insure import EVENT_COLUMNS, compare, simulate
from minsheng_insure.engine.streams import STAGES, stage_rng
from minsheng_insure.report.docs import event_log_markdown
from minsheng_insure.results.events import check_event_log
from minsheng_insure.results.metrics import GROUPINGS, SAMARITAN
from minsheng_insure.results.registry import METRICS

from closed_form import paired_change_pct
from factories import small_scenario


@pytest.fixture(scope="module")
def result():
    return simulate(small_scenario(**{"simulation.horizon_days": 730}), replications=4, seed=3)


def test_event_log_matches_its_documented_schema(result) -> None:
    check_event_log(result.events)
    assert set(result.events["replication"]) == {0, 1, 2, 3}
    assert set(EVENT_COLUMNS) == set(result.events.columns)
    # the schema is written down in the docs, generated from the code and kept current
    docs = (Path(__file__).parent.parent / "docs" / "event-log.md").read_text()
    assert docs == event_log_markdown(), "docs/event-log.md is stale: python -m minsheng_insure.report.docs docs"
    for column in EVENT_COLUMNS:
        assert f"`{column}`" in docs, column


def test_event_log_check_rejects_a_wrong_frame(result) -> None:
    with pytest.raises(ValueError, match="columns"):
        check_event_log(result.events.drop(columns="paid_yuan"))


def test_workers_give_identical_results() -> None:
    scenario = small_scenario()
    one = simulate(scenario, replications=3, seed=11, workers=1).events
    two = simulate(scenario, replications=3, seed=11, workers=2).events
    pd.testing.assert_frame_equal(one, two)


def test_replications_and_stages_have_independent_streams() -> None:
    draws = {(r, s): stage_rng(5, r, s).random(4).tolist() for r in range(3) for s in STAGES}
    assert len({tuple(v) for v in draws.values()}) == len(draws)


def test_metrics_are_sums_of_the_event_log(result) -> None:
    m = result.metrics()
    ev = result.events
    assert list(m["replication"]) == [0, 1, 2, 3]
    first = ev[ev["replication"] == 0]
    row = m.iloc[0]
    assert row["incidents"] == len(first)
    assert row["reported"] == first["reported"].sum()
    assert row["clearance_rate"] == pytest.approx(first["cleared"].sum() / first["registered"].sum())
    assert row["payout_yuan"] == pytest.approx(first["paid_yuan"].sum())
    assert set(METRICS) - set(SAMARITAN) == set(m.columns) - {"replication"}


@pytest.mark.parametrize("by", [*GROUPINGS, ["year", "crime_type"]])
def test_metrics_by_group_add_up_to_the_total(result, by) -> None:
    total = result.metrics()
    grouped = result.metrics(by)
    sums = grouped.groupby("replication")[["incidents", "reported", "payout_yuan"]].sum()
    assert np.allclose(sums.to_numpy(), total.set_index("replication")[["incidents", "reported", "payout_yuan"]])
    # every group appears in every replication, so means are not biased by missing zeros
    assert grouped.groupby("replication").size().nunique() == 1


def test_quarter_and_month_carry_their_year(result) -> None:
    q = result.metrics("quarter")
    assert {"year", "quarter"} <= set(q.columns)
    assert sorted(q["year"].unique()) == [2016, 2017]
    assert set(q["quarter"]) == {1, 2, 3, 4}
    assert set(result.metrics("month")["month"]) == set(range(1, 13))


def test_budget_metrics_by_policy_year(result) -> None:
    by_year = result.metrics("policy_year")
    assert sorted(by_year["policy_year"].unique()) == [0, 1]
    fund = result.funds.set_index(["replication", "policy_year"])["fund_yuan"]
    assert (by_year["budget_used_share"] <= 1 + 1e-9).all()
    year_fund = fund.reindex(pd.MultiIndex.from_frame(by_year[["replication", "policy_year"]])).to_numpy()
    assert np.allclose(by_year["budget_used_share"], by_year["payout_yuan"].to_numpy() / year_fund)
    assert "budget_used_share" not in result.metrics("crime_type").columns


def test_unknown_grouping_is_refused(result) -> None:
    with pytest.raises(ValueError, match="unknown grouping"):
        result.metrics("village_head")


def test_summary_gives_mean_and_95pct_ci(result) -> None:
    s = result.summary().set_index("metric")
    m = result.metrics()
    inc = m["incidents"]
    half = 3.182446305284263 * inc.std() / 2  # t(0.975, 3) * sd / sqrt(4)
    assert s.loc["incidents", "mean"] == pytest.approx(inc.mean())
    assert s.loc["incidents", "ci_low"] == pytest.approx(inc.mean() - half)
    assert s.loc["incidents", "ci_high"] == pytest.approx(inc.mean() + half)
    assert s.loc["incidents", "n"] == 4


def test_compare_uses_common_random_numbers() -> None:
    base = small_scenario(**{"insurance.coverage": {}, "insurance.budget_yuan": 0.0})
    scheme = small_scenario()
    comparison = compare(base, scheme, replications=4, seed=9)
    table = comparison.table().set_index("metric")
    # the same incidents happen in both: no difference and a zero-width interval
    assert table.loc["incidents", "difference"] == 0
    assert table.loc["incidents", "difference_ci_low"] == table.loc["incidents", "difference_ci_high"] == 0
    assert table.loc["reported", "difference"] > 0
    # the % change and its interval, against the delta method written out from the per-replication counts
    before = comparison.baseline.metrics()["reported"].to_numpy(dtype=float)
    after = comparison.scenario.metrics()["reported"].to_numpy(dtype=float)
    expected = paired_change_pct(before, after)
    row = table.loc["reported"]
    assert (row["change_pct"], row["change_pct_ci_low"], row["change_pct_ci_high"]) == pytest.approx(expected)
    assert row["change_pct_ci_low"] < row["change_pct_ci_high"]
    assert table.loc["reported", "n"] == 4


def test_compare_by_group_pairs_replications() -> None:
    table = compare(small_scenario(**{"insurance.coverage": {}}), small_scenario(), replications=3,
                    seed=2).table("crime_type")
    assert set(table["crime_type"]) == {"burglary", "cattle", "fraud"}
    fraud = table[(table["crime_type"] == "fraud") & (table["metric"] == "reported")].iloc[0]
    assert fraud["difference"] == 0  # fraud is not insurable
