"""Planners' answers: a budget ladder in one run, money in 万 and 亿, policy years compared on one
calendar, one sentence per policy year with dates, year-on-year tables, and overrides that say so."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from commands import minsheng
from minsheng_insure import Ladder, compare, load_scenario
from minsheng_insure.report.excel import _sheet_name
from minsheng_insure.report.sentences import policy_year_sentences
from minsheng_insure.scenario.errors import ScenarioError
from minsheng_insure.scenario.loading import parse_grid, parse_override, record_overrides, scenario_to_toml

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"county.households": 20_000}
"""A twentieth of Shenqiu: the same mechanisms, fast enough for a test."""


@pytest.fixture(scope="module")
def shenqiu() -> tuple:
    base = load_scenario(ROOT / "scenarios/baseline.toml").with_overrides(SMALL)
    scheme = load_scenario(ROOT / "scenarios/shenqiu_2016.toml").with_overrides(SMALL)
    return base, scheme


@pytest.fixture(scope="module")
def comparison(shenqiu):
    return compare(*shenqiu, replications=3, seed=2)


@pytest.mark.parametrize(("text", "yuan"), [("75万", 750_000), ("1.5亿", 150_000_000), ("200万元", 2_000_000),
                                            ("0", 0), ("1_500_000", 1_500_000), ("2.5万", 25_000)])
def test_money_in_wan_and_yi(text: str, yuan: float) -> None:
    assert parse_override(f"insurance.budget_yuan={text}") == ("insurance.budget_yuan", yuan)


@pytest.mark.parametrize("text", ["x万", "75万万", "万"])
def test_a_bad_amount_is_one_clear_error(text: str) -> None:
    with pytest.raises(ScenarioError, match=r"insurance\.budget_yuan.*not an amount.*75万"):
        parse_override(f"insurance.budget_yuan={text}")


def test_grid_values() -> None:
    assert parse_grid("insurance.budget_yuan=0,75万,150万,3e6") == ("insurance.budget_yuan",
                                                                   [0, 750_000, 1_500_000, 3e6])
    with pytest.raises(ScenarioError, match="--set-grid"):
        parse_grid("insurance.budget_yuan=")


def test_an_override_names_itself_and_replaces_the_stale_source() -> None:
    scheme = load_scenario(ROOT / "scenarios/shenqiu_2016.toml")
    overrides = {"insurance.budget_yuan": 2_000_000}
    changed = record_overrides(scheme.with_overrides(overrides), scheme, overrides)
    assert changed.name == "shenqiu_2016 (insurance.budget_yuan = 200万)"
    source = changed.provenance["insurance.budget_yuan"]
    assert source.startswith("override on the command line: 200万 (was 150万")
    assert changed.description.startswith("shenqiu_2016 with insurance.budget_yuan = 200万 set on the command line")
    assert changed.insurance.budget_yuan == 2_000_000
    # the resolved file of such a run reloads with the override's provenance
    assert "override on the command line" in scenario_to_toml(changed)


def test_policy_years_align_on_the_scenarios_calendar(comparison) -> None:
    """The baseline has no scheme (calendar policy years); grouped on Shenqiu's July-June years, its
    incidents equal Shenqiu's row by row: common random numbers, and nothing in Shenqiu (deterrence is
    off) changes how many incidents happen."""
    assert comparison.scenario.scenario.deterrence.elasticity == 0
    table = comparison.table("policy_year")
    incidents = table[table["metric"] == "incidents"]
    assert list(incidents["policy_year"]) == [-1, 0, 1]
    assert (incidents["change_pct"] == 0).all() and (incidents["n"] == 3).all()
    assert (incidents["baseline"] == incidents["scenario"]).all()


def test_a_metric_the_baseline_lacks_keeps_the_scenarios_count(comparison) -> None:
    row = comparison.table().set_index("metric").loc["budget_used_share"]
    assert pd.isna(row["baseline"]) and row["n"] == 3


def test_policy_year_answers_have_dates_and_costs(comparison) -> None:
    answers = comparison.policy_years().set_index("policy_year")
    first = answers.loc[0]
    assert (first["start_date"].isoformat(), first["end_date"].isoformat()) == ("2016-07-01", "2017-06-30")
    assert answers.loc[-1, "end_date"].isoformat() == "2016-06-30"
    assert bool(answers.loc[1, "partial"]) and answers.loc[1, "run_end_date"].isoformat() == "2017-12-31"
    assert first["premium_yuan"] == 1_500_000
    extra = first["reported"] - first["reported_baseline"]
    assert first["premium_per_extra_reported"] == pytest.approx(1_500_000 / extra, rel=1e-9)
    assert first["premium_per_extra_reported_ci_low"] < first["premium_per_extra_reported"] \
        < first["premium_per_extra_reported_ci_high"]
    # the run holds July to December of the second policy year: half a year's premium, pro rata
    last = answers.loc[1]
    extra = last["reported"] - last["reported_baseline"]
    assert last["premium_per_extra_reported"] == pytest.approx(1_500_000 * 184 / 365 / extra, rel=1e-9)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_sentence_per_policy_year(comparison, lang: str) -> None:
    sentences = policy_year_sentences(comparison, lang)
    assert len(sentences) == 3
    opening = "Policy year 2016-07-01 to 2017-06-30: the 1.5 million yuan fund paid" if lang == "en" \
        else "保单年度 2016-07-01至2017-06-30\uff1a150万元资金赔付"
    assert sentences[1].startswith(opening)
    assert ("3 paired replications, 95% CIs" if lang == "en" else "3次成对重复") in sentences[1]
    assert all(" 日 " not in s and "day" not in s for s in sentences)


def test_a_fund_without_money_says_so(shenqiu) -> None:
    broke = compare(shenqiu[0], shenqiu[1].with_overrides({"insurance.budget_yuan": 0}), replications=2, seed=2)
    sentence = policy_year_sentences(broke, "en")[1]
    assert "no money in the fund, so no claim was paid" in sentence and "per extra" not in sentence


def test_year_on_year_says_what_it_counts_by(comparison) -> None:
    from minsheng_insure.report.tables import yoy_table

    table = yoy_table(comparison.scenario, "quarter").set_index(["period", "metric"])
    assert table.loc[("2017Q1", "cleared"), "counted_by"] == "clear_day"
    assert table.loc[("2017Q1", "reported"), "counted_by"] == "report_day"
    assert table.loc[("2017Q1", "reported"), "change_pct"] > 0
    # the article's figures, cited by the scenario as data, stand beside the simulated ones
    assert table.loc[("2017Q1", "reported"), "reported_change_pct"] == 38.3
    assert table.loc[("2017Q1", "cleared"), "reported_change_pct"] == 52.1
    assert pd.isna(table.loc[("2017Q2", "cleared"), "reported_change_pct"])
    from minsheng_insure.report.tables import reported_figures_table

    assert list(reported_figures_table(comparison.scenario)["metric"]) == ["reported", "cleared"]


def test_a_reported_figure_must_name_a_metric_and_a_period(shenqiu) -> None:
    with pytest.raises(ScenarioError, match=r"reported_figures\.0\.metric.*unknown metric 'reporting'"):
        shenqiu[1].with_overrides({"reported_figures": [{"metric": "reporting", "period": "2017Q1",
                                                          "change_pct": 38.3, "source": "article"}]})
    with pytest.raises(ScenarioError, match=r"reported_figures\.0\.period"):
        shenqiu[1].with_overrides({"reported_figures": [{"metric": "reported", "period": "2017 Q1",
                                                          "change_pct": 38.3, "source": "article"}]})


def test_sheet_names_stay_unique_and_readable() -> None:
    used: set[str] = set()
    long = "Summary shenqiu_2016 (insurance.budget_yuan = 75万) Policy year"
    names = [_sheet_name(long, used), _sheet_name(long, used), _sheet_name(long.upper(), used)]
    assert len({n.casefold() for n in names}) == 3 and all(len(n) <= 31 for n in names)
    assert names[0].startswith("Summary shenqi") and names[0].endswith("Policy year")
    assert names[1].endswith("(2)")


@pytest.fixture(scope="module")
def files(shenqiu, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("planner")
    paths = {"base": folder / "base.toml", "scheme": folder / "scheme.toml"}
    for scenario, path in zip(shenqiu, paths.values(), strict=True):
        path.write_text(scenario_to_toml(scenario), encoding="utf-8")
    return paths


def test_ladder_command(files, tmp_path) -> None:
    out = tmp_path / "ladder"
    done = minsheng("compare", str(files["base"]), str(files["scheme"]), "--set-grid",
                    "insurance.budget_yuan=0,75万,150万", "--yoy", "quarter", "-n", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    names = [f"shenqiu_2016 (insurance.budget_yuan = {v})" for v in ("0", "75万", "150万")]
    assert "Policy year 2016-07-01 to 2017-06-30: the 1.5 million yuan fund" in done.stdout
    table = pd.read_csv(out / "comparison.csv")
    assert list(dict.fromkeys(table["scenario_name"])) == names
    whole = table[(table["grouping"] == "whole_run") & (table["metric"] == "payout_yuan")]
    assert whole["scenario"].iloc[0] == 0 and whole["scenario"].iloc[1] > 0
    sheet = openpyxl.load_workbook(out / "comparison.xlsx", read_only=True).worksheets[0]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert [h for h in header if h in names] == names
    # the first sheet's figures are numbers with the other sheets' formats: a % change as a share
    reported = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Reported")
    change = reported[header.index(f"{names[1]}: Change")]
    assert 0 < change.value < 1 and "%" in change.number_format
    assert reported[header.index(names[1])].number_format == "#,##0"
    assert (out / "plots/ladder.png").exists() and (out / "yoy.csv").exists()
    assert [p.name for p in sorted((out / "scenarios").iterdir())] == ["1", "2", "3"]
    # a baseline without a scheme has no policy years of its own to summarise
    assert "policy_year" not in set(pd.read_csv(out / "baseline" / "summary.csv")["grouping"])
    assert "policy_year" in set(pd.read_csv(out / "scenarios" / "2" / "summary.csv")["grouping"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "ran out on" in page or "did not run out" in page
    assert "+38.3%" in page and "reported by the county" in page
    rebuilt = minsheng("report", str(out), "--lang", "zh")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "保单年度 2016-07-01至2017-06-30" in (out / "report.html").read_text(encoding="utf-8")


def test_two_scenario_compare_opens_with_sentences_and_aligned_policy_years(files, tmp_path) -> None:
    out = tmp_path / "cmp"
    done = minsheng("compare", str(files["base"]), str(files["scheme"]), "--set", "insurance.budget_yuan=200万",
                    "-n", "2", "--by", "policy_year", "--lang", "zh", "--out", str(out), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("shenqiu_2016 (insurance.budget_yuan = 200万)")
    assert "保单年度 2016-07至2017-06" in done.stdout
    table = pd.read_csv(out / "comparison.csv")
    rows = table[(table["grouping"] == "policy_year") & (table["metric"] == "incidents")]
    assert (rows["change_pct"] == 0).all() and len(rows) == 3
    resolved = load_scenario(out / "scenario" / "scenario.resolved.toml")
    assert resolved.provenance["insurance.budget_yuan"].startswith("override on the command line: 200万")


def test_bad_grid_and_duplicate_scenarios_are_refused(files) -> None:
    done = minsheng("compare", str(files["base"]), str(files["scheme"]), "--set-grid", "insurance.budget_yuan=x万")
    assert done.returncode == 2 and "not an amount" in done.stderr
    done = minsheng("compare", str(files["base"]), str(files["scheme"]), str(files["scheme"]))
    assert done.returncode == 2 and "both named" in done.stderr


def test_ladder_api(shenqiu) -> None:
    from minsheng_insure import ladder

    rungs = ladder(*shenqiu, "insurance.budget_yuan", [0, 1_500_000], replications=2, seed=1)
    assert isinstance(rungs, Ladder) and rungs.budgets() == [0, 1_500_000]
    from minsheng_insure.report.tables import ladder_display

    shown = ladder_display(rungs, "en").set_index("Metric")
    assert shown.loc["Budget used", rungs.names[0]].startswith("-")  # no money: no share of it used
    assert shown.loc["Budget used", rungs.names[1]].endswith("%]")
    table = rungs.table()
    assert {"scenario_name", "scenario_ci_low", "scenario_ci_high", "change_pct"} <= set(table.columns)
    # each rung is paired with the same baseline run
    assert rungs.pairs[0].baseline is rungs.pairs[1].baseline


def test_a_fund_of_zero_has_nothing_to_run_out_of(shenqiu) -> None:
    """Budget 0: no 'fund ran out' share or date (it showed 100% and the first claim's day); a fund
    that does run out still reports both."""
    base, scheme = shenqiu
    empty = compare(base, scheme.with_overrides({"insurance.budget_yuan": 0}), replications=2, seed=1)
    years = empty.policy_years()
    assert years["ran_out_share"].isna().all() and years["ran_out_date"].isna().all()
    assert empty.scenario.metrics()["budget_exhausted"].isna().all()
    tight = compare(base, scheme.with_overrides({"insurance.budget_yuan": 1000}), replications=2, seed=1)
    insured_years = tight.policy_years().query("policy_year >= 0")
    assert (insured_years["ran_out_share"] == 1).all() and insured_years["ran_out_date"].notna().all()
    assert (tight.scenario.metrics()["budget_exhausted"] == 1).all()
