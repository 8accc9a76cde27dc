"""Stream-independent centralities: PageRank in the direction of influence, core numbers.

Both are computed once per network and cached (networks are immutable).

References
----------
Page, L., Brin, S., Motwani, R. and Winograd, T. (1999). The PageRank citation ranking:
bringing order to the web. Stanford InfoLab technical report 1999-66.

Seidman, S. B. (1983). Network structure and minimum degree. Social Networks 5,
269-287.

Batagelj, V. and Zaversnik, M. (2003). An O(m) algorithm for cores decomposition of
networks. arXiv:cs/0310049.
"""

from __future__ import annotations

import weakref

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray

from ..errors import ScenarioError
from ..network import Network
from .graph import listeners, undirected

__all__ = ["core_numbers", "pagerank_scores"]

_I64 = np.int64

# Stream-independent scores, computed once per network (networks are immutable).
_CACHE: weakref.WeakKeyDictionary[Network, dict[str, NDArray]] = weakref.WeakKeyDictionary()


def _cached(network: Network, key: str) -> NDArray | None:
    return _CACHE.get(network, {}).get(key)


def _store(network: Network, key: str, value: NDArray) -> NDArray:
    value.setflags(write=False)
    _CACHE.setdefault(network, {})[key] = value
    return value


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
    rows = listeners(network)
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

    Parameters
    ----------
    network : Network
        Any network (a fully mixed population has core number 0 everywhere).

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
    g = undirected(network, weighted=False)
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
