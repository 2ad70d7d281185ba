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
    "axis_date": {"en": "Date", "zh": "日期"},
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
    # the opening sentences, one per policy year (report.sentences)
    "period_policy_year": {"en": "Policy year {start} to {end}", "zh": "保单年度 {start}至{end}"},
    "period_before_scheme": {"en": "Before the scheme, {start} to {end}", "zh": "方案实施前 {start}至{end}"},
    "period_partial": {"en": " (the run ends on {end}: part of the year)", "zh": "（模拟至{end}，仅含部分年度）"},
    "sentence_fund": {
        "en": "the {budget} yuan fund paid {paid} yuan on {claims} claims ({share} of valid claims), {ran_out}",
        "zh": "{budget}元资金赔付{paid}元、{claims}件（有效理赔的{share}），{ran_out}"},
    "sentence_ran_out": {"en": "ran out on {date} (in {share} of replications)",
                         "zh": "于{date}用尽（{share}的重复中用尽）"},
    "sentence_not_ran_out": {"en": "did not run out", "zh": "未用尽"},
    "sentence_no_fund": {"en": "no money in the fund, so no claim was paid ({claims} claims refused)",
                         "zh": "资金为零，未赔付任何理赔（拒赔{claims}件）"},
    "sentence_pro_rata": {"en": " (the premium of the months in the run)", "zh": "（按模拟期内月份折算保费）"},
    "sentence_cases": {
        "en": "reported cases {reported} {reported_ci}, cleared {cleared} {cleared_ci} against {baseline}",
        "zh": "与{baseline}相比，报案数{reported} {reported_ci}，破案数{cleared} {cleared_ci}"},
    "sentence_cost": {
        "en": "{per_reported} yuan of premium per extra reported case {per_reported_ci}, {per_cleared} per extra "
              "cleared case {per_cleared_ci}",
        "zh": "每多报案一件用保费{per_reported}元 {per_reported_ci}，每多破案一件{per_cleared}元 {per_cleared_ci}"},
    "sentence_before": {
        "en": "no cover yet; reported cases {reported} {reported_ci}, cleared {cleared} {cleared_ci} against "
              "{baseline} (the scenario's other levers, such as auxiliary officers, act from the start)",
        "zh": "尚未承保；与{baseline}相比，报案数{reported} {reported_ci}，破案数{cleared} {cleared_ci}"
              "（方案的其他措施如辅警自模拟开始即生效）"},
    "sentence_end": {"en": " ({replications} paired replications, 95% CIs).",
                     "zh": "（{replications}次成对重复，95%置信区间）。"},
    "sentence_join": {"en": "; ", "zh": "；"},
    "sentence_colon": {"en": ": ", "zh": "："},
    "million": {"en": "{value} million", "zh": "{value}万"},
    "section_answers": {"en": "Policy years", "zh": "各保单年度"},
    "section_ladder": {"en": "Scenarios side by side", "zh": "各方案对比"},
    "section_yoy": {"en": "Year on year, as counties report", "zh": "同比变化（按县级统计口径）"},
    "section_whole_run": {
        "en": "Whole run, {start} to {end} (includes {months} months before the scheme began on {scheme})",
        "zh": "全期 {start}至{end}（含方案{scheme}实施前的{months}个月）"},
    "table_title_ladder": {
        "en": "Each scenario against {baseline}: mean (% change [95% CI]), {replications} paired replications "
              "(common random numbers), seed {seed}",
        "zh": "各方案对比 {baseline}：均值（变化 [95%置信区间]），{replications}次成对重复（共同随机数），"
              "随机种子{seed}"},
    "table_title_yoy": {
        "en": "{name}: each period against the same period a year before, counted as counties count; "
              "{replications} replications, seed {seed}, 95% CIs",
        "zh": "{name}：各期与上年同期相比（按县级统计口径计数）；{replications}次重复，随机种子{seed}，95%置信区间"},
    "period": {"en": "Period", "zh": "时期"},
    "reported_change_pct": {"en": "reported by the county", "zh": "县里公布"},
    "reported_source": {"en": "source", "zh": "来源"},
    "counted_by": {"en": "Counted by", "zh": "计数口径"},
    "scenario_name": {"en": "Scenario", "zh": "方案"},
    "scenario_ci_low": {"en": "Scenario 95% CI low", "zh": "方案95%置信区间下限"},
    "scenario_ci_high": {"en": "Scenario 95% CI high", "zh": "方案95%置信区间上限"},
    "date_incident_day": {"en": "incident date", "zh": "发生日期"},
    "date_report_day": {"en": "report date", "zh": "报案日期"},
    "date_clear_day": {"en": "clearance date", "zh": "破案日期"},
    "date_cold_day": {"en": "date gone cold", "zh": "线索中断日期"},
    "date_paid_day": {"en": "payment date", "zh": "赔付日期"},
    "date_decision_day": {"en": "decision date", "zh": "理赔决定日期"},
    "plot_ladder": {"en": "Each metric against the budget (mean and 95% CI)",
                    "zh": "各指标随年度资金变化（均值及95%置信区间）"},
    "axis_budget": {"en": "Budget per policy year (10,000 yuan)", "zh": "每保单年度资金（万元）"},
    "sheet_ladder": {"en": "Scenarios", "zh": "各方案"},
    "premium_per_extra_reported": {"en": "Premium per extra reported case (yuan)", "zh": "每多报案一件保费（元）"},
    "premium_per_extra_cleared": {"en": "Premium per extra cleared case (yuan)", "zh": "每多破案一件保费（元）"},
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
