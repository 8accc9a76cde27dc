"""The word-of-mouth commerce model: the parts both engines share.

The weekly dynamics of a consumer are written twice, once readably in
:class:`sim.reference.Shopper` and once as numba kernels in :mod:`sim.kernels`; this
module holds what is not per-consumer behaviour and is therefore shared: the codes
of stages and channels, the consumers' initial traits (a market set-up, like the
network), the brand's weekly budget plan, the social-proof signal of the review pool,
and the conversion of weekly totals into the output columns. docs/model.md describes
the model and docs/calibration.md how its defaults were set.

All money is counted in integer cents so that totals are exact whatever the order of
summation; the only floating-point sums (lifetime value, mean trust) are taken in
consumer order by both engines.

References
----------
Goldenberg, J., Libai, B. and Muller, E. (2001). Talk of the network: a complex systems
look at the underlying process of word-of-mouth. Marketing Letters 12(3), 211-223.
Villanueva, J., Yoo, S. and Hanssens, D. M. (2008). The impact of marketing-induced
versus word-of-mouth customer acquisition on customer equity growth. Journal of
Marketing Research 45(1), 48-59.
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import NamedTuple

import numpy as np

from .rng import Purpose, uniform_array
from .scenario import Scenario


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


CHANNEL_NAMES = [c.name.lower() for c in Channel if c != Channel.NONE]


class Params(NamedTuple):
    """Scalar parameters of the weekly step, flattened from the scenario for the kernels."""

    beta: float
    talk_rate: float
    advocate_talk: float
    negative_talk: float
    dissatisfied_below: float
    negativity: float
    negative_trust_hit: float
    promoter_above: float
    detractor_below: float
    checkin_rate: float
    reach: float
    frequency: int
    ad_effect: float
    targeting: float
    decay: float
    half_response: float
    fatigue_threshold: float
    erosion: float
    recovery: float
    discovery: float
    forget: float
    mean_interest: float
    consider_rate: float
    buy_rate: float
    repeat_rate: float
    churn_rate: float
    loyal_purchases: int
    loyal_satisfaction: float
    loyal_protection: float
    experience_trust: float
    quality: float
    fit_penalty: float
    satisfaction_noise: float
    discount: float
    exclusive_discount: float
    group_size: int
    group_discount: float
    price_elasticity: float
    vip_purchases: int
    vip_effect: float
    reviews_enabled: bool
    write_rate: float
    join_rate: float
    dialogue: float
    authenticity: float
    clv_weeks: int


def params_of(sc: Scenario) -> Params:
    """The kernels' parameter tuple of a scenario."""
    w, c, a, f, p, r, m = (sc.wom, sc.consumers, sc.ads, sc.fatigue, sc.promotions,
                           sc.reviews, sc.community)
    return Params(
        beta=w.beta, talk_rate=w.talk_rate, advocate_talk=w.advocate_talk,
        negative_talk=w.negative_talk, dissatisfied_below=w.dissatisfied_below,
        negativity=w.negativity, negative_trust_hit=w.negative_trust_hit,
        promoter_above=w.promoter_above, detractor_below=w.detractor_below,
        checkin_rate=p.checkin_rate,
        reach=a.reach, frequency=a.frequency, ad_effect=a.effect, targeting=a.targeting,
        decay=f.decay, half_response=f.half_response, fatigue_threshold=f.threshold,
        erosion=f.erosion, recovery=f.recovery, discovery=c.discovery,
        forget=c.forget, mean_interest=1.0 / (1.0 + c.interest_power),
        consider_rate=c.consider_rate,
        buy_rate=c.buy_rate, repeat_rate=c.repeat_rate, churn_rate=c.churn_rate,
        loyal_purchases=c.loyal_purchases, loyal_satisfaction=c.loyal_satisfaction,
        loyal_protection=c.loyal_protection, experience_trust=c.experience_trust,
        quality=sc.product.quality, fit_penalty=sc.product.fit_penalty,
        satisfaction_noise=sc.product.satisfaction_noise, discount=p.discount,
        exclusive_discount=p.exclusive_discount, group_size=p.group_size,
        group_discount=p.group_discount, price_elasticity=p.price_elasticity,
        vip_purchases=p.vip_purchases, vip_effect=p.vip_effect,
        reviews_enabled=r.enabled, write_rate=r.write_rate, join_rate=m.join_rate,
        dialogue=m.dialogue, authenticity=sc.influencers.authenticity,
        clv_weeks=sc.budget.clv_weeks,
    )


