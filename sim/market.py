"""The market both engines simulate: the network built from a scenario, and checks
that the scenario's diffusion process can run on it.

Building the network is the expensive, engine-independent part of a run; it is done
once per run and shared by every replication (replications differ in their random
streams, not in their network).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import network as nw
from .commerce.traits import tie_strengths
from .errors import ScenarioError
from .network import Network
from .scenario import Scenario


def build_network(scenario: Scenario) -> Network:
    """The network described by ``scenario.network`` (seeded by network.seed or run.seed),
    with a share ``network.weak_share`` of its ties made weak."""
    net = _build_graph(scenario)
    cfg = scenario.network
    if cfg.weak_share <= 0 or net.n_edges == 0:
        return net
    seed = cfg.seed if cfg.seed is not None else scenario.run.seed
    listener = np.repeat(np.arange(net.n, dtype=np.int64), net.in_degree)
    weights = tie_strengths(net.weights, net.indices.astype(np.int64), listener,
                            cfg.weak_share, cfg.weak_weight, seed)
    return dataclasses.replace(net, weights=weights)


def _build_graph(scenario: Scenario) -> Network:
    cfg = scenario.network
    n = scenario.population.size
    seed = cfg.seed if cfg.seed is not None else scenario.run.seed
    if cfg.kind == "file":
        net = nw.load_edgelist(
            cfg.path, directed=cfg.directed, reverse=cfg.reverse, fmt=cfg.format,
            source_column=cfg.source_column, target_column=cfg.target_column,
            weight_column=cfg.weight_column,
        )
        if n is not None and n != net.n:
            raise ScenarioError(
                f"population.size: {n} does not match the {net.n} consumers of {cfg.path}"
            )
        return net
    assert n is not None  # the schema requires it for generated networks
    if cfg.kind == "mixed":
        return nw.mixed(n)
    if cfg.kind == "complete":
        return nw.complete(n)
    if cfg.kind == "erdos_renyi":
        return nw.erdos_renyi(n, p=cfg.edge_probability, mean_degree=cfg.mean_degree, seed=seed)
    if cfg.kind == "barabasi_albert":
        if cfg.m >= n:
            raise ScenarioError(f"network.m: must be below population.size = {n}, found {cfg.m}")
        return nw.barabasi_albert(n, cfg.m, seed=seed)
    if cfg.kind == "watts_strogatz":
        if cfg.k >= n:
            raise ScenarioError(f"network.k: must be below population.size = {n}, found {cfg.k}")
        return nw.watts_strogatz(n, cfg.k, cfg.rewire, seed=seed)
    if cfg.kind == "stochastic_block":
        return nw.stochastic_block(_block_sizes(cfg.blocks, n), cfg.p_in, cfg.p_out, seed=seed)
    degrees = cfg.degrees
    if degrees is None:
        degrees = nw.powerlaw_degrees(n, cfg.exponent, cfg.min_degree, seed=seed)
    elif len(degrees) != n:
        raise ScenarioError(
            f"network.degrees: {len(degrees)} degrees given for population.size = {n}"
        )
    return nw.configuration(np.asarray(degrees, dtype=np.int64), seed=seed)


def _block_sizes(blocks: int | list[int], n: int) -> list[int]:
    if isinstance(blocks, list):
        if sum(blocks) != n:
            raise ScenarioError(
                f"network.blocks: sizes add up to {sum(blocks)}, not population.size = {n}"
            )
        return blocks
    if blocks > n:
        raise ScenarioError(f"network.blocks: {blocks} blocks for only {n} consumers")
    base, extra = divmod(n, blocks)
    return [base + (b < extra) for b in range(blocks)]


def check_compatible(scenario: Scenario, network: Network) -> None:
    """Refuse combinations the diffusion presets cannot simulate meaningfully."""
    model = scenario.diffusion.model
    if model != "bass" and network.mixed:
        raise ScenarioError(
            f"diffusion.model: {model} spreads along edges; network.kind 'mixed' has none"
        )
    if model == "commerce" and scenario.run.dt != 1.0:
        raise ScenarioError("run.dt: the commerce model steps in whole weeks; set run.dt = 1")
    if model == "commerce" and scenario.influencers.count > network.n:
        raise ScenarioError(
            f"influencers.count: {scenario.influencers.count} influencers asked for but the "
            f"network has {network.n} consumers")
    if model != "commerce" and network.n_edges and float(network.weights.min()) < 0:
        raise ScenarioError(
            f"network: negative (distrust) edge weights are not meaningful for the "
            f"{model} preset"
        )
