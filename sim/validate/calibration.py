"""Calibration lines: the facts parameters were tuned to (docs/calibration.md).

Each is measured and shown with the parameters tuned to it, labelled "calibrated, not
evidence": meeting a fact a parameter was set to reproduce tells nothing about the
model, so these lines never fail ``wom validate``. They show that one parameter set
meets all the facts at once, and warn when a change moves the market off them.
"""

from __future__ import annotations

import numpy as np

from ..commerce.brand import review_boost
from .market import FREQUENCIES, per_seed, ratio_per_seed, scenario, sweep
from .report import CALIBRATED, Check, Plan, in_band, measured, progress

DOCS = "docs/calibration.md"
BRIEF = "brief (MODEL.md), " + DOCS


def _line(name: str, source: str, low: float, high: float, values: np.ndarray | list[float],
          parameter: str, note: str = "") -> Check:
    return measured("calibration", name, source, f"{low:g}-{high:g} ({CALIBRATED})", values,
                    in_band(low, high), parameter=parameter, note=note)


def review_lines() -> list[Check]:
    """The social-proof curve of the review pool: a formula, evaluated (no simulation)."""
    sc = scenario("market")
    five = 1 + review_boost(sc, 5, 5 * 4.4)
    ten, many = review_boost(sc, 10, 44), review_boost(sc, 1000, 4400)
    ratings = np.round(np.arange(3.0, 5.001, 0.05), 2)
    best = float(ratings[np.argmax([review_boost(sc, 50, 50 * r) for r in ratings])])
    formula = "The formula evaluated with its own parameters: true by construction."
    return [
        _line("purchase lift at 5 reviews (mean 4.4)", BRIEF, 2.5, 2.9, [five],
              "reviews.lift, reviews.saturation", formula),
        _line("social proof at 10 reviews / saturated", BRIEF, 0.95, 1.0, [ten / many],
              "reviews.saturation", formula),
        _line("most convincing mean rating", BRIEF, 4.0, 4.7, [best],
              "reviews.best_rating, reviews.rating_tolerance", formula),
    ]


def market_lines(plan: Plan) -> list[Check]:
    """Facts measured on the push and engagement runs and the ad-frequency sweep."""
    progress(plan, "calibration: the facts the default market was tuned to")
    spend = (per_seed(plan, "engagement", "cumulative_cost")
             / per_seed(plan, "push", "cumulative_cost"))
    peaks = []
    for seed in plan.seeds:
        means = sweep(plan, seed).groupby("frequency")["adopted"].mean()
        peaks.append(float(means.idxmax()))
    quality = "product.quality, product.fit_penalty"
    community = "community.join_rate, community.dialogue, community.content"
    return [
        _line("mean rating of the review pool at week 104 (push)", BRIEF, 4.0, 4.7,
              per_seed(plan, "push", "mean_rating"), quality),
        _line("community members' conversion / others' (engagement)", BRIEF, 2.0, 3.5,
              ratio_per_seed(plan, "engagement", "member_conversion",
                             "nonmember_conversion"), community,
              "Partly selection: only aware consumers with good fit and trust join."),
        _line("community members' spend / others' (engagement)", BRIEF, 2.0, 3.0,
              ratio_per_seed(plan, "engagement", "member_spend", "nonmember_spend"),
              community),
        _line("top 1% of customers' spend / mean spend (push)", BRIEF, 8.0, 12.0,
              per_seed(plan, "push", "top1_spend_ratio"), "consumers.appetite_sigma"),
        _line("CLV peer-acquired / ad-acquired (engagement)", BRIEF, 1.3, 3.0,
              ratio_per_seed(plan, "engagement", "clv_peer", "clv_ad"), quality,
              "Its direction (> 1) is a validation line; its size was tuned."),
        _line("CLV peer-acquired / ad-acquired (push)", BRIEF, 1.3, 3.0,
              ratio_per_seed(plan, "push", "clv_peer", "clv_ad"), quality),
        _line("equal budgets: spend engagement / push", DOCS, 0.95, 1.05, spend,
              "community.upkeep, community.member_cost"),
        _line("ad frequency with the most conversions (exposures/week)", DOCS, 3.0, 5.0,
              peaks, "fatigue.decay, half_response, threshold, erosion, recovery",
              f"Argmax of ever-customers at week 52 over frequencies {FREQUENCIES}; the "
              "five fatigue parameters were set together to put the peak near 4."),
    ]


def calibration_checks(plan: Plan) -> list[Check]:
    """Every calibration line (informational: they never fail the exit code)."""
    return review_lines() + market_lines(plan)
