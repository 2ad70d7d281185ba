"""Presenting results: headline tables, the workbook, plots, the HTML report, decompositions, the
generated docs and their scenario tables, labels and output folders."""

__all__ = ["bundle", "decomposition", "docs", "excel", "html", "labels", "output", "plots", "scenario_tables",
           "tables"]
