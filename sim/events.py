"""Who influenced whom: cascade trees from the commerce model's event log.

The log (``sim.run(..., events=True)``, ``wom run --events``; docs/events.md) has one row
per funnel event, and names, for each event credited to word of mouth, the tie that
carried it. :func:`cascade_tree` turns a replication's first purchases into a forest:
an edge ``source -> consumer`` for every customer won by a tie, a root for every
customer won otherwise (ads, promotions, reviews, organic discovery, community content,
seeding). :func:`generations` counts how many ties separate each customer from its
root: generation 0 was won by the brand's own channels, generation 1 by a customer of
generation 0, and so on.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .commerce.events import COLUMNS
from .errors import WomError


def cascade_tree(events: pd.DataFrame, replication: int = 0) -> nx.DiGraph:
    """The forest of first purchases of one replication.

    Parameters
    ----------
    events
        An event log (columns ``replication, step, consumer, event, channel, source``).
    replication
        Which replication's purchases to draw.

    Returns
    -------
    networkx.DiGraph
        One node per customer (its ``purchase`` event: the first purchase; seeds at step
        0) with attributes ``step`` and ``channel`` of that purchase, and an edge
        ``source -> consumer`` for each purchase carried by a tie (word of mouth or an
        influencer). Every node has at most one parent and edges run from earlier to
        later buyers, so the graph is a forest (``networkx.is_branching``); its roots
        are the customers won without a tie. A source who never bought (an influencer
        paid for a sponsored post) is a root with ``step`` and ``channel`` None.

    Raises
    ------
    WomError
        If ``events`` lacks a column of the log or holds no event of ``replication``.

    Examples
    --------
    >>> frame, events = sim.run("scenarios/engagement.toml", events=True)  # doctest: +SKIP
    >>> tree = sim.cascade_tree(events, replication=0)
    >>> max(nx.weakly_connected_components(tree), key=len)
    """
    missing = set(COLUMNS) - set(events)
    if missing:
        raise WomError(f"events: not an event log, missing columns {sorted(missing)}")
    rows = events[(events["replication"] == replication) & (events["event"] == "purchase")]
    if not (events["replication"] == replication).any():
        raise WomError(f"replication: no event of replication {replication} in the log")
    tree = nx.DiGraph()
    for consumer, step, channel in zip(rows["consumer"].tolist(), rows["step"].tolist(),
                                       rows["channel"].astype(str).tolist(), strict=True):
        tree.add_node(consumer, step=step, channel=channel)
    carried = rows[rows["source"] >= 0]
    for source in set(carried["source"].tolist()) - set(tree):
        tree.add_node(source, step=None, channel=None)
    tree.add_edges_from(zip(carried["source"].tolist(), carried["consumer"].tolist(),
                            strict=True))
    return tree


def generations(tree: nx.DiGraph) -> pd.Series:
    """Generation of every customer of a :func:`cascade_tree`: the number of ties between
    it and its root (0 for a root, 1 for a customer won by a root, ...).

    Returns a Series indexed by consumer (customers only: sources who never bought are
    left out, their followers still counted from them), in order of purchase.
    """
    depth: dict[int, int] = {}
    for node in nx.topological_sort(tree):
        parents = list(tree.predecessors(node))
        depth[node] = depth[parents[0]] + 1 if parents else 0
    bought = sorted((data["step"], node) for node, data in tree.nodes(data=True)
                    if data["step"] is not None)
    return pd.Series([depth[node] for _, node in bought], index=[node for _, node in bought],
                     name="generation", dtype="int64").rename_axis("consumer")
