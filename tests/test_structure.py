"""The default market's structure: the clustered community generator (communities, hubs,
clustering) and weak ties chosen by neighbourhood overlap, which bridge communities."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim import network as nw
from sim.errors import NetworkError
from sim.network import Network
from sim.rng import Purpose, stream_key, uniform_array
from sim.scenario import load_scenario
from tests.test_network import ROOT, check_invariants, same_arrays

MARKET = {"triad": 0.9, "community_size": 150, "mixing": 0.2}


@pytest.fixture(scope="module")
def market() -> Network:
    """The default market's network at 10,000 consumers (m = 5)."""
    return nw.clustered(10_000, 5, seed=1, **MARKET)


def listeners(net: Network) -> np.ndarray:
    return np.repeat(np.arange(net.n), net.in_degree)


def between(net: Network) -> np.ndarray:
    """Whether each stored edge joins two communities."""
    return net.blocks[listeners(net)] != net.blocks[net.indices]


def test_clustered_degrees_hubs_and_csr_invariants(market: Network) -> None:
    degree = market.in_degree
    assert abs(degree.mean() - 10.0) < 0.1  # at most n m ties, merged repeats are rare
    assert degree.min() >= 5  # every consumer brings m = 5 ties
    assert degree.max() > 10 * degree.mean()  # hubs: heavy tail
    rows, cols = listeners(market), market.indices.astype(np.int64)
    assert not np.any(rows == cols)
    forward = np.sort(rows * market.n + cols)
    assert np.array_equal(forward, np.sort(cols * market.n + rows))  # symmetric
    assert len(np.unique(forward)) == len(forward)  # no repeated edge
    small = nw.clustered(600, 3, seed=2, **MARKET)
    check_invariants(small)
    assert small.blocks.tolist() == np.repeat(np.arange(4), 150).tolist()


def test_clustered_has_clustering_far_above_barabasi_albert(market: Network) -> None:
    ba = nw.barabasi_albert(10_000, 5, seed=1)
    c_market, c_ba = nw.average_clustering(market), nw.average_clustering(ba)
    assert c_market > 0.15
    assert c_market > 10 * c_ba
    no_triads = nw.clustered(10_000, 5, seed=1, **{**MARKET, "triad": 0.0})
    assert nw.average_clustering(no_triads) < c_market / 2  # the triad steps make it


def test_planted_communities_have_high_modularity(market: Network) -> None:
    graph = market.to_networkx()
    blocks = [set(np.flatnonzero(market.blocks == b).tolist())
              for b in range(int(market.blocks.max()) + 1)]
    assert len(blocks) == round(10_000 / 150)
    assert nx.community.modularity(graph, blocks) > 0.6
    assert 0.15 < between(market).mean() < 0.25  # about mixing = 0.2 of the ties


def test_clustered_is_deterministic_per_seed() -> None:
    a = nw.clustered(3000, 4, seed=7, **MARKET)
    assert same_arrays(a, nw.clustered(3000, 4, seed=7, **MARKET))
    assert not same_arrays(a, nw.clustered(3000, 4, seed=8, **MARKET))


def test_clustered_edge_cases_and_refusals() -> None:
    one = nw.clustered(100, 3, seed=0, **MARKET)  # a single community: no bridges
    assert one.blocks.max() == 0 and one.in_degree.mean() > 5.5
    apart = nw.clustered(1000, 3, seed=0, **{**MARKET, "mixing": 0.0})
    # without mixing only the first m members of each community, who find fewer than m
    # earlier members, tie outside: 3 + 2 + 1 ties in each of the 7 communities at most
    assert 0 < between(apart).sum() // 2 <= 7 * 6
    with pytest.raises(NetworkError, match="m < n"):
        nw.clustered(5, 5, seed=0, **MARKET)
    with pytest.raises(NetworkError, match="triad"):
        nw.clustered(50, 2, seed=0, **{**MARKET, "triad": 1.5})


def test_overlap_and_clustering_agree_with_networkx() -> None:
    net = nw.clustered(400, 4, seed=3, **MARKET)
    graph = net.to_networkx()
    rows, cols = listeners(net), net.indices
    got = nw.overlap(net)
    for p in range(0, net.n_edges, 7):
        i, j = int(rows[p]), int(cols[p])
        shared = len(list(nx.common_neighbors(graph, i, j)))
        denominator = graph.degree[i] - 1 + graph.degree[j] - 1 - shared
        assert got[p] == (shared / denominator if denominator else 0.0)
    assert nw.average_clustering(net) == pytest.approx(nx.average_clustering(graph), abs=1e-12)
    pair = nw.from_edges([0], [1], n=3)  # an isolated pair shares nothing
    assert nw.overlap(pair).tolist() == [0.0, 0.0]


