"""The network view's data and charts: who is where in the funnel each week, and which
ties carried word of mouth.

:func:`network_history` runs one replication of a commerce scenario with
:class:`sim.fast.WomModel` and keeps, for a sample of at most ``shown`` consumers, the
funnel stage each week and the word-of-mouth events among them, and for the whole
market the number of consumers in each stage. The sample always holds every influencer
(up to ``shown``), then grows by breadth-first search from them (from a random consumer
when there are none), so a 400-consumer picture of a 5,000-consumer market shows the influencers and
their neighbourhoods.

The ties that carried word of mouth come from the model's event log (docs/events.md):
the run keeps it, and :func:`wom_events` keeps the word-of-mouth events (those with a
source: the consumer whose tie carried them) whose consumer and source are both drawn.
Week t highlights the tie source - consumer of each such event of week t, drawn even when
the sample of ties left it out, and rings its consumer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import common, style
from dashboard.charts import STAGE_NAMES
from sim.errors import WomError
from sim.experiment import step_model

#: Consumers drawn at most.
SHOWN = 400

#: Colour of the ties that carried word of mouth in the shown week.
WOM_COLOUR = "#D55E00"


def sample_nodes(neighbours: list[Iterable[int]], size: int, keep: Iterable[int],
                 seed: int) -> list[int]:
    """Up to ``size`` consumers: every one of ``keep`` (in order, up to ``size``), then
    those reached by breadth-first search from them; when the search runs dry (or
    ``keep`` is empty), it goes on from a random consumer not yet picked. Deterministic
    for a given seed."""
    n = len(neighbours)
    size = min(size, n)
    picked = list(dict.fromkeys(int(v) for v in keep))[:size]
    seen = set(picked)
    queue = deque(picked)
    order = iter(np.random.default_rng(seed).permutation(n).tolist())
    while len(picked) < size:
        if not queue:
            start = next(v for v in order if v not in seen)
            seen.add(start)
            picked.append(start)
            queue.append(start)
            continue
        for other in sorted(neighbours[queue.popleft()]):
            if other not in seen and len(picked) < size:
                seen.add(other)
                picked.append(other)
                queue.append(other)
    return picked


def sample_ties(indptr: np.ndarray, indices: np.ndarray, nodes: list[int]) -> np.ndarray:
    """The ties among ``nodes`` as position pairs (one row per undirected pair, the
    smaller position first, sorted)."""
    index = {v: k for k, v in enumerate(nodes)}
    directed = []
    for k, v in enumerate(nodes):
        for u in indices[indptr[v]:indptr[v + 1]].tolist():
            if u in index:
                directed.append((index[u], k))
    ties = np.sort(np.array(directed, dtype=np.int64).reshape(-1, 2), axis=1)
    return np.unique(ties, axis=0).reshape(-1, 2)


def wom_events(events: pd.DataFrame, nodes: np.ndarray) -> np.ndarray:
    """The word-of-mouth events of the log (those with a source) whose consumer and
    source are both among ``nodes``, as rows ``(week, source position, consumer
    position)`` with positions into ``nodes``, in the log's order."""
    spoken = events[events["source"] >= 0]
    position = pd.Series(np.arange(len(nodes)), index=nodes)
    source = position.reindex(spoken["source"].to_numpy()).to_numpy()
    consumer = position.reindex(spoken["consumer"].to_numpy()).to_numpy()
    shown = ~(np.isnan(source) | np.isnan(consumer))
    return np.column_stack([spoken["step"].to_numpy()[shown], source[shown],
                            consumer[shown]]).astype(np.int64).reshape(-1, 3)


@st.cache_data(show_spinner=False, max_entries=8)
def network_history(text: str, shown: int = SHOWN, layout_seed: int = 0) -> dict[str, Any]:
    """One replication of a commerce scenario (TOML text) as the network view draws it.

    Returns a dict of ``nodes`` (ids of the shown consumers), ``x``, ``y`` (spring
    layout of the shown subgraph), ``degree`` (in the whole network), ``influencer``
    (0/1), ``pairs`` (the shown ties as position pairs), ``stages`` (weeks + 1, shown),
    ``wom`` (:func:`wom_events`), ``market`` (weeks + 1, stages:
    consumers of the whole market in each stage), ``population`` and ``influencers``
    (in the whole market).
    """
    import networkx as nx

    from sim.fast import WomModel

    scenario = common.scenario_of_text(text)
    if scenario.diffusion.model != "commerce":
        raise WomError("the network view shows funnel stages of the commerce model; "
                       f"{scenario.name or 'this scenario'} uses {scenario.diffusion.model!r}")
    model = WomModel(scenario, replications=1, events=True)
    net, state = model.network, model.state
    influencers = np.flatnonzero(state.influencer[0])
    graph = net.to_networkx().to_undirected(as_view=True)
    degree = np.array([graph.degree(v) for v in range(net.n)], dtype=np.int64)
    keep = influencers[np.argsort(-degree[influencers], kind="stable")]
    nodes = sample_nodes([graph[v] for v in range(net.n)], shown, keep.tolist(), layout_seed)
    pick = np.array(nodes, dtype=np.int64)
    stages, market = [], []

    def keep_week() -> None:
        stages.append(state.stage[0, pick].copy())
        market.append(np.bincount(state.stage[0], minlength=len(STAGE_NAMES)))

    keep_week()
    step_model(model, scenario.run.steps, keep_week)
    layout = nx.spring_layout(graph.subgraph(nodes), seed=layout_seed)
    return {"nodes": pick, "x": np.array([layout[v][0] for v in nodes]),
            "y": np.array([layout[v][1] for v in nodes]), "degree": degree[pick],
            "influencer": state.influencer[0, pick].astype(np.int64),
            "pairs": sample_ties(net.indptr, net.indices, nodes), "stages": np.stack(stages),
            "wom": wom_events(model.events_table(), pick),
            "market": np.stack(market), "population": net.n,
            "influencers": len(influencers)}


