"""The few Mesa agents of the commerce model: the brand and its influencers.

Both engines use them as they are. The brand keeps its books for every replication
of a batch at once (arrays of shape (replications,)); the reference engine simply has
a batch of one.
"""

from __future__ import annotations

import mesa
import numpy as np

from .commerce import (
    TOTAL_INDEX,
    WeekPlan,
    cents,
    content_pressure,
    incentive_talk,
    plan_week,
    review_boost,
)
from .scenario import Scenario


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
    """

    def __init__(self, model: mesa.Model, replications: int, population: int) -> None:
        super().__init__(model)
        scenario: Scenario = model.config
        self.population = population
        self.remaining = np.full(replications, cents(scenario.budget.total), dtype=np.int64)
        self.spent = np.zeros(replications, dtype=np.int64)
        self.review_count = np.zeros(replications, dtype=np.int64)
        self.rating_sum = np.zeros(replications, dtype=np.int64)
        self.members = np.zeros(replications, dtype=np.int64)
        self.satisfied_members = np.zeros(replications, dtype=np.int64)
        self.incentive = incentive_talk(scenario)
        self.plan: WeekPlan | None = None

    def plan_week(self, week: int) -> WeekPlan:
        """Decide this week's activities from the money left and last week's community."""
        self.plan = plan_week(self.model.config, week, self.remaining, self.members,
                              self.population)
        return self.plan

    def signals(self) -> tuple[np.ndarray, np.ndarray]:
        """Review boost and community content pressure per replication (from the books
        as they stood at the end of last week)."""
        sc = self.model.config
        boost = np.array([review_boost(sc, int(c), int(s))
                          for c, s in zip(self.review_count, self.rating_sum, strict=True)])
        content = np.array([content_pressure(sc, int(m), int(s))
                            for m, s in zip(self.members, self.satisfied_members, strict=True)])
        return boost, content

    def settle(self, totals: np.ndarray) -> np.ndarray:
        """Pay the week (fixed costs planned, variable costs from the totals); returns
        the week's cost in cents per replication, and updates the books."""
        assert self.plan is not None, "plan_week() must come first"
        p = self.model.config.promotions
        t = TOTAL_INDEX
        variable = (totals[:, t["discount_cents"]]
                    + totals[:, t["referrals"]] * cents(p.referral_reward)
                    + totals[:, t["checkins"]] * cents(p.checkin_reward)
                    + totals[:, t["vips"]] * cents(p.vip_perk))
        cost = self.plan.fixed_cents + np.where(self.plan.promotions, variable, 0)
        self.remaining -= cost
        self.spent += cost
        self.review_count += totals[:, t["reviews"]]
        self.rating_sum += totals[:, t["rating_points"]]
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