def cents(amount: float) -> int:
    """Currency to integer cents (half away from zero)."""
    return int(math.floor(amount * 100 + 0.5))


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
    rows: dict[str, list[np.ndarray]] = {k: [] for k in Traits._fields}
    price = cents(sc.product.price)
    for stream in streams:
        def u(purpose: Purpose, stream: int = stream) -> np.ndarray:
            return uniform_array(stream, 0, n, purpose)

        radius = np.sqrt(-2.0 * np.log(1.0 - u(Purpose.APPETITE_RADIUS)))
        normal = radius * np.cos(2.0 * np.pi * u(Purpose.APPETITE_ANGLE))
        appetite = np.exp(c.appetite_sigma * normal - c.appetite_sigma**2 / 2)
        basket = np.maximum(1, np.floor(price * appetite + 0.5)).astype(np.int64)
        rows["fit"].append(u(Purpose.FIT))
        rows["interest"].append(u(Purpose.INTEREST) ** c.interest_power)
        rows["price_sensitivity"].append(u(Purpose.PRICE_SENSITIVITY))
        rows["peer_trust"].append(
            np.clip(c.peer_trust + c.trust_spread * (u(Purpose.PEER_TRUST) - 0.5), 0, 1))
        rows["brand_trust"].append(
            np.clip(c.brand_trust + c.trust_spread * (u(Purpose.BRAND_TRUST) - 0.5), 0, 1))
        rows["basket_cents"].append(basket)
        rows["cogs_cents"].append(
            np.floor(basket * sc.product.cost_share + 0.5).astype(np.int64))
        rows["reads_reviews"].append(u(Purpose.READS_REVIEWS) < c.review_readers)
    return Traits(**{k: np.stack(v) for k, v in rows.items()})


class WeekPlan(NamedTuple):
    """What the brand runs this week, per replication (bool arrays) and what it costs."""

    community: np.ndarray
    influencers: np.ndarray
    ads: np.ndarray
    promotions: np.ndarray
    fixed_cents: np.ndarray


def plan_week(sc: Scenario, week: int, remaining: np.ndarray, members: np.ndarray,
              n: int) -> WeekPlan:
    """The brand's plan for ``week`` given the money left (cents) per replication.

    Fixed costs are bought in order (community upkeep for last week's members,
    influencer fees, the ad package), each only if the money left covers it; variable
    promotions (discount subsidies, rewards, VIP perks) run while money is left after
    them, and are paid afterwards, so the last week may overspend by its variable costs.
    An activity also stops after its ``weeks`` (0: no limit).
    """
    def within(weeks: int) -> bool:
        return weeks == 0 or week <= weeks

    left = remaining.astype(np.int64).copy()
    fixed = np.zeros_like(left)

    def buy(wanted: bool, cost: np.ndarray) -> np.ndarray:
        on = np.asarray(wanted) & (cost <= left)
        paid = np.where(on, cost, 0)
        left[:] -= paid
        fixed[:] += paid
        return on

    m, i, a, p = sc.community, sc.influencers, sc.ads, sc.promotions
    community = buy(m.enabled, cents(m.upkeep) + members * cents(m.member_cost))
    influencers = buy(i.count > 0 and within(i.weeks),
                      np.full_like(left, i.count * cents(i.fee)))
    ad_cost = cents(a.reach * n * a.frequency * a.cost_per_exposure)
    ads = buy(a.reach > 0 and a.frequency > 0 and within(a.weeks),
              np.full_like(left, ad_cost))
    promos = (p.discount > 0 or p.referral_reward > 0 or p.exclusive_discount > 0
              or p.checkin_reward > 0 or p.vip_purchases > 0 or p.group_size > 0)
    promotions = np.asarray(promos and within(p.weeks)) & (left > 0)
    return WeekPlan(community, influencers, ads, promotions, fixed)


def review_boost(sc: Scenario, count: int, rating_sum: int) -> float:
    """Extra purchase chance from the review pool, for consumers who read reviews.

    Social proof ``1 - exp(-count / saturation)`` rises steeply over the first reviews
    and saturates; credibility ``1 - ((mean - best) / tolerance)^2`` (floored at -1) is
    highest at a mean rating of ``best_rating`` (4.0-4.7 converts best, a perfect 5.0
    looks less genuine) and negative for poor ratings. Returns ``lift * proof *
    credibility``; the purchase chance is multiplied by one plus it.
    """
    r = sc.reviews
    if not r.enabled or count == 0:
        return 0.0
    proof = 1.0 - math.exp(-count / r.saturation)
    mean = rating_sum / count
    credibility = max(-1.0, 1.0 - ((mean - r.best_rating) / r.rating_tolerance) ** 2)
    return r.lift * proof * credibility


