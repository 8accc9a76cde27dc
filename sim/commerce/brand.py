"""The brand side of the commerce model: its weekly plan and budget, the review pool's
social proof, community content, and the few Mesa agents (the brand, its influencers).

Both engines use them as they are. The brand keeps its books for every replication
of a batch at once (arrays of shape (replications,)); the reference engine simply has
a batch of one. docs/model.md (sections 3.1, 3.2 and 4) describes the rules.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import mesa
import numpy as np

from ..scenario import Scenario, promotion_keys, unit_prices, value_of
from .state import TOTAL_INDEX


def cents(amount: float) -> int:
    """Currency to integer cents (half away from zero)."""
    return int(math.floor(amount * 100 + 0.5))


class WeekPlan(NamedTuple):
    """What the brand runs this week, per replication (bool arrays) and what it costs."""

    community: np.ndarray
    influencers: np.ndarray
    ads: np.ndarray
    promotions: np.ndarray
    fixed_cents: np.ndarray


def plan_week(sc: Scenario, week: int, remaining: np.ndarray, members: np.ndarray,
              n: int, audience: np.ndarray) -> WeekPlan:
    """The brand's plan for ``week`` given the money left (cents) per replication.

    Fixed costs are bought in order (community upkeep for last week's members,
    influencer fees: ``fee_per_thousand`` per 1,000 of the ``audience`` of the
    replication's influencers, the ad package), each only if the money left covers it; variable
    promotions (discount subsidies, rewards, VIP perks, the loyalty programme) run while
    money is left after them, and are paid afterwards, so the last week may overspend by
    its variable costs. An activity also stops after its ``weeks`` (0: no limit;
    ``promotions.weeks`` for the loyalty programme too).
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
    fees = np.array([cents(i.fee_per_thousand * int(a) / 1000) for a in audience],
                    dtype=np.int64)
    influencers = buy(i.count > 0 and within(i.weeks), fees)
    ad_cost = cents(a.reach * n * a.frequency * a.cost_per_exposure)
    ads = buy(a.reach > 0 and a.frequency > 0 and within(a.weeks),
              np.full_like(left, ad_cost))
    promos = any(value_of(sc, key) > 0 for key in promotion_keys())
    promotions = np.asarray(promos and within(p.weeks)) & (left > 0)
    return WeekPlan(community, influencers, ads, promotions, fixed)


class Signals(NamedTuple):
    """Brand-level signals of last week, per replication: the review pool's purchase
    boost and the community content's pull on members."""

    boost: np.ndarray
    content: np.ndarray


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
    """Weekly pull of the community's content on a member: ``content`` times the share
    of members who are satisfied active customers."""
    if members == 0:
        return 0.0
    return sc.community.content * satisfied_members / members


def incentive_talk(sc: Scenario) -> float:
    """Extra weekly talk chance of customers while a referral reward is offered."""
    return sc.wom.incentive_effect * sc.promotions.referral_reward / sc.product.price


def present_values(sc: Scenario) -> np.ndarray:
    """Value at acquisition of one unit earned k weeks later, k = 0..clv_weeks - 1
    (yearly rate ``budget.clv_discount``, 52 weeks a year)."""
    weeks = np.arange(sc.budget.clv_weeks)
    return np.array([(1.0 + sc.budget.clv_discount) ** (-int(k) / 52.0) for k in weeks])




class Brand(mesa.Agent):
    """The brand: plans and pays the week's marketing, and keeps the review pool.

    Parameters
    ----------
    model
        The Mesa model the brand belongs to; the brand runs the budget, ads, promotions,
        community and influencers of its scenario (``model.config``).
    replications
        Number of replications whose books it keeps.
    population
        Number of consumers (the ad package is priced on it).
    audience
        Followers of each replication's influencers (their fees are priced on it).

    Its books, per replication (cents and counts): ``remaining`` and ``spent`` money,
    the review pool (``review_count``, ``rating_sum``), last week's community
    (``members``, ``satisfied_members``) and the loyalty rewards paid (``redemptions``).
    """

    def __init__(self, model: mesa.Model, replications: int, population: int,
                 audience: np.ndarray) -> None:
        super().__init__(model)
        scenario: Scenario = model.config
        self.population = population
        self.audience = audience
        self.remaining = np.full(replications, cents(scenario.budget.total), dtype=np.int64)
        self.spent = np.zeros(replications, dtype=np.int64)
        self.review_count = np.zeros(replications, dtype=np.int64)
        self.rating_sum = np.zeros(replications, dtype=np.int64)
        self.members = np.zeros(replications, dtype=np.int64)
        self.satisfied_members = np.zeros(replications, dtype=np.int64)
        self.redemptions = np.zeros(replications, dtype=np.int64)
        self.plan: WeekPlan | None = None

    def plan_week(self, week: int) -> WeekPlan:
        """Decide this week's activities from the money left and last week's community."""
        self.plan = plan_week(self.model.config, week, self.remaining, self.members,
                              self.population, self.audience)
        return self.plan

    def signals(self) -> Signals:
        """Review boost and community content pressure per replication (from the books
        as they stood at the end of last week)."""
        sc = self.model.config
        boost = np.array([review_boost(sc, int(c), int(s))
                          for c, s in zip(self.review_count, self.rating_sum, strict=True)])
        content = np.array([content_pressure(sc, int(m), int(s))
                            for m, s in zip(self.members, self.satisfied_members, strict=True)])
        return Signals(boost, content)

    def settle(self, totals: np.ndarray) -> np.ndarray:
        """Pay the week (fixed costs planned, variable costs from the totals); returns
        the week's cost in cents per replication, and updates the books."""
        assert self.plan is not None, "plan_week() must come first"
        sc = self.model.config
        t = TOTAL_INDEX
        variable = totals[:, t["discount_cents"]].copy()
        for key, total in unit_prices():  # rewards and perks, declared in the schema
            variable += totals[:, t[total]] * cents(value_of(sc, key))
        cost = self.plan.fixed_cents + np.where(self.plan.promotions, variable, 0)
        self.remaining -= cost
        self.spent += cost
        self.review_count += totals[:, t["reviews"]]
        self.rating_sum += totals[:, t["rating_points"]]
        self.redemptions += totals[:, t["redemptions"]]
        self.members = totals[:, t["community_members"]].copy()
        self.satisfied_members = totals[:, t["satisfied_members"]].copy()
        return cost


class Influencer(mesa.Agent):
    """A consumer under contract: its sponsored posts reach everyone who listens to it.

    The posts are less credible than an organic recommendation (``authenticity``)
    and count as exposures towards the listeners' fatigue.
    """

    def __init__(self, model: mesa.Model, node: int, replication: int) -> None:
        super().__init__(model)
        self.node = node
        self.replication = replication
