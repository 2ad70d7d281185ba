"""Common base for the parameter models that each stage reads.

Every stage module declares the parameters it reads as one pydantic model derived from
:class:`Params`: unknown keys are rejected (a misspelt key must never silently fall back to a
default) and parameters are immutable once validated, so a run cannot change its own inputs.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
"""A probability or a share, in [0, 1]."""

NonNegative = Annotated[float, Field(ge=0.0)]
"""A non-negative quantity (money in yuan, days, counts)."""

Positive = Annotated[float, Field(gt=0.0)]
"""A strictly positive quantity."""


class Params(BaseModel):
    """Base of every parameter model: strict keys, frozen values."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
