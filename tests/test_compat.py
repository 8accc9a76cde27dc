"""Works on every Mesa the project declares (3.3 to 3.5 and newer 3.x).

Mesa 3.4 gave ``mesa.Model`` a ``scenario`` property whose setter writes
``scenario.model = self`` (Mesa's own scenario object), and ``mesa.Agent`` a read-only
``scenario`` property. wom-sim therefore keeps its validated scenario as ``config`` on
both engines, and its agents read it through their model.
"""

from __future__ import annotations

import mesa

from sim.fast import WomModel
from sim.reference import ReferenceModel

from .conftest import make_scenario


def commerce(**run):
    return make_scenario(diffusion={"model": "commerce"},
                         network={"kind": "barabasi_albert", "m": 2},
                         population={"size": 150}, run={"steps": 3, **run},
                         influencers={"count": 2})


def test_models_keep_the_scenario_as_config():
    sc = commerce()
    for model in (WomModel(sc, replications=2), ReferenceModel(sc)):
        assert model.config is sc
        assert model.brand.model.config is sc
        assert model.influencers and all(i.model is model for i in model.influencers)
        if hasattr(mesa.Model, "scenario"):  # Mesa >= 3.4: Mesa's own, not ours
            assert model.scenario is not sc
        for _ in range(3):
            model.step()
        assert model.table()["step"].max() == 3


def test_models_use_rng_not_the_deprecated_seed():
    # pyproject turns DeprecationWarning and FutureWarning into errors, so building a
    # model with Mesa's deprecated ``seed=`` would fail here on Mesa versions that warn.
    model = WomModel(commerce(), seed=7, replications=1)
    assert model.seed == 7
    assert model.rng is not None
