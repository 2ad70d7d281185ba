"""The shipped scenario library: full provenance, runs, and the Shenqiu calibration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from minsheng_insure import load_scenario, simulate
from minsheng_insure.experiments.calibration import (
    SHENQIU_TARGETS,
    Calibration,
    Target,
    calibrate,
    quarter_changes,
    set_toml_value,
    write_calibration,
)
from minsheng_insure.report.docs import parameters_markdown, scenario_schema
from minsheng_insure.scenario.provenance import missing_provenance, parameters, unit_of

from factories import small_scenario

ROOT = Path(__file__).parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
REQUIRED = {"baseline", "shenqiu_2016", "shenqiu_samaritan", "shangshui_2016", "shangshui_extension",
            "xihua_cameras", "shenqiu_budget_0.75m", "shenqiu_budget_3m"}


def test_the_library_holds_every_scheme() -> None:
    assert {p.stem for p in SCENARIOS} >= REQUIRED


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_has_full_provenance_and_runs(path: Path) -> None:
    scenario = load_scenario(path)
    assert missing_provenance(scenario) == []
    result = simulate(scenario, replications=1, seed=0)
    assert result.metrics()["incidents"].iloc[0] > 1000


def test_validate_provenance_lists_what_is_missing(tmp_path: Path) -> None:
    minsheng = str(Path(sys.executable).parent / "minsheng")
    ok = subprocess.run([minsheng, "validate", "--provenance", *map(str, SCENARIOS)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    unsourced = tmp_path / "unsourced.toml"
    unsourced.write_text(f'extends = "{(ROOT / "scenarios" / "baseline.toml").as_posix()}"\nname = "unsourced"\n'
                         '[provenance]\n"trust" = " "\n')
    bad = subprocess.run([minsheng, "validate", "--provenance", "--allow-outside", str(unsourced)],
                         capture_output=True, text=True)
    assert bad.returncode == 2
    assert "trust.coefficient: no provenance" in bad.stderr and "Fix:" in bad.stderr


def test_the_most_specific_provenance_entry_wins() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "shenqiu_2016.toml")
    sources = {p.key: p.source for p in parameters(scenario)}
    assert sources["insurance.budget_yuan"].startswith("article")
    assert sources["accountability.gain_investigators"].startswith("calibrated")
    assert sources["accountability.target_clearance_rate"] == scenario.provenance["accountability"]


def test_units_come_from_key_names() -> None:
    assert unit_of("insurance.budget_yuan") == "yuan"
    assert unit_of("crime_types.burglary.loss_yuan.median") == "yuan"
    assert unit_of("crime_types.burglary.loss_yuan.sigma").startswith("dimensionless")
    assert unit_of("investigation.cold_after_days.mean") == "days"
    assert unit_of("crime_types.burglary.rate_per_1000_households_per_year").startswith("per 1,000")


def test_parameter_docs_and_schema_are_current() -> None:
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == parameters_markdown(ROOT / "scenarios"), (
        "docs/parameters.md is stale: python -m minsheng_insure.report.docs docs")
    schema = (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8")
    assert schema == scenario_schema(), "docs/scenario.schema.json is stale: python -m minsheng_insure.report.docs docs"


def test_calibration_finds_a_reachable_target() -> None:
    scenario = small_scenario(**{"county.households": 3000, "simulation.horizon_days": 730,
                                 "insurance.start_day": 365, "reporting.insured_aware_coefficient": 0.0})
    target = Target("reported", 20.0, "reporting.insured_aware_coefficient", (0.0, 4.0))
    fitted = calibrate(scenario, (target,), replications=4, seed=3, rounds=1, tolerance=1.0)
    assert abs(fitted.errors()["reported"]) < 1.0
    assert 0.0 < fitted.parameters["reporting.insured_aware_coefficient"] < 4.0
    assert fitted.contains_targets()["reported"]


def test_writing_a_calibration_keeps_the_file_readable(tmp_path: Path) -> None:
    text = "# comment\n[reporting]\n# why\ninsured_aware_coefficient = 1.0\n\n[provenance]\n\"a\" = \"b\"\n"
    text = set_toml_value(text, "reporting", "insured_aware_coefficient", "2.5")
    text = set_toml_value(text, "reporting", "log_loss_coefficient", "0.3")
    text = set_toml_value(text, "accountability", "gain_investigators", "3")
    assert "# comment" in text and "# why" in text
    assert "insured_aware_coefficient = 2.5" in text and "log_loss_coefficient = 0.3" in text
    assert text.index("log_loss_coefficient") < text.index("[provenance]")
    assert "[accountability]\ngain_investigators = 3" in text
    path = tmp_path / "s.toml"
    path.write_text((ROOT / "scenarios" / "baseline.toml").read_text(encoding="utf-8"), encoding="utf-8")
    scenario = load_scenario(path)
    target = Target("reported", 10.0, "reporting.log_loss_coefficient", (0.0, 1.0))
    table = pd.DataFrame({"metric": ["reported"], "change_pct": [10.2], "change_pct_ci_low": [8.0],
                          "change_pct_ci_high": [12.0]})
    write_calibration(path, Calibration({"reporting.log_loss_coefficient": 0.123456}, table, (target,), 5, 1, 2017, 1))
    reloaded = load_scenario(path)
    assert reloaded.reporting.log_loss_coefficient == 0.123456
    assert reloaded.provenance["reporting.log_loss_coefficient"].startswith("calibrated")
    assert scenario.name == reloaded.name


@pytest.mark.slow
def test_shipped_shenqiu_reproduces_the_article() -> None:
    """2017 Q1 against 2016 Q1, on a seed independent of the one the calibration used (0)."""
    table = quarter_changes(load_scenario(ROOT / "scenarios" / "shenqiu_2016.toml"), replications=20, seed=1,
                            year=2017, quarter=1, workers=2).set_index("metric")
    for target in SHENQIU_TARGETS:
        row = table.loc[target.metric]
        assert row["change_pct_ci_low"] <= target.change_pct <= row["change_pct_ci_high"], (target.metric, row)


@pytest.mark.slow
def test_the_budget_matters_to_reporting() -> None:
    """Shenqiu's reporting rise needs a fund that pays: at budget 0 every claim is refused, villages
    hear of it and report less (20 paired replications, 2017 Q1 against 2016 Q1, by report date)."""
    shenqiu = load_scenario(ROOT / "scenarios" / "shenqiu_2016.toml")
    change = {}
    for budget in (0.0, 1_500_000.0):
        table = quarter_changes(shenqiu.with_overrides({"insurance.budget_yuan": budget}), replications=20, seed=2,
                                year=2017, quarter=1, workers=2).set_index("metric")
        change[budget] = table.loc["reported", "change_pct"]
    assert change[1_500_000.0] - change[0.0] >= 10.0, change
