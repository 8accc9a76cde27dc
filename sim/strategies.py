"""Seeding strategies: who has adopted at step 0, and who is most influential.

Both engines call :func:`choose_seeds`, so seeds are part of the market being
simulated, not of the engine. :func:`influence_ranking` is the ordered form (most
influential first) that :func:`choose_seeds` uses; the commerce model uses it to pick
influencers with the same strategies.

Every result is a pure function of (network, settings, ``stream``). Random choices come
from the counter-based generator (:mod:`sim.rng`: the random seeds, the visiting orders
of Louvain) or, for the live-edge worlds of CELF, from a numpy generator seeded with
``(stream, Purpose.CELF)``; numpy's global random state is never used. The
stream-independent scores (PageRank, core numbers) are computed once per network.

Influence flows from a source ``u`` to a listener ``v`` (``u`` is in row ``v`` of the
listener CSR of :class:`~sim.network.Network`). The strategies:

``random``
    A uniform random subset, new for every replication.
``degree``
    Largest out-degree (how many listeners a node reaches), ties to the lower index.
``pagerank``
    PageRank on the *listens-to* graph (edges from listener to source), see
    :func:`pagerank_scores`.
``kcore``
    Highest core number of the undirected graph (the k-shell of Kitsak et al. 2010), see
    :func:`core_numbers`; ties by out-degree, then to the lower index.
``celf``
    Greedy influence maximisation on the independent cascade with lazy-forward (CELF)
    evaluation, see :func:`celf_greedy`.
``community``
    Seeds spread round-robin over communities (SBM blocks, else Louvain), see
    :func:`communities`.

References
----------
Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of influence
through a social network. KDD 2003, 137-146.

Leskovec, J., Krause, A., Guestrin, C., Faloutsos, C., VanBriesen, J. and Glance, N.
(2007). Cost-effective outbreak detection in networks. KDD 2007, 420-429.

Page, L., Brin, S., Motwani, R. and Winograd, T. (1999). The PageRank citation ranking:
bringing order to the web. Stanford InfoLab technical report 1999-66.

Seidman, S. B. (1983). Network structure and minimum degree. Social Networks 5,
269-287.

Kitsak, M., Gallos, L. K., Havlin, S., Liljeros, F., Muchnik, L., Stanley, H. E. and
Makse, H. A. (2010). Identification of influential spreaders in complex networks.
Nature Physics 6, 888-893.

Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast unfolding
of communities in large networks. Journal of Statistical Mechanics, P10008.

Traag, V. A., Waltman, L. and van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
well-connected communities. Scientific Reports 9, 5233.
"""

from __future__ import annotations

import heapq
import math
import operator
import weakref
from typing import Literal, get_args

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from .errors import ScenarioError
from .network import Network
from .rng import MASK64, Purpose, mix_jit, prefix, uniform_array
from .scenario import SeedingConfig

__all__ = [
    "RANKING_STRATEGIES",
    "Strategy",
    "celf_greedy",
    "choose_seeds",
    "communities",
    "core_numbers",
    "expected_spread",
    "influence_ranking",
    "pagerank_scores",
]

Strategy = Literal["random", "degree", "pagerank", "kcore", "celf", "community"]
#: Strategies :func:`influence_ranking` knows (``nodes`` is a list, not a ranking).
RANKING_STRATEGIES: tuple[str, ...] = get_args(Strategy)
CommunityMethod = Literal["auto", "blocks", "louvain"]

#: Defaults of the CELF options (scenario keys ``seeding.celf_<name>``).
# CELF defaults come from the scenario schema, the one place parameters are declared.
_CELF = SeedingConfig.model_fields
CELF_PROBABILITY: float = _CELF["celf_probability"].default
CELF_WORLDS: int = _CELF["celf_worlds"].default
CELF_CANDIDATES: int = _CELF["celf_candidates"].default
#: Scores closer than this (relative to the mean score 1/n) are PageRank ties.
_PAGERANK_TIE = 1e-9

# Purposes of the numpy generators (sim.rng.Purpose gains these members; the fallbacks
# keep the numbers fixed until it does).
_PURPOSE_CELF = int(Purpose.CELF)
_PURPOSE_COMMUNITY = int(Purpose.COMMUNITY)

_I64 = np.int64
_EMPTY = np.empty(0, dtype=_I64)

# Stream-independent scores, computed once per network (networks are immutable).
_CACHE: weakref.WeakKeyDictionary[Network, dict[str, NDArray]] = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------


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
    count = _as_int(count, "count")
    if not 0 <= count <= n:
        raise ScenarioError(f"count: {count} nodes asked for but the network has {n}")
    if strategy not in RANKING_STRATEGIES:
        raise ScenarioError(f"strategy: expected one of {', '.join(RANKING_STRATEGIES)}, "
                            f"found {strategy!r}")
    if strategy != "random" and network.mixed:
        raise ScenarioError(f"strategy {strategy!r} needs a network; a fully mixed "
                            f"population has no edges")
    if strategy == "celf":
        _check_celf(probability, worlds, candidates, prefix="celf ")
    if count == 0:
        return _EMPTY.copy()
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
        order = _round_robin(network, communities(network, stream, method=community_method))
    return order[:count].astype(np.int64)


