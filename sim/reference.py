"""The reference engine: the model written the plain Mesa way, one agent per consumer.

This module and its agents are the readable specification of a step. They use no
numba and no array tricks. In the classic presets every
:class:`~sim.presets.agent.Consumer` decides from the previous step's state whether it
adopts now; in the commerce model every :class:`~sim.commerce.shopper.Shopper` first
talks (recommends, complains or stays silent) and then acts on what its ties said
(docs/model.md). Random draws come from :func:`sim.rng.uniform` with the same keys as
the fast engine (:class:`sim.fast.WomModel`), so both engines give identical tables for
the same scenario and seed. It is meant for small populations (about 0.5 KB and a few
microseconds per agent per step).

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.
Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of influence
through a social network. KDD 2003, 137-146.
Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99(9),
5766-5771.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from .commerce import rules
from .commerce.brand import Brand, Influencer, incentive_talk, present_values
from .commerce.events import EventLog, check_events
from .commerce.params import params_of
from .commerce.shopper import Shopper, record
from .commerce.state import FLOAT_TOTALS, TOTALS, columns_of, top_share_ratio
from .commerce.traits import mean_interest, set_up
from .network import Network, check_compatible
from .network.resample import replication_network
from .presets.agent import Consumer
from .results import column_reporters, results_frame
from .rng import Purpose, stream_key, uniform
from .scenario import Scenario
from .seeding import choose_seeds


def report_adopted(model: ReferenceModel) -> int:
    """Consumers who have adopted at least once (cumulative; seeds included)."""
    return sum(1 for c in model.consumers if c.adopted_step >= 0)


def report_new_adopters(model: ReferenceModel) -> int:
    """Consumers who adopted at this step (the seeds at step 0)."""
    return sum(1 for c in model.consumers if c.adopted_step == model.time_step)


class ReferenceModel(mesa.Model):
    """One replication, one ``mesa.Agent`` per consumer (reference engine).

    Takes the same scenario and seed as :class:`sim.fast.WomModel` and, replication
    by replication, produces the same table (:meth:`table`).

    Parameters
    ----------
    scenario
        The validated scenario.
    seed
        Run seed (default ``scenario.run.seed``).
    replication
        Which replication to simulate: its random stream is (seed, replication).
    network
        A prebuilt network (default: the network of ``replication``, see
        :func:`sim.network.resample.replication_network`).
    events
        Keep the event log of the commerce model (:meth:`events_table`).
    """

    def __init__(self, scenario: Scenario, *, seed: int | None = None, replication: int = 0,
                 network: Network | None = None, events: bool = False) -> None:
        seed = scenario.run.seed if seed is None else seed
        if events:
            check_events(scenario)
        super().__init__(rng=seed)
        self.event_log = EventLog() if events else None
        self.config = scenario
        self.seed = seed
        self.replication = replication
        self.network = (replication_network(scenario, replication) if network is None
                        else network)
        check_compatible(scenario, self.network)
        self.stream = stream_key(seed, replication)
        self.time_step = 0
        if scenario.diffusion.model == "commerce":
            self._init_commerce()
            reporters = column_reporters(self.latest)
        else:
            self._init_preset()
            reporters = {"adopted": report_adopted, "new_adopters": report_new_adopters}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    def _sources(self, i: int) -> tuple[list[int], list[float]]:
        """The consumers ``i`` listens to and the weights of those ties."""
        net = self.network
        row = slice(int(net.indptr[i]), int(net.indptr[i + 1]))
        return net.indices[row].tolist(), net.weights[row].tolist()

    def _init_preset(self) -> None:
        """One Consumer per node, the seeds and the thresholds of the classic presets."""
        sc = self.config
        self.consumers = [Consumer(self, i, *self._sources(i)) for i in range(self.network.n)]
        for i in choose_seeds(self.network, sc.seeding, self.stream).tolist():
            self.consumers[i].adopted_step = 0
        for c in self.consumers:
            if sc.diffusion.threshold is not None:
                c.threshold = sc.diffusion.threshold
            else:
                c.threshold = 1.0 - uniform(self.stream, 0, c.index, Purpose.THRESHOLD)
        self.adopted_count = report_adopted(self)

    def _init_commerce(self) -> None:
        """One Shopper per node with its traits and starting state, the brand and the
        influencers."""
        sc = self.config
        self.params = params_of(sc)
        self.present_values = present_values(sc)
        self.incentive = incentive_talk(sc)
        self.mean_interest = mean_interest(sc)
        start = set_up(sc, self.network, [self.stream])
        self.shoppers = [
            Shopper(self, i, *self._sources(i),
                    {name: value[0, i].item() for name, value in start.traits._asdict().items()},
                    {name: value[0, i].item() for name, value in start.state._asdict().items()})
            for i in range(self.network.n)]
        self.influencers = [Influencer(self, node, self.replication)
                            for node in start.influencers[0].tolist()]
        self.brand = Brand(self, 1, self.network.n, start.audience)
        self.promotions = False
        if self.event_log is not None:
            self.event_log.start(np.array([self.replication]), start.state)
        self._record_commerce()

    def _record_commerce(self) -> None:
        """Weekly totals (:func:`rules.tally`, as the fast engine); pay the week; store
        the output columns in ``self.latest``."""
        totals = np.zeros((1, len(TOTALS)), dtype=np.int64)
        floats = np.zeros((1, len(FLOAT_TOTALS)))
        basket = np.array([[s.basket for s in self.shoppers]], dtype=np.int64)
        cogs = np.array([[s.cogs for s in self.shoppers]], dtype=np.int64)
        rules.tally(totals[0], floats[0], 0, self.time_step, self.params,
                    record(self.shoppers), basket, cogs, self.promotions)
        cost = self.brand.settle(totals) if self.time_step > 0 else np.zeros(1, np.int64)
        spend = np.array([s.spend for s in self.shoppers], dtype=np.int64)
        b = self.brand
        self.latest = columns_of(totals, floats, cost, b.spent, b.review_count,
                                 b.rating_sum, np.array([top_share_ratio(spend)]),
                                 self.network.n)

    def _step_commerce(self) -> None:
        """One week: the brand's plan and signals, every shopper talks, then acts."""
        plan = self.brand.plan_week(self.time_step)
        self.ads, self.promotions, self.community, self.sponsoring = (
            bool(flag.item()) for flag in (plan.ads, plan.promotions, plan.community,
                                           plan.influencers))
        signals = self.brand.signals()
        self.boost, self.content = signals.boost.item(), signals.content.item()
        self.agents_by_type[Shopper].do("talk")
        self.agents_by_type[Shopper].do("act")
        if self.event_log is not None:
            self._log_week()
        self._record_commerce()

    def _log_week(self) -> None:
        """Hand the shoppers' rows of this week to the event log."""
        kind, channel, source = EventLog.slots((1, self.network.n))
        for s in self.shoppers:
            if s.logged is not None:
                kind[0, s.index], channel[0, s.index], source[0, s.index] = s.logged
                s.logged = None
        self.event_log.add(self.time_step, np.array([self.replication]), kind, channel, source)

    def step(self) -> None:
        """All consumers decide from the previous state, then all act on it."""
        self.time_step += 1
        if self.config.diffusion.model == "commerce":
            self._step_commerce()
        else:
            self.agents.do("decide")
            self.agents.do("advance")
            self.adopted_count = report_adopted(self)
        self.datacollector.collect(self)

    def events_table(self) -> pd.DataFrame:
        """The event log of this replication (``events=True``), the same as the fast
        engine's: see :meth:`sim.commerce.events.EventLog.frame`."""
        return self.event_log.frame()

    def table(self) -> pd.DataFrame:
        """Tidy results of this replication, same columns as the fast engine's."""
        data = self.datacollector.get_model_vars_dataframe()
        columns = {name: np.asarray(data[name].to_list()).reshape(-1, 1)
                   for name in data.columns}
        return results_frame(np.array([self.replication]), columns, self.network.n,
                             self.config.run.dt, self.seed)
