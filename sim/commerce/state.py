"""The commerce model's state: codes, the state record, the weekly totals, the columns.

Both engines use these definitions as they are. The fast engine keeps the state of a
batch of replications as a :class:`State` of arrays of shape (replications,
consumers); the reference engine's :class:`sim.commerce.shopper.Shopper` keeps the
same fields, under the same names, as attributes of one consumer. Codes are
``IntEnum``/``IntFlag`` values whose integers are what the arrays store.

All money is counted in integer cents so that totals are exact whatever the order of
summation; the only floating-point sums (lifetime value, mean trust) are taken in
consumer order by both engines.
"""

from __future__ import annotations

import math
from enum import IntEnum, IntFlag
from typing import NamedTuple

import numpy as np
from numba.extending import register_jitable


class Stage(IntEnum):
    """Funnel stage of a consumer; the codes are the int8 values stored in arrays."""

    UNAWARE = 0
    AWARE = 1
    CONSIDERING = 2
    CUSTOMER = 3
    LOYAL = 4
    LAPSED = 5


class Channel(IntEnum):
    """How a customer was acquired (credited at the first purchase)."""

    NONE = 0
    SEED = 1
    AD = 2
    PEER = 3
    INFLUENCER = 4
    REVIEW = 5
    PROMOTION = 6
    ORGANIC = 7


class Talk(IntEnum):
    """What a consumer says to its listeners this week."""

    SILENT = 0
    POSITIVE = 1
    NEGATIVE = 2


class Event(IntFlag):
    """What happened to a consumer this week (several may: the int16 ``event`` flags)."""

    NONE = 0
    NEW = 1
    REPEAT = 2
    CHURNED = 4
    REVIEWED = 8
    JOINED = 16
    WON_BACK = 32
    REFERRAL = 64
    CHECKIN = 128
    REDEEMED = 256


CHANNEL_NAMES = [c.name.lower() for c in Channel if c != Channel.NONE]

# What a consumer shows its listeners each week, packed in one byte (``signal``):
# bits 0-1 the Talk code, bit 2 influencer, bit 3 bought last week.
TALK_MASK, INFLUENCER_BIT, BOUGHT_BIT = 3, 2, 3


class State(NamedTuple):
    """Dynamic state of the consumers; arrays of shape (replications, consumers).

    ``first_step`` is the week of the first purchase (-1: never; 0 for seeds),
    ``touch`` the channel that made the consumer aware, ``signal`` this week's packed
    talk byte, ``event`` this week's :class:`Event` flags, ``paid_discount`` (cents)
    and ``rating`` those of this week's purchase and review, ``points`` the loyalty
    points not yet redeemed, ``reference`` the price the consumer expects to pay for an
    average basket (currency; it adapts to the prices paid).
    """

    stage: np.ndarray
    brand_trust: np.ndarray
    fatigue: np.ndarray
    satisfaction: np.ndarray
    purchases: np.ndarray
    spend: np.ndarray
    clv: np.ndarray
    channel: np.ndarray
    touch: np.ndarray
    member: np.ndarray
    first_step: np.ndarray
    last_step: np.ndarray
    reference: np.ndarray
    influencer: np.ndarray
    signal: np.ndarray
    event: np.ndarray
    paid_discount: np.ndarray
    rating: np.ndarray
    points: np.ndarray


class Hearing(NamedTuple):
    """The ties a listener hears through, and what it heard this week when speakers push.

    ``indptr, indices, weights`` are the network's rows by listener (CSR). The five
    ``heard`` arrays, of shape (replications, consumers), hold what
    :func:`sim.commerce.rules.hear` folded from the week's speakers, as
    :func:`sim.commerce.kernel.listen` pushes it (chances that no positive peer, no
    influencer and no negative message got through; sponsored posts seen; sources who
    bought last week). With shape (replications, 0) the act kernel pulls instead: each
    listener scans its own row. Both give the same numbers.
    """

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    no_peer: np.ndarray
    no_influencer: np.ndarray
    no_negative: np.ndarray
    sponsored: np.ndarray
    friends_bought: np.ndarray


