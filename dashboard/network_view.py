"""The network view's data and charts: who is where in the funnel each week, and which
ties carried word of mouth.

:func:`network_history` runs one replication of a commerce scenario with
:class:`sim.fast.WomModel` and keeps, for a sample of at most ``shown`` consumers, the
funnel stage and what they said each week, and for the whole market the number of
consumers in each stage. The sample always holds every influencer (up to ``shown``),
then grows by breadth-first search from them (from a random consumer when there are
none), so a 400-consumer picture of a 5,000-consumer market shows the influencers and
their neighbourhoods.

Ties that carried word of mouth in week t are inferred from the funnel changes of
neighbours (:func:`infer_wom_ties`): consumer v became aware, or bought for the first
time, through word of mouth in week t (its awareness or acquisition channel is peer or
influencer), and v listens to u, who spoke positively in week t (the talk v heard that
week, computed from the state at the end of week t - 1). Every such tie is drawn: the
model adds up the pull of all of them (1 - prod(1 - p_j) over the neighbours who spoke),
so each drawn tie is one that carried word of mouth to v that week.
When the event log with the source of each word-of-mouth event lands, only
:func:`infer_wom_ties` changes: it will read the sources from the log.
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
from sim.commerce.state import TALK_MASK, Channel, Stage, Talk
from sim.errors import WomError
from sim.experiment import step_model

#: Consumers drawn at most.
SHOWN = 400

#: Channels that are word of mouth (a tie carried them).
WOM_CHANNELS = (int(Channel.PEER), int(Channel.INFLUENCER))

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


def sample_ties(indptr: np.ndarray, indices: np.ndarray,
                nodes: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ties among ``nodes``: ``(source, listener)`` positions of every directed tie
    (u talks to v), and for each the row of the undirected pair it is drawn as; returns
    ``(pairs, sources_listeners, drawn)``."""
    index = {v: k for k, v in enumerate(nodes)}
    directed = []
    for k, v in enumerate(nodes):
        for u in indices[indptr[v]:indptr[v + 1]].tolist():
            if u in index:
                directed.append((index[u], k))
    ties = np.array(directed, dtype=np.int64).reshape(-1, 2)
    keys = np.sort(ties, axis=1)
    pairs, drawn = np.unique(keys, axis=0, return_inverse=True)
    return pairs.reshape(-1, 2), ties, drawn.reshape(-1)


