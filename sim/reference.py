"""The reference engine: the model written the plain Mesa way, one agent per consumer.

This module is the readable specification of a step. It uses no numba and no array
tricks. In the classic presets every :class:`Consumer` looks at the consumers it
listens to and decides, from the previous step's state, whether it adopts now; all
consumers decide first, then all adopt (synchronous update), so the order in which
Mesa visits them does not matter. In the commerce model every :class:`Shopper` first
speaks (recommends, complains or stays silent) and then acts on what its ties said
(docs/model.md). Random draws come from :func:`sim.rng.uniform` with the same keys as the
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

from . import rules
from .agents import Brand, Influencer
from .commerce import (
    FLOAT_TOTALS,
    TOTALS,
    Channel,
    Stage,
    Talk,
    columns_of,
    draw_traits,
    params_of,
    present_values,
    top_share_ratio,
)
from .model import column_reporters, influencer_nodes, results_frame, seed_satisfaction
from .network import Network, build_network, check_compatible
from .rng import Purpose, stream_key, uniform
from .scenario import Scenario
from .seeding import choose_seeds


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
        """Independent cascade: each source that adopted last step tries once, w.p. p * w."""
        p = self.model.config.diffusion.p
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
        self.config = scenario
        self.seed = seed
        self.replication = replication
        self.network = build_network(scenario) if network is None else network
        check_compatible(scenario, self.network)
        self.stream = stream_key(seed, replication)
        self.time_step = 0
        if scenario.diffusion.model == "commerce":
            self._init_commerce()
            return
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

    def _init_commerce(self) -> None:
        sc = self.config
        net = self.network
        self.params = params_of(sc)
        self.present_values = present_values(sc)
        traits = draw_traits(sc, [self.stream], net.n)
        self.shoppers: list[Shopper] = []
        for i in range(net.n):
            row = slice(int(net.indptr[i]), int(net.indptr[i + 1]))
            own = {name: getattr(traits, name)[0, i] for name in traits._fields}
            self.shoppers.append(Shopper(self, i, net.indices[row].tolist(),
                                         net.weights[row].tolist(), own))
        for i in choose_seeds(net, sc.seeding, self.stream).tolist():
            seed = self.shoppers[i]
            seed.stage = Stage.CUSTOMER
            seed.purchases = 1
            seed.channel = Channel.SEED
            seed.first_step = 0
            seed.satisfaction = seed_satisfaction(sc, seed.fit)
        self.influencers = []
        for node in influencer_nodes(net, sc, self.stream).tolist():
            self.influencers.append(Influencer(self, node, self.replication))
            self.shoppers[node].influencer = True
        self.brand = Brand(self, 1, net.n)
        self.checkin_offered = sc.promotions.checkin_reward > 0
        self.plan = None
        self._record_commerce()
        self.datacollector = mesa.DataCollector(
            model_reporters=column_reporters(self.latest))
        self.datacollector.collect(self)

    def _record_commerce(self) -> None:
        totals, floats = commerce_totals(self)
        cost = self.brand.settle(totals) if self.time_step > 0 else np.zeros(1, np.int64)
        spend = np.array([s.spend for s in self.shoppers], dtype=np.int64)
        b = self.brand
        self.latest = columns_of(self.config, totals, floats, cost, b.spent, b.review_count,
                                 b.rating_sum, np.array([top_share_ratio(spend)]),
                                 self.network.n)

    def step(self) -> None:
        """All consumers decide from the previous state, then all adopt."""
        self.time_step += 1
        if self.config.diffusion.model == "commerce":
            self.plan = self.brand.plan_week(self.time_step)
            boost, content = self.brand.signals()
            self.boost, self.content = float(boost[0]), float(content[0])
            self.agents_by_type[Shopper].do("speak")
            self.agents_by_type[Shopper].do("act")
            self._record_commerce()
            self.datacollector.collect(self)
            return
        self.agents.do("decide")
        self.agents.do("advance")
        self.adopted_count = report_adopted(self)
        self.datacollector.collect(self)

    def table(self) -> pd.DataFrame:
        """Tidy results of this replication, same columns as the fast engine's."""
        data = self.datacollector.get_model_vars_dataframe()
        columns = {name: np.asarray(data[name].to_list()).reshape(-1, 1)
                   for name in data.columns}
        return results_frame(np.array([self.replication]), columns, self.network.n,
                             self.config.run.dt, self.seed)