def _as_int(value: object, name: str) -> int:
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ScenarioError(f"{name}: expected an integer, found {value!r}") from None


def _check_celf(probability: float, worlds: int, candidates: int, *, prefix: str) -> None:
    if not (isinstance(probability, int | float) and 0.0 <= probability <= 1.0):
        raise ScenarioError(f"{prefix}probability: must be in [0, 1], found {probability!r}")
    for name, value in (("worlds", worlds), ("candidates", candidates)):
        if _as_int(value, f"{prefix}{name}") < 1:
            raise ScenarioError(f"{prefix}{name}: must be >= 1, found {value!r}")


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


def _cached(network: Network, key: str) -> NDArray | None:
    return _CACHE.get(network, {}).get(key)


def _store(network: Network, key: str, value: NDArray) -> NDArray:
    value.setflags(write=False)
    _CACHE.setdefault(network, {})[key] = value
    return value


def _generator(stream: int, purpose: int) -> np.random.Generator:
    """numpy generator seeded by the whole 64-bit stream key and a purpose."""
    return np.random.default_rng([int(stream) & MASK64, purpose])


def _listeners(network: Network) -> NDArray[np.int64]:
    """The listener (row) of every stored edge."""
    return np.repeat(np.arange(network.n, dtype=_I64), network.in_degree)


def _undirected(network: Network, *, weighted: bool) -> sp.csr_array:
    """Symmetric CSR of the undirected simple graph: ``u - v`` if either influences the other.

    Unweighted: every entry is 1. Weighted: the weight of ``u - v`` is the sum of the
    positive weights of ``u -> v`` and ``v -> u`` (for an undirected network simply the
    positive weight of the edge); edges with no positive weight are left out.
    """
    n = network.n
    if weighted:
        data = np.maximum(network.weights.astype(np.float64), 0.0)
    else:
        data = np.ones(network.n_edges, dtype=np.float64)
    a = sp.csr_array((data, network.indices.astype(_I64), network.indptr), shape=(n, n))
    if network.directed:
        a = (a + a.T).tocsr()
        if not weighted:
            a.data[:] = 1.0
    if weighted:
        a.eliminate_zeros()
    a.sort_indices()
    return a


# ---------------------------------------------------------------------------------------
# PageRank
# ---------------------------------------------------------------------------------------


def pagerank_scores(
    network: Network, *, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 1000
) -> NDArray[np.float64]:
    """PageRank of every node in the direction of influence, summing to 1.

    Ordinary PageRank ranks a node high when many highly ranked nodes *link to* it. For
    influence the relation is reversed: a node matters when it is *listened to* by many
    nodes that are themselves listened to. So the walk runs on the listens-to graph,
    from each listener ``v`` to the sources in its row with probability proportional to
    the (positive part of the) tie weight: a random consumer asking whom to copy. This is
    PageRank on the reversed influence graph, and for an undirected network it is
    ordinary PageRank. A node that listens to nobody (or only with weight <= 0)
    restarts the walk uniformly, as does the teleport with probability ``1 - damping``.

    The power iteration is a vectorised scipy.sparse product, so it scales to large
    networks and is deterministic. It stops when the L1 change of one iteration is below
    ``tol`` (the damping makes it a contraction, about 150 iterations for 1e-10).

    Parameters
    ----------
    network : Network
        A network with edges (not a fully mixed population).
    damping : float, default 0.85
        Probability of following a tie rather than teleporting, in (0, 1).
    tol : float, default 1e-10
        Convergence threshold on the L1 change of the score vector.
    max_iter : int, default 1000
        Most iterations.

    Returns
    -------
    numpy.ndarray
        float64 scores of shape ``(n,)``.

    References
    ----------
    .. [1] Page, L., Brin, S., Motwani, R. and Winograd, T. (1999). The PageRank
       citation ranking: bringing order to the web. Stanford InfoLab technical report.
    """
    if not 0.0 < damping < 1.0:
        raise ScenarioError(f"damping: must be in (0, 1), found {damping!r}")
    if not tol > 0.0:
        raise ScenarioError(f"tol: must be > 0, found {tol!r}")
    default = (damping, tol, max_iter) == (0.85, 1e-10, 1000)
    if default and (hit := _cached(network, "pagerank")) is not None:
        return hit
    n = network.n
    w = np.maximum(network.weights.astype(np.float64), 0.0)
    rows = _listeners(network)
    total = np.bincount(rows, weights=w, minlength=n)
    dangling = total <= 0.0
    inverse = np.divide(1.0, total, out=np.zeros(n), where=~dangling)
    # step[v, u]: chance that the walk at listener v moves to its source u
    step = sp.csr_array((w * inverse[rows], network.indices.astype(_I64), network.indptr),
                        shape=(n, n))
    flow = step.T.tocsr()  # x_new = damping * flow @ x + restart mass spread uniformly
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        restart = (damping * x[dangling].sum() + (1.0 - damping)) / n
        new = damping * (flow @ x) + restart
        change = float(np.abs(new - x).sum())
        x = new
        if change < tol:
            break
    x = x / x.sum()
    return _store(network, "pagerank", x) if default else x


