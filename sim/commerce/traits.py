"""The market's set-up, shared by both engines: consumer traits, tie strengths, seeds
and influencers.

:func:`set_up` draws everything a replication starts with from its random stream and
returns it as arrays; the fast engine keeps the arrays, the reference engine hands
each consumer its own entries. docs/model.md (section 2) describes the distributions.

References
----------
Granovetter, M. S. (1973). The strength of weak ties. American Journal of Sociology
78(6), 1360-1380.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..network import Network
from ..rng import Purpose, mix, uniform_array
from ..scenario import Scenario
from ..seeding import choose_seeds, influence_ranking
from . import rules
from .brand import cents
from .state import Channel, Stage, State, empty_state


class Traits(NamedTuple):
    """Per-consumer traits drawn once per replication; arrays of shape (reps, n)."""

    fit: np.ndarray
    interest: np.ndarray
    price_sensitivity: np.ndarray
    peer_trust: np.ndarray
    brand_trust: np.ndarray
    basket_cents: np.ndarray
    cogs_cents: np.ndarray
    reads_reviews: np.ndarray


def mean_interest(sc: Scenario) -> float:
    """Mean interest ``1 / (1 + interest_power)`` of ``U ** interest_power``."""
    return 1.0 / (1.0 + sc.consumers.interest_power)


def draw_traits(sc: Scenario, streams: list[int], n: int) -> Traits:
    """Draw the consumers' traits of each replication from its stream.

    fit (how well the product suits the consumer: it sets satisfaction) and price
    sensitivity are uniform on [0, 1); interest in the category is ``U ** interest_power``
    (most consumers care little, a few a lot); both trusts are uniform around
    their means with width ``consumers.trust_spread``; the basket size is log-normal
    with mean 1 and sigma ``consumers.appetite_sigma`` (Box-Muller from two draws),
    which sets how concentrated spending is.
    """
    c = sc.consumers
    out: dict[str, np.ndarray] = {}
    price = cents(sc.product.price)
    for row, stream in enumerate(streams):
        def u(purpose: Purpose, stream: int = stream) -> np.ndarray:
            return uniform_array(stream, 0, n, purpose)

        radius = np.sqrt(-2.0 * np.log(1.0 - u(Purpose.APPETITE_RADIUS)))
        normal = radius * np.cos(2.0 * np.pi * u(Purpose.APPETITE_ANGLE))
        appetite = np.exp(c.appetite_sigma * normal - c.appetite_sigma**2 / 2)
        basket = np.maximum(1, np.floor(price * appetite + 0.5)).astype(np.int64)
        values = {
            "fit": u(Purpose.FIT),
            "interest": u(Purpose.INTEREST) ** c.interest_power,
            "price_sensitivity": u(Purpose.PRICE_SENSITIVITY),
            "peer_trust": np.clip(c.peer_trust + c.trust_spread * (u(Purpose.PEER_TRUST) - 0.5),
                                  0, 1),
            "brand_trust": np.clip(
                c.brand_trust + c.trust_spread * (u(Purpose.BRAND_TRUST) - 0.5), 0, 1),
            "basket_cents": basket,
            "cogs_cents": np.floor(basket * sc.product.cost_share + 0.5).astype(np.int64),
            "reads_reviews": u(Purpose.READS_REVIEWS) < c.review_readers}
        for name, value in values.items():  # rows written in place: no stack of copies
            if name not in out:
                out[name] = np.empty((len(streams), n), dtype=value.dtype)
            out[name][row] = value
    return Traits(**out)


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


class SetUp(NamedTuple):
    """What a batch of replications starts with: traits, state and, per replication,
    the consumers under contract as influencers and their ``audience`` (followers: the
    consumers who listen to them, summed over the influencers; int64 array)."""

    traits: Traits
    state: State
    influencers: list[np.ndarray]
    audience: np.ndarray


def set_up(sc: Scenario, network: Network, streams: list[int]) -> SetUp:
    """Traits, starting state and influencers of the replications with these streams.

    Seeds (``seeding``) start as customers with one purchase at list price, channel
    SEED, first purchase at week 0 and the noise-free satisfaction of their fit.
    """
    traits = draw_traits(sc, streams, network.n)
    state = empty_state((len(streams), network.n), traits.brand_trust,
                        sc.product.reference_price)
    influencers = []
    followers = network.out_degree
    for row, stream in enumerate(streams):
        for node in choose_seeds(network, sc.seeding, stream).tolist():
            state.stage[row, node] = Stage.CUSTOMER
            state.purchases[row, node] = 1
            state.channel[row, node] = Channel.SEED
            state.first_step[row, node] = 0
            state.satisfaction[row, node] = seed_satisfaction(sc, float(traits.fit[row, node]))
            state.reference[row, node] = rules.reference_after(
                sc.product.reference_price, sc.consumers.reference_memory, sc.product.price)
        nodes = influencer_nodes(network, sc, stream)
        state.influencer[row, nodes] = 1
        influencers.append(nodes)
    audience = np.array([int(followers[nodes].sum()) for nodes in influencers], dtype=np.int64)
    return SetUp(traits, state, influencers, audience)
