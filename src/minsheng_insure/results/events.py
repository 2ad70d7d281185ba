"""The event log: one row per incident per replication, the single source of every figure.

Days are counted from 1 January of the scenario's start year (365-day years). A stage that did
not happen, or had not happened by the end of the horizon, leaves its day as NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng_insure.model.fraud import FRAUD_KINDS
from minsheng_insure.model.insurance import DENIAL_REASONS
from minsheng_insure.model.samaritan import TIERS
from minsheng_insure.scenario.schema import Scenario

EVENT_COLUMNS: dict[str, tuple[str, str]] = {
    "replication": ("int64", "Replication number, 0-based."),
    "incident_id": ("int64", "Incident number within its replication, in time order."),
    "incident_day": ("float64", "Day the incident happened (发案)."),
    "township": ("int64", "Township (乡镇) of the victim household, 0-based."),
    "village": ("int64", "Village (村) of the victim household, 0-based."),
    "household": ("int64", "Victim household (户), 0-based."),
    "crime_type": ("category", "Crime type, as named in the scenario."),
    "asset_class": ("category", "Asset class hit, or 'none' for a type without property."),
    "loss_yuan": ("float64", "Loss, yuan, bounded by the value of the asset hit (0 for a staged report)."),
    "false_report": ("bool", "A staged report (fraud): no real incident; crime_type is 'false_report'."),
    "fraud": ("category", "Fraud kind of the claim: '' (none), 'staged' or 'inflated'."),
    "claimed_loss_yuan": ("float64", "Loss the claim states, yuan (above loss_yuan when inflated; 0 if no claim)."),
    "insured": ("bool", "The loss was covered by the scheme when it happened."),
    "aware": ("bool", "Insured, and the household knew it."),
    "reported": ("bool", "Reported to the police within the horizon (报案)."),
    "report_day": ("float64", "Day of the report (NaN if not reported)."),
    "registered": ("bool", "Registered as a case (立案), on the day of the report."),
    "caught_in_act": ("bool", "Offender caught in the act on camera: reported, registered and cleared at once."),
    "investigation_start_day": ("float64", "Day an investigator took the case (NaN if never)."),
    "went_cold": ("bool", "Dropped because no investigator took it before its evidence went cold."),
    "cold_day": ("float64", "Day the case went cold (NaN if it did not)."),
    "cleared": ("bool", "Cleared (破案) within the horizon."),
    "clear_day": ("float64", "Day the investigation cleared the case (NaN if not)."),
    "recovered_yuan": ("float64", "Property value returned to the victim after clearance (追赃), yuan."),
    "policy_year": ("int64", "Policy year of the incident, 0-based from the scheme's first; -1 before it."),
    "claim_filed": ("bool", "Insured, aware and reported: the victim claimed (理赔)."),
    "claim_yuan": ("float64", "Claim after deductible, co-payment and per-claim limit, yuan (0 if none)."),
    "claim_day": ("float64", "Day the claim was decided (NaN if screened out or not filed)."),
    "approved_yuan": ("float64", "Claim after the household annual limit, before the budget, yuan."),
    "paid_yuan": ("float64", "Paid out of the fund (赔付), yuan."),
    "paid_day": ("float64", "Day of payment (NaN if nothing was paid)."),
    "budget_shortfall_yuan": ("float64", "Approved but unpaid because the fund ran short, yuan."),
    "subrogated_yuan": ("float64", "Recovered property returned to the fund or insurer instead of the victim, yuan."),
    "denial_reason": ("category", "Why a filed claim was paid nothing: " + ", ".join(DENIAL_REASONS[1:]) + "."),
}


def category_labels(scenario: Scenario) -> dict[str, list[str]]:
    """The categories of the event log's categorical columns, in code order."""
    return {
        "crime_type": [*scenario.crime_types, "false_report"],
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


def event_frame(columns: list[dict[str, np.ndarray]], scenario: Scenario) -> pd.DataFrame:
    """The event log of several replications, with codes turned into the scenario's names."""
    merged = {name: np.concatenate([c[name] for c in columns]) for name in columns[0]}
    labels = category_labels(scenario)
    merged["asset_class"] = merged["asset_class"] + 1  # NO_ASSET (-1) becomes "none"
    frame = pd.DataFrame({
        name: pd.Categorical.from_codes(merged[name], categories=labels[name]) if name in labels
        else merged[name] for name in EVENT_COLUMNS})
    return frame.astype({name: dtype for name, (dtype, _) in EVENT_COLUMNS.items() if dtype != "category"})


SAMARITAN_COLUMNS: dict[str, tuple[str, str]] = {
    "replication": ("int64", "Replication number, 0-based."),
    "injury_id": ("int64", "Injury number within its replication, in time order."),
    "injury_day": ("float64", "Day a good samaritan (见义勇为) was injured."),
    "tier": ("category", "medical, disability or death."),
    "benefit_yuan": ("float64", "Benefit claimed: medical share plus disability or death benefit, yuan."),
    "policy_year": ("int64", "Policy year of the injury; -1 before the cover starts (not covered)."),
    "paid_yuan": ("float64", "Paid from the good-samaritan fund, yuan."),
    "paid_day": ("float64", "Day of payment (NaN if nothing was paid)."),
}


def samaritan_frame(columns: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Good-samaritan injuries of several replications."""
    merged = {name: np.concatenate([c[name] for c in columns]) for name in columns[0]}
    frame = pd.DataFrame({
        name: pd.Categorical.from_codes(merged[name].astype(np.int64), categories=list(TIERS)) if name == "tier"
        else merged[name] for name in SAMARITAN_COLUMNS})
    return frame.astype({name: dtype for name, (dtype, _) in SAMARITAN_COLUMNS.items() if dtype != "category"})


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
