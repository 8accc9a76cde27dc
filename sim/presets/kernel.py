"""numba kernels of the classic presets in the fast engine (:class:`sim.fast.WomModel`).

State is held as ``adopted_step``: an int32 array of shape (replications, consumers),
-1 for consumers who have not adopted, otherwise the step at which they adopted
(0 for seeds). A kernel called for step ``t`` reads only entries ``< t`` (the previous
state) and writes ``t`` for new adopters, so the update is synchronous although it is
done in place, and every consumer's work is independent: the loops run in parallel
over (replication, consumer) with identical results for any thread count.

Each kernel mirrors one method of :class:`sim.presets.agent.Consumer`, which is the
readable specification; the expressions are written in the same order so that both
engines round floating-point numbers identically.

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

import numpy as np
from numba import njit, prange

from ..rng import draw, prefixes


@njit(cache=True)
def in_weight_sums(indptr: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Total in-weight of every consumer, summed left to right along its CSR row."""
    n = indptr.size - 1
    out = np.zeros(n)
    for i in range(n):
        s = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            s += weights[e]
        out[i] = s
    return out


@njit(cache=True, parallel=True)
def bass_mixed_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    p: float, q: float, dt: float, adopted_before: np.ndarray,
) -> None:
    """Fully mixed Bass step: hazard ``(p + q * A / N) * dt`` for every non-adopter.

    ``adopted_before[r]`` is the number of adopters A of replication r before this step.
    Twin of :meth:`sim.presets.agent.Consumer.decide_bass` with a mixed population.
    """
    reps, n = adopted_step.shape
    pre = prefixes(streams, step, purpose)
    prob = np.empty(reps)
    for r in range(reps):
        prob[r] = (p + q * (adopted_before[r] / n)) * dt
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        if adopted_step[r, i] < 0 and draw(pre[r], i) < prob[r]:
            adopted_step[r, i] = step


@njit(cache=True, parallel=True)
def fraction_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    graph: tuple, wsum: np.ndarray, bass: tuple, thresholds: np.ndarray, use_threshold: bool,
) -> None:
    """Network Bass or linear-threshold step, from the adopted share of in-weight.

    ``graph`` is the CSR network ``(indptr, indices, weights)`` and ``bass`` is
    ``(p, q, dt)``. For each non-adopter i, ``share = sum(w_ji for adopted j) / sum(w_ji)``.
    Bass: adopt with probability ``(p + q * share) * dt``. Linear threshold
    (``use_threshold``): adopt when ``share >= thresholds[r, i]``.
    Twin of :meth:`sim.presets.agent.Consumer.decide_bass` and ``decide_threshold``.
    """
    indptr, indices, weights = graph
    p, q, dt = bass
    reps, n = adopted_step.shape
    pre = prefixes(streams, step, purpose)
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        if adopted_step[r, i] >= 0:
            continue
        s = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            a = adopted_step[r, indices[e]]
            if a >= 0 and a < step:
                s += weights[e]
        share = s / wsum[i] if wsum[i] > 0.0 else 0.0
        if use_threshold:
            if share >= thresholds[r, i]:
                adopted_step[r, i] = step
        elif draw(pre[r], i) < (p + q * share) * dt:
            adopted_step[r, i] = step


@njit(cache=True, parallel=True)
def cascade_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int, graph: tuple,
    p: float,
) -> None:
    """Independent-cascade step: last step's new adopters each try once per out-edge.

    A non-adopter i with new-adopter sources j adopts with probability
    ``1 - prod(1 - min(1, p * w_ji))``, the chance that at least one independent
    edge trial succeeds, decided by one draw. ``graph`` is the CSR network
    ``(indptr, indices, weights)``. Twin of
    :meth:`sim.presets.agent.Consumer.decide_cascade`.
    """
    indptr, indices, weights = graph
    reps, n = adopted_step.shape
    pre = prefixes(streams, step, purpose)
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        if adopted_step[r, i] >= 0:
            continue
        stay = 1.0
        for e in range(indptr[i], indptr[i + 1]):
            if adopted_step[r, indices[e]] == step - 1:
                stay *= 1.0 - min(1.0, p * weights[e])
        if stay < 1.0 and draw(pre[r], i) < 1.0 - stay:
            adopted_step[r, i] = step
