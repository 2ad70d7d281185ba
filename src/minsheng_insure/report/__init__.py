"""Presenting results: headline tables and output folders."""
