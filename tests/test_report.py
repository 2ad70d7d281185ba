"""Outputs for planners and reviewers: catalogue, workbook, plots, HTML report, rebuilds, kills."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from commands import MINSHENG, minsheng
from minsheng_insure.report import plots
from minsheng_insure.report.labels import CATALOGUE, LANGS, label, metric_label, metric_unit
from minsheng_insure.report.numbers import cell, fmt
from minsheng_insure.results.metrics import GROUPINGS
from minsheng_insure.results.registry import METRICS
from minsheng_insure.scenario.loading import scenario_to_toml

from factories import small_scenario

ROOT = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")



@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report")
    base = folder / "base.toml"
    base.write_text(scenario_to_toml(small_scenario(**{"insurance.coverage": {}, "name": "base",
                                                       "simulation.horizon_days": 730,
                                                       "crime_types.burglary.label_zh": "入室盗窃"})))
    scheme = folder / "scheme.toml"
    scheme.write_text('extends = "base.toml"\nname = "scheme"\n[insurance]\nbudget_yuan = 40000\nstart_day = 181\n'
                      'policy_year_start_day = 181\n[insurance.coverage.goods]\ndeductible_yuan = 100\n'
                      '[insurance.coverage.livestock]\ncopay_share = 0.1\n')
    out = folder / "cmp"
    done = minsheng("compare", str(base), str(scheme), "-n", "3", "--out", str(out), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    return {"base": base, "scheme": scheme, "compare": out, "folder": folder}


def test_every_label_exists_in_both_languages() -> None:
    for key, texts in CATALOGUE.items():
        for lang in LANGS:
            assert texts.get(lang, "").strip(), f"{key} has no {lang} text"
    needed = [*GROUPINGS, "whole_run", *(f"asset_{a}" for a in (
        "household_goods", "housing", "farm_machinery", "large_livestock", "grain", "trees", "vehicles", "none"))]
    assert [k for k in needed if k not in CATALOGUE] == []
    for name, metric in METRICS.items():
        assert metric.en.strip() and metric.zh.strip() and metric.description.strip(), name
        assert metric.unit_key in CATALOGUE, name


def test_one_registry_decides_how_each_metric_is_shown() -> None:
    for name, metric in METRICS.items():
        share = metric.kind == "share"
        assert fmt(0.5, name).endswith("%") == share, name
        assert (cell(0.5, name, "en")[1] == "0.0%") == share, name
        assert (metric_unit(name, "en") == "share") == share, name
        assert metric_label(name, "zh") == metric.zh
    assert metric_unit("payout_yuan", "zh") == "万元" and fmt(25_000, "payout_yuan", "zh") == "2.50"
    assert metric_unit("samaritan_injuries", "zh") == "人"
    assert fmt(0.5, "a_sweep_output") == "0.5"  # a name the registry lacks is a count


def test_comparison_workbook_reads_back(files) -> None:
    wb = openpyxl.load_workbook(files["compare"] / "comparison.xlsx")
    assert wb.sheetnames == ["主要结果", "保单年度", "对比", "汇总 scheme", "汇总 base", "参数与来源 scheme",
                             "参数与来源 base", "运行信息"]
    # the planner's answer per policy year, with typed dates, money in 万元 and changes as percentages
    answers = wb["保单年度"]
    head = [c.value for c in answers[1]]
    assert head[:3] == ["保单年度起", "保单年度止", "保费 (万元)"] and head[-1] == "重复次数", head
    years = list(answers.iter_rows(min_row=2))
    assert [(r[0].value.date().isoformat(), r[1].value.date().isoformat()) for r in years] == [
        ("2016-01-01", "2016-06-30"), ("2016-07-01", "2017-06-30"), ("2017-07-01", "2018-06-30")]
    reported = years[1][head.index("报案数: 变化")]
    assert reported.number_format == "+0.0%;-0.0%;0.0%" and -1 < reported.value < 5
    assert years[1][2].value == 4.0 and years[1][2].number_format == "#,##0.00"  # a 40,000 yuan budget
    comparison = wb["对比"]
    header = [c.value for c in comparison[1]]
    assert header == ["分组", "年份", "季度", "保单年度起", "保单年度止", "案件类别", "财产类别", "乡镇", "指标",
                      "单位", "基准", "方案", "差值", "差值95%置信区间下限", "差值95%置信区间上限", "变化",
                      "变化95%置信区间下限", "变化95%置信区间上限", "重复次数"]
    assert comparison.freeze_panes == "J2" and comparison.auto_filter.ref == f"A1:S{comparison.max_row}"
    rows = list(comparison.iter_rows(min_row=2, values_only=False))
    whole = {r[8].value: r for r in rows if r[0].value == "全期"}
    assert whole["赔付金额"][9].value == "万元"          # money in 万元 in Chinese
    # two policy years of a 40,000 yuan budget: at most 8 万元 (80,000 if it were shown in yuan)
    assert 0 < whole["赔付金额"][11].value <= 8.0 + 1e-9 and whole["赔付金额"][11].number_format == "#,##0.00"
    assert whole["报案率"][10].number_format == "0.0%" and 0 < whole["报案率"][10].value < 1
    change = whole["报案数"][15]       # a % change is a fraction shown as a percentage, not 42.1 in percent
    assert change.number_format == "+0.0%;-0.0%;0.0%" and -1 < change.value < 5
    # keys are typed: years and townships are numbers, policy years dates, names translated
    years = {r[1].value for r in rows if r[0].value == "年份"}
    assert years == {2016, 2017}
    townships = [r[7].value for r in rows if r[0].value == "乡镇"]
    assert townships and all(isinstance(t, int) for t in townships)
    policy = [r for r in rows if r[0].value == "保单年度"]
    assert {(r[3].value.date().isoformat(), r[4].value.date().isoformat()) for r in policy} == {
        ("2016-01-01", "2016-06-30"), ("2016-07-01", "2017-06-30"), ("2017-07-01", "2017-12-31")}
    assert policy[0][3].number_format == "yyyy-mm-dd"
    crimes = {r[5].value for r in rows if r[0].value == "案件类别"}
    assert "入室盗窃" in crimes and "burglary" not in crimes, crimes  # a type without label_zh keeps its name
    assets = {r[6].value for r in rows if r[0].value == "财产类别"}
    assert "无财产" in assets, assets  # the test county's own asset names have no Chinese label
    headline = wb["主要结果"]
    head = [c.value for c in headline[1]]
    assert head[:5] == header[:5] and "报案数 变化" in head and "赔付金额 (万元)" in head and len(head) < 25
    summary = wb["汇总 base"]
    assert [c.value for c in summary[1]][8:] == ["指标", "单位", "均值", "95%置信区间下限", "95%置信区间上限",
                                                 "重复次数"]
    assert metric_label("incidents", "zh") in {r[8].value for r in summary.iter_rows(min_row=2)}
    params = wb["参数与来源 scheme"]
    assert "insurance.budget_yuan" in [r[0].value for r in params.iter_rows(min_row=2)]
    info = {r[0].value: r[1].value for r in wb["运行信息"].iter_rows(min_row=2)}
    assert info["随机种子"] == 0 and info["重复次数"] == 3 and info["仿真引擎"] == "fast"
    assert info["命令行"].startswith("minsheng compare ") and "--lang zh" in info["命令行"]
    assert info["基准方案文件"].endswith("base.toml") and info["minsheng-insure 版本"]


def test_parquet_and_csv_keep_typed_keys(files) -> None:
    import pandas as pd

    table = pd.read_parquet(files["compare"] / "comparison.parquet")
    assert len(table[table.year == 2017]) > 0
    townships = table.loc[table.grouping == "township", "township"]
    assert townships.dtype == "Int64" and list(townships.drop_duplicates()) == sorted(townships.unique())
    assert pd.read_csv(files["compare"] / "comparison.csv")["year"].dropna().eq(2017).any()


def test_english_run_workbook_and_formats(files, tmp_path) -> None:
    out = tmp_path / "run"
    done = minsheng("run", str(files["scheme"]), "-n", "2", "--out", str(out), "--format", "xlsx", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert (out / "summary.xlsx").exists() and not (out / "summary.csv").exists()
    assert (out / "events.parquet").exists()  # the event log is always written
    wb = openpyxl.load_workbook(out / "summary.xlsx")
    header = [c.value for c in wb[wb.sheetnames[0]][1]]
    assert "Payout (yuan)" in header


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf"], "--format"),
    (["--lang", "fr"], "--lang"),
])
def test_bad_output_options_exit_2(files, tmp_path, args, message) -> None:
    done = minsheng("run", str(files["scheme"]), "-n", "1", "--out", str(tmp_path / "x"), *args)
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "x").exists()


def test_report_rebuilds_from_saved_results(files) -> None:
    out = files["compare"]
    before = (out / "report.html").read_text(encoding="utf-8")
    (out / "report.html").unlink()
    shutil.rmtree(out / "plots")
    done = minsheng("report", str(out))  # in the language the folder was written in
    assert done.returncode == 0, done.stderr
    assert "报告已重新生成" in done.stderr
    after = (out / "report.html").read_text(encoding="utf-8")
    assert after.count("<img") == before.count("<img") == 5
    assert "主要结果" in after and (out / "plots" / "forest.svg").exists()
    english = minsheng("report", str(out), "--lang", "en")
    assert english.returncode == 0 and "Headline" in (out / "report.html").read_text(encoding="utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_report_on_a_folder_without_results_is_refused(tmp_path) -> None:
    done = minsheng("report", str(tmp_path))
    assert done.returncode == 2 and "not a saved result" in done.stderr


def test_plots_fall_back_to_english_without_a_cjk_font(monkeypatch) -> None:
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    with pytest.warns(plots.MissingFontWarning, match="未找到中文字体"):
        assert plots.plot_language("zh") == "en"
    assert plots.plot_language("en") == "en"


def test_a_missing_font_is_one_line_on_the_command_line(files, tmp_path, monkeypatch, capsys) -> None:
    from minsheng_insure import cli

    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    out = tmp_path / "nofont"
    monkeypatch.setattr(sys, "argv", ["minsheng", "run", str(files["scheme"]), "-n", "1", "--out", str(out), "-q",
                                      "--lang", "zh", "--format", "csv"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code in (0, None)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "字体" in line]
    assert lines == [label("warn_prefix", "zh") + label("msg_no_cjk_font", "zh")], err
    assert "UserWarning" not in err and "warnings.warn" not in err


FONT_PROBE = """
import json, sys
from matplotlib import font_manager
before = sorted({f.name for f in font_manager.fontManager.ttflist})
if sys.argv[1] == "forget":  # the cache a matplotlib run wrote before the font was installed
    font_manager.fontManager.ttflist = [f for f in font_manager.fontManager.ttflist
                                        if not any(c in f.name for c in ("WenQuanYi", "Noto Sans CJK", "Droid"))]
    import matplotlib
    font_manager.json_dump(font_manager.fontManager, f"{matplotlib.get_cachedir()}/fontlist-v"
                           f"{font_manager.FontManager.__version__}.json")
    print(json.dumps(None))
