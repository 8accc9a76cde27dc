"""Tests of sim.network: the CSR builder, the generators and the edge-list loader."""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import network as nw
from sim.errors import NetworkError, WomError
from sim.network import Network, generators, loaders, sampling

ROOT = Path(__file__).resolve().parent.parent
NETWORKS = ROOT / "data" / "networks"


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def rows_of(net: Network) -> list[list[int]]:
    return [net.indices[net.indptr[v]:net.indptr[v + 1]].tolist() for v in range(net.n)]


def edge_set(net: Network) -> set[tuple[int, int]]:
    """Stored (source, listener) pairs."""
    listeners = np.repeat(np.arange(net.n), net.in_degree)
    return set(zip(net.indices.tolist(), listeners.tolist(), strict=True))


def undirected_pairs(net: Network) -> set[tuple[int, int]]:
    return {(min(u, v), max(u, v)) for u, v in edge_set(net)}


def same_arrays(a: Network, b: Network) -> bool:
    return (a.n == b.n and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.weights, b.weights))


def reference_csr(n: int, edges: list[tuple[int, int, float]], directed: bool) -> list[dict]:
    """Plain-Python model of from_edges: row v maps source -> weight of first occurrence."""
    first: dict[tuple[int, int], float] = {}
    for u, v, w in edges:
        if u == v:
            continue
        key = (u, v) if directed else (min(u, v), max(u, v))
        first.setdefault(key, w)
    rows: list[dict] = [{} for _ in range(n)]
    for (u, v), w in first.items():
        rows[v][u] = w
        if not directed:
            rows[u][v] = w
    return rows


def check_invariants(net: Network) -> None:
    assert net.indptr.dtype == np.int64 and net.indptr.shape == (net.n + 1,)
    assert net.indices.dtype == np.uint32 and net.weights.dtype == np.float32
    assert net.indptr[0] == 0 and net.indptr[-1] == net.n_edges
    for v, row in enumerate(rows_of(net)):
        assert row == sorted(set(row)), f"row {v} is not sorted and distinct"
        assert v not in row, f"self-loop at {v}"
    if not net.directed:
        pairs = edge_set(net)
        assert all((v, u) in pairs for u, v in pairs), "undirected edge stored once"


# ---------------------------------------------------------------------------------------
# from_edges and the Network container
# ---------------------------------------------------------------------------------------


def test_from_edges_undirected_canonical_form() -> None:
    src = [2, 0, 1, 1, 3, 0]
    dst = [0, 2, 1, 3, 1, 1]
    w = [5.0, 7.0, 9.0, 2.0, 4.0, 1.5]
    net = nw.from_edges(src, dst, w)
    assert net.n == 4 and not net.directed and not net.mixed
    # 1-1 is a self-loop; 0-2 / 2-0 and 1-3 / 3-1 are duplicates keeping the first weight.
    assert rows_of(net) == [[1, 2], [0, 3], [0], [1]]
    assert net.weights.tolist() == [1.5, 5.0, 1.5, 2.0, 5.0, 2.0]
    assert net.n_edges == 6
    assert net.in_degree.tolist() == [2, 2, 1, 1]
    assert net.out_degree.tolist() == [2, 2, 1, 1]
    assert net.in_degree.dtype == np.int64 and net.out_degree.dtype == np.int64
    assert net.weighted
    check_invariants(net)


def test_from_edges_directed_stores_edge_in_listener_row() -> None:
    net = nw.from_edges([0, 0, 2, 0, 1], [1, 2, 1, 1, 0], directed=True, n=4)
    # 0->1 twice (deduplicated), 0->2, 2->1, 1->0; node 3 isolated
    assert rows_of(net) == [[1], [0, 2], [0], []]
    assert net.in_degree.tolist() == [1, 2, 1, 0]
    assert net.out_degree.tolist() == [2, 1, 1, 0]
    assert not net.weighted and net.weights.tolist() == [1.0] * 4
    check_invariants(net)


def test_from_edges_directed_keeps_both_directions_separately() -> None:
    net = nw.from_edges([0, 1], [1, 0], [2.0, 3.0], directed=True)
    assert rows_of(net) == [[1], [0]]
    assert net.weights.tolist() == [3.0, 2.0]  # row 0 holds 1->0 (3.0), row 1 holds 0->1


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 12),
    data=st.data(),
    directed=st.booleans(),
)
def test_from_edges_matches_reference(n: int, data: st.DataObject, directed: bool) -> None:
    m = data.draw(st.integers(0, 40))
    ids = st.integers(0, n - 1)
    edges = [(data.draw(ids), data.draw(ids), float(data.draw(st.integers(-3, 3))))
             for _ in range(m)]
    net = nw.from_edges([e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges],
                        n=n, directed=directed)
    expected = reference_csr(n, edges, directed)
    for v in range(n):
        lo, hi = net.indptr[v], net.indptr[v + 1]
        assert net.indices[lo:hi].tolist() == sorted(expected[v])
        assert net.weights[lo:hi].tolist() == [expected[v][u] for u in sorted(expected[v])]
    check_invariants(net)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("dtypes", [(np.int64, np.int64), (np.uint32, np.uint32),
                                    (np.int32, np.uint32)])
