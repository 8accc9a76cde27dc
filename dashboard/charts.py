"""Altair charts of the dashboard: lines with 95% bands, the network, sweep summaries."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from sim.commerce.state import Stage

#: Colours of the funnel stages, in stage order.
STAGE_COLOURS = {
    "unaware": "#c7c7c7",
    "aware": "#9ecae1",
    "considering": "#fdae6b",
    "customer": "#31a354",
    "loyal": "#006d2c",
    "lapsed": "#de2d26",
}
STAGE_NAMES = [stage.name.lower() for stage in Stage]

#: Scenario colours (Tableau 10), assigned in the order scenarios are listed.
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2",
           "#ff9da6", "#9d755d", "#bab0ac")

WEEK = alt.X("week:Q", title="week", scale=alt.Scale(nice=False, zero=True))


def _scenario_colour(order: Sequence[str]) -> alt.Color:
    order = list(order)
    colours = [PALETTE[k % len(PALETTE)] for k in range(len(order))]
    return alt.Color("scenario:N", sort=order, scale=alt.Scale(domain=order, range=colours),
                     legend=alt.Legend(title=None, orient="bottom"))


def band_chart(bands: pd.DataFrame, title: str, y_title: str, order: Sequence[str], *,
               show_band: bool = True, height: int = 280) -> alt.LayerChart:
    """Mean line per scenario over weeks with its 95% band (one series of
    :func:`dashboard.common.time_bands`)."""
    data = bands[["scenario", "week", "mean", "ci_low", "ci_high", "replications"]]
    base = alt.Chart(data).encode(x=WEEK,
                                  color=_scenario_colour(order))
    tooltip = [alt.Tooltip("scenario:N"), alt.Tooltip("week:Q"),
               alt.Tooltip("mean:Q", format=",.2f"),
               alt.Tooltip("ci_low:Q", title="95% CI low", format=",.2f"),
               alt.Tooltip("ci_high:Q", title="95% CI high", format=",.2f")]
    line = base.mark_line().encode(y=alt.Y("mean:Q", title=y_title), tooltip=tooltip)
    layers = [line]
    if show_band:
        band = base.mark_area(opacity=0.18).encode(y=alt.Y("ci_low:Q", title=y_title),
                                                   y2="ci_high:Q")
        layers.insert(0, band)
    return alt.layer(*layers).properties(title=title, height=height)


def funnel_chart(bands: pd.DataFrame, order: Sequence[str], stages: Sequence[str], *,
                 show_band: bool = True) -> alt.FacetChart:
    """One panel per funnel stage, a line with 95% band per scenario."""
    base = alt.Chart().encode(x=WEEK, color=_scenario_colour(order))
    layers = [base.mark_line().encode(
        y=alt.Y("mean:Q", title="consumers"),
        tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("series:N", title="stage"),
                 alt.Tooltip("week:Q"), alt.Tooltip("mean:Q", format=",.1f")])]
    if show_band:
        layers.insert(0, base.mark_area(opacity=0.18).encode(y="ci_low:Q", y2="ci_high:Q"))
    layered = alt.layer(*layers, data=bands).properties(width=230, height=150)
    return layered.facet(facet=alt.Facet("series:N", sort=list(stages), title=None),
                         columns=3).resolve_scale(y="independent")


def crossover_rule(week: float | None, label: str) -> list[alt.Chart]:
    """A dashed vertical rule at a crossover week (nothing when there is none)."""
    if week is None:
        return []
    data = pd.DataFrame({"week": [week], "label": [label]})
    rule = alt.Chart(data).mark_rule(strokeDash=[4, 4], color="#555").encode(x="week:Q")
    text = alt.Chart(data).mark_text(align="left", dx=4, dy=-6, color="#555").encode(
        x="week:Q", y=alt.value(8), text="label:N")
    return [rule, text]


def network_chart(history: dict, step: int, height: int = 560) -> alt.LayerChart:
    """Nodes at their layout positions coloured by funnel stage at ``step``; influencers
    drawn larger with a black outline; ties as grey lines."""
    stages = history["stages"][step]
    nodes = pd.DataFrame({
        "node": history["nodes"], "x": history["x"], "y": history["y"],
        "degree": history["degree"],
        "stage": [STAGE_NAMES[int(s)] for s in stages],
        "influencer": np.where(history["influencer"] > 0, "influencer", "consumer"),
    })
    edges = history["edges"]
    ties = pd.DataFrame({"x": history["x"][edges[:, 0]], "y": history["y"][edges[:, 0]],
                         "x2": history["x"][edges[:, 1]], "y2": history["y"][edges[:, 1]]})
    axis = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    lines = alt.Chart(ties).mark_rule(color="#bbbbbb", opacity=0.45, strokeWidth=0.6).encode(
        x=alt.X("x:Q", axis=axis), y=alt.Y("y:Q", axis=axis), x2="x2:Q", y2="y2:Q")
    colour = alt.Color("stage:N", scale=alt.Scale(domain=list(STAGE_COLOURS),
                                                  range=list(STAGE_COLOURS.values())),
                       legend=alt.Legend(title="funnel stage", orient="right"))
    points = alt.Chart(nodes).mark_point(filled=True, opacity=0.95).encode(
        x=alt.X("x:Q", axis=axis), y=alt.Y("y:Q", axis=axis), color=colour,
        size=alt.Size("influencer:N", scale=alt.Scale(domain=["consumer", "influencer"],
                                                      range=[40, 320]),
                      legend=alt.Legend(title=None)),
        stroke=alt.Stroke("influencer:N", scale=alt.Scale(domain=["consumer", "influencer"],
                                                          range=["#ffffff", "#000000"]),
                          legend=None),
        strokeWidth=alt.condition(alt.datum.influencer == "influencer", alt.value(2.5),
                                  alt.value(0.4)),
        tooltip=["node:Q", "stage:N", "degree:Q", "influencer:N"])
    return alt.layer(lines, points).properties(height=height)


def sweep_chart(summary: pd.DataFrame, runs: pd.DataFrame, param: str, output: str,
                *, many: bool) -> alt.LayerChart:
    """Final-step ``output`` against ``param``: mean with 95% interval per value, or (for
    continuous designs) every run with a smoothed trend."""
    if many:
        data = runs[[param, output]].rename(columns={param: "p", output: "v"})
        points = alt.Chart(data).mark_circle(opacity=0.5, size=30).encode(
            x=alt.X("p:Q", title=param, scale=alt.Scale(zero=False)),
            y=alt.Y("v:Q", title=output))
        trend = points.transform_loess("p", "v").mark_line(color="#d62728")
        return alt.layer(points, trend)
    data = summary.rename(columns={param: param.replace(".", "_")})
    field = param.replace(".", "_")
    x = alt.X(f"{field}:Q", title=param, scale=alt.Scale(zero=False))
    base = alt.Chart(data).encode(x=x)
    tooltip = [alt.Tooltip(f"{field}:Q", title=param), alt.Tooltip("mean:Q", format=",.3f"),
               alt.Tooltip("ci_low:Q", format=",.3f"), alt.Tooltip("ci_high:Q", format=",.3f"),
               "replications:Q"]
    line = base.mark_line(point=True).encode(y=alt.Y("mean:Q", title=output), tooltip=tooltip)
    bars = base.mark_errorbar().encode(y=alt.Y("ci_low:Q", title=output), y2="ci_high:Q")
    return alt.layer(bars, line)