else:
    from minsheng_insure.report.plots import CJK_FAMILIES, cjk_font
    print(json.dumps([[f for f in before if f in CJK_FAMILIES], cjk_font()]))
"""


@pytest.mark.skipif(not any(Path(p).is_file() for p in plots.CJK_FILES), reason="no CJK font installed here")
def test_a_font_installed_after_matplotlib_cached_its_list_is_found(tmp_path) -> None:
    import json

    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    for step in ("forget", "find"):
        done = subprocess.run([sys.executable, "-c", FONT_PROBE, step], capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    listed, found = json.loads(done.stdout.strip().splitlines()[-1])
    assert listed == []        # the stale cache really lacks the font ...
    assert found in plots.CJK_FAMILIES   # ... and the plots find it anyway


def test_killed_run_leaves_no_half_written_folder(files, tmp_path) -> None:
    out = tmp_path / "killed"
    proc = subprocess.Popen([MINSHENG, "run", str(files["scheme"]), "-n", "8", "--out", str(out), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill once the outputs are being written: the staging folder holds the event log, the report is not done.
    deadline = time.time() + 300
    while time.time() < deadline and not list(tmp_path.glob("*killed*/events.parquet")):
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run finished before it could be killed mid-write"
    assert not out.exists()
    assert list(tmp_path.glob(".killed.partial-*/events.parquet")), "killed before writing began"
    # a later run to the same folder succeeds and clears the killed run's staging folder and lock
    done = minsheng("run", str(files["scheme"]), "-n", "1", "--out", str(out), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert (out / "summary.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="headless Chromium not installed here")
def test_report_renders_in_headless_chromium(files, tmp_path) -> None:
    assert CHROMIUM is not None, "CI must have Chromium: .ci/run installs Debian's chromium"
    report = files["compare"] / "report.html"
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert 'id="headline"' in dom
    assert metric_label("reported", "zh") in dom or metric_label("reported", "en") in dom
    assert 'data-images="5"' in dom and 'data-images-ok="yes"' in dom
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []


def test_a_failing_report_keeps_the_computed_results(files, tmp_path, monkeypatch) -> None:
    from minsheng_insure import cli
    from minsheng_insure.report import bundle

    def broken(*args, **kwargs):
        raise RuntimeError("no plotting today")

    monkeypatch.setattr(bundle, "build_report", broken)
    out = tmp_path / "kept"
    monkeypatch.setattr(sys, "argv", ["minsheng", "run", str(files["scheme"]), "-n", "1", "--out", str(out), "-q"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    assert (out / "events.parquet").exists() and (out / "summary.csv").exists()
    assert not (out / "report.html").exists()


def test_hostile_text_stays_text_in_the_workbook_and_plots(tmp_path, monkeypatch) -> None:
    from minsheng_insure import cli

    path = tmp_path / "hostile.toml"
    path.write_text(scenario_to_toml(small_scenario(**{
        "name": "cost $_{$ =SUM(A1)", "provenance": {"insurance.budget_yuan": "=HYPERLINK(\"http://x\")\x07bell"}})))
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["minsheng", "run", str(path), "-n", "1", "--out", str(out), "-q"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code in (0, None)
    assert (out / "report.html").exists() and (out / "plots" / "cases_by_month.png").exists()
    sheet = next(ws for ws in openpyxl.load_workbook(out / "summary.xlsx") if ws.title.startswith("Parameters"))
    source = next(row[3] for row in sheet.iter_rows() if row[0].value == "insurance.budget_yuan")
    assert source.data_type == "s" and source.value == '=HYPERLINK("http://x")\\x07bell'
