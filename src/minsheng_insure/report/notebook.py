"""What a notebook shows for a result or a comparison: a small table of the headline metrics.

The same rows and figures as the terminal (``report.tables.headline_display``), as HTML.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

from minsheng_insure.report.labels import label
from minsheng_insure.report.tables import headline_display

if TYPE_CHECKING:
    from minsheng_insure.results.comparison import Comparison
    from minsheng_insure.results.result import SimulationResult


def _html(title: str, table: pd.DataFrame) -> str:
    return f"<p><b>{html.escape(title)}</b></p>" + table.to_html(index=False, escape=True, border=0)


def result_html(result: SimulationResult) -> str:
    """The headline metrics of ``result``, mean and 95% CI."""
    table = headline_display(result.summary(), "en", result.scenario)
    return _html(label("table_title_run", "en", name=result.scenario.name, replications=result.replications,
                       seed=result.seed), table)


def comparison_html(comparison: Comparison) -> str:
    """The headline metrics of both sides and the paired change, with 95% CIs."""
    s, b = comparison.scenario, comparison.baseline
    table = headline_display(comparison.table(), "en", s.scenario)
    return _html(label("table_title_compare", "en", scenario=s.scenario.name, baseline=b.scenario.name,
                       replications=s.replications, seed=s.seed), table)
