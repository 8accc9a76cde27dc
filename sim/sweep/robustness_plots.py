"""Maps of a robustness table (:mod:`sim.sweep.robustness`): line, heatmap or scatter.

One swept parameter gives a line of the mean difference B - A with its 95% band and the
zero line, points coloured by winner; two parameters of a grid give a heatmap of the
difference with the cells without a clear winner hatched; anything else gives one
scatter of the difference against each parameter. Drawn on matplotlib's Agg canvas
(:func:`sim.sweep.analyze.figure`), pyplot left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .analyze import figure

__all__ = ["WINNER_COLOURS", "plot_metric"]

#: Colour of each winner in the maps.
WINNER_COLOURS = {"A": "tab:blue", "B": "tab:orange", "none": "0.6"}


def _positions(values: pd.Series, param: dict[str, Any]) -> tuple[np.ndarray, list[Any]]:
    """x positions of a parameter's values, and the tick labels of a choice parameter."""
    if param["kind"] in ("int", "float", "bool"):
        return values.to_numpy(dtype=float), []
    levels = list(dict.fromkeys(param["values"]))
    return np.array([levels.index(v) for v in values], dtype=float), levels


def _legend_points(ax: Any, x: np.ndarray, y: np.ndarray, winners: pd.Series,
                   labels: tuple[str, str]) -> None:
    names = {"A": f"{labels[0]} wins", "B": f"{labels[1]} wins", "none": "no clear winner"}
    for winner, colour in WINNER_COLOURS.items():
        pick = (winners == winner).to_numpy()
        if pick.any():
            ax.scatter(x[pick], y[pick], color=colour, s=22, zorder=3, label=names[winner])
    ax.axhline(0, color="black", lw=0.8)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)


def _line(block: pd.DataFrame, param: dict[str, Any], labels: tuple[str, str],
          metric: str, path: Path) -> None:
    fig = figure(6.0, 3.8)
    ax = fig.subplots()
    x, levels = _positions(block[param["key"]], param)
    order = np.argsort(x, kind="stable")
    table, x = block.iloc[order], x[order]
    ax.fill_between(x, table["low"], table["high"], alpha=0.25, color="tab:gray",
                    label="95% interval", lw=0)
    ax.plot(x, table["diff"], color="tab:gray", lw=1)
    _legend_points(ax, x, table["diff"].to_numpy(dtype=float), table["winner"], labels)
    if levels:
        ax.set_xticks(range(len(levels)), levels, rotation=30)
    ax.set_xlabel(param["key"])
    ax.set_ylabel(f"{metric}: {labels[1]} - {labels[0]}")
    ax.set_title(f"{metric}: paired difference per point", fontsize=10)
    fig.savefig(path, dpi=110)


def _heatmap(block: pd.DataFrame, params: list[dict[str, Any]], labels: tuple[str, str],
             metric: str, path: Path) -> None:
    from matplotlib.patches import Rectangle

    rows_p, cols_p = params
    rows = list(dict.fromkeys(rows_p["values"]))
    cols = list(dict.fromkeys(cols_p["values"]))
    grid = np.full((len(rows), len(cols)), np.nan)
    clear = np.zeros_like(grid, dtype=bool)
    for row, col, diff, winner in zip(block[rows_p["key"]], block[cols_p["key"]],
                                      block["diff"], block["winner"], strict=True):
        grid[rows.index(row), cols.index(col)] = diff
        clear[rows.index(row), cols.index(col)] = winner != "none"
    fig = figure(1.0 * len(cols) + 3.5, 0.6 * len(rows) + 2.6)
    ax = fig.subplots()
    limit = float(np.nanmax(np.abs(grid))) if np.isfinite(grid).any() else 1.0
    image = ax.imshow(grid, cmap="RdBu_r", vmin=-(limit or 1.0), vmax=limit or 1.0,
                      origin="lower", aspect="auto")
    for i, j in zip(*np.nonzero(~clear), strict=True):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                               edgecolor="0.35", lw=0))
    ax.set_xticks(range(len(cols)), cols, rotation=30)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel(cols_p["key"])
    ax.set_ylabel(rows_p["key"])
    fig.colorbar(image, ax=ax, label=f"{labels[1]} - {labels[0]}")
    ax.set_title(f"{metric}: {labels[1]} - {labels[0]} (hatched: no clear winner)",
                 fontsize=10)
    fig.savefig(path, dpi=110)


def _scatter(block: pd.DataFrame, params: list[dict[str, Any]], labels: tuple[str, str],
             metric: str, path: Path) -> None:
    fig = figure(4.2 * len(params), 3.6)
    axes = fig.subplots(1, len(params), squeeze=False)[0]
    y = block["diff"].to_numpy(dtype=float)
    for ax, param in zip(axes, params, strict=True):
        x, levels = _positions(block[param["key"]], param)
        _legend_points(ax, x, y, block["winner"], labels)
        if levels:
            ax.set_xticks(range(len(levels)), levels, rotation=30)
        ax.set_xlabel(param["key"])
        ax.set_ylabel(f"{labels[1]} - {labels[0]}")
    fig.suptitle(f"{metric}: paired difference per point", fontsize=10)
    fig.savefig(path, dpi=110)


def plot_metric(block: pd.DataFrame, params: list[dict[str, Any]], design: str,
                labels: tuple[str, str], metric: str, path: Path) -> None:
    """Draw the map of one metric into ``path`` (PNG).

    Parameters
    ----------
    block
        The rows of the robustness table for this metric.
    params
        The swept parameters as in the sweep manifest (``key``, ``kind``, ``values``).
    design
        The sweep design: a heatmap needs a ``grid`` of two parameters.
    labels
        Names of A and B.
    metric, path
        The KPI and the PNG file.
    """
    if len(params) == 1:
        _line(block, params[0], labels, metric, path)
    elif len(params) == 2 and design == "grid":
        _heatmap(block, params, labels, metric, path)
    else:
        _scatter(block, params, labels, metric, path)
