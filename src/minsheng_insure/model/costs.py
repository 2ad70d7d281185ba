"""The police side of a scheme's cost: auxiliary officers (辅警), added investigators and cameras
(天网工程), so that a scheme's full cost sits next to its premium (DESIGN.md section 2, item 7).

Each month the run records what it used (``month_resources``, into the timeline): its length,
the villages with an auxiliary officer, the camera coverage summed over villages (villages at
full coverage) and the investigator-days above the base that accountability (倒查追究) and
campaigns (专项行动) added. Costs are those records times yearly unit costs (``resource_costs``).
The unit costs only price what the run used; they change nothing in it.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from minsheng_insure.model.calendar import DAYS_PER_YEAR
from minsheng_insure.model.params import NonNegative, Params
from minsheng_insure.model.population import Population

RESOURCE_COLUMNS = ("month_days", "auxiliary_officers", "camera_villages", "added_investigator_days")
"""Timeline columns a month's resources are recorded in."""


class CostParams(Params):
    """Yearly unit costs of police resources (scenario key ``costs``); 0: not priced."""

    auxiliary_officer_yuan_per_year: NonNegative = Field(
        0.0, description="What one village's auxiliary officer (辅警) costs a year (pay and equipment), yuan."
    )
    investigator_yuan_per_year: NonNegative = Field(
        0.0, description="What one investigator added above the base costs a year (pay, vehicle, overheads), yuan."
    )
    camera_yuan_per_village_year: NonNegative = Field(
        0.0, description="What covering one village fully with cameras costs a year (equipment annualised over "
                         "its life, plus upkeep and monitoring), yuan; a village at coverage c costs c times this.",
    )


def county_resources(population: Population) -> tuple[float, float]:
    """The villages with an auxiliary officer and the camera coverage summed over villages: the
    same every month of a run."""
    return float(population.village_auxiliary_officer.sum()), float(population.village_camera_coverage.sum())


def month_resources(resources: tuple[float, float], base_investigators: int,
                    capacity_plan: list[tuple[float, int]], month_end: float) -> dict[str, float]:
    """What the month from ``capacity_plan[0]``'s day to ``month_end`` used.

    ``resources`` is ``county_resources`` of the county; ``capacity_plan`` is the month's
    investigators from each day on (the queue's plan); the days above ``base_investigators`` are
    the investigators accountability and campaigns added.
    """
    # A plan has a change or two: plain arithmetic, in the plan's order, costs less than arrays.
    ends = [day for day, _ in capacity_plan[1:]] + [month_end]
    added = sum((end - day) * float(investigators - base_investigators)
                for (day, investigators), end in zip(capacity_plan, ends, strict=True))
    return {"month_days": month_end - capacity_plan[0][0],
            "auxiliary_officers": resources[0], "camera_villages": resources[1],
            "added_investigator_days": float(added)}


def resource_costs(params: CostParams, month_days: np.ndarray, auxiliary_officers: np.ndarray,
                   camera_villages: np.ndarray, added_investigator_days: np.ndarray) -> dict[str, np.ndarray]:
    """Cost of each recorded month's officers, added investigators and cameras, yuan."""
    years = month_days / DAYS_PER_YEAR
    return {"officer_cost_yuan": auxiliary_officers * years * params.auxiliary_officer_yuan_per_year,
            "investigator_cost_yuan": added_investigator_days / DAYS_PER_YEAR * params.investigator_yuan_per_year,
            "camera_cost_yuan": camera_villages * years * params.camera_yuan_per_village_year}
