"""Every formula of the commerce model's week, written once as plain Python.

The reference engine (:class:`sim.commerce.shopper.Shopper`) calls these functions as
they are; the fast engine's kernels (:mod:`sim.commerce.kernel`) call the very same
functions, which numba compiles (``register_jitable`` leaves each one a plain Python
function and teaches numba to compile it where a kernel calls it). Both engines thus
evaluate each formula with the same operations in the same order and round
identically. Only arithmetic, ``min``, ``max`` and ``abs`` are used: no transcendental
functions whose last bit could differ between libraries.

References
----------
Bijmolt, T. H. A., van Heerde, H. J. and Pieters, R. G. M. (2005). New empirical
generalizations on the determinants of price elasticity. Journal of Marketing Research
42(2), 141-156.
Goldenberg, J., Libai, B. and Muller, E. (2001). Talk of the network: a complex systems
look at the underlying process of word-of-mouth. Marketing Letters 12(3), 211-223.
Kalyanaram, G. and Winer, R. S. (1995). Empirical generalizations from reference price
research. Marketing Science 14(3), G161-G169.
Kivetz, R., Urminsky, O. and Zheng, Y. (2006). The goal-gradient hypothesis resurrected:
purchase acceleration, illusionary goal progress, and customer retention. Journal of
Marketing Research 43(1), 39-58.
Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review
81(12), 46-54.
Smith, A. K., Bolton, R. N. and Wagner, J. (1999). A model of customer satisfaction with
service encounters involving failure and recovery. Journal of Marketing Research 36(3),
356-372.
"""

from __future__ import annotations

import numpy as np
from numba.extending import register_jitable

from .state import (
    FLOAT_INDEX,
    TALK_MASK,
    TOTAL_INDEX,
    Channel,
    Event,
    Stage,
    State,
    Talk,
)

POSITIVE, SILENT, NEGATIVE = int(Talk.POSITIVE), int(Talk.SILENT), int(Talk.NEGATIVE)
AD, PEER, INFLUENCER = int(Channel.AD), int(Channel.PEER), int(Channel.INFLUENCER)
REVIEW, PROMOTION, ORGANIC = int(Channel.REVIEW), int(Channel.PROMOTION), int(Channel.ORGANIC)
CUSTOMER, LOYAL = int(Stage.CUSTOMER), int(Stage.LOYAL)


@register_jitable(inline="always")
def either(a: float, b: float) -> float:
    """Chance that at least one of two independent pulls succeeds."""
    return 1.0 - (1.0 - a) * (1.0 - b)


@register_jitable(inline="always")
def pressure(beta: float, weight: float, trust: float) -> float:
    """Word-of-mouth pressure of one message over a tie: ``min(1, beta * |w| * trust)``
    (Goldenberg, Libai and Muller 2001).

    The cap keeps the pull of one tie a probability on weights beyond 1 (ratings such
    as -10..10 read from a file): the listener's chance that no message got through,
    ``prod(1 - x_j)``, then never goes negative, so a stronger tie or one more talking
    tie never lowers the pull. It is never below 0: ``beta``, ``|w|`` and ``trust``
    are not negative. Shipped networks have ``|w| <= 1``, where the cap never binds.
    """
    return min(1.0, beta * abs(weight) * trust)


