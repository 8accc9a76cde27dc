"""Tie strength from the network's structure: neighbourhood overlap (Onnela et al. 2007).

Two people with many friends in common are close; a tie whose ends share no friend is
an acquaintance that bridges two circles (Granovetter 1973). :func:`overlap` measures
this on every tie, :func:`overlap_weak_ties` marks the least overlapping share of the ties
weak, and :func:`average_clustering` reuses the same common-neighbour counts.

References
----------
Granovetter, M. S. (1973). The strength of weak ties. American Journal of Sociology 78,
1360-1380.
Onnela, J.-P., Saramaki, J., Hyvonen, J., Szabo, G., Lazer, D., Kaski, K., Kertesz, J.
and Barabasi, A.-L. (2007). Structure and tie strengths in mobile communication networks.
PNAS 104(18), 7332-7336.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

from ..rng import Purpose, stream_key, uniform_array
from .csr import Network, from_edges, lower_bound


@njit(cache=True)
def _shared(indices: np.ndarray, a0: int, a1: int, b0: int, b1: int) -> int:
    """Size of the intersection of the sorted slices ``indices[a0:a1]`` (the shorter)
    and ``indices[b0:b1]``: a merge when their lengths are close, else each element of
    the first searched in what is left of the second (O(len(a) log len(b)))."""
    count = 0
    lo = b0
    if 8 * (a1 - a0) >= b1 - b0:
        p = a0
        while p < a1 and lo < b1:
            if indices[p] < indices[lo]:
                p += 1
            elif indices[p] > indices[lo]:
                lo += 1
            else:
                count += 1
                p += 1
                lo += 1
        return count
    for p in range(a0, a1):
        lo = lower_bound(indices, lo, b1, indices[p])
        if lo == b1:
            break
        if indices[lo] == indices[p]:
            count += 1
            lo += 1
    return count


@njit(cache=True, parallel=True)
def _locate(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray,
            cols: np.ndarray) -> np.ndarray:
    """Position of the edge from ``cols[p]`` in row ``rows[p]`` (it must be stored)."""
    out = np.empty(len(rows), dtype=np.int64)
    for p in prange(len(rows)):
        out[p] = lower_bound(indices, indptr[rows[p]], indptr[rows[p] + 1], cols[p])
    return out


@njit(cache=True, parallel=True)
def _common_neighbours(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Number of common neighbours of the two ends of every stored edge of an
    undirected CSR (each tie intersected once, from its larger end's row)."""
    n = len(indptr) - 1
    out = np.zeros(len(indices), dtype=np.int64)
    for v in prange(n):
        for p in range(indptr[v], indptr[v + 1]):
            u = indices[p]
            if u > v:
                break
            if indptr[u + 1] - indptr[u] < indptr[v + 1] - indptr[v]:
                out[p] = _shared(indices, indptr[u], indptr[u + 1], indptr[v], indptr[v + 1])
            else:
                out[p] = _shared(indices, indptr[v], indptr[v + 1], indptr[u], indptr[u + 1])
            out[lower_bound(indices, indptr[u], indptr[u + 1], v)] = out[p]
    return out


def _undirected(net: Network) -> Network:
    """``net`` itself if undirected, else its undirected projection."""
    if not net.directed:
        return net
    listener = np.repeat(np.arange(net.n, dtype=np.int64), net.in_degree)
    return from_edges(net.indices, listener, n=net.n)


def common_neighbours(net: Network) -> NDArray[np.int64]:
    """Common neighbours ``n_ij`` of the ends of every stored edge of an undirected
    network (int64, aligned with ``net.indices``; both directions of a tie agree)."""
    return _common_neighbours(net.indptr, net.indices.astype(np.int64))


def overlap(net: Network) -> NDArray[np.float64]:
    """Neighbourhood overlap of every stored edge of an undirected network.

    ``O_ij = n_ij / ((k_i - 1) + (k_j - 1) - n_ij)`` with ``n_ij`` the common neighbours
    of i and j and ``k`` the degrees (Onnela et al. 2007); 0 for an isolated pair
    (``k_i = k_j = 1``), which has no other neighbour to share.

    Parameters
    ----------
    net : Network
        Undirected network.

    Returns
    -------
    numpy.ndarray
        float64 overlap in [0, 1], aligned with ``net.indices``; the two directions of
        a tie get exactly the same value.

    References
    ----------
    .. [1] Onnela, J.-P. et al. (2007). Structure and tie strengths in mobile
       communication networks. PNAS 104(18), 7332-7336.
    """
    shared = common_neighbours(net)
    degree = net.in_degree
    listener = np.repeat(degree, degree)
    source = degree[net.indices]
    denominator = (listener - 1) + (source - 1) - shared
    return np.divide(shared, denominator, out=np.zeros(len(shared)), where=denominator > 0)


def average_clustering(net: Network) -> float:
    """Mean local clustering coefficient of an undirected network (Watts and Strogatz
    1998), nodes of degree < 2 counting 0, as networkx's ``average_clustering``."""
    degree = net.in_degree
    rows = np.repeat(np.arange(net.n), degree)
    triangles = np.bincount(rows, weights=common_neighbours(net), minlength=net.n) / 2.0
    pairs = degree * (degree - 1) / 2.0
    local = np.divide(triangles, pairs, out=np.zeros(net.n), where=pairs > 0)
    return float(local.mean())


def overlap_weak_ties(net: Network, weak_share: float, seed: int) -> NDArray[np.bool_]:
    """Which stored edges are weak: the share ``weak_share`` of the ties with the lowest
    neighbourhood overlap (:func:`overlap`).

    Ties are ranked by overlap on the undirected network (the undirected projection of
    a directed one). Ties of equal overlap are ordered by a draw keyed by their unordered
    pair of ends and the seed (purpose ``TIES``), so the choice is deterministic and does
    not favour old or young nodes. ``round(weak_share * ties)`` ties are weak; both
    directions of a tie (and both directed edges of a reciprocated pair) agree.

    Parameters
    ----------
    net : Network
        The network.
    weak_share : float
        Share of the ties that are weak, in [0, 1].
    seed : int
        Seed of the network (``network.seed`` or ``run.seed``).

    Returns
    -------
    numpy.ndarray
        bool mask aligned with ``net.indices``.

    References
    ----------
    .. [1] Onnela, J.-P. et al. (2007). Structure and tie strengths in mobile
       communication networks. PNAS 104(18), 7332-7336.
    .. [2] Granovetter, M. S. (1973). The strength of weak ties. American Journal of
       Sociology 78, 1360-1380.
    """
    und = _undirected(net)
    listener = np.repeat(np.arange(und.n, dtype=np.int64), und.in_degree)
    source = und.indices.astype(np.int64)
    once = np.flatnonzero(source < listener)
    key = source[once].astype(np.uint64) * np.uint64(1 << 32) + listener[once].astype(np.uint64)
    ties = uniform_array(stream_key(seed, 0), 0, key, Purpose.TIES)
    weak_slots = once[np.lexsort((ties, overlap(und)[once]))[:round(weak_share * len(once))]]
    weak = np.zeros(und.n_edges, dtype=bool)
    weak[weak_slots] = True
    weak[_locate(und.indptr, und.indices, source[weak_slots], listener[weak_slots])] = True
    if not net.directed:
        return weak
    own = np.repeat(np.arange(net.n, dtype=np.int64), net.in_degree)
    return weak[_locate(und.indptr, und.indices, own, net.indices.astype(np.int64))]