# ---------------------------------------------------------------------------------------
# k-cores
# ---------------------------------------------------------------------------------------


def core_numbers(network: Network) -> NDArray[np.int64]:
    """Core number of every node of the undirected simple graph.

    The k-core is the largest subgraph in which every node has at least ``k``
    neighbours; a node's core number is the largest ``k`` whose k-core contains it, and
    the nodes of core number ``k`` form the k-shell. Direction and weights are ignored:
    ``u`` and ``v`` are neighbours when either can influence the other. Computed by the
    bucket peeling of Batagelj and Zaversnik in O(n + m) with numba, so it also runs on
    networks far beyond networkx; it equals :func:`networkx.core_number`.

    Returns
    -------
    numpy.ndarray
        int64 core numbers of shape ``(n,)``.

    References
    ----------
    .. [1] Seidman, S. B. (1983). Network structure and minimum degree. Social Networks
       5, 269-287.
    .. [2] Batagelj, V. and Zaversnik, M. (2003). An O(m) algorithm for cores
       decomposition of networks. arXiv:cs/0310049.
    .. [3] Kitsak, M. et al. (2010). Identification of influential spreaders in complex
       networks. Nature Physics 6, 888-893.
    """
    if (hit := _cached(network, "core")) is not None:
        return hit
    g = _undirected(network, weighted=False)
    core = _peel(g.indptr.astype(_I64), g.indices.astype(_I64), network.n)
    return _store(network, "core", core)


@njit(cache=True)
def _peel(indptr: np.ndarray, nbrs: np.ndarray, n: int) -> np.ndarray:
    """Batagelj-Zaversnik: nodes kept sorted by current degree in ``order``; the node of
    least degree is removed, lowering its neighbours' degrees, until none is left."""
    deg = np.empty(n, dtype=np.int64)
    for v in range(n):
        deg[v] = indptr[v + 1] - indptr[v]
    top = 0
    for v in range(n):
        top = max(top, deg[v])
    first = np.zeros(top + 2, dtype=np.int64)  # first[d]: start of degree-d bucket
    for v in range(n):
        first[deg[v] + 1] += 1
    for d in range(1, top + 2):
        first[d] += first[d - 1]
    fill = first.copy()
    order = np.empty(n, dtype=np.int64)
    where = np.empty(n, dtype=np.int64)
    for v in range(n):
        where[v] = fill[deg[v]]
        order[where[v]] = v
        fill[deg[v]] += 1
    for i in range(n):
        v = order[i]
        for e in range(indptr[v], indptr[v + 1]):
            u = nbrs[e]
            du = deg[u]
            if du > deg[v]:
                # move u to the front of its bucket, then shrink the bucket by one
                front = first[du]
                w = order[front]
                if w != u:
                    pu = where[u]
                    order[front] = u
                    where[u] = front
                    order[pu] = w
                    where[w] = pu
                first[du] += 1
                deg[u] = du - 1
    return deg


# ---------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------


def communities(
    network: Network, stream: int, *, method: CommunityMethod = "auto"
) -> list[NDArray[np.int64]]:
    """Communities of the network, largest first.

    ``blocks`` uses the stochastic-block-model blocks stored with the network.
    ``louvain`` maximises modularity (resolution 1) with the Louvain method on the
    undirected simple graph, weighted by the positive tie weights (``u -> v`` and
    ``v -> u`` summed; ties of weight <= 0 are left out): nodes are moved, one at a time
    in a random order, to the neighbouring community of largest modularity gain until no
    move helps; the communities then become the nodes of an aggregated graph, and the
    two phases repeat until nothing moves. After a first pass over all nodes only the
    neighbours of nodes that moved are revisited (the fast local moving of Traag et al.
    2019), which ends in the same kind of local optimum as repeated full sweeps at a
    fraction of the cost. The visiting orders are pseudo-random permutations derived
    from ``stream``. It runs in numba, O(m) per sweep, because
    :func:`networkx.community.louvain_communities` (pure Python) needs about 12 s for a
    10^4-node Barabasi-Albert graph with m = 5, too slow to repeat per replication; its
    modularity is comparable (the tests check both). ``auto`` takes the blocks when
    known, else Louvain.

    Parameters
    ----------
    network : Network
        A network with edges (not a fully mixed population).
    stream : int
        Stream key (>= 0) seeding the visiting orders of Louvain.
    method : {"auto", "blocks", "louvain"}
        See above.

    Returns
    -------
    list of numpy.ndarray
        Each community as sorted int64 node indices; the communities partition the
        nodes and are ordered by decreasing size, ties by their smallest node. A node
        without positive ties is a community of its own.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast
       unfolding of communities in large networks. J. Stat. Mech. P10008.
    .. [2] Traag, V. A., Waltman, L. and van Eck, N. J. (2019). From Louvain to Leiden:
       guaranteeing well-connected communities. Scientific Reports 9, 5233 (on the
       limits of Louvain: its communities may be internally disconnected).
    .. [3] Newman, M. E. J. and Girvan, M. (2004). Finding and evaluating community
       structure in networks. Phys. Rev. E 69, 026113 (modularity).
    """
    if network.mixed:
        raise ScenarioError("communities: a fully mixed population has no edges")
    if method not in get_args(CommunityMethod):
        raise ScenarioError(f"community method: expected one of "
                            f"{', '.join(get_args(CommunityMethod))}, found {method!r}")
    if method == "auto":
        method = "blocks" if network.blocks is not None else "louvain"
    if method == "blocks":
        if network.blocks is None:
            raise ScenarioError("community method 'blocks': the network has no blocks")
        labels = network.blocks.astype(_I64)
    else:
        g = _undirected(network, weighted=True)
        key = np.uint64(prefix(int(stream) & MASK64, 0, _PURPOSE_COMMUNITY))
        labels = _louvain(g.indptr.astype(_I64), g.indices.astype(_I64),
                          g.data.astype(np.float64), key)
    return _groups(labels)


