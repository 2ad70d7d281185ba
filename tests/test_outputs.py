"""What people read: one number formatter, the command line's language, and results in a notebook."""

from __future__ import annotations

import datetime

import pytest

from commands import minsheng
from minsheng_insure.api import compare, simulate
from minsheng_insure.report import bundle
from minsheng_insure.report.labels import cli_language, label
from minsheng_insure.report.numbers import cell, fmt, fmt_ci, fmt_pct
from minsheng_insure.report.tables import headline_display
from minsheng_insure.results.io import load_result, save_result

from factories import small_scenario


@pytest.mark.parametrize(("value", "metric", "lang", "text"), [
    (0.0, "reported", "en", "0"),                 # a zero count is 0, not 0.00
    (12.0, "reported", "en", "12"),
    (12.35, "reported", "en", "12.3"),            # a fractional mean keeps one decimal below 100
    (4527.35, "reported", "en", "4,527"),
    (0.4213, "reporting_rate", "en", "42.1%"),
    (1_350_000.0, "payout_yuan", "en", "1,350,000"),
    (1_350_000.0, "payout_yuan", "zh", "135.00"),  # 万元, always two decimals
    (912_800.0, "payout_yuan", "zh", "91.28"),
    (float("nan"), "reported", "en", "-"),
])
def test_one_formatter_for_every_figure(value: float, metric: str, lang: str, text: str) -> None:
    assert fmt(value, metric, lang) == text  # type: ignore[arg-type]


def test_days_are_dates_and_changes_are_fractions_in_the_workbook() -> None:
    assert fmt(181.6, "budget_exhausted_day", "en", 2016) == "2016-07-01"
    assert cell(181.6, "budget_exhausted_day", "zh", 2016) == (datetime.date(2016, 7, 1), "yyyy-mm-dd")
    assert fmt(-12.0, "budget_exhausted_day", "en", 2016, "difference") == "-12"
    assert cell(-12.0, "budget_exhausted_day", "zh", 2016, "difference")[1] == '+0"天";-0"天";0"天"'
    assert cell(42.1, "reported", "en", role="change") == (pytest.approx(0.421), "+0.0%;-0.0%;0.0%")
    assert fmt_pct(42.1) == "+42.1%" and fmt_ci(0.1, 0.2, "reporting_rate") == "[10.0%, 20.0%]"
    assert cell(0.0, "reported", "en") == (0.0, "#,##0") and cell(12.3, "reported", "en")[1] == "#,##0.0"
    assert cell(1_350_000.0, "payout_yuan", "zh") == (135.0, "#,##0.00")
    assert cell(None, "reported", "en") == (None, None)


def test_the_command_line_language_comes_from_lang_or_the_environment() -> None:
    assert cli_language(["minsheng", "run", "x", "--lang", "zh"], {}) == "zh"
    assert cli_language(["minsheng", "run", "--lang=zh", "x"], {"MINSHENG_LANG": "en"}) == "zh"
    assert cli_language(["minsheng", "--help"], {"MINSHENG_LANG": "zh"}) == "zh"
    assert cli_language(["minsheng", "--help"], {"MINSHENG_LANG": "fr"}) == "en"
    assert cli_language(["minsheng", "run", "--lang"], {}) == "en"


def test_help_and_errors_follow_the_language() -> None:
    chinese = minsheng("run", "--help", lang="zh")
    assert chinese.returncode == 0 and label("opt_replications", "zh") in chinese.stdout
    assert label("cli_run", "zh")[:10] in chinese.stdout
    english = minsheng("run", "--help", "--lang", "en", lang="zh")  # --lang beats the environment
    assert label("opt_replications", "en") in english.stdout
    error = minsheng("run", "scenarios/none.toml", "--by", "decade", "--lang", "zh")
    assert error.returncode == 2
    assert error.stderr.strip() == label("err_prefix", "zh") + label(
        "err_by", "zh", choices="year, quarter, month, policy_year, crime_type, asset_class, township",
        got="'decade'")
    wrong = minsheng("run", "scenarios/none.toml", "-n", "1", lang="de")
    assert wrong.returncode == 2 and "MINSHENG_LANG" in wrong.stderr


@pytest.fixture(scope="module")
def small_comparison():
    scheme = small_scenario(**{"simulation.horizon_days": 365})
    base = scheme.with_overrides({"insurance.budget_yuan": 0.0, "name": "base"})
    return compare(base, scheme, replications=2, seed=3)


def test_a_result_is_short_in_a_terminal_and_a_table_in_a_notebook(small_comparison) -> None:
    result = small_comparison.scenario
    assert len(repr(result)) < 300 and "replications=2" in repr(result)
    assert len(repr(small_comparison)) < 300
    page = result._repr_html_()
    assert page.count("<tr") == len(headline_display(result.summary(), "en")) + 1 and "95% CI" in page
    page = small_comparison._repr_html_()
    assert "change 95% CI" in page and "Reporting rate" in page and len(page) < 20_000


def test_simulate_counts_replications_on_stderr(capfd) -> None:
    simulate(small_scenario(**{"simulation.horizon_days": 60}), replications=3, seed=1, progress=True)
    err = capfd.readouterr().err
    assert "3/3 replications" in err and err.endswith("\n") and err.count("\n") == 1


def test_a_saved_result_loads_from_a_path_given_as_text(small_comparison, tmp_path) -> None:
    save_result(tmp_path, small_comparison.scenario, "test")
    loaded = load_result(str(tmp_path))
    assert loaded.events.equals(small_comparison.scenario.events)


def test_messages_fill_in_without_clashing_with_the_lookup() -> None:
    import string

    from minsheng_insure.report.labels import CATALOGUE

    for key, texts in CATALOGUE.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("en", "zh")]
        assert fields[0] == fields[1], key                  # both languages take the same values
        assert not fields[0] & {"key", "lang"}, key          # label(key, lang, **values) would refuse them


def test_a_failed_save_is_not_lost_when_a_later_step_fails_too(tmp_path) -> None:
    """The saves run on a thread: when the tables fail after a save failed, both errors reach the user."""
    with pytest.raises(RuntimeError, match="tables broke") as caught, bundle._saving("en") as save:
        save(tmp_path, None)  # type: ignore[arg-type]  # no result to save: this save fails
        raise RuntimeError("tables broke")
    assert any(note.startswith("saving a result failed too: ") for note in caught.value.__notes__)


def test_every_failed_save_and_a_failed_report_reach_the_user(tmp_path) -> None:
    """Two saves fail after the rest succeeded but the report did not: the first save's error is raised,
    the second save and the report are notes on it, in the command line's language."""
    with pytest.raises(AttributeError) as caught, bundle._saving("zh") as save:
        save(tmp_path / "a", None)  # type: ignore[arg-type]
        save(tmp_path / "b", None)  # type: ignore[arg-type]
        save.kept(RuntimeError("report broke"))
    notes = caught.value.__notes__
    assert len(notes) == 2 and notes[0].startswith(label("note_save_failed", "zh", error="AttributeError"))
    assert notes[1] == label("note_output_failed", "zh", error="RuntimeError: report broke") and "报告" in notes[1]
