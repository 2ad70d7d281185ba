"""The event log as pandas frames: one row per incident per replication, the single source of
every figure, with the codes of ``model.codebook`` turned into the scenario's names.

Days are counted from 1 January of the scenario's start year (365-day years). A stage that did
not happen, or had not happened by the end of the horizon, leaves its day as NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng_insure.model.codebook import (
    DENIAL_REASONS,
    EVENT_COLUMNS,
    FALSE_REPORT_TYPE,
    FRAUD_KINDS,
    FUND_SCHEMES,
    FUNDS_COLUMNS,
    NO_ASSET,
    SAMARITAN_COLUMNS,
    TIERS,
)
from minsheng_insure.scenario.schema import Scenario


def category_labels(scenario: Scenario) -> dict[str, list[str]]:
    """The categories of the event log's categorical columns, in code order."""
    return {
        "crime_type": [*scenario.crime_types, FALSE_REPORT_TYPE],
        "asset_class": ["none", *scenario.county.assets],
        "denial_reason": list(DENIAL_REASONS),
        "fraud": list(FRAUD_KINDS),
    }


def restore_categories(events: pd.DataFrame, samaritan: pd.DataFrame,
                       scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Categorical columns as ``simulate`` makes them (a file format may drop unused categories)."""
    events = events.assign(**{name: pd.Categorical(events[name].astype(str), categories=labels)
                              for name, labels in category_labels(scenario).items()})
    samaritan = samaritan.assign(tier=pd.Categorical(samaritan["tier"].astype(str), categories=list(TIERS)))
    return events, samaritan


def restore_fund_categories(funds: pd.DataFrame) -> pd.DataFrame:
    """The funds table's ``fund`` column as ``simulate`` makes it."""
    return funds.assign(fund=pd.Categorical(funds["fund"].astype(str), categories=list(FUND_SCHEMES)))


def event_frame(columns: list[dict[str, np.ndarray]], scenario: Scenario) -> pd.DataFrame:
    """The event log of several replications, with codes turned into the scenario's names."""
    merged = {name: np.concatenate([c[name] for c in columns]) for name in columns[0]}
    labels = category_labels(scenario)
    merged["asset_class"] = merged["asset_class"] - NO_ASSET  # NO_ASSET becomes code 0, "none"
    frame = pd.DataFrame({
        name: pd.Categorical.from_codes(merged[name], categories=labels[name]) if name in labels
        else merged[name] for name in EVENT_COLUMNS})
    return frame.astype({name: dtype for name, (dtype, _) in EVENT_COLUMNS.items() if dtype != "category"})


def samaritan_frame(columns: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Good-samaritan injuries of several replications."""
    merged = {name: np.concatenate([c[name] for c in columns]) for name in columns[0]}
    frame = pd.DataFrame({
        name: pd.Categorical.from_codes(merged[name].astype(np.int64), categories=list(TIERS)) if name == "tier"
        else merged[name] for name in SAMARITAN_COLUMNS})
    return frame.astype({name: dtype for name, (dtype, _) in SAMARITAN_COLUMNS.items() if dtype != "category"})


def funds_frame(columns: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Each fund's policy years, per replication, as the claims desks recorded them."""
    merged = {name: np.concatenate([c[name] for c in columns]) for name in columns[0]}
    frame = pd.DataFrame({
        name: pd.Categorical.from_codes(merged[name], categories=list(FUND_SCHEMES)) if name == "fund"
        else merged[name] for name in FUNDS_COLUMNS})
    return frame.astype({name: dtype for name, (dtype, _) in FUNDS_COLUMNS.items() if dtype != "category"})


def timeline_frame(columns: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The monthly state of each replication: investigators, awareness, trust, pressure, rate scales."""
    return pd.DataFrame({name: np.concatenate([c[name] for c in columns]) for name in columns[0]})


def check_event_log(frame: pd.DataFrame) -> None:
    """Raise if ``frame`` does not have the documented columns and types."""
    if list(frame.columns) != list(EVENT_COLUMNS):
        raise ValueError(f"event log columns {list(frame.columns)} differ from {list(EVENT_COLUMNS)}")
    for name, (dtype, _) in EVENT_COLUMNS.items():
        if str(frame[name].dtype) != dtype:
            raise ValueError(f"event log column {name} is {frame[name].dtype}, expected {dtype}")
