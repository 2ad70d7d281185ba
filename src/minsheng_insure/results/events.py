"""The event log: one row per incident per replication, the single source of every figure.

Days are counted from 1 January of the scenario's start year (365-day years). A stage that did
not happen, or had not happened by the end of the horizon, leaves its day as NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng_insure.model.insurance import DENIAL_REASONS
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
    "loss_yuan": ("float64", "Loss, yuan, bounded by the value of the asset hit."),
    "insured": ("bool", "The loss was covered by the scheme when it happened."),
    "aware": ("bool", "Insured, and the household knew it."),
    "reported": ("bool", "Reported to the police within the horizon (报案)."),
    "report_day": ("float64", "Day of the report (NaN if not reported)."),
    "registered": ("bool", "Registered as a case (立案), on the day of the report."),
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
    "denial_reason": ("category", "Why a filed claim was paid nothing: " + ", ".join(DENIAL_REASONS[1:]) + "."),
}


def event_frame(columns: list[dict[str, np.ndarray]], scenario: Scenario) -> pd.DataFrame:
    """The event log of several replications, with codes turned into the scenario's names."""
    merged = {name: np.concatenate([c[name] for c in columns]) for name in columns[0]} if columns else {}
    frame = pd.DataFrame({name: merged.get(name, np.empty(0)) for name in EVENT_COLUMNS if
                          name not in ("crime_type", "asset_class", "denial_reason")})
    empty = np.empty(0, dtype=np.int64)
    frame["crime_type"] = pd.Categorical.from_codes(merged.get("crime_type", empty),
                                                    categories=list(scenario.crime_types))
    frame["asset_class"] = pd.Categorical.from_codes(merged.get("asset_class", empty) + 1,
                                                     categories=["none", *scenario.county.assets])
    frame["denial_reason"] = pd.Categorical.from_codes(merged.get("denial_reason", empty),
                                                       categories=list(DENIAL_REASONS))
    frame = frame[list(EVENT_COLUMNS)]
    return frame.astype({name: dtype for name, (dtype, _) in EVENT_COLUMNS.items() if dtype != "category"})


def check_event_log(frame: pd.DataFrame) -> None:
    """Raise if ``frame`` does not have the documented columns and types."""
    if list(frame.columns) != list(EVENT_COLUMNS):
        raise ValueError(f"event log columns {list(frame.columns)} differ from {list(EVENT_COLUMNS)}")
    for name, (dtype, _) in EVENT_COLUMNS.items():
        if str(frame[name].dtype) != dtype:
            raise ValueError(f"event log column {name} is {frame[name].dtype}, expected {dtype}")
