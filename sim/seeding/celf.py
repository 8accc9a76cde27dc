"""Influence maximisation on the independent cascade: live-edge worlds, their expected
spread and greedy seed choice with lazy-forward (CELF) evaluation.

References
----------
Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of influence
through a social network. KDD 2003, 137-146.

Leskovec, J., Krause, A., Guestrin, C., Faloutsos, C., VanBriesen, J. and Glance, N.
(2007). Cost-effective outbreak detection in networks. KDD 2007, 420-429.
"""

from __future__ import annotations

import heapq
import operator

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from ..errors import ScenarioError
from ..network import Network, bernoulli_positions
from ..network.csr import lower_bound
from ..rng import MASK64, Purpose
from ..scenario import SeedingConfig
from .graph import listeners

__all__ = [
    "CELF_CANDIDATES",
    "CELF_PROBABILITY",
    "CELF_WORLDS",
    "celf_greedy",
    "check_celf",
    "check_count",
    "expected_spread",
]

# CELF defaults come from the scenario schema, the one place parameters are declared.
_CELF = SeedingConfig.model_fields
#: Default edge activation probability (scenario key ``seeding.celf_probability``).
CELF_PROBABILITY: float = _CELF["celf_probability"].default
#: Default number of live-edge worlds (``seeding.celf_worlds``).
CELF_WORLDS: int = _CELF["celf_worlds"].default
#: Default size of the candidate pool (``seeding.celf_candidates``).
CELF_CANDIDATES: int = _CELF["celf_candidates"].default

_I64 = np.int64


def check_count(count: object, n: int) -> int:
    """``count`` as an int, checked to be a number of nodes of an ``n``-node network.

    Parameters
    ----------
    count : int
        Number of nodes asked for.
    n : int
        Number of nodes of the network.

    Returns
    -------
    int

    Raises
    ------
    ScenarioError
        If ``count`` is not an integer or not in ``0..n``.
    """
    count = _as_int(count, "count")
    if not 0 <= count <= n:
        raise ScenarioError(f"count: {count} nodes asked for but the network has {n}")
    return count


def check_celf(probability: float, worlds: int, candidates: int) -> None:
    """Check the CELF options (see :func:`celf_greedy`).

    Parameters
    ----------
    probability : float
        Edge activation probability, in [0, 1].
    worlds, candidates : int
        Number of live-edge worlds and size of the candidate pool, >= 1 each.

    Raises
    ------
    ScenarioError
        Naming the first option out of bounds.
    """
    if not (isinstance(probability, int | float) and 0.0 <= probability <= 1.0):
        raise ScenarioError(f"celf probability: must be in [0, 1], found {probability!r}")
    for name, value in (("worlds", worlds), ("candidates", candidates)):
        if _as_int(value, f"celf {name}") < 1:
            raise ScenarioError(f"celf {name}: must be >= 1, found {value!r}")


def _as_int(value: object, name: str) -> int:
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ScenarioError(f"{name}: expected an integer, found {value!r}") from None


def _generator(stream: int, purpose: int) -> np.random.Generator:
    """numpy generator seeded by the whole 64-bit stream key and a purpose."""
    return np.random.default_rng([int(stream) & MASK64, purpose])


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
        out_dst = listeners(network)[by_source]
        chance = np.clip(probability * network.weights.astype(np.float64)[by_source], 0.0, 1.0)
        top = float(chance.max()) if len(chance) else 0.0
        thin = len(chance) > 0 and float(chance.min()) < top
        idx = np.int32 if n < 2**31 else np.int64
        rng = _generator(stream, Purpose.CELF)
        parts_src: list[NDArray] = []
        parts_dst: list[NDArray] = []
        ptr = np.zeros(worlds + 1, dtype=_I64)
        for k in range(worlds):
            live = bernoulli_positions(rng, len(chance), top, spare_sd=4.0, spare=16, shrink=1)
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
            a = lower_bound(src, lo, hi, u)
            b = lower_bound(src, a, hi, u + 1)
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
            a = lower_bound(src, lo, hi, u)
            b = lower_bound(src, a, hi, u + 1)
            for e in range(a, b):
                v = dst[e]
                if not _is_set(covered, k, v):
                    covered[k, v >> 6] |= one << np.uint64(v & 63)
                    queue[tail] = v
                    tail += 1
        total += tail
    return total


