"""Small helpers that run the presets for the checks on a given network."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..experiment import step_model
from ..fast import WomModel
from ..network import Network
from ..scenario import Scenario, scenario_from_dict


def preset(n: int, diffusion: dict[str, Any], seeding: dict[str, Any], *, steps: int,
           replications: int, seed: int, dt: float = 1.0,
           network: dict[str, Any] | None = None) -> Scenario:
    """A classic-preset scenario (the network section is a placeholder when one is given)."""
    return scenario_from_dict({
        "population": {"size": n},
        "network": network or {"kind": "erdos_renyi", "mean_degree": 1},
        "diffusion": diffusion, "seeding": seeding,
        "run": {"steps": steps, "dt": dt, "replications": replications, "seed": seed}},
        source="wom validate")


def adoption_steps(scenario: Scenario, network: Network | None = None) -> np.ndarray:
    """Run ``scenario`` (on ``network`` if given); the step each consumer adopted, -1 never.

    Shape (replications, consumers).
    """
    model = WomModel(scenario, network=network)
    step_model(model, scenario.run.steps)
    return model.adopted_step


def adopted_by(steps: np.ndarray, step: int | None = None) -> np.ndarray:
    """Adopters per replication by ``step`` (None: at the end)."""
    done = steps >= 0
    if step is not None:
        done &= steps <= step
    return done.sum(axis=1).astype(float)


def undirected_edges(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each tie of an undirected network once: ``(u, v, weight)`` with ``u < v``."""
    listener = np.repeat(np.arange(network.n, dtype=np.int64), np.diff(network.indptr))
    source = network.indices.astype(np.int64)
    keep = source < listener
    return source[keep], listener[keep], network.weights[keep].astype(float)
