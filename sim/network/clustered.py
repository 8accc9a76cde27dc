"""Clustered community networks: Holme-Kim growth inside communities, preferential
bridges between them.

The generator :func:`clustered` gives the three features of social networks that the
plain Barabasi-Albert graph lacks or has alone: communities (planted, kept in
:attr:`Network.blocks`), hubs (preferential attachment inside and between communities)
and clustering (triad formation, Holme and Kim 2002). It runs in two numba passes over
int32 edge arrays and a linked list of edge ends, in time O(n m) up to the walks of the
triad steps, with memory about that of the final CSR arrays; the same seed gives the
same arrays (a private SplitMix64 stream, as the other sequential generators).

References
----------
Holme, P. and Kim, B. J. (2002). Growing scale-free networks with tunable clustering.
Physical Review E 65, 026107.
Lancichinetti, A., Fortunato, S. and Radicchi, F. (2008). Benchmark graphs for testing
community detection algorithms. Physical Review E 78, 046110.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..errors import NetworkError
from .csr import Network, from_edges
from .generators import _check_count, _check_probability, _next_below, _next_unit, _numba_state

_I32 = np.int32
#: Largest n * m: edge ends are counted in int32.
MAX_CLUSTERED_EDGES = 2**30 - 1


@njit(cache=True)
def _end(src: np.ndarray, dst: np.ndarray, slot: int) -> int:
    """Node at edge end ``slot``: ``2 e`` is edge e's new node, ``2 e + 1`` its target."""
    return src[slot >> 1] if slot & 1 == 0 else dst[slot >> 1]


@njit(cache=True)
def _pick_attached(src: np.ndarray, dst: np.ndarray, first_slot: int, n_slots: int,
                   first_node: int, n_nodes: int, state: np.ndarray) -> int:
    """A node drawn with probability proportional to (degree + 1): one of the edge ends
    ``first_slot..first_slot + n_slots - 1`` or, uniformly, one of the nodes
    ``first_node..first_node + n_nodes - 1`` (the +1 lets degree-0 nodes be drawn)."""
    r = _next_below(state, n_slots + n_nodes)
    if r < n_slots:
        return _end(src, dst, first_slot + r)
    return first_node + r - n_slots


@njit(cache=True)
def _taken(chosen: np.ndarray, count: int, v: int) -> bool:
    """Whether ``v`` is among ``chosen[:count]``."""
    hits = 0
    for q in range(count):
        hits += chosen[q] == v
    return hits > 0


@njit(cache=True)
def _random_neighbour(src: np.ndarray, dst: np.ndarray, head: np.ndarray, nxt: np.ndarray,
                      degree: np.ndarray, w: int, state: np.ndarray) -> int:
    """A uniformly drawn neighbour of ``w`` (``w`` has degree >= 1)."""
    slot = head[w]
    for _ in range(_next_below(state, degree[w])):
        slot = nxt[slot]
    return _end(src, dst, slot ^ 1)


@njit(cache=True)
def _link(src: np.ndarray, dst: np.ndarray, head: np.ndarray, nxt: np.ndarray,
          degree: np.ndarray, e: int, t: int, v: int) -> None:
    """Store edge ``e = t - v`` and thread both ends onto their nodes' lists."""
    src[e] = t
    dst[e] = v
    nxt[2 * e] = head[t]
    head[t] = 2 * e
    nxt[2 * e + 1] = head[v]
    head[v] = 2 * e + 1
    degree[t] += 1
    degree[v] += 1


@njit(cache=True)
def _community_edges(starts: np.ndarray, m: int, triad: float, mixing: float,
                     state: np.ndarray):
    """Holme-Kim growth inside each community ``starts[c]..starts[c + 1] - 1``.

    Returns the edge arrays (room for ``n m`` edges), the number of edges stored and each
    node's quota of ties to other communities.
    """
    n = starts[-1]
    n_blocks = len(starts) - 1
    src = np.empty(n * m, dtype=np.int32)
    dst = np.empty(n * m, dtype=np.int32)
    nxt = np.empty(2 * n * m, dtype=np.int32)
    head = np.full(n, -1, dtype=np.int32)
    degree = np.zeros(n, dtype=np.int32)
    external = np.zeros(n, dtype=np.int32)
    chosen = np.empty(m, dtype=np.int64)
    e = 0
    for c in range(n_blocks):
        start = starts[c]
        size = starts[c + 1] - start
        e0 = e
        for i in range(size):
            t = start + i
            k_out = 0
            if n_blocks > 1:
                for _ in range(m):
                    k_out += _next_unit(state) < mixing
            k_in = min(m - k_out, i)
            if n_blocks > 1:  # a tie the young community cannot hold goes outside
                external[t] = min(m - k_in, n - size)
            anchor = -1
            for j in range(k_in):
                v = -1
                if anchor >= 0 and degree[anchor] > 0 and _next_unit(state) < triad:
                    v = _random_neighbour(src, dst, head, nxt, degree, anchor, state)
                    if _taken(chosen, j, v):
                        v = -1
                if v < 0:  # preferential attachment inside the community
                    v = _pick_attached(src, dst, 2 * e0, 2 * (e - e0), start, i, state)
                    while _taken(chosen, j, v):
                        v = _pick_attached(src, dst, 2 * e0, 2 * (e - e0), start, i, state)
                    anchor = v
                chosen[j] = v
            for j in range(k_in):
                _link(src, dst, head, nxt, degree, e, t, chosen[j])
                e += 1
    return src, dst, e, external


