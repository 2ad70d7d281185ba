"""The HTML report: one self-contained file (plots embedded, no network), readable and printable."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd

from minsheng_insure.model.calendar import day_to_date
from minsheng_insure.report.decomposition import decomposition_html
from minsheng_insure.report.labels import Lang, label
from minsheng_insure.report.sentences import policy_year_display, policy_year_sentences
from minsheng_insure.report.tables import (
    headline_display,
    ladder_display,
    localise,
    reported_figures_table,
    yoy_display,
)
from minsheng_insure.results.comparison import Comparison
from minsheng_insure.results.ladder import Ladder
from minsheng_insure.results.result import SimulationResult
from minsheng_insure.scenario.provenance import parameters

STYLE = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", system-ui, sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { border-bottom: 2px solid #444; padding-bottom: .3em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: .25em .6em; text-align: right; }
th { background: #eee; } td.text, th.text { text-align: left; }
img { max-width: 100%; display: block; margin: 1em 0; }
figure { margin: 0; page-break-inside: avoid; }
.meta { color: #555; }
details { margin: 1em 0; }
@media print { body { max-width: none; } details { display: block; } details > * { display: block; } }
"""

FIGURE = re.compile(r"[+\-\[\d]")
"""A cell that shows a figure (formatted by ``report.numbers``: 6,419, +40.7%, [1.2, 3.4], a date, '-'),
right-aligned like a number."""

CHECK = """
window.addEventListener('load', function () {
  var images = Array.prototype.slice.call(document.images);
  var ok = images.every(function (img) { return img.complete && img.naturalWidth > 0; });
  document.body.setAttribute('data-images', images.length);
  document.body.setAttribute('data-images-ok', ok ? 'yes' : 'no');
});
"""


def _table(frame: pd.DataFrame, table_id: str = "") -> str:
    ident = f' id="{table_id}"' if table_id else ""
    head = "".join(f'<th class="text">{html.escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            text = "-" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value
            klass = ' class="text"' if isinstance(text, str) and not FIGURE.match(text) else ""
            shown = f"{text:,.4g}" if isinstance(text, float) else str(text)
            cells.append(f"<td{klass}>{html.escape(shown)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _parameters(result: SimulationResult, lang: Lang) -> str:
    frame = pd.DataFrame([(p.key, str(p.value), p.unit, p.source) for p in parameters(result.scenario)],
                         columns=[label(c, lang) for c in ("parameter", "value", "unit", "source")])
    return (f"<details><summary>{html.escape(result.scenario.name)}: "
            f"{html.escape(result.scenario.description)}</summary>{_table(frame)}</details>")


def _images(plots: dict[str, Path]) -> str:
    return "".join(
        f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,'
        f'{base64.b64encode(path.read_bytes()).decode()}"></figure>' for name, path in plots.items())


def _answers(comparison: Comparison, lang: Lang) -> str:
    """The opening: one sentence per policy year, then the same figures as a table with dates."""
    if not comparison.scenario.scenario.insurance.coverage:
        return ""
    sentences = "".join(f'<p class="answer">{html.escape(s)}</p>' for s in policy_year_sentences(comparison, lang))
    return (f"<h3>{html.escape(comparison.scenario.scenario.name)}</h3>{sentences}"
            f"{_table(policy_year_display(comparison.policy_years(), lang), 'policy-years')}"
            f"{_reported_figures(comparison.scenario, lang)}")


def _reported_figures(result: SimulationResult, lang: Lang) -> str:
    """The figures the scenario cites beside the simulated ones (nothing when it cites none)."""
    table = reported_figures_table(result)
    if table.empty:
        return ""
    return (f"<h3>{html.escape(label('section_yoy', lang))}: {html.escape(result.scenario.name)}</h3>"
            f"{_table(yoy_display(table, lang), 'reported-figures')}")


def _whole_run_caption(result: SimulationResult, lang: Lang) -> str:
    """A caption saying when the whole-run figures include months before the scheme began."""
    s = result.scenario
    start_year, horizon, scheme = s.simulation.start_year, s.simulation.horizon_days, s.insurance.start_day
    if not s.insurance.coverage or scheme < 28:
        return ""
    text = label("section_whole_run", lang, start=day_to_date(0, start_year).isoformat(),
                 end=day_to_date(horizon - 1, start_year).isoformat(), months=round(scheme / 30.4),
                 scheme=day_to_date(scheme, start_year).isoformat())
    return f'<p class="meta">{html.escape(text)}</p>'


def render(lang: Lang, version: str, plots: dict[str, Path], result: SimulationResult,
           comparison: Comparison | None = None, decomposition: tuple[pd.DataFrame, dict] | None = None) -> str:
    """The report's HTML text; ``decomposition`` (a saved table and its description) adds its section."""
    title = label("report_title_compare" if comparison else "report_title_run", lang)
    subject = (f"{comparison.scenario.scenario.name} / {comparison.baseline.scenario.name}" if comparison
               else result.scenario.name)
    head = headline_display(comparison.table() if comparison else result.summary(), lang, result.scenario)
    by_year = localise(result.summary("year"), lang, result.scenario)
    images = _images(plots)
    runs = [comparison.baseline, comparison.scenario] if comparison else [result]
    method = label("method_text", lang, replications=result.replications, seed=result.seed, version=version)
    answers = _answers(comparison, lang) if comparison else _reported_figures(result, lang)
    body = f"""{answers}
<h2>{html.escape(label("section_headline", lang))}</h2>
{_whole_run_caption(result, lang)}
{_table(head, "headline")}
{decomposition_html(*decomposition, lang, _table) if decomposition else ""}
<h2>{html.escape(label("section_plots", lang))}</h2>
{images}
<h2>{html.escape(label("section_tables", lang))}: {html.escape(result.scenario.name)}</h2>
{_table(by_year, "by-year")}
<h2>{html.escape(label("section_scenario", lang))}</h2>
{"".join(_parameters(r, lang) for r in runs)}"""
    return _page(lang, f"{title}: {subject}", method, body)


def render_ladder(lang: Lang, version: str, plots: dict[str, Path], ladder: Ladder) -> str:
    """The report of several scenarios against one baseline: each one's policy-year sentences, the
    headline metrics side by side, the ladder plot, and every scenario's parameters with sources."""
    title = label("report_title_compare", lang)
    subject = f"{' / '.join(ladder.names)} / {ladder.baseline.scenario.name}"
    b = ladder.baseline
    method = label("method_text", lang, replications=b.replications, seed=b.seed, version=version)
    answers = "".join(_answers(pair, lang) for pair in ladder.pairs)
    body = f"""{answers}
<h2>{html.escape(label("section_ladder", lang))}</h2>
{_whole_run_caption(ladder.scenarios[-1], lang)}
{_table(ladder_display(ladder, lang), "ladder")}
<h2>{html.escape(label("section_plots", lang))}</h2>
{_images(plots)}
<h2>{html.escape(label("section_scenario", lang))}</h2>
{"".join(_parameters(r, lang) for r in (b, *ladder.scenarios))}"""
    return _page(lang, f"{title}: {subject}", method, body)


def _page(lang: Lang, heading: str, method: str, body: str) -> str:
    """One self-contained report page: the heading and method line, ``body``, and the method again at the end."""
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{html.escape(heading)}</title><style>{STYLE}</style><script>{CHECK}</script></head>
<body>
<h1>{html.escape(heading)}</h1>
<p class="meta">{html.escape(method)}</p>
{body}
<h2>{html.escape(label("section_method", lang))}</h2>
<p>{html.escape(method)}</p>
</body></html>
"""