@njit(cache=True)
def _visit_order(n: int, key: np.uint64, level: int) -> np.ndarray:
    """A pseudo-random permutation of 0..n-1: nodes sorted by a hash of (key, level)."""
    salt = mix_jit(key ^ np.uint64(level))
    hashes = np.empty(n, dtype=np.uint64)
    for i in range(n):
        hashes[i] = mix_jit(salt ^ np.uint64(i))
    return np.argsort(hashes, kind="mergesort")


@njit(cache=True)
def _louvain(indptr: np.ndarray, nbrs: np.ndarray, weights: np.ndarray,
             key: np.uint64) -> np.ndarray:
    """Louvain community of every node of a symmetric CSR graph with positive weights.

    A self-loop entry ``A[i, i]`` (present after aggregation) holds the full diagonal
    weight. Moving node i into community C changes modularity in proportion to
    ``w(i, C) - tot(C) * k(i) / 2m``, with w(i, C) the weight from i to C's other
    members, tot(C) the summed degrees of C and 2m the summed weights of all entries."""
    n = len(indptr) - 1
    final = np.arange(n, dtype=np.int64)
    two_m = 0.0
    for e in range(len(weights)):
        two_m += weights[e]
    if two_m <= 0.0:
        return final
    tiny = 1e-12 * two_m
    ip, nb, wt = indptr, nbrs, weights
    level = 0
    while True:
        size = len(ip) - 1
        degree = np.zeros(size)
        for i in range(size):
            for e in range(ip[i], ip[i + 1]):
                degree[i] += wt[e]
        comm = np.arange(size, dtype=np.int64)
        total = degree.copy()
        link = np.zeros(size)  # weight from the current node to each community
        touched = np.empty(size, dtype=np.int64)
        # fast local moving (Traag et al. 2019): visit every node once in a random
        # order, then only the neighbours of nodes that moved, until none is waiting
        queue = _visit_order(size, key, level)
        waiting = np.ones(size, dtype=np.bool_)
        head = 0
        pending = size
        moved = False
        while pending > 0:
            i = queue[head]
            head = head + 1 if head + 1 < size else 0
            pending -= 1
            waiting[i] = False
            own = comm[i]
            k_i = degree[i]
            t = 0
            for e in range(ip[i], ip[i + 1]):
                j = nb[e]
                if j == i:
                    continue
                c = comm[j]
                if link[c] == 0.0:
                    touched[t] = c
                    t += 1
                link[c] += wt[e]
            total[own] -= k_i
            best = own
            best_gain = link[own] - total[own] * k_i / two_m
            for x in range(t):
                c = touched[x]
                gain = link[c] - total[c] * k_i / two_m
                if gain > best_gain + tiny:
                    best = c
                    best_gain = gain
            total[best] += k_i
            comm[i] = best
            for x in range(t):
                link[touched[x]] = 0.0
            if best != own:
                moved = True
                for e in range(ip[i], ip[i + 1]):
                    j = nb[e]
                    if not waiting[j] and comm[j] != best:
                        tail = head + pending
                        queue[tail - size if tail >= size else tail] = j
                        waiting[j] = True
                        pending += 1
        if not moved:
            return final
        # renumber the communities 0..count-1 in order of their smallest member
        number = np.full(size, -1, dtype=np.int64)
        count = 0
        for i in range(size):
            if number[comm[i]] < 0:
                number[comm[i]] = count
                count += 1
        for i in range(size):
            comm[i] = number[comm[i]]
        if count == size:  # the moves undid each other: nothing to aggregate
            return final
        for v in range(n):
            final[v] = comm[final[v]]
        # aggregate: community c becomes node c, with summed weights between them
        start = np.zeros(count + 1, dtype=np.int64)
        for i in range(size):
            start[comm[i] + 1] += 1
        for c in range(count):
            start[c + 1] += start[c]
        fill = start[:-1].copy()
        members = np.empty(size, dtype=np.int64)
        for i in range(size):
            members[fill[comm[i]]] = i
            fill[comm[i]] += 1
        new_ip = np.zeros(count + 1, dtype=np.int64)
        new_nb = np.empty(len(nb), dtype=np.int64)
        new_wt = np.empty(len(nb))
        pos = 0
        for c in range(count):
            t = 0
            for s in range(start[c], start[c + 1]):
                i = members[s]
                for e in range(ip[i], ip[i + 1]):
                    d = comm[nb[e]]
                    if link[d] == 0.0:
                        touched[t] = d
                        t += 1
                    link[d] += wt[e]
            for x in range(t):
                d = touched[x]
                new_nb[pos] = d
                new_wt[pos] = link[d]
                link[d] = 0.0
                pos += 1
            new_ip[c + 1] = pos
        ip, nb, wt = new_ip, new_nb[:pos].copy(), new_wt[:pos].copy()
        level += 1


