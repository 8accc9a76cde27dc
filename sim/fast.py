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
import numba
import numpy as np
import pandas as pd

from . import jit
from .commerce import kernel
from .commerce.brand import Brand, Influencer, present_values
from .commerce.events import EventLog, check_events
from .commerce.params import params_of
from .commerce.state import columns_of, hearing
from .commerce.traits import set_up
from .errors import WomError
from .network import Network, check_compatible, speaker_rows
from .network.resample import replication_network, resamples
from .presets.kernel import (
    bass_mixed_step,
    bass_network_step,
    cascade_step,
    in_weight_sums,
    threshold_step,
)
from .results import results_frame
from .rng import Purpose, stream_key
from .scenario import Scenario
from .seeding import choose_seeds
from .seeding.choose import STREAM_FREE


# Model-level reporters of the presets: named functions (picklable), each returning one
# value per replication, counted as the step ran.
def report_adopted(model: WomModel) -> np.ndarray:
    """Consumers who have adopted at least once (cumulative; seeds included)."""
    return model.adopted


def report_new_adopters(model: WomModel) -> np.ndarray:
    """Consumers who adopted at this step (the seeds at step 0)."""
    return model.new_adopters


def report_week(model: WomModel) -> tuple[np.ndarray, np.ndarray]:
    """The commerce model's record of this week (:meth:`WomModel._record_commerce`): one
    int64 and one float64 array per replication; :meth:`WomModel.table` turns the
    records of every week into the output columns at once."""
    return model.week


REPORTERS = {"adopted": report_adopted, "new_adopters": report_new_adopters}
# The presets whose kernels work on the frontier of last step's adopters.
FRONTIER = ("independent_cascade", "linear_threshold")
# A frontier step of fewer consumers (over the whole batch) runs on one thread: starting
# and joining threads would cost more than its work.
PARALLEL_FRONTIER = 1_000