@register_jitable(inline="always")
def hear(heard: tuple[float, float, float, int, int], said: int, influencer: bool,
         bought: bool, sponsoring: bool, weight: float, trust: float,
         voice: tuple[float, float, float]) -> tuple[float, float, float, int, int]:
    """Fold one tie into what a listener heard this week.

    ``heard`` is (chance no positive peer message got through, no influencer message,
    no negative message, sponsored posts seen, sources who bought last week); ``voice``
    is (``wom.beta``, ``wom.negativity``, ``influencers.authenticity``). A message is
    effectively positive if it was positive on a non-negative tie or negative on a
    distrust tie. A sponsored post (an influencer's, in a week its fee is paid) counts
    with credibility ``authenticity``.
    """
    pos_stay, inf_stay, neg_stay, sponsored, friends_bought = heard
    beta, negativity, authenticity = voice
    if said != SILENT:
        x = pressure(beta, weight, trust)
        if (said == POSITIVE) == (weight >= 0.0):
            if influencer:
                inf_stay *= 1.0 - x
            else:
                pos_stay *= 1.0 - x
        else:
            neg_stay *= 1.0 - min(1.0, negativity * x)
    if sponsoring and influencer:
        sponsored += 1
        x = pressure(beta * authenticity, weight, trust)
        if weight >= 0.0:
            inf_stay *= 1.0 - x
        else:
            neg_stay *= 1.0 - min(1.0, negativity * x)
    if bought:
        friends_bought += 1
    return pos_stay, inf_stay, neg_stay, sponsored, friends_bought


@register_jitable(inline="always")
def pressures(heard: tuple[float, float, float, int, int], in_community: bool,
              content: float) -> tuple[float, float, float]:
    """(peer, influencer, negative) chances that at least one message got through,
    ``1 - prod(1 - x_j)``; a member of a funded community also feels its content."""
    peer = 1.0 - heard[0]
    if in_community:
        peer = either(peer, content)
    return peer, 1.0 - heard[1], 1.0 - heard[2]


@register_jitable(inline="always")
def stronger(best: float, how: int, pull: float, channel: int) -> tuple[float, int]:
    """Channel attribution, one candidate at a time: the larger pull wins, a tie keeps
    the earlier candidate."""
    if pull > best:
        return pull, channel
    return best, how


@register_jitable
def touch_of(ad: float, peer: float, influencer: float, discovery: float) -> int:
    """The channel that made a consumer aware: the strongest of ad, peer, influencer
    and organic discovery."""
    best, how = ad, AD
    best, how = stronger(best, how, peer, PEER)
    best, how = stronger(best, how, influencer, INFLUENCER)
    return stronger(best, how, discovery, ORGANIC)[1]


@register_jitable
def channel_of(base: float, touch: int, review_mult: float, price_mult: float, ad: float,
               peer_fit: float, influencer: float) -> int:
    """Acquisition channel of a first purchase: the largest contribution to its chance
    (own pull via the awareness touch, reviews, promotion, ad, peer, influencer)."""
    best, how = base, touch
    best, how = stronger(best, how, base * (review_mult - 1.0), REVIEW)
    best, how = stronger(best, how, base * review_mult * (price_mult - 1.0), PROMOTION)
    best, how = stronger(best, how, ad, AD)
    best, how = stronger(best, how, peer_fit, PEER)
    return stronger(best, how, influencer, INFLUENCER)[1]


@register_jitable(inline="always")
def awareness_chance(ad: float, peer: float, influencer: float, discovery: float) -> float:
    """Unaware to aware: any of ad, peer, influencer or discovery gets through."""
    return either(either(ad, peer), either(influencer, discovery))


@register_jitable(inline="always")
def pull_chance(own: float, ad: float, peer_fit: float, influencer: float) -> float:
    """Aware to considering, and considering to buying: the consumer's own pull, the ad,
    fit-scaled peer pressure or influencers move it."""
    return either(either(own, ad), either(peer_fit, influencer))


@register_jitable(inline="always")
def winback_chance(ad: float, peer_fit: float, influencer: float) -> float:
    """Lapsed to considering: ad, fit-scaled peer pressure or influencers win it back."""
    return either(either(ad, peer_fit), influencer)


@register_jitable(inline="always")
def response(fatigue: float, half_response: float) -> float:
    """Response to an exposure after fatigue: 1 when fresh, 1/2 at ``half_response``."""
    return 1.0 / (1.0 + fatigue / half_response)


