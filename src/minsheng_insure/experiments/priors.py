"""Prior ranges of the parameters a calibration may free, each with its source.

Only parameters with a range stated in ``shared/CALIBRATION.md`` or in a shipped scenario's
provenance are here; any other free parameter needs its range on the command line
(``--free KEY=LOW:HIGH``) or in the targets file's ``[priors]``. Values are drawn uniformly
between ``low`` and ``high`` (whole numbers for integer parameters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minsheng_insure.experiments.targets import PriorRange

_BELIEF = ("assumption (scenarios/shenqiu_2016.toml provenance; CALIBRATION.md: no published elasticity of "
           "reporting to payout probability)")
_GAMING = "docs/scenarios.md, the police side"

SOURCED_RANGES: dict[str, PriorRange] = {
    "belief.initial": PriorRange(low=0.6, high=1.0, source=f"{_BELIEF}: launch belief 0.6-1.0"),
    "belief.prior_claims": PriorRange(low=5, high=50, source=f"{_BELIEF}: launch belief worth 5-50 claims"),
    "belief.memory_half_life_days": PriorRange(low=60, high=365, source=f"{_BELIEF}: news fades in 60-365 days"),
    "belief.township_weight": PriorRange(low=0.05, high=0.5,
                                         source=f"{_BELIEF}: a claim in the township weighs 0.05-0.5"),
    "belief.county_weight": PriorRange(low=0.001, high=0.05,
                                       source=f"{_BELIEF}: a claim elsewhere in the county weighs 0.001-0.05"),
    "trust.refusal_loss": PriorRange(low=0.0, high=0.05, source="assumption (scenarios/shenqiu_2016.toml "
                                     "provenance): a refused claim costs 0-0.05 of the trust"),
    "accountability.gaming_share": PriorRange(low=0.2, high=0.6, source=f"{_GAMING}: 0.2-0.6; CALIBRATION.md: "
                                              "the Ministry's ~30% honest clearance against 41.9% reported"),
    "accountability.hard_case_clearance_below": PriorRange(low=0.1, high=0.3, source=f"{_GAMING}: 0.1-0.3 (base "
                                                           "clearance chances run 0.15-0.40 by type)"),
    "insurance.awareness_share": PriorRange(low=0.6, high=0.95, source="CALIBRATION.md: Henan schemes reached "
                                            "78.5% of rural households by 2017; assumption: 0.6-0.95"),
}


@dataclass(frozen=True)
class Prior:
    """A free parameter: its dotted key, uniform range, source, and whether it takes whole numbers."""

    key: str
    low: float
    high: float
    source: str
    integer: bool = False

    def values(self, unit: np.ndarray) -> np.ndarray:
        """Values at positions ``unit`` in [0, 1) of the range (rounded for an integer parameter)."""
        values = self.low + np.asarray(unit) * (self.high - self.low)
        return np.round(values) if self.integer else values
