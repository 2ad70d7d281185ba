"""Experiments over many runs: calibration, parameter sweeps, sensitivity analysis."""
