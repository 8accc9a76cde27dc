"""The memory a run needs, estimated before anything is allocated, against what is free.

:func:`sim.run` (and so ``wom run``, ``wom compare``, ``wom validate``, every point of
``wom sweep`` and ``wom robustness``) calls :func:`check_memory` before it builds the
network and again, for an edge list, once the file is read: a run that cannot fit ends
with one message saying how much it needs, how much is available and which keys to
lower, instead of a ``MemoryError`` (or the kernel's out-of-memory killer) minutes in.

The estimate is rough but honest: per consumer and per tie it counts the bytes measured
on CPython 3.11 / numpy 2 (tests/test_memory.py checks it against the peak resident
memory of real runs within a factor of 2). Its parts are the peak while the network is
built (edge arrays being sorted into CSR), the consumer state of one batch of
replications (the fast engine's arrays, or the reference engine's Mesa agents with
their lists of ties), the results table and, for CELF seeding, the live-edge worlds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import psutil

from .errors import WomError
from .network.resample import resamples

if TYPE_CHECKING:
    from .network import Network
    from .scenario import Scenario

#: A batch of the fast engine holds arrays of shape (replications, consumers); above this
#: many cells the replications are split into several batches. The linear threshold and
#: the commerce model keep more per cell (:data:`FAST_CELL_BYTES`), so they get
#: ``1 / CELL_SHARE`` as many.
BATCH_CELLS = 20_000_000
CELL_SHARE = {"commerce": 10, "linear_threshold": 2}

#: Bytes per (replication, consumer) of the fast engine: the presets' int32 adoption step
#: (network Bass; the cascade and threshold keep a uint32 order of adopters and one bit
#: per consumer, and build the int32 steps for the table), the threshold's float64 heard
#: in-weight besides; the commerce model's state (81 B), traits (57 B) and, in a batch
#: where speakers push (:func:`sim.fast.speakers_push`), what each consumer heard (32 B).
FAST_CELL_BYTES = {"preset": 8, "linear_threshold": 16, "commerce": 172}
#: Bytes per consumer of the reference engine (one Mesa agent with its attributes).
REFERENCE_CONSUMER_BYTES = {"preset": 600, "commerce": 3_000}
#: Bytes per tie of the reference engine (its source and weight in two Python lists).
REFERENCE_TIE_BYTES = 90
#: Peak bytes per stored (directed) tie while a network is built: the generator's uint32
#: edge ends, their assembly into CSR and the weak ties, the CSR's own 8-10 included.
#: Measured at 2 x 10^5 consumers, mean degree 10, random / overlap weak ties:
#: Barabasi-Albert 13.1 / 14.7, clustered 15.1 / 17.3, Erdos-Renyi 14.3 / 15.8,
#: Watts-Strogatz 14.3 / 16.3, stochastic block 13.0 / 14.7, configuration 17.2 / 19.2;
#: kinds not listed (an edge list, the complete graph) take "other".
BUILD_TIE_BYTES = {"barabasi_albert": 15, "clustered": 18, "erdos_renyi": 16,
                   "watts_strogatz": 17, "stochastic_block": 15, "configuration": 20,
                   "other": 36}
#: Bytes per stored tie and per consumer the built network keeps (uint32 source and
#: float32 weight; int64 row pointer).
CSR_TIE_BYTES, CSR_CONSUMER_BYTES = 8, 8
#: Bytes per consumer of a network while it is built (CSR row pointers, degrees,
#: labels); a mixed population stores only its row pointers.
NETWORK_CONSUMER_BYTES = {"mixed": 8, "other": 40}
#: Bytes per step of one model's data collector, and per row of the results table.
STEP_BYTES = {"preset": 600, "commerce": 10_000}
ROW_BYTES = {"preset": 120, "commerce": 1_500}
#: CELF's bytes per tie to prepare its worlds, and per live tie of one world.
CELF_TIE_BYTES, CELF_LIVE_BYTES = 40, 16

#: Degrees summed exactly by :func:`_mean_powerlaw_degree` (the tail is integrated).
POWERLAW_EXACT = 10_000

#: The network keys that set how many ties a generated network has.
DENSITY_KEYS = {"barabasi_albert": "network.m", "clustered": "network.m",
                "watts_strogatz": "network.k", "stochastic_block": "network.p_in",
                "configuration": "network.min_degree", "complete": "population.size",
                "mixed": "population.size", "file": "network.path"}


@dataclass(frozen=True)
class Estimate:
    """The memory a run needs, by part, in bytes.

    Attributes
    ----------
    consumers, ties
        The population and the stored (directed) ties of its network.
    network
        Peak while the network is built (0 when it is already built).
    kept
        What the built network keeps (its CSR arrays; 0 when it is already built).
    state
        The consumers' state of one batch of replications (one model).
    results
        The results table of every replication and step.
    seeding
        CELF's live-edge worlds (0 for other strategies).
    resampled
        Whether each batch builds its own network (while earlier results are kept).
    """

    consumers: int
    ties: int
    network: int
    kept: int
    state: int
    results: int
    seeding: int
    resampled: bool

    @property
    def total(self) -> int:
        """The peak: building a shared network comes before the state is allocated;
        a resampled network is built while the previous batch (its network and state)
        and the results live."""
        rest = self.kept + self.state + self.results + self.seeding
        if self.resampled:
            return self.network + rest
        return max(self.network, rest)


def _mean_powerlaw_degree(exponent: float, low: int, high: int) -> float:
    """Mean of the discrete power law ``k^-exponent`` on ``low..high``: exact over the
    first :data:`POWERLAW_EXACT` degrees, the continuous law beyond."""
    top = min(high, low + POWERLAW_EXACT)
    k = np.arange(low, top + 1, dtype=np.float64)
    mass = k**-exponent
    count, total = float(mass.sum()), float((k * mass).sum())
    if high > top:
        a, b = top + 0.5, high + 0.5
        count += (a ** (1 - exponent) - b ** (1 - exponent)) / (exponent - 1)
        total += (math.log(b / a) if math.isclose(exponent, 2.0)
                  else (b ** (2 - exponent) - a ** (2 - exponent)) / (2 - exponent))
    return total / count


def expected_ties(scenario: Scenario) -> float | None:
    """Expected stored (directed) ties of the scenario's generated network.

    Every undirected tie is stored twice (once per listener). None for an edge list,
    whose ties are known only once the file is read.
    """
    cfg = scenario.network
    n = scenario.population.size
    if cfg.kind == "file" or n is None:
        return None
    if cfg.kind == "mixed":
        return 0.0
    if cfg.kind == "complete":
        return float(n) * (n - 1)
    if cfg.kind == "erdos_renyi":
        p = (cfg.edge_probability if cfg.edge_probability is not None
             else min(1.0, cfg.mean_degree / max(n - 1, 1)))
        return p * n * (n - 1)
    if cfg.kind in ("barabasi_albert", "clustered"):
        return 2.0 * min(cfg.m, n) * n
    if cfg.kind == "watts_strogatz":
        return float(min(cfg.k, n)) * n
    if cfg.kind == "stochastic_block":
        sizes = ([float(s) for s in cfg.blocks] if isinstance(cfg.blocks, list)
                 else [n / cfg.blocks] * cfg.blocks)
        inside = sum(s * s for s in sizes)
        return cfg.p_in * (inside - sum(sizes)) + cfg.p_out * (float(n) * n - inside)
    if cfg.degrees is not None:
        return float(sum(cfg.degrees))
    return n * _mean_powerlaw_degree(cfg.exponent, cfg.min_degree, max(n - 1, cfg.min_degree))


def batch_size(scenario: Scenario, engine: str, consumers: int) -> int:
    """Replications one model simulates: one for the reference engine and for resampled
    networks, else as many as :data:`BATCH_CELLS` allows."""
    if engine != "fast" or resamples(scenario):
        return 1
    cells = BATCH_CELLS // CELL_SHARE.get(scenario.diffusion.model, 1)
    return max(1, min(scenario.run.replications, cells // max(consumers, 1)))


def _celf(scenario: Scenario, n: float, ties: float) -> float:
    s, inf = scenario.seeding, scenario.influencers
    if s.strategy != "celf" and not (inf.count > 0 and inf.strategy == "celf"):
        return 0.0
    live = min(1.0, s.celf_probability) * ties
    return CELF_TIE_BYTES * ties + s.celf_worlds * (n / 8 + CELF_LIVE_BYTES * live)


def estimate(scenario: Scenario, engine: str = "fast", network: Network | None = None
             ) -> Estimate | None:
    """The memory :func:`sim.run` needs for ``scenario``.

    Parameters
    ----------
    scenario
        The scenario, with its ``run`` settings (steps, replications) applied.
    engine
        ``"fast"`` or ``"reference"``.
    network
        The network, if it is already built (its memory is then in use, not needed).

    Returns
    -------
    Estimate or None
        None for an edge list not yet read (its size is unknown).
    """
    if network is not None:
        n, ties, building, kept = float(network.n), float(network.n_edges), 0.0, 0.0
    else:
        expected = expected_ties(scenario)
        if expected is None:
            return None
        n = float(scenario.population.size)
        ties = expected
        per_consumer = NETWORK_CONSUMER_BYTES["mixed" if scenario.network.kind == "mixed"
                                              else "other"]
        per_tie = BUILD_TIE_BYTES.get(scenario.network.kind, BUILD_TIE_BYTES["other"])
        building = per_tie * ties + per_consumer * n
        kept = CSR_TIE_BYTES * ties + CSR_CONSUMER_BYTES * n
    diffusion = scenario.diffusion.model
    model = "commerce" if diffusion == "commerce" else "preset"
    if engine == "fast":
        cell = FAST_CELL_BYTES.get(diffusion, FAST_CELL_BYTES["preset"])
        state = batch_size(scenario, engine, int(min(n, 2**62))) * n * cell
    else:
        state = n * REFERENCE_CONSUMER_BYTES[model] + ties * REFERENCE_TIE_BYTES
    plan = scenario.run
    results = (plan.steps * STEP_BYTES[model]
               + plan.replications * (plan.steps + 1.0) * ROW_BYTES[model])
    return Estimate(consumers=int(n), ties=int(ties), network=_int(building), kept=_int(kept),
                    state=_int(state), results=_int(results),
                    seeding=_int(_celf(scenario, n, ties)), resampled=resamples(scenario))


def _int(value: float) -> int:
    return int(min(value, 2.0**80))


def available_memory() -> int:
    """Bytes this process can still allocate: the system's available memory, or less
    under a control-group (container) limit."""
    free = psutil.virtual_memory().available
    group = Path("/sys/fs/cgroup")
    try:
        limit = (group / "memory.max").read_text().strip()
        used = int((group / "memory.current").read_text())
    except (OSError, ValueError):
        return free
    return free if limit == "max" else min(free, max(int(limit) - used, 0))


def size_text(value: float) -> str:
    """Bytes in words: ``"1.5 GB"``, ``"220 TB"`` (powers of 1000)."""
    for unit in ("B", "KB", "MB", "GB", "TB", "PB", "EB"):
        if value < 1000 or unit == "EB":
            return f"{value:.3g} {unit}" if unit != "B" else f"{value:.0f} B"
        value /= 1000
    raise AssertionError("unreachable")


def _culprit(scenario: Scenario, need: Estimate, engine: str) -> tuple[str, str]:
    """The key to name first and what to lower, from the largest part of ``need``."""
    cfg = scenario.network
    size = "network.path" if cfg.kind == "file" else "population.size"
    if need.results >= max(need.network, need.state, need.seeding):
        plan = scenario.run
        key = "run.steps" if plan.steps >= plan.replications else "run.replications"
        return key, "run.steps (--steps) or run.replications (--replications)"
    if need.seeding >= max(need.network, need.state):
        return "seeding.celf_worlds", "seeding.celf_worlds or the population"
    if need.network >= need.state:
        density = DENSITY_KEYS.get(cfg.kind, "network.mean_degree" if cfg.mean_degree
                                   else "network.edge_probability")
        return size, size if density == size else f"{size} or {density}"
    faster = " or use the fast engine (--engine fast)" if engine == "reference" else ""
    return size, f"{size}{faster}"


def check_memory(scenario: Scenario, engine: str = "fast", network: Network | None = None
                 ) -> Estimate | None:
    """Refuse a run that cannot fit in the memory available now; return its
    :func:`estimate` (None for an edge list not yet read).

    Parameters
    ----------
    scenario, engine, network
        As :func:`estimate`. An edge list not yet read is not checked (call again with
        its network).

    Raises
    ------
    WomError
        Naming the key to lower (``population.size``, a network key, ``network.path``,
        ``run.steps``...), how much the run needs by part and how much is available.
    """
    need = estimate(scenario, engine, network)
    if need is None:
        return None
    free = available_memory()
    if need.total <= free:
        return need
    key, lower = _culprit(scenario, need, engine)
    what = (f"the network of {scenario.network.path} ({need.consumers:,} consumers)"
            if scenario.network.kind == "file" else f"{need.consumers:,} consumers")
    ties = f" for about {need.ties:,} ties" if need.ties else ""
    parts = [f"network {size_text(need.network)}{ties}" if network is None else "",
             f"consumer state {size_text(need.state)} ({engine} engine)",
             f"results {size_text(need.results)}",
             f"CELF worlds {size_text(need.seeding)}" if need.seeding else ""]
    raise WomError(f"{key}: a run on {what} needs about {size_text(need.total)} of memory "
                   f"({', '.join(p for p in parts if p)}) but {size_text(free)} is "
                   f"available; lower {lower}")


def workers_that_fit(needs: list[int], workers: int, free: int | None = None) -> int:
    """How many of ``workers`` parallel workers fit in memory at once: the largest count
    ``w`` (at least 1) whose ``w`` largest ``needs`` (bytes per point, from
    :func:`estimate`) add up to no more than ``free`` (default: :func:`available_memory`)."""
    free = available_memory() if free is None else free
    largest = sorted(needs, reverse=True)
    fit = 1
    while fit < min(workers, len(largest)) and sum(largest[:fit + 1]) <= free:
        fit += 1
    return fit