@register_jitable
def ad_pull(exposures: int, effect: float, brand_trust: float, response: float) -> float:
    """Chance that at least one of this week's ad exposures moves the consumer."""
    miss = 1.0
    per_exposure = effect * brand_trust * response
    for _ in range(exposures):
        miss *= 1.0 - per_exposure
    return 1.0 - miss


@register_jitable(inline="always")
def reach_chance(reach: float, targeting: float, interest: float, mean_interest: float) -> float:
    """Chance of being reached; targeting shifts reach to the interested (same mean while
    no chance is capped at 1)."""
    return min(1.0, reach * (1.0 - targeting + targeting * interest / mean_interest))


@register_jitable(inline="always")
def fatigue_after(fatigue: float, decay: float, exposures: int) -> float:
    """Fatigue this week: what remains of last week's plus this week's exposures."""
    return fatigue * decay + exposures


@register_jitable
def trust_after_exposure(brand_trust: float, baseline: float, fatigue: float,
                         threshold: float, erosion: float, recovery: float,
                         dialogue: float) -> float:
    """Brand trust after a week of exposure and dialogue.

    Fatigue over the threshold erodes a share ``erosion * (fatigue - threshold)`` of the
    trust (capped at all of it). Trust below the consumer's baseline (lost to complaints
    heard, bad experiences or fatigue) heals a share ``recovery`` of the gap, and a
    share ``dialogue`` more for a member of a funded community: the brand answers
    complaints (service recovery, Smith, Bolton and Wagner 1999). Healing never takes
    trust above the baseline, so dialogue only restores trust that was lost.
    """
    trust = brand_trust
    if fatigue > threshold:
        trust -= min(1.0, erosion * (fatigue - threshold)) * brand_trust
    if brand_trust < baseline:
        trust += min(1.0, recovery + dialogue) * (baseline - brand_trust)
    return trust


@register_jitable(inline="always")
def clip01(x: float) -> float:
    """``x`` clipped to [0, 1]."""
    return min(1.0, max(0.0, x))


@register_jitable(inline="always")
def price_cut(discount: float, member_cut: float, group_cut: float) -> float:
    """The best offer a consumer is entitled to this week (offers do not stack)."""
    return max(discount, max(member_cut, group_cut))


@register_jitable(inline="always")
def price_paid(price: float, cut: float) -> float:
    """The price of an average basket after a price cut ``cut``."""
    return price * (1.0 - cut)


@register_jitable(inline="always")
def price_response(elasticity: float, sensitivity: float, reference: float,
                   paid: float) -> float:
    """Purchase-chance multiplier of a price against the consumer's reference price.

    The linearised constant-elasticity response ``1 - e * (paid - reference) /
    reference``, floored at 0, with the consumer's own elasticity ``e = elasticity * 2 *
    sensitivity`` (sensitivity is uniform on [0, 1), so the mean is ``elasticity``;
    Bijmolt, van Heerde and Pieters 2005 report a mean of -2.62). A price under the
    reference (a discount) raises the chance, a price over it (a list price above the
    going price, or a discount that has ended) lowers it.
    """
    return max(0.0, 1.0 - elasticity * 2.0 * sensitivity * (paid - reference) / reference)


@register_jitable(inline="always")
def reference_after(reference: float, memory: float, paid: float) -> float:
    """Reference price after a purchase at ``paid``: exponential smoothing
    ``memory * reference + (1 - memory) * paid`` (adaptation level; Kalyanaram and
    Winer 1995), so a discount's after-effect fades with each purchase at list price."""
    return memory * reference + (1.0 - memory) * paid


@register_jitable(inline="always")
def goal_gradient(effect: float, points: int, threshold: int) -> float:
    """Repeat-purchase multiplier of a loyalty-card holder with ``points`` of the
    ``threshold`` a reward needs: ``1 + effect * points / threshold``, rising as the
    reward comes closer (goal gradient, Kivetz, Urminsky and Zheng 2006)."""
    return 1.0 + effect * points / threshold


