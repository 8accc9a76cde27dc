"""Seeding strategies: rankings by degree, PageRank, k-core, CELF and communities."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest

from sim import network as nw
from sim import run
from sim.errors import ScenarioError
from sim.rng import Purpose, uniform_array
from sim.scenario import SeedingConfig, scenario_from_dict
from sim.seeding import (
    celf_greedy,
    choose_seeds,
    communities,
    core_numbers,
    expected_spread,
    influence_ranking,
    pagerank_scores,
)
from sim.seeding.celf import _Worlds

from .conftest import make_scenario

RANKED = ("degree", "pagerank", "kcore", "celf", "community")


def undirected(edges: list[tuple[int, int]], n: int | None = None) -> nw.Network:
    src, dst = zip(*edges, strict=True)
    return nw.from_edges(np.array(src), np.array(dst), n=n)


def star_plus_path() -> nw.Network:
    """Hub 0 with leaves 1..8; leaf 8 continues as the path 8-9-10-11-12."""
    edges = [(0, leaf) for leaf in range(1, 9)] + [(8, 9), (9, 10), (10, 11), (11, 12)]
    return undirected(edges)


def star_and_clique() -> nw.Network:
    """Star 0 with leaves 1..12; leaf 12 touches the 6-clique 20..25; 21 has two more
    neighbours (26, 27). Nodes 13..19 are isolated."""
    edges = [(0, leaf) for leaf in range(1, 13)] + [(12, 20), (21, 26), (21, 27)]
    edges += [(a, b) for a in range(20, 26) for b in range(a + 1, 26)]
    return undirected(edges, n=28)


def random_directed(n: int, m: int, seed: int) -> nw.Network:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n - 10, m)  # last 10 listen to no one
    return nw.from_edges(src, dst, rng.uniform(0.1, 2.0, m), n=n, directed=True)


# ---------------------------------------------------------------------------------------
# degree, PageRank, k-core
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["degree", "pagerank", "kcore"])
def test_hub_of_star_plus_path_ranks_first(strategy):
    net = star_plus_path()
    assert influence_ranking(net, strategy, 1, stream=0).tolist() == [0]
    seeding = SeedingConfig(strategy=strategy, count=1)
    assert choose_seeds(net, seeding, 0).tolist() == [0]


def test_kcore_prefers_dense_clique_over_star_centre():
    net = star_and_clique()
    assert influence_ranking(net, "degree", 1, 0).tolist() == [0]  # the star centre, 12 ties
    # the clique (core 5) first, 21 (degree 7) before 20 (degree 6) before 22..25 (degree 5);
    # then core 1 by degree: 0 (12), 12 (2), then degree 1 by index; isolated nodes last
    expected = [21, 20, 22, 23, 24, 25, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 26, 27,
                13, 14, 15, 16, 17, 18, 19]
    assert influence_ranking(net, "kcore", net.n, 0).tolist() == expected
    core = core_numbers(net)
    assert core[20:26].tolist() == [5] * 6 and core[0] == 1 and core[13] == 0


@pytest.mark.parametrize("net", [
    nw.barabasi_albert(400, 3, seed=1),
    nw.watts_strogatz(300, 6, 0.2, seed=2),
    random_directed(300, 1500, seed=3),
], ids=["ba", "ws", "directed"])
def test_core_numbers_equal_networkx(net):
    g = net.to_networkx().to_undirected()
    expected = nx.core_number(g)
    assert core_numbers(net).tolist() == [expected[v] for v in range(net.n)]


def test_pagerank_equals_networkx_on_reversed_graph():
    net = random_directed(400, 2000, seed=5)
    influence = net.to_networkx()  # edge u -> v: u can influence v
    expected = nx.pagerank(influence.reverse(copy=True), alpha=0.85, tol=1e-13,
                           weight="weight")
    scores = pagerank_scores(net)
    assert scores.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.abs(scores - [expected[v] for v in range(net.n)]).max() < 1e-6
    # the unreversed graph gives different scores: the direction matters
    forward = nx.pagerank(influence, alpha=0.85, tol=1e-13, weight="weight")
    assert np.abs(scores - [forward[v] for v in range(net.n)]).max() > 1e-3


def test_pagerank_equals_networkx_on_undirected_graph():
    net = nw.barabasi_albert(500, 2, seed=7)
    expected = nx.pagerank(net.to_networkx(), alpha=0.85, tol=1e-13)
    assert np.abs(pagerank_scores(net) - [expected[v] for v in range(net.n)]).max() < 1e-6


def test_pagerank_ranks_the_influencer_not_the_listener():
    # 0 influences 1..5 (they listen to it); 6 listens to 1..5 (it influences no one)
    src = [0] * 5 + [1, 2, 3, 4, 5]
    dst = [1, 2, 3, 4, 5] + [6] * 5
    net = nw.from_edges(np.array(src), np.array(dst), directed=True)
    ranking = influence_ranking(net, "pagerank", net.n, 0)
    assert ranking[0] == 0 and ranking[-1] == 6


@pytest.mark.parametrize("strategy", ["degree", "pagerank", "kcore"])
def test_exact_ties_go_to_the_lower_index(strategy):
    ring = nw.watts_strogatz(50, 4, 0.0, seed=0)  # every node alike
    assert influence_ranking(ring, strategy, 50, 0).tolist() == list(range(50))


def test_random_and_degree_seeds_are_unchanged():
    net = nw.barabasi_albert(300, 2, seed=4)
    stream = 987654321
    u = uniform_array(stream, 0, net.n, Purpose.SEEDING)
    expected = np.sort(np.argsort(u, kind="stable")[:7])
    got = choose_seeds(net, SeedingConfig(strategy="random", count=7), stream)
    assert got.dtype == np.int64 and got.tolist() == expected.tolist()
    order = np.lexsort((np.arange(net.n), -net.out_degree))
    got = choose_seeds(net, SeedingConfig(strategy="degree", count=7), stream)
    assert got.tolist() == np.sort(order[:7]).tolist()


# ---------------------------------------------------------------------------------------
# CELF
# ---------------------------------------------------------------------------------------


def plain_greedy(net: nw.Network, count: int, stream: int, p: float, worlds: int) -> list[int]:
    """Non-lazy greedy on the same worlds: every node re-evaluated every round."""
    chosen: list[int] = []
    for _ in range(count):
        rest = [v for v in range(net.n) if v not in chosen]
        spread = expected_spread(net, [chosen + [v] for v in rest], stream, probability=p,
                                 worlds=worlds)
        chosen.append(rest[int(np.argmax(spread))])  # first maximum: lowest index
    return chosen


def test_celf_equals_plain_greedy():
    net = nw.barabasi_albert(80, 2, seed=11)
    seeds, gains = celf_greedy(net, 4, 5, probability=0.15, worlds=60, candidates=net.n)
    assert seeds.tolist() == plain_greedy(net, 4, 5, 0.15, 60)
    spread = expected_spread(net, [seeds], 5, probability=0.15, worlds=60)[0]
    assert gains.sum() == pytest.approx(spread)
    assert np.all(np.diff(gains) <= 0)  # submodular: gains never grow


def test_celf_beats_degree_and_random_sets_on_common_worlds():
    net = nw.barabasi_albert(300, 2, seed=8)
    stream, p, worlds, k = 21, 0.1, 100, 5
    seeds, _ = celf_greedy(net, k, stream, probability=p, worlds=worlds, candidates=net.n)
    top = influence_ranking(net, "degree", k, 0)
    rng = np.random.default_rng(0)
    others = [top] + [rng.choice(net.n, k, replace=False) for _ in range(20)]
    spread = expected_spread(net, [seeds, *others], stream, probability=p, worlds=worlds)
    assert np.all(spread[0] >= spread[1:])
    assert spread[0] > spread[2:].max()  # strictly better than every random set


def test_celf_is_a_pure_function_of_the_stream():
    net = nw.barabasi_albert(200, 2, seed=3)
    a = celf_greedy(net, 5, 1, probability=0.2, worlds=40)
    b = celf_greedy(net, 5, 1, probability=0.2, worlds=40)
    assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()
    others = [celf_greedy(net, 5, s, probability=0.2, worlds=40)[0].tolist()
              for s in range(2, 7)]
    assert any(o != a[0].tolist() for o in others)


def test_celf_keeps_to_the_candidate_pool():
    net = nw.barabasi_albert(300, 2, seed=9)
    pool = influence_ranking(net, "degree", 12, 0)
    seeds, _ = celf_greedy(net, 4, 0, probability=0.1, worlds=30, candidates=12)
    assert set(seeds.tolist()) <= set(pool.tolist())
    seeds, _ = celf_greedy(net, 20, 0, probability=0.1, worlds=30, candidates=12)
    assert len(set(seeds.tolist())) == 20  # the pool grows to count


@pytest.mark.parametrize("net, p", [
    (nw.barabasi_albert(400, 3, seed=1), 0.3),  # supercritical: one giant component
    (nw.barabasi_albert(400, 3, seed=1), 0.05),  # subcritical
    (random_directed(300, 1500, seed=2), 0.5),  # weighted and directed
])
def test_first_round_shortcut_equals_plain_searches(net, p):
    worlds = _Worlds(net, p, 25, stream=4)
    nodes = np.arange(net.n)
    fast = worlds.singleton_totals(nodes)
    plain = []
    for v in nodes.tolist():
        worlds.reset()
        plain.append(worlds.cover(v))
    assert fast.tolist() == plain


def test_spread_counts_the_seeds():
    net = nw.barabasi_albert(50, 2, seed=0)
    assert expected_spread(net, [[1, 2, 3]], 0, probability=0.0, worlds=5).tolist() == [3.0]
    assert expected_spread(net, [[1]], 0, probability=1.0, worlds=5).tolist() == [50.0]


def test_choose_seeds_reads_celf_options():
    net = nw.barabasi_albert(200, 2, seed=6)
    seeding = SimpleNamespace(strategy="celf", count=3, nodes=[], celf_probability=0.3,
                              celf_worlds=30, celf_candidates=40)
    expected = celf_greedy(net, 3, 77, probability=0.3, worlds=30, candidates=40)[0]
    assert choose_seeds(net, seeding, 77).tolist() == sorted(expected.tolist())
    defaults = celf_greedy(net, 3, 77)[0]  # probability 0.05, 200 worlds, 500 candidates
    assert choose_seeds(net, SeedingConfig(strategy="celf", count=3), 77).tolist() == sorted(
        defaults.tolist())


# ---------------------------------------------------------------------------------------
# Simulated spread (independent cascade through sim.run)
# ---------------------------------------------------------------------------------------


def final_adopted(scenario) -> np.ndarray:
    frame = run(scenario)
    last = frame[frame["step"] == frame["step"].max()]
    return last.sort_values("replication")["adopted"].to_numpy(dtype=float)


def mean_and_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


def test_degree_seeds_beat_random_seeds_at_low_edge_probability():
    """Kempe et al. 2003; Hinz et al. 2011: with weak ties, hubs spread much further."""
    common = {"population": {"size": 2000}, "network": {"kind": "barabasi_albert", "m": 3},
              "diffusion": {"model": "independent_cascade", "p": 0.02},
              "run": {"steps": 25, "replications": 40, "seed": 1}}
    deg = final_adopted(make_scenario(**common, seeding={"strategy": "degree", "count": 20}))
    rnd = final_adopted(make_scenario(**common, seeding={"strategy": "random", "count": 20}))
    (m_deg, se_deg), (m_rnd, se_rnd) = mean_and_se(deg), mean_and_se(rnd)
    # seed 1: degree 46.4 +- 1.0 adopters, random 23.1 +- 0.4: the gap is 21 SEs
    se = np.hypot(se_deg, se_rnd)
    assert m_deg - m_rnd > 10 * se
    assert m_deg > 1.5 * m_rnd


def clusters_and_hubs(path: Path) -> Path:
    """Hubs 0, 1, 2 share the same 40 leaves (3..42): high degree, redundant reach.
    Two dense clusters of 30 (43..72, 73..102), each node of degree ~12, each tied to
    the hub region by one edge."""
    rng = np.random.default_rng(12)
    edges = [(h, leaf) for h in range(3) for leaf in range(3, 43)]
    for first in (43, 73):
        edges += [(a, b) for a in range(first, first + 30) for b in range(a + 1, first + 30)
                  if rng.random() < 0.4]
        edges.append((3, first))
    path.write_text("".join(f"{a} {b}\n" for a, b in edges))
    return path


def test_greedy_seeds_beat_degree_seeds_where_hubs_overlap(tmp_path):
    path = clusters_and_hubs(tmp_path / "clusters.txt")
    net = nw.load_edgelist(path)
    seeds, gains = celf_greedy(net, 3, 3, probability=0.2, worlds=200, candidates=net.n)
    degree = influence_ranking(net, "degree", 3, 0)
    assert sorted(degree.tolist()) == [0, 1, 2]  # the overlapping hubs
    assert len({int(s) >= 73 for s in seeds if s >= 43}) == 2  # one seed in each cluster
    common = {"population": {"size": net.n}, "network": {"kind": "file", "path": str(path)},
              "diffusion": {"model": "independent_cascade", "p": 0.2},
              "run": {"steps": 30, "replications": 100, "seed": 2}}
    labels = net.labels[seeds].tolist()
    greedy = final_adopted(make_scenario(**common,
                                         seeding={"strategy": "nodes", "nodes": labels}))
    hubs = final_adopted(make_scenario(**common, seeding={"strategy": "degree", "count": 3}))
    (m_g, se_g), (m_d, se_d) = mean_and_se(greedy), mean_and_se(hubs)
    se = np.hypot(se_g, se_d)
    # seed 2: greedy 72.2 +- 0.9 adopters, degree 27.3 +- 1.3: the gap is 29 SEs
    assert m_g >= m_d - 2 * se  # greedy is never worse, within the Monte-Carlo error ...
    assert m_g > m_d + 10 * se  # ... and here far better
    # CELF's own estimate (other worlds) agrees with the simulation within its error
    assert gains.sum() == pytest.approx(m_g, abs=4 * se_g + 2.0)


# ---------------------------------------------------------------------------------------
# Communities
# ---------------------------------------------------------------------------------------


def sbm_without_blocks(net: nw.Network) -> nw.Network:
    rows = np.repeat(np.arange(net.n), net.in_degree)
    return nw.from_edges(net.indices.astype(np.int64), rows, n=net.n)


@pytest.fixture(scope="module")
def sbm() -> nw.Network:
    return nw.stochastic_block([40, 50, 60, 70], 0.3, 0.01, seed=4)


def test_community_puts_one_seed_in_each_block(sbm):
    seeds = choose_seeds(sbm, SeedingConfig(strategy="community", count=4), 3)
    assert sorted(sbm.blocks[seeds].tolist()) == [0, 1, 2, 3]
    seeds = choose_seeds(sbm, SeedingConfig(strategy="community", count=8), 3)
    assert np.bincount(sbm.blocks[seeds]).tolist() == [2, 2, 2, 2]
    # round robin: largest block first, its highest-degree node first
    ranking = influence_ranking(sbm, "community", 4, 0)
    assert sbm.blocks[ranking].tolist() == [3, 2, 1, 0]
    block3 = np.flatnonzero(sbm.blocks == 3)
    top = block3[np.lexsort((block3, -sbm.out_degree[block3]))[0]]
    assert ranking[0] == top


def test_louvain_finds_the_blocks_when_they_are_not_given(sbm):
    plain = sbm_without_blocks(sbm)
    found = communities(plain, 9)
    assert [len(c) for c in found] == [70, 60, 50, 40]
    assert [np.unique(sbm.blocks[c]).tolist() for c in found] == [[3], [2], [1], [0]]
    seeds = choose_seeds(plain, SeedingConfig(strategy="community", count=4), 9)
    assert sorted(sbm.blocks[seeds].tolist()) == [0, 1, 2, 3]


def test_louvain_modularity_matches_networkx():
    net = nw.watts_strogatz(600, 6, 0.05, seed=3)
    g = net.to_networkx()
    ours = nx.community.modularity(g, [set(c.tolist()) for c in communities(net, 1)])
    theirs = nx.community.modularity(g, nx.community.louvain_communities(g, seed=1))
    assert ours > theirs - 0.02
    found = communities(net, 1)
    assert sorted(np.concatenate(found).tolist()) == list(range(net.n))  # a partition
    assert [c.tolist() for c in communities(net, 1)] == [c.tolist() for c in found]


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["random", *RANKED])
def test_too_many_seeds(strategy):
    net = nw.barabasi_albert(30, 2, seed=0)
    with pytest.raises(ScenarioError, match="seeding.count: 31 seeds"):
        choose_seeds(net, SeedingConfig(strategy=strategy, count=31), 0)
    with pytest.raises(ScenarioError, match="count: 31"):
        influence_ranking(net, strategy, 31, 0)


@pytest.mark.parametrize("strategy", RANKED)
def test_ranking_strategies_need_a_network(strategy):
    with pytest.raises(ScenarioError, match=f"'{strategy}' needs a network"):
        choose_seeds(nw.mixed(50), SeedingConfig(strategy=strategy, count=3), 0)
    with pytest.raises(ScenarioError, match="needs a network"):
        influence_ranking(nw.mixed(50), strategy, 3, 0)


def test_random_seeds_need_no_network():
    seeds = choose_seeds(nw.mixed(50), SeedingConfig(strategy="random", count=3), 0)
    assert len(seeds) == 3


def test_bad_options():
    net = nw.barabasi_albert(30, 2, seed=0)
    with pytest.raises(ScenarioError, match="strategy: expected one of"):
        influence_ranking(net, "nodes", 3, 0)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="celf probability"):
        influence_ranking(net, "celf", 3, 0, probability=1.5)
    with pytest.raises(ScenarioError, match="celf worlds"):
        celf_greedy(net, 3, 0, worlds=0)
    with pytest.raises(ScenarioError, match="seeding.celf_candidates"):
        scenario_from_dict({"population": {"size": 30},
                            "seeding": {"strategy": "celf", "celf_candidates": 0}})
    with pytest.raises(ScenarioError, match="no blocks"):
        communities(net, 0, method="blocks")