class Shopper(mesa.Agent):
    """One consumer of the commerce model (reference engine; twin of the commerce kernels
    in :mod:`sim.kernels`). docs/model.md describes the week this class implements.

    A week has two phases. In :meth:`speak` every shopper decides, from last week's
    state, whether it recommends the product, complains or stays silent. In :meth:`act`
    every shopper listens to the ties that spoke, is exposed to ads and sponsored posts,
    moves through the funnel, buys, reviews and joins the community. ``act`` reads other
    shoppers only through what they said in ``speak``, so the order of visits does not
    matter.
    """

    def __init__(self, model: ReferenceModel, index: int, sources: list[int],
                 weights: list[float], traits: dict[str, float]) -> None:
        super().__init__(model)
        self.index = index
        self.sources = sources
        self.weights = weights
        self.fit = traits["fit"]
        self.interest = traits["interest"]
        self.price_sensitivity = traits["price_sensitivity"]
        self.peer_trust = traits["peer_trust"]
        self.brand_trust = traits["brand_trust"]
        self.baseline_trust = traits["brand_trust"]
        self.basket = int(traits["basket_cents"])
        self.cogs = int(traits["cogs_cents"])
        self.reads_reviews = bool(traits["reads_reviews"])
        self.stage = Stage.UNAWARE
        self.fatigue = 0.0
        self.satisfaction = 0.0
        self.purchases = 0
        self.spend = 0
        self.clv = 0.0
        self.channel = Channel.NONE
        self.touch = Channel.ORGANIC
        self.member = False
        self.first_step = -1
        self.last_step = -1
        self.first_cut = 0.0
        self.influencer = False
        # what happened this week
        self.said = Talk.SILENT
        self.bought_last_week = False
        self.events: set[str] = set()
        self.paid_discount = 0
        self.rating = 0

    def draw(self, purpose: Purpose) -> float:
        return uniform(self.model.stream, self.model.time_step, self.index, purpose)

    @property
    def active(self) -> bool:
        return self.stage in (Stage.CUSTOMER, Stage.LOYAL)

    def speak(self) -> None:
        """Phase 1: recommend (satisfied customers), complain (dissatisfied), check in."""
        m = self.model
        prm = m.params
        week = m.time_step
        self.events = set()
        self.said = Talk.SILENT
        promotions = bool(m.plan.promotions[0])
        if self.active and self.satisfaction >= prm.dissatisfied_below:
            advocate = (self.stage == Stage.LOYAL
                        and rules.advocacy(self.satisfaction, self.brand_trust)
                        >= prm.promoter_above)
            chance = rules.talk_chance(prm.talk_rate, self.satisfaction,
                                       m.brand.incentive if promotions else 0.0,
                                       prm.advocate_talk if advocate else 0.0)
            if self.draw(Purpose.TALK) < chance:
                self.said = Talk.POSITIVE
            if (m.checkin_offered and promotions and self.last_step == week - 1
                    and self.draw(Purpose.CHECKIN) < prm.checkin_rate):
                self.said = Talk.POSITIVE
                self.events.add("checkin")
        elif ((self.active or self.stage == Stage.LAPSED)
              and self.satisfaction < prm.dissatisfied_below
              and self.draw(Purpose.TALK) < prm.negative_talk):
            self.said = Talk.NEGATIVE
        self.bought_last_week = self.last_step == week - 1

    def listen(self) -> tuple[float, float, float, int, int]:
        """Pressure from this week's talk: (positive peer, influencer, negative) chances
        that at least one message gets through, sponsored posts seen, friends who bought."""
        m = self.model
        prm = m.params
        sponsoring = bool(m.plan.influencers[0])
        pos_stay = neg_stay = inf_stay = 1.0
        sponsored = friends_bought = 0
        for source, w in zip(self.sources, self.weights, strict=True):
            other = m.shoppers[source]
            if other.said != Talk.SILENT:
                x = prm.beta * abs(w) * self.peer_trust
                if (other.said == Talk.POSITIVE) == (w >= 0.0):  # distrust flips a message
                    if other.influencer:
                        inf_stay *= 1.0 - x
                    else:
                        pos_stay *= 1.0 - x
                else:
                    neg_stay *= 1.0 - min(1.0, prm.negativity * x)
            if sponsoring and other.influencer:
                sponsored += 1
                x = prm.beta * prm.authenticity * abs(w) * self.peer_trust
                if w >= 0.0:
                    inf_stay *= 1.0 - x
                else:
                    neg_stay *= 1.0 - min(1.0, prm.negativity * x)
            if other.bought_last_week:
                friends_bought += 1
        peer = 1.0 - pos_stay
        if self.member and m.plan.community[0]:
            peer = rules.either(peer, m.content)
        return peer, 1.0 - inf_stay, 1.0 - neg_stay, sponsored, friends_bought

    def act(self) -> None:
        """Phase 2: exposure and fatigue, funnel move, purchase, review, community."""
        m = self.model
        prm = m.params
        plan = m.plan
        promotions = bool(plan.promotions[0])
        in_community = self.member and bool(plan.community[0])
        peer, infl, negative, sponsored, friends_bought = self.listen()
        f = self.fit
        bt = self.brand_trust
        ad_exposures = 0
        if plan.ads[0] and self.draw(Purpose.AD_REACH) < rules.reach_chance(
                prm.reach, prm.targeting, self.interest, prm.mean_interest):
            ad_exposures = prm.frequency
        fatigue = rules.fatigue_after(self.fatigue, prm.decay, ad_exposures + sponsored)
        ad = rules.ad_pull(ad_exposures, prm.ad_effect, bt,
                           rules.response(fatigue, prm.half_response))
        new_bt = rules.trust_after_exposure(bt, self.baseline_trust, fatigue,
                                            prm.fatigue_threshold, prm.erosion, prm.recovery,
                                            prm.dialogue if in_community else 0.0)
        heard_negative = negative > 0.0 and self.draw(Purpose.NEGATIVE) < negative
        if heard_negative:
            new_bt -= prm.negative_trust_hit
        cut = 0.0
        if promotions:
            cut = rules.price_cut(
                prm.discount, prm.exclusive_discount if self.member else 0.0,
                prm.group_discount if 0 < prm.group_size <= friends_bought else 0.0)
        price_mult = 1.0 + prm.price_elasticity * cut * self.price_sensitivity

        stage = self.stage
        new_stage = stage
        bought = first = False
        if stage == Stage.UNAWARE:
            if self.draw(Purpose.MOVE) < rules.either(rules.either(ad, peer),
                                                      rules.either(infl, prm.discovery)):
                new_stage = Stage.AWARE
                self.touch = strongest([(ad, Channel.AD), (peer, Channel.PEER),
                                        (infl, Channel.INFLUENCER),
                                        (prm.discovery, Channel.ORGANIC)])
        elif stage == Stage.AWARE:
            base = prm.consider_rate * bt * self.interest
            if not heard_negative and self.draw(Purpose.MOVE) < rules.either(
                    rules.either(base, ad), rules.either(peer * f, infl)):
                new_stage = Stage.CONSIDERING
            elif self.draw(Purpose.FORGET) < prm.forget:
                new_stage = Stage.UNAWARE  # attention faded
        elif stage == Stage.CONSIDERING:
            if heard_negative:
                new_stage = Stage.AWARE
            else:
                base = prm.buy_rate * bt * self.interest
                review_mult = 1.0
                if self.reads_reviews or self.member:
                    review_mult = max(0.0, 1.0 + m.boost)
                own = min(1.0, base * review_mult * price_mult)
                if self.draw(Purpose.BUY) < rules.either(rules.either(own, ad),
                                                         rules.either(peer * f, infl)):
                    bought = True
                    first = self.purchases == 0
                    if first:
                        self.channel = strongest([
                            (base, self.touch),
                            (base * (review_mult - 1.0), Channel.REVIEW),
                            (base * review_mult * (price_mult - 1.0), Channel.PROMOTION),
                            (ad, Channel.AD),
                            (peer * f, Channel.PEER), (infl, Channel.INFLUENCER)])
                elif self.draw(Purpose.FORGET) < prm.forget:
                    new_stage = Stage.AWARE  # lost interest for now
        elif stage in (Stage.CUSTOMER, Stage.LOYAL):
            protection = prm.loyal_protection if stage == Stage.LOYAL else 0.0
            if self.draw(Purpose.CHURN) < rules.churn_chance(prm.churn_rate, self.satisfaction,
                                                             negative, protection):
                new_stage = Stage.LAPSED
                self.events.add("churned")
            else:
                mult = price_mult * rules.reference_price(prm.price_elasticity,
                                                          self.price_sensitivity,
                                                          self.first_cut, cut)
                if prm.vip_purchases > 0 and promotions and self.purchases >= prm.vip_purchases:
                    mult = mult * (1.0 + prm.vip_effect)
                if self.draw(Purpose.BUY) < min(1.0, prm.repeat_rate * self.satisfaction * bt
                                                * mult):
                    bought = True
        elif self.draw(Purpose.MOVE) < rules.either(rules.either(ad, peer * f), infl):
            new_stage = Stage.CONSIDERING  # a lapsed customer won back
            self.events.add("won_back")

        if bought:
            felt = rules.experience(prm.quality, prm.fit_penalty, prm.satisfaction_noise, f,
                                    self.draw(Purpose.SATISFACTION))
            self.satisfaction = felt if first else 0.5 * (self.satisfaction + felt)
            new_bt += prm.experience_trust * (felt - 0.5)
            self.purchases += 1
            self.paid_discount = rules.discount_cents(self.basket, cut)
            self.spend += self.basket
            self.last_step = m.time_step
            if first:
                self.first_step = m.time_step
                self.first_cut = cut
            age = m.time_step - self.first_step
            if age < prm.clv_weeks:  # value of the first clv_weeks weeks, at acquisition
                self.clv += m.present_values[age] * (self.basket - self.cogs
                                                     - self.paid_discount)
            if first:
                self.events.add("new")
                if self.channel == Channel.PEER and promotions:
                    self.events.add("referral")
            else:
                self.events.add("repeat")
            loyal = (self.purchases >= prm.loyal_purchases
                     and self.satisfaction >= prm.loyal_satisfaction)
            new_stage = Stage.LOYAL if loyal else Stage.CUSTOMER
            if prm.reviews_enabled and self.draw(Purpose.REVIEW) < prm.write_rate:
                self.events.add("reviewed")
                self.rating = rules.rating_of(felt)
        if (plan.community[0] and not self.member
                and Stage.AWARE <= stage <= Stage.LOYAL and new_stage != Stage.LAPSED
                and self.draw(Purpose.JOIN) < prm.join_rate * f * bt):
            self.member = True
            self.events.add("joined")
        self.stage = new_stage
        self.brand_trust = rules.clip01(new_bt)
        self.fatigue = fatigue


