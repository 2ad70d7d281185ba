"""Experiments over many runs: calibration (targets files, priors, rejection ABC, its plots), parameter
sweeps, sensitivity analysis."""

__all__ = ["calibration", "calibration_plots", "priors", "rejection_abc", "sensitivity", "sweep", "targets"]
