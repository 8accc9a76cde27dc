"""The sweep explorer's tables and charts: intervals that respect a quantity's sign, a
heatmap of two-parameter grids with the one significance rule, and the reason a chart
is empty.

Every point of a sweep runs replications 0..R-1 on the streams (seed, r) (common random
numbers, :mod:`sim.sweep`), so two cells of a grid pair replication by replication:
:func:`grid_cells` compares each cell with a baseline cell by
:func:`sim.metrics.paired_difference` and marks it only when the paired 95% interval
excludes 0.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from sim.metrics import interval, paired_difference

#: Result columns that can be negative; every other result of a sweep (counts, money
#: in or out, rates, trust, lifetime value) cannot, so its interval is clipped at 0.
SIGNED = frozenset({"profit", "nps"})

#: Weeks before lifetime value has a value (customers must have been one for a year).
CLV_WEEKS = 52

#: Above this many distinct values a parameter is treated as continuous (LHS, Sobol).
MAX_LEVELS = 25

#: The baseline of the heatmap's comparisons when no cell is chosen.
HIGHEST = "the cell with the highest mean"


def clip(table: pd.DataFrame, output: str) -> pd.DataFrame:
    """``table`` with ``ci_low`` raised to 0 where ``output`` cannot be negative (a
    t-interval on few replications of a count can reach below 0; the quantity cannot)."""
    if output in SIGNED:
        return table
    out = table.copy()
    out["ci_low"] = out["ci_low"].clip(lower=0)
    return out


def why_empty(runs: pd.DataFrame, output: str, steps: int) -> str | None:
    """Why ``output`` has nothing to draw (None when it has): no runs, a lifetime value
    before week 52, or no value in any run."""
    if runs.empty:
        return "the sweep has no finished runs for this selection."
    if runs["value"].notna().any():
        return None
    if output.startswith("clv") and steps < CLV_WEEKS:
        return (f"lifetime value counts customers who have been customers for a year, so "
                f"`{output}` needs a horizon of at least {CLV_WEEKS} weeks; this sweep ran "
                f"{steps} (rerun it with --steps {CLV_WEEKS} or more).")
    return f"`{output}` has no value in any run of this sweep (it is n/a throughout)."


def few_replications(runs: pd.DataFrame) -> str | None:
    """A note when some point has fewer than 2 replications with a value (no interval)."""
    counts = runs.dropna(subset=["value"]).groupby("point")["replication"].nunique()
    if counts.empty or counts.min() >= 2:
        return None
    return (f"{int((counts < 2).sum())} of {len(counts)} points have fewer than 2 "
            "replications with a value, so they have no interval and no significance "
            "(rerun the sweep with --replications 2 or more).")


def is_grid(runs: pd.DataFrame, keys: list[str]) -> bool:
    """Whether every key has at most :data:`MAX_LEVELS` values (a grid, not LHS/Sobol)."""
    return all(runs[key].nunique() <= MAX_LEVELS for key in keys)


def _pairs(runs: pd.DataFrame, x: str, y: str) -> dict[tuple[Any, Any], pd.Series]:
    """Per (x, y) cell: the values indexed by replication."""
    return {(vx, vy): block.set_index("replication")["value"].astype(float)
            for (vx, vy), block in runs.groupby([x, y], sort=True)}


def grid_cells(runs: pd.DataFrame, x: str, y: str, output: str,
               baseline: tuple[Any, Any] | None) -> tuple[pd.DataFrame, tuple[Any, Any] | None]:
    """Per cell of a two-parameter grid: mean and 95% interval (clipped as
    :func:`clip`) and the paired difference to the baseline cell (the highest mean when
    ``baseline`` is None).

    Parameters
    ----------
    runs
        :func:`sim.sweep.metric_per_replication` restricted to one value of any other
        swept key (one point per cell).
    x, y
        The two swept keys.
    output
        The result column (decides the clipping).
    baseline
        The (x, y) values of the baseline cell, or None for the highest mean.

    Returns
    -------
    cells : pandas.DataFrame
        Columns ``x, y, mean, ci_low, ci_high, replications, diff, diff_low, diff_high,
        significant, role`` (``"baseline"``, ``"significant"`` or ``"no clear
        difference"``).
    baseline : tuple or None
        The baseline cell used (None when no cell has a value).
    """
    values = _pairs(runs, x, y)
    rows = [{"x": vx, "y": vy, **interval(v.to_numpy())} for (vx, vy), v in values.items()]
    cells = clip(pd.DataFrame(rows), output)
    finite = cells.dropna(subset=["mean"])
    if baseline is None and not finite.empty:
        top = finite.loc[finite["mean"].idxmax()]
        baseline = (top["x"], top["y"])
    diffs = []
    for (vx, vy), v in values.items():
        if baseline is None or baseline not in values:
            diffs.append({"diff": math.nan, "diff_low": math.nan, "diff_high": math.nan,
                          "significant": False, "role": "no clear difference"})
            continue
        base = values[baseline]
        d = paired_difference(base, v.reindex(base.index))
        role = ("baseline" if (vx, vy) == baseline else
                "significant" if d["significant"] else "no clear difference")
        diffs.append({"diff": d["mean"], "diff_low": d["low"], "diff_high": d["high"],
                      "significant": d["significant"], "role": role})
    return pd.concat([cells, pd.DataFrame(diffs)], axis=1), baseline


def _text(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def heatmap_chart(cells: pd.DataFrame, x: str, y: str, output: str,
                  height: int = 360) -> alt.LayerChart:
    """Mean per cell as colour and text; the baseline cell framed in black, cells
    significantly different from it framed in orange and starred; the interval and the
    difference to the baseline on hover."""
    data = cells.copy()
    data["x"], data["y"] = data["x"].astype(str), data["y"].astype(str)
    star = np.where(data["role"] == "significant", " *", "")
    data["label"] = [_text(m) + s for m, s in zip(data["mean"], star, strict=True)]
    data["interval"] = [f"[{_text(lo)}, {_text(hi)}]"
                        for lo, hi in zip(data["ci_low"], data["ci_high"], strict=True)]
    data["difference"] = [f"{_text(d)} [{_text(lo)}, {_text(hi)}]" for d, lo, hi in
                          zip(data["diff"], data["diff_low"], data["diff_high"], strict=True)]
    middle = (np.nanmin(data["mean"]) + np.nanmax(data["mean"])) / 2 \
        if data["mean"].notna().any() else 0.0
    data["dark"] = data["mean"] <= middle  # the low end of viridis: white text
    sort_x = [str(v) for v in sorted(cells["x"].unique())]
    sort_y = [str(v) for v in sorted(cells["y"].unique(), reverse=True)]
    base = alt.Chart(data).encode(x=alt.X("x:O", title=x, sort=sort_x,
                                          axis=alt.Axis(labelAngle=0)),
                                  y=alt.Y("y:O", title=y, sort=sort_y))
    tooltip = [alt.Tooltip("x:N", title=x), alt.Tooltip("y:N", title=y),
               alt.Tooltip("mean:Q", format=",.4g", title=output),
               alt.Tooltip("interval:N", title="95% interval"),
               alt.Tooltip("difference:N", title="difference to baseline (95% CI)"),
               alt.Tooltip("role:N", title="vs baseline"), alt.Tooltip("replications:Q")]
    rect = base.mark_rect().encode(
        color=alt.Color("mean:Q", title=output, scale=alt.Scale(scheme="viridis")),
        tooltip=tooltip)
    frame = base.mark_rect(filled=False, strokeWidth=3).encode(
        stroke=alt.Stroke("role:N", title="against the baseline cell", scale=alt.Scale(
            domain=["baseline", "significant", "no clear difference"],
            range=["#000000", "#E69F00", "transparent"]),
            legend=alt.Legend(orient="bottom")))
    text = base.mark_text(fontSize=12).encode(
        text="label:N", color=alt.condition("datum.dark", alt.value("#FFFFFF"),
                                            alt.value("#000000")))
    return alt.layer(rect, frame, text).properties(height=height)


def split_summary(runs: pd.DataFrame, param: str, by: str | None,
                  output: str) -> pd.DataFrame:
    """Mean and 95% interval (clipped as :func:`clip`) of every run at each value of
    ``param``, one line per value of ``by`` (all runs pooled when None); columns
    ``param, line, mean, ci_low, ci_high, replications``."""
    groups = [param] if by is None else [param, by]
    rows = []
    for key, block in runs.groupby(groups, sort=True):
        value, line = (key[0], "all runs") if by is None else key
        rows.append({"param": value, "line": str(line), **interval(block["value"])})
    table = pd.DataFrame(rows, columns=["param", "line", "mean", "ci_low", "ci_high", "sd",
                                        "replications"])
    return clip(table, output)


def lines_chart(summary: pd.DataFrame, param: str, by: str | None,
                output: str) -> alt.LayerChart:
    """Mean with 95% interval against ``param``, one coloured line per value of ``by``."""
    kind = "Q" if pd.api.types.is_numeric_dtype(summary["param"]) else "N"
    base = alt.Chart(summary).encode(x=alt.X(f"param:{kind}", title=param,
                                             scale=alt.Scale(zero=False)))
    colour = alt.Color("line:N", title=by, legend=None if by is None else
                       alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip(f"param:{kind}", title=param),
               alt.Tooltip("line:N", title=by or "runs"),
               alt.Tooltip("mean:Q", format=",.4g"), alt.Tooltip("ci_low:Q", format=",.4g"),
               alt.Tooltip("ci_high:Q", format=",.4g"), "replications:Q"]
    line = base.mark_line(point=True).encode(y=alt.Y("mean:Q", title=output), color=colour,
                                             tooltip=tooltip)
    bars = base.mark_errorbar().encode(y=alt.Y("ci_low:Q", title=output), y2="ci_high:Q",
                                       color=colour)
    return alt.layer(bars, line)


def scatter_chart(runs: pd.DataFrame, param: str, output: str) -> alt.LayerChart:
    """Every run against a continuous ``param`` with a smoothed trend."""
    data = runs[[param, "value"]].rename(columns={param: "p"}).dropna()
    points = alt.Chart(data).mark_circle(opacity=0.5, size=30).encode(
        x=alt.X("p:Q", title=param, scale=alt.Scale(zero=False)),
        y=alt.Y("value:Q", title=output))
    trend = points.transform_loess("p", "value").mark_line(color="#D55E00")
    return alt.layer(points, trend)
