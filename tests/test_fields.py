"""What the schema says about each key: field_info, roles, ranges, `wom keys`, README."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import ScenarioError
from sim.cli import main
from sim.scenario import (
    Scenario,
    field_info,
    fields,
    keys_markdown,
    keys_text,
    lever_keys,
    market_keys,
    parameter_table,
    shortlist_keys,
)
from sim.scenario.declare import ROLES
from sim.scenario.schema import NETWORK_KINDS

README = Path(__file__).resolve().parents[1] / "README.md"


def test_a_float_key():
    info = field_info("ads.reach")
    assert (info.kind, info.role, info.default, info.optional) == ("float", "lever", 0.0, False)
    assert (info.bounds.ge, info.bounds.le, info.bounds.gt, info.bounds.lt) == (0, 1, None, None)
    assert info.bounds.pairs() == (("ge", 0.0), ("le", 1.0))
    assert str(info.bounds) == "[0, 1]"
    assert (info.ui_range.low, info.ui_range.high, info.ui_range.step) == (0, 1, 0.01)
    assert info.sweep_range is None
    strict = field_info("fatigue.half_response").bounds
    assert (strict.low, strict.high, str(strict)) == (0, None, "> 0")
    assert str(field_info("diffusion.threshold").bounds) == "(0, 1]"


def test_a_choice_key():
    info = field_info("network.kind")
    assert info.kind == "choice" and info.choices == NETWORK_KINDS
    assert info.ui_choices == ("barabasi_albert", "clustered", "watts_strogatz", "erdos_renyi",
                               "stochastic_block")
    assert set(info.ui_choices) <= set(info.choices)
    strategy = field_info("seeding.strategy")
    assert strategy.choices == ("random", "degree", "pagerank", "kcore", "celf", "community",
                                "nodes")
    assert field_info("influencers.strategy").choices == strategy.choices[:-1]


def test_other_kinds():
    assert field_info("community.enabled").kind == "bool"
    assert field_info("network.path").kind == "path" and field_info("network.path").optional
    assert field_info("network.blocks").kind == "int"  # or a list of sizes
    assert field_info("seeding.nodes").kind == "list"
    assert field_info("seeding.nodes").default == []
    assert field_info("population.size").optional
    assert field_info("name").kind == "str" and field_info("name").role == "run"


def test_every_key_has_a_role_and_a_description():
    infos = fields()
    assert [info.key for info in infos] == [row[0] for row in parameter_table()]
    for info in infos:
        assert info.role in ROLES, info.key
        assert info.description, info.key
        for choice in info.choices:
            assert choice in info.description, (info.key, choice)


def test_market_and_levers():
    market, levers = set(market_keys()), set(lever_keys())
    assert not market & levers
    assert {"ads.cost_per_exposure", "ads.effect", "influencers.fee_per_thousand",
            "influencers.authenticity", "promotions.price_elasticity",
            "promotions.checkin_rate", "promotions.vip_effect", "community.join_rate",
            "community.dialogue", "community.content", "reviews.enabled", "product.price",
            "population.size", "network.kind", "diffusion.q", "budget.clv_weeks"} <= market
    assert {"ads.reach", "ads.frequency", "ads.targeting", "ads.weeks", "budget.total",
            "promotions.discount", "promotions.referral_reward", "promotions.vip_perk",
            "community.enabled", "community.upkeep", "influencers.count",
            "influencers.strategy", "seeding.strategy", "seeding.count"} <= levers
    for info in fields():
        section = info.key.partition(".")[0]
        if section in ("product", "consumers", "wom", "fatigue", "reviews", "diffusion"):
            assert info.role == "market", info.key
        if section in ("run", "name", "description") or info.key == "network.seed":
            assert info.role == "run", info.key
        if section == "seeding":
            assert info.role == "lever", info.key


def test_ranges_lie_within_the_bounds():
    ranged = [info for info in fields() if info.sweep_range is not None]
    assert {info.key for info in ranged} == {
        "wom.beta", "consumers.peer_trust", "promotions.referral_reward",
        "community.join_rate", "product.quality", "ads.frequency",
        "product.price", "consumers.reference_memory", "promotions.price_elasticity",
        "community.dialogue"}
    assert field_info("wom.beta").sweep_range == (0.1, 0.3)
    for info in fields():
        low, high = info.bounds.low, info.bounds.high
        for span in (info.sweep_range, info.ui_range):
            if span is None:
                continue
            assert span.low is None or low is None or span.low >= low, info.key
            assert span.high is None or high is None or span.high <= high, info.key
    assert field_info("population.size").ui_range == (500, 20_000, 1)
    assert field_info("fatigue.threshold").ui_range == (0, None, 0.5)
    assert field_info("run.replications").ui_range == (2, 30, 1)
    assert field_info("budget.total").ui_range == (0, 1e12, 0.5)
    assert field_info("seeding.strategy").ui_range is None
    assert shortlist_keys() == ["network.kind", "budget.total", "ads.reach", "ads.frequency",
                                "promotions.discount", "promotions.referral_reward",
                                "community.enabled", "influencers.count"]


def test_metadata_is_in_the_json_schema():
    reach = Scenario.model_json_schema()["$defs"]["AdsConfig"]["properties"]["reach"]
    assert reach["role"] == "lever" and reach["maximum"] == 1


def test_unknown_key():
    with pytest.raises(ScenarioError, match=r"ads\.rech: unknown scenario key \(did you mean "
                                            r"ads\.reach\?\)"):
        field_info("ads.rech")
    with pytest.raises(ScenarioError, match="wom keys lists them"):
        field_info("zzz")


def test_keys_text_wide():
    text = keys_text(160)
    lines = text.splitlines()
    assert lines[0].split() == ["KEY", "TYPE", "DEFAULT", "BOUNDS", "ROLE", "MEANING"]
    assert max(map(len, lines)) <= 160
    reach = next(line for line in lines if line.startswith("ads.reach "))
    assert reach.split()[:5] == ["ads.reach", "float", "0.0", "[0,", "1]"]
    assert "lever" in reach and "Share of consumers" in reach
    assert len(lines) > len(fields())  # long meanings wrap onto continuation lines


def test_keys_text_narrow():
    lines = keys_text(60).splitlines()
    assert lines[0].split() == ["KEY", "TYPE", "DEFAULT", "BOUNDS", "ROLE"]
    assert lines[1] == "    MEANING"
    meanings = [line for line in lines if line.startswith("    ")]
    assert meanings and max(map(len, meanings)) <= 60


def test_wom_keys(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "150")
    assert main(["keys"]) == 0
    assert capsys.readouterr().out == keys_text(150)
    assert main(["keys", "--markdown"]) == 0
    assert capsys.readouterr().out == keys_markdown()


def test_readme_key_table_is_generated():
    text = README.read_text()
    start, end = "<!-- keys:start -->\n", "<!-- keys:end -->"
    block = text[text.index(start) + len(start):text.index(end)]
    assert block == keys_markdown(), "README key table is stale: paste `wom keys --markdown`"
    assert keys_markdown().count("\n") == len(fields()) + 2


def test_promotions_and_unit_prices_are_declared_in_the_schema():
    from sim.commerce.state import TOTALS
    from sim.scenario import promotion_keys, unit_prices

    assert "loyalty.points_per_purchase" in promotion_keys()
    assert "promotions.discount" in promotion_keys()
    assert "promotions.vip_perk" not in promotion_keys()  # a price, not a switch
    prices = dict(unit_prices())
    assert prices["loyalty.reward"] == "redemptions"
    assert prices["promotions.referral_reward"] == "referrals"
    assert set(prices.values()) <= set(TOTALS)  # every price is paid per a real total
    assert all(field_info(key).role == "lever" for key in [*promotion_keys(), *prices])