@register_jitable
def rewards_pull(mult: float, promotions: bool, purchases: int, points: int,
                 vip: tuple[int, float], card: tuple[int, int, float]) -> float:
    """Repeat-purchase multiplier ``mult`` times the pull of the rewards a customer works
    for while promotions run.

    ``vip`` is (``promotions.vip_purchases``, ``promotions.vip_effect``): a VIP (0: no VIP
    programme) buys again ``1 + vip_effect`` times as often. ``card`` is
    (``loyalty.points_per_purchase``, ``loyalty.threshold``, ``loyalty.effect``): with a
    loyalty programme, times :func:`goal_gradient` of the points held.
    """
    if promotions and 0 < vip[0] <= purchases:
        mult = mult * (1.0 + vip[1])
    if promotions and card[0] > 0:
        mult = mult * goal_gradient(card[2], points, card[1])
    return mult


@register_jitable(inline="always")
def earn_points(points: int, promotions: bool, card: tuple[int, int, float]) -> tuple[int, bool]:
    """Points after a purchase and whether they bought a reward.

    While promotions run, a purchase earns ``card[0]`` points (``loyalty.points_per_purchase``,
    at most the threshold ``card[1]``); reaching the threshold redeems it for one reward.
    Returns (points, redeemed), the points left always below the threshold.
    """
    if not promotions or card[0] == 0:
        return points, False
    points += card[0]
    if points >= card[1]:
        return points - card[1], True
    return points, False


@register_jitable
def experience(quality: float, fit_penalty: float, noise: float, fit: float,
               u: float) -> float:
    """Satisfaction from one purchase: quality, less misfit, plus uniform noise."""
    return min(1.0, max(0.0, quality - fit_penalty * (1.0 - fit) + noise * (u - 0.5)))


@register_jitable
def churn_chance(churn_rate: float, satisfaction: float, negative: float,
                 protection: float) -> float:
    """Weekly chance a customer lapses: dissatisfaction plus complaints heard."""
    return min(1.0, churn_rate * ((1.0 - satisfaction) + negative) * (1.0 - protection))


@register_jitable(inline="always")
def talk_chance(talk_rate: float, satisfaction: float, incentive: float,
                advocate_bonus: float) -> float:
    """Weekly chance a satisfied customer recommends the product."""
    return talk_rate * satisfaction + incentive + advocate_bonus


@register_jitable(inline="always")
def stage_after_purchase(purchases: int, satisfaction: float, loyal_purchases: int,
                         loyal_satisfaction: float) -> int:
    """Loyal once enough purchases were made at enough satisfaction, else customer."""
    if purchases >= loyal_purchases and satisfaction >= loyal_satisfaction:
        return LOYAL
    return CUSTOMER


@register_jitable(inline="always")
def discount_cents(basket_cents: int, cut: float) -> int:
    """The price cut of a purchase in cents (half up)."""
    return int(basket_cents * cut + 0.5)


@register_jitable(inline="always")
def rating_of(satisfaction: float) -> int:
    """Star rating 1-5 of a review written after an experience."""
    return 1 + min(4, int(satisfaction * 5.0))


