"""Running scenarios: replications with either engine, results with their provenance."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import jit
from .errors import WomError
from .fast import WomModel
from .network import Network, build_network
from .network.resample import (
    FIXED_KINDS,
    networks_used,
    replication_network,
    resamples,
)
from .reference import ReferenceModel
from .results import metadata
from .scenario import Scenario, load_scenario, scenario_from_dict

# A batch of the fast engine holds arrays of shape (replications, consumers); above this
# many cells the replications are split into several batches to bound memory (about
# 80 MB for the Bass presets' int32 state and for the independent cascade's order of
# adopters; the linear threshold keeps 12 bytes per cell and the commerce model some
# 150, so they get a half and a tenth as many).
BATCH_CELLS = 20_000_000
CELL_SHARE = {"commerce": 10, "linear_threshold": 2}


def with_run(scenario: Scenario, **run: Any) -> Scenario:
    """A copy of ``scenario`` with the given ``run.*`` values (None keeps the file's)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["run"].update({k: v for k, v in run.items() if v is not None})
    return scenario_from_dict(data, source="arguments")


def step_model(model: Any, steps: int, advance: Callable[[], None] | None = None) -> None:
    """Step a Mesa model ``steps`` times (the one place a model is stepped)."""
    for _ in range(steps):
        model.step()
        if advance is not None:
            advance()


def with_resampling(scenario: Scenario) -> Scenario:
    """``scenario`` with ``network.resample`` on, unless the scenario sets it.

    Comparisons (:func:`sim.compare`) and ``wom validate`` call this so that their
    intervals include network-to-network variation: each replication draws its own
    network (:mod:`sim.network.resample`). A scenario that sets ``network.resample``
    (true or false) keeps its choice; fixed networks (file, mixed, complete) are left
    as they are.
    """
    cfg = scenario.network
    if cfg.resample is not None or cfg.kind in FIXED_KINDS:
        return scenario
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["network"]["resample"] = True
    return scenario_from_dict(data, source="with_resampling")


def networks_summary(runs: list[dict[str, Any]]) -> str:
    """Which networks a comparison used: the ``networks`` of its runs (each a dict with
    ``label`` and ``networks``, as ``frame.attrs`` of :func:`run`), once if they agree,
    else ``"label: networks"`` per run, joined by ``"; "``."""
    used = list(dict.fromkeys(r["networks"] for r in runs))
    if len(used) == 1:
        return used[0]
    return "; ".join(f"{r['label']}: {r['networks']}" for r in runs)


def _batches(scenario: Scenario, engine: str, first: int, network: Network | None
             ) -> list[range]:
    """The replications each model simulates: one per model for the reference engine
    and for resampled networks, else as many as :data:`BATCH_CELLS` allows."""
    plan = scenario.run
    if engine == "fast" and network is not None:
        cells = BATCH_CELLS // CELL_SHARE.get(scenario.diffusion.model, 1)
        batch = max(1, min(plan.replications, cells // max(network.n, 1)))
    else:
        batch = 1
    last = first + plan.replications
    return [range(start, min(start + batch, last)) for start in range(first, last, batch)]


def _model(scenario: Scenario, engine: str, reps: range, network: Network
           ) -> WomModel | ReferenceModel:
    """The model simulating replications ``reps`` (one for the reference engine)."""
    if engine == "fast":
        return WomModel(scenario, replications=len(reps), first_replication=reps.start,
                        network=network)
    return ReferenceModel(scenario, replication=reps.start, network=network)


def run(
    scenario: Scenario | str | Path,
    *,
    seed: int | None = None,
    steps: int | None = None,
    replications: int | None = None,
    first_replication: int = 0,
    engine: Literal["fast", "reference"] = "fast",
    threads: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Run a scenario and return the tidy table of its replications.

    Parameters
    ----------
    scenario
        A :class:`~sim.scenario.Scenario` or the path of a scenario TOML file.
    seed, steps, replications
        Override ``run.seed``, ``run.steps``, ``run.replications``.
    first_replication
        Index of the first replication: the run simulates replications
        ``first_replication, ..., first_replication + replications - 1``, each with its
        stream (seed, r) (and its network, with ``network.resample``), so a run split in
        parts gives the same rows as the whole.
    engine
        ``"fast"`` (:class:`sim.fast.WomModel`, numba, replications batched over one
        network; one replication per batch when ``network.resample`` gives each its own)
        or ``"reference"`` (:class:`sim.reference.ReferenceModel`, one Mesa agent per
        consumer). Both give identical tables.
    threads
        numba threads for the fast engine (default: all cores). Results do not depend
        on it.
    progress
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per (replication, step), step 0 the starting state, with columns
        ``replication, step, time, seed, population, adopted`` and then
        ``new_adopters`` for the classic presets or the commerce model's funnel, money,
        conversation, loyalty and community columns (docs/model.md).
        ``frame.attrs`` records the resolved scenario, its hash, the seed, the engine,
        the package version and ``networks``, which networks were used
        (:func:`sim.network.resample.networks_used`).

    Examples
    --------
    >>> frame = run("scenarios/bass.toml", replications=10)  # doctest: +SKIP
    >>> frame.groupby("step")["adopted"].mean()
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = with_run(scenario, seed=seed, steps=steps, replications=replications)
    if engine not in ("fast", "reference"):
        raise WomError(f"engine: expected 'fast' or 'reference', found {engine!r}")
    if first_replication < 0:
        raise WomError(f"first_replication: must be >= 0, found {first_replication}")
    if engine == "fast":
        try:
            jit.set_threads(threads)
        except ValueError as exc:
            raise WomError(f"threads: {exc}") from None
    shared = None if resamples(scenario) else build_network(scenario)
    batches = _batches(scenario, engine, first_replication, shared)
    bar = tqdm(total=len(batches) * scenario.run.steps, disable=not progress, unit="step",
               desc=scenario.name or "run")
    tables = []
    with bar:
        for reps in batches:
            network = (shared if shared is not None
                       else replication_network(scenario, reps.start))
            model = _model(scenario, engine, reps, network)
            step_model(model, scenario.run.steps, lambda: bar.update(1))
            tables.append(model.table())
    frame = pd.concat(tables, ignore_index=True)
    frame.attrs = {**metadata(scenario, engine), "networks": networks_used(scenario)}
    return frame


def adoption_array(frame: pd.DataFrame) -> np.ndarray:
    """Adopted counts as an array of shape (replications, steps + 1)."""
    wide = frame.pivot(index="replication", columns="step", values="adopted")
    return wide.to_numpy()
