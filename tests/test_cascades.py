"""Independent cascade and linear threshold against exact answers on small graphs.

Exact activation probabilities come from enumerating live-edge worlds (Kempe,
Kleinberg and Tardos 2003): for the IC model each edge is live with its probability;
for the LT model each consumer keeps exactly one incoming edge, chosen with
probability proportional to its weight. A simulated mean over R replications is within
4.5 standard errors sqrt(P (1 - P) / R) of the exact probability.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim import run
from sim.experiment import with_run
from sim.fast import WomModel
from sim.network import from_edges
from sim.validate.exact import SMALL_GRAPH
from sim.validate.exact import exact_ic as live_edge_ic
from sim.validate.exact import exact_lt as live_edge_lt

from .conftest import NETWORKS, make_scenario

EDGES = SMALL_GRAPH
N_NODES = 8  # nodes 6 and 7 only speak: they are never convinced
SEEDS = [0]
REPS = 20_000


def unweighted(edges: list) -> list:
    return [(a, b, 1.0) for a, b, _ in edges]


def exact_ic(p: float, edges: list = EDGES) -> np.ndarray:
    return live_edge_ic(edges, N_NODES, SEEDS, p)


def exact_lt() -> np.ndarray:
    return live_edge_lt(EDGES, N_NODES, SEEDS)


def simulate(diffusion: dict, edges: list = EDGES) -> np.ndarray:
    net = from_edges(np.array([e[0] for e in edges]), np.array([e[1] for e in edges]),
                     np.array([e[2] for e in edges]), directed=True)
    sc = make_scenario(population={"size": N_NODES}, network={"kind": "erdos_renyi",
                       "mean_degree": 1}, diffusion=diffusion,
                       seeding={"strategy": "nodes", "nodes": SEEDS})
    sc = with_run(sc, steps=N_NODES, replications=REPS, seed=17)
    model = WomModel(sc, network=net)
    for _ in range(N_NODES):
        model.step()
    return (model.adopted_step >= 0).mean(axis=0)


def assert_within_se(simulated: np.ndarray, exact: np.ndarray) -> None:
    exact = np.clip(exact, 0.0, 1.0)  # enumeration sums can exceed 1 by rounding
    se = np.sqrt(exact * (1 - exact) / REPS)
    assert np.all(np.abs(simulated - exact) <= 4.5 * se + 1e-12), (simulated, exact)


@pytest.mark.parametrize("p", [0.3, 0.7])
@pytest.mark.parametrize("weights", ["weighted", "unit"])
def test_independent_cascade_exact_probabilities(p, weights):
    """Weighted ties compare each draw with p * w as a float, unit ties with p as an
    integer threshold (sim.presets.kernel.cascade_step): both must be exact."""
    edges = EDGES if weights == "weighted" else unweighted(EDGES)
    exact = exact_ic(p, edges)
    assert exact[6:].max() == 0
    assert 0.02 < exact[1:6].min() < exact[1:6].max() < 0.95
    assert_within_se(simulate({"model": "independent_cascade", "p": p}, edges), exact)


def test_linear_threshold_exact_probabilities():
    exact = exact_lt()
    assert exact[6:].max() == 0
    assert 0.05 < exact[1:6].min() < 0.95
    assert_within_se(simulate({"model": "linear_threshold"}), exact)


def watts_cascade(graph: nx.Graph, seeds: list[int], phi: float) -> list[int]:
    """Adopted counts after each synchronous round, computed directly on networkx."""
    adopted = set(seeds)
    counts = [len(adopted)]
    while True:
        new = {v for v in graph if v not in adopted and graph.degree(v) > 0
               and sum(u in adopted for u in graph[v]) / graph.degree(v) >= phi}
        if not new:
            return counts
        adopted |= new
        counts.append(len(adopted))


def test_watts_threshold_on_facebook_matches_direct_computation():
    path = NETWORKS / "facebook_combined.txt.gz"
    graph = nx.read_edgelist(path, nodetype=int)
    seeds = [0, 107, 348, 414, 686]
    expected = watts_cascade(graph, seeds, 0.18)
    steps = len(expected) + 2
    sc = make_scenario(population={"size": None},
                       network={"kind": "file", "path": str(path)},
                       diffusion={"model": "linear_threshold", "threshold": 0.18},
                       seeding={"strategy": "nodes", "nodes": seeds},
                       run={"steps": steps, "replications": 1})
    adopted = run(sc)["adopted"].tolist()
    assert adopted == expected + [expected[-1]] * (steps + 1 - len(expected))
    assert expected[-1] > 100
