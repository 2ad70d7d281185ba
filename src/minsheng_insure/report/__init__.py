"""Presenting results: headline tables, the number formatter, the workbook, plots, the HTML report,
notebook views, labels and output folders."""

__all__ = ["bundle", "docs", "excel", "html", "labels", "notebook", "numbers", "output", "plots", "tables"]
