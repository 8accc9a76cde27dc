"""The fast engine: a Mesa model whose consumers live in numpy arrays.

:class:`WomModel` simulates a batch of replications of one scenario at once: the
state has shape (replications, consumers) and each step is a few numba kernels over
the CSR network (:mod:`sim.presets.kernel`, :mod:`sim.commerce.kernel`), so many
replications of a small scenario pay Mesa's set-up cost once. Its twin, with one
``mesa.Agent`` per consumer and no numba, is :class:`sim.reference.ReferenceModel`;
for the same scenario and seed both produce identical tables.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from .commerce import kernel
from .commerce.brand import Brand, Influencer, present_values
from .commerce.events import EventLog, check_events
from .commerce.params import params_of
from .commerce.state import columns_of
from .commerce.traits import set_up
from .errors import WomError
from .network import Network, check_compatible
from .network.resample import replication_network, resamples
from .presets.kernel import bass_mixed_step, cascade_step, fraction_step, in_weight_sums
from .results import results_frame
from .rng import Purpose, stream_key, uniform_keys
from .scenario import Scenario
from .seeding import choose_seeds


# Model-level reporters of the presets: named functions (picklable), each returning one
# value per replication read straight from the state arrays.
def report_adopted(model: WomModel) -> np.ndarray:
    """Consumers who have adopted at least once (cumulative; seeds included)."""
    return np.count_nonzero(model.adopted_step >= 0, axis=1)


def report_new_adopters(model: WomModel) -> np.ndarray:
    """Consumers who adopted at this step (the seeds at step 0)."""
    return np.count_nonzero(model.adopted_step == model.time_step, axis=1)


def report_week(model: WomModel) -> tuple[np.ndarray, np.ndarray]:
    """The commerce model's record of this week (:meth:`WomModel._record_commerce`): one
    int64 and one float64 array per replication; :meth:`WomModel.table` turns the
    records of every week into the output columns at once."""
    return model.week


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
        A prebuilt network shared by the batch (default: the scenario's network; with
        ``network.resample`` the network of ``first_replication``, see
        :mod:`sim.network.resample`, so the batch must then hold one replication).
    events
        Keep the event log of the commerce model (:meth:`events_table`); when off the
        kernels compute nothing of it.

    Raises
    ------
    WomError
        If the scenario resamples its network, no network is given and the batch holds
        more than one replication; if ``events`` is asked of a classic preset.

    Notes
    -----
    Each step costs O(replications x directed edges) for network presets and the
    commerce model, and O(replications x consumers) for the fully mixed Bass model.
    See :class:`sim.reference.ReferenceModel` (same signature, one replication) for the
    readable specification of a step.

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
        events: bool = False,
    ) -> None:
        seed = scenario.run.seed if seed is None else seed
        if events:
            check_events(scenario)
        super().__init__(rng=seed)
        self.event_log = EventLog() if events else None
        self.config = scenario
        self.seed = seed
        reps = scenario.run.replications if replications is None else replications
        if network is None and reps > 1 and resamples(scenario):
            raise WomError("network.resample: each replication has its own network but a "
                           "WomModel batch shares one; simulate one replication per model "
                           "(as sim.run does) or pass the network")
        self.network = (replication_network(scenario, first_replication) if network is None
                        else network)
        check_compatible(scenario, self.network)
        self.replications = np.arange(first_replication, first_replication + reps)
        self.streams = np.array([stream_key(seed, int(r)) for r in self.replications],
                                dtype=np.uint64)
        self.graph = (self.network.indptr, self.network.indices, self.network.weights)
        self.time_step = 0
        if scenario.diffusion.model == "commerce":
            self._init_commerce()
            reporters = {"week": report_week}
        else:
            self._init_preset()
            reporters = REPORTERS
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    def _init_preset(self) -> None:
        """Seeds, thresholds and in-weights of the classic presets."""
        n = self.network.n
        self.adopted_step = np.full((len(self.streams), n), -1, dtype=np.int32)
        for row, stream in enumerate(self.streams):
            self.adopted_step[row, choose_seeds(self.network, self.config.seeding,
                                                int(stream))] = 0
        self.thresholds = self._thresholds()
        self._wsum = in_weight_sums(self.network.indptr, self.network.weights)

    def _init_commerce(self) -> None:
        """State arrays of the commerce model, its traits, seeds, brand and influencers."""
        sc = self.config
        net = self.network
        self.params = params_of(sc)
        self.present_values = present_values(sc)
        start = set_up(sc, net, [int(s) for s in self.streams])
        self.traits, self.state = start.traits, start.state
        self.influencers = [Influencer(self, node, int(self.replications[row]))
                            for row, nodes in enumerate(start.influencers)
                            for node in nodes.tolist()]
        self.brand = Brand(self, len(self.streams), net.n, start.audience)
        shape = self.state.stage.shape if self.event_log is not None else (0, 0)
        self.log = (self.event_log is not None, *EventLog.slots(shape))
        if self.event_log is not None:
            self.event_log.start(self.replications, self.state)
        self._record_commerce()

    def _record_commerce(self) -> None:
        """Weekly totals; pay the week; keep its record in ``self.week``: int64 (reps,
        len(TOTALS) + 4) of the totals, the cost, the money spent, the review count and
        rating sum, and float64 (reps, len(FLOAT_TOTALS) + 1) of the float totals and
        the top-1% spend ratio (the arguments of :func:`columns_of`, in order)."""
        reps = len(self.streams)
        plan = self.brand.plan
        totals, floats, top1 = kernel.totals(self.time_step, self.params, self.state,
                                             self.traits,
                                             plan.promotions if plan else np.zeros(reps, bool))
        cost = self.brand.settle(totals) if self.time_step > 0 else np.zeros(reps, np.int64)
        b = self.brand
        self.week = (np.column_stack((totals, cost, b.spent, b.review_count, b.rating_sum)),
                     np.column_stack((floats, top1)))

    def _commerce_columns(self) -> dict[str, np.ndarray]:
        """The output columns of every week recorded, arrays of shape (steps + 1, reps),
        from one call of :func:`columns_of` over the weeks' records."""
        weeks = self.datacollector.get_model_vars_dataframe()["week"].to_list()
        ints = np.stack([w[0] for w in weeks])
        floats = np.stack([w[1] for w in weeks])
        steps, reps, k = ints.shape
        ints, floats = ints.reshape(steps * reps, k), floats.reshape(steps * reps, -1)
        t = k - 4
        columns = columns_of(ints[:, :t], floats[:, :-1], *ints[:, t:].T, floats[:, -1],
                             self.network.n)
        return {name: values.reshape(steps, reps) for name, values in columns.items()}

    def _step_commerce(self) -> None:
        """One week: the brand's plan, then the talk and act kernels, then the totals."""
        t = self.time_step
        plan = self.brand.plan_week(t)
        signals = self.brand.signals()
        kernel.talk(t, self.streams, self.params, self.state, plan.promotions)
        kernel.act(t, self.streams, self.params, self.graph, self.traits, self.state, plan,
                   signals, self.present_values, self.log)
        if self.event_log is not None:
            self.event_log.add(t, self.replications, *self.log[1:])
            self.log[1].fill(0)
        self._record_commerce()

    def _thresholds(self) -> np.ndarray:
        """Linear-threshold thresholds: fixed (Watts) or 1 - U per consumer (KKT)."""
        diffusion = self.config.diffusion
        shape = self.adopted_step.shape
        if diffusion.model != "linear_threshold":
            return np.zeros((0, 0))
        if diffusion.threshold is not None:
            return np.full(shape, diffusion.threshold)
        return 1.0 - uniform_keys(
            self.streams, 0, np.arange(shape[1], dtype=np.int64), int(Purpose.THRESHOLD)
        )

    def step(self) -> None:
        """Advance every replication by one step and record it."""
        self.time_step += 1
        d = self.config.diffusion
        dt = self.config.run.dt
        net = self.network
        purpose = int(Purpose.ADOPT)
        t = self.time_step
        if d.model == "commerce":
            self._step_commerce()
        elif d.model == "bass" and net.mixed:
            before = np.count_nonzero(self.adopted_step >= 0, axis=1).astype(np.float64)
            bass_mixed_step(self.adopted_step, self.streams, t, purpose, d.p, d.q, dt, before)
        elif d.model == "independent_cascade":
            cascade_step(self.adopted_step, self.streams, t, purpose, self.graph, d.p)
        else:
            fraction_step(self.adopted_step, self.streams, t, purpose, self.graph, self._wsum,
                          (d.p, d.q, dt), self.thresholds, d.model == "linear_threshold")
        self.datacollector.collect(self)

    def events_table(self) -> pd.DataFrame:
        """The event log of the batch (``events=True``), the same as the reference
        engine's: see :meth:`sim.commerce.events.EventLog.frame`."""
        return self.event_log.frame()

    def table(self) -> pd.DataFrame:
        """Tidy results: one row per (replication, step), step 0 the starting state."""
        if self.config.diffusion.model == "commerce":
            columns = self._commerce_columns()
        else:
            data = self.datacollector.get_model_vars_dataframe()
            columns = {name: np.stack(data[name].to_list()) for name in data.columns}
        return results_frame(self.replications, columns, self.network.n,
                             self.config.run.dt, self.seed)
