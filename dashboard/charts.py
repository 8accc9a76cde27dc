"""Altair charts of the dashboard: lines with 95% bands, acquisitions by channel, the
funnel at a week, the network and sweep summaries. Colours come from
:mod:`dashboard.style`, so a scenario has one colour on every chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from dashboard import style
from sim.commerce.state import Stage

STAGE_NAMES = [stage.name.lower() for stage in Stage]

WEEK = alt.X("week:Q", title="week", scale=alt.Scale(nice=False, zero=True))


def scenario_colour(order: Sequence[str], colours: Mapping[str, str] | None = None, *,
                    legend: bool = True) -> alt.Color:
    """The colour encoding of the ``scenario`` field: :func:`style.scenario_colours`
    unless ``colours`` names them; the legend (bottom) shows solid line symbols."""
    order = list(order)
    mapping = {**style.scenario_colours(order), **(colours or {})}
    shown = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolOpacity=1,
                       symbolStrokeWidth=3, labelLimit=260) if legend else None
    return alt.Color("scenario:N", sort=order,
                     scale=alt.Scale(domain=order, range=[mapping[n] for n in order]),
                     legend=shown)


def band_chart(bands: pd.DataFrame, title: str, y_title: str, order: Sequence[str], *,
               show_band: bool = True, height: int = 280,
               colours: Mapping[str, str] | None = None,
               value_format: str = ",.2f") -> alt.LayerChart:
    """Mean line per scenario over weeks with its 95% band (one series of
    :func:`sim.metrics.time_bands`); the band is light and has no legend of its own, so
    the legend's symbols match the lines."""
    data = bands[["scenario", "week", "mean", "ci_low", "ci_high", "replications"]]
    tooltip = [alt.Tooltip("scenario:N"), alt.Tooltip("week:Q"),
               alt.Tooltip("mean:Q", format=value_format),
               alt.Tooltip("ci_low:Q", title="95% CI low", format=value_format),
               alt.Tooltip("ci_high:Q", title="95% CI high", format=value_format)]
    line = alt.Chart(data).mark_line(strokeWidth=2.2).encode(
        x=WEEK, y=alt.Y("mean:Q", title=y_title), color=scenario_colour(order, colours),
        tooltip=tooltip)
    layers = [line]
    if show_band:
        band = alt.Chart(data).mark_area(opacity=0.15).encode(
            x=WEEK, y=alt.Y("ci_low:Q", title=y_title), y2="ci_high:Q",
            color=scenario_colour(order, colours, legend=False))
        layers.insert(0, band)
    return alt.layer(*layers).properties(title=title, height=height)


def channel_chart(acquired: pd.DataFrame, title: str, *, height: int = 240) -> alt.Chart:
    """Acquisitions per week by channel, stacked (one scenario: columns ``week``,
    ``channel``, ``mean``)."""
    order = [c for c in style.CHANNEL_COLOURS if c in set(acquired["channel"])]
    colour = alt.Color("channel:N", sort=order,
                       scale=alt.Scale(domain=order,
                                       range=[style.CHANNEL_COLOURS[c] for c in order]),
                       legend=alt.Legend(title="channel", orient="bottom"))
    return alt.Chart(acquired).mark_area().encode(
        x=WEEK, y=alt.Y("mean:Q", stack="zero", title="new customers per week"),
        color=colour, order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("week:Q"), alt.Tooltip("channel:N"),
                 alt.Tooltip("mean:Q", title="new customers", format=",.1f")],
    ).transform_calculate(
        rank=f"indexof({order!r}, datum.channel)",
    ).properties(title=title, height=height)


def funnel_chart(stock: pd.DataFrame, order: Sequence[str], week: float,
                 colours: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Consumers by funnel stage at one week: a bar per stage and scenario (mean, with
    its 95% interval and the value written at the bar's end). ``stock`` has columns
    ``scenario, stage, mean, ci_low, ci_high, label``."""
    stages = list(style.STAGE_COLOURS)
    y = alt.Y("stage:N", sort=stages, title=None, axis=alt.Axis(labelFontSize=13))
    x = alt.X("mean:Q", title=f"consumers at week {week:g}")
    offset = alt.YOffset("scenario:N", sort=list(order))
    tooltip = [alt.Tooltip("scenario:N"), alt.Tooltip("stage:N"),
               alt.Tooltip("mean:Q", format=",.0f"),
               alt.Tooltip("ci_low:Q", title="95% CI low", format=",.0f"),
               alt.Tooltip("ci_high:Q", title="95% CI high", format=",.0f")]
    base = alt.Chart(stock).encode(y=y, yOffset=offset)
    bars = base.mark_bar().encode(x=x, color=scenario_colour(order, colours),
                                  tooltip=tooltip)
    errors = base.mark_rule(color="#333333").encode(x="ci_low:Q", x2="ci_high:Q")
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x="ci_high:Q", text="label:N")
    height = max(240, 26 * len(stages) * max(1, len(order)) // 2 + 60)
    return alt.layer(bars, errors, labels).properties(height=height)


def crossover_rule(week: float | None, label: str, colour: str = "#555555",
                   row: int = 0) -> list[alt.Chart]:
    """A dashed vertical rule at a crossover week, labelled (``row`` moves the label
    down for a second rule); nothing when there is none."""
    if week is None:
        return []
    data = pd.DataFrame({"week": [week], "label": [label]})
    rule = alt.Chart(data).mark_rule(strokeDash=[4, 4], color=colour).encode(x="week:Q")
    text = alt.Chart(data).mark_text(align="left", dx=4, color=colour).encode(
        x="week:Q", y=alt.value(10 + 14 * row), text="label:N")
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
    colour = alt.Color("stage:N", scale=alt.Scale(domain=list(style.STAGE_COLOURS),
                                                  range=list(style.STAGE_COLOURS.values())),
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