def hearing(graph: tuple[np.ndarray, np.ndarray, np.ndarray], shape: tuple[int, int]
            ) -> Hearing:
    """A :class:`Hearing` of the network ``graph`` with heard arrays of ``shape`` (not
    initialised: :func:`sim.commerce.kernel.listen` sets them every week)."""
    return Hearing(*graph, np.empty(shape), np.empty(shape), np.empty(shape),
                   np.empty(shape, dtype=np.int32), np.empty(shape, dtype=np.int32))


def empty_state(shape: tuple[int, int], brand_trust: np.ndarray, reference: float) -> State:
    """The state before any seed: everyone unaware, trust at its baseline, the market's
    going price as everyone's reference price."""
    return State(
        stage=np.full(shape, Stage.UNAWARE, dtype=np.int8),
        brand_trust=brand_trust.copy(),
        fatigue=np.zeros(shape),
        satisfaction=np.zeros(shape),
        purchases=np.zeros(shape, dtype=np.int32),
        spend=np.zeros(shape, dtype=np.int64),
        clv=np.zeros(shape),
        channel=np.full(shape, Channel.NONE, dtype=np.int8),
        touch=np.full(shape, Channel.ORGANIC, dtype=np.int8),
        member=np.zeros(shape, dtype=np.int8),
        first_step=np.full(shape, -1, dtype=np.int32),
        last_step=np.full(shape, -1, dtype=np.int32),
        reference=np.full(shape, reference),
        influencer=np.zeros(shape, dtype=np.int8),
        signal=np.zeros(shape, dtype=np.int8),
        event=np.zeros(shape, dtype=np.int16),
        paid_discount=np.zeros(shape, dtype=np.int64),
        rating=np.zeros(shape, dtype=np.int8),
        points=np.zeros(shape, dtype=np.int32),
    )


# Weekly totals that each engine computes per replication; TOTALS[k] names column k.
# The first six are the stage counts, in Stage order.
TOTALS = (
    "unaware", "aware", "considering", "customer", "loyal", "lapsed",
    "adopted", "new_customers", "repeat_purchases", "churned", "won_back",
    "shares", "negative_shares", "checkins", "referrals", "redemptions", "reviews",
    "rating_points", "joined", "community_members", "satisfied_members", "advocates", "vips",
    "promoters", "detractors", "revenue_cents", "cogs_cents", "discount_cents",
    "member_customers", "member_spend_cents", "nonmember_customers", "nonmember_spend_cents",
    *(f"customers_{name}" for name in CHANNEL_NAMES),
    "matured", *(f"matured_{name}" for name in CHANNEL_NAMES),
)
FLOAT_TOTALS = ("clv_sum", "brand_trust_sum", "fatigue_sum",
                *(f"clv_sum_{name}" for name in CHANNEL_NAMES))
TOTAL_INDEX = {name: k for k, name in enumerate(TOTALS)}
FLOAT_INDEX = {name: k for k, name in enumerate(FLOAT_TOTALS)}

# The output columns of a week, in table order: "flow" columns count this week only,
# "stock" columns are the state at the end of the week (docs/model.md, section 5).
FLOW, STOCK = "flow", "stock"
COLUMNS: dict[str, str] = {
    "adopted": STOCK, "unaware": STOCK, "aware": STOCK, "considering": STOCK,
    "customers": STOCK, "loyal": STOCK, "lapsed": STOCK,
    "new_customers": FLOW, "repeat_purchases": FLOW, "churned": FLOW, "won_back": FLOW,
    "conversion_rate": STOCK,
    "revenue": FLOW, "cost": FLOW, "profit": FLOW, "cumulative_cost": STOCK,
    "shares": FLOW, "negative_shares": FLOW, "checkins": FLOW, "referrals": FLOW,
    "reviews": FLOW, "review_count": STOCK, "mean_rating": STOCK, "nps": STOCK,
    "community_members": STOCK, "advocates": STOCK, "vips": STOCK, "clv": STOCK,
    "brand_trust": STOCK, "fatigue": STOCK,
    "member_conversion": STOCK, "nonmember_conversion": STOCK,
    "member_spend": STOCK, "nonmember_spend": STOCK, "top1_spend_ratio": STOCK,
    **{f"{kind}_{name}": STOCK for name in CHANNEL_NAMES for kind in ("customers", "clv")},
}


