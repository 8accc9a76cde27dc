"""numba kernels of the fast engine (:class:`sim.model.WomModel`).

State is held as ``adopted_step``: an int32 array of shape (replications, consumers),
-1 for consumers who have not adopted, otherwise the step at which they adopted
(0 for seeds). A kernel called for step ``t`` reads only entries ``< t`` (the previous
state) and writes ``t`` for new adopters, so the update is synchronous although it is
done in place, and every consumer's work is independent: the loops run in parallel
over (replication, consumer) with identical results for any thread count.

Each kernel mirrors one method of :class:`sim.reference.Consumer`, which is the
readable specification; the expressions are written in the same order so that both
engines round floating-point numbers identically.
"""

from __future__ import annotations

import os
from pathlib import Path

# numba reads its cache location when it is first imported: point it at the user's
# cache unless the user chose one.
os.environ.setdefault(
    "NUMBA_CACHE_DIR",
    str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "wom-sim" / "numba"),
)

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402

from .rng import GOLDEN, MUL1, MUL2, TO_UNIT  # noqa: E402

_GOLDEN = np.uint64(GOLDEN)
_MUL1 = np.uint64(MUL1)
_MUL2 = np.uint64(MUL2)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)


@njit(cache=True, inline="always")
def mix(z: np.uint64) -> np.uint64:
    """SplitMix64 step (the numba twin of :func:`sim.rng.mix`)."""
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _MUL1
    z = (z ^ (z >> _S27)) * _MUL2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def prefix(stream: np.uint64, step: int, purpose: int) -> np.uint64:
    """Twin of :func:`sim.rng.prefix`."""
    return mix(mix(stream ^ np.uint64(purpose)) ^ np.uint64(step))


@njit(cache=True, inline="always")
def draw(pre: np.uint64, node: int) -> float:
    """Uniform [0, 1) for one node given the prefix of its (stream, step, purpose)."""
    return float(mix(pre ^ np.uint64(node)) >> _S11) * TO_UNIT


@njit(cache=True)
def uniform_keys(streams: np.ndarray, step: int, nodes: np.ndarray, purpose: int) -> np.ndarray:
    """Draws for each (stream, node) pair; used by the tests to check the twins agree."""
    out = np.empty((streams.size, nodes.size))
    for r in range(streams.size):
        pre = prefix(streams[r], step, purpose)
        for j in range(nodes.size):
            out[r, j] = draw(pre, nodes[j])
    return out


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
    Twin of :meth:`sim.reference.Consumer.decide_bass` with a mixed population.
    """
    reps, n = adopted_step.shape
    prob = np.empty(reps)
    pre = np.empty(reps, dtype=np.uint64)
    for r in range(reps):
        prob[r] = (p + q * (adopted_before[r] / n)) * dt
        pre[r] = prefix(streams[r], step, purpose)
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        if adopted_step[r, i] < 0 and draw(pre[r], i) < prob[r]:
            adopted_step[r, i] = step


@njit(cache=True, parallel=True)
def fraction_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, wsum: np.ndarray,
    p: float, q: float, dt: float, thresholds: np.ndarray, use_threshold: bool,
) -> None:
    """Network Bass or linear-threshold step, from the adopted share of in-weight.

    For each non-adopter i, ``share = sum(w_ji for adopted j) / sum(w_ji)``.
    Bass: adopt with probability ``(p + q * share) * dt``. Linear threshold
    (``use_threshold``): adopt when ``share >= thresholds[r, i]``.
    Twin of :meth:`sim.reference.Consumer.decide_bass` and ``decide_threshold``.
    """
    reps, n = adopted_step.shape
    pre = np.empty(reps, dtype=np.uint64)
    for r in range(reps):
        pre[r] = prefix(streams[r], step, purpose)
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
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, p: float,
) -> None:
    """Independent-cascade step: last step's new adopters each try once per out-edge.

    A non-adopter i with new-adopter sources j adopts with probability
    ``1 - prod(1 - min(1, p * w_ji))``, the chance that at least one independent
    edge trial succeeds, decided by one draw. Twin of
    :meth:`sim.reference.Consumer.decide_cascade`.
    """
    reps, n = adopted_step.shape
    pre = np.empty(reps, dtype=np.uint64)
    for r in range(reps):
        pre[r] = prefix(streams[r], step, purpose)
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


def set_threads(threads: int | None) -> None:
    """Use ``threads`` numba threads (None: all); raises ValueError when out of range."""
    limit = numba.config.NUMBA_NUM_THREADS
    if threads is None:
        numba.set_num_threads(limit)
        return
    if not 1 <= threads <= limit:
        raise ValueError(f"threads must be between 1 and {limit}, found {threads}")
    numba.set_num_threads(threads)


def cache_is_warm() -> bool:
    """Whether compiled kernels are already in numba's cache (else the first call compiles)."""
    cache = Path(numba.config.CACHE_DIR or "")
    return cache.is_dir() and any(cache.rglob("kernels.*.nbi"))
