"""Running scenarios: replications with either engine, results with their provenance."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import jit
from .commerce.events import check_events
from .errors import WomError
from .fast import WomModel
from .memory import batch_size, check_memory
from .network import Network, build_network
from .network.resample import (
    FIXED_KINDS,
    networks_used,
    replication_network,
    resamples,
)
from .progress import progress_bar
from .reference import ReferenceModel
from .results import metadata
from .scenario import Scenario, load_scenario, scenario_from_dict


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
    """The replications each model simulates (:func:`sim.memory.batch_size`)."""
    plan = scenario.run
    batch = batch_size(scenario, engine, network.n if network is not None else 1)
    last = first + plan.replications
    return [range(start, min(start + batch, last)) for start in range(first, last, batch)]


def _model(scenario: Scenario, engine: str, reps: range, network: Network, events: bool
           ) -> WomModel | ReferenceModel:
    """The model simulating replications ``reps`` (one for the reference engine)."""
    if engine == "fast":
        return WomModel(scenario, replications=len(reps), first_replication=reps.start,
                        network=network, events=events)
    return ReferenceModel(scenario, replication=reps.start, network=network, events=events)


def _simulate(scenario: Scenario, engine: str, batches: list[range], shared: Network | None,
              events: bool, progress: bool, advance: Callable[[float], None] | None
              ) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Step each batch's model through the run: their tables and (``events``) logs; a
    progress bar on stderr (``progress``) and ``advance(share done)`` after every week."""
    tables, logs = [], []
    total, done = len(batches) * scenario.run.steps, 0
    bar = progress_bar(total, desc=f"run {scenario.name}".strip(), unit="step",
                       enabled=progress)

    def week_done() -> None:
        nonlocal done
        done += 1
        bar.update(1)
        if advance is not None:
            advance(done / total)

    with bar:
        for reps in batches:
            network = (shared if shared is not None
                       else replication_network(scenario, reps.start))
            model = _model(scenario, engine, reps, network, events)
            step_model(model, scenario.run.steps, week_done)
            tables.append(model.table())
            if events:
                logs.append(model.events_table())
    return tables, logs


def _shared_network(scenario: Scenario, engine: str) -> Network | None:
    """The network every replication shares (None with ``network.resample``), built
    only once the run is known to fit in memory (:func:`sim.memory.check_memory`)."""
    check_memory(scenario, engine)
    shared = None if resamples(scenario) else build_network(scenario)
    if scenario.network.kind == "file":  # its size is known once the file is read
        check_memory(scenario, engine, shared)
    return shared


def _check_run(scenario: Scenario, engine: str, first_replication: int,
               threads: int | None, events: bool) -> None:
    """Refuse a bad engine, first replication, thread count or event log (WomError)."""
    if engine not in ("fast", "reference"):
        raise WomError(f"engine: expected 'fast' or 'reference', found {engine!r}")
    if first_replication < 0:
        raise WomError(f"first_replication: must be >= 0, found {first_replication}")
    if events:
        check_events(scenario)
    if engine == "fast":
        try:
            jit.set_threads(threads)
        except ValueError as exc:
            raise WomError(f"threads: {exc}") from None


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
    events: bool = False,
    advance: Callable[[float], None] | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Run a scenario and return the tidy table of its replications (and its event log).

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
    progress, advance
        Report progress on stderr (a bar or a line every ~10 s, :mod:`sim.progress`);
        ``advance(share of the run done)`` is called after every simulated week.
    events
        Also return the event log of the commerce model: one row per funnel event
        (``replication, step, consumer, event, channel, source``; docs/events.md), the
        same for both engines. It costs time in proportion to the events; off, nothing.

    Returns
    -------
    pandas.DataFrame
        One row per (replication, step), step 0 the starting state, with columns
        ``replication, step, time, seed, population, adopted`` and then
        ``new_adopters`` for the classic presets or the commerce model's funnel, money,
        conversation, loyalty and community columns (docs/model.md).
        ``frame.attrs`` records the resolved scenario, its hash, the seed, the engine,
        the package version and ``networks``, which networks were used
        (:func:`sim.network.resample.networks_used`). With ``events=True``, the pair
        ``(frame, events)``, the log carrying the same ``attrs``.

    Raises
    ------
    WomError
        On a bad argument or scenario, or when the run cannot fit in the memory
        available (:func:`sim.memory.check_memory`, before anything is allocated).

    Examples
    --------
    >>> frame = run("scenarios/bass.toml", replications=10)  # doctest: +SKIP
    >>> frame.groupby("step")["adopted"].mean()
    >>> frame, events = run("scenarios/push.toml", events=True)  # doctest: +SKIP
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = with_run(scenario, seed=seed, steps=steps, replications=replications)
    _check_run(scenario, engine, first_replication, threads, events)
    shared = _shared_network(scenario, engine)
    batches = _batches(scenario, engine, first_replication, shared)
    tables, logs = _simulate(scenario, engine, batches, shared, events, progress, advance)
    frame = pd.concat(tables, ignore_index=True)
    frame.attrs = {**metadata(scenario, engine), "networks": networks_used(scenario)}
    if not events:
        return frame
    log = pd.concat(logs, ignore_index=True)
    log.attrs = frame.attrs
    return frame, log


def adoption_array(frame: pd.DataFrame) -> np.ndarray:
    """Adopted counts as an array of shape (replications, steps + 1)."""
    wide = frame.pivot(index="replication", columns="step", values="adopted")
    return wide.to_numpy()
