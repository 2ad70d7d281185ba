"""Stage 3, reporting (报案): whether and when a victim reports to the police.

The reporting probability is logistic in log-odds::

    logit p = intercept[type] + log_loss_coefficient * ln(loss / reference_loss)
              + insured_aware_coefficient * benefit
              + auxiliary_officer_coefficient * [auxiliary officer in the village]

A claim needs a police report, so cover the victim knows about raises reporting (发案必报案).
``benefit`` is 1 for an insured victim who knows of the cover (0 otherwise); with
``benefit_response`` it is what a claim is worth to that victim instead: the village's belief that
the scheme pays (``model.belief``) times the share of the loss the cover pays after deductible,
co-payment and limits. Then a loss under the deductible brings no uplift, and a fund known to be
empty brings little: the budget reaches behaviour only through what is paid.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field
from scipy.special import expit

from minsheng_insure.model.distributions import Distribution, Fixed
from minsheng_insure.model.params import Params, Positive


class ReportingParams(Params):
    """The reporting model (scenario key ``reporting``); coefficients are in log-odds."""

    intercept: dict[str, float] = Field(description="Log-odds of reporting by crime type at the reference loss.")
    reference_loss_yuan: Positive = Field(1000.0, description="Loss at which the intercept applies, yuan.")
    log_loss_coefficient: float = Field(0.0, description="Log-odds per unit of ln(loss / reference loss).")
    insured_aware_coefficient: float = Field(
        0.0, description="Log-odds added when the loss is insured and the household knows it (with "
                         "benefit_response: at a belief of 1 and the whole loss payable)."
    )
    benefit_response: bool = Field(
        False, description="Scale the insured uplift by the expected benefit: belief that the scheme pays "
                           "times the payable share of the loss."
    )
    auxiliary_officer_coefficient: float = Field(
        0.0, description="Log-odds added when the village has an auxiliary officer (辅警)."
    )
    delay_days: Distribution = Field(Fixed(value=0.0), description="Days from incident to report.")


def report_probability(
    params: ReportingParams,
    intercept: np.ndarray,
    loss_yuan: np.ndarray,
    benefit: np.ndarray,
    auxiliary_officer: np.ndarray,
    trust_log_odds: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Probability that each victim reports; ``intercept`` is already looked up per incident.

    ``benefit`` is in [0, 1] per victim (see the module); ``trust_log_odds`` is what the village's
    trust in the police adds (see ``model.trust``).
    """
    log_loss = np.log(np.maximum(loss_yuan, 1.0) / params.reference_loss_yuan)
    return expit(
        intercept
        + trust_log_odds
        + params.log_loss_coefficient * log_loss
        + params.insured_aware_coefficient * benefit
        + params.auxiliary_officer_coefficient * auxiliary_officer
    )


def draw_reports(
    params: ReportingParams, probability: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Which victims report and after how many days.

    One uniform and one delay are drawn for every incident, reported or not, so that a change of
    cover moves only the decisions, never the random numbers behind other incidents.
    """
    uniform = rng.random(probability.size)
    delay = params.delay_days.sample(rng, probability.size)
    return uniform < probability, delay
