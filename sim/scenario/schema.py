"""The scenario schema: every parameter's type, default, bounds, meaning and role.

The pydantic sections below are the single source of every parameter. TOML files and
``--set`` overrides are validated against them (:mod:`sim.scenario.load`), and
:mod:`sim.scenario.fields` reads them for ``wom keys``, the README's key table, the
dashboard's widgets and the ranges of sweeps and experiments.

Each key is declared with one of :func:`market`, :func:`lever` or :func:`run_setting`,
which say what the key describes:

- ``market``: the world a strategy meets (consumers, product, network, media prices,
  diffusion rules). Scenarios compared with each other should share it.
- ``lever``: what a brand's strategy chooses (ads, discounts, rewards, community,
  influencers, seeding, the budget).
- ``run``: how the simulation is run (horizon, step, seeds, replications, labels).

They also carry a unit, a dashboard range ``ui`` (min, max, step; optional ``choices``
offered and ``shortlist``, the keys a short override picker offers) and a ``sweep``
range (low, high) where one is declared.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .declare import lever, market, run_setting
from .toml import dump_toml

NETWORK_KINDS = (
    "mixed",
    "complete",
    "erdos_renyi",
    "barabasi_albert",
    "clustered",
    "watts_strogatz",
    "stochastic_block",
    "configuration",
    "file",
)


#: Largest seed: seeds are stored and hashed as signed 64-bit integers. It is checked by
#: a validator, not an ``le`` bound, so that seed widgets keep their browser-safe range.
MAX_SEED = 2**63 - 1

# Money is counted in integer cents (int64, largest 2**63 - 1 ~ 9.2e18); these bounds keep
# every sum of a run exact.
# - A basket costs price * appetite, appetite log-normal with mean 1 drawn by Box-Muller
#   from 53-bit uniforms, so |z| <= sqrt(2 * 53 * ln 2) ~ 8.57 and, at the widest
#   consumers.appetite_sigma = 3, appetite <= exp(3 * 8.57 - 4.5) ~ 1.6e9. With
#   price <= MAX_PRICE (1e8 cents) the largest basket, 1.6e17 cents, fits.
# - A consumer buys at most once a week and a basket costs the price on average, so
#   revenue and cost of goods stay exact up to 9e10 purchases (1e8 consumers buying
#   every week for 900 weeks), beyond any population whose state (~150 bytes per
#   consumer and replication) fits in memory.
# - Costs are bought only while the budget (<= MAX_BUDGET, 1e14 cents) lasts, plus one
#   week of variable costs (rewards and perks <= MAX_AMOUNT each, 1e8 cents, at most a
#   few per consumer; an ad package <= 50 exposures * MAX_AMOUNT per consumer).
#: Largest list price (currency units).
MAX_PRICE = 1e6
#: Largest budget (currency units).
MAX_BUDGET = 1e12
#: Largest unit cost, fee, reward or perk (currency units).
MAX_AMOUNT = 1e6


def _seed_fits(value: int | None) -> int | None:
    if value is not None and value > MAX_SEED:
        raise ValueError(f"must be below 2**63 (at most {MAX_SEED}), found {value}")
    return value


class Section(BaseModel):
    """A table of the scenario: unknown keys are errors, values are checked on assignment.

    Types are strict: a number is not read from a string, nor a boolean from a number or
    a word (an integer is a valid float); infinities and NaN are refused.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, strict=True,
                              allow_inf_nan=False)


InfluenceStrategy = Literal["random", "degree", "pagerank", "kcore", "celf", "community"]
SeedStrategy = InfluenceStrategy | Literal["nodes"]


class PopulationConfig(Section):
    """Who is simulated (market: the number of consumers is part of the world met)."""

    size: int | None = market(
        None,
        ge=1,
        unit="consumers",
        ui={"min": 500, "max": 20_000, "step": 1},
        description="Number of consumers. Required for generated networks; for "
        "network.kind = 'file' it is taken from the file (if given it must match).",
    )


