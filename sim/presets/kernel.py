"""numba kernels of the classic presets in the fast engine (:class:`sim.fast.WomModel`).

State is held as ``adopted_step``: an int32 array of shape (replications, consumers),
-1 for consumers who have not adopted, otherwise the step at which they adopted
(0 for seeds). A kernel called for step ``t`` decides from entries ``< t`` (the
previous state) and writes ``t`` for new adopters, so the update is synchronous although
it is done in place.

The Bass kernels visit every consumer who has not adopted (each draws every step): the
loops run in parallel over jobs of one replication's run of consumers
(:func:`sim.jit.block`). The independent cascade and the
linear threshold only move where something changed, so their kernels work on the
*frontier*, the consumers who adopted at the previous step, and cost in proportion to
the ties those consumers speak over (Kempe et al. 2003 state both models this way).
They read the network by speaker (:func:`sim.network.speaker_rows`) and keep, per
replication, a bit set of the adopters (``seen``: one bit per consumer, so that the
random reads of a cascade stay in cache), an ``order`` of adopters (uint32: the seeds,
then each step's adopters) and ``bounds[r] = (front, filled)``: the frontier is
``order[r, front:filled]``; the step of each adoption follows from ``order`` and the
bounds of every step (:attr:`sim.fast.WomModel.adopted_step`). ``order[r, filled:]`` is
free space in which the threshold step lists the consumers it reaches. Replications are
independent and run in parallel; within one the work is serial, and every draw is a
pure function of its key, so the result does not depend on the thread count.

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

import math

import numpy as np
from numba import njit, prange

from ..jit import block, blocks
from ..rng import Purpose, draw, draw_bits, prefixes, tie_key_jit

CASCADE = int(Purpose.CASCADE)
THRESHOLD = int(Purpose.THRESHOLD)


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
    per = blocks(n)
    for job in prange(reps * per):
        r, lo, hi = block(job, per, n)
        for i in range(lo, hi):
            if adopted_step[r, i] < 0 and draw(pre[r], i) < prob[r]:
                adopted_step[r, i] = step


@njit(cache=True, parallel=True)
def bass_network_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    graph: tuple, wsum: np.ndarray, bass: tuple,
) -> None:
    """Network Bass step, from the adopted share of in-weight.

    ``graph`` is the CSR network ``(indptr, indices, weights)`` and ``bass`` is
    ``(p, q, dt)``. For each non-adopter i, ``share = sum(w_ji for adopted j) / sum(w_ji)``
    and i adopts with probability ``(p + q * share) * dt``.
    Twin of :meth:`sim.presets.agent.Consumer.decide_bass`.
    """
    indptr, indices, weights = graph
    p, q, dt = bass
    reps, n = adopted_step.shape
    pre = prefixes(streams, step, purpose)
    per = blocks(n)
    for job in prange(reps * per):
        r, lo, hi = block(job, per, n)
        for i in range(lo, hi):
            if adopted_step[r, i] >= 0:
                continue
            s = 0.0
            for e in range(indptr[i], indptr[i + 1]):
                a = adopted_step[r, indices[e]]
                if a >= 0 and a < step:
                    s += weights[e]
            share = s / wsum[i] if wsum[i] > 0.0 else 0.0
            if draw(pre[r], i) < (p + q * share) * dt:
                adopted_step[r, i] = step


@njit(cache=True, inline="always")
def has(bits: np.ndarray, i: int) -> bool:
    """Whether consumer ``i`` is in the bit set ``bits`` (bit i % 8 of byte i // 8)."""
    return (bits[i >> 3] >> (i & 7)) & 1 == 1


@njit(cache=True, inline="always")
def flip(bits: np.ndarray, i: int) -> None:
    """Add consumer ``i`` to ``bits``, or remove it if it is there."""
    bits[i >> 3] ^= np.uint8(1 << (i & 7))


@njit(cache=True)
def _cascade_replication(seen: np.ndarray, order: np.ndarray, bound: np.ndarray,
                         pre: np.uint64, speakers: tuple, p: float, unit: bool) -> None:
    """One replication's independent-cascade step (see :func:`cascade_step`)."""
    indptr, targets, weights = speakers
    limit = p * 2.0**53  # draw < p * w exactly when its 53 bits are below limit * w
    whole = np.uint64(math.ceil(limit))  # ... and, for w = 1, below this integer
    new = bound[1]
    for k in range(bound[0], bound[1]):
        j = order[k]
        for e in range(indptr[j], indptr[j + 1]):
            i = targets[e]
            bits = draw_bits(pre, tie_key_jit(j, i))
            hit = bits < whole if unit else float(np.int64(bits)) < limit * weights[e]
            if hit and not has(seen, i):
                flip(seen, i)
                order[new] = i
                new += 1
    bound[0] = bound[1]
    bound[1] = new


@njit(cache=True, parallel=True)
def cascade_step(
    seen: np.ndarray, order: np.ndarray, bounds: np.ndarray, streams: np.ndarray,
    step: int, speakers: tuple, p: float, unit: bool,
) -> None:
    """Independent-cascade step: last step's new adopters each try once per out-tie.

    The trial of tie ``j -> i`` succeeds when its draw (step, :func:`sim.rng.tie_key`
    of (j, i), purpose CASCADE) is below ``p * w_ji``; a consumer who has not adopted
    adopts when any trial reaching it succeeds. Each outcome is a pure function of its
    key, so the draw comes first and the consumer's state is read only on success (one
    tie in 1 / (p w)): the cost is a hash per tie, in the order the ties are stored,
    compared as an integer when every weight is 1 (``unit``). ``seen[r]`` is the bit set
    of replication r's adopters (a bit per consumer, small enough to stay in cache);
    this step's adopters are appended to ``order[r]``. ``speakers`` is the network by
    speaker (:func:`sim.network.speaker_rows`). Twin of
    :meth:`sim.presets.agent.Consumer.decide_cascade`.
    """
    pre = prefixes(streams, step, CASCADE)
    for r in prange(seen.shape[0]):
        _cascade_replication(seen[r], order[r], bounds[r], pre[r], speakers, p, unit)


@njit(cache=True)
def _crosses(seen: np.ndarray, i: int, heard: float, threshold: float, graph: tuple,
             wsum: float) -> bool:
    """Whether consumer i's adopted share of in-weight reaches ``threshold``.

    ``heard`` is the adopted in-weight summed in adoption order. The reference sums it
    along i's CSR row; the two sums of the same non-negative weights differ by at most
    about (degree + 1) units in the last place, so only a share that close to the
    threshold is summed again along the row (``seen`` holds the adopters before this
    step), which then decides exactly as the reference does.
    """
    indptr, indices, weights = graph
    share = heard / wsum if wsum > 0.0 else 0.0
    if abs(share - threshold) > (indptr[i + 1] - indptr[i] + 2) * 2.0**-51:
        return share > threshold
    s = 0.0
    for e in range(indptr[i], indptr[i + 1]):
        if has(seen, indices[e]):
            s += weights[e]
    share = s / wsum if wsum > 0.0 else 0.0
    return share >= threshold


@njit(cache=True)
def _threshold_replication(marks: tuple, order: np.ndarray, bound: np.ndarray,
                           heard: np.ndarray, pre: np.uint64, graph: tuple,
                           speakers: tuple, wsum: np.ndarray, fixed: float) -> None:
    """One replication's linear-threshold step (see :func:`threshold_step`)."""
    seen, touched = marks
    indptr, targets, weights = speakers
    end = bound[1]  # the consumers this step reaches are listed at order[bound[1]:end]
    for k in range(bound[0], bound[1]):
        j = order[k]
        for e in range(indptr[j], indptr[j + 1]):
            i = targets[e]
            if has(seen, i):
                continue
            if not has(touched, i):
                flip(touched, i)
                order[end] = i
                end += 1
            heard[i] += weights[e]
    new = bound[1]
    for k in range(bound[1], end):
        i = order[k]
        flip(touched, i)
        threshold = 1.0 - draw(pre, i) if np.isnan(fixed) else fixed
        if _crosses(seen, i, heard[i], threshold, graph, wsum[i]):
            order[new] = i
            new += 1
    for k in range(bound[1], new):
        flip(seen, order[k])
    bound[0] = bound[1]
    bound[1] = new


@njit(cache=True, parallel=True)
def threshold_step(
    seen: np.ndarray, touched: np.ndarray, order: np.ndarray, bounds: np.ndarray,
    heard: np.ndarray, streams: np.ndarray, graph: tuple, speakers: tuple,
    wsum: np.ndarray, fixed: float,
) -> None:
    """Linear-threshold step: last step's new adopters add their tie weight to what
    their listeners have heard; a listener adopts once the adopted share of its
    in-weight (``heard[r, i] / wsum[i]``) reaches its threshold.

    ``seen`` and ``touched`` are bit sets per replication: its adopters before this step
    (this step's join them at its end) and, during the step, the consumers it reached.
    ``graph`` is the CSR network ``(indptr, indices, weights)`` and ``speakers`` the
    same network by speaker (:func:`sim.network.speaker_rows`). The threshold is
    ``fixed`` for everyone (Watts 2002) or, when ``fixed`` is NaN, ``1 - U`` with U the
    consumer's draw of step 0 for purpose THRESHOLD (Kempe et al. 2003), drawn when it
    is needed. Twin of :meth:`sim.presets.agent.Consumer.decide_threshold`.
    """
    pre = prefixes(streams, 0, THRESHOLD)
    for r in prange(seen.shape[0]):
        _threshold_replication((seen[r], touched[r]), order[r], bounds[r], heard[r], pre[r],
                               graph, speakers, wsum, fixed)