def infer_wom_ties(stage: np.ndarray, touch: np.ndarray, channel: np.ndarray,
                   first_step: np.ndarray, signal: np.ndarray, ties: np.ndarray,
                   drawn: np.ndarray, pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Which drawn ties carried word of mouth each week, from the funnel changes.

    Parameters
    ----------
    stage, touch, channel, signal
        Shape (weeks + 1, shown): each shown consumer's stage, awareness channel,
        acquisition channel and packed talk byte after each week (row 0: the start).
    first_step
        Shape (shown,): the week of each consumer's first purchase (-1: never).
    ties, drawn, pairs
        From :func:`sample_ties`: the directed ties (source, listener), the drawn pair of
        each and the number of pairs.

    Returns
    -------
    carried : numpy.ndarray
        Bool, shape (weeks + 1, pairs): the pair carried word of mouth in that week.
    moved : numpy.ndarray
        Bool, shape (weeks + 1, shown): the consumer became aware or bought for the
        first time through word of mouth that week.
    """
    weeks = stage.shape[0]
    unaware = int(Stage.UNAWARE)
    aware = np.zeros_like(stage, dtype=bool)
    aware[1:] = ((stage[:-1] == unaware) & (stage[1:] != unaware)
                 & np.isin(touch[1:], WOM_CHANNELS))
    bought = ((first_step[None, :] == np.arange(weeks)[:, None])
              & np.isin(channel, WOM_CHANNELS))
    moved = aware | bought
    moved[0] = False
    talked = (signal & TALK_MASK) == int(Talk.POSITIVE)
    carried = np.zeros((weeks, pairs), dtype=bool)
    if len(ties):
        hit = moved[:, ties[:, 1]] & talked[:, ties[:, 0]]
        for week, tie in zip(*np.nonzero(hit), strict=True):
            carried[week, drawn[tie]] = True
    return carried, moved


@st.cache_data(show_spinner=False, max_entries=8)
def network_history(text: str, shown: int = SHOWN, layout_seed: int = 0) -> dict[str, Any]:
    """One replication of a commerce scenario (TOML text) as the network view draws it.

    Returns a dict of ``nodes`` (ids of the shown consumers), ``x``, ``y`` (spring
    layout of the shown subgraph), ``degree`` (in the whole network), ``influencer``
    (0/1), ``pairs`` (the shown ties as position pairs), ``stages`` (weeks + 1, shown),
    ``carried`` and ``moved`` (:func:`infer_wom_ties`), ``market`` (weeks + 1, stages:
    consumers of the whole market in each stage), ``population`` and ``influencers``
    (in the whole market).
    """
    import networkx as nx

    from sim.fast import WomModel

    scenario = common.scenario_of_text(text)
    if scenario.diffusion.model != "commerce":
        raise WomError("the network view shows funnel stages of the commerce model; "
                       f"{scenario.name or 'this scenario'} uses {scenario.diffusion.model!r}")
    model = WomModel(scenario, replications=1)
    net, state = model.network, model.state
    influencers = np.flatnonzero(state.influencer[0])
    graph = net.to_networkx().to_undirected(as_view=True)
    degree = np.array([graph.degree(v) for v in range(net.n)], dtype=np.int64)
    keep = influencers[np.argsort(-degree[influencers], kind="stable")]
    nodes = sample_nodes([graph[v] for v in range(net.n)], shown, keep.tolist(), layout_seed)
    pick = np.array(nodes, dtype=np.int64)
    record: dict[str, list[np.ndarray]] = {k: [] for k in ("stage", "touch", "channel",
                                                           "signal")}
    market = []

    def keep_week() -> None:
        for name, rows in record.items():
            rows.append(getattr(state, name)[0, pick].copy())
        market.append(np.bincount(state.stage[0], minlength=len(STAGE_NAMES)))

    keep_week()
    step_model(model, scenario.run.steps, keep_week)
    pairs, ties, drawn = sample_ties(net.indptr, net.indices, nodes)
    arrays = {name: np.stack(rows) for name, rows in record.items()}
    carried, moved = infer_wom_ties(arrays["stage"], arrays["touch"], arrays["channel"],
                                    state.first_step[0, pick], arrays["signal"], ties, drawn,
                                    len(pairs))
    layout = nx.spring_layout(graph.subgraph(nodes), seed=layout_seed)
    return {"nodes": pick, "x": np.array([layout[v][0] for v in nodes]),
            "y": np.array([layout[v][1] for v in nodes]), "degree": degree[pick],
            "influencer": state.influencer[0, pick].astype(np.int64), "pairs": pairs,
            "stages": arrays["stage"], "carried": carried, "moved": moved,
            "market": np.stack(market), "population": net.n,
            "influencers": len(influencers)}


def network_chart(history: dict[str, Any], week: int, height: int = 560) -> alt.LayerChart:
    """The shown consumers at their layout positions coloured by stage in ``week``;
    influencers larger and outlined; ties grey, the ties that carried word of mouth that
    week thick and coloured; consumers it reached ringed."""
    stages = history["stages"][week]
    nodes = pd.DataFrame({
        "node": history["nodes"], "x": history["x"], "y": history["y"],
        "degree": history["degree"], "stage": [STAGE_NAMES[int(s)] for s in stages],
        "role": np.where(history["influencer"] > 0, "influencer", "consumer"),
        "reached": np.where(history["moved"][week], "by word of mouth this week", ""),
    })
    pairs, x, y = history["pairs"], history["x"], history["y"]
    ties = pd.DataFrame({"x": x[pairs[:, 0]], "y": y[pairs[:, 0]], "x2": x[pairs[:, 1]],
                         "y2": y[pairs[:, 1]],
                         "tie": np.where(history["carried"][week], "word of mouth this week",
                                         "tie")})
    axis = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    x_enc, y_enc = alt.X("x:Q", axis=axis), alt.Y("y:Q", axis=axis)
    quiet = alt.Chart(ties[ties["tie"] == "tie"]).mark_rule(
        color="#BBBBBB", opacity=0.4, strokeWidth=0.6).encode(x=x_enc, y=y_enc, x2="x2:Q",
                                                               y2="y2:Q")
    spoken = alt.Chart(ties[ties["tie"] != "tie"]).mark_rule(strokeWidth=2.6).encode(
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
    return alt.layer(quiet, spoken, points, rings).resolve_scale(
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
