"""Formulas of the commerce model's weekly step, written once as plain Python.

The reference engine (:mod:`sim.reference`) calls these functions as they are; the
fast engine compiles the very same functions with numba (:mod:`sim.kernels`), so both
engines evaluate each formula with the same operations in the same order and round
identically. Only arithmetic, ``min`` and ``max`` are used here: no transcendental
functions whose last bit could differ between libraries, and no calls between these
functions (numba compiles each one on its own).
"""

from __future__ import annotations


def either(a: float, b: float) -> float:
    """Chance that at least one of two independent pulls succeeds."""
    return 1.0 - (1.0 - a) * (1.0 - b)


def response(fatigue: float, half_response: float) -> float:
    """Response to an exposure after fatigue: 1 when fresh, 1/2 at ``half_response``."""
    return 1.0 / (1.0 + fatigue / half_response)


def ad_pull(exposures: int, effect: float, brand_trust: float, response: float) -> float:
    """Chance that at least one of this week's ad exposures moves the consumer."""
    miss = 1.0
    per_exposure = effect * brand_trust * response
    for _ in range(exposures):
        miss *= 1.0 - per_exposure
    return 1.0 - miss


def reach_chance(reach: float, targeting: float, interest: float, mean_interest: float) -> float:
    """Chance of being reached; targeting shifts reach to the interested (same mean while
    no chance is capped at 1)."""
    return min(1.0, reach * (1.0 - targeting + targeting * interest / mean_interest))


def fatigue_after(fatigue: float, decay: float, exposures: int) -> float:
    """Fatigue this week: what remains of last week's plus this week's exposures."""
    return fatigue * decay + exposures


def trust_after_exposure(brand_trust: float, baseline: float, fatigue: float,
                         threshold: float, erosion: float, recovery: float,
                         dialogue: float) -> float:
    """Brand trust after a week of exposure and dialogue.

    Fatigue over the threshold erodes a share ``erosion * (fatigue - threshold)`` of the
    trust (capped at all of it); trust below the consumer's baseline heals a share
    ``recovery`` of the gap; community dialogue closes a share ``dialogue`` of the gap
    to full trust.
    """
    trust = brand_trust
    if fatigue > threshold:
        trust -= min(1.0, erosion * (fatigue - threshold)) * brand_trust
    if brand_trust < baseline:
        trust += recovery * (baseline - brand_trust)
    trust += dialogue * (1.0 - brand_trust)
    return trust


def advocacy(satisfaction: float, brand_trust: float) -> float:
    """Likelihood to recommend (the NPS question): satisfaction and trust together."""
    return 0.5 * (satisfaction + brand_trust)


def clip01(x: float) -> float:
    return min(1.0, max(0.0, x))


def price_cut(discount: float, member_cut: float, group_cut: float) -> float:
    """The best offer a consumer is entitled to this week (offers do not stack)."""
    return max(discount, max(member_cut, group_cut))


def reference_price(elasticity: float, sensitivity: float, first_cut: float,
                    cut: float) -> float:
    """Repeat-purchase factor of a customer won with a bigger discount than today's:
    the lost discount weighs like a price rise (a deal seeker's reference price)."""
    return max(0.0, 1.0 - elasticity * sensitivity * max(0.0, first_cut - cut))


def experience(quality: float, fit_penalty: float, noise: float, fit: float,
               u: float) -> float:
    """Satisfaction from one purchase: quality, less misfit, plus uniform noise."""
    return min(1.0, max(0.0, quality - fit_penalty * (1.0 - fit) + noise * (u - 0.5)))


def churn_chance(churn_rate: float, satisfaction: float, negative: float,
                 protection: float) -> float:
    """Weekly chance a customer lapses: dissatisfaction plus complaints heard."""
    return min(1.0, churn_rate * ((1.0 - satisfaction) + negative) * (1.0 - protection))


def talk_chance(talk_rate: float, satisfaction: float, incentive: float,
                advocate_bonus: float) -> float:
    """Weekly chance a satisfied customer recommends the product."""
    return talk_rate * satisfaction + incentive + advocate_bonus


def discount_cents(basket_cents: int, cut: float) -> int:
    """The price cut of a purchase in cents (half up)."""
    return int(basket_cents * cut + 0.5)


def rating_of(satisfaction: float) -> int:
    """Star rating 1-5 of a review written after an experience."""
    return 1 + min(4, int(satisfaction * 5.0))
