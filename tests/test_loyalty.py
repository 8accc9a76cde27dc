"""The loyalty-points programme ([loyalty]): both engines agree, rewards are redeemed at
the threshold and paid by the brand, and the goal gradient raises repeat purchases."""

from __future__ import annotations

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from sim import ScenarioError, load_scenario, run
from sim.commerce.brand import cents
from sim.fast import WomModel

from .conftest import SCENARIOS

# A small market with seeded customers and a budget that never runs out, so the
# programme runs every week.
CARD = ["population.size=300", "seeding.count=30", "budget.total=1000000",
        "loyalty.points_per_purchase=2", "loyalty.threshold=5", "loyalty.reward=4",
        "loyalty.effect=0.5"]


def card_scenario(*overrides: str):
    return load_scenario(SCENARIOS / "market.toml", [*CARD, *overrides])


def stepped(scenario, seed: int, steps: int, replications: int = 2) -> WomModel:
    """A fast model run ``steps`` weeks, checking the points after every week."""
    model = WomModel(scenario, seed=seed, replications=replications)
    threshold = scenario.loyalty.threshold
    for _ in range(steps):
        model.step()
        points = model.state.points
        assert points.min() >= 0 and points.max() < threshold  # redeemed once reached
    return model


def test_fast_equals_reference_with_the_programme():
    sc = card_scenario()
    fast = run(sc, seed=3, steps=30, replications=2, engine="fast")
    reference = run(sc, seed=3, steps=30, replications=2, engine="reference")
    fast.attrs, reference.attrs = {}, {}
    assert_frame_equal(fast, reference)


def test_points_add_up_and_stay_below_the_threshold():
    sc = card_scenario()
    model = stepped(sc, seed=5, steps=30)
    earned = sc.loyalty.points_per_purchase * (
        model.state.purchases.sum(axis=1) - sc.seeding.count)  # seeds start with one
    held = model.state.points.sum(axis=1)
    assert (model.brand.redemptions > 20).all()
    np.testing.assert_array_equal(held + sc.loyalty.threshold * model.brand.redemptions,
                                  earned)


def test_rewards_are_paid_by_the_brand():
    paid, free = stepped(card_scenario(), 7, 30), stepped(card_scenario("loyalty.reward=0"), 7, 30)
    # the reward is money only: with budget to spare the market moves identically ...
    np.testing.assert_array_equal(paid.state.purchases, free.state.purchases)
    np.testing.assert_array_equal(paid.brand.redemptions, free.brand.redemptions)
    # ... and the brand pays redemptions x reward more
    extra = paid.brand.spent - free.brand.spent
    assert (paid.brand.redemptions > 0).all()
    np.testing.assert_array_equal(extra, paid.brand.redemptions * cents(4.0))


def test_goal_gradient_raises_repeat_purchases():
    # paired replications: the same seed and draws, goal-gradient effect 0 against 1
    common = ["population.size=2000", "seeding.count=200", "budget.total=1000000",
              "loyalty.points_per_purchase=1", "loyalty.threshold=5"]
    repeats = {}
    for effect in (0.0, 1.0):
        sc = load_scenario(SCENARIOS / "market.toml", [*common, f"loyalty.effect={effect}"])
        table = run(sc, seed=11, steps=40, replications=8)
        repeats[effect] = table.groupby("replication")["repeat_purchases"].sum().to_numpy()
    diff = repeats[1.0] - repeats[0.0]
    # a customer with k of 5 points buys again up to 1 + k/5 times as often; the mean
    # paired gain must exceed 3 standard errors of the mean difference
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() > 3 * se
    assert diff.mean() > 0.05 * repeats[0.0].mean()


def test_off_by_default_and_one_reward_per_purchase():
    sc = load_scenario(SCENARIOS / "market.toml")
    assert sc.loyalty.points_per_purchase == 0
    with pytest.raises(ScenarioError, match="points_per_purchase"):
        card_scenario("loyalty.points_per_purchase=6")
