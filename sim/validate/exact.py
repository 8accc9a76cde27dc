"""Exact answers of the classic models, to hold the simulation to.

- :func:`bass_recursion` and :func:`bass_closed_form`: the discrete and continuous
  Bass (1969) adoption curves.
- :func:`exact_ic` and :func:`exact_lt`: activation probabilities of the independent
  cascade and the linear threshold model on a small graph, by enumerating every
  live-edge world (Kempe, Kleinberg and Tardos 2003).
- :func:`watts_window`: the edges of the cascade window of Watts (2002) on an
  Erdos-Renyi graph with one fixed threshold.

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.
Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of influence
through a social network. KDD 2003, 137-146.
Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99(9),
5766-5771.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Sequence

import numpy as np
from scipy.optimize import brentq

Edge = tuple[int, int, float]

#: A small directed graph (source, listener, weight): nodes 6 and 7 only speak.
SMALL_GRAPH: list[Edge] = [
    (0, 1, 1.0), (0, 2, 0.6), (1, 3, 1.4), (2, 3, 1.0), (3, 4, 0.8), (2, 4, 0.5),
    (4, 5, 1.2), (1, 5, 0.3), (5, 0, 0.9), (6, 3, 1.0), (7, 4, 1.5), (6, 5, 0.5)]


def bass_recursion(p: float, q: float, steps: int, dt: float = 1.0) -> np.ndarray:
    """Discrete Bass curve ``F[t+1] = F[t] + (p + q F[t]) (1 - F[t]) dt``, ``F[0] = 0``."""
    f = np.zeros(steps + 1)
    for t in range(steps):
        f[t + 1] = f[t] + (p + q * f[t]) * (1 - f[t]) * dt
    return f


def bass_closed_form(p: float, q: float, t: np.ndarray) -> np.ndarray:
    """Continuous Bass curve ``F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1 - e) / (1 + (q / p) * e)


def reachable(n: int, live: Sequence[tuple[int, int]], seeds: Sequence[int]) -> np.ndarray:
    """Boolean array: which of ``n`` nodes the ``seeds`` reach over the ``live`` edges."""
    adj: dict[int, list[int]] = {}
    for u, v in live:
        adj.setdefault(u, []).append(v)
    seen = np.zeros(n, dtype=bool)
    seen[list(seeds)] = True
    queue = deque(seeds)
    while queue:
        u = queue.popleft()
        for v in adj.get(u, []):
            if not seen[v]:
                seen[v] = True
                queue.append(v)
    return seen


def exact_ic(edges: Sequence[Edge], n: int, seeds: Sequence[int], p: float) -> np.ndarray:
    """Exact activation probability of each node in the independent cascade.

    Edge ``u -> v`` of weight ``w`` is live with probability ``min(1, p w)``; a node is
    active when a seed reaches it over live edges. Cost: 2^len(edges) worlds.
    """
    probs = [min(1.0, p * w) for _, _, w in edges]
    out = np.zeros(n)
    for world in itertools.product((0, 1), repeat=len(edges)):
        weight = math.prod(pr if keep else 1 - pr for pr, keep in zip(probs, world, strict=True))
        live = [(u, v) for (u, v, _), keep in zip(edges, world, strict=True) if keep]
        out += weight * reachable(n, live, seeds)
    return np.clip(out, 0.0, 1.0)  # the sum can exceed 1 by rounding


def exact_lt(edges: Sequence[Edge], n: int, seeds: Sequence[int]) -> np.ndarray:
    """Exact activation probability of each node in the linear threshold model.

    With thresholds uniform on (0, 1) and weights normalised per listener, the model
    equals a live-edge process in which each node keeps one incoming edge, chosen with
    probability proportional to its weight (Kempe et al. 2003, Theorem 2.5).
    """
    incoming: dict[int, list[tuple[int, float]]] = {}
    for u, v, w in edges:
        incoming.setdefault(v, []).append((u, w))
    nodes = sorted(incoming)
    out = np.zeros(n)
    for choice in itertools.product(*(incoming[v] for v in nodes)):
        weight = 1.0
        live = []
        for v, (u, w) in zip(nodes, choice, strict=True):
            weight *= w / sum(x for _, x in incoming[v])
            live.append((u, v))
        out += weight * reachable(n, live, seeds)
    return np.clip(out, 0.0, 1.0)


def _cascade_condition(z: float, phi: float) -> float:
    """``sum_k k (k-1) rho_k p_k - z`` for Poisson(z) degrees, ``rho_k = [k <= 1/phi]``."""
    top = math.floor(1 / phi)
    return sum(k * (k - 1) * math.exp(-z) * z**k / math.factorial(k)
               for k in range(2, top + 1)) - z


def watts_window(phi: float) -> tuple[float, float]:
    """Mean degrees ``(z_low, z_high)`` between which global cascades occur (n -> inf).

    A node of degree ``k`` is vulnerable (one adopted neighbour tips it) when
    ``k <= 1/phi``. Global cascades are possible when the vulnerable nodes percolate:
    ``sum_k k (k-1) rho_k p_k > z`` (Watts 2002, eq. 4) with ``p_k`` Poisson(z).

    Raises
    ------
    ValueError
        If ``phi`` leaves no window (``phi > 1/2``).
    """
    if phi > 0.5:
        raise ValueError(f"no cascade window for threshold {phi} > 1/2")
    zs = np.linspace(0.01, 40, 4000)
    inside = np.array([_cascade_condition(z, phi) > 0 for z in zs])
    first, last = int(np.argmax(inside)), int(inside.size - 1 - np.argmax(inside[::-1]))
    low = brentq(_cascade_condition, zs[first - 1], zs[first], args=(phi,))
    high = brentq(_cascade_condition, zs[last], zs[last + 1], args=(phi,))
    return float(low), float(high)
