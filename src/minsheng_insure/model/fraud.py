"""Fraudulent claims: staged losses reported to the police, and genuine losses inflated.

Staged reports (假报案) arrive at a rate per 1,000 aware, insured household-assets per year, so
their number grows with cover and awareness. They are reported, may be registered, take
investigator time and are never cleared, so they inflate reported and registered counts and
lower the clearance rate. A share of genuine insured claims is inflated by a factor. Verification
catches a stated share of both kinds; the rest is paid like any claim.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from minsheng_insure.model.distributions import Distribution, Exponential, Fixed, LogNormal
from minsheng_insure.model.params import NonNegative, Params, Probability


class FraudParams(Params):
    """Fraud and its verification (scenario key ``fraud``); zero rates mean no fraud."""

    staged_per_1000_insured_aware_per_year: NonNegative = Field(
        0.0, description="Staged reports per 1,000 aware owners of a covered asset per year."
    )
    staged_claim_yuan: Distribution = Field(
        LogNormal(median=2000, sigma=0.8), description="Loss a staged report claims, yuan (bounded by the asset)."
    )
    staged_registration_probability: Probability = Field(0.5, description="Chance a staged report is registered.")
    staged_effort_days: Distribution = Field(
        Exponential(mean=2.0), description="Investigator-days a staged case takes."
    )
    report_delay_days: Distribution = Field(Fixed(value=0.5), description="Days from the staged 'incident' to report.")
    inflation_probability: Probability = Field(0.0, description="Share of genuine insured claims that are inflated.")
    # A plain float: NonNegative's own ge=0 would override ge=1 and let 0.5 through.
    inflation_factor: float = Field(1.5, ge=1.0, description="Claimed loss / true loss of an inflated claim.")
    detection_share: Probability = Field(0.5, description="Share of fraudulent claims verification catches.")

    @property
    def active(self) -> bool:
        return self.staged_per_1000_insured_aware_per_year > 0 or self.inflation_probability > 0


def draw_staged_counts(
    params: FraudParams, aware_owners: np.ndarray, days: float, rng: np.random.Generator
) -> np.ndarray:
    """Staged reports per covered asset class over ``days``, given aware owners of each."""
    expected = params.staged_per_1000_insured_aware_per_year / 1000 * aware_owners * days / 365
    return rng.poisson(expected)


def draw_inflation(params: FraudParams, insured_claim: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which genuine claims are inflated (one uniform per incident)."""
    return insured_claim & (rng.random(insured_claim.size) < params.inflation_probability)


def draw_detection(params: FraudParams, fraudulent: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which fraudulent claims verification catches (one uniform per incident)."""
    return fraudulent & (rng.random(fraudulent.size) < params.detection_share)
