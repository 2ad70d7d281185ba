"""Presenting results: headline tables, the number formatter, the workbook, plots, the HTML report,
the opening sentences, decompositions, notebook views, the generated docs and their scenario tables,
labels and output folders."""

__all__ = ["bundle", "decomposition", "docs", "excel", "html", "labels", "notebook", "numbers", "output", "plots",
           "scenario_tables", "sentences", "tables"]
