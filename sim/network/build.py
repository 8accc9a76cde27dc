"""The market's network: built from a scenario, with its weak ties, and checked against
the scenario's diffusion process.

Building the network is the expensive, engine-independent part of a run; it is done
once per run and shared by every replication (replications differ in their random
streams, not in their network).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange

from ..errors import ScenarioError
from ..rng import Purpose, draw, prefix, stream_key, tie_key_jit
from .clustered import clustered
from .csr import MAX_WEIGHT, Network
from .generators import (
    barabasi_albert,
    complete,
    configuration,
    erdos_renyi,
    mixed,
    powerlaw_degrees,
    stochastic_block,
    watts_strogatz,
)
from .loaders import load_edgelist, negative_weight_line
from .ties import overlap_weak_ties

if TYPE_CHECKING:
    from ..scenario import Scenario


def build_network(scenario: Scenario) -> Network:
    """The network described by ``scenario.network``, with its weak ties.

    Random networks are seeded by ``network.seed``, else by ``run.seed``. Weights are
    first divided as ``network.weight_scale`` says (:func:`scale_weights`). A share
    ``network.weak_share`` of the ties is then made weak: drawn at random
    (``network.tie_strength = "random"``, :func:`tie_strengths`) or the ties of lowest
    neighbourhood overlap (``"overlap"``, :func:`sim.network.ties.overlap_weak_ties`).

    Parameters
    ----------
    scenario : Scenario
        The scenario; its ``network`` and ``population`` tables are read.

    Returns
    -------
    Network
        Shared, read-only, by every replication of the run.

    Raises
    ------
    ScenarioError
        If the network does not fit the population (a file with another number of
        consumers, ``m`` or ``k`` not below the population, block sizes that do not add
        up).
        Or if ``network.weight_scale`` cannot scale the weights (all 0 with
        ``max-abs``, or too large for float32 once divided).
    NetworkError
        If the generator or the edge-list loader refuses its arguments or file.
    """
    cfg = scenario.network
    net = scale_weights(_build_graph(scenario), cfg.weight_scale,
                        str(cfg.path) if cfg.kind == "file" else cfg.kind)
    if cfg.weak_share <= 0 or net.n_edges == 0:
        return net
    seed = cfg.seed if cfg.seed is not None else scenario.run.seed
    if cfg.tie_strength == "overlap":
        weak = overlap_weak_ties(net, cfg.weak_share, seed)
        weights = net.weights.copy()
        np.multiply(weights, np.float32(cfg.weak_weight), out=weights, where=weak)
        return dataclasses.replace(net, weights=weights)
    weights = tie_strengths(net, cfg.weak_share, cfg.weak_weight, seed)
    return dataclasses.replace(net, weights=weights)


def scale_weights(net: Network, scale: str | float, source: str) -> Network:
    """``net`` with every tie weight divided as ``network.weight_scale`` says.

    Parameters
    ----------
    net : Network
        The network as built or loaded.
    scale : {"none", "max-abs"} or float
        ``"none"`` keeps the weights; ``"max-abs"`` divides them by the largest
        ``|w|``, so they fall in [-1, 1]; a number > 0 divides them by it.
    source : str
        The file or generator the weights come from, for messages.

    Returns
    -------
    Network
        ``net`` itself when nothing changes, else a copy with float32 weights.

    Raises
    ------
    ScenarioError
        Naming ``network.weight_scale``: ``max-abs`` on weights that are all 0, or a
        divisor that takes a weight beyond float32.
    """
    if scale == "none" or net.n_edges == 0:
        return net
    weights = net.weights.astype(np.float64)
    top = float(np.abs(weights).max())
    if scale == "max-abs":
        if top == 0:
            raise ScenarioError(f"network.weight_scale: 'max-abs' needs a nonzero weight; "
                                f"every weight of {source} is 0")
        divisor = top
    else:
        divisor = float(scale)
    if top / divisor > MAX_WEIGHT:
        raise ScenarioError(f"network.weight_scale: {divisor:g} takes the largest weight of "
                            f"{source}, {top:g}, to {top / divisor:g}, beyond float32 "
                            f"(|w| <= {MAX_WEIGHT:.4g})")
    return dataclasses.replace(net, weights=(weights / divisor).astype(np.float32))


@njit(cache=True, parallel=True)
def _weakened(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, pre: np.uint64,
              weak_share: float, weak_weight: np.float32) -> np.ndarray:
    """``weights`` with each tie's multiplied by ``weak_weight`` when its draw, keyed by
    its ends (lower id first), is below ``weak_share``."""
    out = weights.copy()
    for v in prange(indptr.size - 1):
        for p in range(indptr[v], indptr[v + 1]):
            u = indices[p]
            key = tie_key_jit(min(u, v), max(u, v))
            if draw(pre, key) < weak_share:
                out[p] = weights[p] * weak_weight
    return out


def tie_strengths(net: Network, weak_share: float, weak_weight: float, seed: int
                  ) -> np.ndarray:
    """Mark a share of ties weak: their weight is multiplied by ``weak_weight``.

    Each tie is weak independently with probability ``weak_share``: acquaintances whose
    word counts for less than a friend's (Granovetter 1973). The draw of a tie is keyed
    by its unordered pair of ends (:func:`sim.rng.uniform`, purpose ``TIES``, node key
    :func:`sim.rng.tie_key` of the lower id then the higher), so both directions of an
    undirected tie get the same strength, whatever the order of the edges.

    Parameters
    ----------
    net : Network
        The network; its weights are not changed.
    weak_share : float
        Probability that a tie is weak, in [0, 1].
    weak_weight : float
        Weight multiplier of a weak tie.
    seed : int
        Seed of the network (``network.seed`` or ``run.seed``).

    Returns
    -------
    numpy.ndarray
        float32 weights aligned with ``net.indices``; ``net.weights`` itself when
        ``weak_share <= 0``.

    References
    ----------
    .. [1] Granovetter, M. S. (1973). The strength of weak ties. American Journal of
       Sociology 78, 1360-1380.
    """
    if weak_share <= 0:
        return net.weights
    pre = np.uint64(prefix(stream_key(seed, 0), 0, Purpose.TIES))
    return _weakened(net.indptr, net.indices, net.weights, pre, float(weak_share),
                     np.float32(weak_weight))


def _build_graph(scenario: Scenario) -> Network:
    cfg = scenario.network
    n = scenario.population.size
    seed = cfg.seed if cfg.seed is not None else scenario.run.seed
    if cfg.kind == "file":
        net = load_edgelist(
            cfg.path, directed=cfg.directed, reverse=cfg.reverse, fmt=cfg.format,
            source_column=cfg.source_column, target_column=cfg.target_column,
            weight_column=cfg.weight_column,
        )
        if n is not None and n != net.n:
            raise ScenarioError(
                f"population.size: {n} does not match the {net.n} consumers of {cfg.path} "
                "(leave it unset: the edge list fixes the population)")
        return net
    assert n is not None  # the schema requires it for generated networks
    if cfg.kind == "mixed":
        return mixed(n)
    if cfg.kind == "complete":
        return complete(n)
    if cfg.kind == "erdos_renyi":
        return erdos_renyi(n, p=cfg.edge_probability, mean_degree=cfg.mean_degree, seed=seed)
    if cfg.kind == "barabasi_albert":
        if cfg.m >= n:
            raise ScenarioError(f"network.m: must be below population.size = {n}, found {cfg.m}")
        return barabasi_albert(n, cfg.m, seed=seed)
    if cfg.kind == "watts_strogatz":
        if cfg.k >= n:
            raise ScenarioError(f"network.k: must be below population.size = {n}, found {cfg.k}")
        return watts_strogatz(n, cfg.k, cfg.rewire, seed=seed)
    if cfg.kind == "clustered":
        if cfg.m >= n:
            raise ScenarioError(f"network.m: must be below population.size = {n}, found {cfg.m}")
        return clustered(n, cfg.m, triad=cfg.triad, community_size=cfg.community_size,
                         mixing=cfg.mixing, seed=seed)
    if cfg.kind == "stochastic_block":
        return stochastic_block(_block_sizes(cfg.blocks, n), cfg.p_in, cfg.p_out, seed=seed)
    degrees = cfg.degrees
    if degrees is None:
        degrees = powerlaw_degrees(n, cfg.exponent, cfg.min_degree, seed=seed)
    elif len(degrees) != n:
        raise ScenarioError(
            f"network.degrees: {len(degrees)} degrees given for population.size = {n}"
        )
    return configuration(np.asarray(degrees, dtype=np.int64), seed=seed)


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
    """Refuse combinations the diffusion presets cannot simulate meaningfully.

    Parameters
    ----------
    scenario : Scenario
        The scenario to run.
    network : Network
        Its network, from :func:`build_network`.

    Raises
    ------
    ScenarioError
        If an edge-based process meets a fully mixed population, the commerce model is
        asked for fractional steps or more influencers than consumers, or a preset
        other than commerce meets negative (distrust) weights.
    """
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
        raise ScenarioError(f"{_negative_weight_where(scenario)}: negative (distrust) edge "
                            f"weight, not meaningful for the {model} preset (only "
                            "diffusion.model = 'commerce' reads distrust)")


def _negative_weight_where(scenario: Scenario) -> str:
    """Where a negative weight comes from: ``file: line 7`` for an edge list."""
    cfg = scenario.network
    if cfg.kind != "file" or cfg.path is None:
        return "network"
    line = negative_weight_line(cfg.path, fmt=cfg.format, weight_column=cfg.weight_column)
    return f"{cfg.path}" + ("" if line is None else f": line {line}")
