"""Presenting results: headline tables, the workbook, plots, the HTML report, the
opening sentences, labels and output folders."""

__all__ = ["bundle", "docs", "excel", "html", "labels", "output", "plots", "sentences", "tables"]
