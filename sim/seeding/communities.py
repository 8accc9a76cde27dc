"""Communities for seeding: stochastic-block-model blocks or Louvain, and the round-robin
order that spreads seeds over them.

References
----------
Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast unfolding
of communities in large networks. Journal of Statistical Mechanics, P10008.

Traag, V. A., Waltman, L. and van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
well-connected communities. Scientific Reports 9, 5233.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from numba import njit
from numpy.typing import NDArray

from ..errors import ScenarioError
from ..network import Network
from ..rng import MASK64, Purpose, mix_jit, prefix
from .graph import undirected

__all__ = ["CommunityMethod", "communities", "round_robin"]

CommunityMethod = Literal["auto", "blocks", "louvain"]

_I64 = np.int64


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
        g = undirected(network, weighted=True)
        key = np.uint64(prefix(int(stream) & MASK64, 0, Purpose.COMMUNITY))
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


def round_robin(network: Network, groups: list[NDArray[np.int64]]) -> NDArray[np.int64]:
    """All nodes in round-robin order over communities, to spread seeds among them.

    Round ``r`` takes the ``r``-th highest out-degree node of every community (largest
    community first), ties to the lower index.

    Parameters
    ----------
    network : Network
        The network the communities partition.
    groups : list of numpy.ndarray
        The communities, as from :func:`communities`.

    Returns
    -------
    numpy.ndarray
        int64 permutation of ``0..n-1``.
    """
    n = network.n
    degree = network.out_degree
    group_of = np.empty(n, dtype=_I64)
    depth = np.empty(n, dtype=_I64)
    for g, members in enumerate(groups):
        ranked = members[np.lexsort((members, -degree[members]))]
        group_of[ranked] = g
        depth[ranked] = np.arange(len(ranked))
    return np.lexsort((group_of, depth))
