"""One consumer of the commerce model as a Mesa agent (reference engine).

:class:`Shopper` is the readable form of one week (docs/model.md, section 3). Its
methods have the names of the fast engine's kernels in :mod:`sim.commerce.kernel`
(:meth:`Shopper.talk`, :meth:`Shopper.act`), its attributes the names of the fields of
:class:`~sim.commerce.state.State`, and both call the same formulas of
:mod:`sim.commerce.rules`, so the two engines give identical tables.

References
----------
Goldenberg, J., Libai, B. and Muller, E. (2001). Talk of the network: a complex systems
look at the underlying process of word-of-mouth. Marketing Letters 12(3), 211-223.
"""

from __future__ import annotations

import mesa
import numpy as np

from ..rng import Purpose, uniform
from . import events, rules
from .state import Event, Stage, State, Talk, empty_state


class Shopper(mesa.Agent):
    """One consumer of the commerce model (reference engine; twin of the kernels of
    :mod:`sim.commerce.kernel`).

    A week has two phases. In :meth:`talk` every shopper decides, from last week's
    state, whether it recommends the product, complains or stays silent. In :meth:`act`
    every shopper listens to the ties that spoke, is exposed to ads and sponsored posts,
    moves through the funnel, buys, reviews and joins the community. ``act`` reads other
    shoppers only through what they said in ``talk``, so the order of visits does not
    matter. The model (:class:`sim.reference.ReferenceModel`) provides ``config`` (the
    scenario, whose keys the shopper reads by their own names), ``stream``,
    ``time_step``, ``shoppers``, this week's plan (``ads``, ``promotions``,
    ``community``, ``sponsoring``), the signals ``boost`` and ``content``, and
    ``present_values``.

    Parameters
    ----------
    model
        The reference model.
    index
        The consumer's node in the network.
    sources, weights
        The consumers it listens to and the weights of those ties.
    traits, state
        Its own entries of :class:`~sim.commerce.traits.Traits` and
        :class:`~sim.commerce.state.State` (:func:`sim.commerce.traits.set_up`).
    """

    def __init__(self, model: mesa.Model, index: int, sources: list[int],
                 weights: list[float], traits: dict, state: dict) -> None:
        super().__init__(model)
        self.index = index
        self.sources = sources
        self.weights = weights
        self.fit = traits["fit"]
        self.interest = traits["interest"]
        self.price_sensitivity = traits["price_sensitivity"]
        self.peer_trust = traits["peer_trust"]
        self.baseline_trust = traits["brand_trust"]
        self.basket = traits["basket_cents"]
        self.cogs = traits["cogs_cents"]
        self.reads_reviews = bool(traits["reads_reviews"])
        self.stage = Stage(state["stage"])
        self.brand_trust = state["brand_trust"]
        self.fatigue = state["fatigue"]
        self.satisfaction = state["satisfaction"]
        self.purchases = state["purchases"]
        self.spend = state["spend"]
        self.clv = state["clv"]
        self.channel = state["channel"]
        self.touch = state["touch"]
        self.member = bool(state["member"])
        self.first_step = state["first_step"]
        self.last_step = state["last_step"]
        self.reference = state["reference"]
        self.influencer = bool(state["influencer"])
        self.points = state["points"]
        self.said = Talk.SILENT
        self.bought_last_week = False
        self.event = Event.NONE
        self.paid_discount = 0
        self.rating = 0
        self.logged: tuple[int, int, int] | None = None

    def draw(self, purpose: Purpose) -> float:
        """This shopper's uniform draw of this week for ``purpose``."""
        return uniform(self.model.stream, self.model.time_step, self.index, purpose)

    @property
    def card(self) -> tuple[int, int, float]:
        """The loyalty programme as :func:`rules.earn_points` reads it: points per
        purchase, threshold, goal-gradient effect."""
        loyalty = self.model.config.loyalty
        return loyalty.points_per_purchase, loyalty.threshold, loyalty.effect

    @property
    def active(self) -> bool:
        """Whether the shopper is a customer (loyal or not)."""
        return self.stage in (Stage.CUSTOMER, Stage.LOYAL)

    def talk(self) -> None:
        """Phase 1: recommend (satisfied customers), complain (dissatisfied), check in."""
        m = self.model
        sc = m.config
        wom = sc.wom
        week = m.time_step
        self.event = Event.NONE
        self.said = Talk.SILENT
        if self.active and self.satisfaction >= wom.dissatisfied_below:
            advocate = (self.stage == Stage.LOYAL
                        and self.satisfaction >= wom.promoter_above)
            chance = rules.talk_chance(wom.talk_rate, self.satisfaction,
                                       m.incentive if m.promotions else 0.0,
                                       wom.advocate_talk if advocate else 0.0)
            if self.draw(Purpose.TALK) < chance:
                self.said = Talk.POSITIVE
            if (sc.promotions.checkin_reward > 0 and m.promotions and self.last_step == week - 1
                    and self.draw(Purpose.CHECKIN) < sc.promotions.checkin_rate):
                self.said = Talk.POSITIVE
                self.event = Event.CHECKIN
        elif ((self.active or self.stage == Stage.LAPSED)
              and self.satisfaction < wom.dissatisfied_below
              and self.draw(Purpose.TALK) < wom.negative_talk):
            self.said = Talk.NEGATIVE
        self.bought_last_week = self.last_step == week - 1

    def listen(self) -> tuple[float, float, float, int, int]:
        """Fold the ties that spoke this week (:func:`rules.hear`): (chances no positive
        peer, no influencer and no negative message got through, sponsored posts seen,
        sources who bought last week)."""
        m = self.model
        sc = m.config
        voice = (sc.wom.beta, sc.wom.negativity, sc.influencers.authenticity)
        heard = (1.0, 1.0, 1.0, 0, 0)
        for source, w in zip(self.sources, self.weights, strict=True):
            other = m.shoppers[source]
            heard = rules.hear(heard, other.said, other.influencer, other.bought_last_week,
                               m.sponsoring, w, self.peer_trust, voice)
        return heard

    def see(self, sponsored: int, in_community: bool) -> tuple[float, float]:
        """Ad reach, fatigue (updated) and brand trust after exposure and dialogue:
        returns this week's ad pull and the new trust before complaints and purchase."""
        m = self.model
        ads, fatigue = m.config.ads, m.config.fatigue
        exposures = 0
        if m.ads and self.draw(Purpose.AD_REACH) < rules.reach_chance(
                ads.reach, ads.targeting, self.interest, m.mean_interest):
            exposures = ads.frequency
        self.fatigue = rules.fatigue_after(self.fatigue, fatigue.decay, exposures + sponsored)
        ad = rules.ad_pull(exposures, ads.effect, self.brand_trust,
                           rules.response(self.fatigue, fatigue.half_response))
        trust = rules.trust_after_exposure(
            self.brand_trust, self.baseline_trust, self.fatigue, fatigue.threshold,
            fatigue.erosion, fatigue.recovery,
            m.config.community.dialogue if in_community else 0.0)
        return ad, trust

    def offer(self, friends_bought: int) -> tuple[float, float, float]:
        """This week's offer: (price cut, price paid for an average basket, purchase-chance
        multiplier of that price against the reference price)."""
        m = self.model
        promo = m.config.promotions
        cut = 0.0
        if m.promotions:
            cut = rules.price_cut(
                promo.discount, promo.exclusive_discount if self.member else 0.0,
                promo.group_discount if 0 < promo.group_size <= friends_bought else 0.0)
        paid = rules.price_paid(m.config.product.price, cut)
        return cut, paid, rules.price_response(promo.price_elasticity, self.price_sensitivity,
                                               self.reference, paid)

    def note(self, move: tuple, terms: tuple, pulls: tuple, in_community: bool) -> None:
        """This week's row of the event log (:func:`events.classify`) in ``self.logged``:
        (``Happening`` code, channel, source). A word-of-mouth source is drawn among the
        ties of the credited pool, in the order of ``sources``, with chance proportional
        to :func:`events.tie_pull`."""
        kind, how, pool = events.classify(move, terms, pulls)
        source = events.NO_SOURCE
        if pool == events.P_TOUCH:
            source = events.FROM_TOUCH
        elif pool != events.P_NONE:
            m = self.model
            voice = (m.config.wom.beta, m.config.wom.negativity,
                     m.config.influencers.authenticity)
            pulled = [events.tie_pull(pool, m.shoppers[j].said, m.shoppers[j].influencer,
                                      m.sponsoring, w, self.peer_trust, voice)
                      for j, w in zip(self.sources, self.weights, strict=True)]
            extra = m.content if pool == events.P_PEER and in_community else 0.0
            k = events.chosen(pulled, extra, self.draw(Purpose.SOURCE))
            how, source = events.outcome(how, k, self.sources[k] if k >= 0 else -1, extra)
        self.logged = (kind, how, source)

    def act(self) -> None:
        """Phase 2: exposure and fatigue, funnel move, purchase, review, community."""
        m = self.model
        sc = m.config
        c, promo = sc.consumers, sc.promotions
        in_community = self.member and m.community
        heard = self.listen()
        peer, infl, negative = rules.pressures(heard, in_community, m.content)
        f = self.fit
        bt = self.brand_trust
        ad, new_bt = self.see(heard[3], in_community)
        heard_negative = negative > 0.0 and self.draw(Purpose.NEGATIVE) < negative
        if heard_negative:
            new_bt -= sc.wom.negative_trust_hit
        cut, paid, price_mult = self.offer(heard[4])
        stage = self.stage
        new_stage = stage
        bought = first = False
        base, review_mult, mult = 0.0, 1.0, 1.0
        if stage == Stage.UNAWARE:
            if self.draw(Purpose.MOVE) < rules.awareness_chance(ad, peer, infl, c.discovery):
                new_stage = Stage.AWARE
                self.touch = rules.touch_of(ad, peer, infl, c.discovery)
        elif stage == Stage.AWARE:
            base = c.consider_rate * bt * self.interest
            if not heard_negative and self.draw(Purpose.MOVE) < rules.pull_chance(
                    base, ad, peer * f, infl):
                new_stage = Stage.CONSIDERING
            elif self.draw(Purpose.FORGET) < c.forget:
                new_stage = Stage.UNAWARE  # attention faded
        elif stage == Stage.CONSIDERING:
            if heard_negative:
                new_stage = Stage.AWARE
            else:
                base = c.buy_rate * bt * self.interest
                if self.reads_reviews or self.member:
                    review_mult = max(0.0, 1.0 + m.boost)
                own = min(1.0, base * review_mult * price_mult)
                if self.draw(Purpose.BUY) < rules.pull_chance(own, ad, peer * f, infl):
                    bought = True
                    first = self.purchases == 0
                    if first:
                        self.channel = rules.channel_of(base, self.touch, review_mult,
                                                        price_mult, ad, peer * f, infl)
                elif self.draw(Purpose.FORGET) < c.forget:
                    new_stage = Stage.AWARE  # lost interest for now
        elif self.active:
            protection = c.loyal_protection if stage == Stage.LOYAL else 0.0
            if self.draw(Purpose.CHURN) < rules.churn_chance(c.churn_rate, self.satisfaction,
                                                             negative, protection):
                new_stage = Stage.LAPSED
                self.event |= Event.CHURNED
            else:
                mult = rules.rewards_pull(price_mult, m.promotions, self.purchases, self.points,
                                          (promo.vip_purchases, promo.vip_effect), self.card)
                base = c.repeat_rate * self.satisfaction * bt
                bought = self.draw(Purpose.BUY) < min(1.0, base * mult)
        elif self.draw(Purpose.MOVE) < rules.winback_chance(ad, peer * f, infl):
            new_stage = Stage.CONSIDERING  # a lapsed customer won back
            self.event |= Event.WON_BACK
        if m.event_log is not None and (new_stage != stage or bought):
            self.note((stage, new_stage, bought, first, self.touch),
                      (base, review_mult, price_mult, mult, self.satisfaction),
                      (ad, peer * f, infl, negative), in_community)
        if bought:
            new_stage, felt = self.buy(first, cut, paid)
            new_bt += c.experience_trust * (felt - 0.5)
        if (m.community and not self.member
                and Stage.AWARE <= stage <= Stage.LOYAL and new_stage != Stage.LAPSED
                and self.draw(Purpose.JOIN) < sc.community.join_rate * f * bt):
            self.member = True
            self.event |= Event.JOINED
        self.stage = Stage(new_stage)
        self.brand_trust = rules.clip01(new_bt)

    def buy(self, first: bool, cut: float, paid: float) -> tuple[int, float]:
        """A purchase at price cut ``cut`` (price ``paid`` for an average basket):
        experience, books, reference price, review; returns the new stage (loyal or
        customer) and the experience of the purchase."""
        m = self.model
        sc = m.config
        p, c = sc.product, sc.consumers
        felt = rules.experience(p.quality, p.fit_penalty, p.satisfaction_noise, self.fit,
                                self.draw(Purpose.SATISFACTION))
        self.satisfaction = felt if first else 0.5 * (self.satisfaction + felt)
        self.purchases += 1
        self.paid_discount = rules.discount_cents(self.basket, cut)
        self.spend += self.basket
        self.last_step = m.time_step
        self.reference = rules.reference_after(self.reference, c.reference_memory, paid)
        self.points, redeemed = rules.earn_points(self.points, m.promotions, self.card)
        if redeemed:
            self.event |= Event.REDEEMED
        if first:
            self.first_step = m.time_step
        age = m.time_step - self.first_step
        if age < sc.budget.clv_weeks:  # value of the first clv_weeks weeks, at acquisition
            self.clv += m.present_values[age] * (self.basket - self.cogs - self.paid_discount)
        if first:
            self.event |= Event.NEW
            if self.channel == rules.PEER and m.promotions:
                self.event |= Event.REFERRAL
        else:
            self.event |= Event.REPEAT
        if sc.reviews.enabled and self.draw(Purpose.REVIEW) < sc.reviews.write_rate:
            self.event |= Event.REVIEWED
            self.rating = rules.rating_of(felt)
        stage = rules.stage_after_purchase(self.purchases, self.satisfaction,
                                           c.loyal_purchases, c.loyal_satisfaction)
        return stage, felt


def record(shoppers: list[Shopper]) -> State:
    """The shoppers' state as a :class:`State` of one replication (arrays of shape
    (1, consumers)), for :func:`rules.tally`; ``signal`` holds what each said."""
    template = empty_state((1, 1), np.zeros((1, 1)), 0.0)
    values = {name: [getattr(s, name) for s in shoppers]
              for name in State._fields if name != "signal"}
    values["signal"] = [s.said for s in shoppers]
    return State(**{name: np.array([values[name]], dtype=getattr(template, name).dtype)
                    for name in State._fields})
