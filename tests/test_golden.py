"""Golden results: every shipped scenario gives exactly the tables recorded before the
package was restructured (seed 1, 2 replications, a short horizon, both engines).

A change of behaviour, however small, fails here. When a change of the model is
intended, regenerate the files with ``python tests/test_golden.py``, regenerate the
dashboard's shipped default results at the same time with
``python -m dashboard.warm --ship`` (tests/test_shipped.py), and say why in the commit
message.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim import load_scenario, run

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SCENARIOS = HERE.parent / "scenarios"
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.toml") if p.stem != "market")
STEPS = 16
# The reference engine runs on a smaller population so the suite stays fast; the fast
# engine is checked at the shipped size too.
SMALL = 400


def golden_run(name: str, engine: str, small: bool) -> pd.DataFrame:
    overrides = [f"population.size={SMALL}"] if small else []
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    if small and scenario.influencers.count > SMALL // 10:
        overrides.append(f"influencers.count={SMALL // 10}")  # the top 10%, as shipped
    scenario = load_scenario(SCENARIOS / f"{name}.toml", overrides)
    frame = run(scenario, seed=1, steps=STEPS, replications=2, engine=engine)
    frame.attrs = {}
    return frame


def golden_path(name: str, small: bool) -> Path:
    return GOLDEN / f"{name}{'_small' if small else ''}.parquet"


@pytest.mark.parametrize("name", SHIPPED)
def test_fast_engine_matches_golden(name):
    for small in (False, True):
        expected = pd.read_parquet(golden_path(name, small))
        assert_frame_equal(golden_run(name, "fast", small), expected)


@pytest.mark.parametrize("name", SHIPPED)
def test_reference_engine_matches_golden(name):
    expected = pd.read_parquet(golden_path(name, True))
    assert_frame_equal(golden_run(name, "reference", True), expected)


def regenerate() -> None:
    """Write the golden files from the fast engine (run as a script)."""
    GOLDEN.mkdir(exist_ok=True)
    for name in SHIPPED:
        for small in (False, True):
            golden_run(name, "fast", small).to_parquet(golden_path(name, small), index=False)
            print("wrote", golden_path(name, small))


if __name__ == "__main__":
    sys.exit(regenerate())