def _groups(labels: NDArray[np.int64]) -> list[NDArray[np.int64]]:
    """Partition by label: sorted members, groups by decreasing size then smallest node."""
    order = np.argsort(labels, kind="stable")  # members of a group stay sorted
    _, starts, sizes = np.unique(labels[order], return_index=True, return_counts=True)
    groups = [order[s:s + k].astype(_I64) for s, k in zip(starts, sizes, strict=True)]
    groups.sort(key=lambda g: (-len(g), int(g[0])))
    return groups


def _round_robin(network: Network, groups: list[NDArray[np.int64]]) -> NDArray[np.int64]:
    """All nodes in round-robin order: round r takes the r-th highest out-degree node of
    every community (largest community first), ties to the lower index."""
    n = network.n
    degree = network.out_degree
    group_of = np.empty(n, dtype=_I64)
    depth = np.empty(n, dtype=_I64)
    for g, members in enumerate(groups):
        ranked = members[np.lexsort((members, -degree[members]))]
        group_of[ranked] = g
        depth[ranked] = np.arange(len(ranked))
    return np.lexsort((group_of, depth))


# ---------------------------------------------------------------------------------------
# Influence maximisation: live-edge worlds and CELF
# ---------------------------------------------------------------------------------------


class _Worlds:
    """Live-edge worlds of the independent cascade, each sampled once.

    In the independent cascade every edge ``u -> v`` gets one trial, succeeding with
    probability ``clip(p * w, 0, 1)``, so the set of nodes a seed set eventually activates
    is distributed as the set reachable from it along the *live* edges of a random
    subgraph keeping each edge independently with that probability (Kempe et al. 2003).
    An undirected tie is two edges with independent trials, as in the simulator.

    World ``k`` keeps its live edges as ``src[ptr[k]:ptr[k + 1]]`` ->
    ``dst[ptr[k]:ptr[k + 1]]``, sorted by source, so the live out-edges of a node are
    found by binary search: memory is 8 bytes per live edge (for n < 2**31), nothing
    per node and world.
    """

    def __init__(self, network: Network, probability: float, worlds: int, stream: int):
        n = network.n
        sources = network.indices.astype(_I64)
        by_source = np.argsort(sources, kind="stable")  # out-CSR order: (source, listener)
        out_src = sources[by_source]
        out_dst = _listeners(network)[by_source]
        chance = np.clip(probability * network.weights.astype(np.float64)[by_source], 0.0, 1.0)
        top = float(chance.max()) if len(chance) else 0.0
        thin = len(chance) > 0 and float(chance.min()) < top
        idx = np.int32 if n < 2**31 else np.int64
        rng = _generator(stream, _PURPOSE_CELF)
        parts_src: list[NDArray] = []
        parts_dst: list[NDArray] = []
        ptr = np.zeros(worlds + 1, dtype=_I64)
        for k in range(worlds):
            live = _bernoulli_positions(rng, len(chance), top)
            if thin:  # keep each candidate with chance / top: overall Bernoulli(chance)
                live = live[rng.random(len(live)) * top < chance[live]]
            parts_src.append(out_src[live].astype(idx))
            parts_dst.append(out_dst[live].astype(idx))
            ptr[k + 1] = ptr[k] + len(live)
        self.n = n
        self.count = worlds
        self.ptr = ptr
        self.src = np.concatenate(parts_src) if parts_src else np.empty(0, idx)
        self.dst = np.concatenate(parts_dst) if parts_dst else np.empty(0, idx)
        self.covered = np.zeros((worlds, (n + 63) // 64), dtype=np.uint64)
        self._visited = np.zeros(n, dtype=np.bool_)
        self._queue = np.empty(n, dtype=_I64)

    def reset(self) -> None:
        """Forget the covered sets."""
        self.covered[:] = 0

    def gain(self, node: int) -> int:
        """Newly reached nodes, summed over worlds, if ``node`` joined the covered set."""
        return int(_gain(node, self.ptr, self.src, self.dst, self.covered, self._visited,
                         self._queue))

    def cover(self, node: int) -> int:
        """Add everything ``node`` reaches to the covered sets; returns the gain."""
        return int(_cover(node, self.ptr, self.src, self.dst, self.covered, self._queue))

    def singleton_totals(self, nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        """Reach of each node alone, summed over worlds.

        Per world, the strongly connected components (scipy) share one reach, and the
        set reached from the largest component is found once, then counted in bulk by
        every search that enters that component: in a supercritical world most
        candidates reach the giant component, and without this each would walk it.
        """
        n = self.n
        totals = np.zeros(len(nodes), dtype=_I64)
        held = np.empty(n, dtype=_I64)
        in_reach = np.zeros(n, dtype=np.bool_)
        for k in range(self.count):
            src = self.src[self.ptr[k]:self.ptr[k + 1]]
            dst = self.dst[self.ptr[k]:self.ptr[k + 1]]
            indptr = np.zeros(n + 1, dtype=_I64)
            np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
            if len(dst):
                graph = sp.csr_array((np.ones(len(dst), dtype=np.int8), dst, indptr),
                                     shape=(n, n))
                n_comp, comp = connected_components(graph, directed=True,
                                                    connection="strong")
            else:
                n_comp, comp = n, np.arange(n)
            _add_singleton_reach(indptr, dst.astype(_I64), comp.astype(_I64), n_comp,
                                 nodes, totals, self._visited, in_reach, self._queue, held)
        return totals


def _bernoulli_positions(rng: np.random.Generator, total: int, p: float) -> NDArray[np.int64]:
    """Sorted positions in ``0..total-1``, each included independently with chance ``p``,
    by geometric skips: O(p * total) work."""
    if total == 0 or p <= 0.0:
        return _EMPTY
    if p >= 1.0:
        return np.arange(total, dtype=_I64)
    chunks: list[NDArray[np.int64]] = []
    last = -1
    expected = total * p
    size = int(expected + 4.0 * math.sqrt(expected) + 16)
    while True:
        pos = last + np.cumsum(rng.geometric(p, size=size))
        if pos[-1] >= total:
            chunks.append(pos[pos < total])
            break
        chunks.append(pos)
        last = int(pos[-1])
    return np.concatenate(chunks).astype(_I64)


@njit(cache=True, inline="always")
def _first_at_least(keys: np.ndarray, lo: int, hi: int, value: int) -> int:
    """Smallest i in [lo, hi) with keys[i] >= value (hi if none); keys sorted."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, inline="always")
def _is_set(bits: np.ndarray, k: int, v: int) -> bool:
    return (bits[k, v >> 6] >> np.uint64(v & 63)) & np.uint64(1) != 0


@njit(cache=True)
def _gain(node: int, ptr: np.ndarray, src: np.ndarray, dst: np.ndarray, covered: np.ndarray,
          visited: np.ndarray, queue: np.ndarray) -> int:
    """Nodes reachable from ``node`` outside each world's covered set, summed over worlds.

    The covered set is closed under reachability, so the search never enters it."""
    total = 0
    for k in range(len(ptr) - 1):
        if _is_set(covered, k, node):
            continue
        lo = ptr[k]
        hi = ptr[k + 1]
        visited[node] = True
        queue[0] = node
        head = 0
        tail = 1
        while head < tail:
            u = queue[head]
            head += 1
            a = _first_at_least(src, lo, hi, u)
            b = _first_at_least(src, a, hi, u + 1)
            for e in range(a, b):
                v = dst[e]
                if not visited[v] and not _is_set(covered, k, v):
                    visited[v] = True
                    queue[tail] = v
                    tail += 1
        total += tail
        for i in range(tail):
            visited[queue[i]] = False
    return total


@njit(cache=True)
def _cover(node: int, ptr: np.ndarray, src: np.ndarray, dst: np.ndarray, covered: np.ndarray,
           queue: np.ndarray) -> int:
    """Mark everything ``node`` reaches as covered in every world; count the new marks."""
    total = 0
    one = np.uint64(1)
    for k in range(len(ptr) - 1):
        if _is_set(covered, k, node):
            continue
        lo = ptr[k]
        hi = ptr[k + 1]
        covered[k, node >> 6] |= one << np.uint64(node & 63)
        queue[0] = node
        head = 0
        tail = 1
        while head < tail:
            u = queue[head]
            head += 1
            a = _first_at_least(src, lo, hi, u)
            b = _first_at_least(src, a, hi, u + 1)
            for e in range(a, b):
                v = dst[e]
                if not _is_set(covered, k, v):
                    covered[k, v >> 6] |= one << np.uint64(v & 63)
                    queue[tail] = v
                    tail += 1
        total += tail
    return total


@njit(cache=True)
def _search(indptr: np.ndarray, dst: np.ndarray, visited: np.ndarray, queue: np.ndarray,
            head: int, tail: int, stop: np.ndarray, comp: np.ndarray, big: int,
            held: np.ndarray, n_held: int) -> tuple[int, int, bool]:
    """Breadth-first search continuing the queue ``queue[head:tail]``.

    Nodes with ``stop`` set are not expanded: those of component ``big`` only raise the
    returned flag, the others are appended to ``held``. Returns the new tail, the number
    held and the flag."""
    hit = False
    while head < tail:
        u = queue[head]
        head += 1
        if stop[u]:
            if comp[u] == big:
                hit = True
            else:
                held[n_held] = u
                n_held += 1
            continue
        for e in range(indptr[u], indptr[u + 1]):
            v = dst[e]
            if not visited[v]:
                visited[v] = True
                queue[tail] = v
                tail += 1
    return tail, n_held, hit


@njit(cache=True)
def _add_singleton_reach(indptr: np.ndarray, dst: np.ndarray, comp: np.ndarray, n_comp: int,
                         nodes: np.ndarray, totals: np.ndarray, visited: np.ndarray,
                         in_reach: np.ndarray, queue: np.ndarray, held: np.ndarray) -> None:
    """Add to ``totals[i]`` the number of nodes ``nodes[i]`` reaches in one world.

    R, the set reached from the largest strongly connected component B, is found once.
    A search from a node outside B does not enter R; if it touched B its reach is
    |R| plus what it found outside R, otherwise the R-nodes it touched are searched
    afterwards. Nodes of one component share their reach, computed once."""
    n = len(indptr) - 1
    no_stop = np.zeros(n, dtype=np.bool_)
    size = np.zeros(n_comp, dtype=np.int64)
    for v in range(n):
        size[comp[v]] += 1
    big = 0
    for c in range(n_comp):
        if size[c] > size[big]:
            big = c
    reach_big = 0
    if size[big] > 1:
        start = 0
        while comp[start] != big:
            start += 1
        visited[start] = True
        queue[0] = start
        reach_big, _, _ = _search(indptr, dst, visited, queue, 0, 1, no_stop, comp, -1,
                                  held, 0)
        for i in range(reach_big):
            in_reach[queue[i]] = True
            visited[queue[i]] = False
    memo = np.full(n_comp, -1, dtype=np.int64)
    for i in range(len(nodes)):
        c = nodes[i]
        label = comp[c]
        if memo[label] < 0:
            if reach_big > 0 and label == big:
                memo[label] = reach_big
            else:
                memo[label] = _reach_one(indptr, dst, comp, big, reach_big, c, visited,
                                         in_reach, no_stop, queue, held)
        totals[i] += memo[label]
    if reach_big > 0:
        in_reach[:] = False


@njit(cache=True)
def _reach_one(indptr: np.ndarray, dst: np.ndarray, comp: np.ndarray, big: int,
               reach_big: int, c: int, visited: np.ndarray, in_reach: np.ndarray,
               no_stop: np.ndarray, queue: np.ndarray, held: np.ndarray) -> int:
    """Nodes reachable from ``c`` (not in component ``big``), given R = ``in_reach``."""
    visited[c] = True
    queue[0] = c
    tail, n_held, hit = _search(indptr, dst, visited, queue, 0, 1, in_reach, comp, big,
                                held, 0)
    outside = 0
    for j in range(tail):
        u = queue[j]
        if not in_reach[u]:
            outside += 1
            visited[u] = False
        elif hit:
            visited[u] = False
    if hit:  # everything in R is reached, and counted by reach_big
        return reach_big + outside
    # the R-nodes touched (all held) are searched on; their reach stays inside R
    for j in range(n_held):
        queue[j] = held[j]
    end, _, _ = _search(indptr, dst, visited, queue, 0, n_held, no_stop, comp, -1, held, 0)
    for j in range(end):
        visited[queue[j]] = False
    return outside + end


def _celf_worlds(network: Network, probability: float, worlds: int, stream: int) -> _Worlds:
    if network.mixed:
        raise ScenarioError("celf: a fully mixed population has no edges to spread along")
    _check_celf(probability, worlds, 1, prefix="celf ")
    return _Worlds(network, float(probability), int(worlds), stream)


def expected_spread(
    network: Network,
    seed_sets: list[NDArray[np.int64]] | list[list[int]],
    stream: int,
    *,
    probability: float = CELF_PROBABILITY,
    worlds: int = CELF_WORLDS,
) -> NDArray[np.float64]:
    """Estimated independent-cascade spread of each seed set, on common live-edge worlds.

    The spread of a set is the mean, over ``worlds`` live-edge graphs sampled once from
    ``stream``, of the number of nodes reachable from it (the seeds included): the
    expected final number of adopters of the cascade. With the same stream, network,
    ``probability`` and ``worlds`` the worlds are exactly those :func:`celf_greedy`
    optimises on, so sets are compared without sampling noise between them.

    Parameters
    ----------
    network : Network
        A network with edges.
    seed_sets : list of array_like of int
        Node indices of each set.
    stream : int
        Stream key (>= 0) of the worlds.
    probability : float, default 0.05
        Activation probability of an edge of weight 1 (an edge of weight ``w`` is live
        with probability ``clip(probability * w, 0, 1)``).
    worlds : int, default 200
        Number of live-edge worlds.

    Returns
    -------
    numpy.ndarray
        float64 estimated spread of each set.

    References
    ----------
    .. [1] Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of
       influence through a social network. KDD 2003, 137-146.
    """
    sample = _celf_worlds(network, probability, worlds, stream)
    out = np.empty(len(seed_sets))
    for i, seeds in enumerate(seed_sets):
        nodes = np.asarray(seeds, dtype=_I64).reshape(-1)
        if nodes.size and (nodes.min() < 0 or nodes.max() >= network.n):
            raise ScenarioError(f"expected_spread: node ids must be in 0..{network.n - 1}")
        sample.reset()
        out[i] = sum(sample.cover(int(v)) for v in nodes.tolist()) / sample.count
    return out


def celf_greedy(
    network: Network,
    count: int,
    stream: int,
    *,
    probability: float = CELF_PROBABILITY,
    worlds: int = CELF_WORLDS,
    candidates: int = CELF_CANDIDATES,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Greedy influence maximisation on the independent cascade, with CELF.

    The expected spread of a seed set in the independent cascade is monotone and
    submodular, so choosing, ``count`` times, the node of largest marginal gain comes
    within a factor 1 - 1/e of the best set (Kempe et al. 2003). The spread is estimated
    on ``worlds`` live-edge graphs sampled once (see :func:`expected_spread`); on fixed
    worlds the estimate is itself a coverage function, so submodularity holds exactly
    and the lazy-forward evaluation of Leskovec et al. (2007) is exact: a node's gain
    from an earlier round bounds its current gain, so only nodes whose stale bound tops
    the queue are re-evaluated. Gains are integer counts over the worlds, so the result
    equals plain greedy, ties going to the lower node index.

    For scale the seeds are chosen among the ``max(candidates, count)`` nodes of largest
    out-degree (ties to the lower index); the spread still counts every node. Set
    ``candidates >= n`` for the unrestricted greedy. Cost: sampling O(worlds * p * m);
    the first round one search per candidate and world, shortened by sharing reach
    within strongly connected components; later rounds search only outside what the
    chosen seeds already reach. Memory: 8 bytes per live edge plus n / 8 bytes per
    world. Computed in numba.

    Parameters
    ----------
    network : Network
        A network with edges.
    count : int
        Number of seeds, ``0 <= count <= n``.
    stream : int
        Stream key (>= 0) of the worlds.
    probability : float, default 0.05
        Activation probability of an edge of weight 1, in [0, 1].
    worlds : int, default 200
        Number of live-edge worlds (>= 1); the standard error of a spread estimate
        falls as ``1 / sqrt(worlds)``.
    candidates : int, default 500
        Size of the candidate pool (>= 1).

    Returns
    -------
    seeds : numpy.ndarray
        int64 node indices in the order chosen.
    gains : numpy.ndarray
        float64 estimated marginal gain of each seed; their cumulative sum is the
        estimated spread of the first k seeds.

    References
    ----------
    .. [1] Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of
       influence through a social network. KDD 2003, 137-146.
    .. [2] Leskovec, J., Krause, A., Guestrin, C., Faloutsos, C., VanBriesen, J. and
       Glance, N. (2007). Cost-effective outbreak detection in networks. KDD 2007,
       420-429.
    """
    n = network.n
    count = _as_int(count, "count")
    if not 0 <= count <= n:
        raise ScenarioError(f"count: {count} nodes asked for but the network has {n}")
    _check_celf(probability, worlds, candidates, prefix="celf ")
    sample = _celf_worlds(network, probability, worlds, stream)
    if count == 0:
        return _EMPTY.copy(), np.empty(0)
    pool = np.lexsort((np.arange(n), -network.out_degree))[:max(int(candidates), count)]
    pool = pool.astype(_I64)
    first = sample.singleton_totals(pool)
    # heap of (-gain bound, node, round the bound was computed in)
    heap = [(-int(g), int(v), 0) for g, v in zip(first.tolist(), pool.tolist(), strict=True)]
    heapq.heapify(heap)
    seeds: list[int] = []
    gains: list[int] = []
    while len(seeds) < count:
        bound, node, done = heapq.heappop(heap)
        if done == len(seeds):
            seeds.append(node)
            gains.append(sample.cover(node))
            continue
        heapq.heappush(heap, (-sample.gain(node), node, len(seeds)))
    return np.asarray(seeds, dtype=_I64), np.asarray(gains, dtype=np.float64) / sample.count
