"""Scenario schema, TOML loading with inheritance, and ``--set`` overrides.

The pydantic models below are the single source of every parameter: its type,
default, bounds and description. TOML files are validated against them, ``--set``
overrides are validated against them, and the documentation lists them
(``wom keys`` prints the table).

A scenario file may extend another with ``base = "other.toml"`` (a path relative to
the file). Tables are merged key by key, the extending file winning. Paths inside a
file (``base``, ``network.path``) are relative to that file; paths given with
``--set`` are relative to the working directory.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import ScenarioError

NETWORK_KINDS = (
    "mixed",
    "complete",
    "erdos_renyi",
    "barabasi_albert",
    "watts_strogatz",
    "stochastic_block",
    "configuration",
    "file",
)


class Section(BaseModel):
    """A table of the scenario: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


InfluenceStrategy = Literal["random", "degree", "pagerank", "kcore", "celf", "community"]
SeedStrategy = InfluenceStrategy | Literal["nodes"]


class PopulationConfig(Section):
    """Who is simulated."""

    size: int | None = Field(
        None,
        ge=1,
        description="Number of consumers. Required for generated networks; for "
        "network.kind = 'file' it is taken from the file (if given it must match).",
    )


class NetworkConfig(Section):
    """The social network consumers talk on. Edge `u v` means u can influence v."""

    kind: Literal[NETWORK_KINDS] = Field(  # type: ignore[valid-type]
        "barabasi_albert",
        description="mixed (no network: everyone meets everyone, Bass mean field), complete, "
        "erdos_renyi, barabasi_albert, watts_strogatz, stochastic_block, configuration, "
        "or file (an edge list at network.path).",
    )
    path: Path | None = Field(
        None,
        description="Edge-list file for kind = 'file': whitespace text (`u v [w]`, # comments) "
        "or CSV/TSV with a header; may be gzip-compressed.",
    )
    directed: bool = Field(
        False, description="Read the file's edges as directed (u influences v, not back)."
    )
    reverse: bool = Field(
        False, description="Swap the columns of the file (for `follower followee` lists)."
    )
    format: Literal["auto", "text", "csv", "tsv"] = Field(
        "auto", description="Edge-list format; auto decides by the file extension."
    )
    source_column: str | None = Field(None, description="CSV/TSV source column (default: first).")
    target_column: str | None = Field(None, description="CSV/TSV target column (default: second).")
    weight_column: str | None = Field(
        None, description="CSV/TSV weight column (default: a column named 'weight' if present)."
    )
    mean_degree: float | None = Field(
        None, gt=0, description="erdos_renyi: expected degree (alternative to edge_probability)."
    )
    edge_probability: float | None = Field(
        None, ge=0, le=1, description="erdos_renyi: probability of each possible edge."
    )
    m: int = Field(3, ge=1, description="barabasi_albert: edges attached by each new node.")
    k: int = Field(
        4, ge=2, description="watts_strogatz: each node joined to its k nearest ring neighbours."
    )
    rewire: float = Field(
        0.1, ge=0, le=1, description="watts_strogatz: probability of rewiring each edge."
    )
    blocks: int | list[int] = Field(
        4,
        description="stochastic_block: number of equal communities, or the list of their sizes.",
    )
    p_in: float = Field(
        0.05, ge=0, le=1, description="stochastic_block: edge probability inside a community."
    )
    p_out: float = Field(
        0.001, ge=0, le=1, description="stochastic_block: edge probability between communities."
    )
    degrees: list[int] | None = Field(
        None, description="configuration: the degree sequence (default: drawn from a power law)."
    )
    exponent: float = Field(
        2.5, gt=1, description="configuration: power-law exponent of the drawn degrees."
    )
    min_degree: int = Field(2, ge=1, description="configuration: smallest drawn degree.")
    seed: int | None = Field(
        None, ge=0, description="Seed of the network generator (default: run.seed)."
    )
    weak_share: float = Field(
        0.0, ge=0, le=1,
        description="Share of ties that are weak (acquaintances), drawn per tie (Granovetter).")
    weak_weight: float = Field(
        0.3, ge=0, le=1, description="Weight multiplier of a weak tie (strong ties keep theirs).")

    @model_validator(mode="after")
    def _kind_needs(self) -> NetworkConfig:
        if self.kind == "file" and self.path is None:
            raise ValueError("network.kind = 'file' needs network.path")
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
    """How adoption spreads (the classic presets)."""

    model: Literal["commerce", "bass", "independent_cascade", "linear_threshold"] = Field(
        "bass",
        description="commerce: the word-of-mouth market (funnel, trust, reviews, promotions, "
        "loyalty; see docs/model.md); bass: hazard (p + q * adopted share) * dt; "
        "independent_cascade: each new adopter gets one chance p * w per out-edge; "
        "linear_threshold: adopt when the adopted share of in-weight reaches the threshold.",
    )
    p: float = Field(
        0.03,
        ge=0,
        le=1,
        description="bass: innovation (external influence, ads) per unit time; "
        "independent_cascade: activation probability of an edge of weight 1.",
    )
    q: float = Field(
        0.38,
        ge=0,
        le=1,
        description="bass: imitation (word of mouth) per unit time, times the adopted share "
        "of the population (mixed) or of a consumer's in-weight (network).",
    )
    threshold: float | None = Field(
        None,
        gt=0,
        le=1,
        description="linear_threshold: fixed fractional threshold for everyone (Watts 2002); "
        "unset: independent uniform thresholds per consumer (Kempe et al. 2003).",
    )


