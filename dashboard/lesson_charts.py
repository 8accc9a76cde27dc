"""Altair charts of the lesson page: the frontier of the mixes and the fatigue curve
(lines over the weeks are :func:`dashboard.charts.band_chart`). Colours come from
:mod:`dashboard.style`."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import style
from sim.kpi_info import kpi_info

#: Marker names of the frontier (the ``marker`` field of its marker layer).
CHOSEN, BEST = "your mix", "best mix"

#: The frontier's line and interval bars.
FRONTIER_COLOUR = "#555555"

#: Shape of the best mix's marker (an SVG path on the unit square: a five-pointed star).
STAR = ("M0,-1L0.2245,-0.309L0.9511,-0.309L0.3633,0.118L0.5878,0.809L0,0.382L-0.5878,"
        "0.809L-0.3633,0.118L-0.9511,-0.309L-0.2245,-0.309Z")

def axis_title(metric: str, currency: str) -> str:
    """The KPI's label, with the currency for money."""
    label = style.kpi_label(metric)
    return f"{label} ({currency})" if kpi_info(metric).unit == "money" else label


def frontier_frame(curve: pd.DataFrame, metric: str, currency: str) -> pd.DataFrame:
    """The curve of :meth:`sim.lessons.Frontier.curve` with what the chart shows:
    ``percent`` on push, ``strategy`` (engagement, push or mix) and formatted texts."""
    data = curve.copy()
    data["percent"] = (100 * data["share"]).round().astype(int)
    data["strategy"] = ["engagement" if s == 0 else "push" if s == 1 else "mix"
                        for s in data["share"]]
    data["value"] = [style.format_kpi(metric, v, currency) for v in data["mean"]]
    data["interval"] = [style.format_interval(metric, lo, hi, currency)
                        for lo, hi in zip(data["ci_low"], data["ci_high"], strict=True)]
    return data


def frontier_chart(curve: pd.DataFrame, metric: str, share: float, best: float | None,
                   currency: str, height: int = 340) -> alt.LayerChart:
    """``metric`` (mean and 95% interval) against the share on push, the pure strategies
    in their colours, the chosen share ringed and the best share starred."""
    data = frontier_frame(curve, metric, currency)
    title = axis_title(metric, currency)
    x = alt.X("percent:Q", title="share of the budget on push (%)",
              scale=alt.Scale(domain=[-3, 103], nice=False), axis=alt.Axis(values=list(
                  range(0, 101, 10))))
    tooltip = [alt.Tooltip("percent:Q", title="% on push"), alt.Tooltip("value:N", title=title),
               alt.Tooltip("interval:N", title="95% interval"),
               alt.Tooltip("replications:Q")]
    base = alt.Chart(data).encode(x=x)
    bars = base.mark_errorbar(color=FRONTIER_COLOUR, ticks=True).encode(
        y=alt.Y("ci_low:Q", title=title, scale=alt.Scale(zero=False)), y2="ci_high:Q")
    line = base.mark_line(color=FRONTIER_COLOUR).encode(y="mean:Q")
    colours = style.scenario_colours(["engagement", "push"])
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        y="mean:Q", tooltip=tooltip,
        color=alt.Color("strategy:N", title=None,
                        scale=alt.Scale(domain=["engagement", "mix", "push"],
                                        range=[colours["engagement"], FRONTIER_COLOUR,
                                               colours["push"]]),
                        legend=alt.Legend(orient="bottom")))
    marks = [bars, line, points]
    pick = data.set_index("share")
    rows = [{"percent": pick.loc[share, "percent"], "mean": pick.loc[share, "mean"],
             "marker": CHOSEN}]
    if best is not None:
        rows.append({"percent": pick.loc[best, "percent"], "mean": pick.loc[best, "mean"],
                     "marker": BEST})
    markers = pd.DataFrame(rows).dropna(subset=["mean"])
    if not markers.empty:
        marker_base = alt.Chart(markers).encode(x="percent:Q", y="mean:Q")
        shape = alt.Shape("marker:N", title=None,
                          scale=alt.Scale(domain=[CHOSEN, BEST], range=["circle", STAR]),
                          legend=alt.Legend(orient="bottom"))
        marks.append(marker_base.mark_point(size=520, strokeWidth=2.5, color="#D55E00")
                     .encode(shape=shape))
        marks.append(marker_base.mark_text(dy=-22, fontWeight="bold", color="#D55E00")
                     .encode(text="marker:N"))
        chosen = markers[markers["marker"] == CHOSEN]
        marks.insert(0, alt.Chart(chosen).mark_rule(color="#D55E00", strokeDash=[4, 4])
                     .encode(x="percent:Q"))
    return alt.layer(*marks).properties(height=height,
                                        title=f"{style.kpi_label(metric)} against the share "
                                              "on push (mean, 95% interval)")


def fatigue_chart(curve: pd.DataFrame, measure: str, title: str) -> alt.LayerChart:
    """One measure of the fatigue curve (mean and 95% interval) against ad frequency."""
    data = curve[curve["measure"] == measure]
    colour = style.scenario_colours(["push"])["push"]
    base = alt.Chart(data).encode(x=alt.X("frequency:Q", title="exposures per week"))
    line = base.mark_line(point=True, color=colour).encode(
        y=alt.Y("mean:Q", title=measure, scale=alt.Scale(zero=False)),
        tooltip=["frequency:Q", alt.Tooltip("mean:Q", format=",.3f"),
                 alt.Tooltip("ci_low:Q", format=",.3f"),
                 alt.Tooltip("ci_high:Q", format=",.3f")])
    bars = base.mark_errorbar(color=colour).encode(y=alt.Y("ci_low:Q", title=measure),
                                                   y2="ci_high:Q")
    return alt.layer(bars, line).properties(title=title, height=240)
