"""The default market's runs, shared by the calibration and validation checks.

Push and engagement (``scenarios/push.toml``, ``scenarios/engagement.toml``) run once
per seed with the same seed, so they are paired by common random numbers; each seed is
a different network (``network.seed`` defaults to ``run.seed``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WomError
from ..experiment import run
from ..lessons import frequency_sweep
from ..scenario import Scenario, load_scenario
from .report import Plan, progress

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

#: Ad exposures a week of the frequency sweep.
FREQUENCIES = (1, 2, 4, 6, 12)


def scenario(name: str, size: int | None = None) -> Scenario:
    """A shipped scenario, optionally with another population size."""
    path = SCENARIOS / f"{name}.toml"
    if not path.is_file():
        raise WomError(f"validate runs the shipped scenarios and cannot find {path}; "
                       "install wom-sim from a source checkout (pip install -e .)")
    return load_scenario(path, [f"population.size={size}"] if size else [])


@lru_cache(maxsize=64)
def _market(name: str, size: int, replications: int, seed: int) -> pd.DataFrame:
    progress(f"running {name}.toml: seed {seed}, {replications} replications, "
             f"{size:,} consumers")
    return run(scenario(name, size), seed=seed, replications=replications)


def market(plan: Plan, name: str, seed: int) -> pd.DataFrame:
    """The table of shipped scenario ``name`` for one seed (cached)."""
    return _market(name, plan.market_size, plan.market_replications, seed)


@lru_cache(maxsize=16)
def _sweep(size: int, replications: int, seed: int) -> pd.DataFrame:
    progress(f"ad-frequency sweep: seed {seed}, frequencies {FREQUENCIES}")
    return frequency_sweep(scenario("push", size), FREQUENCIES, seed=seed,
                           replications=replications)


def sweep(plan: Plan, seed: int) -> pd.DataFrame:
    """:func:`sim.lessons.frequency_sweep` of push for one seed (cached)."""
    return _sweep(plan.market_size, plan.market_replications, seed)


def at(frame: pd.DataFrame, column: str, step: int | None = None) -> np.ndarray:
    """``column`` at ``step`` (default the last) for each replication, in order."""
    step = int(frame["step"].max()) if step is None else step
    return frame.loc[frame["step"] == step].sort_values("replication")[column].to_numpy(float)


def per_seed(plan: Plan, name: str, column: str, step: int | None = None) -> np.ndarray:
    """Mean over replications of ``column`` at ``step``, one value per seed."""
    return np.array([np.nanmean(at(market(plan, name, s), column, step)) for s in plan.seeds])


def ratio_per_seed(plan: Plan, name: str, top: str, bottom: str) -> np.ndarray:
    """``top / bottom`` at the last step, means over replications, one value per seed."""
    return per_seed(plan, name, top) / per_seed(plan, name, bottom)
