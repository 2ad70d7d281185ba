"""Experiments over many runs: calibration, decomposition of a scheme's effect, parameter sweeps,
sensitivity analysis."""

__all__ = ["calibration", "decompose", "sensitivity", "sweep"]