_T, _F = TOTAL_INDEX, FLOAT_INDEX
T_ADOPTED, T_NEW, T_REPEAT = _T["adopted"], _T["new_customers"], _T["repeat_purchases"]
T_CHURNED, T_WON_BACK, T_SHARES = _T["churned"], _T["won_back"], _T["shares"]
T_NEG_SHARES, T_CHECKINS, T_REFERRALS = _T["negative_shares"], _T["checkins"], _T["referrals"]
T_REDEMPTIONS = _T["redemptions"]
T_REVIEWS, T_RATING, T_JOINED = _T["reviews"], _T["rating_points"], _T["joined"]
T_MEMBERS, T_SAT_MEMBERS = _T["community_members"], _T["satisfied_members"]
T_ADVOCATES, T_VIPS, T_PROMOTERS = _T["advocates"], _T["vips"], _T["promoters"]
T_DETRACTORS, T_REVENUE, T_COGS = _T["detractors"], _T["revenue_cents"], _T["cogs_cents"]
T_DISCOUNT, T_MEMBER_CUST = _T["discount_cents"], _T["member_customers"]
T_MEMBER_SPEND, T_NONMEMBER_CUST = _T["member_spend_cents"], _T["nonmember_customers"]
T_NONMEMBER_SPEND, T_MATURED = _T["nonmember_spend_cents"], _T["matured"]
T_CHANNEL0 = _T["customers_seed"] - int(Channel.SEED)
T_MATURED0 = _T["matured_seed"] - int(Channel.SEED)
F_CLV, F_TRUST, F_FATIGUE = _F["clv_sum"], _F["brand_trust_sum"], _F["fatigue_sum"]
F_CHANNEL0 = _F["clv_sum_seed"] - int(Channel.SEED)
EV_NEW, EV_REPEAT, EV_CHURNED = int(Event.NEW), int(Event.REPEAT), int(Event.CHURNED)
EV_REVIEWED, EV_JOINED, EV_WON_BACK = int(Event.REVIEWED), int(Event.JOINED), int(Event.WON_BACK)
EV_REFERRAL, EV_CHECKIN, EV_REDEEMED = int(Event.REFERRAL), int(Event.CHECKIN), int(Event.REDEEMED)
EV_BOUGHT = EV_NEW | EV_REPEAT


#: Consumers per block of the weekly totals: the float totals are summed block by block
#: (:func:`tally_floats`), and :func:`sim.commerce.kernel.totals` runs blocks in parallel.
TALLY_BLOCK = 16384


@register_jitable
def tally(t, fl, r: int, step: int, prm, state: State, basket, cogs,
          promotions: bool) -> None:
    """Add replication ``r``'s week to its totals ``t`` (int, :data:`TOTALS` order) and
    ``fl`` (float, :data:`FLOAT_TOTALS` order): :func:`tally_counts` over every
    consumer, then :func:`tally_floats` block by block, each block's sums added to ``fl``
    in block order."""
    n = state.stage.shape[1]
    tally_counts(t, r, step, prm, state, basket, cogs, promotions, 0, n)
    for lo in range(0, n, TALLY_BLOCK):
        part = np.zeros(fl.size)
        tally_floats(part, r, step, prm, state, lo, min(n, lo + TALLY_BLOCK))
        for k in range(fl.size):
            fl[k] += part[k]


