"""Plots written as PNG files (matplotlib, without a display)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from chainmap.analysis import Robustness
from chainmap.errors import ConfigError

__all__ = ["removal_plot"]


def removal_plot(curves: Sequence[Robustness], out: Path, title: str) -> None:
    """Each leader's removal curves (by score, random runs and their mean) in one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5), dpi=120)
    try:
        for n, r in enumerate(curves):
            colour = f"C{n % 10}"
            total = max(1, r.firms)
            for run in r.random_runs:
                axes.plot(
                    [k / total for k in run.removed], run.supplied, color=colour, alpha=0.15, lw=0.8
                )
            axes.plot(
                [k / total for k in r.random_mean.removed],
                r.random_mean.supplied,
                color=colour,
                ls="--",
                label=f"{r.leader} random (R={r.random_mean.r_index:.2f})",
            )
            axes.plot(
                [k / total for k in r.targeted.removed],
                r.targeted.supplied,
                color=colour,
                lw=2,
                label=f"{r.leader} by score (R={r.targeted.r_index:.2f})",
            )
        axes.set_xlabel("share of upstream firms removed")
        axes.set_ylabel("share of the leader's purchases still supplied")
        axes.set_ylim(0, 1.02)
        axes.set_xlim(0, 1)
        axes.set_title(title)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=7, loc="upper right")
        try:
            figure.savefig(out, format="png")
        except OSError as error:
            raise ConfigError(f"cannot write {out}: {error.strerror}") from None
    finally:
        plt.close(figure)
