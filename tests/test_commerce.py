"""The commerce model: both engines agree, money and people add up, facts emerge."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from sim import ScenarioError, fast, jit, load_scenario, run
from sim.commerce import kernel, rules
from sim.commerce.brand import review_boost
from sim.commerce.state import CHANNEL_NAMES, top_share_ratio
from sim.scenario import scenario_from_dict
from sim.validate import make_plan
from sim.validate.calibration import calibration_checks

from .conftest import NETWORKS, SCENARIOS, make_scenario

COMMERCE = ["push", "engagement", "altimeter_stage1", "altimeter_stage2", "altimeter_stage3",
            "altimeter_stage4", "influencer_seeding", "over_promotion", "group_buy"]
SMALL = ["population.size=500", "run.steps=40", "run.replications=2"]


@pytest.mark.parametrize("name", COMMERCE)
def test_fast_equals_reference_on_every_shipped_scenario(name):
    sc = load_scenario(SCENARIOS / f"{name}.toml", SMALL)
    fast = run(sc, seed=3)
    assert_frame_equal(fast, run(sc, seed=3, engine="reference"))
    assert fast["adopted"].iloc[-1] > 0


@pytest.mark.parametrize("network", [
    {"kind": "file", "path": str(NETWORKS / "email-Eu-core.txt.gz"), "directed": True},
    {"kind": "watts_strogatz", "k": 6, "rewire": 0.1, "weak_share": 0.7},
    {"kind": "stochastic_block", "blocks": 4, "p_in": 0.05, "p_out": 0.002},
])
def test_fast_equals_reference_on_other_networks(network):
    sc = make_scenario(
        population={"size": None if network["kind"] == "file" else 400},
        network=network, diffusion={"model": "commerce"}, run={"steps": 30, "replications": 2},
        ads={"reach": 0.3, "frequency": 2}, community={"enabled": True},
        influencers={"strategy": "pagerank", "count": 3},
        promotions={"discount": 0.1, "referral_reward": 5, "checkin_reward": 1,
                    "vip_purchases": 2, "group_size": 1},
        seeding={"strategy": "degree", "count": 5})
    fast = run(sc, seed=8)
    assert_frame_equal(fast, run(sc, seed=8, engine="reference"))
    assert fast["referrals"].sum() > 0 and fast["checkins"].sum() > 0


def in_order(values: list[float]) -> float:
    """Floats added one by one from zero (``sum`` compensates from Python 3.12 on)."""
    total = 0.0
    for value in values:
        total += value
    return total


def test_totals_over_several_float_blocks_are_the_reference_sums():
    """Past one block of totals (rules.TALLY_BLOCK consumers) the kernel sums the
    blocks in parallel: its totals are still rules.tally's (the reference engine's), on
    one thread and on all, and the float sums are the blocks' sums added in order."""
    n = 2 * rules.TALLY_BLOCK + 1000
    data = load_scenario(SCENARIOS / "engagement.toml").model_dump(mode="json",
                                                                   exclude_none=True)
    data["population"]["size"] = n
    data["network"].update(kind="watts_strogatz", k=4, rewire=0.1)
    model = fast.WomModel(scenario_from_dict(data, source="test"), replications=2)
    for _ in range(20):
        model.step()
    state, traits, prm, t = model.state, model.traits, model.params, model.time_step
    promotions = np.array([True, False])
    results = []
    for threads in (1, None):
        jit.set_threads(threads)
        results.append(kernel.totals(t, prm, state, traits, promotions))
    for got in results[1:]:
        for a, b in zip(got, results[0], strict=True):
            np.testing.assert_array_equal(a, b)
    counts, floats, top1 = results[0]
    for r in range(2):
        want_counts = np.zeros(counts.shape[1], dtype=np.int64)
        want_floats = np.zeros(floats.shape[1])
        rules.tally(want_counts, want_floats, r, t, prm, state, traits.basket_cents,
                    traits.cogs_cents, promotions[r])
        np.testing.assert_array_equal(counts[r], want_counts)
        np.testing.assert_array_equal(floats[r], want_floats)
        assert top1[r] == top_share_ratio(state.spend[r])
        block_sums = [in_order(state.brand_trust[r, lo:lo + rules.TALLY_BLOCK].tolist())
                      for lo in range(0, n, rules.TALLY_BLOCK)]
        assert floats[r, rules.F_TRUST] == in_order(block_sums)
    assert counts[:, rules.T_ADOPTED].min() > 0


