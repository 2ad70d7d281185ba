"""Every metric in one place: its kind (count, money, share, day), unit, names in English and Chinese,
and meaning.

Tables, the workbook, the plots and the generated docs all read from here, so whether a figure is
shown as a percentage, in 万元 or as a day is decided once. A test keeps the registry equal to the
metrics ``compute_metrics`` produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "money", "share", "day"]

KIND_UNITS: dict[Kind, str] = {"count": "unit_count", "money": "unit_yuan", "share": "unit_share", "day": "unit_day"}
"""The label key (``report.labels``) of each kind's unit; money is shown in 万元 in Chinese."""


@dataclass(frozen=True)
class Metric:
    """What one metric is and how it is shown."""

    kind: Kind
    en: str
    zh: str
    description: str
    unit: str = ""
    """The label key of its unit; empty for its kind's (``KIND_UNITS``)."""

    @property
    def unit_key(self) -> str:
        return self.unit or KIND_UNITS[self.kind]


def _denied(reason: str, en: str, zh: str) -> tuple[str, Metric]:
    return f"claims_denied_{reason}", Metric("count", f"Denied: {en}", zh,
                                             f"Claims paid nothing because: {reason.replace('_', ' ')}.")


METRICS: dict[str, Metric] = {
    "incidents": Metric("count", "Incidents", "案件总数（含未报案）",
                        "Incidents, including those never reported (the dark figure, 犯罪黑数; police 发案 "
                        "counts only known cases); staged reports are not incidents."),
    "false_reports": Metric("count", "False reports", "虚假报案数", "Staged reports (fraud) made to the police."),
    "reported": Metric("count", "Reported", "报案数", "Reports to the police (报案), staged ones included."),
    "registered": Metric("count", "Registered", "立案数", "Reported cases registered (立案)."),
    "cleared": Metric("count", "Cleared", "破案数", "Registered cases cleared (破案)."),
    "caught_in_act": Metric("count", "Caught in the act", "现场抓获数",
                            "Offenders caught in the act on camera (cleared at once)."),
    "went_cold": Metric("count", "Gone cold", "线索中断案件数",
                        "Registered cases dropped when their evidence went cold."),
    "claims_filed": Metric("count", "Claims filed", "理赔申请数", "Claims filed (理赔): insured, aware and reported."),
    "claims_paid": Metric("count", "Claims paid", "赔付件数", "Claims paid something."),
    "claims_denied": Metric("count", "Claims denied", "拒赔件数", "Claims filed and paid nothing."),
    **dict([
        _denied("late_report", "late report", "拒赔：报案超时"),
        _denied("not_registered", "not registered", "拒赔：未立案"),
        _denied("below_deductible", "below deductible", "拒赔：低于免赔额"),
        _denied("fraud_detected", "fraud detected", "拒赔：查出欺诈"),
        _denied("household_limit", "household limit", "拒赔：超出户限额"),
        _denied("budget_exhausted", "budget exhausted", "拒赔：资金用尽"),
    ]),
    "fraud_claims": Metric("count", "Fraudulent claims", "欺诈理赔数", "Fraudulent claims filed (staged or inflated)."),
    "fraud_claims_paid": Metric("count", "Fraudulent claims paid", "欺诈理赔获赔数",
                                "Fraudulent claims verification let through and the fund paid."),
    "loss_yuan": Metric("money", "Losses", "损失金额", "Losses, yuan."),
    "payout_yuan": Metric("money", "Payout", "赔付金额", "Paid by the scheme (赔付), yuan."),
    "fraud_paid_yuan": Metric("money", "Paid on fraud", "欺诈赔付金额", "Paid on fraudulent claims, yuan."),
    "recovered_yuan": Metric("money", "Recovered property", "追赃挽损金额", "Stolen property returned (追赃), yuan."),
    "subrogated_yuan": Metric("money", "Subrogated", "代位追偿金额",
                              "Recovered property returned to the fund or insurer after a paid claim, yuan."),
    "uncompensated_loss_yuan": Metric("money", "Uncompensated loss", "未获补偿损失",
                                      "Loss neither recovered (net of subrogation) nor paid, yuan."),
    "open_cases": Metric("count", "Open at the end", "随访结束时未结案件数",
                         "Incidents whose case was still open when the follow-up ended: a report still to come, "
                         "or a registered case neither finished nor gone cold (simulation.follow_up_days)."),
    "reporting_rate": Metric("share", "Reporting rate", "报案率",
                             "Reported / incidents (报案率; the simulator knows the dark figure)."),
    "clearance_rate": Metric("share", "Clearance rate", "破案率", "Cleared / registered (破案率)."),
    "cleared_per_incident": Metric("share", "Cleared per incident", "破案数/案件总数",
                                   "Cleared / incidents (reported or not)."),
    "complete": Metric("share", "Complete", "统计期完整",
                       "1 if nothing that would change the figures was still to come when the run ended, else 0 "
                       "(its mean is the share of replications where the period is complete; see "
                       "results.metrics.COMPLETENESS)."),
    "premium_yuan": Metric("money", "Premium", "保费",
                           "What the county paid: the fund's budget, or the insurer's premium, yuan."),
    "incurred_yuan": Metric("money", "Incurred claims", "应赔金额",
                            "What the valid claims were owed (incurred claims), yuan."),
    "budget_used_share": Metric("share", "Budget used", "资金使用率",
                                "Payout / what the fund can pay (budget, or the insurer's aggregate cap)."),
    "budget_exhausted": Metric("share", "Budget exhausted", "资金用尽概率",
                               "1 if the fund ran out in the period, else 0 (its mean is a probability); none for "
                               "a fund of 0, which has nothing to run out of."),
    "budget_exhausted_day": Metric("day", "Day budget ran out", "资金用尽日",
                                   "Day approved claims first reached the fund (NaN if never, or the fund is 0)."),
    "loss_ratio": Metric("share", "Loss ratio", "赔付率",
                         "Incurred claims / premium (above 1: the cover promises more than the budget pays)."),
    "valid_claims_paid_share": Metric("share", "Valid claims paid", "有效理赔获赔比例",
                                      "Share of valid claims (past screening and the household limit) paid something."),
    "scheme_result_yuan": Metric("money", "Scheme result", "方案结余",
                                 "Insurer: premium less expense loading less paid; county-run fund: budget less "
                                 "paid, yuan."),
    "partial_policy_year": Metric("share", "Partial policy year", "不完整保单年度",
                                  "1 if a policy year lies partly outside the run (its figures cover part of it), "
                                  "else 0."),
    "samaritan_injuries": Metric("count", "Good samaritans injured", "见义勇为受伤人数",
                                 "Good samaritans injured (见义勇为).", unit="unit_people"),
    "samaritan_paid_yuan": Metric("money", "Good-samaritan payout", "见义勇为赔付金额",
                                  "Paid from the good-samaritan fund, yuan."),
    "samaritan_budget_used_share": Metric("share", "Good-samaritan budget used", "见义勇为资金使用率",
                                          "Good-samaritan payout / its budget."),
    "officer_cost_yuan": Metric("money", "Auxiliary officer cost", "辅警费用",
                                "Villages with an auxiliary officer (辅警) x years x "
                                "costs.auxiliary_officer_yuan_per_year (from the monthly timeline), yuan."),
    "investigator_cost_yuan": Metric("money", "Added investigator cost", "增派侦查警力费用",
                                     "Investigator-days accountability and campaigns added above the base / 365 x "
                                     "costs.investigator_yuan_per_year (from the timeline), yuan."),
    "camera_cost_yuan": Metric("money", "Camera cost", "视频监控费用",
                               "Camera coverage summed over villages (天网工程) x years x "
                               "costs.camera_yuan_per_village_year (from the timeline), yuan."),
    "scheme_cost_yuan": Metric("money", "Scheme's full cost", "方案总成本",
                               "Budget of every fund (funds table) plus officer, investigator and camera costs; whole "
                               "run and by policy year, yuan."),
}
"""Every metric of ``result.metrics()``, in the order of the docs."""


def kind(metric: str) -> Kind:
    """A metric's kind; a name the registry lacks (a sweep's own output, say) counts as a count."""
    return METRICS[metric].kind if metric in METRICS else "count"
