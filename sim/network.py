"""Influence networks: generators and edge-list loaders, all producing one CSR form.

Every network is a :class:`Network`, a compressed sparse row (CSR) adjacency indexed by
the *listener*: row ``v`` lists the nodes that can influence ``v``. All builders go
through :func:`from_edges`, which drops self-loops, removes duplicate edges (keeping the
first occurrence's weight) and sorts every row by source id, so the same edges give the
same arrays whatever their input order.

Random generators take ``seed`` (an integer >= 0) and are deterministic: the same
arguments give identical arrays in any process and with any numba thread count. They
never touch numpy's global random state. The vectorised samplers use
``numpy.random.default_rng(seed)``; the sequential ones (Barabasi-Albert,
Watts-Strogatz) run in numba on a private SplitMix64 stream seeded through
``numpy.random.SeedSequence(seed)``.

An edge ``u v`` in a file, or ``src[i], dst[i]`` in :func:`from_edges`, means that ``u``
can influence ``v``. Undirected edges influence both ways.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import operator
import os
import re
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import pandas as pd
from numba import njit
from numpy.typing import ArrayLike, NDArray

from .errors import NetworkError

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Network",
    "barabasi_albert",
    "complete",
    "configuration",
    "erdos_renyi",
    "from_edges",
    "from_networkx",
    "load_edgelist",
    "mixed",
    "powerlaw_degrees",
    "stochastic_block",
    "watts_strogatz",
]

#: Largest number of nodes: node ids are stored as uint32.
MAX_NODES = 2**32 - 1
#: Largest network :meth:`Network.to_networkx` converts (stored directed edges).
MAX_NETWORKX_EDGES = 2_000_000
#: Largest :func:`complete` graph; above it use the edge-free ``mixed`` population.
MAX_COMPLETE_NODES = 5000
#: Degrees above min_degree + this are drawn from the continuous power law.
_POWERLAW_TABLE = 2**20

_I64 = np.int64
_EMPTY_I64 = np.empty(0, dtype=np.int64)


# ---------------------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Network:
    """Influence graph in compressed sparse row form, indexed by the listener.

    The sources that node ``v`` listens to (the nodes that can influence ``v``) are
    ``indices[indptr[v]:indptr[v + 1]]``, with the matching tie weights in the same
    slice of ``weights``. Inside each row the sources are sorted by id without
    repetition; this canonical order makes float sums over a row reproducible. An
    undirected edge ``u - v`` is stored in both rows; a directed edge ``u -> v``
    (``u`` influences ``v``) only in row ``v``.

    Treat the arrays as read-only: they may be shared between networks and runs.

    Parameters
    ----------
    n : int
        Number of nodes (consumers), at least 1.
    indptr : numpy.ndarray
        int64 array of shape ``(n + 1,)``: row ``v`` is ``indptr[v]:indptr[v + 1]``.
    indices : numpy.ndarray
        uint32 array of shape ``(n_edges,)``: the source of each stored edge.
    weights : numpy.ndarray
        float32 array of shape ``(n_edges,)``: tie strengths, 1.0 for unweighted graphs.
        They are finite and may be negative (signed trust networks read from a file).
    directed : bool
        Whether edges influence one way only.
    mixed : bool, default False
        A fully mixed population (Bass mean field): everyone meets everyone and no
        edges are stored.
    labels : numpy.ndarray or None, default None
        Original node ids (from a file or a networkx graph): ``labels[i]`` is node ``i``.
    name : str, default ""
        Short description, e.g. the file name or the generator call.
    blocks : numpy.ndarray or None, default None
        int32 array of shape ``(n,)``: community of each node (stochastic block model).

    Raises
    ------
    NetworkError
        If the arrays have the wrong dtype or shape, a row is not sorted, a source id is
        not below ``n``, a weight is not finite, or a mixed population stores edges.
    """

    n: int
    indptr: NDArray[np.int64]
    indices: NDArray[np.uint32]
    weights: NDArray[np.float32]
    directed: bool
    mixed: bool = False
    labels: NDArray[Any] | None = None
    name: str = ""
    blocks: NDArray[np.int32] | None = None

    def __post_init__(self) -> None:
        try:
            n = operator.index(self.n)
        except TypeError:
            raise NetworkError(f"n must be an integer, found {self.n!r}") from None
        if n < 1:
            raise NetworkError(f"a network needs at least one node, found n = {n}")
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "directed", bool(self.directed))
        object.__setattr__(self, "mixed", bool(self.mixed))
        for field, dtype in (("indptr", np.int64), ("indices", np.uint32),
                             ("weights", np.float32)):
            arr = getattr(self, field)
            if not isinstance(arr, np.ndarray) or arr.dtype != dtype or arr.ndim != 1:
                found = f"{arr.dtype} array of shape {arr.shape}" if isinstance(
                    arr, np.ndarray) else type(arr).__name__
                raise NetworkError(f"{field} must be a 1-D {np.dtype(dtype)} array, "
                                   f"found {found}")
            object.__setattr__(self, field, np.ascontiguousarray(arr))
        indptr, indices, weights = self.indptr, self.indices, self.weights
        m = len(indices)
        if indptr.shape != (n + 1,):
            raise NetworkError(f"indptr must have shape ({n + 1},), found {indptr.shape}")
        if indptr[0] != 0 or indptr[-1] != m or np.any(indptr[1:] < indptr[:-1]):
            raise NetworkError("indptr must rise from 0 to len(indices) without decreasing")
        if weights.shape != indices.shape:
            raise NetworkError(f"weights has shape {weights.shape}, indices {indices.shape}")
        if m:
            if int(indices.max()) >= n:
                raise NetworkError(f"source id {int(indices.max())} is not below n = {n}")
            rising = indices[1:] > indices[:-1]
            starts = indptr[1:-1]
            rising[starts[(starts > 0) & (starts < m)] - 1] = True  # row boundaries
            if not rising.all():
                raise NetworkError("the sources of each row must be sorted and distinct")
            if not np.isfinite(weights).all():
                raise NetworkError("edge weights must be finite")
            if not self.directed and not np.array_equal(np.diff(indptr), self.out_degree):
                raise NetworkError("an undirected network must store each edge in both rows")
        if self.mixed and m:
            raise NetworkError("a mixed population stores no edges")
        for field, length_dtype in (("labels", None), ("blocks", np.int32)):
            arr = getattr(self, field)
            if arr is None:
                continue
            if not isinstance(arr, np.ndarray) or arr.shape != (n,):
                raise NetworkError(f"{field} must be an array of shape ({n},)")
            if length_dtype is not None and arr.dtype != length_dtype:
                raise NetworkError(f"{field} must be an int32 array, found {arr.dtype}")
        if self.blocks is not None and n and int(self.blocks.min()) < 0:
            raise NetworkError("blocks must be >= 0")

    def __repr__(self) -> str:
        kind = "mixed" if self.mixed else ("directed" if self.directed else "undirected")
        return (f"Network(name={self.name!r}, n={self.n}, n_edges={self.n_edges}, "
                f"{kind}{', weighted' if self.weighted else ''})")

    @property
    def n_edges(self) -> int:
        """Number of stored directed edges, ``len(indices)`` (twice the undirected count)."""
        return len(self.indices)

    @property
    def in_degree(self) -> NDArray[np.int64]:
        """How many sources each node listens to (the row lengths), int64 of shape (n,)."""
        return np.diff(self.indptr)

    @property
    def out_degree(self) -> NDArray[np.int64]:
        """How many listeners each node reaches, int64 of shape (n,)."""
        return np.bincount(self.indices, minlength=self.n).astype(np.int64, copy=False)

    @property
    def weighted(self) -> bool:
        """Whether any weight differs from 1."""
        return bool(np.any(self.weights != 1.0))

    def to_networkx(self) -> nx.Graph:
        """The network as a :class:`networkx.DiGraph` (directed) or :class:`networkx.Graph`.

        Nodes are ``0..n-1``; edges carry the attribute ``"weight"`` and, when known,
        nodes carry ``"label"`` (the original id) and ``"block"``.

        Raises
        ------
        NetworkError
            For a mixed population (it has no edges to convert) or above
            ``MAX_NETWORKX_EDGES`` stored edges (networkx would need far too much memory).
        """
        import networkx as nx

        if self.mixed:
            raise NetworkError("a fully mixed population has no edges to convert")
        if self.n_edges > MAX_NETWORKX_EDGES:
            raise NetworkError(f"to_networkx: {self.n_edges:,} edges is too many for networkx "
                               f"(limit {MAX_NETWORKX_EDGES:,})")
        graph: nx.Graph = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(range(self.n))
        rows = np.repeat(np.arange(self.n, dtype=_I64), self.in_degree)
        cols = self.indices.astype(_I64)
        weights = self.weights.astype(np.float64)
        if not self.directed:
            once = cols < rows
            rows, cols, weights = rows[once], cols[once], weights[once]
        graph.add_weighted_edges_from(zip(cols.tolist(), rows.tolist(), weights.tolist(),
                                          strict=True))
        if self.labels is not None:
            nx.set_node_attributes(graph, dict(enumerate(self.labels.tolist())), "label")
        if self.blocks is not None:
            nx.set_node_attributes(graph, dict(enumerate(self.blocks.tolist())), "block")
        return graph


# ---------------------------------------------------------------------------------------
# The CSR builder
# ---------------------------------------------------------------------------------------


def _node_ids(values: ArrayLike, what: str) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise NetworkError(f"{what} must be a 1-D array of node ids, found shape {arr.shape}")
    if arr.size == 0:
        return _EMPTY_I64
    if arr.dtype.kind not in "iu":
        raise NetworkError(f"{what} must hold integer node ids, found dtype {arr.dtype}")
    if arr.dtype == np.uint64 and int(arr.max()) > MAX_NODES:
        raise NetworkError(f"{what}: node id {int(arr.max())} is too large")
    arr = arr.astype(_I64, copy=False)
    if int(arr.min()) < 0:
        raise NetworkError(f"{what}: node ids must be >= 0, found {int(arr.min())}")
    return arr


def from_edges(
    src: ArrayLike,
    dst: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    n: int | None = None,
    directed: bool = False,
    labels: ArrayLike | None = None,
    name: str = "",
) -> Network:
    """Build a :class:`Network` from edge arrays: ``src[i]`` can influence ``dst[i]``.

    The builder every other function goes through. It is vectorised (a few sorts and
    scatters, no Python object per edge) and canonicalises its input:

    * self-loops are dropped;
    * for an undirected graph ``u v`` and ``v u`` are the same edge, stored in both rows;
    * duplicate edges are dropped, keeping the weight of the first occurrence;
    * every row is sorted by source id.

    Parameters
    ----------
    src, dst : array_like of int
        Endpoints of each edge, node ids ``0..n-1``.
    weights : array_like of float, optional
        Tie strength of each edge (finite, may be negative). Default 1.0 for all.
    n : int, optional
        Number of nodes; default ``max(src, dst) + 1``. Nodes without edges are allowed.
    directed : bool, default False
        Whether ``src -> dst`` influences one way only.
    labels : array_like, optional
        Original id of each node, of length ``n``.
    name : str, default ""
        Description kept in :attr:`Network.name`.

    Returns
    -------
    Network

    Raises
    ------
    NetworkError
        If the network would have no node, the arrays differ in length, an id is
        negative or not below ``n``, or a weight is not finite.
    """
    return _from_edges(src, dst, weights, n=n, directed=directed, labels=labels, name=name)


def _from_edges(
    src: ArrayLike,
    dst: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    n: int | None = None,
    directed: bool = False,
    labels: ArrayLike | None = None,
    name: str = "",
    blocks: NDArray[np.int32] | None = None,
) -> Network:
    s = _node_ids(src, "src")
    d = _node_ids(dst, "dst")
    if len(s) != len(d):
        raise NetworkError(f"src has {len(s)} entries but dst has {len(d)}")
    w: NDArray[np.float64] | None = None
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != s.shape:
            raise NetworkError(f"weights has shape {w.shape}, expected ({len(s)},)")
        if not np.isfinite(w).all():
            raise NetworkError("edge weights must be finite numbers")
    top = max(int(s.max()), int(d.max())) if len(s) else -1
    if n is None:
        n = top + 1
    try:
        n = operator.index(n)
    except TypeError:
        raise NetworkError(f"n must be an integer, found {n!r}") from None
    if n <= 0:
        raise NetworkError("a network needs at least one node (n == 0)")
    if n > MAX_NODES:
        raise NetworkError(f"at most {MAX_NODES} nodes are supported, found n = {n}")
    if top >= n:
        raise NetworkError(f"node id {top} is not below n = {n}")

    keep = s != d
    if not keep.all():
        s, d = s[keep], d[keep]
        w = None if w is None else w[keep]
    nn = np.uint64(n)
    if directed:
        rows, cols = d, s
    else:
        rows, cols = np.minimum(s, d), np.maximum(s, d)
    key = rows.astype(np.uint64) * nn + cols.astype(np.uint64)
    if w is None:  # no payload to carry: sorting the keys alone is much faster
        key = _distinct_sorted(key)
        rows, cols = (key // nn).astype(_I64), (key % nn).astype(_I64)
    else:
        first = _first_of_each_key(key)
        rows, cols, w = rows[first], cols[first], w[first]
    # rows and cols are now sorted by (row, col), without repetition

    if directed:
        indptr = _indptr(rows, n)
        indices = cols.astype(np.uint32)
        wts = np.ones(len(cols), np.float32) if w is None else w.astype(np.float32)
    else:
        indptr, indices, wts = _symmetric_csr(rows, cols, w, n)
    if not np.isfinite(wts).all():
        raise NetworkError("edge weights must fit in float32")
    lab = None if labels is None else np.asarray(labels)
    return Network(n, indptr, indices, wts, bool(directed), labels=lab, name=name,
                   blocks=blocks)


def _distinct_sorted(key: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The distinct keys in increasing order."""
    key = np.sort(key)
    if len(key) > 1:
        new = np.empty(len(key), dtype=bool)
        new[0] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        if not new.all():
            key = key[new]
    return key


