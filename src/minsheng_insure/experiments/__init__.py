"""Experiments over many runs: calibration, parameter sweeps, sensitivity analysis."""

__all__ = ["calibration", "sensitivity", "sweep"]
