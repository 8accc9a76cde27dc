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
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .commerce import CommerceSections
from .declare import lever, market, run_setting
from .section import InfluenceStrategy, Section, seed_fits
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
    weight_scale: Literal["none", "max-abs"] | float = market(
        "none",
        description="Divide every tie weight by this before the run: none (keep them), "
        "max-abs (the largest |w|, so weights fall in [-1, 1]) or a number > 0 (e.g. 10 "
        "for ratings from -10 to 10). Any kind of network; weak ties are marked after.",
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

    seed_fits = field_validator("seed")(seed_fits)

    @field_validator("weight_scale", mode="plain")
    @classmethod
    def _scale(cls, value: Any) -> str | float:
        """One message for every bad value (a union would give one per alternative)."""
        if isinstance(value, str) and value in ("none", "max-abs"):
            return value
        if (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value) and value > 0):
            return float(value)
        raise ValueError(f"expected 'none', 'max-abs' or a finite number > 0, found {value!r}")

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

    seed_fits = field_validator("seed")(seed_fits)


class Setting(Section):
    """The sections every scenario has: its labels, consumers, network, diffusion
    process, seeding and run plan (the fields :class:`Scenario` lists first)."""

    name: str = run_setting("", description="Short name shown in tables.")
    description: str = run_setting("", description="What the scenario is for.")
    population: PopulationConfig = Field(default_factory=PopulationConfig)
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    diffusion: DiffusionConfig = Field(default_factory=DiffusionConfig)
    seeding: SeedingConfig = Field(default_factory=SeedingConfig)
    run: RunConfig = Field(default_factory=RunConfig)


class Scenario(CommerceSections, Setting):
    """A complete scenario: a market, a network, a diffusion process and a run plan.

    Its fields are those of :class:`Setting`, then the commerce model's sections
    (:class:`sim.scenario.commerce.CommerceSections`), in that order.
    """

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