@pytest.mark.parametrize("name", ["engagement", "group_buy"])
@pytest.mark.parametrize("directed", [False, True])
def test_pushed_and_pulled_hearing_give_the_same_run(name, directed, monkeypatch):
    """Speakers pushing what listeners hear (sim.commerce.kernel.listen) and listeners
    scanning their rows give identical tables, on undirected and directed ties."""
    data = load_scenario(SCENARIOS / f"{name}.toml").model_dump(mode="json",
                                                                 exclude_none=True)
    data["run"].update(steps=30, replications=3)
    data["population"]["size"] = 600
    if directed:
        data["population"].pop("size")
        data["network"] = {"kind": "file", "path": str(NETWORKS / "email-Eu-core.txt.gz"),
                           "directed": True}
    sc = scenario_from_dict(data, source="test")
    frames = []
    for push in (True, False):
        monkeypatch.setattr(fast, "speakers_push", lambda reps, push=push: push)
        frames.append(run(sc, seed=5))
    assert_frame_equal(*frames)
    assert frames[0]["referrals"].sum() > 0


def test_signed_network_distrust_flips_messages(tmp_path):
    """A recommendation from a distrusted tie (negative weight) works as a complaint."""
    def scenario(sign: int):
        edges = tmp_path / f"signed{sign}.csv"
        rows = ["source,target,weight"]
        rows += [f"{i},{(i + k) % 300},{sign}" for i in range(300) for k in (1, 2, 3, 5)]
        edges.write_text("\n".join(rows) + "\n")
        return make_scenario(
            population={"size": None}, diffusion={"model": "commerce"},
            network={"kind": "file", "path": str(edges)}, seeding={"count": 60},
            product={"quality": 1.0, "fit_penalty": 0.0, "satisfaction_noise": 0.0},
            wom={"beta": 0.6, "talk_rate": 0.8}, run={"steps": 20, "replications": 4})
    trusted, distrusted = scenario(1), scenario(-1)
    plus, minus = run(trusted, seed=2), run(distrusted, seed=2)
    assert_frame_equal(minus, run(distrusted, seed=2, engine="reference"))
    last = minus["step"] == 20
    assert (minus.loc[last, "adopted"].to_numpy() < plus.loc[last, "adopted"].to_numpy()).all()
    assert (minus.loc[last, "brand_trust"].to_numpy()
            < plus.loc[last, "brand_trust"].to_numpy()).all()


settings_small = settings(max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])


@settings_small
@given(size=st.integers(20, 120), seed=st.integers(0, 2**31),
       beta=st.floats(0, 1), reach=st.floats(0, 1), frequency=st.integers(0, 6),
       discount=st.floats(0, 0.5), reward=st.floats(0, 20), budget=st.floats(0, 5000),
       community=st.booleans(), influencers=st.integers(0, 3), group=st.integers(0, 3))
def test_people_and_money_add_up(size, seed, beta, reach, frequency, discount, reward,
                                 budget, community, influencers, group):
    sc = make_scenario(
        population={"size": size}, network={"kind": "erdos_renyi", "mean_degree": 4},
        diffusion={"model": "commerce"}, wom={"beta": beta}, budget={"total": budget},
        ads={"reach": reach, "frequency": frequency},
        promotions={"discount": discount, "referral_reward": reward, "group_size": group,
                    "vip_purchases": 2},
        community={"enabled": community}, influencers={"count": min(influencers, size)},
        seeding={"count": 2}, run={"steps": 20, "replications": 2})
    frame = run(sc, seed=seed)
    stages = frame[["unaware", "aware", "considering", "customers", "lapsed"]].sum(axis=1)
    assert (stages == size).all()
    channels = frame[[f"customers_{c}" for c in CHANNEL_NAMES]].sum(axis=1)
    assert (channels == frame["adopted"]).all()
    for _, rep in frame.groupby("replication"):
        assert np.all(np.diff(rep["adopted"]) >= 0)
        assert np.allclose(rep["cumulative_cost"], rep["cost"].cumsum())
        # the budget is kept, except for one week of variable costs
        assert rep["cumulative_cost"].iloc[-1] <= budget + rep["cost"].max() + 1e-9
    assert (frame["revenue"] >= 0).all() and (frame["cost"] >= 0).all()
    assert (frame["profit"] <= frame["revenue"] - frame["cost"] + 1e-9).all()
    assert frame["nps"].dropna().between(-100, 100).all()
    assert frame["mean_rating"].dropna().between(1, 5).all()
    assert frame["conversion_rate"].between(0, 1).all()
    assert frame["brand_trust"].between(0, 1).all()
    if size <= 50:
        assert_frame_equal(frame, run(sc, seed=seed, engine="reference"))