class NetworkConfig(Section):
    """The social network consumers talk on. Edge `u v` means u can influence v.

    Market: who can talk to whom is part of the world a strategy meets (the file-reading
    keys choose which network that is); only ``seed`` and ``resample`` are run settings
    (which network is drawn, and whether each replication draws its own).
    """

    kind: Literal[NETWORK_KINDS] = market(  # type: ignore[valid-type]
        "barabasi_albert",
        ui={"choices": ["barabasi_albert", "clustered", "watts_strogatz", "erdos_renyi",
                        "stochastic_block"], "shortlist": True},
        description="mixed (no network: everyone meets everyone, Bass mean field), complete, "
        "erdos_renyi, barabasi_albert, clustered (communities, hubs and clustering: "
        "Holme-Kim growth inside communities, preferential bridges between them), "
        "watts_strogatz, stochastic_block, configuration, or file (an edge list at "
        "network.path).",
    )
    path: Path | None = market(
        None,
        strict=False,  # file names are strings in TOML and JSON
        description="Edge-list file for kind = 'file': whitespace text (`u v [w]`, # comments) "
        "or CSV/TSV with a header; may be gzip-compressed.",
    )
    directed: bool = market(
        False, description="Read the file's edges as directed (u influences v, not back)."
    )
    reverse: bool = market(
        False, description="Swap the columns of the file (for `follower followee` lists)."
    )
    format: Literal["auto", "text", "csv", "tsv"] = market(
        "auto", description="Edge-list format: text, csv, tsv or auto (by the file extension)."
    )
    source_column: str | None = market(None, description="CSV/TSV source column (default: first).")
    target_column: str | None = market(None, description="CSV/TSV target column (default: second).")
    weight_column: str | None = market(
        None, description="CSV/TSV weight column (default: a column named 'weight' if present)."
    )
    mean_degree: float | None = market(
        None, gt=0, description="erdos_renyi: expected degree (alternative to edge_probability)."
    )
    edge_probability: float | None = market(
        None, ge=0, le=1, description="erdos_renyi: probability of each possible edge."
    )
    m: int = market(3, ge=1, description="barabasi_albert, clustered: edges attached by each "
                    "new node (mean degree about 2 m).")
    triad: float = market(
        0.9, ge=0, le=1, description="clustered: probability that a tie inside a community "
        "closes a triangle (Holme-Kim triad formation); raises clustering.")
    community_size: int = market(
        150, ge=2, unit="consumers", description="clustered: mean community size; the "
        "population splits into round(size / community_size) near-equal communities.")
    mixing: float = market(
        0.2, ge=0, le=1, description="clustered: share of each consumer's ties made to other "
        "communities (the LFR mixing parameter).")
    k: int = market(
        4, ge=2, description="watts_strogatz: each node joined to its k nearest ring neighbours."
    )
    rewire: float = market(
        0.1, ge=0, le=1, description="watts_strogatz: probability of rewiring each edge."
    )
    blocks: int | list[int] = market(
        4,
        description="stochastic_block: number of equal communities, or the list of their sizes.",
    )
    p_in: float = market(
        0.05, ge=0, le=1, description="stochastic_block: edge probability inside a community."
    )
    p_out: float = market(
        0.001, ge=0, le=1, description="stochastic_block: edge probability between communities."
    )
    degrees: list[int] | None = market(
        None, description="configuration: the degree sequence (default: drawn from a power law)."
    )
    exponent: float = market(
        2.5, gt=1, description="configuration: power-law exponent of the drawn degrees."
    )
    min_degree: int = market(2, ge=1, description="configuration: smallest drawn degree.")
    seed: int | None = run_setting(
        None, ge=0, description="Seed of the network generator (default: run.seed)."
    )
    resample: bool | None = run_setting(
        None,
        description="Draw a new network for each replication r, seeded from (network.seed "
        "or run.seed, r), so intervals include network-to-network variation. Unset: off for "
        "`wom run`, on for `wom compare` and `wom validate`. Only generated networks are "
        "resampled: no effect for mixed and complete, an error for file.",
    )
    weak_share: float = market(
        0.0, ge=0, le=1,
        description="Share of ties that are weak (acquaintances, Granovetter); see tie_strength.")
    weak_weight: float = market(
        0.3, ge=0, le=1, description="Weight multiplier of a weak tie (strong ties keep theirs).")
    tie_strength: Literal["random", "overlap"] = market(
        "random", description="Which ties are weak: random (each with probability "
        "weak_share) or overlap (the weak_share of ties whose ends share the fewest friends, "
        "Onnela et al. 2007: they bridge communities).")

    _seed_fits = field_validator("seed")(_seed_fits)

    @model_validator(mode="after")
    def _kind_needs(self) -> NetworkConfig:
        if self.kind == "file" and self.path is None:
            raise ValueError("network.kind = 'file' needs network.path")
        if self.kind == "file" and self.resample:
            raise ValueError("network.resample: a file network is fixed and cannot be "
                             "resampled; use a generated network.kind or drop resample")
        if self.kind != "file" and self.path is not None:
            raise ValueError(f"network.path is only used with kind = 'file', not {self.kind!r}")
        if self.kind == "erdos_renyi" and (self.mean_degree is None) == (
            self.edge_probability is None
        ):
            raise ValueError("erdos_renyi needs exactly one of mean_degree, edge_probability")
        if self.kind == "watts_strogatz" and self.k % 2:
            raise ValueError(f"watts_strogatz needs an even k, found {self.k}")
        if isinstance(self.blocks, int) and self.blocks < 1:
            raise ValueError(f"blocks must be >= 1, found {self.blocks}")
        if isinstance(self.blocks, list) and (
            not self.blocks or min(self.blocks) < 1
        ):
            raise ValueError("blocks must be a non-empty list of sizes >= 1")
        if self.degrees is not None and (not self.degrees or min(self.degrees) < 0):
            raise ValueError("degrees must be a non-empty list of integers >= 0")
        return self