class SeedingConfig(Section):
    """Who has adopted at step 0."""

    strategy: SeedStrategy = Field(
        "random",
        description="random (uniform, new draw per replication), degree (largest out-degree, "
        "ties to the lower id), pagerank, kcore, celf (greedy on the independent cascade), "
        "community (spread over detected communities) or nodes (the list seeding.nodes).",
    )
    count: int = Field(0, ge=0, description="Number of seeds (all strategies but nodes).")
    nodes: list[int] = Field(
        default_factory=list,
        description="Seed node ids for strategy 'nodes' (ids as in the edge-list file).",
    )
    celf_probability: float = Field(
        0.05, ge=0, le=1,
        description="celf: chance a weight-1 edge is live in the sampled cascade worlds "
        "(set it to diffusion.p for independent-cascade scenarios). Also used for "
        "influencers.strategy = 'celf'.")
    celf_worlds: int = Field(
        200, ge=1, description="celf: live-edge worlds sampled to estimate spread.")
    celf_candidates: int = Field(
        500, ge=1,
        description="celf: only this many highest out-degree consumers are candidates.")

    @model_validator(mode="after")
    def _nodes_needed(self) -> SeedingConfig:
        if self.strategy == "nodes" and not self.nodes:
            raise ValueError("seeding.strategy = 'nodes' needs a non-empty seeding.nodes")
        return self


class RunConfig(Section):
    """How long and how often."""

    steps: int = Field(52, ge=0, description="Number of steps to simulate.")
    dt: float = Field(
        1.0,
        gt=0,
        le=1,
        description="Length of a step in model time units (weeks). Rates p and q are per unit, "
        "so a smaller dt with steps / dt steps approaches continuous time.",
    )
    seed: int = Field(0, ge=0, description="Seed of the run; replication r uses stream (seed, r).")
    replications: int = Field(1, ge=1, description="Independent replications of the run.")


class ProductConfig(Section):
    """What is sold (commerce model)."""

    price: float = Field(50.0, gt=0, description="List price of a basket of average size.")
    quality: float = Field(
        0.8, ge=0, le=1,
        description="Satisfaction a perfectly fitting consumer expects from a purchase (0-1).")
    cost_share: float = Field(
        0.5, ge=0, le=1, description="Cost of goods as a share of the list price.")
    fit_penalty: float = Field(
        0.5, ge=0, le=1,
        description="Satisfaction lost by the worst-fitting consumer (fit 0) against fit 1.")
    satisfaction_noise: float = Field(
        0.3, ge=0, le=1, description="Width of the uniform noise around expected satisfaction.")