def test_from_edges_long_rows_keep_the_first_weight(directed: bool, dtypes: tuple) -> None:
    """Rows far longer than the insertion-sort cut (32), full of repeated edges with
    different weights, of any integer id type: the first weight of each edge is kept."""
    rng = np.random.default_rng(11)
    src, dst = rng.integers(0, 6, 400), rng.integers(0, 6, 400)
    weights = rng.integers(-5, 6, 400).astype(float)
    edges = list(zip(src.tolist(), dst.tolist(), weights.tolist(), strict=True))
    net = nw.from_edges(src.astype(dtypes[0]), dst.astype(dtypes[1]), weights, n=7,
                        directed=directed)
    expected = reference_csr(7, edges, directed)
    assert max(np.diff(net.indptr)) <= 6 < 400 // 7
    for v in range(7):
        lo, hi = net.indptr[v], net.indptr[v + 1]
        assert net.indices[lo:hi].tolist() == sorted(expected[v])
        assert net.weights[lo:hi].tolist() == [expected[v][u] for u in sorted(expected[v])]
    check_invariants(net)


def test_from_edges_is_independent_of_edge_order() -> None:
    rng = np.random.default_rng(3)
    src, dst = rng.integers(0, 50, 400), rng.integers(0, 50, 400)
    pairs = {(min(a, b), max(a, b)) for a, b in zip(src, dst, strict=True) if a != b}
    a = np.array(sorted(pairs))
    perm = rng.permutation(len(a))
    one = nw.from_edges(a[:, 0], a[:, 1], n=50)
    other = nw.from_edges(a[perm, 1], a[perm, 0], n=50)  # shuffled and reversed
    assert same_arrays(one, other)


def test_from_edges_n_and_labels() -> None:
    net = nw.from_edges([0], [1], n=5, labels=["a", "b", "c", "d", "e"], name="tiny")
    assert net.n == 5 and net.in_degree.tolist() == [1, 1, 0, 0, 0]
    assert net.labels is not None and net.labels.tolist() == ["a", "b", "c", "d", "e"]
    assert net.name == "tiny" and "tiny" in repr(net)
    only_loops = nw.from_edges([2], [2])
    assert only_loops.n == 3 and only_loops.n_edges == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"src": [], "dst": []}, "n == 0"),
        ({"src": [], "dst": [], "n": 0}, "n == 0"),
        ({"src": [0, 1], "dst": [1]}, "src has 2 entries but dst has 1"),
        ({"src": [0, 5], "dst": [1, 2], "n": 4}, "node id 5 is not below n = 4"),
        ({"src": [-1], "dst": [1]}, ">= 0"),
        ({"src": [0.5], "dst": [1]}, "integer node ids"),
        ({"src": [0], "dst": [1], "weights": [float("nan")]}, "finite"),
        ({"src": [0], "dst": [1], "weights": [1.0, 2.0]}, "weights has shape"),
        ({"src": [0], "dst": [1], "labels": ["a"]}, "labels"),
    ],
)
def test_from_edges_rejects_bad_input(kwargs: dict, match: str) -> None:
    src, dst = kwargs.pop("src"), kwargs.pop("dst")
    with pytest.raises(NetworkError, match=match):
        nw.from_edges(src, dst, **kwargs)


def test_network_validates_arrays() -> None:
    ok = dict(n=2, indptr=np.array([0, 1, 2]), indices=np.array([1, 0], dtype=np.uint32),
              weights=np.ones(2, dtype=np.float32), directed=False)
    assert Network(**ok).n_edges == 2
    bad = [
        (dict(indptr=np.array([0, 1, 2], dtype=np.int32)), "indptr must be a 1-D int64"),
        (dict(indices=np.array([1, 0])), "indices must be a 1-D uint32"),
        (dict(weights=np.ones(2)), "weights must be a 1-D float32"),
        (dict(indptr=np.array([0, 2])), "shape"),
        (dict(indptr=np.array([0, 2, 1])), "without decreasing"),
        (dict(indices=np.array([2, 0], dtype=np.uint32)), "not below n"),
        (dict(weights=np.array([1, np.inf], dtype=np.float32)), "finite"),
        (dict(n=0), "at least one node"),
        (dict(mixed=True), "mixed population stores no edges"),
        (dict(indptr=np.array([0, 1, 1])), "len\\(indices\\)"),
        (dict(blocks=np.array([0, 1])), "int32"),
        (dict(labels=np.array(["a"])), "labels must be an array of shape"),
    ]
    for change, match in bad:
        with pytest.raises(NetworkError, match=match):
            Network(**{**ok, **change})
    with pytest.raises(NetworkError, match="sorted and distinct"):
        Network(n=3, indptr=np.array([0, 2, 2, 2]), indices=np.array([2, 1], dtype=np.uint32),
                weights=np.ones(2, dtype=np.float32), directed=True)
    with pytest.raises(NetworkError, match="both rows"):
        Network(n=2, indptr=np.array([0, 0, 1]), indices=np.array([0], dtype=np.uint32),
                weights=np.ones(1, dtype=np.float32), directed=False)
    assert issubclass(NetworkError, WomError)


