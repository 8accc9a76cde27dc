"""Market mechanisms: prices against an adaptive reference price, influencers paid per
audience, NPS from experience and a bounded service-recovery dialogue."""

from __future__ import annotations

import numpy as np
from pandas.testing import assert_frame_equal

from sim import load_scenario, run
from sim.commerce import rules
from sim.commerce.brand import cents, plan_week
from sim.commerce.traits import set_up
from sim.fast import WomModel
from sim.network import from_edges

from .conftest import SCENARIOS

# Seeded customers, a budget that never runs out, a mid-sized market.
COMMON = ["population.size=2000", "seeding.count=200", "budget.total=1000000"]


def scenario(*overrides: str):
    return load_scenario(SCENARIOS / "market.toml", [*COMMON, *overrides])


def per_replication(sc, column: str, seed: int, steps: int, reps: int = 8) -> np.ndarray:
    table = run(sc, seed=seed, steps=steps, replications=reps)
    return table.groupby("replication")[column].sum().to_numpy()


def assert_above(diff: np.ndarray, ses: float = 3.0) -> None:
    """The mean paired difference is positive by more than ``ses`` standard errors."""
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    assert diff.mean() > ses * se, (diff.mean(), se)


def test_fast_equals_reference_with_prices_and_fees():
    sc = scenario("population.size=300", "seeding.count=30", "product.price=55",
                  "promotions.discount=0.2", "promotions.weeks=8", "influencers.count=3",
                  "community.enabled=true")
    fast = run(sc, seed=4, steps=30, replications=2, engine="fast")
    reference = run(sc, seed=4, steps=30, replications=2, engine="reference")
    fast.attrs, reference.attrs = {}, {}
    assert_frame_equal(fast, reference)


def test_demand_falls_with_price():
    # paired replications: list price 50 and 60 against the going price of 50
    bought = {price: per_replication(scenario(f"product.price={price}"), "new_customers", 21, 40)
              + per_replication(scenario(f"product.price={price}"), "repeat_purchases", 21, 40)
              for price in (50, 60)}
    assert_above(bought[50] - bought[60])


def test_price_response_is_linear_around_the_reference():
    assert rules.price_response(2.62, 0.5, 50.0, 50.0) == 1.0
    # mean sensitivity 0.5: a 10% price rise costs 26.2% of the chance, a 10% cut adds it
    assert abs(rules.price_response(2.62, 0.5, 50.0, 55.0) - (1 - 0.262)) < 1e-12
    assert abs(rules.price_response(2.62, 0.5, 50.0, 45.0) - (1 + 0.262)) < 1e-12
    assert rules.price_response(2.62, 1.0, 50.0, 100.0) == 0.0  # floored


def test_reference_price_adapts_to_prices_paid():
    # a 20% discount lowers the reference price of buyers; at list price it climbs back
    ref = 50.0
    for _ in range(5):
        ref = rules.reference_after(ref, 0.8, 40.0)
    low = ref
    assert 40.0 < low < 44.0
    for _ in range(5):
        ref = rules.reference_after(ref, 0.8, 50.0)
    assert 50.0 - ref < 0.4 * (50.0 - low)


def test_a_discounts_after_effect_fades():
    sc = scenario("promotions.discount=0.3", "promotions.weeks=10")
    model = WomModel(sc, seed=5, replications=4)
    gaps = {}
    for week in range(1, 61):
        model.step()
        if week in (10, 20, 60):
            bought = model.state.purchases > 1
            gaps[week] = 50.0 - model.state.reference[bought].mean()
    # buyers' reference prices fell during the discount and return towards list price
    assert gaps[10] > 3.0
    assert 0.0 <= gaps[60] < 0.5 * gaps[20] < gaps[10]


def test_repeat_purchases_recover_after_the_discount_ends():
    # repeat purchases per active customer, discount run over no-discount run: below 1
    # just after a deep discount ends (the reference price was lowered) and closer to 1
    # later (the reference price has adapted back)
    def rate(sc):
        table = run(sc, seed=9, steps=60, replications=8)
        weekly = table.groupby("step")[["repeat_purchases", "customers"]].sum()
        return weekly["repeat_purchases"] / weekly["customers"].shift(1)

    cut = rate(scenario("promotions.discount=0.3", "promotions.weeks=10"))
    plain = rate(scenario())
    ratio = cut / plain
    early, late = ratio.loc[11:15].mean(), ratio.loc[46:60].mean()
    assert early < 0.9
    assert abs(1.0 - late) < 0.5 * abs(1.0 - early)


def test_an_influencer_with_twice_the_audience_costs_twice_as_much():
    sc = scenario("influencers.count=1", "influencers.fee_per_thousand=12.5")
    remaining = np.full(2, cents(1_000_000))
    plan = plan_week(sc, 1, remaining, np.zeros(2, np.int64), 2000, np.array([400, 800]))
    assert plan.influencers.all()
    np.testing.assert_array_equal(plan.fixed_cents, [cents(5.0), cents(10.0)])


def test_audience_is_the_influencers_followers():
    # a star: node 0 is heard by 1..9 (undirected), and 1 is heard by 0 and 2
    net = from_edges([0] * 9 + [1], [*range(1, 10), 2], n=10)
    sc = scenario("population.size=10", "seeding.count=0", "influencers.count=2")
    start = set_up(sc, net, [1, 2])
    np.testing.assert_array_equal(start.audience, [9 + 2, 9 + 2])


def test_nps_rises_with_product_quality_without_a_community():
    nps = {}
    for quality in (0.75, 0.95):
        table = run(scenario(f"product.quality={quality}"), seed=13, steps=40, replications=8)
        nps[quality] = table[table["step"] == 40].sort_values("replication")["nps"].to_numpy()
    assert_above(nps[0.95] - nps[0.75])


def test_dialogue_only_restores_lost_trust():
    grid = np.linspace(0.0, 1.0, 11)
    for trust in grid:
        for baseline in grid:
            for dialogue in grid:
                healed = rules.trust_after_exposure(trust, baseline, 0.0, 5.0, 0.01, 0.05,
                                                    dialogue)
                assert healed <= max(trust, baseline) + 1e-12
                assert healed >= trust - 1e-12
    # no dialogue: the market's own recovery only; trust above the baseline is untouched
    assert rules.trust_after_exposure(0.4, 0.6, 0.0, 5.0, 0.01, 0.05, 0.0) == 0.4 + 0.05 * 0.2
    assert rules.trust_after_exposure(0.9, 0.6, 0.0, 5.0, 0.01, 0.05, 0.2) == 0.9