class ConsumersConfig(Section):
    """Traits and behaviour of consumers (commerce model)."""

    peer_trust: float = Field(
        0.83, ge=0, le=1,
        description="Mean trust in peers' recommendations (Nielsen 2015: 83%).")
    brand_trust: float = Field(
        0.63, ge=0, le=1, description="Mean initial trust in the brand's ads (Nielsen 2015: 63%).")
    trust_spread: float = Field(
        0.3, ge=0, le=0.6, description="Width of the uniform spread of both trusts around means.")
    appetite_sigma: float = Field(
        0.8, ge=0, le=3,
        description="Log-normal sigma of basket size (sets how much the top 1% spend).")
    review_readers: float = Field(
        0.51, ge=0, le=1, description="Share of consumers who read reviews (social shoppers).")
    interest_power: float = Field(
        2.0, gt=0, le=10,
        description="Interest in the category is U**power: most consumers care little.")
    forget: float = Field(
        0.1, ge=0, le=1,
        description="Weekly chance an aware or considering consumer who does not move on "
        "slips back a stage (attention fades without reminders).")
    discovery: float = Field(
        0.002, ge=0, le=1, description="Weekly chance of becoming aware on one's own (organic).")
    consider_rate: float = Field(
        0.15, ge=0, le=1,
        description="Weekly chance an aware consumer considers, at brand trust and interest 1.")
    buy_rate: float = Field(
        0.15, ge=0, le=1,
        description="Weekly chance a considering consumer buys, at brand trust and interest 1.")
    repeat_rate: float = Field(
        0.3, ge=0, le=1,
        description="Weekly chance a customer buys again, at satisfaction and brand trust 1.")
    churn_rate: float = Field(
        0.08, ge=0, le=1, description="Weekly chance a customer lapses, at satisfaction 0.")
    loyal_purchases: int = Field(
        3, ge=1, description="Purchases after which a satisfied customer becomes loyal.")
    loyal_satisfaction: float = Field(
        0.7, ge=0, le=1, description="Satisfaction needed to become (and stay protected as) loyal.")
    loyal_protection: float = Field(
        0.7, ge=0, le=1, description="Share of churn risk removed for loyal customers.")
    experience_trust: float = Field(
        0.1, ge=0, le=1,
        description="Brand-trust change per purchase per unit of satisfaction above/below 0.5.")


class WomConfig(Section):
    """Word of mouth (commerce model): Goldenberg-Libai-Muller pressure from talking ties."""

    beta: float = Field(
        0.2, ge=0, le=1,
        description="Chance one positive message of a tie of weight 1 moves a fully trusting "
        "listener; pressure = 1 - prod(1 - beta * |w| * peer_trust).")
    talk_rate: float = Field(
        0.3, ge=0, le=1, description="Weekly chance a satisfied customer talks, at satisfaction 1.")
    advocate_talk: float = Field(
        0.3, ge=0, le=1, description="Extra weekly talk chance of advocates.")
    negative_talk: float = Field(
        0.4, ge=0, le=1,
        description="Weekly chance a dissatisfied customer or lapsed consumer complains.")
    dissatisfied_below: float = Field(
        0.5, ge=0, le=1, description="Satisfaction under which a customer's word is negative.")
    negativity: float = Field(
        2.0, ge=1, le=10, description="Weight of a negative message relative to a positive one.")
    negative_trust_hit: float = Field(
        0.1, ge=0, le=1, description="Brand trust lost by a consumer who is moved by complaints.")
    incentive_effect: float = Field(
        1.0, ge=0, le=10,
        description="Extra talk chance per unit of (referral reward / price).")
    promoter_above: float = Field(
        0.8, ge=0, le=1,
        description="Advocacy (mean of satisfaction and brand trust) of promoters (NPS 9-10) "
        "and advocates.")
    detractor_below: float = Field(
        0.6, ge=0, le=1, description="Advocacy of detractors (NPS 0-6).")


class BudgetConfig(Section):
    """Marketing money (commerce model)."""

    total: float = Field(
        100_000.0, ge=0,
        description="Total marketing budget over the run. Activities are paid week by week "
        "while money remains (fixed costs first, then variable costs).")
    clv_discount: float = Field(
        0.10, ge=0, le=1, description="Yearly discount rate of customer lifetime value.")
    clv_weeks: int = Field(
        52, ge=1,
        description="Lifetime value counts the margin of a customer's first clv_weeks weeks, "
        "discounted to the week of acquisition; it is reported for customers acquired at "
        "least that long ago, so channels and strategies compare on equal windows.")


class AdsConfig(Section):
    """Push advertising (commerce model)."""

    reach: float = Field(
        0.0, ge=0, le=1, description="Share of consumers reached by the campaign each week.")
    frequency: int = Field(
        1, ge=0, le=50, description="Exposures per reached consumer per week.")
    cost_per_exposure: float = Field(0.02, ge=0, description="Price of one exposure.")
    effect: float = Field(
        0.05, ge=0, le=1,
        description="Chance one exposure moves a consumer a stage, at brand trust 1, no fatigue.")
    targeting: float = Field(
        0.0, ge=0, le=1,
        description="0: reach is random; 1: reach concentrates on interested consumers "
        "(same expected number reached while no one's chance exceeds 1).")
    weeks: int = Field(0, ge=0, description="Campaign length in weeks from the start (0: all).")


