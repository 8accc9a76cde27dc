"""Seed choice: who has adopted at step 0 (:func:`choose_seeds`), and the ranking of
the most influential consumers it is taken from (:func:`influence_ranking`)."""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from ..errors import ScenarioError
from ..network import Network
from ..rng import Purpose, uniform_array
from ..scenario import SeedingConfig
from .celf import (
    CELF_CANDIDATES,
    CELF_PROBABILITY,
    CELF_WORLDS,
    celf_greedy,
    check_celf,
    check_count,
)
from .centrality import core_numbers, pagerank_scores
from .communities import CommunityMethod, communities, round_robin

__all__ = ["RANKING_STRATEGIES", "STREAM_FREE", "Strategy", "choose_seeds",
           "influence_ranking"]

Strategy = Literal["random", "degree", "pagerank", "kcore", "celf", "community"]
#: Strategies :func:`influence_ranking` knows (``nodes`` is a list, not a ranking).
RANKING_STRATEGIES: tuple[str, ...] = get_args(Strategy)
#: Strategies whose seeds do not depend on the stream: every replication gets the same.
STREAM_FREE: tuple[str, ...] = ("nodes", "degree", "pagerank", "kcore")
#: Scores closer than this (relative to the mean score 1/n) are PageRank ties.
_PAGERANK_TIE = 1e-9


def choose_seeds(network: Network, seeding: SeedingConfig, stream: int) -> np.ndarray:
    """Sorted int64 indices of the seed consumers of one replication.

    ``random`` takes the ``count`` consumers with the smallest seeding draws (a uniform
    random subset, new for every replication); ``degree`` the ``count`` largest
    out-degrees (how many consumers each can influence), ties to the lower index;
    ``pagerank``, ``kcore``, ``celf`` and ``community`` the first ``count`` of
    :func:`influence_ranking`; ``nodes`` the listed ids, read as the file's node ids when
    the network was loaded.

    The CELF options are read from ``seeding.celf_probability``, ``seeding.celf_worlds``
    and ``seeding.celf_candidates``.

    Parameters
    ----------
    network : Network
        The market's network.
    seeding : SeedingConfig
        The scenario's ``seeding`` table.
    stream : int
        Stream key of the replication (:func:`sim.rng.stream_key`).

    Returns
    -------
    numpy.ndarray
        int64 node indices in increasing order.

    Raises
    ------
    ScenarioError
        If ``seeding.count`` exceeds the number of consumers, a strategy that ranks by
        network position is used on a fully mixed population, a CELF option is out of
        bounds, or a listed node is not in the network.
    """
    n = network.n
    strategy = seeding.strategy
    if strategy == "nodes":
        return _node_indices(network, seeding.nodes)
    if seeding.count > n:
        raise ScenarioError(
            f"seeding.count: {seeding.count} seeds asked for but the network has {n} consumers"
        )
    if strategy != "random" and network.mixed:
        raise ScenarioError(f"seeding.strategy: {strategy!r} needs a network; network.kind "
                            f"'mixed' has no edges (use 'random' or 'nodes')")
    ranking = influence_ranking(network, strategy, seeding.count, stream,
                                probability=seeding.celf_probability,
                                worlds=seeding.celf_worlds, candidates=seeding.celf_candidates)
    return np.sort(ranking).astype(np.int64)


def influence_ranking(
    network: Network,
    strategy: Strategy,
    count: int,
    stream: int,
    *,
    probability: float = CELF_PROBABILITY,
    worlds: int = CELF_WORLDS,
    candidates: int = CELF_CANDIDATES,
    community_method: CommunityMethod = "auto",
) -> NDArray[np.int64]:
    """The ``count`` most influential nodes by ``strategy``, most influential first.

    Parameters
    ----------
    network : Network
        The network ranked.
    strategy : {"random", "degree", "pagerank", "kcore", "celf", "community"}
        How influence is judged (see the module documentation). ``random`` is a random
        order; ``community`` the round-robin order over communities; ``celf`` the order
        of greedy selection.
    count : int
        Length of the ranking, ``0 <= count <= network.n``.
    stream : int
        Stream key (>= 0): the ranking is a pure function of the network, the options
        and the stream. Only ``random``, ``celf`` and ``community`` (through Louvain)
        depend on it.
    probability, worlds, candidates : float, int, int
        CELF only: edge activation probability of a weight-1 edge, number of live-edge
        worlds, size of the candidate pool (see :func:`celf_greedy`).
    community_method : {"auto", "blocks", "louvain"}
        ``community`` only: how communities are found (see :func:`communities`).

    Returns
    -------
    numpy.ndarray
        int64 array of ``count`` distinct node indices.

    Raises
    ------
    ScenarioError
        If ``count`` is out of range, the strategy is unknown, it needs a network and
        the population is fully mixed, or an option is out of bounds.
    """
    n = network.n
    count = check_count(count, n)
    if strategy not in RANKING_STRATEGIES:
        raise ScenarioError(f"strategy: expected one of {', '.join(RANKING_STRATEGIES)}, "
                            f"found {strategy!r}")
    if strategy != "random" and network.mixed:
        raise ScenarioError(f"strategy {strategy!r} needs a network; a fully mixed "
                            f"population has no edges")
    if strategy == "celf":
        check_celf(probability, worlds, candidates)
    if count == 0:
        return np.empty(0, dtype=np.int64)
    if strategy == "random":
        u = uniform_array(stream, 0, n, Purpose.SEEDING)
        order = np.argsort(u, kind="stable")
    elif strategy == "degree":
        order = np.lexsort((np.arange(n), -network.out_degree))
    elif strategy == "pagerank":
        key = np.round(pagerank_scores(network) * (n / _PAGERANK_TIE)) * _PAGERANK_TIE
        order = np.lexsort((np.arange(n), -key))
    elif strategy == "kcore":
        order = np.lexsort((np.arange(n), -network.out_degree, -core_numbers(network)))
    elif strategy == "celf":
        return celf_greedy(network, count, stream, probability=probability, worlds=worlds,
                           candidates=candidates)[0]
    else:
        order = round_robin(network, communities(network, stream, method=community_method))
    return order[:count].astype(np.int64)


def _node_indices(network: Network, nodes: list[int]) -> np.ndarray:
    wanted = np.unique(np.asarray(nodes, dtype=np.int64))
    if network.labels is None:
        bad = wanted[(wanted < 0) | (wanted >= network.n)]
        if bad.size:
            raise ScenarioError(
                f"seeding.nodes: node {bad[0]} is not in the network (ids 0..{network.n - 1})"
            )
        return wanted
    position = {label: i for i, label in enumerate(network.labels.tolist())}
    out = []
    for node in wanted.tolist():
        index = position.get(node, position.get(str(node)))
        if index is None:
            raise ScenarioError(f"seeding.nodes: node {node} is not in the network file")
        out.append(index)
    return np.sort(np.asarray(out, dtype=np.int64))
