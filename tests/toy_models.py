"""Toy models with known sensitivity indices, run through the sweep's own code path."""

from __future__ import annotations

import math
from typing import Any


def ishigami(values: dict[str, Any], replications: int, seed: int) -> dict[str, list[float]]:
    """Ishigami function (a = 7, b = 0.1): S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244)."""
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    y = math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)
    return {"y": [y] * replications}


def linear(values: dict[str, Any], replications: int, seed: int) -> dict[str, list[float]]:
    """y = 3 a + b: Morris mu* = (3, 1, 0) on unit ranges."""
    return {"y": [3 * values["a"] + values["b"] + 0 * values["c"]] * replications}
