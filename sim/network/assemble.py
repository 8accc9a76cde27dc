"""numba kernels that assemble a CSR from edge arrays, for :func:`sim.network.from_edges`.

A counting sort puts every edge in its row (two rows for an undirected edge), in input
order; each row is then sorted by source id and its repeated sources dropped, keeping
the first occurrence (the sort carries weights stably), and the rows are moved down in
place over the dropped entries. Only the final arrays are allocated, plus a row cursor:
a build holds the input edges and one CSR, where sorting (row, column) keys held several
times that.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

#: Rows up to this length are sorted by insertion (stable, and fastest on short rows).
_SHORT_ROW = 32


@njit(cache=True)
def _row_starts(src: np.ndarray, dst: np.ndarray, n: int, directed: bool) -> np.ndarray:
    """indptr of the rows before duplicates are dropped: row ``dst`` holds ``src``, and
    row ``src`` holds ``dst`` too when undirected; self-loops are left out."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(src.size):
        s, d = src[i], dst[i]
        if s == d:
            continue
        indptr[d + 1] += 1
        if not directed:
            indptr[s + 1] += 1
    for v in range(n):
        indptr[v + 1] += indptr[v]
    return indptr


@njit(cache=True)
def _scatter(src: np.ndarray, dst: np.ndarray, weights: np.ndarray, indptr: np.ndarray,
             directed: bool, indices: np.ndarray, out_w: np.ndarray) -> None:
    """Fill ``indices`` and ``out_w`` (float32) with the sources and weights of every
    row, in input order (counting sort). An empty ``weights`` means every edge weighs 1."""
    n = indptr.size - 1
    cursor = indptr[:n].copy()
    weighted = weights.size > 0
    for i in range(src.size):
        s, d = src[i], dst[i]
        if s == d:
            continue
        w = np.float32(weights[i]) if weighted else np.float32(1.0)
        p = cursor[d]
        cursor[d] = p + 1
        indices[p] = s
        out_w[p] = w
        if not directed:
            p = cursor[s]
            cursor[s] = p + 1
            indices[p] = d
            out_w[p] = w


@njit(cache=True)
def _sort_row(indices: np.ndarray, weights: np.ndarray, a: int, b: int,
              weighted: bool) -> None:
    """Sort ``indices[a:b]`` in place, carrying ``weights`` stably when ``weighted``."""
    if b - a <= _SHORT_ROW:
        for p in range(a + 1, b):
            key, w = indices[p], weights[p]
            q = p - 1
            while q >= a and indices[q] > key:
                indices[q + 1] = indices[q]
                weights[q + 1] = weights[q]
                q -= 1
            indices[q + 1] = key
            weights[q + 1] = w
    elif weighted:
        order = np.argsort(indices[a:b], kind="mergesort")
        keys = indices[a:b].copy()
        ws = weights[a:b].copy()
        for j in range(b - a):
            indices[a + j] = keys[order[j]]
            weights[a + j] = ws[order[j]]
    else:
        indices[a:b].sort()


@njit(cache=True, parallel=True)
def _sort_rows(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray,
               weighted: bool) -> np.ndarray:
    """Sort every row and move its distinct sources to its front (first weight kept);
    returns how many each row keeps."""
    n = indptr.size - 1
    kept = np.empty(n, dtype=np.int64)
    for v in prange(n):
        a, b = indptr[v], indptr[v + 1]
        _sort_row(indices, weights, a, b, weighted)
        k = a
        for p in range(a, b):
            if p == a or indices[p] != indices[k - 1]:
                indices[k] = indices[p]
                weights[k] = weights[p]
                k += 1
        kept[v] = k - a
    return kept


@njit(cache=True)
def _compact(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray,
             kept: np.ndarray) -> int:
    """Keep the first ``kept[v]`` entries of every row, moved down in place (``indptr``
    rewritten); returns how many entries are kept in all."""
    n = kept.size
    out = 0
    for v in range(n):
        a = indptr[v]
        indptr[v] = out
        for j in range(kept[v]):
            indices[out + j] = indices[a + j]
            weights[out + j] = weights[a + j]
        out += kept[v]
    indptr[n] = out
    return out


def assemble(src: np.ndarray, dst: np.ndarray, weights: np.ndarray | None, n: int,
             directed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(indptr, indices, weights)`` of the edges ``src[i] -> dst[i]`` (checked node ids
    below ``n``, of one integer dtype): self-loops dropped, rows sorted by source, a
    repeated edge (an unordered pair when undirected) kept once with its first weight.

    The output arrays are numpy's own, so that once repeated edges are moved out in
    place they shrink where they are (``resize``) instead of being copied.
    """
    indptr = _row_starts(src, dst, n, directed)
    indices = np.empty(indptr[-1], dtype=np.uint32)
    out_w = np.empty(indptr[-1], dtype=np.float32)
    _scatter(src, dst, np.empty(0) if weights is None else weights, indptr, directed,
             indices, out_w)
    kept = _sort_rows(indptr, indices, out_w, weights is not None)
    total = _compact(indptr, indices, out_w, kept)
    if total < indices.size:
        indices.resize(total, refcheck=False)
        out_w.resize(total, refcheck=False)
    return indptr, indices, out_w


#: What :func:`row_problem` finds wrong, in the order it checks.
ROWS_OK, ID_TOO_LARGE, UNSORTED, NOT_FINITE, ONE_WAY = range(5)


@njit(cache=True)
def row_problem(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray,
                undirected: bool) -> tuple[int, int]:
    """The first problem of a CSR whose ``indptr`` is valid, as ``(code, largest id)``:
    :data:`ID_TOO_LARGE` (a source not below n), :data:`UNSORTED` (a row not strictly
    increasing), :data:`NOT_FINITE` (a weight), :data:`ONE_WAY` (undirected, yet a node
    listens to a different number of nodes than listen to it), else :data:`ROWS_OK`.
    One pass, no temporary besides the degree count of an undirected check."""
    n = indptr.size - 1
    top = 0
    for p in range(indices.size):
        top = max(top, np.int64(indices[p]))
    if indices.size and top >= n:
        return ID_TOO_LARGE, top
    for v in range(n):
        for p in range(indptr[v] + 1, indptr[v + 1]):
            if indices[p] <= indices[p - 1]:
                return UNSORTED, top
    for p in range(weights.size):
        if not np.isfinite(weights[p]):
            return NOT_FINITE, top
    if undirected:
        reached = count_sources(indices, n)
        for v in range(n):
            if reached[v] != indptr[v + 1] - indptr[v]:
                return ONE_WAY, top
    return ROWS_OK, top


@njit(cache=True)
def count_sources(indices: np.ndarray, n: int) -> np.ndarray:
    """How many times each node ``0..n-1`` appears in ``indices`` (int64): its out-degree."""
    counts = np.zeros(n, dtype=np.int64)
    for p in range(indices.size):
        counts[indices[p]] += 1
    return counts
