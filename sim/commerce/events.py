"""The event log of the commerce model: who moved through the funnel, why, and who told them.

When a run keeps the log, each engine notes, for every consumer whose stage moves this
week, one row: the funnel event (:class:`Happening`), the channel credited with it and,
for word of mouth, the tie that carried it (docs/events.md, docs/model.md section 3.13).
The rules here are shared by both engines, as those of :mod:`sim.commerce.rules` are:
:func:`classify` names the event and its channel from the week's chances, :func:`tie_pull`
is one tie's contribution to the pressure credited (read from :func:`rules.hear`, so every
pull has one formula), and :func:`chosen` draws a source in proportion to those
contributions. The engines differ only in how they walk a listener's ties: the fast
engine's :func:`sim.commerce.kernel.note` over the CSR row, the reference engine's
:meth:`sim.commerce.shopper.Shopper.note` over its list of sources, in the same order.

:class:`EventLog` collects the week's rows (one slot per consumer: at most one funnel
event per consumer and week) and builds the table. Nothing of this runs when the log is
off.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd
from numba.extending import register_jitable

from ..errors import WomError
from ..scenario import Scenario
from . import rules
from .state import Channel, Stage, State


class Happening(IntEnum):
    """A funnel event of the log; the codes are the uint8 values of its week slots."""

    NONE = 0
    AWARE = 1
    CONSIDERING = 2
    PURCHASE = 3
    REPEAT = 4
    CHURN = 5
    WIN_BACK = 6


class Pool(IntEnum):
    """Where an event's source comes from: no source, the ties whose positive peer
    messages got through (and a member's community content), the influencers' ties, the
    ties whose complaints got through, or the awareness touch (the source of the
    consumer's latest ``aware`` event)."""

    NONE = 0
    PEER = 1
    INFLUENCER = 2
    NEGATIVE = 3
    TOUCH = 4


# The log's channels: the model's Channel codes, then community content (a member moved by
# its funded community rather than by a tie). Code c is named LOG_CHANNELS[c - 1].
COMMUNITY = max(Channel) + 1
LOG_CHANNELS = (*(c.name.lower() for c in Channel if c != Channel.NONE), "community")
EVENT_NAMES = tuple(h.name.lower().replace("_", "-") for h in Happening if h != Happening.NONE)
NO_SOURCE, FROM_TOUCH = -1, -2
COLUMNS = ("replication", "step", "consumer", "event", "channel", "source")

UNAWARE, AWARE, CONSIDERING = int(Stage.UNAWARE), int(Stage.AWARE), int(Stage.CONSIDERING)
CUSTOMER, LOYAL, LAPSED = int(Stage.CUSTOMER), int(Stage.LOYAL), int(Stage.LAPSED)
NONE_CH, PEER, INFLUENCER = int(Channel.NONE), int(Channel.PEER), int(Channel.INFLUENCER)
ORGANIC = int(Channel.ORGANIC)
P_NONE, P_PEER, P_INFLUENCER = int(Pool.NONE), int(Pool.PEER), int(Pool.INFLUENCER)
P_NEGATIVE, P_TOUCH = int(Pool.NEGATIVE), int(Pool.TOUCH)
H_NONE, H_AWARE = int(Happening.NONE), int(Happening.AWARE)
H_CONSIDERING, H_PURCHASE, H_REPEAT = (int(Happening.CONSIDERING), int(Happening.PURCHASE),
                                       int(Happening.REPEAT))
H_CHURN, H_WIN_BACK = int(Happening.CHURN), int(Happening.WIN_BACK)
NOTHING_HEARD = (1.0, 1.0, 1.0, 0, 0)


def check_events(scenario: Scenario, name: str = "events") -> None:
    """Refuse an event log (asked for by ``name``) for a scenario that does not run the
    commerce model."""
    if scenario.diffusion.model != "commerce":
        raise WomError(f"{name}: the event log is kept for the commerce model, not for "
                       f"diffusion.model = {scenario.diffusion.model!r}")


@register_jitable
def pool_of(channel: int) -> int:
    """The ties a source is drawn from when this week's pressure of ``channel`` wins."""
    if channel == PEER:
        return P_PEER
    if channel == INFLUENCER:
        return P_INFLUENCER
    return P_NONE


@register_jitable
def credited(how: int, own: int) -> tuple[int, int]:
    """(channel, pool) of a move credited by :func:`rules.channel_of` with the sentinel
    ``NONE`` in place of the own pull's channel: ``how`` if a pressure of this week won,
    else ``own`` (the awareness touch, whose source the event inherits, or organic)."""
    if how != NONE_CH:
        return how, pool_of(how)
    if own == PEER or own == INFLUENCER:
        return own, P_TOUCH
    return own, P_NONE


@register_jitable
def classify(move: tuple, terms: tuple[float, float, float, float, float],
             pulls: tuple[float, float, float, float]) -> tuple[int, int, int]:
    """The funnel event of a consumer's week, its channel and the pool of its source.

    ``move`` is (stage at the start of the week, stage after the funnel step, bought,
    first purchase, awareness touch); ``terms`` (own pull of the step taken, review
    multiplier, price multiplier, rewards multiplier, satisfaction); ``pulls`` (ad pull,
    fit-scaled peer pressure, influencer pressure, negative pressure). Each event's
    channel is the largest contribution to the chance of the move (:func:`rules.channel_of`,
    docs/model.md 3.11): a first purchase gets its acquisition channel, an ``aware`` event
    the awareness touch. Returns (``Happening`` code, channel code, ``Pool`` code);
    forgetting and complaints heard while considering are not events (code 0).
    """
    stage, after, bought, first, touch = move
    own, review_mult, price_mult, mult, satisfaction = terms
    ad, peer_fit, influencer, negative = pulls
    if stage == UNAWARE and after == AWARE:
        return H_AWARE, touch, pool_of(touch)
    if stage == AWARE and after == CONSIDERING:
        how, pool = credited(rules.channel_of(own, NONE_CH, 1.0, 1.0, ad, peer_fit,
                                              influencer), touch)
        return H_CONSIDERING, how, pool
    if stage == CONSIDERING and bought:
        how, pool = credited(rules.channel_of(own, NONE_CH, review_mult, price_mult, ad,
                                              peer_fit, influencer),
                             touch if first else ORGANIC)
        return (H_PURCHASE if first else H_REPEAT), how, pool
    if (stage == CUSTOMER or stage == LOYAL) and after == LAPSED:
        how = rules.channel_of(1.0 - satisfaction, ORGANIC, 1.0, 1.0, 0.0, negative, 0.0)
        return H_CHURN, how, (P_NEGATIVE if how == PEER else P_NONE)
    if stage == CUSTOMER or stage == LOYAL:
        if bought:
            return H_REPEAT, rules.channel_of(own, ORGANIC, 1.0, mult, 0.0, 0.0, 0.0), P_NONE
        return H_NONE, NONE_CH, P_NONE
    if stage == LAPSED and after == CONSIDERING:
        how = rules.channel_of(0.0, NONE_CH, 1.0, 1.0, ad, peer_fit, influencer)
        return H_WIN_BACK, how, pool_of(how)
    return H_NONE, NONE_CH, P_NONE


@register_jitable
def tie_pull(pool: int, said: int, influencer: bool, sponsoring: bool, weight: float,
             trust: float, voice: tuple[float, float, float]) -> float:
    """One tie's contribution to the pressure of ``pool`` this week: the chance that its
    messages of that kind got through, ``1 -`` what :func:`rules.hear` leaves of it."""
    heard = rules.hear(NOTHING_HEARD, said, influencer, False, sponsoring, weight, trust,
                       voice)
    if pool == P_PEER:
        return 1.0 - heard[0]
    if pool == P_INFLUENCER:
        return 1.0 - heard[1]
    return 1.0 - heard[2]


@register_jitable
def chosen(pulls, extra: float, u: float) -> int:
    """Index of the tie drawn with chance proportional to its pull, for a uniform ``u``.

    ``pulls`` are the ties' contributions in the listener's tie order, ``extra`` one more
    contribution that is not a tie (a member's community content), placed last. Returns
    -1 when ``extra`` is drawn (or nothing pulled). Ties that did not pull are never drawn.
    """
    total = 0.0
    for k in range(len(pulls)):
        total += pulls[k]
    target = u * (total + extra)
    acc = 0.0
    last = -1
    for k in range(len(pulls)):
        if pulls[k] > 0.0:
            acc += pulls[k]
            last = k
            if target < acc:
                return k
    return -1 if extra > 0.0 else last


@register_jitable
def outcome(how: int, k: int, node: int, extra: float) -> tuple[int, int]:
    """(channel, source) once :func:`chosen` gave ``k`` (tie ``node`` when ``k >= 0``)."""
    if k >= 0:
        return how, node
    if extra > 0.0:
        return COMMUNITY, NO_SOURCE
    return how, NO_SOURCE


class EventLog:
    """The rows of a run's event log, collected week by week (either engine).

    Each week an engine fills one slot per consumer (:meth:`slots`: ``Happening`` code,
    channel, source; code 0 for no event) and hands them to :meth:`add`, which keeps the
    consumers with an event; :meth:`frame` builds the table.
    """

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    @staticmethod
    def slots(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Empty week slots of a batch: event codes, channels (uint8), sources (int32)."""
        return (np.zeros(shape, np.uint8), np.zeros(shape, np.uint8),
                np.full(shape, NO_SOURCE, np.int32))

    def add(self, step: int, replications: np.ndarray, kind: np.ndarray, channel: np.ndarray,
            source: np.ndarray) -> None:
        """Keep this week's events (slots of shape (replications, consumers))."""
        rows, nodes = np.nonzero(kind)
        self.parts.append((replications[rows].astype(np.int32),
                           np.full(rows.size, step, np.int32), nodes.astype(np.int32),
                           kind[rows, nodes], channel[rows, nodes], source[rows, nodes]))

    def start(self, replications: np.ndarray, state: State) -> None:
        """Step 0: the seeds' purchases (channel seed, no source)."""
        kind, channel, source = self.slots(state.stage.shape)
        seeds = state.channel == Channel.SEED
        kind[seeds], channel[seeds] = H_PURCHASE, int(Channel.SEED)
        self.add(0, replications, kind, channel, source)

    def frame(self) -> pd.DataFrame:
        """The log: one row per event, sorted by (replication, step, consumer)."""
        columns = [np.concatenate([part[k] for part in self.parts]) for k in range(6)]
        order = np.lexsort((columns[2], columns[1], columns[0]))
        rep, step, node, kind, channel, source = (c[order] for c in columns)
        inherit_touch(rep, step, node, kind, channel, source)
        event = pd.Categorical.from_codes(kind.astype(np.int8) - 1, EVENT_NAMES)
        how = pd.Categorical.from_codes(channel.astype(np.int8) - 1, LOG_CHANNELS)
        return pd.DataFrame(dict(zip(COLUMNS, (rep, step, node, event, how, source),
                                     strict=True)))


def inherit_touch(rep: np.ndarray, step: np.ndarray, node: np.ndarray, kind: np.ndarray,
                  channel: np.ndarray, source: np.ndarray) -> None:
    """Give the events credited to the awareness touch (source :data:`FROM_TOUCH`) the
    channel and source of the consumer's latest ``aware`` event, in place."""
    inherit = np.flatnonzero(source == FROM_TOUCH)
    if inherit.size == 0:
        return
    order = np.lexsort((step, node, rep))  # by consumer, then week
    latest = np.maximum.accumulate(np.where(kind[order] == H_AWARE, np.arange(order.size), -1))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    at = latest[rank[inherit]]  # where, in that order, the latest aware event sits
    aware = order[at]
    if (at < 0).any() or ((rep[aware] != rep[inherit]) | (node[aware] != node[inherit])).any():
        raise RuntimeError("an event credited to the awareness touch has no aware event")
    channel[inherit], source[inherit] = channel[aware], source[aware]
