"""The fast engine and the reference engine give identical tables.

Exact equality of every recorded count, for each preset on several graphs and seeds,
and for one and two numba threads.
"""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim import run
from sim.experiment import step_model
from sim.fast import WomModel
from sim.network import from_edges
from sim.reference import ReferenceModel

from .conftest import NETWORKS, make_scenario

GRAPHS = {
    "ba": {"kind": "barabasi_albert", "m": 3},
    "er": {"kind": "erdos_renyi", "mean_degree": 5},
    "ws": {"kind": "watts_strogatz", "k": 6, "rewire": 0.2},
    "sbm": {"kind": "stochastic_block", "blocks": 3, "p_in": 0.08, "p_out": 0.005},
    "weak": {"kind": "barabasi_albert", "m": 3, "weak_share": 0.4, "weak_weight": 0.3},
    "email": {"kind": "file", "path": str(NETWORKS / "email-Eu-core.txt.gz"),
              "directed": True},
}
PRESETS = {
    "bass": {"model": "bass", "p": 0.01, "q": 0.3},
    "cascade": {"model": "independent_cascade", "p": 0.15},
    "kkt": {"model": "linear_threshold"},
    "watts": {"model": "linear_threshold", "threshold": 0.18},
}


def both(scenario, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    return run(scenario, engine="fast", **kw), run(scenario, engine="reference", **kw)


@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("preset", PRESETS)
def test_fast_equals_reference(graph, preset):
    population = {"size": None if graph == "email" else 300}
    sc = make_scenario(population=population, network=GRAPHS[graph],
                       diffusion=PRESETS[preset],
                       seeding={"strategy": "random", "count": 5},
                       run={"steps": 12, "replications": 3})
    for seed in (0, 11):
        fast, ref = both(sc, seed=seed)
        assert_frame_equal(fast, ref)
        assert fast["adopted"].iloc[-1] > 5 or preset == "watts"


def test_threshold_met_exactly_in_both_engines():
    """Consumer 3 listens to 0, 1 and 2 with weights whose float sum depends on the order.

    The fast engine adds heard weight in adoption order (2 at step 1, then 0 and 1), the
    reference along the CSR row (0, 1, 2); the two sums differ in the last place, at a
    share of exactly 1 by the row's order. With threshold 1 both engines adopt consumer
    3 at step 2.
    """
    weights = np.array([9.3507244e-13, 8.1585357e-03, 2.7385002e-12, 1.0, 1.0], np.float32)
    w0, w1, w2 = weights[:3].astype(np.float64)
    assert (w2 + w0) + w1 < (w0 + w1) + w2
    net = from_edges([0, 1, 2, 2, 2], [3, 3, 3, 0, 1], weights, directed=True)
    sc = make_scenario(population={"size": 4},
                       diffusion={"model": "linear_threshold", "threshold": 1.0},
                       seeding={"strategy": "nodes", "nodes": [2]}, run={"steps": 3})
    fast, ref = WomModel(sc, network=net), ReferenceModel(sc, network=net)
    step_model(fast, 3)
    step_model(ref, 3)
    assert_frame_equal(fast.table(), ref.table())
    assert fast.adopted_step[0].tolist() == [1, 1, 0, 2]


def test_mixed_bass_fast_equals_reference():
    sc = make_scenario(network={"kind": "mixed"}, diffusion={"p": 0.02, "q": 0.4},
                       run={"steps": 15, "replications": 4, "dt": 0.5})
    fast, ref = both(sc, seed=5)
    assert_frame_equal(fast, ref)
    assert fast.groupby("replication")["adopted"].last().min() > 50


def test_degree_and_listed_seeds_agree():
    for seeding in ({"strategy": "degree", "count": 4}, {"strategy": "nodes", "nodes": [0, 7]}):
        sc = make_scenario(network={"kind": "barabasi_albert", "m": 2},
                           diffusion={"model": "independent_cascade", "p": 0.3},
                           seeding=seeding, run={"replications": 2})
        fast, ref = both(sc, seed=2)
        assert_frame_equal(fast, ref)
        assert fast.loc[fast["step"] == 0, "adopted"].tolist() == [
            seeding.get("count", 2)] * 2


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two cores")
def test_one_thread_equals_two_threads():
    sc = make_scenario(population={"size": 5000},
                       network={"kind": "barabasi_albert", "m": 4},
                       diffusion={"model": "bass", "p": 0.01, "q": 0.2},
                       run={"steps": 15, "replications": 4})
    one = run(sc, seed=3, threads=1)
    two = run(sc, seed=3, threads=2)
    assert_frame_equal(one, two)


def test_batches_do_not_change_results(monkeypatch):
    sc = make_scenario(network={"kind": "erdos_renyi", "mean_degree": 4},
                       diffusion={"model": "independent_cascade", "p": 0.2},
                       seeding={"count": 3}, run={"replications": 5})
    whole = run(sc, seed=4)
    monkeypatch.setattr("sim.memory.BATCH_CELLS", 2 * 200)  # two replications a batch
    assert_frame_equal(run(sc, seed=4), whole)


def test_replications_differ_and_seed_reproduces():
    sc = make_scenario(network={"kind": "erdos_renyi", "mean_degree": 4},
                       diffusion={"model": "independent_cascade", "p": 0.3},
                       seeding={"count": 3}, run={"replications": 6, "steps": 20})
    a = run(sc, seed=1)
    assert a.groupby("replication")["adopted"].last().nunique() > 1
    assert_frame_equal(a, run(sc, seed=1))
    assert not a["adopted"].equals(run(sc, seed=2)["adopted"])


def test_model_is_a_mesa_model_with_a_datacollector():
    import mesa

    model = WomModel(make_scenario(network={"kind": "mixed"}))
    assert isinstance(model, mesa.Model)
    model.step()
    assert model.time_step == 1
    assert len(model.datacollector.get_model_vars_dataframe()) == 2