def test_to_networkx_matches_networkx_built_directly() -> None:
    rng = np.random.default_rng(11)
    src, dst = rng.integers(0, 40, 300), rng.integers(0, 40, 300)
    w = rng.integers(1, 9, 300).astype(float)
    for directed in (False, True):
        expected = nx.DiGraph() if directed else nx.Graph()
        expected.add_nodes_from(range(40))
        for u, v, x in zip(src.tolist(), dst.tolist(), w.tolist(), strict=True):
            if u != v and not expected.has_edge(u, v):
                expected.add_edge(u, v, weight=x)
        got = nw.from_edges(src, dst, w, n=40, directed=directed).to_networkx()
        assert got.is_directed() == directed
        assert nx.utils.graphs_equal(got, expected)


def test_from_networkx_round_trip_and_labels() -> None:
    G = nx.gnm_random_graph(60, 200, seed=5, directed=True)
    for u, v in G.edges:
        G.edges[u, v]["weight"] = 0.5 + (u + v) % 4
    net = nw.from_networkx(G)
    assert net.directed and net.n == 60 and net.n_edges == 200
    assert net.labels is not None and net.labels.tolist() == list(G)
    back = net.to_networkx()
    assert sorted(back.edges(data="weight")) == sorted(G.edges(data="weight"))
    assert dict(back.nodes(data="label")) == {v: v for v in G}
    unweighted = nw.from_networkx(G, weight=None)
    assert not unweighted.weighted and unweighted.n_edges == 200

    H = nx.Graph([("b", "a"), ("a", "c"), ("c", "c")])
    net = nw.from_networkx(H)
    assert net.labels is not None and net.labels.tolist() == ["b", "a", "c"]
    assert not net.directed and net.n_edges == 4  # the self-loop is dropped
    assert undirected_pairs(net) == {(0, 1), (1, 2)}
    with pytest.raises(NetworkError, match="no nodes"):
        nw.from_networkx(nx.Graph())


def test_to_networkx_refuses_mixed_and_huge() -> None:
    with pytest.raises(NetworkError, match="no edges"):
        nw.mixed(3).to_networkx()
    with pytest.raises(NetworkError, match="too many"):
        nw.complete(1500).to_networkx()  # 2,248,500 stored edges


# ---------------------------------------------------------------------------------------
# mixed, complete
# ---------------------------------------------------------------------------------------


def test_mixed_and_complete() -> None:
    pop = nw.mixed(1000)
    assert pop.mixed and pop.n == 1000 and pop.n_edges == 0
    assert pop.in_degree.sum() == 0 and not pop.weighted
    k5 = nw.complete(5)
    lo, hi = np.triu_indices(5, k=1)
    assert same_arrays(k5, nw.from_edges(lo, hi))
    assert k5.n_edges == 20 and not k5.mixed
    assert nw.complete(1).n_edges == 0
    with pytest.raises(NetworkError, match="mixed"):
        nw.complete(5001)
    with pytest.raises(NetworkError):
        nw.mixed(0)


# ---------------------------------------------------------------------------------------
# random generators
# ---------------------------------------------------------------------------------------


