"""The fast engine: a Mesa model whose consumers live in numpy arrays.

:class:`WomModel` simulates a batch of replications of one scenario at once: the
state has shape (replications, consumers) and each step is one call of a numba
kernel over the CSR network (:mod:`sim.kernels`), so many replications of a small
scenario pay Mesa's set-up cost once. Its twin, with one ``mesa.Agent`` per consumer
and no numba, is :class:`sim.reference.ReferenceModel`; for the same scenario and seed
both produce identical tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

import mesa
import numpy as np
import pandas as pd

from . import kernels, rules
from .agents import Brand, Influencer
from .commerce import (
    Channel,
    Stage,
    columns_of,
    draw_traits,
    params_of,
    present_values,
    top_share_ratio,
)
from .network import Network, build_network, check_compatible
from .rng import Purpose, mix, stream_key
from .scenario import Scenario
from .seeding import choose_seeds, influence_ranking


# Model-level reporters: named functions (picklable), each returning one value per
# replication read straight from the state arrays.
def report_adopted(model: WomModel) -> np.ndarray:
    """Consumers who have adopted at least once (cumulative; seeds included)."""
    return np.count_nonzero(model.adopted_step >= 0, axis=1)


def report_new_adopters(model: WomModel) -> np.ndarray:
    """Consumers who adopted at this step (the seeds at step 0)."""
    return np.count_nonzero(model.adopted_step == model.time_step, axis=1)


REPORTERS = {"adopted": report_adopted, "new_adopters": report_new_adopters}


def report_column(model: mesa.Model, name: str) -> np.ndarray:
    """One output column of the commerce model, per replication, for this week."""
    return model.latest[name]


def column_reporters(names: Iterable[str]) -> dict[str, partial]:
    """Model reporters of the commerce model's columns (partials pickle, lambdas don't)."""
    return {name: partial(report_column, name=name) for name in names}


def influencer_nodes(network: Network, scenario: Scenario, stream: int) -> np.ndarray:
    """The consumers a replication puts under contract (its own random stream)."""
    inf = scenario.influencers
    if inf.count == 0:
        return np.zeros(0, dtype=np.int64)
    own = mix(stream ^ int(Purpose.INFLUENCERS))
    s = scenario.seeding
    ranking = influence_ranking(network, inf.strategy, inf.count, own,
                                probability=s.celf_probability, worlds=s.celf_worlds,
                                candidates=s.celf_candidates)
    return np.sort(ranking)


def seed_satisfaction(scenario: Scenario, fit: float) -> float:
    """Satisfaction of a seed customer: the expected experience, without noise."""
    p = scenario.product
    return rules.experience(p.quality, p.fit_penalty, p.satisfaction_noise, fit, 0.5)


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
        self.config = scenario
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
        self.commerce = scenario.diffusion.model == "commerce"
        if self.commerce:
            self._init_commerce()
            reporters = column_reporters(self.latest)
        else:
            self.thresholds = self._thresholds()
            self._wsum = kernels.in_weight_sums(self.network.indptr, self.network.weights)
            reporters = REPORTERS
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    def _init_commerce(self) -> None:
        """State arrays of the commerce model, its traits, seeds, brand and influencers."""
        sc = self.config
        reps, n = self.adopted_step.shape
        shape = (reps, n)
        self.params = params_of(sc)
        self.present_values = present_values(sc)
        self.traits = draw_traits(sc, [int(s) for s in self.streams], n)
        self.stage = np.full(shape, Stage.UNAWARE, dtype=np.int8)
        self.brand_trust = self.traits.brand_trust.copy()
        self.fatigue = np.zeros(shape)
        self.satisfaction = np.zeros(shape)
        self.purchases = np.zeros(shape, dtype=np.int32)
        self.spend = np.zeros(shape, dtype=np.int64)
        self.clv = np.zeros(shape)
        self.channel = np.full(shape, Channel.NONE, dtype=np.int8)
        self.touch = np.full(shape, Channel.ORGANIC, dtype=np.int8)
        self.member = np.zeros(shape, dtype=np.int8)
        self.last_step = np.full(shape, -1, dtype=np.int32)
        self.first_cut = np.zeros(shape)
        self.influencer = np.zeros(shape, dtype=np.int8)
        self.signal = np.zeros(shape, dtype=np.int8)
        self.event = np.zeros(shape, dtype=np.int16)
        self.paid_discount = np.zeros(shape, dtype=np.int64)
        self.rating = np.zeros(shape, dtype=np.int8)
        seeds = self.adopted_step == 0
        self.stage[seeds] = Stage.CUSTOMER
        self.purchases[seeds] = 1
        self.channel[seeds] = Channel.SEED
        for row, col in zip(*np.nonzero(seeds), strict=True):
            self.satisfaction[row, col] = seed_satisfaction(sc, float(self.traits.fit[row, col]))
        self.influencers = []
        for row, stream in enumerate(self.streams):
            for node in influencer_nodes(self.network, sc, int(stream)).tolist():
                self.influencers.append(Influencer(self, node, int(self.replications[row])))
                self.influencer[row, node] = 1
        self.brand = Brand(self, reps, n)
        self._record_commerce()

    def _record_commerce(self) -> None:
        """Weekly totals; pay the week; store the output columns in ``self.latest``."""
        p = self.params
        reps = len(self.streams)
        totals, floats = kernels.commerce_totals(
            self.time_step, p, self.stage, self.satisfaction, self.purchases, self.spend,
            self.clv, self.channel, self.member, self.adopted_step, self.brand_trust,
            self.fatigue, self.signal, self.event,
            self.paid_discount, self.rating, self.traits.basket_cents, self.traits.cogs_cents,
            self.brand.plan.promotions if self.brand.plan else np.zeros(reps, bool))
        cost = self.brand.settle(totals) if self.time_step > 0 else np.zeros(reps, np.int64)
        top1 = np.array([top_share_ratio(row) for row in self.spend])
        b = self.brand
        self.latest = columns_of(self.config, totals, floats, cost, b.spent, b.review_count,
                                 b.rating_sum, top1, self.network.n)

    def _step_commerce(self) -> None:
        t = self.time_step
        sc = self.config
        net = self.network
        tr = self.traits
        plan = self.brand.plan_week(t)
        boost, content = self.brand.signals()
        kernels.commerce_talk(
            t, self.streams, self.params, self.stage, self.satisfaction, self.brand_trust,
            self.last_step,
            self.brand.incentive, plan.promotions, sc.promotions.checkin_reward > 0,
            self.influencer, self.signal, self.event)
        kernels.commerce_step(
            t, self.streams, self.params, net.indptr, net.indices, net.weights,
            tr.fit, tr.interest, tr.price_sensitivity, tr.peer_trust, tr.brand_trust,
            tr.basket_cents,
            tr.cogs_cents, tr.reads_reviews, self.stage, self.brand_trust, self.fatigue,
            self.satisfaction, self.purchases, self.spend, self.clv, self.channel, self.touch,
            self.member, self.adopted_step, self.last_step, self.first_cut, self.signal,
            self.event, self.paid_discount, self.rating, plan.ads,
            plan.promotions, plan.community, plan.influencers, boost, content,
            self.present_values)
        self._record_commerce()

    def _thresholds(self) -> np.ndarray:
        """Linear-threshold thresholds: fixed (Watts) or 1 - U per consumer (KKT)."""
        diffusion = self.config.diffusion
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
        d = self.config.diffusion
        dt = self.config.run.dt
        net = self.network
        purpose = int(Purpose.ADOPT)
        t = self.time_step
        if d.model == "commerce":
            self._step_commerce()
            self.datacollector.collect(self)
            return
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
        columns = {name: np.stack(data[name].to_list()) for name in data.columns}
        return results_frame(self.replications, columns, self.network.n,
                             self.config.run.dt, self.seed)


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
        values = np.asarray(values)
        if values.dtype.kind in "biu":
            values = values.astype(np.int64)
        frame[name] = values.T.reshape(-1)
    return frame
