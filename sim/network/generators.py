"""Network generators: the complete graph, the mixed population and random graph models.

Random generators take ``seed`` (an integer >= 0) and are deterministic: the same
arguments give identical arrays in any process and with any numba thread count. They
never touch numpy's global random state. The vectorised samplers use
``numpy.random.default_rng(seed)``; the sequential ones (Barabasi-Albert,
Watts-Strogatz) run in numba on a private SplitMix64 stream (Steele, Lea and Flood
2014) seeded through ``numpy.random.SeedSequence(seed)``.

References
----------
Steele, G. L., Lea, D. and Flood, C. H. (2014). Fast splittable pseudorandom number
generators. OOPSLA 2014, 453-472.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

from ..errors import NetworkError
from ..rng import GOLDEN, TO_UNIT, mix_jit
from .csr import MAX_NODES, Network, from_edges
from .sampling import sample_pairs

#: Largest :func:`complete` graph; above it use the edge-free ``mixed`` population.
MAX_COMPLETE_NODES = 5000
#: Degrees above min_degree + this are drawn from the continuous power law.
_POWERLAW_TABLE = 2**20

_I64 = np.int64
_EMPTY_I64 = np.empty(0, dtype=np.int64)


# ---------------------------------------------------------------------------------------
# Trivial graphs
# ---------------------------------------------------------------------------------------


def mixed(n: int) -> Network:
    """A fully mixed population of ``n`` consumers: no edges, ``mixed=True``.

    Everyone meets everyone (the mean field of the Bass 1969 model), so no edge is
    stored.

    Parameters
    ----------
    n : int
        Number of consumers, >= 1.

    Returns
    -------
    Network
        With ``mixed=True`` and no edges.
    """
    n = _check_count(n, "n", minimum=1)
    return Network(n, np.zeros(n + 1, dtype=_I64), np.empty(0, dtype=np.uint32),
                   np.empty(0, dtype=np.float32), directed=False, mixed=True,
                   name=f"mixed(n={n})")


def complete(n: int) -> Network:
    """The complete undirected graph on ``n`` nodes (every pair of nodes linked).

    Parameters
    ----------
    n : int
        Number of nodes, ``1 <= n <= MAX_COMPLETE_NODES``.

    Returns
    -------
    Network
        Undirected and unweighted, with ``n (n - 1)`` stored edges.

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


def _check_exponent(value: float) -> float:
    try:
        gamma = float(value)
    except (TypeError, ValueError):
        raise NetworkError(f"exponent must be a number, found {value!r}") from None
    if not (math.isfinite(gamma) and gamma > 1.0):
        raise NetworkError(f"exponent must be > 1, found {value!r}")
    return gamma


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(_check_count(seed, "seed"))


def _numba_state(seed: int) -> NDArray[np.uint64]:
    """One-word state of the numba SplitMix64 stream, derived from ``seed``."""
    seq = np.random.SeedSequence(_check_count(seed, "seed"))
    return seq.generate_state(1, dtype=np.uint64)


_STRIDE = np.uint64(GOLDEN)
_S11 = np.uint64(11)


@njit(cache=True)
def _next_unit(state: np.ndarray) -> float:
    """Advance the SplitMix64 ``state[0]`` and return a uniform float in [0, 1)
    (the stream's output is :func:`sim.rng.mix_jit` of the state before the step)."""
    z = mix_jit(state[0])
    state[0] += _STRIDE
    return float(z >> _S11) * TO_UNIT


