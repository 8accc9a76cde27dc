"""Sparse Bernoulli sampling by geometric skips, shared by the generators and CELF."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..errors import NetworkError

__all__ = ["bernoulli_positions"]


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
    if total <= 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(total, dtype=np.int64)
    if total >= 2**62:
        raise NetworkError(f"{total:,} possible positions is too many to sample")
    expected = total * p
    chunk = int(expected + spare_sd * math.sqrt(expected) + spare)
    parts = []
    last = -1
    while last < total:
        gaps = np.minimum(rng.geometric(p, size=chunk), total + 1)
        pos = last + np.cumsum(gaps)
        parts.append(pos)
        last = int(pos[-1])
        chunk = max(spare, chunk // shrink)
    pos = np.concatenate(parts)
    return pos[: np.searchsorted(pos, total)]
