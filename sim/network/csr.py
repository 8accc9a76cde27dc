"""The network type: a compressed sparse row (CSR) adjacency indexed by the listener.

Every network is a :class:`Network`: row ``v`` lists the nodes that can influence ``v``.
All builders (the generators of :mod:`sim.network.generators`, the loader of
:mod:`sim.network.loaders`, :func:`from_networkx`) go through :func:`from_edges`, which
drops self-loops, removes duplicate edges (keeping the first occurrence's weight) and
sorts every row by source id, so the same edges give the same arrays whatever their
input order.

An edge ``src[i], dst[i]`` in :func:`from_edges` means that ``src[i]`` can influence
``dst[i]``. Undirected edges influence both ways.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from ..errors import NetworkError
from .assemble import (
    ID_TOO_LARGE,
    NOT_FINITE,
    ONE_WAY,
    ROWS_OK,
    UNSORTED,
    assemble,
    count_sources,
    row_problem,
)

if TYPE_CHECKING:
    import networkx as nx

#: Largest number of nodes: node ids are stored as uint32.
MAX_NODES = 2**32 - 1
#: Largest absolute edge weight: weights are stored as float32.
MAX_WEIGHT = float(np.finfo(np.float32).max)
#: Largest network :meth:`Network.to_networkx` converts (stored directed edges).
MAX_NETWORKX_EDGES = 2_000_000

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
    undirected edge ``u - v`` is stored in both rows, with one weight; a directed edge
    ``u -> v`` (``u`` influences ``v``) only in row ``v``.

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
            problem, top = row_problem(indptr, indices, weights, not self.directed)
            if problem != ROWS_OK:
                raise NetworkError({
                    ID_TOO_LARGE: f"source id {top} is not below n = {n}",
                    UNSORTED: "the sources of each row must be sorted and distinct",
                    NOT_FINITE: "edge weights must be finite",
                    ONE_WAY: "an undirected network must store each edge in both rows",
                }[problem])
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
        if not self.directed:  # every tie is stored in both rows
            return self.in_degree
        return count_sources(self.indices, self.n)

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


def _node_ids(values: ArrayLike, what: str) -> NDArray[np.int64] | NDArray[np.uint32]:
    """The node ids of an edge array, checked: uint32 kept as they are, others as int64."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise NetworkError(f"{what} must be a 1-D array of node ids, found shape {arr.shape}")
    if arr.size == 0:
        return _EMPTY_I64
    if arr.dtype.kind not in "iu":
        raise NetworkError(f"{what} must hold integer node ids, found dtype {arr.dtype}")
    if arr.dtype == np.uint64 and int(arr.max()) > MAX_NODES:
        raise NetworkError(f"{what}: node id {int(arr.max())} is too large")
    if arr.dtype == np.uint32:  # already node ids; kept as they are (no copy)
        return arr
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
    blocks: NDArray[np.int32] | None = None,
) -> Network:
    """Build a :class:`Network` from edge arrays: ``src[i]`` can influence ``dst[i]``.

    The builder every other function goes through. It runs in numba
    (:mod:`sim.network.assemble`: a counting sort into rows, then each row sorted, with
    no Python object per edge and about one CSR of memory besides the input) and
    canonicalises its input:

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
    blocks : numpy.ndarray, optional
        int32 community of each node, kept in :attr:`Network.blocks`.

    Returns
    -------
    Network

    Raises
    ------
    NetworkError
        If the network would have no node, the arrays differ in length, an id is
        negative or not below ``n``, or a weight is not finite or does not fit in
        float32 (:data:`MAX_WEIGHT`).
    """
    s, d, w, n = _checked_edges(src, dst, weights, n)
    indptr, indices, wts = assemble(s, d, w, n, bool(directed))
    lab = None if labels is None else np.asarray(labels)
    return Network(n, indptr, indices, wts, bool(directed), labels=lab, name=name,
                   blocks=blocks)


def _checked_edges(
    src: ArrayLike, dst: ArrayLike, weights: ArrayLike | None, n: int | None
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64] | None, int]:
    """The edge arrays as int64 ids and float64 weights, and the node count, checked."""
    s = _node_ids(src, "src")
    d = _node_ids(dst, "dst")
    if len(s) != len(d):
        raise NetworkError(f"src has {len(s)} entries but dst has {len(d)}")
    if s.dtype != d.dtype:
        s, d = s.astype(_I64), d.astype(_I64)
    w: NDArray[np.float64] | None = None
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != s.shape:
            raise NetworkError(f"weights has shape {w.shape}, expected ({len(s)},)")
        if not np.isfinite(w).all():
            raise NetworkError("edge weights must be finite numbers")
        if len(w) and float(np.abs(w).max()) > MAX_WEIGHT:
            big = float(w[np.argmax(np.abs(w))])
            raise NetworkError(f"edge weight {big:g} does not fit in float32 "
                               f"(|w| <= {MAX_WEIGHT:.4g})")
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
    return s, d, w, n


# ---------------------------------------------------------------------------------------
# networkx
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


@njit(cache=True, inline="always")
def lower_bound(keys: np.ndarray, lo: int, hi: int, value: int) -> int:
    """First position in ``[lo, hi)`` whose key is >= ``value`` (``hi`` if none).

    ``keys[lo:hi]`` must be sorted, as a CSR row's ``indices`` are. Binary search,
    O(log(hi - lo)); used by the overlap of ties and by CELF's live-edge worlds.
    """
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def speaker_rows(net: Network
                 ) -> tuple[NDArray[np.int64], NDArray[np.uint32], NDArray[np.float32]]:
    """The network indexed by the speaker: ``(indptr, indices, weights)`` where row ``j``
    lists, sorted by id, the nodes ``j`` can influence, with the weights of those ties.

    For an undirected network it is the network's own arrays (each tie is stored in both
    rows with one weight); a directed network is transposed, O(n + edges). The frontier
    kernels of the cascade and threshold presets read it (:mod:`sim.presets.kernel`).
    """
    if not net.directed:
        return net.indptr, net.indices, net.weights
    return _transpose(net.indptr, net.indices, net.weights, net.n)


@njit(cache=True)
def _transpose(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, n: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR transpose by counting sort; rows come out sorted because listeners are
    visited in increasing id."""
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(indices.size):
        out_ptr[indices[e] + 1] += 1
    for j in range(n):
        out_ptr[j + 1] += out_ptr[j]
    fill = out_ptr[:-1].copy()
    out_idx = np.empty(indices.size, dtype=np.uint32)
    out_w = np.empty(indices.size, dtype=np.float32)
    for i in range(n):
        for e in range(indptr[i], indptr[i + 1]):
            pos = fill[indices[e]]
            fill[indices[e]] += 1
            out_idx[pos] = i
            out_w[pos] = weights[e]
    return out_ptr, out_idx, out_w