@njit(cache=True)
def _next_below(state: np.ndarray, k: int) -> int:
    """Uniform integer in [0, k), k >= 1."""
    i = int(_next_unit(state) * k)
    return i if i < k else k - 1


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
    src, dst = sample_pairs(_rng(seed), [(n * (n - 1) // 2, prob, 0, 0, 0)])
    return from_edges(src, dst, n=n, name=f"erdos_renyi(n={n}, p={prob:.6g}, seed={seed})")


@njit(cache=True)
def _ba_ends(n: int, m: int, state: np.ndarray) -> np.ndarray:
    """Edges of :func:`barabasi_albert` (see its start rule) as uint32 ends: edge ``e``
    joins ``ends[2 e]`` (the newer node) and ``ends[2 e + 1]``. Drawing a uniform entry
    of ``ends`` draws a node in proportion to its degree."""
    n_edges = m * (n - m)
    ends = np.empty(2 * n_edges, dtype=np.uint32)
    chosen = np.empty(m, dtype=np.uint32)
    e = 0
    for j in range(m):  # node m joins the m initial nodes
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
            ends[2 * e] = t
            ends[2 * e + 1] = chosen[i]
            e += 1
    return ends


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
    ends = _ba_ends(n, m, _numba_state(seed))
    return from_edges(ends[0::2], ends[1::2], n=n,
                      name=f"barabasi_albert(n={n}, m={m}, seed={seed})")


@njit(cache=True)
def _ws_linked(b: np.ndarray, head: np.ndarray, links: np.ndarray, half: int, u: int,
               w: int) -> bool:
    """Whether ``u - w`` (``u != w``) is an edge while :func:`_ws_edges` rewires: a
    lattice edge whose far end was not moved, or a moved edge on ``u``'s list.

    Lattice edge ``e = (j - 1) n + x`` joins ``x`` and ``(x + j) mod n``; it is moved
    at most once, to a node not linked to ``x`` (never its lattice end), so it is still
    in place exactly when ``b[e]`` is its lattice end. Moved edges are never moved again.
    """
    n = head.size
    d = (w - u) % n
    if d <= half:
        if b[(d - 1) * n + u] == w:
            return True
    elif n - d <= half and b[(n - d - 1) * n + w] == u:
        return True
    slot = head[u]
    while slot >= 0:  # links[slot] = (next slot on the list, the moved edge's other end)
        if links[slot, 1] == w:
            return True
        slot = links[slot, 0]
    return False


@njit(cache=True)
def _ws_edges(n: int, k: int, p: float, state: np.ndarray, slot_type: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """uint32 edge ends of :func:`watts_strogatz`: lattice, then rewiring in lattice
    order. Moved edge ``e`` is threaded onto both ends' lists, slot ``2 e`` on its
    a-end's and ``2 e + 1`` on its b-end's (``head``, ``links``, of the integer type of
    ``slot_type``), so that :func:`_ws_linked` finds every edge."""
    half = k // 2
    n_edges = n * half
    a = np.empty(n_edges, dtype=np.uint32)
    b = np.empty(n_edges, dtype=np.uint32)
    head = np.full(n, -1, dtype=slot_type.dtype)
    links = np.empty((2 * n_edges, 2), dtype=slot_type.dtype)
    degree = np.full(n, k, dtype=slot_type.dtype)
    e = 0
    for j in range(1, half + 1):
        for u in range(n):
            a[e] = u
            b[e] = (u + j) % n
            e += 1
    for e in range(n_edges):  # rewire u - v to u - w, in lattice order
        if _next_unit(state) >= p:
            continue
        u = np.int64(a[e])
        if degree[u] >= n - 1:
            continue  # u is already linked to everyone
        while True:
            w = _next_below(state, n)
            if w != u and not _ws_linked(b, head, links, half, u, w):
                break
        degree[b[e]] -= 1
        degree[w] += 1
        b[e] = w
        links[2 * e, 0], links[2 * e, 1] = head[u], w
        head[u] = 2 * e
        links[2 * e + 1, 0], links[2 * e + 1, 1] = head[w], u
        head[w] = 2 * e + 1
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
    else:  # int32 slots and degrees when the 2 n k / 2 edge ends allow
        slot_type = np.empty(0, dtype=np.int32 if n * k < 2**31 else _I64)
        a, b = _ws_edges(n, k, prob, state, slot_type)
    return from_edges(a, b, n=n,
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
    n = sum(size_list)
    if n > MAX_NODES:
        raise NetworkError(f"at most {MAX_NODES} nodes are supported, found n = {n}")
    parts = []  # inside each block, then between it and all later blocks (one id range)
    start = 0
    for size in size_list:
        end = start + size
        parts.append((size * (size - 1) // 2, pin, start, start, 0))
        parts.append((size * (n - end), pout, start, end, max(n - end, 1)))
        start = end
    src, dst = sample_pairs(_rng(seed), parts)
    blocks = np.repeat(np.arange(len(size_list), dtype=np.int32), size_list)
    return from_edges(src, dst, n=n, blocks=blocks,
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
    deg = deg.astype(_I64, copy=False)
    if int(deg.min()) < 0:
        raise NetworkError(f"degrees must be >= 0, found {int(deg.min())}")
    total = int(deg.sum())
    if total % 2:
        raise NetworkError(f"the degrees add up to {total}, an odd number: stubs cannot pair")
    if len(deg) > MAX_NODES:
        raise NetworkError(f"configuration: {len(deg):,} nodes is above {MAX_NODES:,}")
    rng = _rng(seed)
    # uint32 stubs shuffled in place: the same swaps as permuting int64 stubs, in half the
    # memory, and from_edges keeps uint32 ids without a copy.
    stubs = np.repeat(np.arange(len(deg), dtype=np.uint32), deg)
    rng.shuffle(stubs)
    return from_edges(stubs[0::2], stubs[1::2], n=len(deg),
                      name=f"configuration(n={len(deg)}, seed={seed})")


def _powerlaw_cdf(kmin: int, top: int, gamma: float) -> NDArray[np.float64]:
    """Exact table of the cumulative unnormalised masses (k / kmin)^-gamma for k = kmin..top,
    computed in place (one array)."""
    cdf = np.arange(kmin, top + 1, dtype=np.float64)
    np.log(cdf, out=cdf)
    cdf -= math.log(kmin)
    cdf *= -gamma
    np.exp(cdf, out=cdf)
    return np.cumsum(cdf, out=cdf)


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

    References
    ----------
    .. [1] Clauset, A., Shalizi, C. R. and Newman, M. E. J. (2009). Power-law
       distributions in empirical data. SIAM Review 51, 661-703 (the discrete law and
       its continuous approximation rounded to the nearest integer).
    """
    n = _check_count(n, "n", minimum=1)
    kmin = _check_count(min_degree, "min_degree", minimum=1)
    kmax = max(n - 1, kmin) if max_degree is None else _check_count(max_degree, "max_degree")
    if kmax < kmin:
        raise NetworkError(f"max_degree {kmax} is below min_degree {kmin}")
    gamma = _check_exponent(exponent)
    rng = _rng(seed)
    top = min(kmax, kmin + _POWERLAW_TABLE)
    cdf = _powerlaw_cdf(kmin, top, gamma)
    head = float(cdf[-1])
    # Mass beyond the table: integral of (x / kmin)^-gamma over [top + 1/2, kmax + 1/2].
    lo, hi = (top + 0.5) ** (1.0 - gamma), (kmax + 0.5) ** (1.0 - gamma)
    scale = kmin**gamma / (gamma - 1.0)
    tail = scale * (lo - hi) if kmax > top else 0.0
    u = rng.random(n)
    u *= head + tail
    deg = np.searchsorted(cdf, u, side="right").astype(_I64, copy=False)
    np.minimum(deg, len(cdf) - 1, out=deg)
    deg += kmin
    beyond = u >= head
    if beyond.any():
        x = (lo - (u[beyond] - head) / scale) ** (1.0 / (1.0 - gamma))
        deg[beyond] = np.clip(np.floor(x + 0.5), top + 1, kmax)
    if int(deg.sum()) % 2:
        if kmin == kmax:
            raise NetworkError(f"{n} degrees all equal to {kmin} cannot have an even sum")
        i = int(rng.integers(n))
        deg[i] += 1 if deg[i] < kmax else -1
    return deg