def test_pair_index_inverse() -> None:
    def pairs(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w, v = np.empty(pos.size, dtype=np.uint32), np.empty(pos.size, dtype=np.uint32)
        sampling._decode_pairs(pos, w, v, 0, 0, 0, 0)
        return w, v

    w, v = pairs(np.arange(5050, dtype=np.int64))
    expected = np.array([(a, b) for b in range(101) for a in range(b)])
    assert np.array_equal(w, expected[:, 0]) and np.array_equal(v, expected[:, 1])
    big = np.array([10**8 * (10**8 - 1) // 2 - 1, 10**8 * (10**8 - 1) // 2], dtype=np.int64)
    w, v = pairs(big)  # last pair below node 10^8, first pair of node 10^8
    assert v.tolist() == [10**8 - 1, 10**8] and w.tolist() == [10**8 - 2, 0]
    k = np.array([0, 5, 11], dtype=np.int64)  # between 3 nodes from 7 and 4 nodes from 20
    w, v = np.empty(3, dtype=np.uint32), np.empty(3, dtype=np.uint32)
    sampling._decode_pairs(k, w, v, 0, 7, 20, 4)
    assert w.tolist() == [7, 8, 9] and v.tolist() == [20, 21, 23]


@pytest.mark.parametrize("total, p", [(10**6, 1e-3), (10**5, 0.3), (40, 0.5)])
def test_bernoulli_positions(total: int, p: float) -> None:
    # 400 draws: the mean count is Binomial(total, p) / 400 -> 4 standard errors; every
    # position equally likely -> the mean position is (total - 1) / 2 within 4 s.e. too.
    rng = np.random.default_rng(3)
    draws = [nw.bernoulli_positions(rng, total, p) for _ in range(400)]
    for pos in draws:
        assert pos.dtype == np.int64 and np.all(np.diff(pos) > 0)
        assert len(pos) == 0 or (pos[0] >= 0 and pos[-1] < total)
    counts = np.array([len(pos) for pos in draws])
    assert abs(counts.mean() - total * p) < 4 * math.sqrt(total * p * (1 - p) / 400)
    every = np.concatenate(draws)
    se = math.sqrt((total**2 - 1) / 12 / len(every))
    assert abs(every.mean() - (total - 1) / 2) < 4 * se


def test_bernoulli_positions_chunks_change_only_the_state_left() -> None:
    # The positions depend on the generator alone; the chunk sizes only on how many
    # variates are consumed (CELF keeps 4 s.d. + 16 with equal chunks, for its numbers).
    first, second = np.random.default_rng(8), np.random.default_rng(8)
    a = nw.bernoulli_positions(first, 10**5, 0.01)
    b = nw.bernoulli_positions(second, 10**5, 0.01, spare_sd=4.0, spare=16, shrink=1)
    assert np.array_equal(a, b) and len(a) > 900
    assert first.random() != second.random()
    rng = np.random.default_rng(0)
    assert nw.bernoulli_positions(rng, 0, 0.5).size == 0
    assert nw.bernoulli_positions(rng, 9, 0.0).size == 0
    assert nw.bernoulli_positions(rng, 5, 1.0).tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(NetworkError, match="too many"):
        nw.bernoulli_positions(rng, 2**62, 0.5)


def test_bernoulli_batches_slice_chunks_without_changing_the_draws(monkeypatch) -> None:
    # Slices of 7 variates (the rest of the last chunk drawn and dropped): the same
    # positions as one chunk at a time, and the generator left in the same state.
    whole, sliced = np.random.default_rng(4), np.random.default_rng(4)
    expected = nw.bernoulli_positions(whole, 10**4, 0.01)
    monkeypatch.setattr(sampling, "BATCH", 7)
    batches = list(sampling.bernoulli_batches(sliced, 10**4, 0.01))
    assert all(0 < len(b) <= 7 for b in batches) and len(batches) > 10
    assert np.array_equal(np.concatenate(batches), expected)
    assert whole.random() == sliced.random()
    every = list(sampling.bernoulli_batches(sliced, 20, 1.0))
    assert np.array_equal(np.concatenate(every), np.arange(20)) and len(every) == 3


def test_sample_pairs_grow_past_their_room(monkeypatch) -> None:
    parts = [(10**4, 0.02, 0, 0, 0), (50 * 40, 0.1, 200, 300, 40)]
    expected = sampling.sample_pairs(np.random.default_rng(6), parts)
    assert len(expected[0]) > 300 and np.all(expected[0] < expected[1])
    monkeypatch.setattr(sampling, "_room", lambda parts: 1)
    monkeypatch.setattr(sampling, "BATCH", 7)
    grown = sampling.sample_pairs(np.random.default_rng(6), parts)
    assert all(np.array_equal(a, b) and b.dtype == np.uint32
               for a, b in zip(expected, grown, strict=True))


def test_erdos_renyi() -> None:
    n, p = 2000, 0.01
    net = nw.erdos_renyi(n, p=p, seed=1)
    check_invariants(net)
    pairs = n * (n - 1) / 2
    expected, se = pairs * p, math.sqrt(pairs * p * (1 - p))  # Binomial(pairs, p)
    assert abs(net.n_edges / 2 - expected) < 4 * se
    assert same_arrays(net, nw.erdos_renyi(n, p=p, seed=1))
    assert not same_arrays(net, nw.erdos_renyi(n, p=p, seed=2))
    by_degree = nw.erdos_renyi(n, mean_degree=(n - 1) * p, seed=1)
    assert same_arrays(net, by_degree)
    # every pair is equally likely: edges touch low and high ids alike
    lo_half = np.count_nonzero(net.in_degree[: n // 2])
    assert lo_half > 0.9 * (n // 2)
    assert nw.erdos_renyi(50, p=0.0, seed=0).n_edges == 0
    assert same_arrays(nw.erdos_renyi(30, p=1.0, seed=0), nw.complete(30))
    assert nw.erdos_renyi(1, mean_degree=3, seed=0).n == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "exactly one"),
        ({"p": 0.1, "mean_degree": 2.0}, "exactly one"),
        ({"p": 1.5}, "probability"),
        ({"mean_degree": 200.0}, "above n - 1"),
        ({"p": 0.1, "seed": -1}, "seed"),
    ],
)
def test_erdos_renyi_rejects(kwargs: dict, match: str) -> None:
    kwargs.setdefault("seed", 0)
    with pytest.raises(NetworkError, match=match):
        nw.erdos_renyi(100, **kwargs)


def test_barabasi_albert() -> None:
    n, m = 20000, 3
    net = nw.barabasi_albert(n, m, seed=7)
    check_invariants(net)
    assert net.n_edges == 2 * m * (n - m)  # start rule: node m joins nodes 0..m-1
    deg = net.in_degree
    assert deg[:m].min() >= 1  # the initial nodes joined the star
    assert deg[m:].min() >= m  # every node from m on brought m edges
    assert abs(deg.mean() - 2 * m) < 0.01
    assert deg.max() > 20 * deg.mean()  # hubs: heavy tail
    # Tail of the degree distribution: P(K >= k) ~ m (m + 1) / (k (k + 1)), i.e. the
    # density falls like k^-3. Compare at k = 12 and 48 with a generous 25 % tolerance.
    for k in (12, 48):
        expected = m * (m + 1) / (k * (k + 1))
        assert abs(np.mean(deg >= k) / expected - 1) < 0.25
    assert same_arrays(net, nw.barabasi_albert(n, m, seed=7))
    assert not same_arrays(net, nw.barabasi_albert(n, m, seed=8))
    small = nw.barabasi_albert(4, 3, seed=0)  # just the initial star
    assert undirected_pairs(small) == {(0, 3), (1, 3), (2, 3)}
    with pytest.raises(NetworkError, match="m < n"):
        nw.barabasi_albert(3, 3, seed=0)
    with pytest.raises(NetworkError, match="m must be >= 1"):
        nw.barabasi_albert(3, 0, seed=0)


def test_watts_strogatz() -> None:
    n, k = 500, 6
    lattice = nw.watts_strogatz(n, k, 0.0, seed=3)
    expected = {(min(u, (u + j) % n), max(u, (u + j) % n))
                for u in range(n) for j in range(1, k // 2 + 1)}
    assert undirected_pairs(lattice) == expected and lattice.n_edges == n * k
    assert set(lattice.in_degree.tolist()) == {k}
    for p in (0.2, 1.0):
        net = nw.watts_strogatz(n, k, p, seed=3)
        check_invariants(net)
        assert net.n_edges == n * k  # rewiring keeps the edge count
        kept = len(undirected_pairs(net) & expected) / len(expected)
        if p == 0.2:
            # an edge survives unless rewired (prob. 0.2); rewired ends rarely land back
            # on a lattice edge. Binomial SE of the share over 1500 edges is about 0.01.
            assert abs(kept - 0.8) < 0.05
        else:
            assert kept < 0.1
    net = nw.watts_strogatz(n, k, 0.2, seed=3)
    assert same_arrays(net, nw.watts_strogatz(n, k, 0.2, seed=3))
    assert not same_arrays(net, nw.watts_strogatz(n, k, 0.2, seed=4))
    dense = nw.watts_strogatz(7, 6, 1.0, seed=0)  # nothing to rewire to: stays complete
    assert dense.n_edges == 42
    assert nw.watts_strogatz(5, 0, 0.5, seed=0).n_edges == 0
    for bad_k in (3, 500):
        with pytest.raises(NetworkError, match="even k below n"):
            nw.watts_strogatz(n, bad_k, 0.1, seed=0)


def test_watts_strogatz_wide_slots_give_the_same_edges() -> None:
    # From 2^31 edge ends on, the rewiring lists take int64 slots: the same edges.
    for p in (0.3, 1.0):
        narrow, wide = (generators._ws_edges(300, 8, p, generators._numba_state(5),
                                             np.empty(0, dtype=dtype))
                        for dtype in (np.int32, np.int64))
        assert all(np.array_equal(x, y) and x.dtype == np.uint32
                   for x, y in zip(narrow, wide, strict=True))


def test_stochastic_block() -> None:
    sizes, p_in, p_out = [200, 300], 0.1, 0.02
    net = nw.stochastic_block(sizes, p_in, p_out, seed=5)
    check_invariants(net)
    assert net.blocks is not None and net.blocks.dtype == np.int32
    assert net.blocks.tolist() == [0] * 200 + [1] * 300
    pairs = undirected_pairs(net)
    inside = sum(net.blocks[u] == net.blocks[v] for u, v in pairs)
    between = len(pairs) - inside
    n_inside = 200 * 199 // 2 + 300 * 299 // 2  # 64,750 pairs
    n_between = 200 * 300  # 60,000 pairs
    # 4 binomial standard errors: sqrt(64750 * 0.1 * 0.9) ~ 76, sqrt(60000 * .02 * .98) ~ 34
    assert abs(inside - n_inside * p_in) < 4 * math.sqrt(n_inside * p_in * (1 - p_in))
    assert abs(between - n_between * p_out) < 4 * math.sqrt(n_between * p_out * (1 - p_out))
    assert same_arrays(net, nw.stochastic_block(sizes, p_in, p_out, seed=5))
    assert not same_arrays(net, nw.stochastic_block(sizes, p_in, p_out, seed=6))
    split = nw.stochastic_block([3, 4, 2], 1.0, 0.0, seed=0)
    assert undirected_pairs(split) == {(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (3, 6),
                                       (4, 5), (4, 6), (5, 6), (7, 8)}
    assert nw.stochastic_block([3, 4, 2], 0.0, 1.0, seed=0).n_edges == 2 * (12 + 6 + 8)
    with pytest.raises(NetworkError, match="block sizes"):
        nw.stochastic_block([3, 0], 0.1, 0.1, seed=0)
    with pytest.raises(NetworkError, match="p_out"):
        nw.stochastic_block([3, 3], 0.1, -0.1, seed=0)


def test_configuration_model() -> None:
    degrees = nw.powerlaw_degrees(3000, 2.5, 2, seed=1, max_degree=60)
    net = nw.configuration(degrees, seed=2)
    check_invariants(net)
    assert net.n == 3000
    assert np.all(net.in_degree <= degrees)
    lost = degrees.sum() - net.in_degree.sum()
    assert 0 <= lost < 0.02 * degrees.sum()  # few collisions in a sparse sequence
    assert same_arrays(net, nw.configuration(degrees, seed=2))
    assert not same_arrays(net, nw.configuration(degrees, seed=3))
    matching = nw.configuration(np.ones(1000, dtype=np.int64), seed=4)
    assert matching.in_degree.tolist() == [1] * 1000  # no collision is possible
    assert nw.configuration([0, 0], seed=0).n_edges == 0
    with pytest.raises(NetworkError, match="odd"):
        nw.configuration([1, 2, 2], seed=0)
    with pytest.raises(NetworkError, match=">= 0"):
        nw.configuration([2, -1, 1], seed=0)


def test_powerlaw_degrees() -> None:
    deg = nw.powerlaw_degrees(20000, 2.5, 2, seed=9)
    assert deg.dtype == np.int64 and len(deg) == 20000
    assert deg.sum() % 2 == 0 and deg.min() >= 2 and deg.max() <= 19999
    # P(K = kmin) = kmin^-g / sum_k k^-g; with g = 2.5, kmin = 2: ~ 0.544. SE ~ 0.0035.
    support = np.arange(2, 20000, dtype=float)
    p_min = 2**-2.5 / np.sum(support**-2.5)
    assert abs(np.mean(deg == 2) - p_min) < 4 * math.sqrt(p_min * (1 - p_min) / 20000)
    assert deg.max() > 50  # heavy tail
    assert np.array_equal(deg, nw.powerlaw_degrees(20000, 2.5, 2, seed=9))
    capped = nw.powerlaw_degrees(1001, 2.0, 3, seed=0, max_degree=4)
    assert set(capped.tolist()) <= {3, 4} and capped.sum() % 2 == 0
    with pytest.raises(NetworkError, match="even sum"):
        nw.powerlaw_degrees(3, 2.0, 3, seed=0, max_degree=3)
    with pytest.raises(NetworkError, match="below min_degree"):
        nw.powerlaw_degrees(10, 2.0, 5, seed=0, max_degree=4)


def test_powerlaw_degrees_tail_beyond_table(monkeypatch: pytest.MonkeyPatch) -> None:
    # Draw degrees above min_degree + 20 from the continuous tail and compare the share at
    # or above k with the exact discrete law; 4 binomial standard errors (~0.0006-0.0012).
    monkeypatch.setattr(generators, "_POWERLAW_TABLE", 20)
    n, gamma, kmin, kmax = 100_000, 2.5, 2, 1000
    deg = nw.powerlaw_degrees(n, gamma, kmin, seed=4, max_degree=kmax)
    mass = np.arange(kmin, kmax + 1, dtype=float) ** -gamma
    mass /= mass.sum()
    for k in (10, 22, 23, 40, 200):
        share = mass[k - kmin:].sum()
        assert abs(np.mean(deg >= k) - share) < 4 * math.sqrt(share * (1 - share) / n)
    assert deg.max() <= kmax
    with pytest.raises(NetworkError, match="exponent must be > 1"):
        nw.powerlaw_degrees(10, 1.0, 2, seed=0)


def _fingerprint() -> str:
    h = hashlib.sha256()
    for net in (nw.barabasi_albert(3000, 4, seed=12), nw.watts_strogatz(3000, 6, 0.3, seed=12),
                nw.erdos_renyi(3000, mean_degree=5, seed=12),
                nw.stochastic_block([1000, 2000], 0.01, 0.001, seed=12),
                nw.configuration(nw.powerlaw_degrees(3000, 2.2, 2, seed=12), seed=12),
                nw.clustered(3000, 4, triad=0.9, community_size=150, mixing=0.2, seed=12)):
        h.update(net.indptr.tobytes())
        h.update(net.indices.tobytes())
    return h.hexdigest()


def test_generators_are_deterministic_across_processes() -> None:
    code = "from tests.test_network import _fingerprint; print(_fingerprint())"
    env = {**os.environ, "NUMBA_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
    assert out == _fingerprint()


# ---------------------------------------------------------------------------------------
# edge-list files
# ---------------------------------------------------------------------------------------


def test_load_facebook() -> None:
    net = nw.load_edgelist(NETWORKS / "facebook_combined.txt.gz")
    assert not net.directed and net.n == 4039
    assert net.n_edges == 2 * 88234
    assert net.labels is not None and np.array_equal(net.labels, np.arange(4039))
    assert net.name == "facebook_combined" and not net.weighted
    check_invariants(net)


def test_load_email_directed() -> None:
    net = nw.load_edgelist(NETWORKS / "email-Eu-core.txt.gz", directed=True)
    assert net.directed and net.n == 1005
    assert net.n_edges == 25571 - 642  # self-loops dropped
    assert net.labels is not None and np.array_equal(net.labels, np.arange(1005))
    flipped = nw.load_edgelist(NETWORKS / "email-Eu-core.txt.gz", directed=True, reverse=True)
    assert np.array_equal(flipped.in_degree, net.out_degree)
    assert np.array_equal(flipped.out_degree, net.in_degree)


def write(path: Path, text: str, *, compress: bool = False) -> Path:
    data = text.encode()
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def test_load_text_comments_blank_lines_and_weights(tmp_path: Path) -> None:
    f = write(tmp_path / "g.txt",
              "# a comment\n% another\n\n10 20 0.5\n  20\t30   -2\n\n# x\n10 20 9\n")
    net = nw.load_edgelist(f)
    assert net.labels is not None and net.labels.tolist() == [10, 20, 30]
    assert rows_of(net) == [[1], [0, 2], [1]]
    assert net.weights.tolist() == [0.5, 0.5, -2.0, -2.0]  # repeat 10 20 keeps 0.5
    assert net.name == "g"


def test_load_integer_ids_sort_numerically(tmp_path: Path) -> None:
    net = nw.load_edgelist(write(tmp_path / "e.txt", "10 2\n2 9\n"), directed=True)
    assert net.labels is not None and net.labels.tolist() == [2, 9, 10]
    assert edge_set(net) == {(2, 0), (0, 1)}  # 10 -> 2 and 2 -> 9


def test_load_sparse_and_negative_integer_ids(tmp_path: Path) -> None:
    net = nw.load_edgelist(write(tmp_path / "big.txt", "5000000000 7\n-3 7\n"))
    assert net.labels is not None and net.labels.tolist() == [-3, 7, 5000000000]
    assert undirected_pairs(net) == {(1, 2), (0, 1)}


def test_load_string_ids_and_reverse(tmp_path: Path) -> None:
    f = write(tmp_path / "follows.txt", "carol alice\nbob alice\nalice 7\n")
    net = nw.load_edgelist(f, directed=True)
    assert net.labels is not None and net.labels.tolist() == ["7", "alice", "bob", "carol"]
    assert edge_set(net) == {(3, 1), (2, 1), (1, 0)}
    rev = nw.load_edgelist(f, directed=True, reverse=True)  # alice influences her followers
    assert edge_set(rev) == {(1, 3), (1, 2), (0, 1)}


def test_load_csv_with_header_and_weight(tmp_path: Path) -> None:
    f = write(tmp_path / "trust.csv", "from,to,when,weight\n1,2,2020,0.5\n2,3,2021,-1\n")
    net = nw.load_edgelist(f, directed=True)
    assert edge_set(net) == {(0, 1), (1, 2)} and net.weights.tolist() == [0.5, -1.0]
    named = nw.load_edgelist(f, directed=True, source_column="to", target_column="from",
                             weight_column="when")
    assert edge_set(named) == {(1, 0), (2, 1)} and named.weights.tolist() == [2020.0, 2021.0]
    plain = write(tmp_path / "plain.csv", "a,b,c\nx,y,1\ny,z,2\n")
    net = nw.load_edgelist(plain)
    assert not net.weighted and net.labels is not None
    assert net.labels.tolist() == ["x", "y", "z"]


def test_load_tsv_and_forced_format(tmp_path: Path) -> None:
    f = write(tmp_path / "g.tsv", "source\ttarget\tweight\nnode a\tnode b\t2\n")
    net = nw.load_edgelist(f)
    assert net.labels is not None and net.labels.tolist() == ["node a", "node b"]
    assert net.weights.tolist() == [2.0, 2.0]
    as_csv = write(tmp_path / "edges.data", "u,v\n0,1\n1,2\n")
    assert nw.load_edgelist(as_csv, fmt="csv").n_edges == 4
    with pytest.raises(NetworkError, match="unknown format"):
        nw.load_edgelist(as_csv, fmt="xml")


def test_gzip_detected_by_magic_bytes(tmp_path: Path) -> None:
    hidden = write(tmp_path / "edges.txt", "0 1\n1 2\n", compress=True)
    assert nw.load_edgelist(hidden).n_edges == 4
    csv_gz = write(tmp_path / "edges.csv.gz", "a,b\n0,1\n", compress=True)
    assert nw.load_edgelist(csv_gz).n_edges == 2
    not_really = write(tmp_path / "plain.txt.gz", "0 1\n")
    assert nw.load_edgelist(not_really).n_edges == 2


def test_load_self_loops_only_is_an_empty_graph(tmp_path: Path) -> None:
    path = write(tmp_path / "loops.txt", "1 1\n2 2\n")
    with pytest.raises(NetworkError) as info:
        nw.load_edgelist(path)
    assert str(info.value) == f"{path}: no edges found (every edge is a self-loop)"
    net = nw.load_edgelist(write(tmp_path / "some.txt", "1 1\n1 2\n"))
    assert net.n == 2 and net.n_edges == 2


@pytest.mark.parametrize(("name", "content", "line"), [
    ("big.txt", "0 1 1\n# c\n1 2 1e40\n", 3),
    ("big.csv", "s,t,weight\n0,1,1\n1,2,-1e39\n", 3),
])
def test_weight_beyond_float32_names_the_line(tmp_path: Path, name: str, content: str,
                                              line: int) -> None:
    path = write(tmp_path / name, content)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NetworkError, match=f"line {line}: weight .* does not fit in "
                           "float32") as info:
            nw.load_edgelist(path)
    assert str(info.value).startswith(f"{path}: ")


def test_negative_weight_line(tmp_path: Path) -> None:
    assert loaders.negative_weight_line(write(tmp_path / "a.txt", "# x\n0 1 1\n1 2 -2\n")) == 3
    assert loaders.negative_weight_line(write(tmp_path / "b.txt", "0 1 1\n")) is None
    csv_path = write(tmp_path / "c.csv", "s,t,w\n0,1,-1\n")
    assert loaders.negative_weight_line(csv_path, weight_column="w") == 2


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("four.txt", "# header\n1 2\n\n2 3\n% c\n5 6\na b c d\n",
         r"line 7: expected 'source target \[weight\]', found 'a b c d'"),
        ("one.txt", "1 2\n3\n", r"line 2: expected 'source target \[weight\]', found '3'"),
        ("mixed.txt", "1 2 0.5\n2 3\n", "line 2: expected 3 columns as on line 1, found '2 3'"),
        ("mixed2.txt", "1 2\n2 3 0.5\n", "line 2: expected 2 columns as on line 1"),
        ("weight.txt", "# w\n1 2 1\n2 3 abc\n", "line 3: weight 'abc' is not a number"),
        ("nan.txt", "1 2 nan\n", "line 1: weight 'nan' is not a number"),
        ("inf.txt", "1 2 1\n1 3 inf\n", "line 2: weight 'inf' is not finite"),
        ("hash.txt", "1 2\n3 4 # note\n", "line 2: .*'3 4 # note'"),
        ("short.csv", "a,b,weight\n1,2,3\n4,5\n", "line 3: expected 3 comma-separated fields"),
        ("long.csv", "a,b\n1,2\n3,4\n4,5,6\n", "line 4: expected 2 comma-separated fields"),
        ("noid.csv", "a,b\nx,y\nx,\n", "line 3: empty target id"),
        ("weight.csv", "a,b,weight\n1,2,1\n1,3,heavy\n", "line 3: weight 'heavy' is not a"),
        ("weight.tsv", "a\tb\tweight\nx\ty\t\n", "line 2: weight '' is not a number"),
        ("bytes.txt", "1 2\n\udcff 3\n", "line 2: not valid UTF-8"),
    ],
)
def test_load_reports_malformed_line(tmp_path: Path, name: str, content: str,
                                     match: str) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8", errors="surrogateescape"))
    with pytest.raises(NetworkError, match=match) as info:
        nw.load_edgelist(path)
    assert str(info.value).startswith(f"{path}: line ")


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.txt", ""), ("comments.txt", "# nothing\n\n% here\n"), ("blank.txt", "\n \n"),
     ("header.csv", "a,b\n"), ("empty.csv", "")],
)
def test_load_reports_no_edges(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(NetworkError, match="no edges found") as info:
        nw.load_edgelist(path)
    assert str(info.value) == f"{path}: no edges found"


def test_load_reports_file_problems(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(NetworkError) as info:
        nw.load_edgelist(missing)
    assert str(info.value) == f"{missing}: no such file"
    with pytest.raises(NetworkError, match="is a directory"):
        nw.load_edgelist(tmp_path)
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(gzip.compress(b"0 1\n" * 100)[:-10])  # cut inside the stream
    with pytest.raises(NetworkError, match=f"{broken}: corrupt gzip data"):
        nw.load_edgelist(broken)


def test_load_reports_missing_columns(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "src,dst,w\n1,2,3\n")
    with pytest.raises(NetworkError, match="no weight column 'weight'; available columns: "
                                           "src, dst, w") as info:
        nw.load_edgelist(f, weight_column="weight")
    assert str(info.value).startswith(str(f))
    with pytest.raises(NetworkError, match="no source column 'from'"):
        nw.load_edgelist(f, source_column="from")
    one = write(tmp_path / "one.csv", "a\n1\n")
    with pytest.raises(NetworkError, match="at least two columns"):
        nw.load_edgelist(one)
    text = write(tmp_path / "t.txt", "1 2\n")
    with pytest.raises(NetworkError, match="csv or tsv"):
        nw.load_edgelist(text, weight_column="w")