@njit(cache=True)
def _pick_bridge(src: np.ndarray, dst: np.ndarray, first: int, e: int, order: np.ndarray,
                 arrived: int, state: np.ndarray) -> int:
    """One of the ``arrived`` earlier nodes ``order[:arrived]``, drawn with probability
    proportional to (bridges + 1): an end of bridges ``first..e - 1`` or a uniform node."""
    r = _next_below(state, 2 * (e - first) + arrived)
    if r < 2 * (e - first):
        return _end(src, dst, 2 * first + r)
    return order[r - 2 * (e - first)]


@njit(cache=True)
def _bridge_edges(src: np.ndarray, dst: np.ndarray, e: int, external: np.ndarray,
                  starts: np.ndarray, blocks: np.ndarray, state: np.ndarray) -> int:
    """Bridges between communities, grown as a Barabasi-Albert graph: nodes arrive by
    their rank inside their community (every community's first node, then every second
    node, ...), and node ``t`` ties to up to ``external[t]`` distinct earlier nodes of
    other communities, drawn with probability proportional to (bridges + 1). Returns
    the number of edges stored."""
    n = len(external)
    n_blocks = len(starts) - 1
    order = np.empty(n, dtype=np.int32)
    chosen = np.empty(max(1, int(external.max())), dtype=np.int64)
    first = e
    arrived = 0
    for i in range(int(np.max(starts[1:] - starts[:-1]))):
        for c in range(n_blocks):
            t = starts[c] + i
            if t >= starts[c + 1]:
                continue
            k = min(external[t], arrived - i)  # earlier nodes of other communities
            for j in range(k):
                v = _pick_bridge(src, dst, first, e, order, arrived, state)
                while blocks[v] == blocks[t] or _taken(chosen, j, v):
                    v = _pick_bridge(src, dst, first, e, order, arrived, state)
                chosen[j] = v
            for j in range(k):
                src[e] = t
                dst[e] = chosen[j]
                e += 1
            order[arrived] = t
            arrived += 1
    return e


def community_sizes(n: int, community_size: int) -> list[int]:
    """Sizes of the ``max(1, round(n / community_size))`` near-equal communities of
    :func:`clustered` (the first ``n mod count`` are one larger)."""
    count = max(1, round(n / community_size))
    base, extra = divmod(n, count)
    return [base + (b < extra) for b in range(count)]


def clustered(n: int, m: int, *, triad: float, community_size: int, mixing: float,
              seed: int) -> Network:
    """Scale-free network with communities and tunable clustering.

    The ``n`` nodes are split into ``round(n / community_size)`` near-equal communities
    of consecutive ids (:func:`community_sizes`). Every node brings ``m`` ties; each is
    meant for another community with probability ``mixing`` (the LFR mixing parameter,
    Lancichinetti, Fortunato and Radicchi 2008), and the others stay inside.

    1. Inside each community, nodes arrive in id order and grow a Holme-Kim graph
       (Holme and Kim 2002): the first tie of a node goes to an earlier member drawn
       with probability proportional to its degree + 1 (preferential attachment); each
       further tie is, with probability ``triad``, a triad formation step (a random
       neighbour of the last preferentially chosen node, closing a triangle), else
       another preferential step. A triad step that hits a node already chosen falls
       back to preferential attachment. A node with fewer earlier members than its
       inside quota sends the rest of its ties outside.
    2. Then the bridges grow as a Barabasi-Albert graph across communities: nodes
       arrive by their rank inside their community (the first node of every community,
       then every second node, ...), and each ties to its outside quota of distinct
       earlier nodes of other communities, drawn with probability proportional to
       their number of bridges + 1. The old members, hubs of their own community,
       become the hubs that bridge communities. The first nodes to arrive find fewer
       earlier nodes than their quota and tie to all of them.

    The graph has at most ``n m`` edges (repeated bridges are merged), so the mean
    degree is close to ``2 m``.

    Parameters
    ----------
    n : int
        Number of nodes, >= 2.
    m : int
        Ties brought by each node, 1 <= m < n.
    triad : float
        Probability of a triad formation step, in [0, 1].
    community_size : int
        Target community size, >= 2.
    mixing : float
        Share of ties meant for other communities, in [0, 1].
    seed : int
        Seed (>= 0) of the random stream.

    Returns
    -------
    Network
        Undirected and unweighted, with ``blocks`` the community of each node.

    References
    ----------
    .. [1] Holme, P. and Kim, B. J. (2002). Growing scale-free networks with tunable
       clustering. Physical Review E 65, 026107.
    .. [2] Lancichinetti, A., Fortunato, S. and Radicchi, F. (2008). Benchmark graphs
       for testing community detection algorithms. Physical Review E 78, 046110.
    """
    n = _check_count(n, "n", minimum=2)
    m = _check_count(m, "m", minimum=1)
    size = _check_count(community_size, "community_size", minimum=2)
    if m >= n:
        raise NetworkError(f"clustered needs m < n, found m = {m}, n = {n}")
    if n * m > MAX_CLUSTERED_EDGES:
        raise NetworkError(f"clustered: n m = {n * m:,} is above {MAX_CLUSTERED_EDGES:,}")
    p_triad = _check_probability(triad, "triad")
    mu = _check_probability(mixing, "mixing")
    sizes = community_sizes(n, size)
    starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    blocks = np.repeat(np.arange(len(sizes), dtype=_I32), sizes)
    state = _numba_state(seed)
    src, dst, e, external = _community_edges(starts, m, p_triad, mu, state)
    e = _bridge_edges(src, dst, e, external, starts, blocks, state)
    # The ids are >= 0: viewed as uint32, from_edges keeps them without an int64 copy.
    return from_edges(src[:e].view(np.uint32), dst[:e].view(np.uint32), n=n, blocks=blocks,
                      name=f"clustered(n={n}, m={m}, triad={p_triad:g}, "
                           f"community_size={size}, mixing={mu:g}, seed={seed})")
