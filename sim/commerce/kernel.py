"""numba kernels of the commerce model's week (fast engine, :class:`sim.fast.WomModel`).

A week is three kernels over a batch of replications: :func:`talk` (phase 1: who
speaks), :func:`act` (phase 2: listen, exposure, funnel, purchase, review, community)
and :func:`totals` (the week's sums). They take grouped arguments: the :class:`State`
record, the consumers' :class:`~sim.commerce.traits.Traits`, the network as a ``graph``
tuple ``(indptr, indices, weights)`` (CSR by listener), the brand's
:class:`~sim.commerce.brand.WeekPlan` and :class:`~sim.commerce.brand.Signals`, and
:class:`~sim.commerce.params.Params`. Every formula comes from
:mod:`sim.commerce.rules`, compiled from the same source the reference engine runs;
the twin of these kernels is :class:`sim.commerce.shopper.Shopper`, whose methods
have the same names. Every consumer's work is independent, so the loops run in
parallel with identical results for any thread count.

The arrays a kernel writes are taken out of the :class:`State` record before its
parallel loop: numba (0.68) loses the writes to a record's array looked up inside a
``prange`` loop.

References
----------
Goldenberg, J., Libai, B. and Muller, E. (2001). Talk of the network: a complex systems
look at the underlying process of word-of-mouth. Marketing Letters 12(3), 211-223.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numba.extending import register_jitable

from ..jit import block, blocks
from ..rng import Purpose, draw, prefix_table, prefixes
from . import events, rules
from .state import (
    BOUGHT_BIT,
    FLOAT_TOTALS,
    INFLUENCER_BIT,
    TALK_MASK,
    TOTALS,
    Event,
    Stage,
    Talk,
    top_share_ratio,
)

UNAWARE, AWARE, CONSIDERING = int(Stage.UNAWARE), int(Stage.AWARE), int(Stage.CONSIDERING)
CUSTOMER, LOYAL, LAPSED = int(Stage.CUSTOMER), int(Stage.LOYAL), int(Stage.LAPSED)
SILENT, POSITIVE, NEGATIVE = int(Talk.SILENT), int(Talk.POSITIVE), int(Talk.NEGATIVE)
P_TALK, P_CHECKIN, P_SOURCE = int(Purpose.TALK), int(Purpose.CHECKIN), int(Purpose.SOURCE)
# the purposes of act's draws, and their columns in its prefix table
ACT_PURPOSES = tuple(int(p) for p in (
    Purpose.AD_REACH, Purpose.NEGATIVE, Purpose.MOVE, Purpose.BUY, Purpose.CHURN,
    Purpose.SATISFACTION, Purpose.REVIEW, Purpose.JOIN, Purpose.FORGET))
A_AD, A_NEGATIVE, A_MOVE, A_BUY, A_CHURN, A_SATISFACTION, A_REVIEW, A_JOIN, A_FORGET = range(9)
EV_NEW, EV_REPEAT, EV_CHURNED = int(Event.NEW), int(Event.REPEAT), int(Event.CHURNED)
EV_REVIEWED, EV_JOINED, EV_WON_BACK = int(Event.REVIEWED), int(Event.JOINED), int(Event.WON_BACK)
EV_REFERRAL, EV_CHECKIN, EV_REDEEMED = int(Event.REFERRAL), int(Event.CHECKIN), int(Event.REDEEMED)
CH_PEER = int(rules.PEER)
N_TOTALS, N_FLOATS = len(TOTALS), len(FLOAT_TOTALS)


@njit(cache=True, parallel=True)
def talk(step, streams, prm, state, promotions):
    """Phase 1 of a week: who talks (and how), who checks in, who bought last week.

    Twin of :meth:`sim.commerce.shopper.Shopper.talk`; reads only the previous state.
    What listeners need to know of a consumer this week is packed in one byte,
    ``signal = talk | influencer << 2 | bought_last_week << 3``, so the edge loop of
    :func:`act` gathers a single byte per tie (and skips silent ties).
    ``promotions[r]`` says whether replication r runs its promotions this week.
    """
    reps, n = state.stage.shape
    pre_talk = prefixes(streams, step, P_TALK)
    pre_checkin = prefixes(streams, step, P_CHECKIN)
    checkin_offered = prm.promotions_checkin_reward > 0
    signal, event = state.signal, state.event
    per = blocks(n)
    for job in prange(reps * per):
        r, lo, hi = block(job, per, n)
        for i in range(lo, hi):
            s = state.stage[r, i]
            sat = state.satisfaction[r, i]
            said = SILENT
            ev = 0
            if s == CUSTOMER or s == LOYAL:
                if sat < prm.wom_dissatisfied_below:
                    if draw(pre_talk[r], i) < prm.wom_negative_talk:
                        said = NEGATIVE
                else:
                    advocate = s == LOYAL and sat >= prm.wom_promoter_above
                    bonus = prm.wom_advocate_talk if advocate else 0.0
                    extra = prm.incentive if promotions[r] else 0.0
                    if draw(pre_talk[r], i) < rules.talk_chance(prm.wom_talk_rate, sat, extra,
                                                                bonus):
                        said = POSITIVE
                    if (checkin_offered and promotions[r] and state.last_step[r, i] == step - 1
                            and draw(pre_checkin[r], i) < prm.promotions_checkin_rate):
                        said = POSITIVE
                        ev = EV_CHECKIN
            elif s == LAPSED and sat < prm.wom_dissatisfied_below:
                if draw(pre_talk[r], i) < prm.wom_negative_talk:
                    said = NEGATIVE
            bought = 1 if state.last_step[r, i] == step - 1 else 0
            signal[r, i] = (said | (state.influencer[r, i] << INFLUENCER_BIT)
                            | (bought << BOUGHT_BIT))
            event[r, i] = ev


@njit(cache=True, parallel=True)
def listen(prm, speakers, traits, state, plan, hearing):
    """What every listener hears this week, pushed by the speakers (phase 2's first part
    when a batch has replications for every thread).

    ``speakers`` is the network by speaker (:func:`sim.network.speaker_rows`). Each
    replication's speakers with a nonzero ``signal`` push, in increasing id, into their
    listeners' ``hearing`` arrays with :func:`rules.hear`: a listener receives its ties
    in the order of its own row (rows are sorted by source id), so the products are the
    ones :func:`act` folds when it scans the row, and the cost follows the ties that
    carry a signal rather than all ties.
    """
    indptr, indices, weights = speakers
    reps, n = state.stage.shape
    voice = (prm.wom_beta, prm.wom_negativity, prm.influencers_authenticity)
    no_peer, no_influencer, no_negative = (hearing.no_peer, hearing.no_influencer,
                                           hearing.no_negative)
    sponsored, friends_bought = hearing.sponsored, hearing.friends_bought
    signal, peer_trust = state.signal, traits.peer_trust
    for r in prange(reps):
        no_peer[r], no_influencer[r], no_negative[r] = 1.0, 1.0, 1.0
        sponsored[r], friends_bought[r] = 0, 0
        for j in range(n):
            sig = signal[r, j]
            if sig == 0:
                continue
            said, infl = sig & TALK_MASK, (sig >> INFLUENCER_BIT) & 1 == 1
            bought = (sig >> BOUGHT_BIT) & 1 == 1
            for e in range(indptr[j], indptr[j + 1]):
                i = indices[e]
                (no_peer[r, i], no_influencer[r, i], no_negative[r, i], sponsored[r, i],
                 friends_bought[r, i]) = rules.hear(
                    (no_peer[r, i], no_influencer[r, i], no_negative[r, i],
                     np.int64(sponsored[r, i]), np.int64(friends_bought[r, i])),
                    said, infl, bought, plan.influencers[r], np.float64(weights[e]),
                    peer_trust[r, i], voice)


@register_jitable(inline="always")
def heard_of(hearing, pushed, r, i, signal, sponsoring, trust, voice):
    """What consumer ``i`` of replication ``r`` heard this week (the tuple of
    :func:`rules.hear`): read from what :func:`listen` pushed, or folded from its row."""
    if pushed:
        return (hearing.no_peer[r, i], hearing.no_influencer[r, i], hearing.no_negative[r, i],
                np.int64(hearing.sponsored[r, i]), np.int64(hearing.friends_bought[r, i]))
    heard = (1.0, 1.0, 1.0, np.int64(0), np.int64(0))
    for e in range(hearing.indptr[i], hearing.indptr[i + 1]):
        sig = signal[r, hearing.indices[e]]
        if sig != 0:
            heard = rules.hear(heard, sig & TALK_MASK, (sig >> INFLUENCER_BIT) & 1 == 1,
                               (sig >> BOUGHT_BIT) & 1 == 1, sponsoring,
                               np.float64(hearing.weights[e]), trust, voice)
    return heard


@register_jitable
def see(prm, reached, fatigue, sponsored, bt, baseline, dialogue):
    """Exposure of one consumer this week, twin of :meth:`Shopper.see
    <sim.commerce.shopper.Shopper.see>`: (ad pull, fatigue, brand trust after exposure and
    dialogue). ``reached``: the ad package reached it; ``sponsored``: posts seen."""
    exposures = prm.ads_frequency if reached else 0
    fat = rules.fatigue_after(fatigue, prm.fatigue_decay, exposures + sponsored)
    ad = rules.ad_pull(exposures, prm.ads_effect, bt,
                       rules.response(fat, prm.fatigue_half_response))
    return ad, fat, rules.trust_after_exposure(bt, baseline, fat, prm.fatigue_threshold,
                                               prm.fatigue_erosion, prm.fatigue_recovery,
                                               dialogue)


@register_jitable
def offer(prm, promotions, is_member, friends_bought, sensitivity, reference):
    """This week's offer to one consumer, twin of :meth:`Shopper.offer
    <sim.commerce.shopper.Shopper.offer>`: (price cut, price paid for an average basket,
    purchase-chance multiplier of that price against its reference price)."""
    cut = 0.0
    if promotions:
        cut = rules.price_cut(
            prm.promotions_discount, prm.promotions_exclusive_discount if is_member else 0.0,
            prm.promotions_group_discount
            if 0 < prm.promotions_group_size <= friends_bought else 0.0)
    paid = rules.price_paid(prm.product_price, cut)
    return cut, paid, rules.price_response(prm.promotions_price_elasticity, sensitivity,
                                           reference, paid)


@register_jitable
def note(move, terms, pulls, listener, graph, pre):
    """The event-log row of one consumer's week, twin of :meth:`Shopper.note
    <sim.commerce.shopper.Shopper.note>`: (``Happening`` code, channel, source).

    ``move``, ``terms`` and ``pulls`` are those of :func:`events.classify`; ``listener``
    is (replication, consumer, this week's signals, peer trust, sponsoring, voice,
    community content felt). A source is drawn (purpose ``SOURCE``) among the ties of the
    credited pool, in CSR order, with chance proportional to :func:`events.tie_pull`.
    """
    kind, how, pool = events.classify(move, terms, pulls)
    if pool == events.P_TOUCH:
        return kind, how, events.FROM_TOUCH
    if pool == events.P_NONE:
        return kind, how, events.NO_SOURCE
    r, i, signal, trust, sponsoring, voice, content = listener
    indptr, indices, weights = graph
    start = indptr[i]
    pulled = np.empty(indptr[i + 1] - start)
    for e in range(start, indptr[i + 1]):
        sig = signal[r, indices[e]]
        pulled[e - start] = events.tie_pull(pool, sig & TALK_MASK,
                                            (sig >> INFLUENCER_BIT) & 1 == 1, sponsoring,
                                            np.float64(weights[e]), trust, voice)
    extra = content if pool == events.P_PEER else 0.0
    k = events.chosen(pulled, extra, draw(pre, i))
    how, source = events.outcome(how, k, indices[start + k] if k >= 0 else -1, extra)
    return kind, how, source


@njit(cache=True, parallel=True)
def act(step, streams, prm, hearing, traits, state, plan, signals, present_values, log):
    """Phase 2 of a week: listen, get exposed, move through the funnel, buy, review, join.

    Twin of :meth:`sim.commerce.shopper.Shopper.act`. Reads neighbours only through
    phase 1's ``signal``, and writes only the consumer's own entries. ``hearing`` is a
    :class:`~sim.commerce.state.Hearing`: what :func:`listen` pushed, or, when its heard
    arrays are empty, the rows each listener scans itself. ``log`` is (keep the event
    log?, the week's slots of :class:`~sim.commerce.events.EventLog`); when off,
    nothing of the log is computed.
    """
    graph = (hearing.indptr, hearing.indices, hearing.weights)
    pushed = hearing.no_peer.shape[1] > 0
    log_on, log_kind, log_channel, log_source = log
    reps, n = state.stage.shape
    pre = prefix_table(streams, step, ACT_PURPOSES)
    pre_source = prefixes(streams[:reps if log_on else 0], step, P_SOURCE)  # none when off
    stage, brand_trust, fatigue, satisfaction = (state.stage, state.brand_trust,
                                                 state.fatigue, state.satisfaction)
    purchases, spend, clv, channel = state.purchases, state.spend, state.clv, state.channel
    touch, member, first_step, last_step = (state.touch, state.member, state.first_step,
                                            state.last_step)
    reference, event, paid_discount, rating, points = (
        state.reference, state.event, state.paid_discount, state.rating, state.points)
    voice = (prm.wom_beta, prm.wom_negativity, prm.influencers_authenticity)
    vip = (prm.promotions_vip_purchases, prm.promotions_vip_effect)
    card = (prm.loyalty_points_per_purchase, prm.loyalty_threshold, prm.loyalty_effect)
    per = blocks(n)
    for job in prange(reps * per):
        r, lo, hi = block(job, per, n)
        for i in range(lo, hi):
            s = stage[r, i]
            f, want = traits.fit[r, i], traits.interest[r, i]
            bt = brand_trust[r, i]
            is_member = member[r, i] == 1
            in_community = is_member and plan.community[r]
            heard = heard_of(hearing, pushed, r, i, state.signal, plan.influencers[r],
                             traits.peer_trust[r, i], voice)
            peer, infl, negative = rules.pressures(heard, in_community, signals.content[r])
            reached = plan.ads[r] and draw(pre[r, A_AD], i) < rules.reach_chance(
                prm.ads_reach, prm.ads_targeting, want, prm.mean_interest)
            ad, fat, new_bt = see(prm, reached, fatigue[r, i], heard[3], bt,
                                  traits.brand_trust[r, i],
                                  prm.community_dialogue if in_community else 0.0)
            heard_negative = negative > 0.0 and draw(pre[r, A_NEGATIVE], i) < negative
            if heard_negative:
                new_bt -= prm.wom_negative_trust_hit
            cut, paid, price_mult = offer(prm, plan.promotions[r], is_member, heard[4],
                                          traits.price_sensitivity[r, i], reference[r, i])
            ev, new_stage = event[r, i], s
            bought = first = False
            base, review_mult, mult = 0.0, 1.0, 1.0
            if s == UNAWARE:
                if draw(pre[r, A_MOVE], i) < rules.awareness_chance(ad, peer, infl,
                                                                 prm.consumers_discovery):
                    new_stage = AWARE
                    touch[r, i] = rules.touch_of(ad, peer, infl, prm.consumers_discovery)
            elif s == AWARE:
                base = prm.consumers_consider_rate * bt * want
                if not heard_negative and draw(pre[r, A_MOVE], i) < rules.pull_chance(
                        base, ad, peer * f, infl):
                    new_stage = CONSIDERING
                elif draw(pre[r, A_FORGET], i) < prm.consumers_forget:
                    new_stage = UNAWARE
            elif s == CONSIDERING:
                if heard_negative:
                    new_stage = AWARE
                else:
                    base = prm.consumers_buy_rate * bt * want
                    if traits.reads_reviews[r, i] or is_member:
                        review_mult = max(0.0, 1.0 + signals.boost[r])
                    own = min(1.0, base * review_mult * price_mult)
                    if draw(pre[r, A_BUY], i) < rules.pull_chance(own, ad, peer * f, infl):
                        bought = True
                        first = purchases[r, i] == 0
                        if first:
                            channel[r, i] = rules.channel_of(
                                base, touch[r, i], review_mult, price_mult, ad, peer * f,
                                infl)
                    elif draw(pre[r, A_FORGET], i) < prm.consumers_forget:
                        new_stage = AWARE
            elif s == CUSTOMER or s == LOYAL:
                protection = prm.consumers_loyal_protection if s == LOYAL else 0.0
                sat = satisfaction[r, i]
                if draw(pre[r, A_CHURN], i) < rules.churn_chance(prm.consumers_churn_rate, sat,
                                                              negative, protection):
                    new_stage = LAPSED
                    ev |= EV_CHURNED
                else:
                    mult = rules.rewards_pull(price_mult, plan.promotions[r], purchases[r, i],
                                              points[r, i], vip, card)
                    base = prm.consumers_repeat_rate * sat * bt
                    if draw(pre[r, A_BUY], i) < min(1.0, base * mult):
                        bought = True
            elif draw(pre[r, A_MOVE], i) < rules.winback_chance(ad, peer * f, infl):
                new_stage = CONSIDERING
                ev |= EV_WON_BACK
            if log_on and (new_stage != s or bought):
                log_kind[r, i], log_channel[r, i], log_source[r, i] = note(
                    (s, new_stage, bought, first, touch[r, i]),
                    (base, review_mult, price_mult, mult, satisfaction[r, i]),
                    (ad, peer * f, infl, negative),
                    (r, i, state.signal, traits.peer_trust[r, i], plan.influencers[r], voice,
                     signals.content[r] if in_community else 0.0), graph, pre_source[r])
            if bought:
                felt = rules.experience(prm.product_quality, prm.product_fit_penalty,
                                        prm.product_satisfaction_noise, f,
                                        draw(pre[r, A_SATISFACTION], i))
                sat = felt if first else 0.5 * (satisfaction[r, i] + felt)
                satisfaction[r, i] = sat
                new_bt += prm.consumers_experience_trust * (felt - 0.5)
                count = purchases[r, i] + 1
                purchases[r, i] = count
                basket = traits.basket_cents[r, i]
                d = rules.discount_cents(basket, cut)
                paid_discount[r, i] = d
                spend[r, i] += basket
                last_step[r, i] = step
                reference[r, i] = rules.reference_after(reference[r, i],
                                                        prm.consumers_reference_memory, paid)
                points[r, i], redeemed = rules.earn_points(points[r, i], plan.promotions[r], card)
                if redeemed:
                    ev |= EV_REDEEMED
                if first:
                    first_step[r, i] = step
                age = step - first_step[r, i]
                if age < prm.budget_clv_weeks:
                    clv[r, i] += present_values[age] * (basket - traits.cogs_cents[r, i] - d)
                if first:
                    ev |= EV_NEW
                    if channel[r, i] == CH_PEER and plan.promotions[r]:
                        ev |= EV_REFERRAL
                else:
                    ev |= EV_REPEAT
                new_stage = rules.stage_after_purchase(count, sat, prm.consumers_loyal_purchases,
                                                       prm.consumers_loyal_satisfaction)
                if prm.reviews_enabled and draw(pre[r, A_REVIEW], i) < prm.reviews_write_rate:
                    ev |= EV_REVIEWED
                    rating[r, i] = rules.rating_of(felt)
            if (plan.community[r] and not is_member and AWARE <= s <= LOYAL and new_stage != LAPSED
                    and draw(pre[r, A_JOIN], i) < prm.community_join_rate * f * bt):
                member[r, i] = 1
                ev |= EV_JOINED
            stage[r, i] = new_stage
            brand_trust[r, i] = rules.clip01(new_bt)
            fatigue[r, i] = fat
            event[r, i] = ev


@njit(cache=True, parallel=True)
def totals(step, prm, state, traits, promotions):
    """The week's totals per replication: int64 (reps, len(TOTALS)), float64
    (reps, len(FLOAT_TOTALS)) and float64 (reps,) of
    :func:`~sim.commerce.state.top_share_ratio` of the spend.

    Each block of :data:`rules.TALLY_BLOCK` consumers of a replication is one job, run
    in parallel with the others and with the top-1% ratios: its integer totals
    (:func:`rules.tally_counts`), then its float totals (:func:`rules.tally_floats`),
    while its consumers are in the core's cache. The blocks' integer totals are added in
    any order, their float totals in block order. The reference engine runs
    :func:`rules.tally`: the same sums, in the same order.
    """
    reps, n = state.stage.shape
    blocks = (n + rules.TALLY_BLOCK - 1) // rules.TALLY_BLOCK
    counts = np.zeros((reps, blocks, N_TOTALS), dtype=np.int64)
    sums = np.zeros((reps, blocks, N_FLOATS))
    top1 = np.empty(reps)
    for job in prange(reps * (blocks + 1)):
        r, b = job // (blocks + 1), job % (blocks + 1)
        if b < blocks:
            lo = b * rules.TALLY_BLOCK
            hi = min(n, lo + rules.TALLY_BLOCK)
            rules.tally_counts(counts[r, b], r, step, prm, state, traits.basket_cents,
                               traits.cogs_cents, promotions[r], lo, hi)
            rules.tally_floats(sums[r, b], r, step, prm, state, lo, hi)
        else:
            top1[r] = top_share_ratio(state.spend[r])
    floats = np.zeros((reps, N_FLOATS))
    for r in range(reps):
        for b in range(blocks):
            for k in range(N_FLOATS):
                floats[r, k] += sums[r, b, k]
    return counts.sum(axis=1), floats, top1