class FatigueConfig(Section):
    """Over-exposure (commerce model)."""

    decay: float = Field(
        0.5, ge=0, le=1, description="Share of last week's fatigue that remains.")
    half_response: float = Field(
        3.0, gt=0, description="Fatigue at which the response to an exposure halves.")
    threshold: float = Field(
        5.0, ge=0, description="Fatigue above which brand trust erodes.")
    erosion: float = Field(
        0.01, ge=0, le=1,
        description="Share of brand trust lost per week per unit of fatigue above it.")
    recovery: float = Field(
        0.05, ge=0, le=1,
        description="Share of the gap to a consumer's baseline trust that heals each week.")


class PromotionsConfig(Section):
    """Discounts and social promotions (commerce model)."""

    discount: float = Field(
        0.0, ge=0, le=1, description="Price cut on every purchase while promotions run.")
    weeks: int = Field(0, ge=0, description="Promotion length in weeks from the start (0: all).")
    price_elasticity: float = Field(
        3.5, ge=0, le=20,
        description="Purchase chance multiplier 1 + elasticity * discount * price sensitivity "
        "(Bijmolt et al. 2005 report a mean price elasticity of -2.6; promotions respond "
        "more strongly); a customer won with a discount buys again with "
        "1 - elasticity * sensitivity * (lost discount).")
    referral_reward: float = Field(
        0.0, ge=0, description="Reward paid to the referrer per peer-acquired customer.")
    exclusive_discount: float = Field(
        0.0, ge=0, le=1, description="Price cut offered only to community members.")
    checkin_reward: float = Field(
        0.0, ge=0, description="Reward per check-in (a share after a purchase).")
    checkin_rate: float = Field(
        0.3, ge=0, le=1, description="Chance a rewarded customer checks in after a purchase.")
    vip_purchases: int = Field(
        0, ge=0, description="Purchases that make a customer VIP (0: no VIP programme).")
    vip_perk: float = Field(0.5, ge=0, description="Weekly cost of perks per VIP.")
    vip_effect: float = Field(
        0.5, ge=0, le=5, description="VIPs' repeat chance is multiplied by 1 + vip_effect.")
    group_size: int = Field(
        0, ge=0, description="Friends who bought last week needed for the group price (0: off).")
    group_discount: float = Field(0.2, ge=0, le=1, description="Price cut of a group buy.")


class CommunityConfig(Section):
    """A brand community (commerce model)."""

    enabled: bool = Field(False, description="Run a brand community.")
    upkeep: float = Field(300.0, ge=0, description="Fixed weekly cost of running it.")
    member_cost: float = Field(0.05, ge=0, description="Weekly cost per member.")
    join_rate: float = Field(
        0.1, ge=0, le=1,
        description="Weekly chance a consumer from aware to loyal joins, times fit and brand "
        "trust.")
    dialogue: float = Field(
        0.05, ge=0, le=1,
        description="Weekly brand-trust gain of members, as a share of the gap to 1.")
    content: float = Field(
        0.1, ge=0, le=1,
        description="Weekly pressure of members' content on members, times the share of "
        "members who are satisfied customers.")


class InfluencersConfig(Section):
    """Paid influencers (commerce model)."""

    strategy: InfluenceStrategy = Field(
        "degree",
        description="How influencers are chosen: random, degree, pagerank, kcore, celf "
        "(with seeding.celf_*) or community.")
    count: int = Field(0, ge=0, description="Influencers under contract.")
    fee: float = Field(200.0, ge=0, description="Weekly fee per influencer.")
    authenticity: float = Field(
        0.5, ge=0, le=1,
        description="Credibility of a sponsored post relative to an organic recommendation.")
    weeks: int = Field(0, ge=0, description="Contract length in weeks (0: whole run).")


class ReviewsConfig(Section):
    """Customer reviews and social proof (commerce model)."""

    enabled: bool = Field(True, description="Customers can write reviews that others read.")
    write_rate: float = Field(
        0.1, ge=0, le=1, description="Chance a purchase is followed by a review.")
    saturation: float = Field(
        3.0, gt=0,
        description="Social proof 1 - exp(-reviews / saturation): 63% at this many reviews, "
        "about 96% at 10.")
    lift: float = Field(
        2.1, ge=0, le=10,
        description="Purchase multiplier 1 + lift * proof * credibility for review readers "
        "(2.7x at 5 credible reviews).")
    best_rating: float = Field(
        4.4, ge=1, le=5, description="Mean rating found most credible (4.0-4.7 convert best).")
    rating_tolerance: float = Field(
        1.2, gt=0,
        description="Credibility 1 - ((mean - best) / tolerance)^2, floored at -1 "
        "(poor ratings deter).")


