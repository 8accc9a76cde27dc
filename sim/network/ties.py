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

from ..rng import Purpose, draw_bits, prefix, stream_key, tie_key_jit
from .csr import Network, from_edges, lower_bound


@njit(cache=True)
def _tie_starts(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Rank of the first tie of every row (and the number of ties last).

    Each tie of an undirected CSR is ranked once, by the position of its lower end in
    its higher end's row: the ties of row ``v`` are the entries below ``v`` (a prefix
    of the sorted row), ranked ``first[v], first[v] + 1, ...``.
    """
    n = indptr.size - 1
    first = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        below = lower_bound(indices, indptr[v], indptr[v + 1], v) - indptr[v]
        first[v + 1] = first[v] + below
    return first


@njit(cache=True, parallel=True)
def _tie_shared(indptr: np.ndarray, indices: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Common neighbours of the two ends of every tie (uint32, by tie rank).

    Each tie is counted at its end of larger (degree, id): that row's neighbours are
    marked, then the other end's row (the shorter) is scanned for marks, so a tie costs
    its smaller degree. Rows are dealt to chunks in turn, so hubs spread over threads.
    """
    n = indptr.size - 1
    shared = np.empty(first[n], dtype=np.uint32)
    chunks = min(n, 256)
    for c in prange(chunks):
        mark = np.zeros(n, dtype=np.bool_)
        for v in range(c, n, chunks):
            a, b = indptr[v], indptr[v + 1]
            for p in range(a, b):
                mark[indices[p]] = True
            for p in range(a, b):
                u = indices[p]
                du = indptr[u + 1] - indptr[u]
                if du > b - a or (du == b - a and u > v):
                    continue  # counted from u's row
                count = 0
                for q in range(indptr[u], indptr[u + 1]):
                    if mark[indices[q]]:
                        count += 1
                if u < v:
                    shared[first[v] + p - a] = count
                else:
                    at = lower_bound(indices, indptr[u], indptr[u + 1], v)
                    shared[first[u] + at - indptr[u]] = count
            for p in range(a, b):
                mark[indices[p]] = False
    return shared


@njit(cache=True, parallel=True)
def _tie_overlap(indptr: np.ndarray, indices: np.ndarray, first: np.ndarray,
                 shared: np.ndarray) -> np.ndarray:
    """Neighbourhood overlap of every tie (float64, by tie rank); see :func:`overlap`."""
    n = indptr.size - 1
    out = np.empty(first[n], dtype=np.float64)
    for v in prange(n):
        a = indptr[v]
        kv = indptr[v + 1] - a
        for r in range(first[v], first[v + 1]):
            u = indices[a + r - first[v]]
            s = np.int64(shared[r])
            denominator = (kv - 1) + (indptr[u + 1] - indptr[u] - 1) - s
            out[r] = s / denominator if denominator > 0 else 0.0
    return out


@njit(cache=True)
def _on_edges(indptr: np.ndarray, indices: np.ndarray, first: np.ndarray,
              per_tie: np.ndarray) -> np.ndarray:
    """A value per tie spread to both stored edges of the tie (aligned with indices).

    The ties of row ``v`` sit below ``v``; their mirrors, the entries of row ``u`` above
    ``u``, are met in increasing ``v`` as rows are visited in order, so a cursor per
    row finds each mirror without a search.
    """
    n = indptr.size - 1
    out = np.empty(indices.size, dtype=per_tie.dtype)
    above = np.empty(n, dtype=np.int64)  # next entry above u in row u
    for u in range(n):
        above[u] = indptr[u] + first[u + 1] - first[u]
    for v in range(n):
        a = indptr[v]
        for r in range(first[v], first[v + 1]):
            p = a + r - first[v]
            u = indices[p]
            out[p] = per_tie[r]
            out[above[u]] = per_tie[r]
            above[u] += 1
    return out


@njit(cache=True, parallel=True)
def _locate(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray,
            cols: np.ndarray) -> np.ndarray:
    """Position of the edge from ``cols[p]`` in row ``rows[p]`` (it must be stored)."""
    out = np.empty(len(rows), dtype=np.int64)
    for p in prange(len(rows)):
        out[p] = lower_bound(indices, indptr[rows[p]], indptr[rows[p] + 1], cols[p])
    return out


def _undirected(net: Network) -> Network:
    """``net`` itself if undirected, else its undirected projection."""
    if not net.directed:
        return net
    listener = np.repeat(np.arange(net.n, dtype=np.int64), net.in_degree)
    return from_edges(net.indices, listener, n=net.n)


