"""The fast engine: a Mesa model whose consumers live in numpy arrays.

:class:`WomModel` simulates a batch of replications of one scenario at once: the
state has shape (replications, consumers) and each step is one call of a numba
kernel over the CSR network (:mod:`sim.kernels`), so many replications of a small
scenario pay Mesa's set-up cost once. Its twin, with one ``mesa.Agent`` per consumer
and no numba, is :class:`sim.reference.ReferenceModel`; for the same scenario and seed
both produce identical tables.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from . import kernels
from .market import build_network, check_compatible
from .network import Network
from .rng import Purpose, stream_key
from .scenario import Scenario
from .strategies import choose_seeds


# Model-level reporters: named functions (picklable), each returning one value per
# replication read straight from the state arrays.
def report_adopted(model: WomModel) -> np.ndarray:
    """Consumers who have adopted at least once (cumulative; seeds included)."""
    return np.count_nonzero(model.adopted_step >= 0, axis=1)


def report_new_adopters(model: WomModel) -> np.ndarray:
    """Consumers who adopted at this step (the seeds at step 0)."""
    return np.count_nonzero(model.adopted_step == model.time_step, axis=1)


REPORTERS = {"adopted": report_adopted, "new_adopters": report_new_adopters}


class WomModel(mesa.Model):
    """Word-of-mouth diffusion of a batch of replications (fast engine).

    Parameters
    ----------
    scenario
        The validated scenario (see :func:`sim.load_scenario`).
    seed
        Run seed (default ``scenario.run.seed``); replication r draws from the
        counter-based stream (seed, r), see :mod:`sim.rng`.
    replications
        Number of replications simulated together (default ``scenario.run.replications``).
    first_replication
        Index of the first replication of the batch, so a run can be split in batches.
    network
        A prebuilt network (default: built from the scenario).

    Notes
    -----
    Each step costs O(replications x directed edges) for network presets and
    O(replications x consumers) for the fully mixed Bass model. See
    :class:`sim.reference.ReferenceModel` for the readable specification of a step.

    Examples
    --------
    >>> model = WomModel(load_scenario("scenarios/bass.toml"))  # doctest: +SKIP
    >>> for _ in range(10):
    ...     model.step()
    >>> model.table().tail()
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int | None = None,
        replications: int | None = None,
        first_replication: int = 0,
        network: Network | None = None,
    ) -> None:
        seed = scenario.run.seed if seed is None else seed
        super().__init__(rng=seed)
        self.scenario = scenario
        self.seed = seed
        self.network = build_network(scenario) if network is None else network
        check_compatible(scenario, self.network)
        reps = scenario.run.replications if replications is None else replications
        n = self.network.n
        self.replications = np.arange(first_replication, first_replication + reps)
        self.streams = np.array([stream_key(seed, int(r)) for r in self.replications],
                                dtype=np.uint64)
        self.time_step = 0
        self.adopted_step = np.full((reps, n), -1, dtype=np.int32)
        for row, stream in enumerate(self.streams):
            self.adopted_step[row, choose_seeds(self.network, scenario.seeding, int(stream))] = 0
        self.thresholds = self._thresholds()
        self._wsum = kernels.in_weight_sums(self.network.indptr, self.network.weights)
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)
        self.datacollector.collect(self)

    def _thresholds(self) -> np.ndarray:
        """Linear-threshold thresholds: fixed (Watts) or 1 - U per consumer (KKT)."""
        diffusion = self.scenario.diffusion
        shape = self.adopted_step.shape
        if diffusion.model != "linear_threshold":
            return np.zeros((0, 0))
        if diffusion.threshold is not None:
            return np.full(shape, diffusion.threshold)
        return 1.0 - kernels.uniform_keys(
            self.streams, 0, np.arange(shape[1], dtype=np.int64), int(Purpose.THRESHOLD)
        )

    def step(self) -> None:
        """Advance every replication by one step and record it."""
        self.time_step += 1
        d = self.scenario.diffusion
        dt = self.scenario.run.dt
        net = self.network
        purpose = int(Purpose.ADOPT)
        t = self.time_step
        if d.model == "bass" and net.mixed:
            before = np.count_nonzero(self.adopted_step >= 0, axis=1).astype(np.float64)
            kernels.bass_mixed_step(self.adopted_step, self.streams, t, purpose,
                                    d.p, d.q, dt, before)
        elif d.model == "independent_cascade":
            kernels.cascade_step(self.adopted_step, self.streams, t, purpose,
                                 net.indptr, net.indices, net.weights, d.p)
        else:
            kernels.fraction_step(self.adopted_step, self.streams, t, purpose,
                                  net.indptr, net.indices, net.weights, self._wsum,
                                  d.p, d.q, dt, self.thresholds,
                                  d.model == "linear_threshold")
        self.datacollector.collect(self)

    def table(self) -> pd.DataFrame:
        """Tidy results: one row per (replication, step), step 0 the starting state."""
        data = self.datacollector.get_model_vars_dataframe()
        columns = {name: np.stack(data[name].to_list()) for name in REPORTERS}
        return results_frame(self.replications, columns, self.network.n,
                             self.scenario.run.dt, self.seed)


def results_frame(
    replications: np.ndarray, columns: dict[str, np.ndarray], population: int,
    dt: float, seed: int,
) -> pd.DataFrame:
    """Assemble the tidy table from arrays of shape (steps + 1, replications).

    Shared by both engines so that their tables have the same columns and dtypes.
    """
    steps, reps = next(iter(columns.values())).shape
    step = np.tile(np.arange(steps, dtype=np.int64), reps)
    frame = pd.DataFrame({
        "replication": np.repeat(replications.astype(np.int64), steps),
        "step": step,
        "time": step * dt,
        "seed": np.full(steps * reps, seed, dtype=np.int64),
        "population": np.full(steps * reps, population, dtype=np.int64),
    })
    for name, values in columns.items():
        frame[name] = np.asarray(values, dtype=np.int64).T.reshape(-1)
    return frame