def _first_of_each_key(key: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Positions of the first occurrence of every distinct key, in increasing key order."""
    if len(key) == 0:
        return _EMPTY_I64
    order = np.argsort(key)
    skey = key[order]
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    np.not_equal(skey[1:], skey[:-1], out=new[1:])
    if new.all():
        return order
    # The sort is not stable, so take the smallest original position in each run.
    return np.minimum.reduceat(order, np.flatnonzero(new))


def _indptr(rows: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    indptr = np.zeros(n + 1, dtype=_I64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr


def _symmetric_csr(
    lo: NDArray[np.int64], hi: NDArray[np.int64], w: NDArray[np.float64] | None, n: int
) -> tuple[NDArray[np.int64], NDArray[np.uint32], NDArray[np.float32]]:
    """CSR of undirected edges ``lo < hi`` given sorted by (lo, hi), each stored twice.

    Row ``r`` holds first its sources below ``r`` (edges with hi == r, ordered by lo),
    then those above (edges with lo == r, already ordered by hi), so only the first part
    needs a sort.
    """
    m = len(lo)
    n_below = np.bincount(hi, minlength=n)
    n_above = np.bincount(lo, minlength=n)
    indptr = np.zeros(n + 1, dtype=_I64)
    np.cumsum(n_below + n_above, out=indptr[1:])
    indices = np.empty(2 * m, dtype=np.uint32)
    wts = np.empty(2 * m, dtype=np.float32)
    rank = np.arange(m, dtype=_I64)

    # Edges stored in row lo: already in (lo, hi) order.
    above_start = np.concatenate(([0], np.cumsum(n_above)[:-1]))
    pos = indptr[lo] + n_below[lo] + (rank - above_start[lo])
    indices[pos] = hi
    wts[pos] = 1.0 if w is None else w
    # Edges stored in row hi: sort by (hi, lo).
    nn = np.uint64(n)
    key = hi.astype(np.uint64) * nn + lo.astype(np.uint64)
    if w is None:
        key = np.sort(key)
        r_hi, r_lo = (key // nn).astype(_I64), key % nn
    else:
        order = np.argsort(key)
        r_hi, r_lo = hi[order], lo[order]
    below_start = np.concatenate(([0], np.cumsum(n_below)[:-1]))
    pos = indptr[r_hi] + (rank - below_start[r_hi])
    indices[pos] = r_lo
    wts[pos] = 1.0 if w is None else w[order]
    return indptr, indices, wts


# ---------------------------------------------------------------------------------------
# Conversions and trivial graphs
# ---------------------------------------------------------------------------------------


def _label_array(nodes: list[Any]) -> NDArray[Any]:
    """Nodes as a 1-D array: int or float when they all have that type, else object."""
    kinds = {type(node) for node in nodes}
    if len(kinds) == 1 and kinds <= {int, float}:
        arr = np.asarray(nodes)
        if arr.ndim == 1 and arr.dtype.kind in "iuf":
            return arr
    out = np.empty(len(nodes), dtype=object)
    for i, node in enumerate(nodes):
        out[i] = node
    return out


def from_networkx(G: nx.Graph, *, weight: str | None = "weight") -> Network:
    """Convert a networkx graph; node ``i`` is the ``i``-th node of ``G`` (its label kept).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The graph; a directed edge ``u -> v`` means ``u`` influences ``v``. Parallel
        edges of a multigraph are merged and their weights summed.
    weight : str or None, default "weight"
        Edge attribute holding the tie strength (edges without it weigh 1). None makes
        every weight 1.

    Returns
    -------
    Network
        With ``labels`` the nodes of ``G`` in its iteration order.

    Raises
    ------
    NetworkError
        If ``G`` has no node or a weight is not a finite number.
    """
    import networkx as nx

    nodes = list(G)
    if not nodes:
        raise NetworkError("the networkx graph has no nodes")
    try:
        adj = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=weight, dtype=np.float64,
                                       format="coo")
    except (TypeError, ValueError) as exc:
        raise NetworkError(f"cannot read edge weights {weight!r}: {exc}") from None
    return from_edges(adj.row, adj.col, adj.data, n=len(nodes), directed=G.is_directed(),
                      labels=_label_array(nodes), name=str(G.name or ""))


def mixed(n: int) -> Network:
    """A fully mixed population of ``n`` consumers: no edges, ``mixed=True``.

    Everyone meets everyone (the Bass mean field), so no edge is stored.
    """
    n = _check_count(n, "n", minimum=1)
    return Network(n, np.zeros(n + 1, dtype=_I64), np.empty(0, dtype=np.uint32),
                   np.empty(0, dtype=np.float32), directed=False, mixed=True,
                   name=f"mixed(n={n})")


def complete(n: int) -> Network:
    """The complete undirected graph on ``n`` nodes (every pair of nodes linked).

    Raises
    ------
    NetworkError
        Above ``MAX_COMPLETE_NODES`` nodes: use the edge-free kind ``"mixed"``
        (:func:`mixed`), which models the same population without storing n^2 edges.
    """
    n = _check_count(n, "n", minimum=1)
    if n > MAX_COMPLETE_NODES:
        raise NetworkError(f"complete: n = {n:,} would store {n * (n - 1):,} edges (limit "
                           f"n = {MAX_COMPLETE_NODES:,}); use kind 'mixed' for a fully mixed "
                           "population instead")
    # Closed form of what from_edges would build: row v holds every u != v, in order.
    indptr = np.arange(n + 1, dtype=_I64) * (n - 1)
    every = np.broadcast_to(np.arange(n, dtype=np.uint32), (n, n))
    indices = every[~np.eye(n, dtype=bool)]
    return Network(n, indptr, indices, np.ones(len(indices), dtype=np.float32), False,
                   name=f"complete(n={n})")


# ---------------------------------------------------------------------------------------
# Argument checks and random numbers
# ---------------------------------------------------------------------------------------


def _check_count(value: int, what: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool):
        raise NetworkError(f"{what} must be an integer, found {value!r}")
    try:
        value = operator.index(value)
    except TypeError:
        raise NetworkError(f"{what} must be an integer, found {value!r}") from None
    if value < minimum:
        raise NetworkError(f"{what} must be >= {minimum}, found {value}")
    return value


def _check_probability(value: float, what: str) -> float:
    try:
        p = float(value)
    except (TypeError, ValueError):
        raise NetworkError(f"{what} must be a number, found {value!r}") from None
    if not 0.0 <= p <= 1.0:
        raise NetworkError(f"{what} must be a probability in [0, 1], found {value!r}")
    return p


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(_check_count(seed, "seed"))


def _numba_state(seed: int) -> NDArray[np.uint64]:
    """One-word state of the numba SplitMix64 stream, derived from ``seed``."""
    seq = np.random.SeedSequence(_check_count(seed, "seed"))
    return seq.generate_state(1, dtype=np.uint64)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_S11 = np.uint64(11)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
_TO_UNIT = 2.0**-53


@njit(cache=True)
def _next_unit(state: np.ndarray) -> float:
    """Advance the SplitMix64 ``state[0]`` and return a uniform float in [0, 1)."""
    z = state[0] + _GOLDEN
    state[0] = z
    z = (z ^ (z >> _S30)) * _MUL1
    z = (z ^ (z >> _S27)) * _MUL2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _TO_UNIT


@njit(cache=True)
def _next_below(state: np.ndarray, k: int) -> int:
    """Uniform integer in [0, k), k >= 1."""
    i = int(_next_unit(state) * k)
    return i if i < k else k - 1


def _bernoulli_positions(rng: np.random.Generator, total: int, p: float) -> NDArray[np.int64]:
    """Sorted positions in ``[0, total)``, each present independently with probability p.

    Jumps from one present position to the next by geometric gaps, so the cost is
    proportional to the number of positions drawn, not to ``total`` (Batagelj and
    Brandes 2005).
    """
    if total <= 0 or p <= 0.0:
        return _EMPTY_I64
    if p >= 1.0:
        return np.arange(total, dtype=_I64)
    if total >= 2**62:
        raise NetworkError(f"{total:,} possible edges is too many to sample")
    expected = total * p
    chunk = int(expected + 6.0 * math.sqrt(expected) + 64.0)
    parts = []
    last = -1
    while last < total:
        gaps = np.minimum(rng.geometric(p, size=chunk), total + 1)
        pos = last + np.cumsum(gaps)
        parts.append(pos)
        last = int(pos[-1])
        chunk = max(64, chunk // 8)
    pos = np.concatenate(parts)
    return pos[: np.searchsorted(pos, total)]


def _pair_of_index(k: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Invert ``k = v (v - 1) / 2 + w`` over pairs ``0 <= w < v``: returns (w, v)."""
    v = np.floor((1.0 + np.sqrt(1.0 + 8.0 * k.astype(np.float64))) / 2.0).astype(_I64)
    v -= v * (v - 1) // 2 > k  # correct rounding of the square root by one either way
    v += (v + 1) * v // 2 <= k
    return k - v * (v - 1) // 2, v


# ---------------------------------------------------------------------------------------
# Random graph models
# ---------------------------------------------------------------------------------------


def erdos_renyi(
    n: int, *, p: float | None = None, mean_degree: float | None = None, seed: int
) -> Network:
    """Erdos-Renyi random graph G(n, p): each of the n (n - 1) / 2 pairs linked with prob. p.

    Sampled in time O(n + m) by geometric skips over the pairs (Batagelj and Brandes
    2005) instead of one coin per pair.

    Parameters
    ----------
    n : int
        Number of nodes, >= 1.
    p : float, optional
        Edge probability in [0, 1].
    mean_degree : float, optional
        Expected degree instead of ``p``: ``p = mean_degree / (n - 1)``.
    seed : int
        Seed (>= 0) of the random generator.

    Returns
    -------
    Network
        Undirected and unweighted; the number of edges is Binomial(n (n - 1) / 2, p).

    Raises
    ------
    NetworkError
        Unless exactly one of ``p`` and ``mean_degree`` is given and gives p in [0, 1].

    References
    ----------
    .. [1] Erdos, P. and Renyi, A. (1959). On random graphs I. Publicationes
       Mathematicae Debrecen 6, 290-297.
    .. [2] Batagelj, V. and Brandes, U. (2005). Efficient generation of large random
       networks. Physical Review E 71, 036113.
    """
    n = _check_count(n, "n", minimum=1)
    if (p is None) == (mean_degree is None):
        raise NetworkError("erdos_renyi needs exactly one of p, mean_degree")
    if mean_degree is not None:
        md = float(mean_degree)
        if not md >= 0.0:
            raise NetworkError(f"mean_degree must be >= 0, found {mean_degree!r}")
        if n > 1 and md > n - 1:
            raise NetworkError(f"mean_degree {md:g} is above n - 1 = {n - 1}")
        prob = md / (n - 1) if n > 1 else 0.0
    else:
        prob = _check_probability(p, "p")  # type: ignore[arg-type]
    rng = _rng(seed)
    k = _bernoulli_positions(rng, n * (n - 1) // 2, prob)
    w, v = _pair_of_index(k)
    return _from_edges(w, v, n=n, name=f"erdos_renyi(n={n}, p={prob:.6g}, seed={seed})")


@njit(cache=True)
def _ba_edges(n: int, m: int, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edge list of :func:`barabasi_albert` (see its start rule)."""
    n_edges = m * (n - m)
    src = np.empty(n_edges, dtype=np.int64)
    dst = np.empty(n_edges, dtype=np.int64)
    ends = np.empty(2 * n_edges, dtype=np.int64)  # each endpoint once per incident edge
    chosen = np.empty(m, dtype=np.int64)
    e = 0
    for j in range(m):  # node m joins the m initial nodes
        src[e] = m
        dst[e] = j
        ends[2 * e] = m
        ends[2 * e + 1] = j
        e += 1
    for t in range(m + 1, n):
        c = 0
        while c < m:  # m distinct targets, each drawn proportionally to its degree
            v = ends[_next_below(state, 2 * e)]
            fresh = True
            for i in range(c):
                if chosen[i] == v:
                    fresh = False
                    break
            if fresh:
                chosen[c] = v
                c += 1
        for i in range(m):
            src[e] = t
            dst[e] = chosen[i]
            ends[2 * e] = t
            ends[2 * e + 1] = chosen[i]
            e += 1
    return src, dst


def barabasi_albert(n: int, m: int, *, seed: int) -> Network:
    """Barabasi-Albert preferential attachment graph.

    Start rule: nodes ``0..m-1`` start without edges and node ``m`` links to all of them
    (a star on m + 1 nodes). Each later node ``t = m+1..n-1`` then links to ``m``
    distinct earlier nodes, each drawn with probability proportional to its current
    degree. The graph has exactly ``m (n - m)`` undirected edges, mean degree close to
    ``2 m`` and a degree distribution with a power-law tail of exponent about 3.

    Parameters
    ----------
    n : int
        Number of nodes, > m.
    m : int
        Edges attached by each new node, >= 1.
    seed : int
        Seed (>= 0) of the random stream.

    Returns
    -------
    Network
        Undirected and unweighted.

    References
    ----------
    .. [1] Barabasi, A.-L. and Albert, R. (1999). Emergence of scaling in random
       networks. Science 286, 509-512.
    """
    n = _check_count(n, "n", minimum=2)
    m = _check_count(m, "m", minimum=1)
    if m >= n:
        raise NetworkError(f"barabasi_albert needs m < n, found m = {m}, n = {n}")
    src, dst = _ba_edges(n, m, _numba_state(seed))
    return _from_edges(src, dst, n=n, name=f"barabasi_albert(n={n}, m={m}, seed={seed})")


@njit(cache=True)
def _ws_edges(n: int, k: int, p: float, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edge list of :func:`watts_strogatz`: lattice, then rewiring in lattice order."""
    half = k // 2
    n_edges = n * half
    a = np.empty(n_edges, dtype=np.int64)
    b = np.empty(n_edges, dtype=np.int64)
    degree = np.full(n, k, dtype=np.int64)
    present = set()
    e = 0
    for j in range(1, half + 1):
        for u in range(n):
            v = (u + j) % n
            a[e] = u
            b[e] = v
            present.add(min(u, v) * n + max(u, v))
            e += 1
    for e in range(n_edges):  # rewire u - v to u - w, in lattice order
        if _next_unit(state) >= p:
            continue
        u = a[e]
        if degree[u] >= n - 1:
            continue  # u is already linked to everyone
        while True:
            w = _next_below(state, n)
            if w != u and (min(u, w) * n + max(u, w)) not in present:
                break
        v = b[e]
        present.remove(min(u, v) * n + max(u, v))
        present.add(min(u, w) * n + max(u, w))
        degree[v] -= 1
        degree[w] += 1
        b[e] = w
    return a, b


def watts_strogatz(n: int, k: int, p: float, *, seed: int) -> Network:
    """Watts-Strogatz small-world graph.

    A ring lattice links every node to its ``k`` nearest neighbours (``k / 2`` on each
    side). Then each lattice edge ``u - (u + j)`` is visited, for ``j = 1..k/2`` and
    ``u = 0..n-1``, and with probability ``p`` its far end is moved to a node drawn
    uniformly among those that are neither ``u`` nor already linked to ``u``. The
    number of edges stays ``n k / 2``; ``p = 0`` is the lattice itself.

    Parameters
    ----------
    n : int
        Number of nodes, >= 1.
    k : int
        Even number of lattice neighbours, ``0 <= k < n``.
    p : float
        Rewiring probability in [0, 1].
    seed : int
        Seed (>= 0) of the random stream.

    Returns
    -------
    Network
        Undirected and unweighted.

    References
    ----------
    .. [1] Watts, D. J. and Strogatz, S. H. (1998). Collective dynamics of
       'small-world' networks. Nature 393, 440-442.
    """
    n = _check_count(n, "n", minimum=1)
    k = _check_count(k, "k")
    if k % 2 or k >= n:
        raise NetworkError(f"watts_strogatz needs an even k below n = {n}, found k = {k}")
    prob = _check_probability(p, "p")
    state = _numba_state(seed)
    if k == 0:
        a = b = _EMPTY_I64
    else:
        a, b = _ws_edges(n, k, prob, state)
    return _from_edges(a, b, n=n,
                       name=f"watts_strogatz(n={n}, k={k}, p={prob:g}, seed={seed})")


def stochastic_block(
    sizes: ArrayLike, p_in: float, p_out: float, *, seed: int
) -> Network:
    """Stochastic block model with equal within- and between-block probabilities.

    Nodes are numbered block by block (block 0 first); two nodes are linked with
    probability ``p_in`` if they share a block and ``p_out`` otherwise, independently.
    Sampling costs O(n + m + number of blocks): geometric skips over the pairs inside
    each block and over the pairs between each block and all later blocks.

    Parameters
    ----------
    sizes : sequence of int
        Number of nodes in each block (>= 1 each).
    p_in, p_out : float
        Edge probabilities inside and between blocks, in [0, 1].
    seed : int
        Seed (>= 0) of the random generator.

    Returns
    -------
    Network
        Undirected and unweighted, with ``blocks`` the block of each node.

    References
    ----------
    .. [1] Holland, P. W., Laskey, K. B. and Leinhardt, S. (1983). Stochastic
       blockmodels: first steps. Social Networks 5, 109-137.
    .. [2] Batagelj, V. and Brandes, U. (2005). Efficient generation of large random
       networks. Physical Review E 71, 036113.
    """
    raw = np.asarray(sizes)
    if raw.ndim != 1 or raw.size == 0 or raw.dtype.kind not in "iu":
        raise NetworkError("sizes must be a non-empty list of integer block sizes")
    size_list = [int(s) for s in raw]
    if min(size_list) < 1:
        raise NetworkError(f"block sizes must be >= 1, found {min(size_list)}")
    pin = _check_probability(p_in, "p_in")
    pout = _check_probability(p_out, "p_out")
    rng = _rng(seed)
    n = sum(size_list)
    parts_src: list[NDArray[np.int64]] = []
    parts_dst: list[NDArray[np.int64]] = []
    start = 0
    for size in size_list:
        w, v = _pair_of_index(_bernoulli_positions(rng, size * (size - 1) // 2, pin))
        parts_src.append(start + w)
        parts_dst.append(start + v)
        end = start + size
        rest = n - end  # all later blocks form one contiguous id range
        k = _bernoulli_positions(rng, size * rest, pout)
        parts_src.append(start + k // max(rest, 1))
        parts_dst.append(end + k % max(rest, 1))
        start = end
    blocks = np.repeat(np.arange(len(size_list), dtype=np.int32), size_list)
    return _from_edges(np.concatenate(parts_src), np.concatenate(parts_dst), n=n,
                       blocks=blocks,
                       name=f"stochastic_block(blocks={len(size_list)}, n={n}, "
                            f"p_in={pin:g}, p_out={pout:g}, seed={seed})")


def configuration(degrees: ArrayLike, *, seed: int) -> Network:
    """Erased configuration model: a random graph with (at most) the given degrees.

    Node ``i`` gets ``degrees[i]`` stubs; the stubs are shuffled and paired in order.
    Self-loops and repeated edges are then erased, so a node's degree is at most the
    requested one, and equal to it when none of its stubs was caught in a collision
    (rare for sparse sequences without very large degrees).

    Parameters
    ----------
    degrees : array_like of int
        Requested degree of each node (>= 0); their sum must be even.
    seed : int
        Seed (>= 0) of the random generator.

    Returns
    -------
    Network
        Undirected and unweighted, with ``len(degrees)`` nodes.

    Raises
    ------
    NetworkError
        If the sequence is empty, has a negative entry or an odd sum.

    References
    ----------
    .. [1] Molloy, M. and Reed, B. (1995). A critical point for random graphs with a
       given degree sequence. Random Structures & Algorithms 6, 161-179.
    """
    deg = np.asarray(degrees)
    if deg.ndim != 1 or deg.size == 0:
        raise NetworkError("degrees must be a non-empty 1-D sequence")
    if deg.dtype.kind not in "iu":
        raise NetworkError(f"degrees must be integers, found dtype {deg.dtype}")
    deg = deg.astype(_I64)
    if int(deg.min()) < 0:
        raise NetworkError(f"degrees must be >= 0, found {int(deg.min())}")
    total = int(deg.sum())
    if total % 2:
        raise NetworkError(f"the degrees add up to {total}, an odd number: stubs cannot pair")
    rng = _rng(seed)
    stubs = rng.permutation(np.repeat(np.arange(len(deg), dtype=_I64), deg))
    return _from_edges(stubs[0::2], stubs[1::2], n=len(deg),
                       name=f"configuration(n={len(deg)}, seed={seed})")


def powerlaw_degrees(
    n: int,
    exponent: float,
    min_degree: int,
    *,
    seed: int,
    max_degree: int | None = None,
) -> NDArray[np.int64]:
    """Draw ``n`` degrees from the discrete power law P(k) ~ k^-exponent.

    Degrees range over ``min_degree..max_degree`` (default ``max(n - 1, min_degree)``).
    Degrees up to ``min_degree + 2**20`` are drawn exactly by inverting the discrete
    distribution function; the rare larger ones (if ``max_degree`` allows them) from the
    continuous power law rounded to the nearest integer, which differs from the discrete
    law by a relative O(1/k^2). If the sum is odd, one randomly chosen degree is raised
    by one (or lowered by one when it is already ``max_degree``) so that the sequence
    suits :func:`configuration`.

    Parameters
    ----------
    n : int
        Number of degrees to draw, >= 1.
    exponent : float
        Power-law exponent, > 1 (typically between 2 and 3).
    min_degree : int
        Smallest degree, >= 1.
    seed : int
        Seed (>= 0) of the random generator.
    max_degree : int, optional
        Largest degree, >= min_degree.

    Returns
    -------
    numpy.ndarray
        int64 degrees with an even sum.

    Raises
    ------
    NetworkError
        On invalid arguments, or if no sequence with an even sum exists
        (``min_degree == max_degree``, both odd, and ``n`` odd).
    """
    n = _check_count(n, "n", minimum=1)
    kmin = _check_count(min_degree, "min_degree", minimum=1)
    kmax = max(n - 1, kmin) if max_degree is None else _check_count(max_degree, "max_degree")
    if kmax < kmin:
        raise NetworkError(f"max_degree {kmax} is below min_degree {kmin}")
    try:
        gamma = float(exponent)
    except (TypeError, ValueError):
        raise NetworkError(f"exponent must be a number, found {exponent!r}") from None
    if not (math.isfinite(gamma) and gamma > 1.0):
        raise NetworkError(f"exponent must be > 1, found {exponent!r}")
    rng = _rng(seed)
    # Exact table of the unnormalised masses (k / kmin)^-gamma for k <= top.
    top = min(kmax, kmin + _POWERLAW_TABLE)
    support = np.arange(kmin, top + 1, dtype=np.float64)
    cdf = np.cumsum(np.exp(-gamma * (np.log(support) - math.log(kmin))))
    head = float(cdf[-1])
    # Mass beyond the table: integral of (x / kmin)^-gamma over [top + 1/2, kmax + 1/2].
    lo, hi = (top + 0.5) ** (1.0 - gamma), (kmax + 0.5) ** (1.0 - gamma)
    scale = kmin**gamma / (gamma - 1.0)
    tail = scale * (lo - hi) if kmax > top else 0.0
    u = rng.random(n) * (head + tail)
    deg = kmin + np.minimum(np.searchsorted(cdf, u, side="right"), len(support) - 1)
    beyond = u >= head
    if beyond.any():
        x = (lo - (u[beyond] - head) / scale) ** (1.0 / (1.0 - gamma))
        deg[beyond] = np.clip(np.floor(x + 0.5), top + 1, kmax)
    deg = deg.astype(_I64)
    if int(deg.sum()) % 2:
        if kmin == kmax:
            raise NetworkError(f"{n} degrees all equal to {kmin} cannot have an even sum")
        i = int(rng.integers(n))
        deg[i] += 1 if deg[i] < kmax else -1
    return deg


# ---------------------------------------------------------------------------------------
# Edge-list files
# ---------------------------------------------------------------------------------------

_GZIP_MAGIC = b"\x1f\x8b"
_COMMENT_LINE = re.compile(rb"^[ \t]*[#%][^\n]*", re.MULTILINE)
_TEXT_SPLIT = re.compile(r"[ \t]+")
_FORMATS = ("auto", "text", "csv", "tsv")
_TEXT_EXPECTED = "expected 'source target [weight]'"


def load_edgelist(
    path: str | os.PathLike[str],
    *,
    directed: bool = False,
    reverse: bool = False,
    fmt: str = "auto",
    source_column: str | None = None,
    target_column: str | None = None,
    weight_column: str | None = None,
) -> Network:
    """Load an edge-list file; a line ``u v`` means that ``u`` can influence ``v``.

    Formats:

    * ``"text"``: SNAP-style whitespace-separated ``source target`` or
      ``source target weight`` per line, no header. Blank lines and lines starting with
      ``#`` or ``%`` are ignored. Every edge line must have the same number of columns.
    * ``"csv"`` / ``"tsv"``: a header row, then comma- or tab-separated rows. Source and
      target are the first two columns unless ``source_column`` / ``target_column`` name
      others; the weight is ``weight_column``, else a column named ``weight`` if there is
      one, else 1. Other columns are ignored.
    * ``"auto"`` (default): by extension after removing ``.gz``: ``.csv`` -> csv,
      ``.tsv`` -> tsv, anything else -> text.

    Gzip compression is recognised by the file's magic bytes, whatever its name. Node ids
    may be any token. They are numbered ``0..n-1`` in sorted order (numerically when all
    ids are integers, so ids ``0..n-1`` keep their number) and kept in ``labels``.
    Self-loops are dropped and repeated edges keep the first weight (see
    :func:`from_edges`).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    directed : bool, default False
        Read ``u v`` as ``u -> v`` only; otherwise influence goes both ways.
    reverse : bool, default False
        Swap source and target, for follower lists where ``a b`` means ``a`` follows
        ``b`` (so ``b`` influences ``a``).
    fmt : {"auto", "text", "csv", "tsv"}, default "auto"
        File format.
    source_column, target_column, weight_column : str, optional
        Column names, for csv and tsv only.

    Returns
    -------
    Network
        Named after the file, with ``labels`` the original ids.

    Raises
    ------
    NetworkError
        With one message naming the file: ``path: no such file``, ``path: no edges
        found``, ``path: line 7: expected 'source target [weight]', found 'a b c d'``,
        ``path: line 3: weight 'abc' is not a number``, a missing column (listing the
        available ones), corrupt gzip data or text that is not UTF-8.
    """
    label = os.fspath(path)
    if fmt not in _FORMATS:
        raise NetworkError(f"{label}: unknown format {fmt!r}; use one of {', '.join(_FORMATS)}")
    stem = Path(label).name
    if stem.lower().endswith(".gz"):
        stem = stem[:-3]
    suffix = Path(stem).suffix.lower()
    if fmt == "auto":
        fmt = {".csv": "csv", ".tsv": "tsv"}.get(suffix, "text")
    data = _read_bytes(Path(label), label)
    if fmt == "text":
        named = [c for c in (source_column, target_column, weight_column) if c is not None]
        if named:
            raise NetworkError(f"{label}: column names ({', '.join(named)}) need a csv or tsv "
                               "file with a header; this file is read as whitespace text")
        src, dst, w = _parse_text(data, label)
    else:
        src, dst, w = _parse_table(data, label, "," if fmt == "csv" else "\t",
                                   source_column, target_column, weight_column)
    if reverse:
        src, dst = dst, src
    codes, labels = _number_nodes(np.concatenate([src, dst]))
    m = len(src)
    name = Path(stem).stem if suffix in (".txt", ".csv", ".tsv", ".edges", ".el") else stem
    return _from_edges(codes[:m], codes[m:], w, n=len(labels), directed=directed,
                       labels=labels, name=name)


def _number_nodes(ids: np.ndarray) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """Codes ``0..n-1`` of the ids in sorted id order, and the sorted distinct ids."""
    if ids.dtype.kind in "iu" and len(ids):
        low, high = int(ids.min()), int(ids.max())
        if low >= 0 and high < 2 * len(ids) + 1024:  # compact ids: a lookup table is enough
            present = np.zeros(high + 1, dtype=bool)
            present[ids] = True
            uniques = np.flatnonzero(present).astype(ids.dtype)
            if len(uniques) == high + 1:  # ids 0..n-1 already
                return ids.astype(_I64, copy=False), uniques
            code = np.cumsum(present, dtype=_I64) - 1
            return code[ids], uniques
    codes, uniques = pd.factorize(ids, sort=True)
    if uniques.dtype.kind not in "iuf":
        uniques = np.asarray(uniques, dtype=object)
    return codes.astype(_I64, copy=False), np.asarray(uniques)


def _read_bytes(path: Path, label: str) -> bytes:
    if not path.exists():
        raise NetworkError(f"{label}: no such file")
    if path.is_dir():
        raise NetworkError(f"{label}: is a directory, not an edge-list file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NetworkError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise NetworkError(f"{label}: corrupt gzip data ({exc})") from None
    return data


def _read_csv(data: bytes, **options: Any) -> pd.DataFrame:
    """pandas' C parser with literal tokens: no NA markers, parser warnings are errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        warnings.simplefilter("error", pd.errors.DtypeWarning)
        return pd.read_csv(io.BytesIO(data), engine="c", na_filter=False, low_memory=False,
                           skip_blank_lines=True, **options)


def _is_int_column(col: pd.Series) -> bool:
    return col.dtype.kind in "iu"


def _id_columns(src: pd.Series, dst: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Both id columns as int arrays of one dtype, or None if they must be read as text."""
    if _is_int_column(src) and _is_int_column(dst) and src.dtype == dst.dtype:
        return src.to_numpy(), dst.to_numpy()
    return None


def _weight_column(col: pd.Series) -> NDArray[np.float64] | None:
    """The weights as float64 if every entry is a finite number, else None."""
    if col.dtype.kind not in "iuf":
        return None
    w = col.to_numpy(dtype=np.float64)
    return w if np.isfinite(w).all() else None


def _without_comments(data: bytes) -> bytes:
    """The file with comment lines blanked; the usual leading comment block costs no regex."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        line = data[start:end].strip()
        if line and line[:1] not in (b"#", b"%"):
            break
        start = end
    body = data[start:] if start else data
    if b"#" in body or b"%" in body:
        body = _COMMENT_LINE.sub(b"", body)
    return body


def _parse_text(data: bytes, label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    body = _without_comments(data)
    options: dict[str, Any] = {"sep": r"\s+", "header": None, "quoting": csv.QUOTE_NONE}
    try:
        df = _read_csv(body, **options)
    except pd.errors.EmptyDataError:
        raise NetworkError(f"{label}: no edges found") from None
    except (ValueError, Warning) as exc:
        _text_error(data, label, exc)
    if len(df) == 0:
        raise NetworkError(f"{label}: no edges found")
    if df.shape[1] not in (2, 3):
        _text_error(data, label, None)
    ids = _id_columns(df[0], df[1])
    if ids is None:
        try:
            df = _read_csv(body, dtype={0: str, 1: str}, **options)
        except (ValueError, Warning) as exc:
            _text_error(data, label, exc)
        if (df[0] == "").any() or (df[1] == "").any():
            _text_error(data, label, None)
        ids = (df[0].to_numpy(dtype=object), df[1].to_numpy(dtype=object))
    w = None
    if df.shape[1] == 3:
        w = _weight_column(df[2])
        if w is None:
            _text_error(data, label, None)
    return ids[0], ids[1], w


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _shown(line: str) -> str:
    return line if len(line) <= 80 else line[:77] + "..."


def _weight_problem(token: str) -> str | None:
    try:
        value = float(token)
    except ValueError:
        return f"weight '{_shown(token)}' is not a number"
    if math.isnan(value):
        return f"weight '{token}' is not a number"
    if math.isinf(value):
        return f"weight '{token}' is not finite"
    return None


def _text_error(data: bytes, label: str, cause: BaseException | None) -> NoReturn:
    """Rescan the file line by line (error path only) and raise its first problem."""
    columns = 0
    first_line = 0
    for number, raw in enumerate(_lines(data), start=1):
        try:
            line = raw.decode("utf-8").strip(" \t\r")
        except UnicodeDecodeError:
            raise NetworkError(f"{label}: line {number}: not valid UTF-8 text") from None
        if not line or line[0] in "#%":
            continue
        tokens = _TEXT_SPLIT.split(line)
        if len(tokens) not in (2, 3):
            raise NetworkError(f"{label}: line {number}: {_TEXT_EXPECTED}, "
                               f"found '{_shown(line)}'")
        if not columns:
            columns, first_line = len(tokens), number
        elif len(tokens) != columns:
            raise NetworkError(f"{label}: line {number}: expected {columns} columns as on line "
                               f"{first_line}, found '{_shown(line)}'")
        if columns == 3:
            problem = _weight_problem(tokens[2])
            if problem:
                raise NetworkError(f"{label}: line {number}: {problem}")
    if not columns:
        raise NetworkError(f"{label}: no edges found")
    detail = f" ({str(cause).strip()})" if cause is not None else ""
    raise NetworkError(f"{label}: cannot parse the edge list{detail}")


def _parse_table(
    data: bytes,
    label: str,
    sep: str,
    source_column: str | None,
    target_column: str | None,
    weight_column: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    options: dict[str, Any] = {"sep": sep, "header": 0, "index_col": False,
                               "skipinitialspace": True}
    try:
        df = _read_csv(data, **options)
    except pd.errors.EmptyDataError:
        raise NetworkError(f"{label}: no edges found") from None
    except (ValueError, Warning) as exc:
        _table_error(data, label, sep, None, exc)
    header = [str(c) for c in df.columns]
    available = ", ".join(header)
    if len(header) < 2:
        raise NetworkError(f"{label}: needs at least two columns (source, target); "
                           f"the header has: {available}")

    def position(name: str | None, default: int | None, what: str) -> int | None:
        if name is None:
            return default
        if name not in header:
            raise NetworkError(f"{label}: no {what} column {name!r}; available columns: "
                               f"{available}")
        return header.index(name)

    s_pos = position(source_column, 0, "source")
    t_pos = position(target_column, 1, "target")
    w_pos = position(weight_column, header.index("weight") if "weight" in header else None,
                     "weight")
    assert s_pos is not None and t_pos is not None
    cols = (s_pos, t_pos, w_pos)
    if len(df) == 0:
        raise NetworkError(f"{label}: no edges found")
    ids = _id_columns(df.iloc[:, s_pos], df.iloc[:, t_pos])
    if ids is None:
        try:
            df = _read_csv(data, dtype=str, **options)
        except (ValueError, Warning) as exc:
            _table_error(data, label, sep, cols, exc)
        src, dst = df.iloc[:, s_pos], df.iloc[:, t_pos]
        if (src == "").any() or (dst == "").any():
            _table_error(data, label, sep, cols, None)
        ids = (src.to_numpy(dtype=object), dst.to_numpy(dtype=object))
    w = None
    if w_pos is not None:
        col = df.iloc[:, w_pos]
        if col.dtype.kind not in "iuf":
            col = pd.to_numeric(col, errors="coerce")
        w = _weight_column(col)
        if w is None:
            _table_error(data, label, sep, cols, None)
    return ids[0], ids[1], w


def _table_error(
    data: bytes,
    label: str,
    sep: str,
    cols: tuple[int, int, int | None] | None,
    cause: BaseException | None,
) -> NoReturn:
    """Rescan a csv/tsv file with the csv module (error path only); raise its first problem."""
    lines: list[str] = []
    for number, raw in enumerate(_lines(data), start=1):
        try:
            lines.append(raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError:
            raise NetworkError(f"{label}: line {number}: not valid UTF-8 text") from None
    kind = "comma" if sep == "," else "tab"
    reader = csv.reader(lines, delimiter=sep, skipinitialspace=True)
    header: list[str] | None = None
    for row in reader:
        number = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if header is None:
            header = row
            continue
        if len(row) != len(header):
            raise NetworkError(
                f"{label}: line {number}: expected {len(header)} {kind}-separated fields "
                f"({', '.join(header)}), found '{_shown(lines[number - 1])}'")
        if cols is None:
            continue
        for what, pos in (("source", cols[0]), ("target", cols[1])):
            if row[pos] == "":
                raise NetworkError(f"{label}: line {number}: empty {what} id")
        if cols[2] is not None:
            problem = _weight_problem(row[cols[2]])
            if problem:
                raise NetworkError(f"{label}: line {number}: {problem}")
    if header is None:
        raise NetworkError(f"{label}: no edges found")
    detail = f" ({str(cause).strip()})" if cause is not None else ""
    raise NetworkError(f"{label}: cannot parse the table{detail}")
