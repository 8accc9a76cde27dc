"""Slow checks at full scale (``python -m pytest -m slow``)."""

from __future__ import annotations

import pytest
from pandas.testing import assert_frame_equal

from sim import load_scenario, run
from sim.network import barabasi_albert

from .conftest import SCENARIOS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["push", "engagement"])
def test_reference_engine_matches_on_the_full_default_market(name):
    """The facts of wom validate hold in the reference engine too: on the full default
    market (10,000 consumers, 104 weeks) it produces the fast engine's table exactly."""
    sc = load_scenario(SCENARIOS / f"{name}.toml", ["run.replications=1"])
    assert_frame_equal(run(sc), run(sc, engine="reference"))


def test_a_million_consumers():
    """A 10^6-consumer network builds and a commerce week runs (memory and int widths)."""
    net = barabasi_albert(1_000_000, 5, seed=1)
    assert net.n_edges == 2 * 5 * (1_000_000 - 5)
    sc = load_scenario(SCENARIOS / "engagement.toml",
                       ["population.size=1000000", "network.m=5", "run.steps=3",
                        "run.replications=1"])
    frame = run(sc)
    assert frame["population"].iloc[0] == 1_000_000
    assert frame["aware"].iloc[-1] > 0