def test_no_marketing_costs_nothing():
    sc = load_scenario(SCENARIOS / "market.toml", SMALL)
    frame = run(sc)
    assert (frame["cost"] == 0).all() and (frame["cumulative_cost"] == 0).all()


def test_review_social_proof_is_concave_and_prefers_imperfect_ratings():
    sc = load_scenario(SCENARIOS / "market.toml")
    lift = [1 + review_boost(sc, k, 4.4 * k) for k in range(0, 31)]
    assert lift[0] == 1.0
    assert lift[5] == pytest.approx(2.7, abs=0.05)  # about 2.7x at 5 reviews
    gains = np.diff(lift)
    assert np.all(gains > 0) and np.all(np.diff(gains) < 0)  # rising, concave
    assert (lift[10] - 1) / (lift[30] - 1) > 0.95  # saturated after about 10
    assert review_boost(sc, 50, 50 * 4.4) > review_boost(sc, 50, 50 * 5.0)
    assert review_boost(sc, 50, 50 * 2.0) < 0  # poor ratings deter


def test_top_share_ratio():
    spend = np.array([0] * 50 + [10] * 99 + [1000])
    assert top_share_ratio(spend) == pytest.approx(1000 / ((99 * 10 + 1000) / 100))
    assert math.isnan(top_share_ratio(np.zeros(5, dtype=np.int64)))


@pytest.mark.parametrize(("override", "expected"), [
    ("budget.total=-1", "budget.total: Input should be greater than or equal to 0"),
    ("ads.reach=1.5", "ads.reach: Input should be less than or equal to 1"),
    ("promotions.discount=-0.1", "promotions.discount"),
    ("influencers.strategy=nodes", "influencers.strategy"),
    ("community.enabled=maybe", "community.enabled"),
])
def test_bad_commerce_values(override, expected):
    with pytest.raises(ScenarioError, match=expected.replace(".", r"\.")):
        load_scenario(SCENARIOS / "engagement.toml", [override])


def test_too_many_influencers():
    sc = load_scenario(SCENARIOS / "influencer_seeding.toml",
                       ["population.size=50", "influencers.count=60"])
    with pytest.raises(ScenarioError, match="influencers.count"):
        run(sc)


# Calibration targets the current market misses, with the reason (docs/calibration.md):
# they are reported by wom validate as "off band", never hidden.
OFF_BAND = {
    "community members' conversion": "members are selected (aware, good fit, trusting) and "
    "non-members convert less on the clustered network: about 4.2-4.5x, not 2-3.5x",
    "CLV peer": "over networks the peer/ad CLV ratio sits near the 1.3 floor",
    "community members' spend": "at engagement's own best levers (a bigger referral reward, "
    "no upkeep) members spend about 1.7x others, not 2-3x",
}


def test_calibration_facts_emerge(tmp_path):
    """The default market reproduces the facts of docs/calibration.md (wom validate's
    calibration lines, two seeds: two networks each replication), except the targets in
    :data:`OFF_BAND`, which must still be measured."""
    lines = calibration_checks(make_plan(True, 2, tmp_path / "report.md"))
    known = [c for c in lines if any(c.name.startswith(k) for k in OFF_BAND)]
    assert len(known) >= 3 and all(np.isfinite(c.mean) for c in known)
    failed = [c for c in lines if not c.ok and c not in known]
    assert not failed, failed
