"""The reference engine: the model written the plain Mesa way, one agent per consumer.

This module is the readable specification of a step. It uses no numba and no array
tricks: every :class:`Consumer` looks at the consumers it listens to and decides,
from the previous step's state, whether it adopts now. All consumers decide first,
then all adopt (synchronous update), so the order in which Mesa visits them does not
matter. Random draws come from :func:`sim.rng.uniform` with the same keys as the
fast engine (:class:`sim.model.WomModel`), so both engines give identical tables for
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

from .market import build_network, check_compatible
from .model import results_frame
from .network import Network
from .rng import Purpose, stream_key, uniform
from .scenario import Scenario
from .strategies import choose_seeds


class Consumer(mesa.Agent):
    """One consumer: whom it listens to, with which tie weights, and when it adopted."""

    def __init__(self, model: ReferenceModel, index: int, sources: list[int],
                 weights: list[float]) -> None:
        super().__init__(model)
        self.index = index
        self.sources = sources
        self.weights = weights
        self.adopted_step = -1
        self.threshold = 0.0
        self.adopts_now = False

    def adopted_before(self, step: int) -> bool:
        """Whether this consumer had adopted before ``step`` (the previous state)."""
        return 0 <= self.adopted_step < step

    def draw(self, step: int) -> float:
        return uniform(self.model.stream, step, self.index, Purpose.ADOPT)

    def adopted_share(self, step: int) -> float:
        """Share of this consumer's in-weight coming from consumers who had adopted."""
        total = 0.0
        adopted = 0.0
        for source, weight in zip(self.sources, self.weights, strict=True):
            total += weight
            if self.model.consumers[source].adopted_before(step):
                adopted += weight
        return adopted / total if total > 0.0 else 0.0

    def decide_bass(self, step: int) -> bool:
        """Bass hazard: innovation p plus imitation q times the adopted share, per unit time."""
        d = self.model.scenario.diffusion
        if self.model.network.mixed:
            share = self.model.adopted_count / len(self.model.consumers)
        else:
            share = self.adopted_share(step)
        return self.draw(step) < (d.p + d.q * share) * self.model.scenario.run.dt

    def decide_threshold(self, step: int) -> bool:
        """Linear threshold: adopt once the adopted share of in-weight reaches the threshold."""
        return self.adopted_share(step) >= self.threshold

    def decide_cascade(self, step: int) -> bool:
        """Independent cascade: each source that adopted last step tries once, w.p. p * w."""
        p = self.model.scenario.diffusion.p
        stay = 1.0
        for source, weight in zip(self.sources, self.weights, strict=True):
            if self.model.consumers[source].adopted_step == step - 1:
                stay *= 1.0 - min(1.0, p * weight)
        return stay < 1.0 and self.draw(step) < 1.0 - stay

    def decide(self) -> None:
        """First phase of a step: read the previous state, decide whether to adopt."""
        step = self.model.time_step
        if self.adopted_step >= 0:
            self.adopts_now = False
            return
        rule = self.model.scenario.diffusion.model
        if rule == "bass":
            self.adopts_now = self.decide_bass(step)
        elif rule == "linear_threshold":
            self.adopts_now = self.decide_threshold(step)
        else:
            self.adopts_now = self.decide_cascade(step)

    def advance(self) -> None:
        """Second phase of a step: apply the decision."""
        if self.adopts_now:
            self.adopted_step = self.model.time_step


def report_adopted(model: ReferenceModel) -> int:
    """Consumers who have adopted at least once (cumulative; seeds included)."""
    return sum(1 for c in model.consumers if c.adopted_step >= 0)


def report_new_adopters(model: ReferenceModel) -> int:
    """Consumers who adopted at this step (the seeds at step 0)."""
    return sum(1 for c in model.consumers if c.adopted_step == model.time_step)


class ReferenceModel(mesa.Model):
    """One replication, one ``mesa.Agent`` per consumer (reference engine).

    Takes the same scenario and seed as :class:`sim.model.WomModel` and, replication
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
        A prebuilt network (default: built from the scenario).
    """

    def __init__(self, scenario: Scenario, *, seed: int | None = None, replication: int = 0,
                 network: Network | None = None) -> None:
        seed = scenario.run.seed if seed is None else seed
        super().__init__(rng=seed)
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.network = build_network(scenario) if network is None else network
        check_compatible(scenario, self.network)
        self.stream = stream_key(seed, replication)
        self.time_step = 0
        net = self.network
        self.consumers: list[Consumer] = []
        for i in range(net.n):
            row = slice(int(net.indptr[i]), int(net.indptr[i + 1]))
            self.consumers.append(Consumer(self, i, net.indices[row].tolist(),
                                           net.weights[row].tolist()))
        for i in choose_seeds(net, scenario.seeding, self.stream).tolist():
            self.consumers[i].adopted_step = 0
        diffusion = scenario.diffusion
        for c in self.consumers:
            if diffusion.threshold is not None:
                c.threshold = diffusion.threshold
            else:
                c.threshold = 1.0 - uniform(self.stream, 0, c.index, Purpose.THRESHOLD)
        self.adopted_count = report_adopted(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={"adopted": report_adopted, "new_adopters": report_new_adopters}
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        """All consumers decide from the previous state, then all adopt."""
        self.time_step += 1
        self.agents.do("decide")
        self.agents.do("advance")
        self.adopted_count = report_adopted(self)
        self.datacollector.collect(self)

    def table(self) -> pd.DataFrame:
        """Tidy results of this replication, same columns as the fast engine's."""
        data = self.datacollector.get_model_vars_dataframe()
        columns = {name: data[name].to_numpy()[:, None] for name in ("adopted", "new_adopters")}
        return results_frame(np.array([self.replication]), columns, self.network.n,
                             self.scenario.run.dt, self.seed)
