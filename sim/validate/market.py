"""The default market's runs, shared by the calibration and validation checks.

Push and engagement (``scenarios/push.toml``, ``scenarios/engagement.toml``) run once
per seed with the same seed, so they are paired by common random numbers. Every
replication draws its own network (:func:`sim.experiment.with_resampling`), the same for
both strategies, so the validation lines pool all (seed, replication) pairs and their
intervals include network-to-network variation.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WomError
from ..experiment import run, with_resampling
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
def market(plan: Plan, name: str, seed: int) -> pd.DataFrame:
    """The table of shipped scenario ``name`` for one seed (cached)."""
    progress(plan, f"running {name}.toml: seed {seed}, {plan.market_replications} "
             f"replications, {plan.market_size:,} consumers")
    return run(with_resampling(scenario(name, plan.market_size)), seed=seed,
               replications=plan.market_replications)


@lru_cache(maxsize=16)
def sweep(plan: Plan, seed: int) -> pd.DataFrame:
    """:func:`sim.lessons.frequency_sweep` of push for one seed (cached)."""
    progress(plan, f"ad-frequency sweep: seed {seed}, frequencies {FREQUENCIES}")
    return frequency_sweep(with_resampling(scenario("push", plan.market_size)), FREQUENCIES,
                           seed=seed, replications=plan.market_replications)


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


def per_replication(plan: Plan, name: str, column: str, step: int | None = None) -> np.ndarray:
    """``column`` at ``step`` for every (seed, replication), seeds in order: pairs across
    scenarios by common random numbers and networks."""
    return np.concatenate([at(market(plan, name, s), column, step) for s in plan.seeds])


def ratio_per_replication(plan: Plan, name: str, top: str, bottom: str) -> np.ndarray:
    """``top / bottom`` at the last step for every (seed, replication)."""
    return per_replication(plan, name, top) / per_replication(plan, name, bottom)
