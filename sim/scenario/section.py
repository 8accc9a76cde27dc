"""The base of every scenario section, and the bounds that keep seeds and money exact.

Seeds are stored and hashed as signed 64-bit integers, and money is counted in integer
cents: the bounds below are what keeps every sum of a run exact.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

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


def seed_fits(value: int | None) -> int | None:
    """``value`` when it is unset or at most :data:`MAX_SEED`; else ValueError."""
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


#: Strategies that rank consumers (seeding and influencer contracts).
InfluenceStrategy = Literal["random", "degree", "pagerank", "kcore", "celf", "community"]