def test_weak_ties_by_overlap_are_the_bridges(market: Network) -> None:
    weak = nw.overlap_weak_ties(market, 0.5, seed=1)
    assert weak.sum() == 2 * round(0.5 * market.n_edges / 2)  # half the ties, both ways
    assert np.array_equal(weak, weak[_mirror(market)])
    cross = between(market)
    assert cross[weak].mean() > 5 * cross[~weak].mean()
    assert cross[~weak].sum() < 0.15 * cross.sum()  # removing weak ties cuts most bridges
    rng_weak = np.random.default_rng(0).random(market.n_edges // 2)  # a random half, by pair
    random_weak = (rng_weak < 0.5)[_pair_ids(market)]
    assert cross[~random_weak].sum() > 0.4 * cross.sum()  # a random half keeps half


@pytest.mark.parametrize("share", [0.05, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("seed", [0, 7])
def test_weak_ties_are_the_lowest_overlap_then_draw(share: float, seed: int) -> None:
    """The radix select picks exactly the ties first by (overlap, TIES draw, position)
    that a full sort picks, on a graph with many ties of equal overlap."""
    net = nw.watts_strogatz(600, 6, 0.3, seed=seed)
    rows, cols = listeners(net), net.indices.astype(np.int64)
    once = np.flatnonzero(cols < rows)
    key = cols[once].astype(np.uint64) * np.uint64(1 << 32) + rows[once].astype(np.uint64)
    draws = uniform_array(stream_key(seed, 0), 0, key, Purpose.TIES)
    k = round(share * len(once))
    weak_once = once[np.lexsort((draws, nw.overlap(net)[once]))[:k]]
    expected = np.zeros(net.n_edges, dtype=bool)
    expected[weak_once] = True
    expected |= expected[_mirror(net)]
    assert np.array_equal(nw.overlap_weak_ties(net, share, seed), expected)
    assert len(np.unique(nw.overlap(net)[once])) < len(once) / 4  # many equal overlaps


def test_overlap_weak_ties_on_a_directed_network() -> None:
    """Overlap is measured on the undirected projection; a reciprocated pair agrees."""
    src, dst = [0, 1, 1, 2, 3, 3, 4], [1, 0, 2, 0, 4, 0, 2]
    net = nw.from_edges(src, dst, n=5, directed=True)
    weak = nw.overlap_weak_ties(net, 0.4, seed=0)
    flag = {(int(u), int(v)): bool(w)
            for u, v, w in zip(net.indices, listeners(net), weak, strict=True)}
    pairs = {(min(u, v), max(u, v)) for (u, v), w in flag.items() if w}
    assert len(pairs) == 2  # round(0.4 * 6 undirected ties)
    assert flag[(0, 1)] == flag[(1, 0)]
    # the triangle 0-1-2 has overlap 1/2 or more; ties 3-4, 0-3 and 2-4 share no friend
    assert pairs <= {(3, 4), (0, 3), (2, 4)}


def test_market_builds_overlap_weak_ties() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "market.toml", {"population.size": 3000})
    net = nw.build_network(scenario)
    cfg = scenario.network
    assert cfg.kind == "clustered" and cfg.tie_strength == "overlap"
    weak = net.weights < 1.0
    assert np.allclose(net.weights[weak], cfg.weak_weight)
    assert weak.sum() == 2 * round(cfg.weak_share * net.n_edges / 2)
    assert between(net)[weak].mean() > 3 * between(net)[~weak].mean()


def _pair_ids(net: Network) -> np.ndarray:
    """Index of each stored edge's undirected tie, 0..n_edges / 2 - 1."""
    rows, cols = listeners(net), net.indices.astype(np.int64)
    key = np.minimum(rows, cols) * net.n + np.maximum(rows, cols)
    return np.unique(key, return_inverse=True)[1]


def _mirror(net: Network) -> np.ndarray:
    """Position of the other direction of each stored edge."""
    rows, cols = listeners(net), net.indices.astype(np.int64)
    order = np.argsort(rows * net.n + cols)
    return order[np.searchsorted((rows * net.n + cols)[order], cols * net.n + rows)]
