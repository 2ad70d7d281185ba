"""Calibration: targets files, rejection ABC on a problem with a known answer, the fit check and --write."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from commands import minsheng
from minsheng_insure import load_scenario, simulate
from minsheng_insure.experiments.calibration import (
    Calibration,
    CalibrationNotWritten,
    resolve_priors,
    set_toml_value,
    write_calibration,
)
from minsheng_insure.experiments.priors import SOURCED_RANGES, Prior
from minsheng_insure.experiments.rejection_abc import rejection_abc
from minsheng_insure.experiments.targets import (
    TargetsFile,
    check_targets_fit,
    load_targets,
    period_end_day,
    simulated_changes,
    window_days,
)
from minsheng_insure.scenario.errors import ScenarioError
from minsheng_insure.scenario.loading import scenario_to_toml

from factories import small_scenario

ROOT = Path(__file__).parent.parent
TARGET = """[[targets]]
statistic = "reported"
counted_by = "event"
period = "2017Q1"
against = "2016Q1"
change_pct = 20.0
source = "test"
"""


def targets_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted((ROOT / "calibration").glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_targets_files_load_and_fit_shenqiu(path: Path) -> None:
    targets = load_targets(path)
    shenqiu = load_scenario(ROOT / "scenarios" / "shenqiu_2016.toml")
    check_targets_fit(targets, shenqiu, path)
    assert {t.change_pct for t in targets.targets} == {38.3, 52.1}
    assert all(t.counted_by == "event" and t.period == "2017Q1" and t.against == "2016Q1" for t in targets.targets)
    assert window_days(targets.targets, 2016) == 455  # the run can stop at the end of 2017 Q1


@pytest.mark.parametrize(("text", "key", "words"), [
    (TARGET.replace('"reported"', '"reportd"'), "targets.0.statistic", "not a metric that exists by period"),
    (TARGET.replace('"2017Q1"', '"2017Q5"'), "targets.0.period", "write 2017Q1"),
    (TARGET.replace('"2016Q1"', '"2016-01"'), "targets.0", "different kinds of period"),
    (TARGET.replace('"2016Q1"', '"2018Q1"'), "targets.0", "must come before"),
    (TARGET.replace('counted_by = "event"', 'counted_by = "report"'), "targets.0.counted_by", "event"),
    (TARGET.replace('source = "test"\n', ""), "targets.0.source", "required key is missing"),
    (TARGET + "extra = 1\n", "targets.0.extra", "unknown key"),
    (TARGET.replace("20.0", '"20%"'), "targets.0.change_pct", "finite number"),
    (TARGET + TARGET, "targets", "given twice"),
    (TARGET + '[priors."belief.prior_claims"]\nlow = 5\nhigh = 5\nsource = "x"\n', 'priors.belief.prior_claims',
     "must be below high"),
    ('description = "no targets"\n', "targets", "required key is missing"),
])
def test_a_bad_targets_file_names_file_field_and_fix(tmp_path: Path, text: str, key: str, words: str) -> None:
    path = targets_file(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_targets(path)
    message = str(caught.value)
    assert f"{path}: {key}" in message and words in message and "Fix:" in message, message


def test_unreadable_targets_and_periods_outside_the_run_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_targets(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_targets(targets_file(tmp_path, "[[targets]\n"))
    path = targets_file(tmp_path, TARGET.replace("2017Q1", "2018Q1"))
    with pytest.raises(ScenarioError, match=r"targets\.0\.period: 2018Q1 lies outside the run"):
        check_targets_fit(load_targets(path), small_scenario(**{"simulation.horizon_days": 730}), path)


def test_periods_end_where_the_calendar_says() -> None:
    assert period_end_day("2016Q1", 2016) == 90
    assert period_end_day("2017Q4", 2016) == 730
    assert period_end_day("2016-02", 2016) == 59
    assert period_end_day("2017", 2016) == 730


def test_simulated_changes_agree_with_the_year_on_year_table() -> None:
    scenario = small_scenario(**{"county.households": 3000, "simulation.horizon_days": 730,
                                 "insurance.start_day": 181})
    result = simulate(scenario, replications=4, seed=5)
    targets = TargetsFile.model_validate({"targets": [
        {"statistic": "reported", "counted_by": "event", "period": "2017Q1", "against": "2016Q1", "change_pct": 20,
         "source": "test"}]})
    table = simulated_changes(result, targets.targets, ("cleared",)).set_index("statistic")
    expected = result.period_change("quarter", "event").set_index(["year", "quarter", "metric"])
    for statistic in ("reported", "cleared"):
        row = expected.loc[(2017, 1, statistic)]
        assert table.loc[statistic, "change_pct"] == pytest.approx(row["change_pct"])
        assert table.loc[statistic, "change_pct_ci_high"] == pytest.approx(row["change_pct_ci_high"])
        half = (row["change_pct_ci_high"] - row["change_pct_ci_low"]) / 2
        assert 0 < table.loc[statistic, "se_pct"] < half  # a t quantile above 1 apart
    assert table.loc["reported", "target_pct"] == 20 and np.isnan(table.loc["cleared", "target_pct"])
    flags = result.period_change("quarter", "event").set_index(["year", "quarter", "metric"])["complete"]
    assert table.loc["reported", "complete"] == flags.loc[(2017, 1, "reported")]


class ToyModel:
    """Statistics a + b and a - b of a known truth; c does nothing (a parameter the data cannot identify)."""

    def __call__(self, parameters: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        a, b = parameters["a"], parameters["b"]
        return np.array([a + b, a - b]), np.array([0.5, 0.5])


def toy_fit(draws: int = 2000, accept: float = 0.02):
    priors = [Prior("a", 0, 10, "test"), Prior("b", 0, 10, "test"), Prior("c", 0, 10, "test")]
    return rejection_abc(ToyModel(), priors, ["sum", "difference"], np.array([7.0, 1.0]), draws, accept, seed=3)


def test_abc_recovers_a_known_parameter_and_leaves_an_unidentified_one_spread() -> None:
    abc = toy_fit()
    posterior = abc.posterior().set_index("parameter")
    assert len(abc.accepted) == 40
    for key, truth in (("a", 4.0), ("b", 3.0)):
        assert abs(posterior.loc[key, "median"] - truth) < 0.25, posterior
        assert posterior.loc[key, "low"] <= truth <= posterior.loc[key, "high"]
        assert posterior.loc[key, "high"] - posterior.loc[key, "low"] < 1.5
    assert posterior.loc["c", "high"] - posterior.loc["c", "low"] > 7  # c is not learned: the prior's spread
    assert (abc.accepted["distance"] <= abc.threshold).all()
    assert list(abc.draws["distance"].sort_values().index[:40]) == list(abc.accepted.index)


def test_abc_draws_are_reproducible_and_integer_priors_give_whole_numbers() -> None:
    first, again = toy_fit(draws=50, accept=0.2), toy_fit(draws=50, accept=0.2)
    pd.testing.assert_frame_equal(first.draws, again.draws)
    whole = Prior("belief.lag_months", 1, 3, "test", integer=True)
    values = whole.values(np.linspace(0, 0.999, 50))
    assert set(values) == {1.0, 2.0, 3.0}


def test_priors_come_from_the_command_line_then_the_targets_file_then_the_sourced_ranges() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "shenqiu_2016.toml")
    targets = load_targets(ROOT / "calibration" / "shenqiu_counts.toml")
    priors = resolve_priors([("reporting.insured_aware_coefficient", None), ("belief.prior_claims", None),
                             ("accountability.gain_investigators", (1.0, 3.0)), ("belief.lag_months", (1, 3))],
                            scenario, targets)
    by_key = {p.key: p for p in priors}
    assert by_key["reporting.insured_aware_coefficient"].source.startswith("assumption")
    assert (by_key["belief.prior_claims"].low, by_key["belief.prior_claims"].high) == (5, 50)
    assert by_key["belief.prior_claims"].source == SOURCED_RANGES["belief.prior_claims"].source
    gain = by_key["accountability.gain_investigators"]
    assert (gain.low, gain.high, gain.source) == (1, 3, "bounds given on the command line")
    assert by_key["belief.lag_months"].integer and not by_key["belief.prior_claims"].integer
    refused = [([("reporting.log_loss_coefficient", None)], "no sourced range"),
               ([("reporting.benefit_response", (0, 1))], "not a numeric parameter"),
               ([("reporting.no_such", (0, 1))], "no such parameter"),
               ([("belief.prior_claims", None), ("belief.prior_claims", None)], "freed twice")]
    for free, words in refused:
        with pytest.raises(ValueError, match=words):
            resolve_priors(free, scenario, targets)


def toy_calibration(change: float, low: float, high: float) -> Calibration:
    """A calibration of reporting.log_loss_coefficient whose fit check gives ``change`` [low, high] against 10%."""
    prior = Prior("reporting.log_loss_coefficient", 0, 1, "test")
    abc = rejection_abc(lambda p: (np.array([10 * p[prior.key] + 5]), np.array([0.5])), [prior],
                        ["reported 2017Q1/2016Q1 (event)"], np.array([10.0]), 40, 0.25, seed=1)
    targets = TargetsFile.model_validate({"targets": [{
        "statistic": "reported", "counted_by": "event", "period": "2017Q1", "against": "2016Q1", "change_pct": 10,
        "source": "test"}]})
    check = pd.DataFrame({"name": ["reported 2017Q1/2016Q1 (event)"], "statistic": ["reported"],
                          "change_pct": [change], "change_pct_ci_low": [low], "change_pct_ci_high": [high],
                          "target_pct": [10.0]})
    return Calibration("test", targets, "targets.toml", abc, check, pd.DataFrame(), 5, 1, 455, 10.0, 1.0)


def test_write_refuses_a_fit_whose_ci_misses_a_target_and_keeps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text((ROOT / "scenarios" / "baseline.toml").read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(CalibrationNotWritten, match=r"not written.*\+4\.0% \[\+2\.0, \+6\.0\] does not contain the "
                                                    r"target \+10\.0%.*Fix:"):
        write_calibration(path, toy_calibration(4.0, 2.0, 6.0))
    assert path.read_text(encoding="utf-8") == before
    fit = toy_calibration(9.5, 8.0, 11.0)
    write_calibration(path, fit)
    reloaded = load_scenario(path)
    assert reloaded.reporting.log_loss_coefficient == pytest.approx(fit.parameters["reporting.log_loss_coefficient"],
                                                                    rel=1e-5)
    assert 0.4 < reloaded.reporting.log_loss_coefficient < 0.6
    source = reloaded.provenance["reporting.log_loss_coefficient"]
    assert source.startswith("calibrated by minsheng calibrate (rejection ABC") and "95% interval" in source


def test_writing_a_calibration_keeps_the_file_readable() -> None:
    text = "# comment\n[reporting]\n# why\ninsured_aware_coefficient = 1.0\n\n[provenance]\n\"a\" = \"b\"\n"
    text = set_toml_value(text, "reporting", "insured_aware_coefficient", "2.5")
    text = set_toml_value(text, "reporting", "log_loss_coefficient", "0.3")
    text = set_toml_value(text, "accountability", "gain_investigators", "3")
    assert "# comment" in text and "# why" in text
    assert "insured_aware_coefficient = 2.5" in text and "log_loss_coefficient = 0.3" in text
    assert text.index("log_loss_coefficient") < text.index("[provenance]")
    assert "[accountability]\ngain_investigators = 3" in text



@pytest.fixture(scope="module")
def county(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("calibrate")
    scenario = folder / "county.toml"
    scenario.write_text(scenario_to_toml(small_scenario(**{
        "name": "county", "county.households": 3000, "simulation.horizon_days": 730, "insurance.start_day": 181,
        "accountability": {"enabled": True, "start_day": 181, "target_clearance_rate": 0.5}})))
    reachable = folder / "reachable.toml"
    reachable.write_text(TARGET + TARGET.replace('"reported"', '"cleared"'), encoding="utf-8")
    unreachable = folder / "unreachable.toml"
    unreachable.write_text(TARGET.replace("20.0", "900.0"), encoding="utf-8")
    return {"scenario": scenario, "reachable": reachable, "unreachable": unreachable, "folder": folder}


FREE = ("--free", "reporting.insured_aware_coefficient=0:4", "--free", "accountability.gain_investigators=0:5",
        "--free", "belief.prior_claims")
TINY = ("-n", "3", "--draws", "6", "--accept", "0.5", "--budgets", "0,50000", "-q")


def test_calibrate_fits_saves_and_writes(county, tmp_path: Path) -> None:
    out = tmp_path / "fit"
    done = minsheng("calibrate", str(county["scenario"]), "--targets", str(county["reachable"]), *FREE, *TINY,
                    "--out", str(out), "--write")
    assert done.returncode == 0, done.stderr
    assert "3 of 6 draws accepted" in done.stdout and "Posterior predictive" in done.stdout
    assert "county-years simulated" in done.stdout
    for name in ("draws", "accepted", "posterior", "fit_check", "predictive"):
        assert (out / f"{name}.csv").is_file(), name
    assert (out / "pairs.png").is_file()
    posterior = pd.read_csv(out / "posterior.csv").set_index("parameter")
    assert posterior.loc["belief.prior_claims", "prior_low"] == 5  # the sourced range
    predictive = pd.read_csv(out / "predictive.csv")
    assert set(predictive["budget_yuan"]) == {0, 50000}
    assert set(predictive["output"]) == {"reported_change_pct", "cleared_change_pct", "loss_ratio",
                                         "valid_claims_paid_share"}
    fitted = load_scenario(county["scenario"])
    assert fitted.reporting.insured_aware_coefficient == pytest.approx(
        posterior.loc["reporting.insured_aware_coefficient", "median"], rel=1e-5)
    assert fitted.provenance["belief.prior_claims"].startswith("calibrated by minsheng calibrate (rejection ABC")


def test_calibrate_prints_its_tables_in_chinese_under_minsheng_lang_zh(county) -> None:
    done = minsheng("calibrate", str(county["scenario"]), "--targets", str(county["reachable"]), *FREE, *TINY,
                    lang="zh")
    assert done.returncode == 0, done.stderr
    for words in ("6次抽样中接受3次", "后验中位数处的拟合", "后验预测", "资金", "个县年"):
        assert words in done.stdout, words
    assert "draws accepted" not in done.stdout and "Posterior predictive" not in done.stdout


def test_calibrate_refuses_to_write_a_fit_that_misses(county) -> None:
    before = county["scenario"].read_text(encoding="utf-8")
    done = minsheng("calibrate", str(county["scenario"]), "--targets", str(county["unreachable"]), *FREE, *TINY,
                    "--write")
    assert done.returncode == 1
    assert "not written" in done.stderr and "does not contain the target +900.0%" in done.stderr
    assert county["scenario"].read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("args", "words"), [
    (("--free", "reporting.log_loss_coefficient"), "no sourced range is known for it. Fix: give one, --free"),
    (("--free", "belief.prior_claims=9:x"), "bounds must be LOW:HIGH"),
    (("--free", "belief.prior_claims=9:1"), "LOW must be below HIGH"),
    (("--free", "belief.prior_claims", "--budgets", "0,-5"), "none negative"),
    (("--free", "belief.prior_claims", "--set", "belief.initial=0.8", "--write"), "--write with --set"),
])
def test_calibrate_refuses_bad_options_in_one_line(county, args: tuple[str, ...], words: str) -> None:
    done = minsheng("calibrate", str(county["scenario"]), "--targets", str(county["reachable"]), *args)
    assert done.returncode == 2 and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_calibrate_names_the_targets_file_field_and_fix(county, tmp_path: Path) -> None:
    bad = targets_file(tmp_path, TARGET.replace('"reported"', '"reportd"'))
    done = minsheng("calibrate", str(county["scenario"]), "--targets", str(bad), "--free", "belief.prior_claims")
    assert done.returncode == 2
    assert f"{bad}: targets.0.statistic" in done.stderr and "Fix:" in done.stderr
