"""The decomposition of a scheme's effect into its components (``experiments.decompose``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from commands import MINSHENG
from minsheng_insure import compare, load_scenario
from minsheng_insure.experiments.decompose import (
    DECOMPOSED_METRICS,
    OTHER,
    TOTAL,
    component_of,
    decompose,
    shapley_values,
    subset_scenario,
    switches,
)
from minsheng_insure.report.bundle import build_report
from minsheng_insure.scenario.errors import ScenarioError
from minsheng_insure.scenario.loading import scenario_to_toml
from minsheng_insure.scenario.provenance import NOT_PARAMETERS

from factories import small_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@given(st.integers(1, 5).flatmap(lambda k: st.tuples(
    st.just(k), arrays(float, k, elements=st.floats(-1e6, 1e6)), st.floats(-1e6, 1e6))))
def test_additive_effects_are_their_own_shapley_values(case) -> None:
    k, effects, base = case
    values = np.array([base + sum(effects[i] for i in range(k) if mask & (1 << i)) for mask in range(1 << k)])
    np.testing.assert_allclose(shapley_values(values), effects, atol=1e-6 * (1 + np.abs(effects).max()))


@given(st.integers(0, 6).flatmap(lambda k: arrays(float, (1 << k, 3), elements=st.floats(-1e6, 1e6))))
def test_shapley_values_add_up_to_the_whole_effect(values) -> None:
    phi = shapley_values(values)
    np.testing.assert_allclose(phi.sum(axis=0), values[-1] - values[0], atol=1e-6 * (1 + np.abs(values).max()))


def test_a_pure_interaction_is_shared_equally() -> None:
    # v = 1 only with both switches on: neither does anything alone, each gets half.
    np.testing.assert_allclose(shapley_values(np.array([0.0, 0.0, 0.0, 1.0])), [0.5, 0.5])


def test_components_are_read_from_the_keys() -> None:
    assert component_of("insurance.coverage") == "insurance"
    assert component_of("reporting.insured_aware_coefficient") == "insurance"
    assert component_of("reporting.auxiliary_officer_coefficient") == "officers"
    assert component_of("reporting.log_loss_coefficient") == OTHER
    assert component_of("county.township_overrides.3.camera_coverage") == "cameras"
    assert component_of("investigation.investigators") == "accountability"
    assert component_of("crime_types.burglary.rate_per_1000_households_per_year") == OTHER


def test_shenqiu_switches_on_insurance_officers_accountability_and_trust() -> None:
    base, scheme = load_scenario(SCENARIOS / "baseline.toml"), load_scenario(SCENARIOS / "shenqiu_2016.toml")
    found = switches(base, scheme)
    assert [s.component for s in found] == ["insurance", "officers", "accountability", "trust"]
    assert "county.auxiliary_officer_share" in found[1].keys
    # every subset is a valid scenario; none and all are the two files' parameters
    names = [s.component for s in found]
    assert subset_scenario(base, scheme, [], found).model_dump(exclude=NOT_PARAMETERS) == \
        base.model_dump(exclude=NOT_PARAMETERS)
    assert subset_scenario(base, scheme, names, found).model_dump(exclude=NOT_PARAMETERS) == \
        scheme.model_dump(exclude=NOT_PARAMETERS)
    officers_only = subset_scenario(base, scheme, ["officers"], found)
    assert officers_only.county.auxiliary_officer_share == 1.0 and not officers_only.insurance.coverage


def test_a_key_no_component_claims_is_switched_as_other() -> None:
    base = small_scenario()
    changed = base.with_overrides({"crime_types.burglary.rate_per_1000_households_per_year": 90.0,
                                   "county.auxiliary_officer_share": 1.0})
    found = {s.component: s.keys for s in switches(base, changed)}
    assert found == {"officers": ("county.auxiliary_officer_share",),
                     OTHER: ("crime_types.burglary.rate_per_1000_households_per_year",)}
    own = {s.component for s in switches(base, changed, {"crime_types": "crime"})}
    assert own == {"officers", "crime"}


def test_too_many_components_are_refused() -> None:
    base = small_scenario(**{"insurance.coverage": {}})
    scheme = small_scenario(**{"county.auxiliary_officer_share": 1.0, "county.camera_coverage":
                               {"dist": "fixed", "value": 0.9}, "trust.coefficient": 1.0,
                               "deterrence.elasticity": 0.1, "crime_types.burglary.rate_per_1000_households_per_year":
                               70, "accountability.enabled": True, "accountability.start_day": 10})
    with pytest.raises(ScenarioError, match="at most 6"):
        decompose(base, scheme, replications=1)


def test_costs_split_additively_end_to_end() -> None:
    # Officers and cameras each cost what they add, whatever else is on: Shapley = each alone.
    base = small_scenario(**{"insurance.coverage": {}, "county.auxiliary_officer_share": 0.0,
                             "costs": {"auxiliary_officer_yuan_per_year": 20000,
                                       "camera_yuan_per_village_year": 20000}})
    scheme = base.with_overrides({"county.auxiliary_officer_share": 1.0,
                                  "county.camera_coverage": {"dist": "fixed", "value": 0.9}})
    parts = decompose(base, scheme, replications=3, seed=2)
    assert parts.components == ["officers", "cameras"]
    table = parts.table().set_index(["metric", "component"])
    for metric, component, other in (("officer_cost_yuan", "officers", "cameras"),
                                     ("camera_cost_yuan", "cameras", "officers")):
        assert table.loc[(metric, component), "effect"] == pytest.approx(table.loc[(metric, component), "alone"])
        assert table.loc[(metric, component), "effect"] > 0
        assert table.loc[(metric, other), "effect"] == pytest.approx(0, abs=1e-6)
        assert table.loc[(metric, component), "share"] == pytest.approx(1.0)
    assert table.loc[("incidents", TOTAL), "effect"] == 0  # common random numbers: the same incidents


def test_by_year_splits_each_year_and_adds_up() -> None:
    base = small_scenario(**{"insurance.coverage": {}, "simulation.horizon_days": 730})
    scheme = base.with_overrides({"county.auxiliary_officer_share": 1.0, "trust.coefficient": 1.0})
    parts = decompose(base, scheme, replications=2, seed=1, by="year")
    check = parts.check("year")
    assert set(check["year"]) == {2016, 2017}
    assert (check["gap_share"] <= 1e-9).all()
    with pytest.raises(ValueError, match="decomposed by"):
        parts.table("quarter")


def test_by_policy_year_every_subset_is_on_the_schemes_calendar() -> None:
    # A subset without cover must not count calendar years as policy years: the total by policy year
    # is compare's paired difference over the scheme's July-June windows, months before it included.
    base = small_scenario(**{"insurance.coverage": {}, "simulation.horizon_days": 730})
    scheme = small_scenario(**{"simulation.horizon_days": 730, "insurance.start_day": 181.0,
                               "insurance.policy_year_start_day": 181, "county.auxiliary_officer_share": 1.0})
    parts = decompose(base, scheme, replications=2, seed=1, by="policy_year")
    total = parts.table("policy_year").query("component == @TOTAL").set_index(["policy_year", "metric"])["effect"]
    paired = compare(base, scheme, replications=2, seed=1).table("policy_year").set_index(["policy_year", "metric"])
    assert set(total.index.get_level_values("policy_year")) == {-1, 0, 1}
    for metric in ("incidents", "reported", "cleared"):
        for year in (-1, 0, 1):
            assert total[(year, metric)] == pytest.approx(paired.loc[(year, metric), "difference"])


@pytest.mark.slow
def test_shenqiu_components_add_up_to_the_total_on_every_headline_metric() -> None:
    base, scheme = load_scenario(SCENARIOS / "baseline.toml"), load_scenario(SCENARIOS / "shenqiu_2016.toml")
    parts = decompose(base, scheme, replications=3, seed=0)
    check = parts.check().set_index("metric")
    assert list(check.index) == list(DECOMPOSED_METRICS)
    assert (check["gap_share"] <= 0.005).all(), check
    table = parts.table().set_index(["metric", "component"])
    # the officers' cost is theirs alone; the insurance brings the claims; the effect on reports is real
    assert table.loc[("officer_cost_yuan", "officers"), "share"] == pytest.approx(1.0)
    assert table.loc[("claims_filed", "insurance"), "share"] > 0.9
    assert table.loc[("reported", TOTAL), "effect_ci_low"] > 0


@pytest.mark.slow
def test_decompose_command_and_compare_report(tmp_path) -> None:
    base = tmp_path / "base.toml"
    base.write_text(scenario_to_toml(small_scenario(**{"insurance.coverage": {}, "name": "base",
                                                        "county.auxiliary_officer_share": 0.0})))
    scheme = tmp_path / "scheme.toml"
    scheme.write_text('extends = "base.toml"\nname = "scheme"\n[county]\nauxiliary_officer_share = 1.0\n'
                      '[insurance]\nbudget_yuan = 50000\n[insurance.coverage.goods]\ndeductible_yuan = 100\n')
    out = tmp_path / "parts"
    done = subprocess.run([MINSHENG, "decompose", str(base), str(scheme), "-n", "2", "--out", str(out),
                           "--lang", "zh", "--by", "year", "--format", "csv,xlsx"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "保险保障与资金" in done.stdout and "辅警" in done.stdout
    for name in ("decomposition.csv", "decomposition_check.csv", "decomposition_by_year.csv", "decomposition.md",
                 "decomposition.xlsx", "plots/decomposition.png", "run.json"):
        assert (out / name).exists(), name
    table = pd.read_csv(out / "decomposition.csv")
    assert set(table["component"]) == {"insurance", "officers", TOTAL}
    cmp = tmp_path / "cmp"
    done = subprocess.run([MINSHENG, "compare", str(base), str(scheme), "-n", "2", "--out", str(cmp),
                           "--decompose", "--format", "csv"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page = (cmp / "report.html").read_text(encoding="utf-8")
    assert 'id="decomposition"' in page and "Where the effect comes from" in page
    pd.testing.assert_frame_equal(pd.read_csv(cmp / "decomposition.csv"), table)  # the compare's runs are reused
    (cmp / "report.html").unlink()
    build_report(cmp, "zh")  # what minsheng report does: the section comes back from the saved table
    assert 'id="decomposition"' in (cmp / "report.html").read_text(encoding="utf-8")
