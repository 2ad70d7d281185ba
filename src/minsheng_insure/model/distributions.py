"""Probability distributions as scenario values.

A scenario writes a distribution as a table, e.g. ``{ dist = "lognormal", median = 3000,
sigma = 1.1 }``; the unit comes from the key that holds it (``loss_yuan``, ``delay_days``).
Each class draws a numpy array of samples from a given generator.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from minsheng_insure.model.params import NonNegative, Params, Positive


class Fixed(Params):
    """Always the same value."""

    dist: Literal["fixed"] = "fixed"
    value: NonNegative

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value, dtype=float)

    @property
    def mean(self) -> float:
        return self.value


class Exponential(Params):
    """Exponential with the given mean (memoryless waits and efforts)."""

    dist: Literal["exponential"] = "exponential"
    mean: Positive

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean, size)


class LogNormal(Params):
    """Log-normal given by its median and the standard deviation of the log (heavy right tail)."""

    dist: Literal["lognormal"] = "lognormal"
    median: Positive
    sigma: NonNegative

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(np.log(self.median), self.sigma, size)

    @property
    def mean(self) -> float:
        return float(self.median * np.exp(self.sigma**2 / 2))


class Uniform(Params):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"] = "uniform"
    low: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be at least low ({self.low})")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


class Gamma(Params):
    """Gamma given by its mean and shape (shape 1 is exponential; larger is less variable)."""

    dist: Literal["gamma"] = "gamma"
    mean: Positive
    shape: Positive

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.gamma(self.shape, self.mean / self.shape, size)


Distribution = Annotated[Fixed | Exponential | LogNormal | Uniform | Gamma, Field(discriminator="dist")]
"""Any of the distributions a scenario may name with ``dist``."""

DISTRIBUTION_NAMES = ("fixed", "exponential", "lognormal", "uniform", "gamma")
