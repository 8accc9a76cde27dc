"""Sparse Bernoulli sampling by geometric skips, shared by the generators and CELF, and
the decoding of sampled pair positions into uint32 edge ends."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from numba import njit
from numpy.typing import NDArray

from ..errors import NetworkError

__all__ = ["bernoulli_batches", "bernoulli_positions", "sample_pairs"]

#: Most positions :func:`bernoulli_batches` yields at once (512 KB of int64).
BATCH = 2**16


def bernoulli_positions(
    rng: np.random.Generator,
    total: int,
    p: float,
    *,
    spare_sd: float = 6.0,
    spare: int = 64,
    shrink: int = 8,
) -> NDArray[np.int64]:
    """Sorted positions in ``[0, total)``, each present independently with probability p.

    Instead of one coin per position, it jumps from one present position to the next:
    the gaps between successive present positions are independent Geometric(p)
    variables, so the cost is proportional to the number of positions drawn,
    ``O(p * total)``, not to ``total`` (Batagelj and Brandes 2005). This is how the
    Erdos-Renyi and stochastic block generators pick edges among all node pairs, and
    how CELF samples its live-edge worlds.

    The gaps are drawn in chunks: the expected count plus ``spare_sd`` standard
    deviations plus ``spare``, then each chunk ``1 / shrink`` of the one before (at
    least ``spare``). The positions depend only on the state of ``rng``; the chunk
    sizes decide how many variates are consumed, hence the state ``rng`` is left in,
    so a caller that goes on drawing from ``rng`` keeps its chunk sizes fixed.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the geometric gaps; it is advanced.
    total : int
        Number of positions, ``0 <= total < 2**62``.
    p : float
        Probability that a position is present; ``p <= 0`` gives none, ``p >= 1`` all.
    spare_sd : float, default 6.0
        Standard deviations added to the expected count in the first chunk.
    spare : int, default 64
        Variates added to the first chunk, and the smallest later chunk.
    shrink : int, default 8
        Each later chunk is the one before divided by ``shrink`` (1: the same size).

    Returns
    -------
    numpy.ndarray
        int64 positions in increasing order, without repetition.

    Raises
    ------
    NetworkError
        If ``total`` is ``2**62`` or more (the skips could overflow int64).

    References
    ----------
    .. [1] Batagelj, V. and Brandes, U. (2005). Efficient generation of large random
       networks. Physical Review E 71, 036113.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> pos = bernoulli_positions(rng, 10**9, 1e-8)
    >>> len(pos) < 40 and bool(np.all(np.diff(pos) > 0))
    True
    """
    parts = list(bernoulli_batches(rng, total, p, spare_sd=spare_sd, spare=spare,
                                   shrink=shrink))
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def bernoulli_batches(
    rng: np.random.Generator,
    total: int,
    p: float,
    *,
    spare_sd: float = 6.0,
    spare: int = 64,
    shrink: int = 8,
) -> Iterator[NDArray[np.int64]]:
    """The positions of :func:`bernoulli_positions`, in increasing order, as non-empty
    int64 arrays of at most :data:`BATCH` positions.

    It draws the same variates in the same order (each chunk in slices of at most
    ``BATCH``, the rest of the last chunk drawn and discarded), so it yields the same
    positions and leaves ``rng`` in the same state, while holding one slice at a time.
    The arguments are those of :func:`bernoulli_positions`.
    """
    if total <= 0 or p <= 0.0:
        return
    if p >= 1.0:
        for start in range(0, total, BATCH):
            yield np.arange(start, min(total, start + BATCH), dtype=np.int64)
        return
    if total >= 2**62:
        raise NetworkError(f"{total:,} possible positions is too many to sample")
    expected = total * p
    chunk = int(expected + spare_sd * math.sqrt(expected) + spare)
    last = -1
    while last < total:
        for start in range(0, chunk, BATCH):
            pos = rng.geometric(p, size=min(BATCH, chunk - start))
            if last >= total:
                continue  # drawn only to leave rng where a whole chunk leaves it
            np.minimum(pos, total + 1, out=pos)
            np.cumsum(pos, out=pos)
            pos += last
            last = int(pos[-1])
            inside = pos[: np.searchsorted(pos, total)]
            if inside.size:
                yield inside
        chunk = max(spare, chunk // shrink)


@njit(cache=True)
def _decode_pairs(pos: np.ndarray, src: np.ndarray, dst: np.ndarray, at: int, first: int,
                  second: int, width: int) -> None:
    """Write the pairs at positions ``pos`` to ``src[at:]``, ``dst[at:]``: with ``width``
    0, position ``k = v (v - 1) / 2 + w`` (``0 <= w < v``) is the pair ``first + w,
    first + v``; else it is ``first + k // width, second + k % width``."""
    for i in range(pos.size):
        k = pos[i]
        if width == 0:
            v = np.int64(np.floor((1.0 + np.sqrt(1.0 + 8.0 * np.float64(k))) / 2.0))
            if v * (v - 1) // 2 > k:  # correct rounding of the square root by one
                v -= 1
            if (v + 1) * v // 2 <= k:
                v += 1
            src[at + i] = first + k - v * (v - 1) // 2
            dst[at + i] = first + v
        else:
            src[at + i] = first + k // width
            dst[at + i] = second + k % width


def _room(parts: list[tuple[int, float, int, int, int]]) -> int:
    """Room for the pairs of :func:`sample_pairs`: the expected count of each part plus
    6 standard deviations and 64 (all its positions when ``p >= 1``)."""
    return sum(int(t * p + 6.0 * math.sqrt(t * p) + 64) if p < 1.0 else t
               for t, p, *_ in parts if t > 0 and p > 0.0)


def sample_pairs(
    rng: np.random.Generator, parts: list[tuple[int, float, int, int, int]]
) -> tuple[NDArray[np.uint32], NDArray[np.uint32]]:
    """uint32 edge ends of node pairs sampled by :func:`bernoulli_batches`, part by part.

    Each part is ``(total, p, first, second, width)``: ``total`` positions sampled with
    probability ``p``, decoded as in :func:`_decode_pairs` (``width`` 0: the pairs
    ``w < v`` of the nodes from ``first`` on; else the pairs of the ``total / width``
    nodes from ``first`` with the ``width`` nodes from ``second``). The ends are written
    batch by batch into arrays sized for the expected count plus 6 standard deviations
    (grown if ever exceeded), so no int64 array of all positions is held. Node ids must
    fit in uint32.

    Returns
    -------
    tuple of numpy.ndarray
        ``(src, dst)``, in the order the parts and their positions were sampled.
    """
    room = _room(parts)
    src = np.empty(room, dtype=np.uint32)
    dst = np.empty(room, dtype=np.uint32)
    at = 0
    for total, p, first, second, width in parts:
        for pos in bernoulli_batches(rng, total, p):
            if at + pos.size > src.size:  # beyond 6 standard deviations: grow
                size = 2 * (at + pos.size)
                src = np.concatenate((src[:at], np.empty(size - at, dtype=np.uint32)))
                dst = np.concatenate((dst[:at], np.empty(size - at, dtype=np.uint32)))
            _decode_pairs(pos, src, dst, at, first, second, width)
            at += pos.size
    return src[:at], dst[:at]
