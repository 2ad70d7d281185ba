"""The pairs plot of a calibration: every draw, the accepted ones highlighted (matplotlib, PNG and SVG)."""

from __future__ import annotations

from pathlib import Path

from minsheng_insure.experiments.rejection_abc import ABCResult
from minsheng_insure.report.plots import new_figure, save


def pairs_plot(abc: ABCResult, path: Path) -> Path:
    """Each free parameter against each other (histograms on the diagonal); returns the PNG's path."""
    keys = abc.keys
    size = len(keys)
    accepted = abc.draws["accepted"].to_numpy()
    fig, axes = new_figure(size, size, figsize=(2.4 * size + 1, 2.4 * size + 1), squeeze=False)
    for i, row in enumerate(keys):
        for j, col in enumerate(keys):
            ax = axes[i][j]
            if i == j:
                ax.hist(abc.draws[row], bins=20, color="lightgrey", label="drawn")
                ax.hist(abc.draws.loc[accepted, row], bins=20, color="tab:red", label="accepted")
            else:
                ax.scatter(abc.draws[col], abc.draws[row], s=4, color="lightgrey")
                ax.scatter(abc.draws.loc[accepted, col], abc.draws.loc[accepted, row], s=8, color="tab:red")
            if i == size - 1:
                ax.set_xlabel(col, fontsize=8)
            if j == 0:
                ax.set_ylabel(row, fontsize=8)
            ax.tick_params(labelsize=7)
    axes[0][0].legend(fontsize=7)
    fig.suptitle(f"Rejection ABC: {int(accepted.sum())} of {len(accepted)} draws accepted (red)")
    fig.tight_layout()
    return save(fig, path.parent, path.stem)
