"""Altair charts of the dashboard: lines with 95% bands, acquisitions by channel, the
funnel at a week. Colours come from
:mod:`dashboard.style`, so a scenario has one colour on every chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from dashboard import style
from sim.commerce.state import Stage

STAGE_NAMES = [stage.name.lower() for stage in Stage]

WEEK = alt.X("week:Q", title="week", scale=alt.Scale(nice=False, zero=True))


def scenario_colour(order: Sequence[str], colours: Mapping[str, str] | None = None, *,
                    symbol: str = "stroke") -> alt.Color:
    """The colour encoding of the ``scenario`` field: :func:`style.scenario_colours`
    unless ``colours`` names them. The legend sits below the chart in up to three
    columns (so it never overflows it), its symbols (``symbol``: ``"stroke"`` for lines,
    ``"square"`` for bars) at full opacity whatever the marks' opacity."""
    order = list(order)
    mapping = {**style.scenario_colours(order), **(colours or {})}
    legend = alt.Legend(title=None, orient="bottom", columns=min(3, len(order)),
                        symbolType=symbol, symbolOpacity=1, symbolStrokeWidth=3,
                        symbolSize=120, labelLimit=180)
    return alt.Color("scenario:N", sort=order,
                     scale=alt.Scale(domain=order, range=[mapping[n] for n in order]),
                     legend=legend)


def band_chart(bands: pd.DataFrame, title: str, y_title: str, order: Sequence[str], *,
               show_band: bool = True, height: int = 280,
               colours: Mapping[str, str] | None = None,
               value_format: str = ",.2f") -> alt.LayerChart:
    """Mean line per scenario over weeks with its light 95% band (one series of
    :func:`sim.metrics.time_bands`); the legend shows solid line symbols."""
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
            color=scenario_colour(order, colours))
        layers.insert(0, band)
    return alt.layer(*layers).properties(title=title, height=height)


def channel_chart(acquired: pd.DataFrame, title: str, *, height: int = 240,
                  y_max: float | None = None) -> alt.Chart:
    """Acquisitions per week by channel, stacked (one scenario: columns ``week``,
    ``channel``, ``mean``); ``y_max`` gives charts of several scenarios one scale."""
    order = [c for c in style.CHANNEL_COLOURS if c in set(acquired["channel"])]
    colour = alt.Color("channel:N", sort=order,
                       scale=alt.Scale(domain=order,
                                       range=[style.CHANNEL_COLOURS[c] for c in order]),
                       legend=alt.Legend(title="channel"))
    return alt.Chart(acquired).mark_area().encode(
        x=WEEK, y=alt.Y("mean:Q", stack="zero", title="new customers per week",
                        scale=alt.Scale(domainMax=y_max) if y_max else alt.Undefined),
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
    x = alt.X("mean:Q", title=f"consumers at week {week:g}",
              scale=alt.Scale(domainMax=float(stock["ci_high"].max()) * 1.12))
    offset = alt.YOffset("scenario:N", sort=list(order))
    tooltip = [alt.Tooltip("scenario:N"), alt.Tooltip("stage:N"),
               alt.Tooltip("mean:Q", format=",.0f"),
               alt.Tooltip("ci_low:Q", title="95% CI low", format=",.0f"),
               alt.Tooltip("ci_high:Q", title="95% CI high", format=",.0f")]
    base = alt.Chart(stock).encode(y=y, yOffset=offset)
    bars = base.mark_bar().encode(x=x, color=scenario_colour(order, colours, symbol="square"),
                                  tooltip=tooltip)
    errors = base.mark_rule(color="#333333").encode(x="ci_low:Q", x2="ci_high:Q")
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x="ci_high:Q", text="label:N")
    height = len(stages) * (20 * max(1, len(order)) + 14)
    return alt.layer(bars, errors, labels).properties(height=height)


def crossover_rule(week: float | None, label: str, colour: str = "#555555",
                   row: int = 0, end: float | None = None) -> list[alt.Chart]:
    """A dashed vertical rule at a crossover week, labelled (``row`` moves the label
    down for a second rule; past 60% of ``end``, the last week, the label goes left of
    the rule so that it stays inside the chart); nothing when there is none."""
    if week is None:
        return []
    data = pd.DataFrame({"week": [week], "label": [label]})
    left = end is not None and week > 0.6 * end
    rule = alt.Chart(data).mark_rule(strokeDash=[4, 4], color=colour).encode(x="week:Q")
    text = alt.Chart(data).mark_text(align="right" if left else "left", dx=-4 if left else 4,
                                     color=colour).encode(
        x="week:Q", y=alt.value(10 + 14 * row), text="label:N")
    return [rule, text]
