"""Tie weights beyond 1: each tie's pull is capped, and network.weight_scale maps them.

The listener's pull is folded tie by tie by :func:`sim.commerce.rules.hear`, which the
reference engine calls as Python and the fast engine's kernel compiles with numba; both
are checked here. A rating-scale network (|w| up to 10, like Bitcoin OTC's -10..10
trust ratings) must give identical tables on both engines.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit
from pandas.testing import assert_frame_equal

from sim import ScenarioError, run
from sim.commerce import rules
from sim.network import build_network

from .conftest import make_scenario

SAID = (rules.POSITIVE, rules.NEGATIVE)


def fold_python(said, influencer, weights, trust, voice, sponsoring):
    """The (peer, influencer, negative) pulls as the reference engine folds them."""
    heard = (1.0, 1.0, 1.0, 0, 0)
    for s, inf, w in zip(said, influencer, weights, strict=True):
        heard = rules.hear(heard, s, inf, False, sponsoring, w, trust, voice)
    return rules.pressures(heard, False, 0.0)


@njit
def fold_numba(said, influencer, weights, trust, voice, sponsoring):
    """The same fold, compiled as the fast engine's kernel compiles it."""
    heard = (1.0, 1.0, 1.0, 0, 0)
    for e in range(len(said)):
        heard = rules.hear(heard, said[e], influencer[e], False, sponsoring, weights[e],
                           trust, voice)
    return rules.pressures(heard, False, 0.0)


def pulls(ties, trust, voice, sponsoring):
    """Both engines' pulls for ``ties`` [(said, influencer, weight)], checked equal."""
    said = [t[0] for t in ties]
    influencer = [t[1] for t in ties]
    weights = [t[2] for t in ties]
    python = fold_python(said, influencer, weights, trust, voice, sponsoring)
    compiled = fold_numba(np.array(said, dtype=np.int64), np.array(influencer, dtype=np.bool_),
                          np.array(weights, dtype=np.float64), trust, voice, sponsoring)
    assert python == compiled
    assert all(0.0 <= p <= 1.0 for p in python)
    return np.array(python)


tie = st.tuples(st.sampled_from(SAID), st.booleans(),
                st.floats(-20, 20, allow_nan=False).filter(lambda w: w != 0))
voices = st.tuples(st.floats(0, 1), st.floats(1, 10), st.floats(0, 1))


@settings(max_examples=300, deadline=None)
@given(ties=st.lists(tie, min_size=1, max_size=6), trust=st.floats(0, 1), voice=voices,
       sponsoring=st.booleans(), which=st.integers(0, 5), factor=st.floats(1, 50))
def test_the_pull_never_falls_as_a_tie_grows_stronger(ties, trust, voice, sponsoring, which,
                                                       factor):
    before = pulls(ties, trust, voice, sponsoring)
    said, influencer, w = ties[which % len(ties)]
    stronger = list(ties)
    stronger[which % len(ties)] = (said, influencer, w * factor)
    assert (pulls(stronger, trust, voice, sponsoring) >= before).all()


@settings(max_examples=300, deadline=None)
@given(ties=st.lists(tie, min_size=1, max_size=6), extra=tie, trust=st.floats(0, 1),
       voice=voices, sponsoring=st.booleans())
def test_the_pull_never_falls_as_another_tie_talks(ties, extra, trust, voice, sponsoring):
    before = pulls(ties, trust, voice, sponsoring)
    assert (pulls([*ties, extra], trust, voice, sponsoring) >= before).all()


def test_one_tie_beyond_the_cap_pulls_for_certain():
    """A tie of weight 10 at beta 0.2 and full trust would pull 2: it pulls 1, and a second
    strong tie keeps it at 1 instead of flipping the chance of no influence back up."""
    voice = (0.2, 2.0, 0.5)
    one = pulls([(rules.POSITIVE, False, 10.0)], 1.0, voice, False)
    two = pulls([(rules.POSITIVE, False, 10.0), (rules.POSITIVE, False, 10.0)], 1.0, voice,
                False)
    assert one[0] == 1.0 and two[0] == 1.0


