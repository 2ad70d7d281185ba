"""The event log's codebook: every column of what a run records, its type, unit and codes.

The engines write these columns and ``results`` reads them; both take the names, codes and
meanings from here, so a code (an asset class of -1, the crime-type code after the scenario's own
types, a denial or fraud code) is never implicit. Days count from 1 January of the scenario's
start year (365-day years); a stage that did not happen, or not before the clock stopped (the
horizon plus ``simulation.follow_up_days``), has NaN as its day.
"""

from __future__ import annotations

NO_ASSET = -1
"""Asset code of an incident that hits no property asset (fraud, personal injury); 'none' in the log."""

FALSE_REPORT_TYPE = "false_report"
"""Crime-type name of a staged report; its code is the number of the scenario's crime types."""

DENIAL_REASONS = ("", "late_report", "not_registered", "below_deductible", "fraud_detected", "household_limit",
                  "budget_exhausted")
"""Why a filed claim was paid nothing; code 0 means it was paid (or no claim was filed)."""
LATE_REPORT, NOT_REGISTERED, BELOW_DEDUCTIBLE, FRAUD_DETECTED, HOUSEHOLD_LIMIT, BUDGET_EXHAUSTED = range(1, 7)

FRAUD_KINDS = ("", "staged", "inflated")
"""Fraud kind of a claim, by code."""
NOT_FRAUD, STAGED, INFLATED = range(3)

TIERS = ("medical", "disability", "death")
"""Tier of a good-samaritan injury, by code."""

EVENT_COLUMNS: dict[str, tuple[str, str]] = {
    "replication": ("int64", "Replication number, 0-based."),
    "incident_id": ("int64", "Incident number within its replication, in time order."),
    "incident_day": ("float64", "Day the incident happened (案发); negative in the warm-up before day 0 "
                                "(simulation.warm_up_days)."),
    "township": ("int64", "Township (乡镇) of the victim household, 0-based."),
    "village": ("int64", "Village (村) of the victim household, 0-based."),
    "household": ("int64", "Victim household (户), 0-based."),
    "crime_type": ("category", f"Crime type, as named in the scenario ('{FALSE_REPORT_TYPE}' for a staged report)."),
    "asset_class": ("category", "Asset class hit, or 'none' for a type without property."),
    "loss_yuan": ("float64", "Loss, yuan, bounded by the value of the asset hit (0 for a staged report)."),
    "false_report": ("bool", f"A staged report (fraud): no real incident; crime_type is '{FALSE_REPORT_TYPE}'."),
    "fraud": ("category", "Fraud kind of the claim: '' (none), 'staged' or 'inflated'."),
    "claimed_loss_yuan": ("float64", "Loss the claim states, yuan (above loss_yuan when inflated; 0 if no claim)."),
    "insured": ("bool", "The loss was covered by the scheme when it happened."),
    "aware": ("bool", "Insured, and the household knew it."),
    "reported": ("bool", "Reported to the police (报案) before the clock stopped (horizon plus follow-up)."),
    "report_day": ("float64", "Day of the report (NaN if not reported)."),
    "registered": ("bool", "Registered as a case (立案), on the day of the report."),
    "caught_in_act": ("bool", "Offender caught in the act on camera: reported, registered and cleared at once."),
    "investigation_start_day": ("float64", "Day an investigator took the case (NaN if never)."),
    "went_cold": ("bool", "Dropped because no investigator took it before its evidence went cold."),
    "cold_day": ("float64", "Day the case went cold (NaN if it did not)."),
    "cleared": ("bool", "Cleared (破案) before the clock stopped (horizon plus follow-up)."),
    "clear_day": ("float64", "Day the investigation cleared the case, or the day of the arrest that cleared it "
                             "in a series (NaN if not cleared)."),
    "cleared_in_series": ("bool", "Cleared with a series (串案) in a campaign: it had gone cold (went_cold stays "
                                  "true) and another case's arrest cleared it."),
    "open_at_end": ("bool", "Still open when the clock stopped at the end of follow-up: a report still to come, "
                            "or a registered case neither finished nor gone cold."),
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
"""One row per incident (and per staged report) per replication: column -> (dtype, meaning)."""

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
"""One row per injured good samaritan per replication: column -> (dtype, meaning)."""

FUND_SCHEMES = ("property", "samaritan")
"""The funds a run keeps: the property scheme's and the good-samaritan cover's."""

FUNDS_COLUMNS: dict[str, tuple[str, str]] = {
    "replication": ("int64", "Replication number, 0-based."),
    "fund": ("category", "Which fund: " + " or ".join(FUND_SCHEMES) + "."),
    "policy_year": ("int64", "Policy year, 0-based from the scheme's first."),
    "start_day": ("float64", "First day of the policy year (or of the scheme, in its first year)."),
    "end_day": ("float64", "Day the policy year ends."),
    "days_in_run": ("float64", "Days of the policy year inside the horizon (less than 365: a partial year)."),
    "budget_yuan": ("float64", "What the county pays for the policy year: the fund's budget, or the insurer's "
                               "premium (after any re-pricing at renewal), yuan."),
    "in_force": ("bool", "The cover runs in this policy year (false once a renewal stopped it)."),
    "limit_scale": ("float64", "Multiplier on the per-claim and household limits (below 1 once tightened)."),
    "fund_yuan": ("float64", "What the fund can pay in the policy year: the budget, or the insurer's cap, yuan."),
    "claims_decided": ("int64", "Claims that reached the fund (after screening and the household limit)."),
    "approved_yuan": ("float64", "What those claims were owed (incurred), yuan."),
    "paid_yuan": ("float64", "What the fund paid, yuan."),
    "claims_paid": ("int64", "Claims paid something."),
    "claims_refused": ("int64", "Claims refused because the fund was empty (budget_exhausted)."),
    "exhausted_day": ("float64", "Day the claims owed first reached what the fund can pay (NaN if never)."),
    "result_yuan": ("float64", "Insurer: premium less expense loading less paid; county-run fund: budget less "
                               "paid (unspent), yuan."),
}
"""One row per fund, policy year and replication, recorded by the engine's claims desks."""
