"""Stage 5, investigation and clearance (侦查/破案).

Registered cases queue for a pool of investigators. A case that is not started before its evidence
goes cold is dropped (abandonment); an investigated case is cleared with a probability that rises
with camera coverage (天网工程) and a prompt report. With exponential efforts and cold times and a
FIFO queue this is the M/M/c+M (Erlang-A) queue.

The queue itself runs on the engine's clock (``engine.simpy_engine`` and ``engine.fast``); this
module holds what decides a case: its clearance chance and whether cameras catch the offender.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field
from scipy.special import expit, logit

from minsheng_insure.model.distributions import Distribution
from minsheng_insure.model.params import NonNegative, Params, Probability


class InvestigationParams(Params):
    """Police investigation capacity and clearance (scenario key ``investigation``)."""

    investigators: int = Field(ge=0, description="Investigators working cases at once (officers).")
    priority: Literal["fifo", "severity"] = Field(
        "fifo", description="Queue order: first registered first, or largest loss first."
    )
    effort_days: dict[str, Distribution] = Field(description="Investigator-days one case takes, by type.")
    cold_after_days: Distribution = Field(
        description="Days a registered case can wait before its evidence goes cold and it is dropped."
    )
    clearance_probability: dict[str, Probability] = Field(
        description="Chance an investigated case is cleared (破案), by type, without cameras or a prompt report."
    )
    camera_coefficient: float = Field(0.0, description="Log-odds of clearance added at full camera coverage.")
    auxiliary_officer_coefficient: float = Field(
        0.0, description="Log-odds of clearance added by leads from the village's auxiliary officer (辅警)."
    )
    caught_in_act_at_full_coverage: Probability = Field(
        0.0, description="Chance an offender is caught in the act at full camera coverage (scales with coverage)."
    )
    prompt_report_coefficient: float = Field(0.0, description="Log-odds of clearance added for a prompt report.")
    prompt_report_within_days: NonNegative = Field(1.0, description="A report within this many days is prompt.")


def base_log_odds(probability: np.ndarray) -> np.ndarray:
    """The log-odds of the base clearance chances (-inf for a chance of 0: never cleared)."""
    with np.errstate(divide="ignore"):
        return logit(probability)


def clearance_probability(
    params: InvestigationParams, log_odds: np.ndarray, camera_coverage: np.ndarray, report_delay_days: np.ndarray,
    auxiliary_officer: np.ndarray,
) -> np.ndarray:
    """Per-case chance that an investigation clears the case; ``log_odds`` is ``base_log_odds`` of the
    case's base chance (by crime type), looked up per case."""
    prompt = report_delay_days <= params.prompt_report_within_days
    return expit(log_odds + params.camera_coefficient * camera_coverage + params.prompt_report_coefficient * prompt
                 + params.auxiliary_officer_coefficient * auxiliary_officer)


def draw_caught_in_act(params: InvestigationParams, camera_coverage: np.ndarray,
                       rng: np.random.Generator) -> np.ndarray:
    """Which offenders cameras catch in the act (cleared on the spot, no investigation needed)."""
    return rng.random(camera_coverage.size) < params.caught_in_act_at_full_coverage * camera_coverage