@njit(cache=True)
def _search(graph: tuple[np.ndarray, np.ndarray], visited: np.ndarray, queue: np.ndarray,
            head: int, tail: int, stop: np.ndarray, comp: np.ndarray, big: int,
            held: np.ndarray, n_held: int) -> tuple[int, int, bool]:
    """Breadth-first search continuing the queue ``queue[head:tail]`` over
    ``graph = (indptr, dst)``.

    Nodes with ``stop`` set are not expanded: those of component ``big`` only raise the
    returned flag, the others are appended to ``held``. Returns the new tail, the number
    held and the flag."""
    indptr, dst = graph
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
        reach_big, _, _ = _search((indptr, dst), visited, queue, 0, 1, no_stop, comp, -1,
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
                memo[label] = _reach_one((indptr, dst), comp, big, reach_big, c, visited,
                                         in_reach, no_stop, queue, held)
        totals[i] += memo[label]
    if reach_big > 0:
        in_reach[:] = False


@njit(cache=True)
def _reach_one(graph: tuple[np.ndarray, np.ndarray], comp: np.ndarray, big: int,
               reach_big: int, c: int, visited: np.ndarray, in_reach: np.ndarray,
               no_stop: np.ndarray, queue: np.ndarray, held: np.ndarray) -> int:
    """Nodes reachable from ``c`` (not in component ``big``) over ``graph = (indptr,
    dst)``, given R = ``in_reach``."""
    visited[c] = True
    queue[0] = c
    tail, n_held, hit = _search(graph, visited, queue, 0, 1, in_reach, comp, big, held, 0)
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
    end, _, _ = _search(graph, visited, queue, 0, n_held, no_stop, comp, -1, held, 0)
    for j in range(end):
        visited[queue[j]] = False
    return outside + end


def _celf_worlds(network: Network, probability: float, worlds: int, stream: int) -> _Worlds:
    if network.mixed:
        raise ScenarioError("celf: a fully mixed population has no edges to spread along")
    check_celf(probability, worlds, 1)
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
    count = check_count(count, n)
    check_celf(probability, worlds, candidates)
    sample = _celf_worlds(network, probability, worlds, stream)
    if count == 0:
        return np.empty(0, dtype=_I64), np.empty(0)
    pool = np.lexsort((np.arange(n), -network.out_degree))[:max(int(candidates), count)]
    seeds, gains = _lazy_greedy(sample, pool.astype(_I64), count)
    return np.asarray(seeds, dtype=_I64), np.asarray(gains, dtype=np.float64) / sample.count


def _lazy_greedy(sample: _Worlds, pool: NDArray[np.int64], count: int
                 ) -> tuple[list[int], list[int]]:
    """CELF's loop: the ``count`` seeds taken from ``pool`` and their gains (summed over
    worlds). A stale gain bounds the current one, so a node is re-evaluated only when its
    bound tops the queue, and chosen when its bound is current."""
    first = sample.singleton_totals(pool)
    # heap of (-gain bound, node, round the bound was computed in)
    heap = [(-int(g), int(v), 0) for g, v in zip(first.tolist(), pool.tolist(), strict=True)]
    heapq.heapify(heap)
    seeds: list[int] = []
    gains: list[int] = []
    while len(seeds) < count:
        _, node, done = heapq.heappop(heap)
        if done == len(seeds):
            seeds.append(node)
            gains.append(sample.cover(node))
            continue
        heapq.heappush(heap, (-sample.gain(node), node, len(seeds)))
    return seeds, gains