def speakers_push(replications: int) -> bool:
    """Whether a commerce batch of ``replications`` lets speakers push what listeners hear
    (:func:`sim.commerce.kernel.listen`, parallel over replications): when every numba
    thread has a replication of its own. Otherwise each listener pulls from its row in
    :func:`~sim.commerce.kernel.act`, parallel over consumers. The numbers are the same."""
    return replications >= max(2, numba.get_num_threads())


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
    Each step costs O(replications x directed edges) for the network Bass preset and
    the commerce model, and O(replications x consumers) for the fully mixed Bass model.
    The independent cascade and the linear threshold cost, over a whole run, in
    proportion to the ties of the consumers who adopt (:mod:`sim.presets.kernel`); once
    no replication of the batch moves, their steps only record the final state again.
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
        """Seeds, adoption counts and the kernels' working arrays of the classic presets."""
        net = self.network
        reps = len(self.streams)
        seeding = self.config.seeding
        if seeding.strategy in STREAM_FREE:  # the same for every replication: choose once
            seeds = [np.unique(choose_seeds(net, seeding, int(self.streams[0])))] * reps
        else:
            seeds = [np.unique(choose_seeds(net, seeding, int(stream)))
                     for stream in self.streams]
        self.adopted = np.array([len(nodes) for nodes in seeds], dtype=np.int64)
        self.new_adopters = self.adopted
        self._wsum = in_weight_sums(net.indptr, net.weights)
        model = self.config.diffusion.model
        if model not in FRONTIER:
            self._steps = np.full((reps, net.n), -1, dtype=np.int32)
            for row, nodes in enumerate(seeds):
                self._steps[row, nodes] = 0
            return
        self.order = np.empty((reps, net.n), dtype=np.uint32)
        self.bounds = np.zeros((reps, 2), dtype=np.int64)
        bits = (reps, (net.n + 7) // 8)
        self._seen = np.zeros(bits, dtype=np.uint8)
        for row, nodes in enumerate(seeds):
            self.order[row, :len(nodes)] = nodes
            np.bitwise_or.at(self._seen[row], nodes >> 3,
                             np.left_shift(1, nodes & 7).astype(np.uint8))
        self.bounds[:, 1] = self.adopted
        self._filled = [self.adopted]
        self.speakers = speaker_rows(net)
        self._unit = not net.weighted
        if model == "linear_threshold":
            self._heard = np.zeros((reps, net.n))
            self._touched = np.zeros(bits, dtype=np.uint8)

    @property
    def adopted_step(self) -> np.ndarray:
        """int32 array (replications, consumers): the step at which each consumer adopted
        (0 for seeds), -1 if it has not.

        The cascade and threshold presets keep only the order of adopters and how many
        there were after each step; this array is built from them when asked for.
        """
        if self.config.diffusion.model not in FRONTIER:
            return self._steps
        steps = np.full((len(self.streams), self.network.n), -1, dtype=np.int32)
        filled = np.stack(self._filled)  # (steps so far + 1, replications)
        for row in range(len(self.streams)):
            counts = np.diff(filled[:, row], prepend=0)
            steps[row, self.order[row, :filled[-1, row]]] = np.repeat(
                np.arange(len(counts), dtype=np.int32), counts)
        return steps

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
        reps = len(self.streams)
        push = speakers_push(reps)
        self.hearing = hearing(self.graph, (reps, net.n if push else 0))
        self._speakers = speaker_rows(net) if push else None
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
        """One week: the brand's plan, then the talk, listen (when speakers push) and act
        kernels, then the totals."""
        t = self.time_step
        plan = self.brand.plan_week(t)
        signals = self.brand.signals()
        kernel.talk(t, self.streams, self.params, self.state, plan.promotions)
        if self._speakers is not None:
            kernel.listen(self.params, self._speakers, self.traits, self.state, plan,
                          self.hearing)
        kernel.act(t, self.streams, self.params, self.hearing, self.traits, self.state, plan,
                   signals, self.present_values, self.log)
        if self.event_log is not None:
            self.event_log.add(t, self.replications, *self.log[1:])
            self.log[1].fill(0)
        self._record_commerce()

    def step(self) -> None:
        """Advance every replication by one step and record it."""
        self.time_step += 1
        if self.config.diffusion.model == "commerce":
            self._step_commerce()
        else:
            self._step_preset()
        self.datacollector.collect(self)

    def events_table(self) -> pd.DataFrame:
        """The event log of the batch (``events=True``), the same as the reference
        engine's: see :meth:`sim.commerce.events.EventLog.frame`."""
        return self.event_log.frame()

    def _step_preset(self) -> None:
        """One step of a classic preset, then the adoption counts."""
        d = self.config.diffusion
        t = self.time_step
        purpose = int(Purpose.ADOPT)
        if d.model in FRONTIER:
            front, filled = self.bounds[:, 0], self.bounds[:, 1]
            frontier = int((filled - front).sum())
            if frontier:
                with jit.serial_when(frontier < PARALLEL_FRONTIER):
                    if d.model == "independent_cascade":
                        cascade_step(self._seen, self.order, self.bounds, self.streams, t,
                                     self.speakers, d.p, self._unit)
                    else:
                        fixed = np.nan if d.threshold is None else d.threshold
                        threshold_step(self._seen, self._touched, self.order, self.bounds,
                                       self._heard, self.streams, self.graph, self.speakers,
                                       self._wsum, fixed)
            self.adopted = self.bounds[:, 1].copy()
            self.new_adopters = self.adopted - self._filled[-1]
            self._filled.append(self.adopted)
            return
        dt = self.config.run.dt
        if self.network.mixed:
            bass_mixed_step(self._steps, self.streams, t, purpose, d.p, d.q, dt,
                            self.adopted.astype(np.float64))
        else:
            bass_network_step(self._steps, self.streams, t, purpose, self.graph,
                              self._wsum, (d.p, d.q, dt))
        self.adopted = np.count_nonzero(self._steps >= 0, axis=1)
        self.new_adopters = np.count_nonzero(self._steps == t, axis=1)

    def table(self) -> pd.DataFrame:
        """Tidy results: one row per (replication, step), step 0 the starting state."""
        if self.config.diffusion.model == "commerce":
            columns = self._commerce_columns()
        else:
            data = self.datacollector.get_model_vars_dataframe()
            columns = {name: np.stack(data[name].to_list()) for name in data.columns}
        return results_frame(self.replications, columns, self.network.n,
                             self.config.run.dt, self.seed)
