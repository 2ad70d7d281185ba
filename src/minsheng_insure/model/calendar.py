"""Simulation time: days counted from 1 January of the scenario's start year.

Years are 365 days (29 February is ignored) so that a policy year, a calendar year and twelve
months always line up; seasonality and year-on-year comparisons need exactly that.
"""

from __future__ import annotations

import datetime

import numpy as np

DAYS_PER_YEAR = 365
MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
MONTH_START = np.concatenate([[0], np.cumsum(MONTH_DAYS)[:-1]])


def month_windows(horizon_days: float, first_day: float = 0.0) -> list[tuple[int, float, float]]:
    """The (month of year 0-11, start day, end day) windows that tile ``[first_day, horizon_days)``.

    A ``first_day`` before 0 (the warm-up) falls in a month of an earlier year; its window starts on it.
    """
    windows = []
    year = int(first_day // DAYS_PER_YEAR)
    while year * DAYS_PER_YEAR < horizon_days:
        for month in range(12):
            start = year * DAYS_PER_YEAR + MONTH_START[month]
            if start >= horizon_days:
                break
            end = min(start + MONTH_DAYS[month], horizon_days)
            if end > first_day:
                windows.append((month, float(max(start, first_day)), float(end)))
        year += 1
    return windows


def day_to_date(day: float, start_year: int) -> datetime.date:
    """The calendar date of simulation day ``day`` (365-day years: 29 February is skipped)."""
    year, day_of_year = divmod(int(day), DAYS_PER_YEAR)
    month = int(np.searchsorted(MONTH_START, day_of_year, side="right"))
    return datetime.date(start_year + year, month, day_of_year - int(MONTH_START[month - 1]) + 1)


def year_index(day: np.ndarray) -> np.ndarray:
    """Whole years since the start (0 for the first 365 days)."""
    return (np.asarray(day) // DAYS_PER_YEAR).astype(np.int64)


def month_of_year(day: np.ndarray) -> np.ndarray:
    """Month of the year, 1-12."""
    day_of_year = np.asarray(day) % DAYS_PER_YEAR
    return np.searchsorted(MONTH_START, day_of_year, side="right").astype(np.int64)


def quarter_of_year(day: np.ndarray) -> np.ndarray:
    """Quarter of the year, 1-4."""
    return (month_of_year(day) - 1) // 3 + 1
