"""numba kernels of the fast engine (:class:`sim.model.WomModel`).

State is held as ``adopted_step``: an int32 array of shape (replications, consumers),
-1 for consumers who have not adopted, otherwise the step at which they adopted
(0 for seeds). A kernel called for step ``t`` reads only entries ``< t`` (the previous
state) and writes ``t`` for new adopters, so the update is synchronous although it is
done in place, and every consumer's work is independent: the loops run in parallel
over (replication, consumer) with identical results for any thread count.

Each kernel mirrors one method of :class:`sim.reference.Consumer`, which is the
readable specification; the expressions are written in the same order so that both
engines round floating-point numbers identically.
"""

from __future__ import annotations

import os
from pathlib import Path

# numba reads its cache location when it is first imported: point it at the user's
# cache unless the user chose one.
os.environ.setdefault(
    "NUMBA_CACHE_DIR",
    str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "wom-sim" / "numba"),
)

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402

from .rng import GOLDEN, MUL1, MUL2, TO_UNIT  # noqa: E402

_GOLDEN = np.uint64(GOLDEN)
_MUL1 = np.uint64(MUL1)
_MUL2 = np.uint64(MUL2)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)


@njit(cache=True, inline="always")
def mix(z: np.uint64) -> np.uint64:
    """SplitMix64 step (the numba twin of :func:`sim.rng.mix`)."""
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _MUL1
    z = (z ^ (z >> _S27)) * _MUL2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def prefix(stream: np.uint64, step: int, purpose: int) -> np.uint64:
    """Twin of :func:`sim.rng.prefix`."""
    return mix(mix(stream ^ np.uint64(purpose)) ^ np.uint64(step))


@njit(cache=True, inline="always")
def draw(pre: np.uint64, node: int) -> float:
    """Uniform [0, 1) for one node given the prefix of its (stream, step, purpose)."""
    return float(mix(pre ^ np.uint64(node)) >> _S11) * TO_UNIT


@njit(cache=True)
def _prefixes(streams: np.ndarray, step: int, purpose: int) -> np.ndarray:
    """The per-replication prefixes of one (step, purpose)."""
    out = np.empty(streams.size, dtype=np.uint64)
    for r in range(streams.size):
        out[r] = prefix(streams[r], step, purpose)
    return out


@njit(cache=True)
def uniform_keys(streams: np.ndarray, step: int, nodes: np.ndarray, purpose: int) -> np.ndarray:
    """Draws for each (stream, node) pair; used by the tests to check the twins agree."""
    out = np.empty((streams.size, nodes.size))
    for r in range(streams.size):
        pre = prefix(streams[r], step, purpose)
        for j in range(nodes.size):
            out[r, j] = draw(pre, nodes[j])
    return out