class DiffusionConfig(Section):
    """How adoption spreads (the classic presets): market, the consumers' behaviour."""

    model: Literal["commerce", "bass", "independent_cascade", "linear_threshold"] = market(
        "bass",
        description="commerce: the word-of-mouth market (funnel, trust, reviews, promotions, "
        "loyalty; see docs/model.md); bass: hazard (p + q * adopted share) * dt; "
        "independent_cascade: each new adopter gets one chance p * w per out-edge; "
        "linear_threshold: adopt when the adopted share of in-weight reaches the threshold.",
    )
    p: float = market(
        0.03,
        ge=0,
        le=1,
        description="bass: innovation (external influence, ads) per unit time; "
        "independent_cascade: activation probability of an edge of weight 1.",
    )
    q: float = market(
        0.38,
        ge=0,
        le=1,
        description="bass: imitation (word of mouth) per unit time, times the adopted share "
        "of the population (mixed) or of a consumer's in-weight (network).",
    )
    threshold: float | None = market(
        None,
        gt=0,
        le=1,
        description="linear_threshold: fixed fractional threshold for everyone (Watts 2002); "
        "unset: independent uniform thresholds per consumer (Kempe et al. 2003).",
    )


class SeedingConfig(Section):
    """Who has adopted at step 0.

    Levers: the brand chooses whom it seeds and how it searches for them (the celf_*
    keys are the settings of its search, so they change the seeds it picks).
    """

    strategy: SeedStrategy = lever(
        "random",
        description="random (uniform, new draw per replication), degree (largest out-degree, "
        "ties to the lower id), pagerank, kcore, celf (greedy on the independent cascade), "
        "community (spread over detected communities) or nodes (the list seeding.nodes).",
    )
    count: int = lever(0, ge=0, description="Number of seeds (all strategies but nodes).")
    nodes: list[int] = lever(
        default_factory=list,
        description="Seed node ids for strategy 'nodes' (ids as in the edge-list file).",
    )
    celf_probability: float = lever(
        0.05, ge=0, le=1,
        description="celf: chance a weight-1 edge is live in the sampled cascade worlds "
        "(set it to diffusion.p for independent-cascade scenarios). Also used for "
        "influencers.strategy = 'celf'.")
    celf_worlds: int = lever(
        200, ge=1, description="celf: live-edge worlds sampled to estimate spread.")
    celf_candidates: int = lever(
        500, ge=1,
        description="celf: only this many highest out-degree consumers are candidates.")

    @model_validator(mode="after")
    def _nodes_needed(self) -> SeedingConfig:
        if self.strategy == "nodes" and not self.nodes:
            raise ValueError("seeding.strategy = 'nodes' needs a non-empty seeding.nodes")
        return self


class RunConfig(Section):
    """How long and how often (run settings)."""

    steps: int = run_setting(52, ge=0, unit="weeks", ui={"min": 13, "max": 156, "step": 1},
                             description="Number of steps to simulate.")
    dt: float = run_setting(
        1.0,
        gt=0,
        le=1,
        unit="weeks",
        description="Length of a step in model time units (weeks). Rates p and q are per unit, "
        "so a smaller dt with steps / dt steps approaches continuous time.",
    )
    seed: int = run_setting(
        0, ge=0, description="Seed of the run; replication r uses stream (seed, r).")
    replications: int = run_setting(1, ge=1, ui={"min": 2, "max": 30, "step": 1},
                                    description="Independent replications of the run.")

    _seed_fits = field_validator("seed")(_seed_fits)


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


class Scenario(Section):
    """A complete scenario: a market, a network, a diffusion process and a run plan."""

    name: str = run_setting("", description="Short name shown in tables.")
    description: str = run_setting("", description="What the scenario is for.")
    population: PopulationConfig = Field(default_factory=PopulationConfig)
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    diffusion: DiffusionConfig = Field(default_factory=DiffusionConfig)
    seeding: SeedingConfig = Field(default_factory=SeedingConfig)
    run: RunConfig = Field(default_factory=RunConfig)
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

    @model_validator(mode="after")
    def _population_needed(self) -> Scenario:
        if self.network.kind != "file" and self.population.size is None:
            raise ValueError(f"population.size is required for network.kind = "
                             f"{self.network.kind!r}")
        return self

    def digest(self) -> str:
        """Stable short hash of the fully resolved scenario (12 hex digits)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def to_toml(self) -> str:
        """The resolved scenario as TOML text that loads back to an equal scenario."""
        return dump_toml(self.model_dump(mode="json", exclude_none=True))

