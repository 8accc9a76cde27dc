"""The social proof of reviews: purchase lift against review count and mean rating.

The purchase chance of a consumer who reads reviews is multiplied by
``max(0, 1 + review_boost(scenario, count, count * mean))`` (sim.commerce.brand.review_boost):
social proof ``1 - exp(-count / saturation)`` times credibility
``1 - ((mean - best_rating) / rating_tolerance)^2`` (floored at -1) times ``lift``. This
script evaluates the formula with the review settings of scenarios/engagement.toml
(the model's defaults): the lift against the number of reviews (0-30) at mean ratings
3.5, 4.0, 4.4 and 5.0, and against the mean rating at 20 reviews. No simulation: it
runs in a second, and --quick changes nothing but is accepted like everywhere else.

    python experiments/reviews.py [--quick] [--outdir DIR | --write-docs]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from common import SCENARIOS, outputs, parse_args, plt, save

import sim
from sim.commerce.brand import review_boost

NAME = "reviews"
RATINGS = (3.5, 4.0, 4.4, 5.0)
COUNTS = np.arange(0, 31)
FIXED_COUNT = 20


def lift(scenario: sim.Scenario, count: int, mean: float) -> float:
    """Purchase multiplier of a review reader, as the engines apply it (never below 0)."""
    return max(0.0, 1.0 + review_boost(scenario, int(count), count * mean))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    started = time.perf_counter()
    scenario = sim.load_scenario(SCENARIOS / "engagement.toml")
    settings = scenario.reviews

    rows = [{"panel": "count", "reviews": int(c), "mean_rating": r, "lift": lift(scenario, c, r)}
            for r in RATINGS for c in COUNTS]
    ratings = np.round(np.arange(1.0, 5.0001, 0.05), 2)
    rows += [{"panel": "rating", "reviews": FIXED_COUNT, "mean_rating": float(r),
              "lift": lift(scenario, FIXED_COUNT, float(r))} for r in ratings]
    table = pd.DataFrame(rows)

    by_rating = table[table["panel"] == "rating"].set_index("mean_rating")["lift"]
    best = float(by_rating.idxmax())
    # Mean rating under which the multiplier reaches 0 (readers stop buying), if it does:
    # 1 + lift * proof * credibility = 0 with credibility floored at -1.
    proof = 1.0 - np.exp(-FIXED_COUNT / settings.saturation)
    needed = -1.0 / (settings.lift * proof)
    blocked_below = (settings.best_rating - settings.rating_tolerance * np.sqrt(1.0 - needed)
                     if needed >= -1.0 else float("nan"))

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for rating in RATINGS:
        part = table[(table["panel"] == "count") & (table["mean_rating"] == rating)]
        left.plot(part["reviews"], part["lift"], marker=".", label=f"mean rating {rating}")
    left.axhline(1, color="grey", linewidth=0.8)
    left.axvline(5, color="grey", linestyle=":", linewidth=1)
    left.annotate("2.7x at 5 reviews\n(calibration target)", (5, lift(scenario, 5, 4.4)),
                  xytext=(9, 2.05), textcoords="data", fontsize=9,
                  arrowprops={"arrowstyle": "->", "color": "grey"})
    left.set_xlabel("number of reviews")
    left.set_ylabel("purchase multiplier for review readers")
    left.set_title(f"Social proof saturates (saturation = {settings.saturation:g} reviews)")
    left.legend(loc="lower right")
    left.grid(alpha=0.3)

    right.plot(by_rating.index, by_rating.to_numpy(), color="tab:blue")
    right.axvspan(4.0, 4.7, color="tab:green", alpha=0.15, label="4.0-4.7: best converting")
    right.axhline(1, color="grey", linewidth=0.8)
    right.set_xlabel("mean rating (stars)")
    right.set_ylabel("purchase multiplier for review readers")
    right.set_title(f"{FIXED_COUNT} reviews: best at {best:.2f}, not 5.0")
    right.legend(loc="upper left")
    right.grid(alpha=0.3)
    fig.suptitle(f"Review social proof: max(0, 1 + {settings.lift:g} x proof x credibility), "
                 f"best rating {settings.best_rating:g}, tolerance {settings.rating_tolerance:g}")
    fig.tight_layout()

    out = outputs(args.outdir, NAME)
    save(fig, table, out, started)
    counts = table[table["panel"] == "count"].set_index(["mean_rating", "reviews"])["lift"]
    for rating in RATINGS:
        print(f"mean rating {rating}: lift at 1, 5, 10, 30 reviews = "
              + ", ".join(f"{counts[(rating, c)]:.2f}" for c in (1, 5, 10, 30)))
    print(f"{FIXED_COUNT} reviews: best mean rating {best:.2f} (lift {by_rating[best]:.2f}); "
          f"lift at 4.0 {by_rating[4.0]:.2f}, 4.7 {by_rating[4.7]:.2f}, 5.0 {by_rating[5.0]:.2f}, "
          f"3.5 {by_rating[3.5]:.2f}, 3.0 {by_rating[3.0]:.2f}; readers stop buying below a "
          f"mean rating of {blocked_below:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
