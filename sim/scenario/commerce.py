"""The scenario sections of the commerce model: product, consumers, word of mouth,
budget, ads, fatigue, promotions, loyalty, community, influencers and reviews.

Declared like every key (:mod:`sim.scenario.declare`); :mod:`sim.scenario.schema`
assembles them into the :class:`~sim.scenario.schema.Scenario`.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .declare import lever, market
from .section import MAX_AMOUNT, MAX_BUDGET, MAX_PRICE, InfluenceStrategy, Section


class ProductConfig(Section):
    """What is sold (commerce model): market, the product strategies are compared on."""

    price: float = market(50.0, gt=0, le=MAX_PRICE, unit="currency", sweep=(45.0, 55.0),
                          description="List price of a basket of average size.")
    reference_price: float = market(
        50.0, gt=0, unit="currency", description="The category's going price: every "
        "consumer's reference price before its first purchase (Kalyanaram and Winer 1995).")
    quality: float = market(
        0.8, ge=0, le=1, sweep=(0.75, 0.95),
        description="Satisfaction a perfectly fitting consumer expects from a purchase (0-1).")
    cost_share: float = market(
        0.5, ge=0, le=1, description="Cost of goods as a share of the list price.")
    fit_penalty: float = market(
        0.5, ge=0, le=1,
        description="Satisfaction lost by the worst-fitting consumer (fit 0) against fit 1.")
    satisfaction_noise: float = market(
        0.3, ge=0, le=1, description="Width of the uniform noise around expected satisfaction.")
    currency: str = market(
        "$", min_length=1, max_length=8,
        description="Label of the currency of every amount (prices, costs, budgets), e.g. "
                    "\"$\", \"€\" or \"EUR\"; shown by the dashboard, it changes no "
                    "number.")


class ConsumersConfig(Section):
    """Traits and behaviour of consumers (commerce model): market."""

    peer_trust: float = market(
        0.83, ge=0, le=1, sweep=(0.6, 0.95),
        description="Mean trust in peers' recommendations (Nielsen 2015: 83%).")
    brand_trust: float = market(
        0.63, ge=0, le=1, description="Mean initial trust in the brand's ads (Nielsen 2015: 63%).")
    trust_spread: float = market(
        0.3, ge=0, le=0.6, description="Width of the uniform spread of both trusts around means.")
    appetite_sigma: float = market(
        0.8, ge=0, le=3,
        description="Log-normal sigma of basket size (sets how much the top 1% spend).")
    review_readers: float = market(
        0.51, ge=0, le=1, description="Share of consumers who read reviews (social shoppers).")
    interest_power: float = market(
        2.0, gt=0, le=10,
        description="Interest in the category is U**power: most consumers care little.")
    forget: float = market(
        0.1, ge=0, le=1,
        description="Weekly chance an aware or considering consumer who does not move on "
        "slips back a stage (attention fades without reminders).")
    discovery: float = market(
        0.002, ge=0, le=1, description="Weekly chance of becoming aware on one's own (organic).")
    consider_rate: float = market(
        0.15, ge=0, le=1,
        description="Weekly chance an aware consumer considers, at brand trust and interest 1.")
    buy_rate: float = market(
        0.15, ge=0, le=1,
        description="Weekly chance a considering consumer buys, at brand trust and interest 1.")
    repeat_rate: float = market(
        0.3, ge=0, le=1,
        description="Weekly chance a customer buys again, at satisfaction and brand trust 1.")
    churn_rate: float = market(
        0.08, ge=0, le=1, description="Weekly chance a customer lapses, at satisfaction 0.")
    loyal_purchases: int = market(
        3, ge=1, unit="purchases",
        description="Purchases after which a satisfied customer becomes loyal.")
    loyal_satisfaction: float = market(
        0.7, ge=0, le=1, description="Satisfaction needed to become (and stay protected as) loyal.")
    loyal_protection: float = market(
        0.7, ge=0, le=1, description="Share of churn risk removed for loyal customers.")
    reference_memory: float = market(
        0.8, ge=0, lt=1, sweep=(0.7, 0.9), description="Reference price after a purchase: "
        "memory * reference + (1 - memory) * price paid (Kalyanaram and Winer 1995).")
    experience_trust: float = market(
        0.1, ge=0, le=1,
        description="Brand-trust change per purchase per unit of satisfaction above/below 0.5.")


class WomConfig(Section):
    """Word of mouth (commerce model): Goldenberg-Libai-Muller pressure from talking ties.

    Market: how consumers talk and listen (also ``incentive_effect``, their response to a
    referral reward whose amount is the lever ``promotions.referral_reward``).
    """

    beta: float = market(
        0.2, ge=0, le=1, sweep=(0.1, 0.3),
        description="Chance one positive message of a tie of weight 1 moves a fully trusting "
        "listener; pressure = 1 - prod(1 - beta * |w| * peer_trust).")
    talk_rate: float = market(
        0.3, ge=0, le=1, description="Weekly chance a satisfied customer talks, at satisfaction 1.")
    advocate_talk: float = market(
        0.3, ge=0, le=1, description="Extra weekly talk chance of advocates.")
    negative_talk: float = market(
        0.4, ge=0, le=1,
        description="Weekly chance a dissatisfied customer or lapsed consumer complains.")
    dissatisfied_below: float = market(
        0.5, ge=0, le=1, description="Satisfaction under which a customer's word is negative.")
    negativity: float = market(
        2.0, ge=1, le=10, description="Weight of a negative message relative to a positive one.")
    negative_trust_hit: float = market(
        0.1, ge=0, le=1, description="Brand trust lost by a consumer who is moved by complaints.")
    incentive_effect: float = market(
        1.0, ge=0, le=10,
        description="Extra talk chance per unit of (referral reward / price).")
    promoter_above: float = market(
        0.8, ge=0, le=1,
        description="Satisfaction (own experience) of promoters (NPS 9-10) and advocates.")
    detractor_below: float = market(
        0.6, ge=0, le=1, description="Satisfaction of detractors (NPS 0-6).")


class BudgetConfig(Section):
    """Marketing money (commerce model).

    ``total`` is a lever; the lifetime-value yardstick (discount rate and window) is
    market, so that strategies are compared on one yardstick.
    """

    total: float = lever(
        100_000.0, ge=0, le=MAX_BUDGET, unit="currency", ui={"shortlist": True},
        description="Total marketing budget over the run. Activities are paid week by week "
        "while money remains (fixed costs first, then variable costs).")
    clv_discount: float = market(
        0.10, ge=0, le=1, description="Yearly discount rate of customer lifetime value.")
    clv_weeks: int = market(
        52, ge=1, unit="weeks",
        description="Lifetime value counts the margin of a customer's first clv_weeks weeks, "
        "discounted to the week of acquisition; it is reported for customers acquired at "
        "least that long ago, so channels and strategies compare on equal windows.")


class AdsConfig(Section):
    """Push advertising (commerce model).

    The campaign (reach, frequency, targeting, weeks) is a lever; the media price
    ``cost_per_exposure`` and the response ``effect`` of consumers are market.
    """

    reach: float = lever(
        0.0, ge=0, le=1, ui={"shortlist": True},
        description="Share of consumers reached by the campaign each week.")
    frequency: int = lever(
        1, ge=0, le=50, unit="exposures per week", ui={"shortlist": True}, sweep=(0, 12),
        description="Exposures per reached consumer per week.")
    cost_per_exposure: float = market(0.02, ge=0, le=MAX_AMOUNT, unit="currency",
                                      description="Price of one exposure.")
    effect: float = market(
        0.05, ge=0, le=1,
        description="Chance one exposure moves a consumer a stage, at brand trust 1, no fatigue.")
    targeting: float = lever(
        0.0, ge=0, le=1,
        description="0: reach is random; 1: reach concentrates on interested consumers "
        "(same expected number reached while no one's chance exceeds 1).")
    weeks: int = lever(0, ge=0, unit="weeks",
                       description="Campaign length in weeks from the start (0: all).")


class FatigueConfig(Section):
    """Over-exposure (commerce model): market, how consumers tire of ads."""

    decay: float = market(
        0.5, ge=0, le=1, description="Share of last week's fatigue that remains.")
    half_response: float = market(
        3.0, gt=0, description="Fatigue at which the response to an exposure halves.")
    threshold: float = market(
        5.0, ge=0, description="Fatigue above which brand trust erodes.")
    erosion: float = market(
        0.01, ge=0, le=1,
        description="Share of brand trust lost per week per unit of fatigue above it.")
    recovery: float = market(
        0.05, ge=0, le=1,
        description="Share of the gap to a consumer's baseline trust that heals each week.")


class PromotionsConfig(Section):
    """Discounts and social promotions (commerce model).

    What the brand offers (amounts, thresholds, durations, perk spend) are levers; how
    consumers respond (``price_elasticity``, ``checkin_rate``, ``vip_effect``) is market.
    """

    discount: float = lever(
        0.0, ge=0, le=1, ui={"shortlist": True}, promotion=True,
        description="Price cut on every purchase while promotions run.")
    weeks: int = lever(0, ge=0, unit="weeks",
                       description="Promotion length in weeks from the start (0: all).")
    price_elasticity: float = market(
        2.62, ge=0, le=20, sweep=(1.5, 4.0),
        description="Mean price elasticity (Bijmolt et al. 2005: -2.62): purchase chances times "
        "1 - elasticity * 2 * sensitivity * (price paid - reference) / reference, floored at 0.")
    referral_reward: float = lever(
        0.0, ge=0, le=MAX_AMOUNT, unit="currency", ui={"shortlist": True}, sweep=(0.0, 20.0),
        promotion=True, paid_per="referrals",
        description="Reward paid to the referrer per peer-acquired customer.")
    exclusive_discount: float = lever(
        0.0, ge=0, le=1, promotion=True, description="Price cut offered only to community members.")
    checkin_reward: float = lever(
        0.0, ge=0, le=MAX_AMOUNT, unit="currency", promotion=True, paid_per="checkins",
        description="Reward per check-in (a share after a purchase).")
    checkin_rate: float = market(
        0.3, ge=0, le=1, description="Chance a rewarded customer checks in after a purchase.")
    vip_purchases: int = lever(
        0, ge=0, unit="purchases", promotion=True,
        description="Purchases that make a customer VIP (0: no VIP programme).")
    vip_perk: float = lever(0.5, ge=0, le=MAX_AMOUNT, unit="currency per week", paid_per="vips",
                            description="Weekly cost of perks per VIP.")
    vip_effect: float = market(
        0.5, ge=0, le=5, description="VIPs' repeat chance is multiplied by 1 + vip_effect.")
    group_size: int = lever(
        0, ge=0, promotion=True,
        description="Friends who bought last week needed for the group price (0: off).")
    group_discount: float = lever(0.2, ge=0, le=1, description="Price cut of a group buy.")


class LoyaltyConfig(Section):
    """A loyalty-points programme (commerce model), one of the promotions.

    The points, threshold and reward are levers; how customers respond to a reward
    coming closer (``effect``, the goal gradient of Kivetz, Urminsky and Zheng 2006) is
    market.
    """

    points_per_purchase: int = lever(
        0, ge=0, unit="points", promotion=True,
        description="Points earned per purchase while promotions run (0: no programme).")
    threshold: int = lever(
        10, ge=1, unit="points",
        description="Points that buy a reward; they are redeemed as soon as reached.")
    reward: float = lever(
        5.0, ge=0, le=MAX_AMOUNT, unit="currency", paid_per="redemptions",
        description="Value of a reward, paid by the brand.")
    effect: float = market(
        0.3, ge=0, le=5,
        description="Goal gradient: repeat chance times 1 + effect * points / threshold "
        "(Kivetz et al. 2006).")

    @model_validator(mode="after")
    def _one_reward_per_purchase(self) -> LoyaltyConfig:
        if self.points_per_purchase > self.threshold:
            raise ValueError(f"loyalty.points_per_purchase ({self.points_per_purchase}) must "
                             f"not exceed loyalty.threshold ({self.threshold})")
        return self


class CommunityConfig(Section):
    """A brand community (commerce model).

    Running it and what the brand spends on it are levers; how consumers join and what
    membership does to them (``join_rate``, ``dialogue``, ``content``) is market.
    """

    enabled: bool = lever(False, ui={"shortlist": True}, description="Run a brand community.")
    upkeep: float = lever(300.0, ge=0, le=MAX_AMOUNT, unit="currency per week",
                          description="Fixed weekly cost of running it.")
    member_cost: float = lever(0.05, ge=0, le=MAX_AMOUNT, unit="currency per week",
                               description="Weekly cost per member.")
    join_rate: float = market(
        0.1, ge=0, le=1, sweep=(0.05, 0.2),
        description="Weekly chance a consumer from aware to loyal joins, times fit and brand "
        "trust.")
    dialogue: float = market(
        0.05, ge=0, le=1, sweep=(0.0, 0.2),
        description="Service recovery: a member's trust below its baseline closes this extra "
        "share of the gap each week, never above the baseline (Smith et al. 1999).")
    content: float = market(
        0.1, ge=0, le=1,
        description="Weekly pressure of members' content on members, times the share of "
        "members who are satisfied customers.")


class InfluencersConfig(Section):
    """Paid influencers (commerce model).

    Whom and how many the brand hires, and for how long, are levers; their fee (a market
    price) and how credible sponsored posts are to consumers are market.
    """

    strategy: InfluenceStrategy = lever(
        "degree",
        description="How influencers are chosen: random, degree, pagerank, kcore, celf "
        "(with seeding.celf_*) or community.")
    count: int = lever(0, ge=0, ui={"shortlist": True}, description="Influencers under contract.")
    fee_per_thousand: float = market(
        10.0, ge=0, le=MAX_AMOUNT, unit="currency per 1,000 followers per week",
        description="Weekly fee per 1,000 followers (listeners) of a contracted influencer.")
    authenticity: float = market(
        0.5, ge=0, le=1,
        description="Credibility of a sponsored post relative to an organic recommendation.")
    weeks: int = lever(0, ge=0, unit="weeks",
                       description="Contract length in weeks (0: whole run).")


class ReviewsConfig(Section):
    """Customer reviews and social proof (commerce model).

    Market: whether customers review and how readers respond is consumer behaviour.
    """

    enabled: bool = market(True, description="Customers can write reviews that others read.")
    write_rate: float = market(
        0.1, ge=0, le=1, description="Chance a purchase is followed by a review.")
    saturation: float = market(
        3.0, gt=0,
        description="Social proof 1 - exp(-reviews / saturation): 63% at this many reviews, "
        "about 96% at 10.")
    lift: float = market(
        2.1, ge=0, le=10,
        description="Purchase multiplier 1 + lift * proof * credibility for review readers "
        "(2.7x at 5 credible reviews).")
    best_rating: float = market(
        4.4, ge=1, le=5, description="Mean rating found most credible (4.0-4.7 convert best).")
    rating_tolerance: float = market(
        1.2, gt=0,
        description="Credibility 1 - ((mean - best) / tolerance)^2, floored at -1 "
        "(poor ratings deter).")


class CommerceSections(Section):
    """The commerce model's sections, as the fields :class:`~sim.scenario.Scenario`
    inherits: a new section is declared here and nowhere else."""

    product: ProductConfig = Field(default_factory=ProductConfig)
    consumers: ConsumersConfig = Field(default_factory=ConsumersConfig)
    wom: WomConfig = Field(default_factory=WomConfig)
    budget: BudgetConfig = Field(default_factory=BudgetConfig)
    ads: AdsConfig = Field(default_factory=AdsConfig)
    fatigue: FatigueConfig = Field(default_factory=FatigueConfig)
    promotions: PromotionsConfig = Field(default_factory=PromotionsConfig)
    loyalty: LoyaltyConfig = Field(default_factory=LoyaltyConfig)
    community: CommunityConfig = Field(default_factory=CommunityConfig)
    influencers: InfluencersConfig = Field(default_factory=InfluencersConfig)
    reviews: ReviewsConfig = Field(default_factory=ReviewsConfig)