def _ties(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """``(first, shared)``: the tie ranks of every row (:func:`_tie_starts`) and the
    common neighbours of every tie (:func:`_tie_shared`) of an undirected network."""
    first = _tie_starts(net.indptr, net.indices)
    return first, _tie_shared(net.indptr, net.indices, first)


def common_neighbours(net: Network) -> NDArray[np.int64]:
    """Common neighbours ``n_ij`` of the ends of every stored edge of an undirected
    network (int64, aligned with ``net.indices``; both directions of a tie agree)."""
    first, shared = _ties(net)
    return _on_edges(net.indptr, net.indices, first, shared.astype(np.int64))


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
    first, shared = _ties(net)
    return _on_edges(net.indptr, net.indices, first,
                     _tie_overlap(net.indptr, net.indices, first, shared))


def average_clustering(net: Network) -> float:
    """Mean local clustering coefficient of an undirected network (Watts and Strogatz
    1998), nodes of degree < 2 counting 0, as networkx's ``average_clustering``."""
    degree = net.in_degree
    rows = np.repeat(np.arange(net.n), degree)
    triangles = np.bincount(rows, weights=common_neighbours(net), minlength=net.n) / 2.0
    pairs = degree * (degree - 1) / 2.0
    local = np.divide(triangles, pairs, out=np.zeros(net.n), where=pairs > 0)
    return float(local.mean())


@njit(cache=True)
def _ranked_hist(indptr: np.ndarray, indices: np.ndarray, first: np.ndarray,
                 keys: np.ndarray, pre: np.uint64, level: int, prefix: np.ndarray,
                 hist: np.ndarray) -> None:
    """Histogram of the 16-bit digit ``level`` of the ties' sort keys among the ties
    whose higher digits equal ``prefix``; see :func:`_lowest_ties`."""
    hist[:] = 0
    shift = np.uint64(48 - 16 * (level % 4))
    for v in range(indptr.size - 1):
        a = indptr[v]
        for r in range(first[v], first[v + 1]):
            x = keys[r]
            if (x & prefix[1]) != prefix[0]:
                continue
            if level >= 4:
                x = draw_bits(pre, tie_key_jit(indices[a + r - first[v]], v))
                if (x & prefix[3]) != prefix[2]:
                    continue
            hist[(x >> shift) & np.uint64(0xFFFF)] += 1


@njit(cache=True)
def _lowest_ties(indptr: np.ndarray, indices: np.ndarray, first: np.ndarray,
                 values: np.ndarray, k: int, pre: np.uint64) -> np.ndarray:
    """Mask of the ``k`` ties first in the order of (overlap, ``TIES`` draw, rank), for
    ``0 < k < ties``.

    A tie's sort key is the bits of its overlap (a float >= 0 orders as its bits)
    followed by the 53 bits of its draw, keyed by its ends (lower id first) as
    :func:`sim.rng.uniform_array` of :func:`sim.rng.tie_key`. The key of the k-th tie is
    found 16 bits at a time from histograms (a radix select), so nothing of the size of
    the ties is allocated but the mask, and draws are computed only for the ties whose
    overlap equals the k-th's. Ties of exactly the k-th key are taken in rank order.
    """
    keys = values.view(np.uint64)
    prefix = np.zeros(4, dtype=np.uint64)  # overlap bits, their mask, draw bits, mask
    hist = np.empty(1 << 16, dtype=np.int64)
    want = k  # rank of the k-th tie among the ties sharing the key's known digits
    for level in range(8):
        _ranked_hist(indptr, indices, first, keys, pre, level, prefix, hist)
        digit = 0
        while hist[digit] < want:
            want -= hist[digit]
            digit += 1
        shift = np.uint64(48 - 16 * (level % 4))
        at = 2 * (level // 4)
        prefix[at] |= np.uint64(digit) << shift
        prefix[at + 1] |= np.uint64(0xFFFF) << shift
    chosen = np.zeros(values.size, dtype=np.bool_)
    for v in range(indptr.size - 1):
        a = indptr[v]
        for r in range(first[v], first[v + 1]):
            if keys[r] < prefix[0]:
                chosen[r] = True
            elif keys[r] == prefix[0]:
                d = draw_bits(pre, tie_key_jit(indices[a + r - first[v]], v))
                if d < prefix[2] or (d == prefix[2] and want > 0):
                    chosen[r] = True
                    want -= d == prefix[2]
    return chosen


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
    first, shared = _ties(und)
    values = _tie_overlap(und.indptr, und.indices, first, shared)
    del shared
    k = round(weak_share * len(values))
    if 0 < k < len(values):
        pre = np.uint64(prefix(stream_key(seed, 0), 0, Purpose.TIES))
        weak_ties = _lowest_ties(und.indptr, und.indices, first, values, k, pre)
    else:
        weak_ties = np.full(len(values), k > 0)
    weak = _on_edges(und.indptr, und.indices, first, weak_ties)
    if not net.directed:
        return weak
    own = np.repeat(np.arange(net.n, dtype=np.int64), net.in_degree)
    return weak[_locate(und.indptr, und.indices, own, net.indices.astype(np.int64))]
