"""``network.resample``: one network per replication, the same for (seed, r) everywhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim import compare, run
from sim.cli import main
from sim.errors import ScenarioError, WomError
from sim.experiment import with_resampling
from sim.fast import WomModel
from sim.network import build_network
from sim.network.resample import network_seed, networks_used, replication_network, resamples
from sim.rng import Purpose, mix, stream_key
from sim.scenario import load_scenario

from .conftest import NETWORKS, SCENARIOS, make_scenario

ON = ["network.resample=true"]
SMALL_PUSH = ["population.size=300", "run.steps=40", "run.replications=3"]


def cascade(**network) -> object:
    return make_scenario(network={"kind": "erdos_renyi", "mean_degree": 4, **network},
                         diffusion={"model": "independent_cascade", "p": 0.3},
                         seeding={"strategy": "degree", "count": 3},
                         run={"steps": 12, "replications": 4})


def same_network(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in ((a.indptr, b.indptr),
                                                  (a.indices, b.indices),
                                                  (a.weights, b.weights)))


def test_network_seed_is_the_documented_mix():
    sc = cascade(resample=True, seed=9)
    for r in range(3):
        assert network_seed(sc, r) == mix(stream_key(9, r) ^ Purpose.NETWORK)
    assert network_seed(cascade(seed=9), 5) == 9
    assert network_seed(cascade(), 5) == 0  # run.seed of make_scenario


def test_each_replication_draws_its_own_network_with_its_weak_ties():
    sc = load_scenario(SCENARIOS / "market.toml", ["population.size=500", *ON])
    nets = [replication_network(sc, r) for r in range(3)]
    degrees = [tuple(net.in_degree) for net in nets]
    assert len(set(degrees)) == 3
    weak = [float(np.mean(net.weights < 1)) for net in nets]
    assert all(0.4 < w < 0.6 for w in weak)  # the market's weak_share, by overlap
    assert len({net.weights.tobytes() for net in nets}) == 3  # weak ties follow the network
    assert same_network(replication_network(sc, 1), nets[1])
    # the shared network of a run without resample is none of them
    shared = build_network(load_scenario(SCENARIOS / "market.toml", ["population.size=500"]))
    assert not any(tuple(shared.in_degree) == d for d in degrees)


def test_replication_keeps_its_network_however_the_run_is_split(monkeypatch):
    sc = cascade(resample=True)
    whole = run(sc, seed=3)
    parts = pd.concat([run(sc, seed=3, replications=2),
                       run(sc, seed=3, replications=2, first_replication=2)],
                      ignore_index=True)
    assert_frame_equal(parts, whole)
    monkeypatch.setattr("sim.memory.BATCH_CELLS", 2 * 200)
    assert_frame_equal(run(sc, seed=3), whole)
    fixed = run(cascade(resample=False), seed=3)
    assert not fixed["adopted"].equals(whole["adopted"])
    assert whole.attrs["networks"] == "one per replication (resampled)"
    assert fixed.attrs["networks"] == "one network (seed 3)"


def test_first_replication_without_resample_matches_the_whole_run():
    sc = cascade()
    whole = run(sc, seed=2)
    tail = run(sc, seed=2, replications=2, first_replication=2)
    assert_frame_equal(tail, whole[whole["replication"] >= 2].reset_index(drop=True))


def test_fast_equals_reference_with_resample_on_a_preset():
    sc = cascade(resample=True)
    fast = run(sc, seed=7, engine="fast")
    assert_frame_equal(fast, run(sc, seed=7, engine="reference"))
    assert fast.groupby("replication")["adopted"].last().nunique() > 1


def test_fast_equals_reference_with_resample_on_the_commerce_model():
    sc = load_scenario(SCENARIOS / "push.toml", [*SMALL_PUSH, *ON])
    fast = run(sc, engine="fast")
    assert_frame_equal(fast, run(sc, engine="reference"))
    fixed = run(load_scenario(SCENARIOS / "push.toml", SMALL_PUSH))
    assert not fast["shares"].equals(fixed["shares"])  # the network matters here


def test_a_fast_batch_refuses_several_resampled_networks():
    sc = cascade(resample=True)
    with pytest.raises(WomError, match="network.resample"):
        WomModel(sc, replications=2)
    model = WomModel(sc, replications=1, first_replication=2)
    assert same_network(model.network, replication_network(sc, 2))


def test_fixed_networks_are_not_resampled():
    with pytest.raises(ScenarioError, match="network.resample"):
        make_scenario(population={"size": None},
                      network={"kind": "file", "resample": True,
                               "path": str(NETWORKS / "email-Eu-core.txt.gz")})
    mixed = make_scenario(network={"kind": "mixed", "resample": True})
    assert not resamples(mixed) and networks_used(mixed) == "one network (mixed)"
    assert with_resampling(make_scenario(network={"kind": "mixed"})).network.resample is None


def test_with_resampling_keeps_an_explicit_choice():
    assert with_resampling(cascade()).network.resample is True
    assert with_resampling(cascade(resample=False)).network.resample is False


def test_common_random_numbers_pair_networks_across_scenarios():
    push = with_resampling(load_scenario(SCENARIOS / "push.toml", ["population.size=300"]))
    engage = with_resampling(load_scenario(SCENARIOS / "engagement.toml",
                                           ["population.size=300"]))
    for r in range(3):
        assert same_network(replication_network(push, r), replication_network(engage, r))
    assert not same_network(replication_network(push, 0), replication_network(push, 1))


def test_compare_resamples_by_default_and_pairs_replications():
    base = load_scenario(SCENARIOS / "push.toml", SMALL_PUSH)
    combined, kpis = compare([base, base], labels=["push", "twin"])
    assert combined.attrs["networks"] == "one per replication (resampled)"
    # same market, same streams, same networks: every paired difference is exactly 0
    diffs = kpis.loc[kpis["scenario"] == "twin", "diff_mean"].dropna()
    assert len(diffs) > 10 and (diffs == 0).all()
    # and the runs are those of network.resample = true
    resampled = run(load_scenario(SCENARIOS / "push.toml", [*SMALL_PUSH, *ON]))
    first = combined[combined["scenario"] == "push"].drop(columns="scenario")
    assert_frame_equal(first.reset_index(drop=True), resampled)


def test_compare_says_when_a_scenario_keeps_one_network():
    fixed = load_scenario(SCENARIOS / "push.toml",
                          [*SMALL_PUSH, "run.steps=2", "network.resample=false"])
    other = load_scenario(SCENARIOS / "engagement.toml", [*SMALL_PUSH, "run.steps=2"])
    combined, _ = compare([fixed, other], labels=["push", "engagement"])
    assert combined.attrs["networks"] == ("push: one network (seed 1); "
                                          "engagement: one per replication (resampled)")


def test_wom_compare_prints_the_networks(capsys):
    args = [str(SCENARIOS / "push.toml"), str(SCENARIOS / "engagement.toml"),
            "--set", "population.size=300", "--steps", "2", "--replications", "2"]
    assert main(["compare", *args]) == 0
    assert "networks      one per replication (resampled)" in capsys.readouterr().out
    assert main(["compare", *args, "--set", "network.resample=false"]) == 0
    assert "networks      one network (seed 1)" in capsys.readouterr().out
