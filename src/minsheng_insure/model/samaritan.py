"""Good-samaritan injury cover (见义勇为): rare injuries paid from their own annual budget.

Injuries are a Poisson process over the county. Each has medical costs (paid at a share, up to a
limit) and may add a disability benefit (severity grade 1-10 times a benefit per grade) or a death
benefit. Claims are paid first come first paid from the cover's own fund each policy year.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from minsheng_insure.model.distributions import Distribution, LogNormal
from minsheng_insure.model.params import NonNegative, Params, Probability


class SamaritanParams(Params):
    """The cover (scenario key ``samaritan``); a zero budget or rate means none."""

    budget_yuan: NonNegative = Field(0.0, description="Fund per policy year, yuan (Shenqiu: 400,000).")
    injuries_per_year: NonNegative = Field(0.0, description="Good samaritans injured per year, county-wide.")
    medical_cost_yuan: Distribution = Field(LogNormal(median=8000, sigma=1.0), description="Medical costs, yuan.")
    medical_paid_share: Probability = Field(0.8, description="Share of medical costs paid.")
    medical_limit_yuan: NonNegative = Field(50_000.0, description="Most paid for medical costs per injury, yuan.")
    disability_probability: Probability = Field(0.1, description="Chance an injury leaves a disability.")
    benefit_per_grade_yuan: NonNegative = Field(
        50_000.0, description="Disability benefit per grade of severity (1-10, 10 the most severe), yuan."
    )
    death_probability: Probability = Field(0.02, description="Chance an injury is fatal.")
    death_benefit_yuan: NonNegative = Field(600_000.0, description="Death benefit, yuan.")
    processing_delay_days: NonNegative = Field(10.0, description="Days from injury to payment decision.")

    @property
    def active(self) -> bool:
        return self.injuries_per_year > 0


def draw_injuries(params: SamaritanParams, start: float, end: float,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Injuries in ``[start, end)``: day, tier code and benefit claimed (yuan), in time order."""
    count = rng.poisson(params.injuries_per_year * (end - start) / 365)
    day = np.sort(start + rng.random(count) * (end - start))
    medical = np.minimum(params.medical_cost_yuan.sample(rng, count) * params.medical_paid_share,
                         params.medical_limit_yuan)
    tier_draw = rng.random(count)
    grade = rng.integers(1, 11, count)
    death = tier_draw < params.death_probability
    disability = ~death & (tier_draw < params.death_probability + params.disability_probability)
    benefit = (medical + np.where(death, params.death_benefit_yuan, 0.0)
               + np.where(disability, grade * params.benefit_per_grade_yuan, 0.0))
    tier = np.where(death, 2, np.where(disability, 1, 0))
    return {"injury_day": day, "tier": tier, "benefit_yuan": benefit}