class Scenario(Section):
    """A complete scenario: a market, a network, a diffusion process and a run plan."""

    name: str = Field("", description="Short name shown in tables.")
    description: str = Field("", description="What the scenario is for.")
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


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def dump_toml(data: dict[str, Any]) -> str:
    """Write a two-level dict (top keys and tables) as TOML."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, table in data.items():
        if isinstance(table, dict):
            lines.append(f"\n[{key}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, expected a TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve_file(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file and the files it extends, merged, with paths made absolute."""
    data = _read_toml(path)
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ScenarioError(f"{chain[0]}: base: inheritance cycle: {cycle}")
    net = data.get("network")
    if isinstance(net, dict) and isinstance(net.get("path"), str):
        net["path"] = str((path.parent / net["path"]).resolve())
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(f"{path}: base: expected a file name, found {base!r}")
    base_path = path.parent / base
    if not base_path.is_file():
        raise ScenarioError(f"{path}: base: no such scenario file {base_path}")
    return _merge(_resolve_file(base_path, (*chain, path)), data)


def parse_override(item: str) -> tuple[list[str], Any]:
    """Parse ``key.path=value``; the value is a TOML literal, else taken as a string."""
    key, sep, text = item.partition("=")
    keys = key.strip().split(".")
    if not sep or not all(k.strip() for k in keys):
        raise ScenarioError(f"--set {item}: expected KEY.PATH=VALUE, e.g. run.seed=3")
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    return [k.strip() for k in keys], value


def apply_overrides(data: dict[str, Any], overrides: list[str] | dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with each ``key.path=value`` override set (new dict, input untouched)."""
    items = (
        [(k.split("."), v) for k, v in overrides.items()]
        if isinstance(overrides, dict)
        else [parse_override(o) for o in overrides]
    )
    out = json.loads(json.dumps(data, default=str))
    for keys, value in items:
        node = out
        for k in keys[:-1]:
            child = node.setdefault(k, {})
            if not isinstance(child, dict):
                raise ScenarioError(f"--set {'.'.join(keys)}: {k} is not a table")
            node = child
        node[keys[-1]] = value
    return out


def _format_errors(exc: ValidationError, source: str, overridden: set[str]) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        from_set = [k for k in overridden if loc and (k == loc or k.startswith(loc + "."))]
        where = f"--set {from_set[0]}" if from_set else f"{source}: {loc or 'scenario'}"
        if err["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key")
            continue
        msg = err["msg"].removeprefix("Value error, ")
        found = f" (found {err['input']!r})" if err["type"] != "value_error" else ""
        lines.append(f"{where}: {msg}{found}")
    return "\n".join(lines)


def scenario_from_dict(
    data: dict[str, Any], *, source: str = "<scenario>", overridden: set[str] | None = None
) -> Scenario:
    """Validate a plain dict; errors name ``source`` and the key path."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(exc, source, overridden or set())) from None


def load_scenario(
    path: str | Path, overrides: list[str] | dict[str, Any] | None = None
) -> Scenario:
    """Load a scenario TOML file, resolve ``base`` inheritance and apply overrides.

    Parameters
    ----------
    path
        The scenario file.
    overrides
        ``["key.path=value", ...]`` (values are TOML literals, e.g.
        ``"seeding.nodes=[0, 5]"``) or a dict ``{"key.path": value}``.

    Raises
    ------
    ScenarioError
        With one line per problem: ``file: key.path: what was expected (found ...)``.

    Examples
    --------
    >>> sc = load_scenario("scenarios/bass.toml", ["run.steps=10"])  # doctest: +SKIP
    """
    path = Path(path)
    data = _resolve_file(path)
    overridden: set[str] = set()
    if overrides:
        data = apply_overrides(data, overrides)
        keys = overrides.keys() if isinstance(overrides, dict) else [
            o.partition("=")[0].strip() for o in overrides
        ]
        overridden = set(keys)
    return scenario_from_dict(data, source=str(path), overridden=overridden)


def parameter_table() -> list[tuple[str, str, str, str]]:
    """Every scenario key as (key.path, type, default, description), from the schema."""
    rows = []
    for name, field in Scenario.model_fields.items():
        section = field.annotation
        if isinstance(section, type) and issubclass(section, Section):
            for key, sub in section.model_fields.items():
                default = sub.get_default(call_default_factory=True)
                rows.append(
                    (f"{name}.{key}", _type_name(sub.annotation), repr(default),
                     sub.description or "")
                )
        else:
            rows.append((name, _type_name(field.annotation), repr(field.default),
                         field.description or ""))
    return rows


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("pathlib.", "")
