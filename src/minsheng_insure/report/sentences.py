"""The plain answer a planner asks for, one sentence per policy year, in English or Chinese.

"Policy year 2016-07-01 to 2017-06-30: the 1.5 million yuan fund paid 0.79 million yuan on 2,601
claims (100.0% of valid claims), did not run out; reported cases +46.9% [+42.9%, +50.9%], cleared
+95.3% [...] against baseline; 577 yuan of premium per extra reported case [...], ... (20 paired
replications, 95% CIs)." The figures come from ``Comparison.policy_years()``, which reads the
tables by policy year the outputs compute anyway. The months before the scheme get a sentence of
their own, so the scheme's figures never include them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd

from minsheng_insure.report.labels import CATALOGUE, Lang, label, metric_label, metric_unit
from minsheng_insure.report.tables import fmt, fmt_pct
from minsheng_insure.results.comparison import Comparison


def money(yuan: float, lang: Lang) -> str:
    """An amount as said aloud: 1.5 million (150万), 789,342 below a million (below 万 in Chinese)."""
    if yuan is None or math.isnan(yuan):
        return "-"
    unit = 1e6 if lang == "en" else 1e4
    if abs(yuan) >= unit:
        return label("million", lang, value=f"{yuan / unit:,.2f}".rstrip("0").rstrip("."))
    return f"{yuan:,.0f}"


def _interval(low: float, high: float, shown: Callable[[float], str]) -> str:
    return f"[{shown(low)}, {shown(high)}]"


def policy_year_sentences(comparison: Comparison, lang: Lang) -> list[str]:
    """One sentence per policy year of the scenario (and one for the months before its scheme)."""
    answers = comparison.policy_years()
    baseline = comparison.baseline.scenario.name
    return [_sentence(row, baseline, lang) for row in answers.itertuples(index=False)]


def _sentence(row: Any, baseline: str, lang: Lang) -> str:
    """The sentence of one row (a named tuple) of ``Comparison.policy_years()``."""
    join = label("sentence_join", lang)
    start, end = row.start_date.isoformat(), row.end_date.isoformat()
    cases = {"baseline": baseline,
             "reported": fmt_pct(row.reported_change_pct),
             "reported_ci": _interval(row.reported_change_pct_ci_low, row.reported_change_pct_ci_high, fmt_pct),
             "cleared": fmt_pct(row.cleared_change_pct),
             "cleared_ci": _interval(row.cleared_change_pct_ci_low, row.cleared_change_pct_ci_high, fmt_pct)}
    if row.policy_year < 0:
        return (label("period_before_scheme", lang, start=start, end=end) + label("sentence_colon", lang)
                + label("sentence_before", lang, **cases) + label("sentence_end", lang, replications=row.n))
    period = label("period_policy_year", lang, start=start, end=end)
    if row.partial:
        period += label("period_partial", lang, end=row.run_end_date.isoformat())
    ran_out = (label("sentence_ran_out", lang, date=row.ran_out_date.isoformat(), share=f"{row.ran_out_share:.0%}")
               if row.ran_out_date is not None else label("sentence_not_ran_out", lang))
    fund = (label("sentence_fund", lang, budget=money(row.premium_yuan, lang), paid=money(row.payout_yuan, lang),
                  claims=f"{row.claims_paid:,.0f}", share=f"{row.valid_claims_paid_share:.0%}", ran_out=ran_out)
            if row.premium_yuan > 0 else label("sentence_no_fund", lang, claims=f"{row.claims_denied:,.0f}"))
    yuan = partial(money, lang=lang)
    cost = label("sentence_cost", lang,
                 per_reported=yuan(row.premium_per_extra_reported),
                 per_reported_ci=_interval(row.premium_per_extra_reported_ci_low,
                                           row.premium_per_extra_reported_ci_high, yuan),
                 per_cleared=yuan(row.premium_per_extra_cleared),
                 per_cleared_ci=_interval(row.premium_per_extra_cleared_ci_low,
                                          row.premium_per_extra_cleared_ci_high, yuan))
    if row.partial:
        cost += label("sentence_pro_rata", lang)
    parts = [fund, label("sentence_cases", lang, **cases), *([cost] if row.premium_yuan > 0 else [])]
    return f"{period}{label('sentence_colon', lang)}{join.join(parts)}" + label("sentence_end", lang,
                                                                               replications=row.n)


def policy_year_display(answers: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """``Comparison.policy_years()`` as a table of text with dates, for the report."""
    rows = []
    for r in answers.itertuples(index=False):
        period = label("period_before_scheme" if r.policy_year < 0 else "period_policy_year", lang,
                       start=r.start_date.isoformat(), end=r.end_date.isoformat())
        rows.append([period, fmt(r.premium_yuan, "premium_yuan", lang), fmt(r.claims_filed, "claims_filed"),
                     fmt(r.claims_paid, "claims_paid"), fmt(r.claims_denied, "claims_denied"),
                     fmt(r.valid_claims_paid_share, "valid_claims_paid_share"), fmt(r.loss_ratio, "loss_ratio"),
                     "-" if r.ran_out_date is None else f"{r.ran_out_date.isoformat()} ({r.ran_out_share:.0%})",
                     f"{fmt_pct(r.reported_change_pct)} [{fmt_pct(r.reported_change_pct_ci_low)}, "
                     f"{fmt_pct(r.reported_change_pct_ci_high)}]",
                     f"{fmt_pct(r.cleared_change_pct)} [{fmt_pct(r.cleared_change_pct_ci_low)}, "
                     f"{fmt_pct(r.cleared_change_pct_ci_high)}]",
                     fmt(r.premium_per_extra_reported), fmt(r.premium_per_extra_cleared), str(r.n)])
    columns = ["period", "premium_yuan", "claims_filed", "claims_paid", "claims_denied", "valid_claims_paid_share",
               "loss_ratio", "budget_exhausted_day", "reported", "cleared", "premium_per_extra_reported",
               "premium_per_extra_cleared", "n"]
    headers = [label(c, lang) if c in CATALOGUE else metric_label(c, lang) for c in columns]
    headers[1] += f" ({metric_unit('premium_yuan', lang)})"
    return pd.DataFrame(rows, columns=headers)