@register_jitable
def top_share_ratio(spend_cents: np.ndarray, share: float = 0.01) -> float:
    """Mean spend of the top ``share`` of customers over the mean spend of customers.

    The same code runs in Python (reference engine) and compiled (fast engine's
    :func:`sim.commerce.kernel.totals`): the sums are int64 (exact) and each division
    is of two doubles, which hold those sums exactly below 2**53 cents.
    """
    spend = spend_cents[spend_cents > 0]
    if spend.size == 0:
        return math.nan
    k = max(1, int(round(spend.size * share)))
    top = np.partition(spend, spend.size - k)[spend.size - k:]  # the k largest, O(n)
    return (np.float64(top.sum()) / k) / (np.float64(spend.sum()) / spend.size)


def columns_of(totals: np.ndarray, floats: np.ndarray, cost_cents: np.ndarray,
               spent_cents: np.ndarray, review_count: np.ndarray, rating_sum: np.ndarray,
               top1: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Output columns of one step (:data:`COLUMNS`) from the per-replication totals.

    ``totals`` has shape (reps, len(TOTALS)) and ``floats`` (reps, len(FLOAT_TOTALS));
    the other arrays have shape (reps,).
    """
    def t(name: str) -> np.ndarray:
        return totals[:, TOTAL_INDEX[name]]

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full(len(den), np.nan), where=den > 0)

    revenue = t("revenue_cents")
    ever = t("adopted")
    members = t("community_members")
    out = {
        "adopted": ever,
        "unaware": t("unaware"), "aware": t("aware"), "considering": t("considering"),
        "customers": t("customer") + t("loyal"), "loyal": t("loyal"), "lapsed": t("lapsed"),
        "new_customers": t("new_customers"), "repeat_purchases": t("repeat_purchases"),
        "churned": t("churned"), "won_back": t("won_back"),
        "conversion_rate": ever / n,
        "revenue": revenue / 100, "cost": cost_cents / 100,
        "profit": (revenue - t("cogs_cents") - cost_cents) / 100,
        "cumulative_cost": spent_cents / 100,
        "shares": t("shares"), "negative_shares": t("negative_shares"),
        "checkins": t("checkins"), "referrals": t("referrals"),
        "reviews": t("reviews"), "review_count": review_count,
        "mean_rating": ratio(rating_sum, review_count),
        "nps": 100 * ratio(t("promoters") - t("detractors"), t("customer") + t("loyal")),
        "community_members": members, "advocates": t("advocates"), "vips": t("vips"),
        "clv": ratio(floats[:, FLOAT_INDEX["clv_sum"]], t("matured")) / 100,
        "brand_trust": floats[:, FLOAT_INDEX["brand_trust_sum"]] / n,
        "fatigue": floats[:, FLOAT_INDEX["fatigue_sum"]] / n,
        "member_conversion": ratio(t("member_customers"), members),
        "nonmember_conversion": ratio(t("nonmember_customers"), n - members),
        "member_spend": ratio(t("member_spend_cents"), t("member_customers")) / 100,
        "nonmember_spend": ratio(t("nonmember_spend_cents"), t("nonmember_customers")) / 100,
        "top1_spend_ratio": top1,
    }
    for name in CHANNEL_NAMES:
        out[f"customers_{name}"] = t(f"customers_{name}")
        out[f"clv_{name}"] = ratio(floats[:, FLOAT_INDEX[f"clv_sum_{name}"]],
                                   t(f"matured_{name}")) / 100
    return {name: out[name] for name in COLUMNS}
