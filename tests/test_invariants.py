"""Invariants over random scenarios (hypothesis): conservation, monotonicity, bounds."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from sim import run

from .conftest import make_scenario

networks = st.sampled_from([
    {"kind": "erdos_renyi", "mean_degree": 3},
    {"kind": "barabasi_albert", "m": 2},
    {"kind": "watts_strogatz", "k": 4, "rewire": 0.3},
    {"kind": "stochastic_block", "blocks": 2, "p_in": 0.2, "p_out": 0.01},
    {"kind": "configuration", "exponent": 2.5, "min_degree": 1},
])
diffusions = st.one_of(
    st.builds(lambda p, q: {"model": "bass", "p": p, "q": q},
              st.floats(0, 1), st.floats(0, 1)),
    st.builds(lambda p: {"model": "independent_cascade", "p": p}, st.floats(0, 1)),
    st.builds(lambda t: {"model": "linear_threshold", "threshold": t},
              st.one_of(st.none(), st.floats(0.01, 1))),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(5, 60), network=networks, diffusion=diffusions,
       seeds=st.integers(0, 5), seed=st.integers(0, 2**32), steps=st.integers(0, 8))
def test_counts_conserved_monotone_and_bounded(size, network, diffusion, seeds, seed, steps):
    sc = make_scenario(population={"size": size}, network=network, diffusion=diffusion,
                       seeding={"count": min(seeds, size)},
                       run={"steps": steps, "replications": 2})
    frame = run(sc, seed=seed)
    assert len(frame) == 2 * (steps + 1)
    assert (frame["population"] == size).all()
    for _, rep in frame.groupby("replication"):
        adopted = rep["adopted"].to_numpy()
        assert np.all(np.diff(adopted) >= 0)
        assert adopted.min() >= 0 and adopted.max() <= size
        assert adopted[0] == min(seeds, size)
        assert np.array_equal(np.cumsum(rep["new_adopters"]), adopted)
    if size <= 30:
        assert_frame_equal(frame, run(sc, seed=seed, engine="reference"))
