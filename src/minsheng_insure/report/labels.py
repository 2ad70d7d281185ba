"""Every label, column header and message of the outputs, in English and Chinese, from one catalogue.

``label(key, lang)`` looks a key up; a test fails if any key lacks either language. Crime types
take their Chinese name from the scenario (``label_zh``); asset classes from here; metrics, with
their units and kinds, from ``results.registry``.
"""

from __future__ import annotations

from typing import Literal

from minsheng_insure.results.registry import METRICS, kind

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

CATALOGUE: dict[str, dict[str, str]] = {
    # column headers
    "grouping": {"en": "Grouping", "zh": "分组"},
    "metric": {"en": "Metric", "zh": "指标"},
    "unit": {"en": "Unit", "zh": "单位"},
    "mean": {"en": "Mean", "zh": "均值"},
    "ci_low": {"en": "95% CI low", "zh": "95%置信区间下限"},
    "ci_high": {"en": "95% CI high", "zh": "95%置信区间上限"},
    "n": {"en": "Replications", "zh": "重复次数"},
    "complete": {"en": "Complete (no case left open)", "zh": "统计期完整（无未结案件）"},
    "baseline": {"en": "Baseline", "zh": "基准"},
    "scenario": {"en": "Scenario", "zh": "方案"},
    "difference": {"en": "Difference", "zh": "差值"},
    "difference_ci_low": {"en": "Difference 95% CI low", "zh": "差值95%置信区间下限"},
    "difference_ci_high": {"en": "Difference 95% CI high", "zh": "差值95%置信区间上限"},
    "change_pct": {"en": "Change (%)", "zh": "变化 (%)"},
    "change_pct_ci_low": {"en": "Change 95% CI low (%)", "zh": "变化95%置信区间下限 (%)"},
    "change_pct_ci_high": {"en": "Change 95% CI high (%)", "zh": "变化95%置信区间上限 (%)"},
    "year_before": {"en": "Year before", "zh": "上年同期"},
    "this_year": {"en": "This year", "zh": "本年"},
    "year": {"en": "Year", "zh": "年份"},
    "quarter": {"en": "Quarter", "zh": "季度"},
    "month": {"en": "Month", "zh": "月份"},
    "policy_year": {"en": "Policy year", "zh": "保单年度"},
    "crime_type": {"en": "Crime type", "zh": "案件类别"},
    "asset_class": {"en": "Asset class", "zh": "财产类别"},
    "township": {"en": "Township", "zh": "乡镇"},
    "whole_run": {"en": "Whole run", "zh": "全期"},
    "parameter": {"en": "Parameter", "zh": "参数"},
    "value": {"en": "Value", "zh": "取值"},
    "source": {"en": "Source", "zh": "来源"},
    # units
    "unit_yuan": {"en": "yuan", "zh": "元"},
    "unit_wan_yuan": {"en": "10,000 yuan", "zh": "万元"},
    "unit_count": {"en": "count", "zh": "件"},
    "unit_share": {"en": "share", "zh": "比例"},
    "unit_day": {"en": "day", "zh": "日"},
    "unit_people": {"en": "people", "zh": "人"},
    # asset classes
    "asset_household_goods": {"en": "Household goods", "zh": "家庭财产"},
    "asset_housing": {"en": "Housing", "zh": "房屋"},
    "asset_farm_machinery": {"en": "Farm machinery", "zh": "农机具"},
    "asset_large_livestock": {"en": "Large livestock", "zh": "大牲畜"},
    "asset_grain": {"en": "Grain", "zh": "粮食"},
    "asset_trees": {"en": "Trees", "zh": "树木"},
    "asset_vehicles": {"en": "Vehicles", "zh": "交通工具"},
    "asset_none": {"en": "No property", "zh": "无财产"},
    "crime_false_report": {"en": "False report", "zh": "虚假报案"},
    # sheets and sections
    "sheet_summary": {"en": "Summary", "zh": "汇总"},
    "sheet_comparison": {"en": "Comparison", "zh": "对比"},
    "sheet_parameters": {"en": "Parameters", "zh": "参数与来源"},
    "report_title_run": {"en": "Simulation report", "zh": "仿真报告"},
    "report_title_compare": {"en": "Scenario comparison", "zh": "方案对比报告"},
    "section_headline": {"en": "Headline", "zh": "主要结果"},
    "section_tables": {"en": "Tables", "zh": "数据表"},
    "section_plots": {"en": "Plots", "zh": "图表"},
    "section_scenario": {"en": "Scenario and sources", "zh": "方案参数与来源"},
    "section_method": {"en": "How these figures were made", "zh": "计算方法"},
    "method_text": {
        "en": "{replications} independent replications, seed {seed}, minsheng-insure {version}. Means with 95% "
              "Student-t confidence intervals; comparisons pair replications that share random numbers (common "
              "random numbers). Every figure is computed from the event log saved beside this report.",
        "zh": "共{replications}次独立重复模拟，随机种子{seed}，minsheng-insure {version}。"
              "表中为均值及95% t分布置信区间；方案对比采用共同随机数对各次重复成对比较。"
              "所有数字均由本报告所在文件夹中的事件日志计算得出。"},
    # plots
    "plot_cases_by_month": {"en": "Cases by month (mean and 95% CI)", "zh": "各月案件数（均值及95%置信区间）"},
    "plot_rates": {"en": "Reporting and clearance rates by quarter", "zh": "各季度报案率与破案率"},
    "plot_payouts": {"en": "Cumulative payouts against the budget", "zh": "累计赔付与年度资金"},
    "plot_payouts_by_asset": {"en": "Payouts by asset class", "zh": "各类财产赔付金额"},
    "plot_forest": {"en": "Change against the baseline (95% CI)", "zh": "相对基准的变化（95%置信区间）"},
    "axis_month": {"en": "Month", "zh": "月份"},
    "axis_quarter": {"en": "Quarter", "zh": "季度"},
    "axis_cases": {"en": "Cases per month", "zh": "每月案件数"},
    "axis_rate": {"en": "Rate", "zh": "比率"},
    "axis_day": {"en": "Day since 1 January of the start year", "zh": "自起始年1月1日起的天数"},
    "axis_payout": {"en": "Cumulative payout (yuan)", "zh": "累计赔付（万元）"},
    "axis_change": {"en": "Change (%)", "zh": "变化 (%)"},
    "legend_budget": {"en": "Budget (policy year)", "zh": "年度资金"},
    "legend_exhausted": {"en": "Budget ran out", "zh": "资金用尽"},
    # messages
    "msg_wrote": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "msg_no_cjk_font": {
        "en": "no CJK font found: plots fall back to English labels (install Debian's fonts-wqy-zenhei or "
              "fonts-noto-cjk for Chinese plots)",
        "zh": "未找到中文字体：图表改用英文标注（请安装 Debian 的 fonts-wqy-zenhei 或 fonts-noto-cjk）"},
    "msg_report_failed": {
        "en": "error: the plots or report failed ({error}); the results and tables are saved in {path}: fix the "
              "cause and run minsheng report {path}",
        "zh": "错误：图表或报告生成失败（{error}）；结果与数据表已保存在 {path}，"
              "排除原因后运行 minsheng report {path}"},
    "msg_report_built": {"en": "report rebuilt in {path}", "zh": "报告已重新生成：{path}"},
    "table_title_run": {"en": "{name}: {replications} replications, seed {seed}, mean and 95% CI",
                        "zh": "{name}：{replications}次重复，随机种子{seed}，均值及95%置信区间"},
    "table_title_compare": {
        "en": "{scenario} against {baseline}: {replications} paired replications (common random numbers), "
              "seed {seed}, 95% CIs",
        "zh": "{scenario} 对比 {baseline}：{replications}次成对重复（共同随机数），随机种子{seed}，95%置信区间"},
    "col_change": {"en": "change", "zh": "变化"},
    "col_change_ci": {"en": "change 95% CI", "zh": "变化95%置信区间"},
    "col_ci": {"en": "95% CI", "zh": "95%置信区间"},
}


def label(key: str, lang: Lang = "en", **values: object) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    text = CATALOGUE[key][lang]
    return text.format(**values) if values else text


def metric_label(metric: str, lang: Lang = "en") -> str:
    """A metric's name, falling back to the code name for a metric the registry lacks."""
    return getattr(METRICS[metric], lang) if metric in METRICS else metric


def asset_label(asset: str, lang: Lang = "en") -> str:
    key = f"asset_{asset}"
    return CATALOGUE[key][lang] if key in CATALOGUE else asset


def metric_unit(metric: str, lang: Lang = "en") -> str:
    """The unit a metric is shown in: money in yuan (万元 in Chinese), shares, days, counts, people."""
    if kind(metric) == "money" and lang == "zh":
        return label("unit_wan_yuan", lang)
    return label(METRICS[metric].unit_key if metric in METRICS else "unit_count", lang)


def money_scale(metric: str, lang: Lang) -> float:
    """Divide a metric's values by this to show them in its unit (万元 is 10,000 yuan)."""
    return 1e4 if lang == "zh" and kind(metric) == "money" else 1.0