def rating_file(folder, n=150, edges=900, seed=5):
    """A directed trust network rated -10..10 (no 0), like Bitcoin OTC's ratings."""
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, edges), rng.integers(0, n, edges)
    rating = rng.choice(np.r_[-10:0, 1:11], edges, p=np.r_[[0.01] * 10, [0.09] * 10])
    path = folder / "otc.csv"
    rows = ["source,target,rating"]
    rows += [f"{s},{d},{r}" for s, d, r in zip(src, dst, rating, strict=True) if s != d]
    path.write_text("\n".join(rows) + "\n")
    return path


def rated(path, **network):
    return make_scenario(
        population={"size": None},
        network={"kind": "file", "path": str(path), "directed": True,
                 "weight_column": "rating", **network},
        diffusion={"model": "commerce"}, run={"steps": 25, "replications": 2},
        ads={"reach": 0.2, "frequency": 2}, influencers={"strategy": "degree", "count": 3},
        promotions={"referral_reward": 5}, seeding={"strategy": "degree", "count": 5})


def test_fast_equals_reference_on_rating_weights(tmp_path):
    sc = rated(rating_file(tmp_path))
    net = build_network(sc)
    assert float(np.abs(net.weights).max()) == 10.0
    # the cap binds: beta * |w| * trust reaches above 1 on these ties
    assert sc.wom.beta * 10.0 * sc.consumers.peer_trust > 1.0
    fast = run(sc, seed=4)
    assert_frame_equal(fast, run(sc, seed=4, engine="reference"))
    assert fast["shares"].sum() > 0 and fast["negative_shares"].sum() > 0


def test_the_cap_does_not_bind_on_shipped_weights():
    """Shipped networks have |w| <= 1 and beta, trust <= 1: no tie's pull reaches the cap
    before it is applied, so the results (and the goldens) are unchanged."""
    sc = make_scenario(population={"size": 300}, network={"kind": "clustered", "m": 3,
                                                          "weak_share": 0.5})
    assert float(np.abs(build_network(sc).weights).max()) <= 1.0
    assert rules.pressure(1.0, 1.0, 1.0) == 1.0
    assert rules.pressure(0.2, 0.3, 0.83) == 0.2 * 0.3 * 0.83


@pytest.mark.parametrize(("scale", "top"), [("none", 10.0), ("max-abs", 1.0), (20, 0.5),
                                            (2.5, 4.0)])
def test_weight_scale_divides_file_weights(tmp_path, scale, top):
    path = rating_file(tmp_path)
    plain = build_network(rated(path)).weights
    scaled = build_network(rated(path, weight_scale=scale)).weights
    assert scaled.dtype == np.float32
    assert float(np.abs(scaled).max()) == top
    assert np.array_equal(np.sign(scaled), np.sign(plain))


def test_weight_scale_applies_to_generated_networks_before_weak_ties():
    base = {"kind": "watts_strogatz", "k": 4, "weak_share": 0.5, "weak_weight": 0.3}
    plain = build_network(make_scenario(network=base)).weights
    halved = build_network(make_scenario(network={**base, "weight_scale": 2})).weights
    assert set(np.unique(plain).tolist()) == {np.float32(0.3), 1.0}
    assert np.array_equal(halved, (plain / np.float32(2)).astype(np.float32))
    same = build_network(make_scenario(network={**base, "weight_scale": "max-abs"})).weights
    assert np.array_equal(same, plain)


def test_weight_scale_refuses_what_it_cannot_scale(tmp_path):
    zeros = tmp_path / "zeros.txt"
    zeros.write_text("0 1 0\n1 2 0\n")
    with pytest.raises(ScenarioError, match=r"network.weight_scale: 'max-abs'.*zeros.txt"):
        build_network(make_scenario(population={"size": None}, network={
            "kind": "file", "path": str(zeros), "weight_scale": "max-abs"}))
    big = tmp_path / "big.txt"
    big.write_text("0 1 1e38\n1 2 1\n")
    with pytest.raises(ScenarioError, match=r"network.weight_scale: 0\.01 .*big.txt.*float32"):
        build_network(make_scenario(population={"size": None}, network={
            "kind": "file", "path": str(big), "weight_scale": 0.01}))


@pytest.mark.parametrize("value", [0, -1, -0.5, float("nan"), float("inf"), "maxabs", "1.5",
                                   True])
def test_weight_scale_values_are_checked(value):
    with pytest.raises(ScenarioError, match="network.weight_scale: expected 'none', 'max-abs'"):
        make_scenario(network={"weight_scale": value})
