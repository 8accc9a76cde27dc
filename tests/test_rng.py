"""The counter-based generator: its three forms agree bit for bit and look uniform."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_array_equal

from sim import rng


def test_python_numpy_and_numba_forms_agree():
    streams = [rng.stream_key(seed, rep) for seed in (0, 1, 2**40) for rep in (0, 3)]
    nodes = np.array([0, 1, 2, 17, 99_999, 2**31 - 1], dtype=np.int64)
    fast = rng.uniform_keys(np.array(streams, dtype=np.uint64), 11, nodes, 3)
    for row, stream in enumerate(streams):
        python = [rng.uniform(stream, 11, int(i), 3) for i in nodes]
        assert_array_equal(fast[row], python)
        assert_array_equal(rng.uniform_array(stream, 11, 100_000, 3)[[0, 1, 2, 17, 99_999]],
                           python[:5])


def test_tie_keys_agree_and_are_distinct():
    pairs = [(0, 1), (1, 0), (7, 2**32 - 1), (2**32 - 1, 7)]
    keys = [rng.tie_key(a, b) for a, b in pairs]
    assert keys == [int(rng.tie_key_jit(a, b)) for a, b in pairs]
    assert len(set(keys)) == len(keys) and max(keys) < 2**64


def test_draws_depend_on_every_part_of_the_key():
    s = rng.stream_key(5, 0)
    base = rng.uniform(s, 1, 2, 3)
    assert len({base, rng.uniform(s, 2, 2, 3), rng.uniform(s, 1, 3, 3),
                rng.uniform(s, 1, 2, 4), rng.uniform(rng.stream_key(5, 1), 1, 2, 3),
                rng.uniform(rng.stream_key(6, 0), 1, 2, 3)}) == 6


def test_uniformity():
    u = rng.uniform_array(rng.stream_key(123, 0), 0, 200_000, 1)
    assert u.min() >= 0.0 and u.max() < 1.0
    # mean of U(0,1): sd of the mean is sqrt(1/12 / n) = 0.00065; allow 5 sd
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / u.size)
    # chi-square over 20 bins, 19 dof: the 0.9999 quantile is about 49
    counts = np.bincount((u * 20).astype(int), minlength=20)
    expected = u.size / 20
    assert ((counts - expected) ** 2 / expected).sum() < 49
    # neighbouring nodes are not correlated: |r| < 5 / sqrt(n)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 5 / np.sqrt(u.size)


def test_seed_zero_is_a_seed():
    assert rng.stream_key(0, 0) != rng.stream_key(1, 0)
