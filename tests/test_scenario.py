"""Scenario files: loading, extends, overrides, and errors that name file, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from minsheng_insure import ScenarioError, load_scenario
from minsheng_insure.scenario import parameter_keys

from factories import small_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.name)
def test_shipped_scenarios_load(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem


def test_extends_inherits_and_overrides() -> None:
    base = load_scenario(SCENARIOS / "baseline.toml")
    scheme = load_scenario(SCENARIOS / "shenqiu_2016.toml")
    assert scheme.insurance.budget_yuan == 1_500_000
    assert base.insurance.budget_yuan == 0
    assert scheme.county.households == base.county.households
    assert scheme.crime_types == base.crime_types
    # provenance tables merge: the child's entries are added to the base's
    assert "county.villages" in scheme.provenance and "insurance.budget_yuan" in scheme.provenance


def test_extends_chain_and_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, "mid.toml", f'extends = "{(SCENARIOS / "shenqiu_2016.toml").as_posix()}"\n'
                                'name = "mid"\n[insurance]\nbudget_yuan = 750000\n')
    leaf = write(tmp_path / "sub", "leaf.toml", 'extends = "../mid.toml"\nname = "leaf"\n'
                                                 '[insurance.coverage.grain]\ncovered = false\n')
    # extends leaves the scenario's folder tree only when asked to
    with pytest.raises(ScenarioError, match=r"leaf\.toml: extends: '\.\./mid\.toml' is outside"):
        load_scenario(leaf)
    scenario = load_scenario(leaf, allow_outside=True)
    assert scenario.name == "leaf"
    assert scenario.insurance.budget_yuan == 750_000
    assert not scenario.insurance.coverage["grain"].covered
    assert scenario.insurance.coverage["trees"].covered


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'extends = "b.toml"\nname = "a"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\nname = "b"\n')
    with pytest.raises(ScenarioError, match="extends cycle"):
        load_scenario(tmp_path / "a.toml")


def test_with_overrides_returns_a_new_validated_scenario() -> None:
    scheme = load_scenario(SCENARIOS / "shenqiu_2016.toml")
    richer = scheme.with_overrides({"insurance.budget_yuan": 2e6, "insurance.coverage.grain.deductible_yuan": 50})
    assert richer.insurance.budget_yuan == 2e6 and scheme.insurance.budget_yuan == 1.5e6
    assert richer.insurance.coverage["grain"].deductible_yuan == 50
    with pytest.raises(ScenarioError) as err:
        scheme.with_overrides({"insurance.budget_yuan": -1})
    assert "override: insurance.budget_yuan" in str(err.value) and "at least 0" in str(err.value)
    with pytest.raises(ScenarioError, match=r"override: insurance\.budjet_yuan: unknown key"):
        scheme.with_overrides({"insurance.budjet_yuan": 1})


def test_parameter_keys_are_dotted_leaves() -> None:
    keys = parameter_keys(small_scenario())
    assert "insurance.budget_yuan" in keys
    assert "crime_types.burglary.loss_yuan.median" in keys


BASE = 'extends = "{base}"\nname = "broken"\n'

MISTAKES = [
    # (what the child file says, dotted key in the message, a word of the fix)
    ("[insurance]\nbudget_yuan = -5\n", "insurance.budget_yuan", "at least 0"),
    ("[insurance]\nbudjet_yuan = 5\n", "insurance.budjet_yuan", "allowed here"),
    ("[insurance]\nbudget_rule = \"lottery\"\n", "insurance.budget_rule", "first_come"),
    ("[insurance]\nbudget_rule = \"insurer\"\n", "insurance", "aggregate_limit_yuan"),
    ("[insurance]\nawareness_share = 1.5\n", "insurance.awareness_share", "at most 1"),
    ("[insurance]\nbudget_yuan = \"1.5 million\"\n", "insurance.budget_yuan", "number"),
    ("[registration.probability]\nburglary = 1.2\n", "registration.probability.burglary", "at most 1"),
    ("[crime_types.burglary]\nasset = \"jewels\"\n", "crime_types.burglary.asset", "household_goods"),
    ("[crime_types.burglary]\nloss_yuan = { dist = \"pareto\", alpha = 2 }\n", "crime_types.burglary.loss_yuan",
     "lognormal"),
    ("[crime_types.burglary]\nloss_yuan = { dist = \"lognormal\", median = 100 }\n",
     "crime_types.burglary.loss_yuan.sigma", "add sigma"),
    ("[crime_types.burglary]\nseasonality = [1, 2, 3]\n", "crime_types.burglary.seasonality", "12"),
    ("[crime_types.mugging]\nrate_per_1000_households_per_year = 1\nloss_yuan = { dist = \"fixed\", value = 5 }\n",
     "reporting.intercept.mugging", "every crime type"),
    ("[insurance.coverage.jewels]\ndeductible_yuan = 1\n", "insurance.coverage.jewels", "unknown asset class"),
    ("[county]\nvillages = 5\n", "county", "townships"),
    ("[investigation]\ninvestigators = 2.5\n", "investigation.investigators", "number"),
    ("[investigation]\npriority = \"random\"\n", "investigation.priority", "fifo"),
    ("[provenance]\n\"insurance.premium\" = \"article\"\n", "provenance.insurance.premium", "dotted key"),
    ("[simulation]\nhorizon_days = 0\n", "simulation.horizon_days", "more than 0"),
    ("[simulation]\nhorizon_days = 1e9\n", "simulation.horizon_days", "at most 36525"),
    ("[simulation]\nfollow_up_days = -30\n", "simulation.follow_up_days", "at least 0"),
    ("[simulation]\nwarm_up_days = -90\n", "simulation.warm_up_days", "at least 0"),
    ("[simulation]\nwarm_up_days = 1e6\n", "simulation.warm_up_days", "at most 36525"),
    ("[county]\nhouseholds = 1_000_000_000_000\n", "county.households", "2-core 24 GiB"),
    ("[reporting]\nlog_loss_coefficient = nan\n", "reporting.log_loss_coefficient", "finite number"),
    ("[investigation]\ninvestigators = true\n", "investigation.investigators", "number"),
    ("[insurance]\nstart_day = 20160701\n[insurance.coverage.grain]\n", "insurance.start_day", "horizon_days"),
    ("[fraud]\ninflation_factor = 0.5\n", "fraud.inflation_factor", "at least 1"),
    ("[insurance]\nbudget_schedule_yuan = []\n", "insurance.budget_schedule_yuan", "number of entries"),
    ("[insurance.coverage.grain]\ndeductible_yuan = 900\nper_claim_limit_yuan = 500\n",
     "insurance.coverage.grain.deductible_yuan", "per_claim_limit_yuan"),
]


@pytest.mark.parametrize(("text", "key", "fix"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_malformed_scenarios_name_file_key_and_fix(tmp_path: Path, text: str, key: str, fix: str) -> None:
    write(tmp_path, "baseline.toml", (SCENARIOS / "baseline.toml").read_text(encoding="utf-8"))
    path = write(tmp_path, "broken.toml", BASE.format(base="baseline.toml") + text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert f"{path}: {key}" in message
    assert "Fix:" in message and fix in message
    assert "pydantic" not in message.lower() and "Traceback" not in message


@pytest.mark.parametrize(("text", "expected"), [
    (None, "file not found"),
    ("name = \"x\"\n[insurance\n", "not valid TOML"),
    ("extends = \"missing.toml\"\nname = \"x\"\n", "extends: 'missing.toml' not found"),
    ("extends = 3\nname = \"x\"\n", "extends: must be a file name"),
])
def test_file_problems(tmp_path: Path, text: str | None, expected: str) -> None:
    path = tmp_path / "s.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(path)


def test_error_in_parent_names_the_parent_file(tmp_path: Path) -> None:
    parent = write(tmp_path, "parent.toml", (SCENARIOS / "baseline.toml").read_text().replace(
        "investigators = 30", "investigators = -3"))
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\nname = "child"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert f"{parent}: investigation.investigators" in str(err.value)


def test_a_value_replaced_by_a_table_in_the_child_names_the_child(tmp_path: Path) -> None:
    write(tmp_path, "parent.toml", (SCENARIOS / "baseline.toml").read_text(encoding="utf-8"))
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\nname = "child"\n'
                                          '[investigation.investigators]\ncount = 3\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert f"{child}: investigation.investigators" in str(err.value)


@pytest.mark.parametrize(("content", "expected"), [
    ("name = 'x'\n".encode("utf-16"), "looks like UTF-16"),
    (bytes(range(256)), "not UTF-8 text"),
    (b"v = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested"),
    (b"x = " + b"[" * 30 + b"]" * 30 + b"\n", "nested more than 16 levels"),
])
def test_unreadable_files_are_refused_cleanly(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(path)
