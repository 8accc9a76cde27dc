"""Counter-based random numbers: every draw is a pure function of its key.

A draw is ``uniform(stream, step, node, purpose)`` where ``stream`` identifies one
replication of one run (see :func:`stream_key`). Because nothing is consumed from a
shared generator state, results do not depend on the order in which consumers are
visited, on the number of threads, or on the engine: the numba kernels
(:mod:`sim.commerce.kernel`), the numpy set-up code and the plain-Python reference engine
(:mod:`sim.reference`) all compute the same numbers from the same keys.

A draw that belongs to a tie rather than to a consumer (the one trial of a tie in the
independent cascade) takes as its node key :func:`tie_key` of the tie's two ends, which
never collides with another tie's because node ids fit in 32 bits.

The mixing function is the finaliser of SplitMix64 (Steele, Lea and Flood 2014),
applied in a chain: ``mix(mix(mix(stream ^ purpose) ^ step) ^ node)``. The first two
links depend only on (stream, purpose, step) and are hoisted out of the per-node loops
of the kernels (:func:`prefix`), so a draw costs one mix per node.

The generator is written here twice, side by side: in plain Python on integers
(:func:`mix`, :func:`prefix`, :func:`uniform`, with :func:`uniform_array` its numpy
form) and as its numba twin for the kernels (:func:`mix_jit`, :func:`prefix_jit`,
:func:`draw`, :func:`draw_bits`, :func:`prefixes`, :func:`prefix_table`,
:func:`uniform_keys`, :func:`tie_key_jit`). The tests
check that the forms agree bit for bit. The numba twin is compiled with
``cache=True``, so this module is imported after :func:`sim.jit.configure`
(``sim/__init__.py`` sees to it).

References
----------
Steele, G. L., Lea, D. and Flood, C. H. (2014). Fast splittable pseudorandom number
generators. OOPSLA 2014, 453-472.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MUL1 = 0xBF58476D1CE4E5B9
MUL2 = 0x94D049BB133111EB
TO_UNIT = 2.0**-53


class Purpose(IntEnum):
    """What a draw is used for: draws for different purposes never coincide."""

    SEEDING = 1
    THRESHOLD = 2
    ADOPT = 3
    CELF = 4
    COMMUNITY = 5
    NETWORK = 6
    CASCADE = 7
    # commerce model: consumer traits (drawn at step 0) ...
    TIES = 10
    FIT = 11
    PRICE_SENSITIVITY = 12
    PEER_TRUST = 13
    BRAND_TRUST = 14
    APPETITE_RADIUS = 15
    APPETITE_ANGLE = 16
    READS_REVIEWS = 17
    INTEREST = 18
    # ... and weekly decisions
    TALK = 20
    CHECKIN = 21
    AD_REACH = 22
    NEGATIVE = 23
    MOVE = 24
    BUY = 25
    CHURN = 26
    SATISFACTION = 27
    REVIEW = 28
    JOIN = 29
    INFLUENCERS = 30
    FORGET = 31
    # the event log: which tie carried a word-of-mouth event (drawn only when it is kept)
    SOURCE = 32


def mix(z: int) -> int:
    """SplitMix64 step: a bijection of 64-bit integers with strong avalanche."""
    z = (z + GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * MUL1) & MASK64
    z = ((z ^ (z >> 27)) * MUL2) & MASK64
    return z ^ (z >> 31)


def stream_key(seed: int, replication: int) -> int:
    """Key of one replication of a run with the given seed (both integers >= 0)."""
    if seed < 0 or replication < 0:
        raise ValueError("seed and replication must be >= 0")
    return mix(mix(seed & MASK64) ^ replication)


def prefix(stream: int, step: int, purpose: int) -> int:
    """The part of a key shared by all nodes drawing at one step for one purpose."""
    return mix(mix(stream ^ purpose) ^ step)


def uniform(stream: int, step: int, node: int, purpose: int) -> float:
    """One draw in [0, 1), a pure function of (stream, step, node, purpose)."""
    return (mix(prefix(stream, step, purpose) ^ node) >> 11) * TO_UNIT


def tie_key(speaker: int, listener: int) -> int:
    """Node key of the tie ``speaker -> listener`` (both ids below 2**32)."""
    return (speaker << 32) | listener


def uniform_array(stream: int, step: int, n: int | np.ndarray, purpose: int) -> np.ndarray:
    """Draws for nodes 0..n-1 (or for the given node keys) as a float64 array, equal to
    ``uniform`` node by node."""
    nodes = np.arange(n, dtype=np.uint64) if np.isscalar(n) else np.asarray(n, np.uint64)
    z = nodes ^ np.uint64(prefix(stream, step, purpose))
    with np.errstate(over="ignore"):
        z = z + np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(MUL1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(MUL2)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * TO_UNIT


# ---- the numba twin -----------------------------------------------------------------
_GOLDEN = np.uint64(GOLDEN)
_MUL1 = np.uint64(MUL1)
_MUL2 = np.uint64(MUL2)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S32 = np.uint64(32)


@njit(cache=True, inline="always")
def mix_jit(z: np.uint64) -> np.uint64:
    """SplitMix64 step on uint64 (the numba twin of :func:`mix`)."""
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _MUL1
    z = (z ^ (z >> _S27)) * _MUL2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def prefix_jit(stream: np.uint64, step: int, purpose: int) -> np.uint64:
    """The numba twin of :func:`prefix`."""
    return mix_jit(mix_jit(stream ^ np.uint64(purpose)) ^ np.uint64(step))


@njit(cache=True, inline="always")
def draw_bits(pre: np.uint64, node: int) -> np.uint64:
    """The 53 bits of a draw: :func:`draw` is ``draw_bits * 2**-53``, so ``draw < x``
    exactly when ``draw_bits < x * 2**53`` (scaling by a power of two is exact)."""
    return mix_jit(pre ^ np.uint64(node)) >> _S11


@njit(cache=True, inline="always")
def draw(pre: np.uint64, node: int) -> float:
    """Uniform [0, 1) for one node given the prefix of its (stream, step, purpose).

    The 53 bits fit an int64, whose conversion to float is one instruction (an
    unsigned one is several); the value is the same.
    """
    return float(np.int64(draw_bits(pre, node))) * TO_UNIT


@njit(cache=True, inline="always")
def tie_key_jit(speaker: int, listener: int) -> np.uint64:
    """The numba twin of :func:`tie_key`."""
    return (np.uint64(speaker) << _S32) | np.uint64(listener)


@njit(cache=True)
def prefixes(streams: np.ndarray, step: int, purpose: int) -> np.ndarray:
    """The per-replication prefixes of one (step, purpose)."""
    out = np.empty(streams.size, dtype=np.uint64)
    for r in range(streams.size):
        out[r] = prefix_jit(streams[r], step, purpose)
    return out


@njit(cache=True)
def prefix_table(streams: np.ndarray, step: int, purposes: tuple) -> np.ndarray:
    """Prefixes of one step for several purposes: ``out[r, k]`` is the prefix of
    replication r for ``purposes[k]``."""
    out = np.empty((streams.size, len(purposes)), dtype=np.uint64)
    for r in range(streams.size):
        for k in range(len(purposes)):
            out[r, k] = prefix_jit(streams[r], step, purposes[k])
    return out


@njit(cache=True)
def uniform_keys(streams: np.ndarray, step: int, nodes: np.ndarray, purpose: int) -> np.ndarray:
    """Draws for each (stream, node) pair, equal to :func:`uniform` pair by pair."""
    out = np.empty((streams.size, nodes.size))
    for r in range(streams.size):
        pre = prefix_jit(streams[r], step, purpose)
        for j in range(nodes.size):
            out[r, j] = draw(pre, nodes[j])
    return out