def content_pressure(sc: Scenario, members: int, satisfied_members: int) -> float:
    """Weekly pull of the community's content on a member."""
    if members == 0:
        return 0.0
    return sc.community.content * satisfied_members / members


def present_values(sc: Scenario) -> np.ndarray:
    """Value at acquisition of one unit earned k weeks later, k = 0..clv_weeks - 1
    (yearly rate, 52 weeks a year)."""
    weeks = np.arange(sc.budget.clv_weeks)
    return np.array([(1.0 + sc.budget.clv_discount) ** (-int(k) / 52.0) for k in weeks])


def incentive_talk(sc: Scenario) -> float:
    """Extra weekly talk chance of customers while a referral reward is offered."""
    return sc.wom.incentive_effect * sc.promotions.referral_reward / sc.product.price


# Weekly totals that each engine computes per replication; TOTALS[k] names column k.
TOTALS = (
    "unaware", "aware", "considering", "customer", "loyal", "lapsed",
    "adopted", "new_customers", "repeat_purchases", "churned", "won_back",
    "shares", "negative_shares", "checkins", "referrals", "reviews", "rating_points",
    "joined", "community_members", "satisfied_members", "advocates", "vips",
    "promoters", "detractors", "revenue_cents", "cogs_cents", "discount_cents",
    "member_customers", "member_spend_cents", "nonmember_customers", "nonmember_spend_cents",
    *(f"customers_{name}" for name in CHANNEL_NAMES),
    "matured", *(f"matured_{name}" for name in CHANNEL_NAMES),
)
FLOAT_TOTALS = ("clv_sum", "brand_trust_sum", "fatigue_sum",
                *(f"clv_sum_{name}" for name in CHANNEL_NAMES))
TOTAL_INDEX = {name: k for k, name in enumerate(TOTALS)}
FLOAT_INDEX = {name: k for k, name in enumerate(FLOAT_TOTALS)}


def top_share_ratio(spend_cents: np.ndarray, share: float = 0.01) -> float:
    """Mean spend of the top ``share`` of customers over the mean spend of customers."""
    spend = spend_cents[spend_cents > 0]
    if spend.size == 0:
        return math.nan
    k = max(1, int(round(spend.size * share)))
    top = np.partition(spend, spend.size - k)[spend.size - k:]  # the k largest, O(n)
    return (int(top.sum()) / k) / (int(spend.sum()) / spend.size)


def columns_of(sc: Scenario, totals: np.ndarray, floats: np.ndarray, cost_cents: np.ndarray,
               spent_cents: np.ndarray, review_count: np.ndarray, rating_sum: np.ndarray,
               top1: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Output columns of one step from the per-replication totals (arrays of shape (reps,)).

    ``totals`` has shape (reps, len(TOTALS)) and ``floats`` (reps, len(FLOAT_TOTALS)).
    """
    def t(name: str) -> np.ndarray:
        return totals[:, TOTAL_INDEX[name]]

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full(len(den), np.nan), where=den > 0)

    revenue = t("revenue_cents")
    profit = revenue - t("cogs_cents") - cost_cents
    ever = t("adopted")
    respondents = t("customer") + t("loyal")
    members = t("community_members")
    out = {
        "adopted": ever,
        "unaware": t("unaware"), "aware": t("aware"), "considering": t("considering"),
        "customers": t("customer") + t("loyal"), "loyal": t("loyal"), "lapsed": t("lapsed"),
        "new_customers": t("new_customers"), "repeat_purchases": t("repeat_purchases"),
        "churned": t("churned"), "won_back": t("won_back"),
        "conversion_rate": ever / n,
        "revenue": revenue / 100, "cost": cost_cents / 100, "profit": profit / 100,
        "cumulative_cost": spent_cents / 100,
        "shares": t("shares"), "negative_shares": t("negative_shares"),
        "checkins": t("checkins"), "referrals": t("referrals"),
        "reviews": t("reviews"), "review_count": review_count,
        "mean_rating": ratio(rating_sum, review_count),
        "nps": 100 * ratio(t("promoters") - t("detractors"), respondents),
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
        count = t(f"customers_{name}")
        out[f"customers_{name}"] = count
        matured = t(f"matured_{name}")
        out[f"clv_{name}"] = ratio(floats[:, FLOAT_INDEX[f"clv_sum_{name}"]], matured) / 100
    return out
