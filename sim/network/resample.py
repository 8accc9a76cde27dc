"""Network uncertainty: one network per replication (``network.resample``).

By default every replication of a run shares one network, seeded by ``network.seed``
(else ``run.seed``), so the spread between replications is the spread of the random
streams alone. With ``network.resample = true`` replication r draws its own network
from the seed

    ``mix(stream_key(base, r) ^ Purpose.NETWORK)``

where ``base`` is ``network.seed`` (else ``run.seed``) and :func:`sim.rng.mix` is one
SplitMix64 step: a pure function of (base, r), so replication r gets the same network
whatever the batching, the engine or the other scenarios of a comparison (common random
numbers pair networks as well as streams). The weak ties (:func:`tie_strengths
<sim.network.build.tie_strengths>`) are keyed by the same per-replication seed.

Only generated networks are resampled: a file is one fixed network, and the mixed and
complete kinds have no randomness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..rng import Purpose, mix, stream_key
from .build import build_network
from .csr import Network

if TYPE_CHECKING:
    from ..scenario import Scenario

#: Network kinds without a random draw: ``network.resample`` has no effect on them.
FIXED_KINDS = ("mixed", "complete", "file")


def resamples(scenario: Scenario) -> bool:
    """Whether each replication of ``scenario`` draws its own network."""
    return bool(scenario.network.resample) and scenario.network.kind not in FIXED_KINDS


def network_seed(scenario: Scenario, replication: int) -> int:
    """Seed of the network of ``replication``.

    ``network.seed`` (else ``run.seed``) for every replication, or, when the scenario
    :func:`resamples`, ``mix(stream_key(base, replication) ^ Purpose.NETWORK)``: a 64-bit
    integer that depends only on that base seed and the replication index.
    """
    cfg = scenario.network
    base = cfg.seed if cfg.seed is not None else scenario.run.seed
    if not resamples(scenario):
        return base
    return mix(stream_key(base, replication) ^ Purpose.NETWORK)


def replication_network(scenario: Scenario, replication: int) -> Network:
    """The network replication ``replication`` of ``scenario`` runs on.

    :func:`~sim.network.build.build_network` of the scenario, or, when it
    :func:`resamples`, of the scenario with ``network.seed`` set to
    :func:`network_seed` (so the generator and the weak ties both follow it).
    """
    if not resamples(scenario):
        return build_network(scenario)
    network = scenario.network.model_copy(
        update={"seed": network_seed(scenario, replication), "resample": False})
    return build_network(scenario.model_copy(update={"network": network}))


def networks_used(scenario: Scenario) -> str:
    """Which networks a run of ``scenario`` uses, as its output states it."""
    cfg = scenario.network
    if resamples(scenario):
        return "one per replication (resampled)"
    if cfg.kind in FIXED_KINDS:
        return f"one network ({cfg.path if cfg.kind == 'file' else cfg.kind})"
    return f"one network (seed {network_seed(scenario, 0)})"