@njit(cache=True)
def in_weight_sums(indptr: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Total in-weight of every consumer, summed left to right along its CSR row."""
    n = indptr.size - 1
    out = np.zeros(n)
    for i in range(n):
        s = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            s += weights[e]
        out[i] = s
    return out


@njit(cache=True, parallel=True)
def bass_mixed_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    p: float, q: float, dt: float, adopted_before: np.ndarray,
) -> None:
    """Fully mixed Bass step: hazard ``(p + q * A / N) * dt`` for every non-adopter.

    ``adopted_before[r]`` is the number of adopters A of replication r before this step.
    Twin of :meth:`sim.reference.Consumer.decide_bass` with a mixed population.
    """
    reps, n = adopted_step.shape
    pre = _prefixes(streams, step, purpose)
    prob = np.empty(reps)
    for r in range(reps):
        prob[r] = (p + q * (adopted_before[r] / n)) * dt
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        if adopted_step[r, i] < 0 and draw(pre[r], i) < prob[r]:
            adopted_step[r, i] = step


@njit(cache=True, parallel=True)
def fraction_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, wsum: np.ndarray,
    p: float, q: float, dt: float, thresholds: np.ndarray, use_threshold: bool,
) -> None:
    """Network Bass or linear-threshold step, from the adopted share of in-weight.

    For each non-adopter i, ``share = sum(w_ji for adopted j) / sum(w_ji)``.
    Bass: adopt with probability ``(p + q * share) * dt``. Linear threshold
    (``use_threshold``): adopt when ``share >= thresholds[r, i]``.
    Twin of :meth:`sim.reference.Consumer.decide_bass` and ``decide_threshold``.
    """
    reps, n = adopted_step.shape
    pre = _prefixes(streams, step, purpose)
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        if adopted_step[r, i] >= 0:
            continue
        s = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            a = adopted_step[r, indices[e]]
            if a >= 0 and a < step:
                s += weights[e]
        share = s / wsum[i] if wsum[i] > 0.0 else 0.0
        if use_threshold:
            if share >= thresholds[r, i]:
                adopted_step[r, i] = step
        elif draw(pre[r], i) < (p + q * share) * dt:
            adopted_step[r, i] = step


@njit(cache=True, parallel=True)
def cascade_step(
    adopted_step: np.ndarray, streams: np.ndarray, step: int, purpose: int,
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, p: float,
) -> None:
    """Independent-cascade step: last step's new adopters each try once per out-edge.

    A non-adopter i with new-adopter sources j adopts with probability
    ``1 - prod(1 - min(1, p * w_ji))``, the chance that at least one independent
    edge trial succeeds, decided by one draw. Twin of
    :meth:`sim.reference.Consumer.decide_cascade`.
    """
    reps, n = adopted_step.shape
    pre = _prefixes(streams, step, purpose)
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        if adopted_step[r, i] >= 0:
            continue
        stay = 1.0
        for e in range(indptr[i], indptr[i + 1]):
            if adopted_step[r, indices[e]] == step - 1:
                stay *= 1.0 - min(1.0, p * weights[e])
        if stay < 1.0 and draw(pre[r], i) < 1.0 - stay:
            adopted_step[r, i] = step


def set_threads(threads: int | None) -> None:
    """Use ``threads`` numba threads (None: all); raises ValueError when out of range."""
    limit = numba.config.NUMBA_NUM_THREADS
    if threads is None:
        numba.set_num_threads(limit)
        return
    if not 1 <= threads <= limit:
        raise ValueError(f"threads must be between 1 and {limit}, found {threads}")
    numba.set_num_threads(threads)


def cache_is_warm() -> bool:
    """Whether compiled kernels are already in numba's cache (else the first call compiles)."""
    cache = Path(numba.config.CACHE_DIR or "")
    return cache.is_dir() and any(cache.rglob("kernels.*.nbi"))


# ---------------------------------------------------------------------------
# The commerce model (twin of sim.reference.Shopper). The formulas come from
# sim.rules, compiled here from the same source the reference engine runs.
# ---------------------------------------------------------------------------
from . import rules  # noqa: E402
from .commerce import FLOAT_INDEX, TOTAL_INDEX, Channel, Stage, Talk  # noqa: E402
from .rng import Purpose  # noqa: E402

either = njit(cache=True, inline="always")(rules.either)
advocacy = njit(cache=True, inline="always")(rules.advocacy)
response = njit(cache=True, inline="always")(rules.response)
ad_pull = njit(cache=True)(rules.ad_pull)
reach_chance = njit(cache=True, inline="always")(rules.reach_chance)
fatigue_after = njit(cache=True, inline="always")(rules.fatigue_after)
trust_after_exposure = njit(cache=True)(rules.trust_after_exposure)
clip01 = njit(cache=True, inline="always")(rules.clip01)
price_cut = njit(cache=True, inline="always")(rules.price_cut)
experience = njit(cache=True)(rules.experience)
churn_chance = njit(cache=True)(rules.churn_chance)
talk_chance = njit(cache=True, inline="always")(rules.talk_chance)
discount_cents = njit(cache=True, inline="always")(rules.discount_cents)
reference_price = njit(cache=True, inline="always")(rules.reference_price)
rating_of = njit(cache=True, inline="always")(rules.rating_of)

UNAWARE, AWARE, CONSIDERING = int(Stage.UNAWARE), int(Stage.AWARE), int(Stage.CONSIDERING)
CUSTOMER, LOYAL, LAPSED = int(Stage.CUSTOMER), int(Stage.LOYAL), int(Stage.LAPSED)
SILENT, POSITIVE, NEGATIVE = int(Talk.SILENT), int(Talk.POSITIVE), int(Talk.NEGATIVE)
CH_AD, CH_PEER, CH_INFLUENCER = int(Channel.AD), int(Channel.PEER), int(Channel.INFLUENCER)
CH_REVIEW, CH_PROMOTION, CH_ORGANIC = int(Channel.REVIEW), int(Channel.PROMOTION), \
    int(Channel.ORGANIC)
P_TALK, P_CHECKIN, P_AD = int(Purpose.TALK), int(Purpose.CHECKIN), int(Purpose.AD_REACH)
P_NEGATIVE, P_MOVE, P_BUY = int(Purpose.NEGATIVE), int(Purpose.MOVE), int(Purpose.BUY)
P_CHURN, P_SATISFACTION = int(Purpose.CHURN), int(Purpose.SATISFACTION)
P_REVIEW, P_JOIN, P_FORGET = int(Purpose.REVIEW), int(Purpose.JOIN), int(Purpose.FORGET)

# bits of the byte a consumer shows its listeners each week (see commerce_talk)
TALK_MASK, INFLUENCER_BIT, BOUGHT_BIT = 3, 2, 3

# event bits of a consumer's week
EV_NEW, EV_REPEAT, EV_CHURNED, EV_REVIEWED = 1, 2, 4, 8
EV_JOINED, EV_WON_BACK, EV_REFERRAL, EV_CHECKIN = 16, 32, 64, 128

_T = TOTAL_INDEX
T_ADOPTED, T_NEW, T_REPEAT, T_CHURNED = _T["adopted"], _T["new_customers"], \
    _T["repeat_purchases"], _T["churned"]
T_WON_BACK, T_SHARES, T_NEG_SHARES, T_CHECKINS = _T["won_back"], _T["shares"], \
    _T["negative_shares"], _T["checkins"]
T_REFERRALS, T_REVIEWS, T_RATING, T_JOINED = _T["referrals"], _T["reviews"], \
    _T["rating_points"], _T["joined"]
T_MEMBERS, T_SAT_MEMBERS, T_ADVOCATES, T_VIPS = _T["community_members"], \
    _T["satisfied_members"], _T["advocates"], _T["vips"]
T_PROMOTERS, T_DETRACTORS, T_REVENUE, T_COGS = _T["promoters"], _T["detractors"], \
    _T["revenue_cents"], _T["cogs_cents"]
T_DISCOUNT, T_MEMBER_CUST, T_MEMBER_SPEND = _T["discount_cents"], _T["member_customers"], \
    _T["member_spend_cents"]
T_NONMEMBER_CUST, T_NONMEMBER_SPEND = _T["nonmember_customers"], _T["nonmember_spend_cents"]
T_CHANNEL0 = _T["customers_seed"] - int(Channel.SEED)
T_MATURED = _T["matured"]
T_MATURED0 = _T["matured_seed"] - int(Channel.SEED)
F_CLV, F_TRUST, F_FATIGUE = FLOAT_INDEX["clv_sum"], FLOAT_INDEX["brand_trust_sum"], \
    FLOAT_INDEX["fatigue_sum"]
F_CHANNEL0 = FLOAT_INDEX["clv_sum_seed"] - int(Channel.SEED)
N_TOTALS, N_FLOATS = len(TOTAL_INDEX), len(FLOAT_INDEX)


@njit(cache=True, parallel=True)
def commerce_talk(step, streams, prm, stage, satisfaction, brand_trust, last_step, incentive,
                  promo_on, checkin_offered, influencer, signal, event):
    """Phase 1 of a week: who talks (and how), who checks in, who bought last week.

    Twin of :meth:`sim.reference.Shopper.speak`; reads only the previous state. What
    listeners need to know of a consumer this week is packed in one byte,
    ``signal = talk | influencer << 2 | bought_last_week << 3``, so the edge loop of
    :func:`commerce_step` gathers a single byte per tie (and skips silent ties).
    """
    reps, n = stage.shape
    pre_talk = _prefixes(streams, step, P_TALK)
    pre_checkin = _prefixes(streams, step, P_CHECKIN)
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        s = stage[r, i]
        sat = satisfaction[r, i]
        said = SILENT
        ev = 0
        if s == CUSTOMER or s == LOYAL:
            if sat < prm.dissatisfied_below:
                if draw(pre_talk[r], i) < prm.negative_talk:
                    said = NEGATIVE
            else:
                advocate = s == LOYAL and advocacy(sat, brand_trust[r, i]) >= prm.promoter_above
                bonus = prm.advocate_talk if advocate else 0.0
                extra = incentive if promo_on[r] else 0.0
                if draw(pre_talk[r], i) < talk_chance(prm.talk_rate, sat, extra, bonus):
                    said = POSITIVE
                if (checkin_offered and promo_on[r] and last_step[r, i] == step - 1
                        and draw(pre_checkin[r], i) < prm.checkin_rate):
                    said = POSITIVE
                    ev = EV_CHECKIN
        elif s == LAPSED and sat < prm.dissatisfied_below:
            if draw(pre_talk[r], i) < prm.negative_talk:
                said = NEGATIVE
        bought = 1 if last_step[r, i] == step - 1 else 0
        signal[r, i] = said | (influencer[r, i] << INFLUENCER_BIT) | (bought << BOUGHT_BIT)
        event[r, i] = ev


@njit(cache=True, parallel=True)
def commerce_step(step, streams, prm, indptr, indices, weights,
                  fit, interest, price_sensitivity, peer_trust, trust0, basket, cogs, reads,
                  stage, brand_trust, fatigue, satisfaction, purchases, spend, clv,
                  channel, touch, member, first_step, last_step, first_cut,
                  signal, event, paid_discount, rating,
                  ads_on, promo_on, community_on, sponsor_on, boost, content, present_values):
    """Phase 2 of a week: listen, get exposed, move through the funnel, buy, review, join.

    Twin of :meth:`sim.reference.Shopper.act`. Reads neighbours only through phase 1's
    ``signal``, and writes only the consumer's own entries.
    """
    reps, n = stage.shape
    pre_ad = _prefixes(streams, step, P_AD)
    pre_negative = _prefixes(streams, step, P_NEGATIVE)
    pre_move = _prefixes(streams, step, P_MOVE)
    pre_buy = _prefixes(streams, step, P_BUY)
    pre_churn = _prefixes(streams, step, P_CHURN)
    pre_sat = _prefixes(streams, step, P_SATISFACTION)
    pre_review = _prefixes(streams, step, P_REVIEW)
    pre_join = _prefixes(streams, step, P_JOIN)
    pre_forget = _prefixes(streams, step, P_FORGET)
    for idx in prange(reps * n):
        r = idx // n
        i = idx - r * n
        s = stage[r, i]
        trust = peer_trust[r, i]
        f = fit[r, i]
        want = interest[r, i]
        bt = brand_trust[r, i]
        in_community = member[r, i] == 1 and community_on[r]
        # listen to the ties that talk this week
        pos_stay = 1.0
        neg_stay = 1.0
        inf_stay = 1.0
        sponsored = 0
        friends_bought = 0
        for e in range(indptr[i], indptr[i + 1]):
            sig = signal[r, indices[e]]
            if sig == 0:
                continue
            w = np.float64(weights[e])
            said = sig & TALK_MASK
            is_influencer = (sig >> INFLUENCER_BIT) & 1 == 1
            if said != SILENT:
                x = prm.beta * abs(w) * trust
                if (said == POSITIVE) == (w >= 0.0):
                    if is_influencer:
                        inf_stay *= 1.0 - x
                    else:
                        pos_stay *= 1.0 - x
                else:
                    neg_stay *= 1.0 - min(1.0, prm.negativity * x)
            if sponsor_on[r] and is_influencer:
                sponsored += 1
                x = prm.beta * prm.authenticity * abs(w) * trust
                if w >= 0.0:
                    inf_stay *= 1.0 - x
                else:
                    neg_stay *= 1.0 - min(1.0, prm.negativity * x)
            if (sig >> BOUGHT_BIT) & 1 == 1:
                friends_bought += 1
        peer = 1.0 - pos_stay
        if in_community:
            peer = either(peer, content[r])
        infl = 1.0 - inf_stay
        negative = 1.0 - neg_stay
        # exposure, fatigue and trust
        ad_exposures = 0
        if ads_on[r] and draw(pre_ad[r], i) < reach_chance(prm.reach, prm.targeting, want,
                                                            prm.mean_interest):
            ad_exposures = prm.frequency
        fat = fatigue_after(fatigue[r, i], prm.decay, ad_exposures + sponsored)
        ad = ad_pull(ad_exposures, prm.ad_effect, bt, response(fat, prm.half_response))
        new_bt = trust_after_exposure(bt, trust0[r, i], fat, prm.fatigue_threshold,
                                      prm.erosion, prm.recovery,
                                      prm.dialogue if in_community else 0.0)
        heard_negative = negative > 0.0 and draw(pre_negative[r], i) < negative
        if heard_negative:
            new_bt -= prm.negative_trust_hit
        # offers this consumer is entitled to
        cut = 0.0
        if promo_on[r]:
            cut = price_cut(
                prm.discount,
                prm.exclusive_discount if member[r, i] == 1 else 0.0,
                prm.group_discount if 0 < prm.group_size <= friends_bought else 0.0)
        price_mult = 1.0 + prm.price_elasticity * cut * price_sensitivity[r, i]
        ev = event[r, i]
        new_stage = s
        bought = False
        first = False
        if s == UNAWARE:
            if draw(pre_move[r], i) < either(either(ad, peer), either(infl, prm.discovery)):
                new_stage = AWARE
                best, how = ad, CH_AD
                if peer > best:
                    best, how = peer, CH_PEER
                if infl > best:
                    best, how = infl, CH_INFLUENCER
                if prm.discovery > best:
                    how = CH_ORGANIC
                touch[r, i] = how
        elif s == AWARE:
            base = prm.consider_rate * bt * want
            if not heard_negative and draw(pre_move[r], i) < either(either(base, ad),
                                                                    either(peer * f, infl)):
                new_stage = CONSIDERING
            elif draw(pre_forget[r], i) < prm.forget:
                new_stage = UNAWARE
        elif s == CONSIDERING:
            if heard_negative:
                new_stage = AWARE
            else:
                base = prm.buy_rate * bt * want
                review_mult = 1.0
                if reads[r, i] or member[r, i] == 1:
                    review_mult = max(0.0, 1.0 + boost[r])
                own = min(1.0, base * review_mult * price_mult)
                if draw(pre_buy[r], i) < either(either(own, ad), either(peer * f, infl)):
                    bought = True
                    first = purchases[r, i] == 0
                    if first:
                        best, how = base, touch[r, i]
                        if base * (review_mult - 1.0) > best:
                            best, how = base * (review_mult - 1.0), CH_REVIEW
                        if base * review_mult * (price_mult - 1.0) > best:
                            best, how = base * review_mult * (price_mult - 1.0), CH_PROMOTION
                        if ad > best:
                            best, how = ad, CH_AD
                        if peer * f > best:
                            best, how = peer * f, CH_PEER
                        if infl > best:
                            how = CH_INFLUENCER
                        channel[r, i] = how
                elif draw(pre_forget[r], i) < prm.forget:
                    new_stage = AWARE
        elif s == CUSTOMER or s == LOYAL:
            protection = prm.loyal_protection if s == LOYAL else 0.0
            sat = satisfaction[r, i]
            if draw(pre_churn[r], i) < churn_chance(prm.churn_rate, sat, negative, protection):
                new_stage = LAPSED
                ev |= EV_CHURNED
            else:
                mult = price_mult * reference_price(prm.price_elasticity, price_sensitivity[r, i],
                                                    first_cut[r, i], cut)
                if prm.vip_purchases > 0 and promo_on[r] and purchases[r, i] >= prm.vip_purchases:
                    mult = mult * (1.0 + prm.vip_effect)
                if draw(pre_buy[r], i) < min(1.0, prm.repeat_rate * sat * bt * mult):
                    bought = True
        elif draw(pre_move[r], i) < either(either(ad, peer * f), infl):  # lapsed: win-back
            new_stage = CONSIDERING
            ev |= EV_WON_BACK
        if bought:
            felt = experience(prm.quality, prm.fit_penalty, prm.satisfaction_noise, f,
                              draw(pre_sat[r], i))
            sat = felt if first else 0.5 * (satisfaction[r, i] + felt)
            satisfaction[r, i] = sat
            new_bt += prm.experience_trust * (felt - 0.5)
            count = purchases[r, i] + 1
            purchases[r, i] = count
            d = discount_cents(basket[r, i], cut)
            paid_discount[r, i] = d
            spend[r, i] += basket[r, i]
            last_step[r, i] = step
            if first:
                first_step[r, i] = step
                first_cut[r, i] = cut
            age = step - first_step[r, i]
            if age < prm.clv_weeks:
                clv[r, i] += present_values[age] * (basket[r, i] - cogs[r, i] - d)
            if first:
                ev |= EV_NEW
                if channel[r, i] == CH_PEER and promo_on[r]:
                    ev |= EV_REFERRAL
            else:
                ev |= EV_REPEAT
            if count >= prm.loyal_purchases and sat >= prm.loyal_satisfaction:
                new_stage = LOYAL
            else:
                new_stage = CUSTOMER
            if prm.reviews_enabled and draw(pre_review[r], i) < prm.write_rate:
                ev |= EV_REVIEWED
                rating[r, i] = rating_of(felt)
        if (community_on[r] and member[r, i] == 0 and AWARE <= s <= LOYAL
                and new_stage != LAPSED
                and draw(pre_join[r], i) < prm.join_rate * f * bt):
            member[r, i] = 1
            ev |= EV_JOINED
        stage[r, i] = new_stage
        brand_trust[r, i] = clip01(new_bt)
        fatigue[r, i] = fat
        event[r, i] = ev


@njit(cache=True, parallel=True)
def commerce_totals(step, prm, stage, satisfaction, purchases, spend, clv, channel, member,
                    first_step, brand_trust, fatigue, signal, event, paid_discount, rating,
                    basket, cogs, promo_on):
    """Weekly totals per replication, summed in consumer order (exact for integers, and
    the same rounding as the reference engine's loop for the floating sums)."""
    reps, n = stage.shape
    totals = np.zeros((reps, N_TOTALS), dtype=np.int64)
    floats = np.zeros((reps, N_FLOATS))
    for r in prange(reps):
        t = totals[r]
        fl = floats[r]
        for i in range(n):
            s = stage[r, i]
            t[s] += 1
            ev = event[r, i]
            said = signal[r, i] & TALK_MASK
            if said == POSITIVE:
                t[T_SHARES] += 1
            elif said == NEGATIVE:
                t[T_NEG_SHARES] += 1
            if ev & EV_CHECKIN:
                t[T_CHECKINS] += 1
            if ev & EV_NEW:
                t[T_NEW] += 1
            if ev & EV_REPEAT:
                t[T_REPEAT] += 1
            if ev & (EV_NEW | EV_REPEAT):
                t[T_REVENUE] += basket[r, i]
                t[T_COGS] += cogs[r, i]
                t[T_DISCOUNT] += paid_discount[r, i]
            if ev & EV_CHURNED:
                t[T_CHURNED] += 1
            if ev & EV_WON_BACK:
                t[T_WON_BACK] += 1
            if ev & EV_REFERRAL:
                t[T_REFERRALS] += 1
            if ev & EV_REVIEWED:
                t[T_REVIEWS] += 1
                t[T_RATING] += rating[r, i]
            if ev & EV_JOINED:
                t[T_JOINED] += 1
            sat = satisfaction[r, i]
            ever = purchases[r, i] > 0
            active = s == CUSTOMER or s == LOYAL
            if member[r, i] == 1:
                t[T_MEMBERS] += 1
                if active and sat >= prm.dissatisfied_below:
                    t[T_SAT_MEMBERS] += 1
                if ever:
                    t[T_MEMBER_CUST] += 1
                    t[T_MEMBER_SPEND] += spend[r, i]
            elif ever:
                t[T_NONMEMBER_CUST] += 1
                t[T_NONMEMBER_SPEND] += spend[r, i]
            advocates = advocacy(sat, brand_trust[r, i])
            if s == LOYAL and advocates >= prm.promoter_above:
                t[T_ADVOCATES] += 1
            if active and 0 < prm.vip_purchases <= purchases[r, i] and promo_on[r]:
                t[T_VIPS] += 1
            if ever:
                t[T_ADOPTED] += 1
                c = channel[r, i]
                t[T_CHANNEL0 + c] += 1
                if step - first_step[r, i] >= prm.clv_weeks:
                    t[T_MATURED] += 1
                    t[T_MATURED0 + c] += 1
                    fl[F_CLV] += clv[r, i]
                    fl[F_CHANNEL0 + c] += clv[r, i]
            if active:
                if advocates >= prm.promoter_above:
                    t[T_PROMOTERS] += 1
                elif advocates < prm.detractor_below:
                    t[T_DETRACTORS] += 1
            fl[F_TRUST] += brand_trust[r, i]
            fl[F_FATIGUE] += fatigue[r, i]
    return totals, floats
