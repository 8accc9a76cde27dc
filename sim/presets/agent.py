"""The classic presets' consumer, written the plain Mesa way (reference engine).

In the classic presets every :class:`Consumer` looks at the consumers it listens to and
decides, from the previous step's state, whether it adopts now; all consumers decide
first, then all adopt (synchronous update), so the order in which Mesa visits them does
not matter.

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

from ..rng import Purpose, tie_key, uniform


class Consumer(mesa.Agent):
    """One consumer of the classic presets: whom it listens to, with which tie weights,
    and when it adopted (reference engine; twin of the kernels of
    :mod:`sim.presets.kernel`).

    Its model (:class:`sim.reference.ReferenceModel`) provides ``config`` (the
    scenario), ``stream``, ``network``, ``consumers`` and ``adopted_count``.
    """

    def __init__(self, model: mesa.Model, index: int, sources: list[int],
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
        """This consumer's uniform draw of ``step`` (purpose ADOPT)."""
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
        d = self.model.config.diffusion
        if self.model.network.mixed:
            share = self.model.adopted_count / len(self.model.consumers)
        else:
            share = self.adopted_share(step)
        return self.draw(step) < (d.p + d.q * share) * self.model.config.run.dt

    def decide_threshold(self, step: int) -> bool:
        """Linear threshold: adopt once the adopted share of in-weight reaches the threshold."""
        return self.adopted_share(step) >= self.threshold

    def decide_cascade(self, step: int) -> bool:
        """Independent cascade: each source that adopted last step tries once, w.p. p * w.

        The trial of the tie ``source -> self`` succeeds when that tie's draw of this step
        (purpose CASCADE, key :func:`sim.rng.tie_key`) is below ``p * w``.
        """
        model = self.model
        p = model.config.diffusion.p
        for source, weight in zip(self.sources, self.weights, strict=True):
            if (model.consumers[source].adopted_step == step - 1
                    and uniform(model.stream, step, tie_key(source, self.index),
                                Purpose.CASCADE) < p * weight):
                return True
        return False

    def decide(self) -> None:
        """First phase of a step: read the previous state, decide whether to adopt."""
        step = self.model.time_step
        if self.adopted_step >= 0:
            self.adopts_now = False
            return
        rule = self.model.config.diffusion.model
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