@register_jitable
def tally_counts(t, r: int, step: int, prm, state: State, basket, cogs, promotions: bool,
                 lo: int, hi: int) -> None:
    """Add the integer totals ``t`` (:data:`TOTALS` order) of replication ``r``'s
    consumers ``lo..hi-1``; integer sums, so they may be split and added in any order.

    Most consumers in most weeks did nothing, said nothing, never bought and are not
    members: they only add to their stage's count. A first pass counts the stages and
    lists the others without branching on them (in random order, such branches are
    mispredicted often); the second counts the rest for those listed.

    NPS counts promoters (satisfaction >= ``promoter_above``) and detractors
    (satisfaction < ``detractor_below``) among active customers (Reichheld 2003): the
    likelihood to recommend is the customer's own experience of the product.
    """
    stage, signal, event = state.stage[r], state.signal[r], state.event[r]
    member, purchases, satisfaction = state.member[r], state.purchases[r], state.satisfaction[r]
    listed = np.empty(hi - lo, dtype=np.int64)
    k = 0
    for i in range(lo, hi):
        s = stage[i]
        t[s] += 1
        listed[k] = i
        k += ((event[i] != 0) | (signal[i] & TALK_MASK != 0) | (member[i] != 0)
              | (purchases[i] > 0) | (s >= CUSTOMER))
    vip = prm.promotions_vip_purchases
    for i in listed[:k]:
        s = stage[i]
        said = signal[i] & TALK_MASK
        if said == POSITIVE:
            t[T_SHARES] += 1
        elif said == NEGATIVE:
            t[T_NEG_SHARES] += 1
        ev = event[i]
        if ev != 0:
            tally_events(t, ev, state.rating[r, i])
            if ev & EV_BOUGHT:
                t[T_REVENUE] += basket[r, i]
                t[T_COGS] += cogs[r, i]
                t[T_DISCOUNT] += state.paid_discount[r, i]
        sat = satisfaction[i]
        ever = purchases[i] > 0
        active = s == CUSTOMER or s == LOYAL
        if member[i] == 1:
            t[T_MEMBERS] += 1
            if active and sat >= prm.wom_dissatisfied_below:
                t[T_SAT_MEMBERS] += 1
            if ever:
                t[T_MEMBER_CUST] += 1
                t[T_MEMBER_SPEND] += state.spend[r, i]
        elif ever:
            t[T_NONMEMBER_CUST] += 1
            t[T_NONMEMBER_SPEND] += state.spend[r, i]
        if s == LOYAL and sat >= prm.wom_promoter_above:
            t[T_ADVOCATES] += 1
        if active and 0 < vip <= purchases[i] and promotions:
            t[T_VIPS] += 1
        if ever:
            t[T_ADOPTED] += 1
            c = state.channel[r, i]
            t[T_CHANNEL0 + c] += 1
            if step - state.first_step[r, i] >= prm.budget_clv_weeks:
                t[T_MATURED] += 1
                t[T_MATURED0 + c] += 1
        if active:
            if sat >= prm.wom_promoter_above:
                t[T_PROMOTERS] += 1
            elif sat < prm.wom_detractor_below:
                t[T_DETRACTORS] += 1


@register_jitable(inline="always")
def tally_events(t, ev: int, rating: int) -> None:
    """Add the counts of one consumer's nonzero week ``ev`` (:class:`Event` bits) to
    ``t``; ``rating``: the stars of the review it wrote, if it did."""
    for bit, k in ((EV_CHECKIN, T_CHECKINS), (EV_NEW, T_NEW), (EV_REPEAT, T_REPEAT),
                   (EV_CHURNED, T_CHURNED), (EV_WON_BACK, T_WON_BACK),
                   (EV_REFERRAL, T_REFERRALS), (EV_REVIEWED, T_REVIEWS),
                   (EV_JOINED, T_JOINED), (EV_REDEEMED, T_REDEMPTIONS)):
        if ev & bit:
            t[k] += 1
    if ev & EV_REVIEWED:
        t[T_RATING] += rating


@register_jitable
def tally_floats(fl, r: int, step: int, prm, state: State, lo: int, hi: int) -> None:
    """Add the float totals ``fl`` (:data:`FLOAT_TOTALS` order) of replication ``r``'s
    consumers ``lo..hi-1``, consumer by consumer in index order.

    A float sum depends on its order, so both engines sum the same way: each block of
    :data:`TALLY_BLOCK` consumers in index order from zero, then the blocks' sums in
    block order (:func:`tally`; :func:`sim.commerce.kernel.totals` sums the blocks in
    parallel). The result does not depend on the thread count; a population of at most
    one block is summed in plain index order.
    """
    for i in range(lo, hi):
        if state.purchases[r, i] > 0 and step - state.first_step[r, i] >= prm.budget_clv_weeks:
            fl[F_CLV] += state.clv[r, i]
            fl[F_CHANNEL0 + state.channel[r, i]] += state.clv[r, i]
        fl[F_TRUST] += state.brand_trust[r, i]
        fl[F_FATIGUE] += state.fatigue[r, i]