def strongest(options: list[tuple[float, Channel]]) -> Channel:
    """The channel with the largest pull; ties go to the one listed first."""
    best, channel = options[0]
    for pull, option in options[1:]:
        if pull > best:
            best, channel = pull, option
    return channel


def commerce_totals(model: ReferenceModel) -> tuple[np.ndarray, np.ndarray]:
    """The week's totals, shaped (1, len(TOTALS)) and (1, len(FLOAT_TOTALS)), summed over
    shoppers in index order."""
    prm = model.params
    t = dict.fromkeys(TOTALS, 0)
    fl = dict.fromkeys(FLOAT_TOTALS, 0.0)
    promotions = bool(model.plan.promotions[0]) if model.plan else False
    for s in model.shoppers:
        t[Stage(s.stage).name.lower()] += 1
        t["shares"] += s.said == Talk.POSITIVE
        t["negative_shares"] += s.said == Talk.NEGATIVE
        for event, key in (("checkin", "checkins"), ("new", "new_customers"),
                           ("repeat", "repeat_purchases"), ("churned", "churned"),
                           ("won_back", "won_back"), ("referral", "referrals"),
                           ("reviewed", "reviews"), ("joined", "joined")):
            t[key] += event in s.events
        if "new" in s.events or "repeat" in s.events:
            t["revenue_cents"] += s.basket
            t["cogs_cents"] += s.cogs
            t["discount_cents"] += s.paid_discount
        if "reviewed" in s.events:
            t["rating_points"] += s.rating
        ever = s.purchases > 0
        if s.member:
            t["community_members"] += 1
            t["satisfied_members"] += s.active and s.satisfaction >= prm.dissatisfied_below
            if ever:
                t["member_customers"] += 1
                t["member_spend_cents"] += s.spend
        elif ever:
            t["nonmember_customers"] += 1
            t["nonmember_spend_cents"] += s.spend
        advocacy = rules.advocacy(s.satisfaction, s.brand_trust)
        t["advocates"] += s.stage == Stage.LOYAL and advocacy >= prm.promoter_above
        t["vips"] += s.active and 0 < prm.vip_purchases <= s.purchases and promotions
        if ever:
            name = Channel(s.channel).name.lower()
            t["adopted"] += 1
            t[f"customers_{name}"] += 1
            if model.time_step - s.first_step >= prm.clv_weeks:
                t["matured"] += 1
                t[f"matured_{name}"] += 1
                fl["clv_sum"] += s.clv
                fl[f"clv_sum_{name}"] += s.clv
        if s.active:
            promoter = advocacy >= prm.promoter_above
            t["promoters"] += promoter
            t["detractors"] += not promoter and advocacy < prm.detractor_below
        fl["brand_trust_sum"] += s.brand_trust
        fl["fatigue_sum"] += s.fatigue
    return (np.array([[t[k] for k in TOTALS]], dtype=np.int64),
            np.array([[fl[k] for k in FLOAT_TOTALS]]))