def spoken_in(history: dict[str, Any], week: int) -> np.ndarray:
    """The drawn word-of-mouth events of ``week`` as rows ``(source position, consumer
    position)`` (a consumer has at most one event a week)."""
    wom = history["wom"]
    return wom[wom[:, 0] == week, 1:]


def network_chart(history: dict[str, Any], week: int, height: int = 560) -> alt.LayerChart:
    """The shown consumers at their layout positions coloured by stage in ``week``;
    influencers larger and outlined; ties grey, the ties that carried word of mouth that
    week (:func:`spoken_in`) thick and coloured; consumers it reached ringed."""
    stages = history["stages"][week]
    spoken = spoken_in(history, week)
    reached = np.zeros(len(stages), dtype=bool)
    reached[spoken[:, 1]] = True
    nodes = pd.DataFrame({
        "node": history["nodes"], "x": history["x"], "y": history["y"],
        "degree": history["degree"], "stage": [STAGE_NAMES[int(s)] for s in stages],
        "role": np.where(history["influencer"] > 0, "influencer", "consumer"),
        "reached": np.where(reached, "by word of mouth this week", ""),
    })
    x, y = history["x"], history["y"]
    pairs = np.concatenate([history["pairs"], spoken])
    ties = pd.DataFrame({"x": x[pairs[:, 0]], "y": y[pairs[:, 0]], "x2": x[pairs[:, 1]],
                         "y2": y[pairs[:, 1]],
                         "tie": ["tie"] * len(history["pairs"])
                         + ["word of mouth this week"] * len(spoken)})
    axis = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    x_enc, y_enc = alt.X("x:Q", axis=axis), alt.Y("y:Q", axis=axis)
    quiet = alt.Chart(ties[ties["tie"] == "tie"]).mark_rule(
        color="#BBBBBB", opacity=0.4, strokeWidth=0.6).encode(x=x_enc, y=y_enc, x2="x2:Q",
                                                               y2="y2:Q")
    loud = alt.Chart(ties[ties["tie"] != "tie"]).mark_rule(strokeWidth=2.6).encode(
        x=x_enc, y=y_enc, x2="x2:Q", y2="y2:Q",
        color=alt.Color("tie:N", title=None, scale=alt.Scale(
            domain=["word of mouth this week"], range=[WOM_COLOUR]),
            legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=3)))
    colour = alt.Color("stage:N", scale=alt.Scale(domain=list(style.STAGE_COLOURS),
                                                  range=list(style.STAGE_COLOURS.values())),
                       legend=alt.Legend(title="funnel stage", orient="right"))
    points = alt.Chart(nodes).mark_point(filled=True, opacity=1).encode(
        x=x_enc, y=y_enc, color=colour,
        size=alt.Size("role:N", scale=alt.Scale(domain=["consumer", "influencer"],
                                                range=[45, 330]), legend=alt.Legend(title=None)),
        stroke=alt.Stroke("role:N", scale=alt.Scale(domain=["consumer", "influencer"],
                                                    range=["#FFFFFF", "#000000"]), legend=None),
        strokeWidth=alt.condition(alt.datum.role == "influencer", alt.value(2.5),
                                  alt.value(0.5)),
        tooltip=["node:Q", "stage:N", "degree:Q", "role:N", "reached:N"])
    rings = alt.Chart(nodes[nodes["reached"] != ""]).mark_point(
        size=260, color=WOM_COLOUR, strokeWidth=2).encode(x=x_enc, y=y_enc)
    return alt.layer(quiet, loud, points, rings).resolve_scale(
        color="independent", stroke="independent").properties(height=height)


def stage_frame(history: dict[str, Any]) -> pd.DataFrame:
    """Consumers of the whole market per stage and week (long form)."""
    market = history["market"]
    frame = pd.DataFrame(market, columns=STAGE_NAMES)
    frame["week"] = np.arange(len(frame))
    return frame.melt(id_vars="week", var_name="stage", value_name="consumers")


def stage_chart(history: dict[str, Any], week: int, height: int = 560) -> alt.LayerChart:
    """The whole market's funnel over the weeks, stacked by stage, with a rule at
    ``week``."""
    data = stage_frame(history)
    order = list(style.STAGE_COLOURS)
    data["order"] = data["stage"].map(order.index)
    area = alt.Chart(data).mark_area().encode(
        x=alt.X("week:Q", title="week", scale=alt.Scale(nice=False)),
        y=alt.Y("consumers:Q", stack="zero", title="consumers (whole market)"),
        color=alt.Color("stage:N", sort=order, legend=None,
                        scale=alt.Scale(domain=order, range=list(style.STAGE_COLOURS.values()))),
        order=alt.Order("order:Q"),
        tooltip=["week:Q", "stage:N", alt.Tooltip("consumers:Q", format=",d")])
    rule = alt.Chart(pd.DataFrame({"week": [week]})).mark_rule(
        color="#000000", strokeWidth=2).encode(x="week:Q")
    return alt.layer(area, rule).properties(height=height, title="Funnel of the whole market")
