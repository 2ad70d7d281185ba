"""Every label, column header and message of the outputs and the command line, in English and
Chinese, from one catalogue.

``label(key, lang)`` looks a key up; a test fails if any key lacks either language. Crime types
take their Chinese name from the scenario (``label_zh``); asset classes from here; metrics, with
their units and kinds, from ``results.registry``. ``cli_language`` picks the command line's
language (``--lang`` or ``MINSHENG_LANG``) before the command is parsed, for its help and errors.

Terms. 发案 in police statistics means the cases that became known to the police (发案数 counts
known cases), so the simulator's ``incidents``, which include those never reported (the dark
figure, 犯罪黑数), are 案件总数(含未报案) and ``reported`` is 报案数; 破案率 is cleared over
registered (立案) cases, as the police compute it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from minsheng_insure.results.registry import METRICS, kind

if TYPE_CHECKING:
    from minsheng_insure.scenario.schema import Scenario

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
    "answer_yes": {"en": "yes", "zh": "是"},
    "answer_no": {"en": "no (events still missing)", "zh": "否（尚有事件未计入）"},
    "baseline": {"en": "Baseline", "zh": "基准"},
    "scenario": {"en": "Scenario", "zh": "方案"},
    "difference": {"en": "Difference", "zh": "差值"},
    "difference_ci_low": {"en": "Difference 95% CI low", "zh": "差值95%置信区间下限"},
    "difference_ci_high": {"en": "Difference 95% CI high", "zh": "差值95%置信区间上限"},
    "change_pct": {"en": "Change (%)", "zh": "变化 (%)"},
    "change_pct_ci_low": {"en": "Change 95% CI low (%)", "zh": "变化95%置信区间下限 (%)"},
    "change_pct_ci_high": {"en": "Change 95% CI high (%)", "zh": "变化95%置信区间上限 (%)"},
    "change": {"en": "Change", "zh": "变化"},
    "change_ci_low": {"en": "Change 95% CI low", "zh": "变化95%置信区间下限"},
    "change_ci_high": {"en": "Change 95% CI high", "zh": "变化95%置信区间上限"},
    "year_before": {"en": "Year before", "zh": "上年同期"},
    "this_year": {"en": "This year", "zh": "本年"},
    "year": {"en": "Year", "zh": "年份"},
    "quarter": {"en": "Quarter", "zh": "季度"},
    "month": {"en": "Month", "zh": "月份"},
    "policy_year": {"en": "Policy year", "zh": "保单年度"},
    "policy_year_from": {"en": "Policy year from", "zh": "保单年度起"},
    "policy_year_to": {"en": "Policy year to", "zh": "保单年度止"},
    "crime_type": {"en": "Crime type", "zh": "案件类别"},
    "asset_class": {"en": "Asset class", "zh": "财产类别"},
    "township": {"en": "Township", "zh": "乡镇"},
    "whole_run": {"en": "Whole run", "zh": "全期"},
    "parameter": {"en": "Parameter", "zh": "参数"},
    "value": {"en": "Value", "zh": "取值"},
    "source": {"en": "Source", "zh": "来源"},
    "field": {"en": "Field", "zh": "项目"},
    # units
    "unit_yuan": {"en": "yuan", "zh": "元"},
    "unit_wan_yuan": {"en": "10,000 yuan", "zh": "万元"},
    "unit_count": {"en": "count", "zh": "件"},
    "unit_share": {"en": "share", "zh": "比例"},
    "unit_day": {"en": "day", "zh": "日"},
    "unit_date": {"en": "date", "zh": "日期"},
    "unit_days_short": {"en": " days", "zh": "天"},
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
    "sheet_headline": {"en": "Headline", "zh": "主要结果"},
    "sheet_metadata": {"en": "Run information", "zh": "运行信息"},
    "meta_created": {"en": "Created (UTC)", "zh": "生成时间（UTC）"},
    "meta_version": {"en": "minsheng-insure version", "zh": "minsheng-insure 版本"},
    "meta_command_line": {"en": "Command line", "zh": "命令行"},
    "meta_baseline": {"en": "Baseline scenario file", "zh": "基准方案文件"},
    "meta_scenario": {"en": "Scenario file", "zh": "方案文件"},
    "meta_scenarios": {"en": "Scenario files", "zh": "方案文件"},
    "meta_overrides": {"en": "Overrides (--set)", "zh": "参数覆盖（--set）"},
    "meta_set_grid": {"en": "Grid (--set-grid)", "zh": "参数阶梯（--set-grid）"},
    "meta_yoy": {"en": "Year on year (--yoy)", "zh": "同比（--yoy）"},
    "meta_decompose": {"en": "Decomposed (--decompose)", "zh": "效果分解（--decompose）"},
    "meta_seed": {"en": "Seed", "zh": "随机种子"},
    "meta_replications": {"en": "Replications", "zh": "重复次数"},
    "meta_engine": {"en": "Engine", "zh": "仿真引擎"},
    "meta_lang": {"en": "Language", "zh": "语言"},
    "meta_python": {"en": "Python", "zh": "Python 版本"},
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
    # decomposition (experiments.decompose)
    "component_insurance": {"en": "Insurance cover and fund", "zh": "保险保障与资金"},
    "component_officers": {"en": "Auxiliary officers", "zh": "辅警（一村一警）"},
    "component_accountability": {"en": "Investigators and accountability", "zh": "侦查警力与责任追究"},
    "component_cameras": {"en": "Cameras", "zh": "视频监控"},
    "component_campaigns": {"en": "Campaigns", "zh": "专项行动"},
    "component_trust": {"en": "Trust feedback", "zh": "群众信任反馈"},
    "component_samaritan": {"en": "Good-samaritan cover", "zh": "见义勇为保险"},
    "component_deterrence": {"en": "Deterrence", "zh": "威慑效应"},
    "component_other": {"en": "Other differences", "zh": "其他差异"},
    "component_total": {"en": "Total effect", "zh": "总效应"},
    "section_decomposition": {"en": "Where the effect comes from", "zh": "效应分解"},
    "col_total_effect": {"en": "Total effect [95% CI]", "zh": "总效应 [95%置信区间]"},
    "unit_points": {"en": "pp", "zh": "个百分点"},
    "decomposition_text": {
        "en": "The scheme's effect against the baseline split among its components ({components}) by Shapley "
              "values: all {subsets} combinations of the components switched on were run with the same "
              "{replications} replications (seed {seed}, common random numbers), and each component gets what it "
              "adds averaged over every order of switching them on. A cell gives the component's effect and, in "
              "brackets, its share of the total effect with a 95% CI across the paired replications; the shares "
              "add up to the total.",
        "zh": "按Shapley值将方案相对基准的效应分解到各组成部分（{components}）："
              "各部分开关的全部{subsets}种组合均以相同的{replications}次重复运行（随机种子{seed}，共同随机数），每部分取其在所有开启顺序下边际贡献的平均。"
              "单元格为该部分的效应，括号内为其占总效应的比例及基于成对重复的95%置信区间；各部分之和等于总效应。"},
    "decomposition_check": {
        "en": "Sum check: the components' effects add up to the total effect; largest gap over the metrics {gap} "
              "of the total.",
        "zh": "加总检验：各部分效应之和等于总效应；各指标中最大相对差为{gap}。"},
    "plot_decomposition": {"en": "Share of the effect by component", "zh": "各组成部分占效应的比例"},
    "axis_share_of_effect": {"en": "Share of the total effect (%)", "zh": "占总效应比例 (%)"},
    "table_title_decompose": {
        "en": "{scenario} against {baseline}, split by Shapley values: {subsets} runs of {replications} "
              "replications each (common random numbers), seed {seed}; effect (share of the total [95% CI])",
        "zh": "{scenario} 对比 {baseline} 的Shapley分解：{subsets}组运行，每组{replications}次重复（共同随机数），"
              "随机种子{seed}；效应（占总效应比例 [95%置信区间]）"},
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
    # the command line: help
    "cli_app": {"en": "Simulate county social-order livelihood insurance (社会治安民生保险). Help and messages in "
                      "Chinese: --lang zh or MINSHENG_LANG=zh.",
                "zh": "县级社会治安民生保险仿真。英文帮助与提示：--lang en 或 MINSHENG_LANG=en。"},
    "cli_run": {"en": "Simulate one scenario; print its headline metrics; write tables, plots and a report to --out.",
                "zh": "仿真一个方案；输出主要指标；将数据表、图表和报告写入 --out。"},
    "cli_compare": {"en": "Compare each SCENARIO against BASELINE with common random numbers; --set applies to each "
                          "SCENARIO; --set-grid makes a budget ladder.",
                    "zh": "以共同随机数将每个 SCENARIO 与基准 BASELINE 成对比较；--set 作用于每个 SCENARIO；"
                          "--set-grid 生成预算阶梯。"},
    "arg_scenarios": {"en": "One or more scenarios, each compared with BASELINE.",
                      "zh": "一个或多个方案，各自与 BASELINE 比较。"},
    "opt_set_grid": {"en": "key=v1,v2,...: replace the last scenario by one scenario per value (money may be written "
                           "75万, 1.5亿).",
                     "zh": "key=v1,v2,...：把最后一个方案换成每个取值一个方案（金额可写作 75万、1.5亿）。"},
    "opt_yoy": {"en": "Also print and write the year-on-year table: quarter, month or year.",
                "zh": "同时输出并写出同比表：quarter（季度）、month（月）或 year（年）。"},
    "cli_decompose": {"en": "Split SCENARIO's effect against BASELINE among its components (insurance, officers, "
                            "investigators and accountability, cameras, campaigns, ...) by Shapley values over every "
                            "combination, with 95% CIs.",
                      "zh": "以沙普利值将 SCENARIO 相对基准 BASELINE 的效果分解到各组成部分（保险、辅警、侦查员与"
                            "问责、监控、专项行动等），遍历所有组合，附95%置信区间。"},
    "cli_report": {"en": "Rebuild the plots and report.html of an output folder from its saved results, without "
                         "re-running (in the run's language unless --lang is given).",
                   "zh": "根据输出文件夹中保存的结果重新生成图表和 report.html，无需重新仿真"
                         "（未给 --lang 时沿用该次运行的语言）。"},
    "cli_validate": {"en": "Check scenario files; print every problem with file, key and fix.",
                     "zh": "检查方案文件；逐条列出问题所在文件、参数和修改方法。"},
    "cli_calibrate": {"en": "Fit SCENARIO's free parameters to a county's reported changes (a targets file) by "
                            "rejection ABC: accepted sets, fit at the median, posterior predictive at each budget. "
                            "--write refuses unless every target lies inside its 95% CI.",
                      "zh": "以拒绝式近似贝叶斯计算（ABC）将 SCENARIO 的自由参数拟合到县里公布的变化（目标文件）："
                            "接受的参数组、中位数处的拟合、各预算下的后验预测。只有每个目标都落在其95%置信区间内，"
                            "--write 才写入。"},
    "cli_sweep": {"en": "Run a parameter sweep; killed and started again, it runs only the missing points. Exits "
                        "with code 1, saying how many, when any point failed (the others are kept).",
                  "zh": "运行参数扫描；中断后再次运行只补算缺少的点。若有点失败，说明数量并以退出码1结束"
                        "（其余结果保留）。"},
    "cli_sensitivity": {"en": "Sensitivity indices with 95% CIs from a finished sweep folder; writes "
                              "sensitivity.csv and plots.",
                        "zh": "由已完成的扫描文件夹计算敏感性指数及95%置信区间；写出 sensitivity.csv 和图表。"},
    "cli_schema": {"en": "Print the JSON Schema of the scenario format (for editors).",
                   "zh": "输出方案文件格式的 JSON Schema（供编辑器使用）。"},
    "opt_targets": {"en": "Targets file (TOML): the county's reported changes, e.g. calibration/shenqiu_counts.toml.",
                    "zh": "目标文件（TOML）：县里公布的变化，例如 calibration/shenqiu_counts.toml。"},
    "opt_free": {"en": "A free parameter, KEY or KEY=LOW:HIGH (repeatable); without bounds, its sourced range or the "
                       "targets file's \\[priors].",
                 "zh": "自由参数，KEY 或 KEY=LOW:HIGH（可重复）；未给范围时，用有来源的范围或目标文件的 \\[priors]。"},
    "opt_draws": {"en": "Parameter sets drawn from the priors.", "zh": "从先验中抽取的参数组数。"},
    "opt_accept": {"en": "Share of the draws accepted (the nearest).", "zh": "接受的抽样比例（距离最近者）。"},
    "opt_budgets": {"en": "Budgets (yuan a year) for the posterior predictive, comma-separated.",
                    "zh": "后验预测所用的年度资金（元），逗号分隔。"},
    "opt_decompose": {"en": "Also split the effect among the scheme's components (Shapley values; runs 2^k scenarios, "
                            "k components) and show it in the report.",
                      "zh": "同时将效果分解到方案的各组成部分（沙普利值；运行 2^k 个方案，k 为组成部分数），"
                            "并在报告中展示。"},
    "opt_replications": {"en": "Independent replications.", "zh": "独立重复次数。"},
    "opt_seed": {"en": "Seed; the same seed gives the same results.", "zh": "随机种子；相同种子得到相同结果。"},
    "opt_out": {"en": "Folder for the tables (refused if not empty, see --force).",
                "zh": "输出文件夹（非空时拒绝写入，见 --force）。"},
    "opt_force": {"en": "Replace a non-empty --out folder.", "zh": "替换非空的 --out 文件夹。"},
    "opt_workers": {"en": "Worker processes (results do not depend on it).", "zh": "工作进程数（不影响结果）。"},
    "opt_quiet": {"en": "No progress bar.", "zh": "不显示进度条。"},
    "opt_set": {"en": "Override a parameter: key=value (repeatable).", "zh": "覆盖参数：key=value（可重复）。"},
    "opt_by": {"en": "Also split the printed table: year, quarter, crime_type, ...",
               "zh": "另按此分组输出表格：year、quarter、crime_type 等。"},
    "opt_allow_outside": {"en": "Let extends name files outside the scenario's folder (only for files you trust).",
                          "zh": "允许 extends 引用方案文件夹以外的文件（仅限可信文件）。"},
    "opt_debug": {"en": "Show tracebacks on errors.", "zh": "出错时显示完整的调用栈。"},
    "opt_version": {"en": "Print the version and exit.", "zh": "输出版本号后退出。"},
    "opt_format": {"en": "Table formats for --out: csv, xlsx, parquet, comma-separated.",
                   "zh": "--out 的表格格式：csv、xlsx、parquet，用逗号分隔。"},
    "opt_lang": {"en": "Language of tables, workbook, plots, report and messages: zh or en (default: MINSHENG_LANG, "
                       "else en).",
                 "zh": "数据表、工作簿、图表、报告及提示的语言：zh 或 en（默认取 MINSHENG_LANG，否则为 en）。"},
    "opt_provenance": {"en": "Also require a [provenance] source for every parameter; list those without one.",
                       "zh": "同时要求每个参数在 [provenance] 中注明来源；列出缺少来源的参数。"},
    "opt_write": {"en": "Write the posterior median and its interval into SCENARIO, only if every target lies "
                        "inside its 95% CI at the median.",
                  "zh": "将后验中位数及其区间写入 SCENARIO；仅当每个目标都落在中位数处的95%置信区间内时写入。"},
    "opt_sweep_out": {"en": "Folder for the results (resumable).", "zh": "结果文件夹（可断点续算）。"},
    "opt_sweep_workers": {"en": "Worker processes (default: all cores).", "zh": "工作进程数（默认：全部核心）。"},
    "opt_scheduler": {"en": "Address of a Dask scheduler to run on.", "zh": "要使用的 Dask 调度器地址。"},
    "opt_dask": {"en": "'local' to run on a Dask LocalCluster.",
                 "zh": "取 'local' 时在本机 Dask LocalCluster 上运行。"},
    "opt_method": {"en": "sobol or morris.", "zh": "sobol 或 morris。"},
    # the command line: messages (an error's text follows "error: ")
    "err_prefix": {"en": "error: ", "zh": "错误："},
    "warn_prefix": {"en": "warning: ", "zh": "警告："},
    "err_unexpected": {"en": "{error} (run with --debug for the traceback)",
                       "zh": "{error}（加 --debug 运行可查看调用栈）"},
    "err_by": {"en": "--by: use one of {choices} (got {got})", "zh": "--by：请使用 {choices} 之一（收到 {got}）"},
    "err_format": {"en": "--format: use any of {choices}, comma-separated (got {got})",
                   "zh": "--format：请使用 {choices} 中的一个或多个，用逗号分隔（收到 {got}）"},
    "err_lang": {"en": "--lang: use zh or en (got {got})", "zh": "--lang：请使用 zh 或 en（收到 {got}）"},
    "err_same_name": {"en": "two scenarios are both named {name}. Fix: give each scenario its own name (the 'name' "
                            "key) or compare it once",
                      "zh": "两个情景同名 {name}。解决：为每个情景设定不同的名称（name 键），或只比较一次"},
    "err_decompose_several": {"en": "--decompose splits one scenario's effect, not several's. Fix: compare one "
                                    "SCENARIO with --decompose, or run minsheng decompose BASELINE SCENARIO for each",
                              "zh": "--decompose 只分解一个情景的效果。解决：与 --decompose 一起只比较一个 SCENARIO，"
                                    "或对每个情景运行 minsheng decompose BASELINE SCENARIO"},
    "err_yoy": {"en": "--yoy: use quarter, month or year (got {got})",
                "zh": "--yoy：请使用 quarter、month 或 year（收到 {got}）"},
    "err_write_with_set": {"en": "--write with --set: the file would not hold what was fitted. Fix: put the --set "
                                 "values into the scenario file first, then calibrate it",
                           "zh": "--write 不能与 --set 同用：文件中不会包含拟合所用的取值。解决：先把 --set 的取值写入"
                                 "情景文件，再校准"},
    "err_free_key": {"en": "--free {got}: no key. Fix: write KEY or KEY=LOW:HIGH, e.g. belief.prior_claims=5:50",
                     "zh": "--free {got}：缺少参数名。解决：写作 KEY 或 KEY=LOW:HIGH，例如 belief.prior_claims=5:50"},
    "err_free_bounds": {"en": "--free {got}: bounds must be LOW:HIGH, two numbers. Fix: e.g. {parameter}=0:10",
                        "zh": "--free {got}：范围须为 LOW:HIGH 两个数。解决：例如 {parameter}=0:10"},
    "err_free_order": {"en": "--free {got}: LOW must be below HIGH. Fix: e.g. {example}",
                       "zh": "--free {got}：LOW 须小于 HIGH。解决：例如 {example}"},
    "err_free_prior": {"en": "--free {problem}", "zh": "--free {problem}"},
    "err_budgets_numbers": {"en": "--budgets {got}: write yuan amounts separated by commas, e.g. 0,750000,1500000",
                            "zh": "--budgets {got}：请写以逗号分隔的金额（元），例如 0,750000,1500000"},
    "err_budgets_range": {"en": "--budgets {got}: give at least one budget, none negative, e.g. 0,750000,1500000",
                          "zh": "--budgets {got}：至少给出一个预算，且不得为负，例如 0,750000,1500000"},
    "err_env_lang": {"en": "MINSHENG_LANG: use zh or en (got {got})",
                     "zh": "MINSHENG_LANG：请使用 zh 或 en（收到 {got}）"},
    "err_not_output_folder": {"en": "{problem}. Fix: give a folder written by minsheng run or compare --out",
                              "zh": "{problem}。修改方法：请给出由 minsheng run 或 compare --out 写出的文件夹"},
    "err_not_a_folder": {"en": "{path}: not a folder", "zh": "{path}：不是文件夹"},
    "err_sweep_out_file": {"en": "--out {path}: is a file, not a folder. Fix: choose a folder for the sweep",
                           "zh": "--out {path}：是文件而不是文件夹。修改方法：请为扫描指定一个文件夹"},
    "err_sweep_out_busy": {"en": "--out {path}: is not empty and holds no sweep. Fix: choose a new folder (or one a "
                                 "sweep made, to resume it)",
                           "zh": "--out {path}：非空且不含扫描结果。修改方法：请换一个新文件夹"
                                 "（或用扫描写出的文件夹以续算）"},
    "err_dask": {"en": "--dask: only 'local' is known (got {got}); give a cluster with --scheduler ADDRESS",
                 "zh": "--dask：只支持 'local'（收到 {got}）；已有集群请用 --scheduler ADDRESS"},
    "err_no_sweep": {"en": "{path}: no sweep.json. Fix: give a folder written by minsheng sweep --out",
                     "zh": "{path}：没有 sweep.json。修改方法：请给出由 minsheng sweep --out "
                           "写出的文件夹"},
    "err_method": {"en": "--method: use sobol or morris (got {got})",
                   "zh": "--method：请使用 sobol 或 morris（收到 {got}）"},
    "err_sweep_unfinished": {"en": "{path}: the sweep is not finished. Fix: run minsheng sweep again with the same "
                                   "--out",
                             "zh": "{path}：扫描尚未完成。修改方法：以相同的 --out 再次运行 minsheng sweep"},
    "err_no_provenance": {"en": "{path}: {parameter}: no provenance. Fix: add \"{parameter}\" = \"source, or "
                                "assumption: why\" under [provenance]",
                          "zh": "{path}：{parameter}：未注明来源。修改方法：在 [provenance] 下添加 "
                                "\"{parameter}\" = \"来源，或 assumption: 理由\""},
    "err_sweep_failed": {"en": "{failed} of {points} points failed; see the error column of {path}",
                         "zh": "{points} 个点中有 {failed} 个失败；见 {path} 的 error 列"},
    "msg_valid": {"en": "ok: {path}", "zh": "通过：{path}"},
    "msg_valid_provenance": {"en": "ok: {path} (every parameter has a source)",
                             "zh": "通过：{path}（每个参数均有来源）"},
    "msg_sweep_done": {"en": "{points} points x {replications} replications in {path}",
                       "zh": "{points} 个点 × {replications} 次重复，结果在 {path}"},
    "table_title_sensitivity": {"en": "{method} indices, 95% CIs ({path})",
                                "zh": "{method} 指数，95%置信区间（{path}）"},
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
    "sheet_policy_years": {"en": "Policy years", "zh": "保单年度"},
    "ran_out_share": {"en": "Fund ran out (share of replications)", "zh": "资金用尽（占重复次数比例）"},
    "premium_per_extra_reported": {"en": "Premium per extra reported case (yuan)", "zh": "每多报案一件保费（元）"},
    "premium_per_extra_cleared": {"en": "Premium per extra cleared case (yuan)", "zh": "每多破案一件保费（元）"},
    # notes on an error: what failed besides it
    "note_save_failed": {"en": "saving a result failed too: {error}", "zh": "保存结果也失败了：{error}"},
    "note_output_failed": {"en": "the workbook or report failed too: {error}", "zh": "工作簿或报告也生成失败：{error}"},
    # calibrate's terminal tables
    "cal_posterior_title": {
        "en": "{scenario}: {accepted} of {draws} draws accepted ({replications} replications each, seed {seed}); "
              "median and 95% interval of the accepted sets",
        "zh": "{scenario}：{draws}次抽样中接受{accepted}次（每次{replications}次重复，随机种子{seed}）；"
              "接受参数组的中位数与95%区间"},
    "cal_parameter": {"en": "parameter", "zh": "参数"},
    "cal_prior": {"en": "prior", "zh": "先验范围"},
    "cal_median": {"en": "median", "zh": "中位数"},
    "cal_interval": {"en": "95% interval", "zh": "95%区间"},
    "cal_check_title": {
        "en": "Fit at the posterior median ({replications} replications, seed {seed}, 95% CIs); rows without a "
              "target were not used by the fit",
        "zh": "后验中位数处的拟合（{replications}次重复，随机种子{seed}，95%置信区间）；没有目标值的行未参与拟合"},
    "cal_statistic": {"en": "statistic", "zh": "统计量"},
    "cal_periods": {"en": "periods", "zh": "时期"},
    "cal_counted_by": {"en": "counted by", "zh": "计数口径"},
    "cal_accepted": {"en": "accepted sets' 95%", "zh": "接受参数组的95%区间"},
    "cal_target": {"en": "target", "zh": "目标值"},
    "cal_complete": {"en": "complete", "zh": "统计期完整"},
    "cal_yes": {"en": "yes", "zh": "是"},
    "cal_no": {"en": "no", "zh": "否"},
    "cal_predictive_title": {
        "en": "Posterior predictive: median [95% interval] over the accepted sets' means (changes over the first "
              "target's periods; loss ratio and valid claims paid: the first policy year)",
        "zh": "后验预测：接受参数组均值的中位数 [95%区间]（变化按第一个目标的时期计；赔付率与有效理赔支付比例："
              "第一个保单年度）"},
    "cal_budget": {"en": "budget (万元)", "zh": "资金（万元）"},
    "cal_done": {"en": "{county_years} county-years simulated in {seconds} s",
                 "zh": "共模拟{county_years}个县年，用时{seconds}秒"},
    "cal_wrote": {"en": "wrote the posterior median and its provenance into {path}",
                  "zh": "已将后验中位数及其来源写入 {path}"},
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


def crime_label(crime_type: str, lang: Lang, scenario: Scenario | None = None) -> str:
    """A crime type's name: in Chinese the scenario's ``label_zh``, in English its name in words."""
    if crime_type == "false_report":
        return label("crime_false_report", lang)
    known = scenario.crime_types.get(crime_type) if scenario is not None else None
    if lang == "zh" and known is not None and known.label_zh:
        return known.label_zh
    return crime_type.replace("_", " ").capitalize()


def metric_unit(metric: str, lang: Lang = "en") -> str:
    """The unit a metric is shown in: money in yuan (万元 in Chinese), shares, dates, counts, people."""
    if kind(metric) == "money" and lang == "zh":
        return label("unit_wan_yuan", lang)
    if kind(metric) == "day":  # a day of the run is shown as its date (report.numbers)
        return label("unit_date", lang)
    return label(METRICS[metric].unit_key if metric in METRICS else "unit_count", lang)


def money_scale(metric: str, lang: Lang) -> float:
    """Divide a metric's values by this to show them in its unit (万元 is 10,000 yuan)."""
    return 1e4 if lang == "zh" and kind(metric) == "money" else 1.0


def cli_language(argv: Sequence[str], environ: Mapping[str, str]) -> Lang:
    """The command line's language, read before it is parsed (help texts are fixed when the command is
    built): ``--lang zh|en`` anywhere on the line, else ``MINSHENG_LANG``, else English. A value that
    is neither is left for the option's own check to refuse."""
    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGS:
            return value  # type: ignore[return-value]
    value = environ.get("MINSHENG_LANG", "")
    return value if value in LANGS else "en"  # type: ignore[return-value]
