"""Seeding strategies: who has adopted at step 0.

Both engines call :func:`choose_seeds`, so seeds are part of the market being
simulated, not of the engine. Random choices are drawn from the counter-based
generator (:mod:`sim.rng`) with the replication's stream, so they are reproducible and
independent of everything else that is drawn.
"""

from __future__ import annotations

import numpy as np

from .errors import ScenarioError
from .network import Network
from .rng import Purpose, uniform_array
from .scenario import SeedingConfig


def choose_seeds(network: Network, seeding: SeedingConfig, stream: int) -> np.ndarray:
    """Sorted int64 indices of the seed consumers of one replication.

    ``random`` takes the ``count`` consumers with the smallest seeding draws (a uniform
    random subset, new for every replication); ``degree`` the ``count`` largest
    out-degrees (how many consumers each can influence), ties to the lower index;
    ``nodes`` the listed ids, read as the file's node ids when the network was loaded.
    """
    n = network.n
    if seeding.strategy == "nodes":
        return _node_indices(network, seeding.nodes)
    if seeding.count > n:
        raise ScenarioError(
            f"seeding.count: {seeding.count} seeds asked for but the network has {n} consumers"
        )
    if seeding.strategy == "random":
        u = uniform_array(stream, 0, n, Purpose.SEEDING)
        order = np.argsort(u, kind="stable")
    else:
        order = np.lexsort((np.arange(n), -network.out_degree))
    return np.sort(order[: seeding.count]).astype(np.int64)


def _node_indices(network: Network, nodes: list[int]) -> np.ndarray:
    wanted = np.unique(np.asarray(nodes, dtype=np.int64))
    if network.labels is None:
        bad = wanted[(wanted < 0) | (wanted >= network.n)]
        if bad.size:
            raise ScenarioError(
                f"seeding.nodes: node {bad[0]} is not in the network (ids 0..{network.n - 1})"
            )
        return wanted
    position = {label: i for i, label in enumerate(network.labels.tolist())}
    out = []
    for node in wanted.tolist():
        index = position.get(node, position.get(str(node)))
        if index is None:
            raise ScenarioError(f"seeding.nodes: node {node} is not in the network file")
        out.append(index)
    return np.sort(np.asarray(out, dtype=np.int64))
