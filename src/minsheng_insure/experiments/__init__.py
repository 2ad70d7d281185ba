"""Experiments over many runs: calibration (targets files, priors, rejection ABC, its plots),
decomposition of a scheme's effect, parameter sweeps, sensitivity analysis."""

__all__ = ["calibration", "calibration_plots", "decompose", "priors", "rejection_abc", "sensitivity", "sweep",
           "targets"]
