"""Common base for the parameter models that each stage reads.

Every stage module declares the parameters it reads as one pydantic model derived from
:class:`Params`: unknown keys are rejected (a misspelt key must never silently fall back to a
default) and parameters are immutable once validated, so a run cannot change its own inputs.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
"""A probability or a share, in [0, 1]."""

NonNegative = Annotated[float, Field(ge=0.0)]
"""A non-negative quantity (money in yuan, days, counts)."""

Positive = Annotated[float, Field(gt=0.0)]
"""A strictly positive quantity."""


class Params(BaseModel):
    """Base of every parameter model: strict keys, frozen values, finite numbers, no true for 1.

    NaN and infinity are refused everywhere (a NaN coefficient silently zeroes every probability),
    and so is a boolean where a number is expected (pydantic would read ``investigators = true`` as 1).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_for_number(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {k: _mark_bools(cls.model_fields[k].annotation, v) if k in cls.model_fields else v
                for k, v in data.items()}


class _Refused:
    """A boolean where a number is expected, or a number where a boolean is: no type accepts this
    wrapper, so pydantic reports the exact key (list index included), e.g. 'should be a valid
    number (got true)', instead of reading true as 1 or 1 as true."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return str(self.value).lower() if isinstance(self.value, bool) else repr(self.value)


def _mark_bools(annotation: Any, value: Any) -> Any:
    """``value`` with each bool ``annotation`` does not admit, and each non-bool for a bool, refused."""
    if isinstance(value, bool):
        return value if _admits_bool(annotation) else _Refused(value)
    if isinstance(value, int | float | str) and _only_bool(annotation):
        return _Refused(value)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _mark_bools(args[0], value)
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in args if a is not type(None)]
        return _mark_bools(arms[0], value) if len(arms) == 1 else value
    if origin in (list, tuple) and isinstance(value, list) and args:
        return [_mark_bools(args[0], v) for v in value]
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return {k: _mark_bools(args[1], v) for k, v in value.items()}
    return value


@cache
def _admits_bool(annotation: Any) -> bool:
    if annotation is bool or annotation is Any:
        return True
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _admits_bool(args[0])
    if origin in (typing.Union, types.UnionType):
        return any(_admits_bool(a) for a in args)
    return False


@cache
def _only_bool(annotation: Any) -> bool:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _only_bool(args[0])
    if origin in (typing.Union, types.UnionType):
        return all(_only_bool(a) for a in args if a is not type(None))
    return annotation is bool
