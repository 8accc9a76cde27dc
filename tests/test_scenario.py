"""Scenario files: schema, inheritance, overrides and the messages of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import ScenarioError, load_scenario
from sim.scenario import dump_toml, parameter_table, parse_override, scenario_from_dict

from .conftest import SCENARIOS


@pytest.mark.parametrize("name", ["bass", "independent_cascade", "linear_threshold"])
def test_shipped_presets_load(name):
    sc = load_scenario(SCENARIOS / f"{name}.toml")
    assert sc.diffusion.model == ("bass" if name == "bass" else name)
    assert sc.name == name


def test_round_trip_through_toml(tmp_path):
    sc = load_scenario(SCENARIOS / "linear_threshold.toml")
    path = tmp_path / "copy.toml"
    path.write_text(sc.to_toml())
    again = load_scenario(path)
    assert again == sc
    assert again.digest() == sc.digest()


def test_inheritance_and_relative_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "base.toml").write_text(
        '[population]\nsize = 50\n[network]\nkind = "erdos_renyi"\nmean_degree = 4\n'
        '[run]\nsteps = 7\nseed = 3\n'
    )
    (tmp_path / "sub" / "child.toml").write_text(
        'base = "../base.toml"\n[run]\nsteps = 9\n[diffusion]\nq = 0.5\n'
    )
    sc = load_scenario(tmp_path / "sub" / "child.toml")
    assert (sc.population.size, sc.network.mean_degree, sc.run.steps, sc.run.seed) == (
        50, 4, 9, 3)
    assert sc.diffusion.q == 0.5


def test_network_path_relative_to_the_file(tmp_path):
    (tmp_path / "edges.txt").write_text("0 1\n1 2\n")
    (tmp_path / "s.toml").write_text('[network]\nkind = "file"\npath = "edges.txt"\n')
    assert load_scenario(tmp_path / "s.toml").network.path == tmp_path / "edges.txt"


def test_overrides_are_toml_literals():
    sc = load_scenario(SCENARIOS / "bass.toml",
                       ["run.seed=9", "seeding.nodes=[0, 5]", "seeding.strategy=nodes",
                        "diffusion.p=0.1"])
    assert sc.run.seed == 9 and sc.seeding.nodes == [0, 5] and sc.diffusion.p == 0.1
    assert parse_override("network.kind=erdos_renyi") == (["network", "kind"], "erdos_renyi")


@pytest.mark.parametrize(
    ("text", "overrides", "expected"),
    [
        ("[population]\nsize = 10\n[diffusion]\nfoo = 1\n", [], "diffusion.foo: unknown key"),
        ("[population]\nsize = 'many'\n", [], "population.size: Input should be a valid integer"),
        ("[population]\nsize = 10\n[diffusion]\np = -0.1\n", [],
         "diffusion.p: Input should be greater than or equal to 0"),
        ("[population]\nsize = 10\n[diffusion]\nq = 1.5\n", [], "diffusion.q: Input should be"),
        ("[population]\nsize = 10\n", ["run.steps=-1"], "--set run.steps: Input should be"),
        ("[population]\nsize = 10\n", ["bogus.key=1"], "--set bogus.key: unknown key"),
        ("[network]\nkind = 'barabasi_albert'\n", [], "population.size is required"),
        ("[population]\nsize = 10\n[network]\nkind = 'file'\n", [], "needs network.path"),
        ("[population]\nsize = 10\n[network]\nkind = 'watts_strogatz'\nk = 3\n", [],
         "even k"),
        ("[population]\nsize = 10\n[network]\nkind = 'lattice'\n", [], "network.kind"),
        ("[population\nsize = 10\n", [], "not valid TOML"),
        ("base = 'missing.toml'\n", [], "base: no such scenario file"),
        ("[population]\nsize = 10\n", ["no-equals-sign"], "expected KEY.PATH=VALUE"),
    ],
)
def test_bad_input_names_file_and_key(tmp_path, text, overrides, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    message = str(info.value)
    assert expected in message
    if not expected.startswith(("--set", "expected KEY")):
        assert "bad.toml" in message


def test_inheritance_cycle(tmp_path):
    (tmp_path / "a.toml").write_text('base = "b.toml"\n')
    (tmp_path / "b.toml").write_text('base = "a.toml"\n')
    with pytest.raises(ScenarioError, match="inheritance cycle"):
        load_scenario(tmp_path / "a.toml")


def test_missing_file():
    with pytest.raises(ScenarioError, match="nope.toml: no such scenario file"):
        load_scenario(Path("nope.toml"))


def test_every_key_is_described():
    rows = parameter_table()
    keys = {row[0] for row in rows}
    for key in ("population.size", "network.kind", "network.path", "network.directed",
                "diffusion.p", "diffusion.q", "diffusion.threshold", "seeding.strategy",
                "seeding.count", "seeding.nodes", "run.steps", "run.seed",
                "run.replications"):
        assert key in keys
    assert all(row[3] for row in rows), [row[0] for row in rows if not row[3]]


def test_dump_toml_quotes_strings():
    assert dump_toml({"name": 'a "b"', "t": {"x": [1, 2.5], "y": True}}) == (
        'name = "a \\"b\\""\n\n[t]\nx = [1, 2.5]\ny = true\n')


def test_digest_changes_with_content():
    a = scenario_from_dict({"population": {"size": 10}})
    b = scenario_from_dict({"population": {"size": 11}})
    assert a.digest() != b.digest()


def test_inherited_size_gives_way_to_an_edge_list(tmp_path):
    from sim.network import build_network

    (tmp_path / "e.txt").write_text("0 1\n1 2\n2 3\n")
    (tmp_path / "base.toml").write_text('[population]\nsize = 10000\n')
    (tmp_path / "child.toml").write_text('base = "base.toml"\n[network]\nkind = "file"\n'
                                         'path = "e.txt"\n')
    sc = load_scenario(tmp_path / "child.toml")
    assert sc.population.size is None and build_network(sc).n == 4
    (tmp_path / "plain.toml").write_text('base = "base.toml"\nname = "plain"\n')
    over = ["network.kind=file", f"network.path={tmp_path / 'e.txt'}"]
    assert load_scenario(tmp_path / "plain.toml", over).population.size is None
    assert load_scenario(tmp_path / "plain.toml",
                         [*over, "population.size=4"]).population.size == 4
    assert load_scenario(tmp_path / "base.toml", over).population.size == 10000
    (tmp_path / "own.toml").write_text('base = "base.toml"\n[population]\nsize = 5\n'
                                       '[network]\nkind = "file"\npath = "e.txt"\n')
    own = load_scenario(tmp_path / "own.toml")
    assert own.population.size == 5
    with pytest.raises(ScenarioError, match="5 does not match the 4 consumers"):
        build_network(own)
    # a generated network keeps the inherited size
    assert load_scenario(tmp_path / "base.toml").population.size == 10000


def test_strict_types_keep_integers_as_floats():
    sc = scenario_from_dict({"population": {"size": 10}, "product": {"price": 50}})
    assert isinstance(sc.product.price, float) and sc.product.price == 50.0
    with pytest.raises(ScenarioError, match="diffusion.p: Input should be a valid number"):
        scenario_from_dict({"population": {"size": 10}, "diffusion": {"p": "0.03"}})
