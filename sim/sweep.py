"""Parameter sweeps: designs, resumable Parquet parts, local and Dask executors.

A sweep runs one scenario at many *points* of a parameter space, each with the same
number of replications, and stores every run (point, replication) as its own Parquet
part. Designs come from SALib (Herman and Usher 2017): a full ``grid`` (cartesian
product of the listed values), a Latin hypercube (``lhs``, McKay et al. 1979), a
Sobol' / Saltelli design (``sobol``, Saltelli 2002; Saltelli et al. 2010) or Morris
trajectories (``morris``, Morris 1991).

Layout of an output directory ``DIR``::

    DIR/_manifest.json                       what was run: written once, atomically
    DIR/parts/p000012_r0003.parquet          point 12, replication 3: one run
    DIR/_analysis/                           tables and plots of ``wom analyze``
    DIR/.lock                                held while a sweep writes to DIR

``pandas.read_parquet(DIR)`` loads every part as one tidy table (pyarrow skips names
that start with ``_`` or ``.``): one row per (point, replication, step) with the
columns ``point``, one column per swept key (named by the key, e.g.
``ads.frequency``), then the columns of :func:`sim.run` (``replication, step, time,
seed, ...``). :func:`load_sweep` does the same, sorted, with the manifest's provenance
in ``frame.attrs``.

Seeds (common random numbers)
    Every point runs with the same seed: replication r of every point uses the random
    stream (seed, r). Differences between points are therefore not blurred by
    different random draws, exactly as in :func:`sim.metrics.compare`. The SALib
    samplers are seeded with the same seed.

Integer keys
    Keys declared ``int`` in the schema get integer values. A grid range must land on
    whole numbers; LHS, Sobol' and Morris values are rounded to the nearest integer
    (halves up), so the two end values are drawn about half as often as inner ones.
    The unrounded SALib sample is kept in the manifest (``design_matrix``).

Resuming
    Parts are written to a temporary ``.name.tmp`` file and renamed, so a part is
    either complete or absent. The manifest is written before any run. Re-running the
    same command (or adding ``--resume``) skips points whose parts all exist, deletes
    leftover temporary files and reruns the rest: a sweep killed at any moment ends,
    once resumed, with every run exactly once. A directory that holds a different
    sweep is refused.

Executors
    Local processes (default) use a :class:`concurrent.futures.ProcessPoolExecutor`
    with the ``forkserver`` start method: a clean server process imports wom-sim once
    and forks the workers, which is fast and, unlike plain ``fork``, safe when the
    calling process has already started numba's (OpenMP) threads; while the fork
    server starts, the calling process runs points itself. Each worker uses one numba
    thread, so N workers keep N cores busy without oversubscribing them. A worker that
    dies breaks the pool; the sweep then starts a new pool and reruns the unfinished
    points. ``--workers 1`` runs the points in the calling process. With Dask
    (``--dask`` for a LocalCluster, ``--scheduler`` for a cluster) tasks are submitted
    with ``retries=2``; the output directory must then be on a file system shared with
    the workers. Each worker writes its own parts and returns only counts and timings.
    Results never depend on the executor or the number of workers (counter-based
    random numbers, :mod:`sim.rng`).

Batches and timing
    A point is one task: its replications run as one batch of the fast engine, then
    its parts are written (an unfinished point is rerun whole, and its parts that
    already exist are replaced by identical ones). Tasks time the simulation and the writing
    separately; the summary reports per run the simulation time, "scheduling +
    writing" (writing plus each worker's idle time between two points) and the whole
    overhead ``(elapsed * workers - simulation) / runs``, which adds worker start-up
    and workers idle at the end.

References
----------
Herman, J. and Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. Journal of Open Source Software 2(9), 97.
McKay, M. D., Beckman, R. J. and Conover, W. J. (1979). A comparison of three methods
for selecting values of input variables in the analysis of output from a computer
code. Technometrics 21(2), 239-245.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational
experiments. Technometrics 33(2), 161-174.
Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity
indices. Computer Physics Communications 145(2), 280-297.
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S.
(2010). Variance based sensitivity analysis of model output. Design and estimator for
the total sensitivity index. Computer Physics Communications 181(2), 259-270.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import difflib
import hashlib
import itertools
import json
import logging
import math
import multiprocessing
import os
import secrets
import socket
import sys
import threading
import time
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from . import jit
from .argtypes import nonnegative, positive
from .errors import WomError
from .experiment import run, with_run
from .metrics import interval
from .results import package_version
from .scenario import (
    Scenario,
    ScenarioError,
    Section,
    apply_overrides,
    load_scenario,
    parameter_table,
    scenario_from_dict,
)

__all__ = [
    "DESIGNS",
    "FLOW_COLUMNS",
    "Param",
    "SweepError",
    "SweepPlan",
    "SweepResult",
    "add_sweep_parser",
    "cmd_sweep",
    "load_sweep",
    "metric_per_replication",
    "parse_param",
    "plan_sweep",
    "read_manifest",
    "run_sweep",
    "summarize_sweep",
]

#: Designs understood by :func:`plan_sweep`.
DESIGNS = ("grid", "lhs", "sobol", "morris")

#: Morris levels (SALib's default grid of 4 levels per factor).
MORRIS_LEVELS = 4

#: Columns that hold a flow per step: a replication's value is their sum over the steps
#: after the first (the totals of :mod:`sim.metrics`). Every other column is a state
#: (a stock, a level or a ratio): a replication's value is the one at the last step.
FLOW_COLUMNS = frozenset({
    "new_adopters", "new_customers", "repeat_purchases", "churned", "won_back", "revenue",
    "cost", "profit", "shares", "negative_shares", "checkins", "referrals", "reviews",
})

MANIFEST = "_manifest.json"
PARTS = "parts"
LOCK = ".lock"
FORMAT = "wom-sim sweep 1"
PART_NAME = "p{point:06d}_r{replication:04d}.parquet"

# Keys a sweep sets itself: one seed and one replication count for every point.
_RESERVED = {"run.seed": "--seed", "run.replications": "--replications"}

# How often a broken local pool (a worker process died) is replaced before giving up.
_MAX_POOL_RESTARTS = 3

Kind = Literal["int", "float", "bool", "choice"]


class SweepError(WomError):
    """A sweep could not finish (a run failed); finished parts are kept for ``--resume``."""


# ---------------------------------------------------------------------------
# Parameters: KEY=SPEC against the schema
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A swept scenario key.

    Attributes
    ----------
    key
        ``section.field`` of the scenario schema.
    spec
        The SPEC text as given (``0.1,0.2`` or ``start:stop:count``).
    kind
        ``int``, ``float``, ``bool`` or ``choice`` (a string from a fixed set), from the
        schema's annotation.
    values
        The listed values (grid), typed by ``kind``.
    """

    key: str
    spec: str
    kind: Kind
    values: tuple[Any, ...]

    @property
    def bounds(self) -> tuple[float, float]:
        """(min, max) of the values: the sampling range of lhs, sobol and morris."""
        if self.kind not in ("int", "float"):
            raise WomError(f"--param {self.key}={self.spec}: {self.kind} values have no range")
        return float(min(self.values)), float(max(self.values))


def _schema_field(key: str) -> Any:
    """The pydantic FieldInfo of ``section.field`` (WomError naming the key if unknown)."""
    section_name, _, name = key.partition(".")
    section = Scenario.model_fields.get(section_name)
    annotation = section.annotation if section is not None else None
    if "." in name or not name or not (isinstance(annotation, type)
                                       and issubclass(annotation, Section)):
        known = [row[0] for row in parameter_table()]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else " (wom keys lists them)"
        raise WomError(f"--param {key}: unknown scenario key{hint}")
    sub = annotation.model_fields.get(name)
    if sub is None:
        known = [f"{section_name}.{k}" for k in annotation.model_fields]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else " (wom keys lists them)"
        raise WomError(f"--param {key}: unknown scenario key{hint}")
    return sub


def _kind(annotation: Any) -> tuple[Kind | None, tuple[Any, ...]]:
    """Sweepable kind of a schema annotation and, for choices, the allowed values."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice", typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = [_kind(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
        choices = tuple(v for kind, vs in kinds if kind == "choice" for v in vs)
        if choices and all(kind == "choice" for kind, _ in kinds):
            return "choice", choices
        scalar = [kind for kind, _ in kinds if kind in ("int", "float", "bool")]
        return (scalar[0] if scalar else None), ()
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "float", ()
    return None, ()


def _limits(info: Any) -> list[tuple[str, float]]:
    """The (operator, bound) pairs of a field (from pydantic's ge/gt/le/lt)."""
    out = []
    for item in info.metadata:
        for op in ("ge", "gt", "le", "lt"):
            bound = getattr(item, op, None)
            if bound is not None:
                out.append((op, float(bound)))
    return out


def _check_bounds(where: str, value: float, limits: list[tuple[str, float]]) -> None:
    words = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    ok = {"ge": value.__ge__, "gt": value.__gt__, "le": value.__le__, "lt": value.__lt__}
    for op, bound in limits:
        if not ok[op](bound):
            raise WomError(f"{where}: {_show(value)} is out of bounds: the value must be "
                           f"{words[op]} {_show(bound)}")


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _number(where: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise WomError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise WomError(f"{where}: {text!r} is not a finite number")
    return value


def _clean(value: float) -> float:
    """Drop linspace rounding noise (0.30000000000000004 -> 0.3): 12 significant digits."""
    return float(f"{value:.12g}")


def _typed(where: str, kind: Kind, choices: tuple[Any, ...], value: Any) -> Any:
    if kind == "int":
        if isinstance(value, float):
            if abs(value - round(value)) > 1e-9:
                raise WomError(f"{where}: {_show(value)} is not an integer (the key is an "
                               "integer)")
            value = round(value)
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    if value not in choices:
        raise WomError(f"{where}: {value!r} is not one of {', '.join(map(str, choices))}")
    return value


def parse_param(item: str, design: str = "grid") -> Param:
    """Parse one ``--param KEY=SPEC`` against the scenario schema.

    Parameters
    ----------
    item
        ``KEY=SPEC``: KEY a scenario key (``section.field``), SPEC a comma-separated
        list (``0.1,0.2,0.5``) or an inclusive range ``start:stop:count`` (like
        :func:`numpy.linspace`: ``0:1:11`` is 0, 0.1, ..., 1). Booleans and choices
        (e.g. ``seeding.strategy=random,degree``) take lists and only the grid design.
    design
        The sweep design; ``lhs``, ``sobol`` and ``morris`` take the range from the
        minimum and maximum of SPEC and need a numeric key with two different values.

    Returns
    -------
    Param

    Raises
    ------
    WomError
        Naming the parameter: no ``=``, empty SPEC, malformed range, unknown key, a
        key that cannot be swept (lists, paths, ``run.seed``), a value of the wrong
        type, outside the field's bounds or repeated.

    Examples
    --------
    >>> parse_param("diffusion.p=0:0.1:3").values
    (0.0, 0.05, 0.1)
    """
    key, sep, spec = item.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key:
        raise WomError(f"--param {item}: expected KEY=SPEC, e.g. diffusion.p=0.01,0.03 or "
                       "diffusion.p=0:0.1:11")
    where = f"--param {key}={spec}"
    if key in _RESERVED:
        raise WomError(f"--param {key}: every point runs with the same {key}; "
                       f"use {_RESERVED[key]}")
    info = _schema_field(key)
    kind, choices = _kind(info.annotation)
    if kind is None:
        raise WomError(f"--param {key}: cannot sweep a key of type "
                       f"{getattr(info.annotation, '__name__', info.annotation)}; sweepable "
                       "keys are numbers, booleans and choices")
    if not spec:
        raise WomError(f"{where}: empty SPEC: give a list (a,b,c) or a range start:stop:count")
    if ":" in spec:
        if kind not in ("int", "float"):
            raise WomError(f"{where}: a range needs a numeric key; {key} takes a list")
        parts = spec.split(":")
        if len(parts) != 3:
            raise WomError(f"{where}: a range is start:stop:count, e.g. 0:1:11")
        start, stop = _number(where, parts[0]), _number(where, parts[1])
        try:
            count = int(parts[2])
        except ValueError:
            raise WomError(f"{where}: the count {parts[2]!r} of start:stop:count is not an "
                           "integer") from None
        if count < 1 or (count == 1 and start != stop):
            raise WomError(f"{where}: the count of start:stop:count must be >= 2 "
                           "(or 1 with start = stop)")
        raw: list[Any] = [_clean(v) for v in np.linspace(start, stop, count)]
    else:
        raw = []
        for text in spec.split(","):
            text = text.strip()
            if not text:
                raise WomError(f"{where}: empty value in the list")
            if kind in ("int", "float"):
                raw.append(_number(where, text))
            elif kind == "bool":
                if text.lower() not in ("true", "false"):
                    raise WomError(f"{where}: {text!r} is not true or false")
                raw.append(text.lower() == "true")
            else:
                raw.append(text.strip("\"'"))
    values = tuple(_typed(where, kind, choices, v) for v in raw)
    if len(set(values)) != len(values):
        raise WomError(f"{where}: repeated value")
    limits = _limits(info)
    if kind in ("int", "float"):
        for value in values:
            _check_bounds(where, float(value), limits)
    param = Param(key, spec, kind, values)
    if design != "grid":
        if kind not in ("int", "float"):
            raise WomError(f"{where}: the {design} design needs numeric keys; "
                           f"{key} is a {kind}")
        low, high = param.bounds
        if low == high:
            raise WomError(f"{where}: the {design} design samples between the smallest and "
                           "largest value: give two different values")
    return param


# ---------------------------------------------------------------------------
# Designs and the plan
# ---------------------------------------------------------------------------


def _problem(params: Sequence[Param]) -> dict[str, Any]:
    """The SALib problem: one variable per parameter, bounds from its SPEC."""
    return {"num_vars": len(params), "names": [p.key for p in params],
            "bounds": [list(p.bounds) for p in params]}


def _sample(design: str, problem: dict[str, Any], samples: int, seed: int) -> np.ndarray:
    """The raw SALib sample, one row per point."""
    problem = json.loads(json.dumps(problem))  # SALib adds keys to the dict it is given
    if design == "lhs":
        from SALib.sample import latin
        return latin.sample(problem, samples, seed=seed)
    if design == "sobol":
        from SALib.sample import sobol
        return sobol.sample(problem, samples, calc_second_order=True, seed=seed)
    from SALib.sample import morris
    return morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)


def _design_points(params: Sequence[Param], design: str, samples: int | None,
                   seed: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None,
                                       np.ndarray | None]:
    """Points as {key: value} dicts, the SALib problem and the raw sample (not for grid)."""
    if design == "grid":
        if samples is not None:
            raise WomError("--samples: the grid design runs every combination of the listed "
                           "values; --samples applies to lhs, sobol and morris")
        combos = itertools.product(*(p.values for p in params))
        return [dict(zip((p.key for p in params), combo, strict=True)) for combo in combos], \
            None, None
    if samples is None:
        raise WomError(f"--samples: the {design} design needs --samples N "
                       "(lhs: N points; sobol: N base samples, N*(2D+2) points; "
                       "morris: N trajectories, N*(D+1) points)")
    if design == "sobol" and samples & (samples - 1):
        raise WomError(f"--samples {samples}: the sobol design needs a power of 2 "
                       "(Sobol' sequences converge only then), e.g. "
                       f"{2 ** int(math.log2(samples))} or {2 ** math.ceil(math.log2(samples))}")
    if design == "morris" and samples < 2:
        raise WomError(f"--samples {samples}: the morris design needs at least 2 trajectories")
    problem = _problem(params)
    matrix = np.asarray(_sample(design, problem, samples, seed), dtype=float)
    points = []
    for row in matrix:
        point = {}
        for p, x in zip(params, row, strict=True):
            if p.kind == "int":
                low, high = p.bounds
                point[p.key] = int(min(max(math.floor(x + 0.5), low), high))
            else:
                point[p.key] = float(x)
        points.append(point)
    return points, problem, matrix


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class SweepPlan:
    """Everything a sweep runs, validated; :attr:`manifest` is what ``_manifest.json`` holds.

    Build it with :func:`plan_sweep`; run it with :func:`run_sweep`.
    """

    scenario: Scenario
    source: str
    params: list[Param]
    design: str
    points: list[dict[str, Any]]
    replications: int
    seed: int
    steps: int
    engine: str
    manifest: dict[str, Any] = field(repr=False)

    @property
    def runs(self) -> int:
        """Number of runs: points x replications."""
        return len(self.points) * self.replications

    @property
    def sweep_id(self) -> str:
        return self.manifest["sweep_id"]


#: Manifest fields that define a sweep (a re-run with the same identity resumes it).
_IDENTITY = ("format", "wom_sim_version", "scenario", "params", "design", "samples",
             "problem", "sampler", "points", "replications", "seed", "steps", "engine")


def plan_sweep(
    scenario: Scenario | str | Path,
    params: Sequence[str] | Mapping[str, Any],
    *,
    design: str = "grid",
    samples: int | None = None,
    replications: int | None = None,
    steps: int | None = None,
    seed: int | None = None,
    overrides: Sequence[str] | Mapping[str, Any] | None = None,
    engine: Literal["fast", "reference"] = "fast",
) -> SweepPlan:
    """Validate a sweep and list its points, without running anything.

    Parameters
    ----------
    scenario
        A scenario TOML file (or a :class:`~sim.scenario.Scenario`).
    params
        ``["KEY=SPEC", ...]`` or ``{"KEY": "SPEC" or [values]}``; see :func:`parse_param`.
    design
        ``grid`` (cartesian product of the values, first key slowest), ``lhs`` (SALib
        ``latin.sample``: ``samples`` points), ``sobol`` (SALib ``sobol.sample`` with
        second-order indices: ``samples * (2 D + 2)`` points, ``samples`` a power of 2)
        or ``morris`` (SALib ``morris.sample`` with 4 levels: ``samples`` trajectories,
        ``samples * (D + 1)`` points). D is the number of parameters.
    samples
        N of lhs, sobol and morris (not used by grid).
    replications, steps, seed
        Override the scenario's ``run.*``; ``seed`` also seeds the SALib sampler.
        Every point runs replications 0..R-1 with streams (seed, r).
    overrides
        ``--set`` style overrides applied before the parameters.
    engine
        ``fast`` or ``reference``, as for :func:`sim.run`.

    Returns
    -------
    SweepPlan

    Raises
    ------
    WomError
        For a bad parameter (see :func:`parse_param`), a repeated key, a bad design or
        sample count, or any point whose scenario does not validate (the message names
        the point and its values).

    References
    ----------
    Herman and Usher (2017); McKay et al. (1979); Saltelli (2002); Saltelli et al.
    (2010); Morris (1991). See the module docstring.
    """
    if design not in DESIGNS:
        raise WomError(f"--design: expected one of {', '.join(DESIGNS)}, found {design!r}")
    if engine not in ("fast", "reference"):
        raise WomError(f"--engine: expected 'fast' or 'reference', found {engine!r}")
    items = ([f"{k}={v}" if isinstance(v, str) else f"{k}={','.join(map(str, v))}"
              for k, v in params.items()] if isinstance(params, Mapping) else list(params))
    if not items:
        raise WomError("--param: give at least one KEY=SPEC to sweep")
    parsed = [parse_param(item, design) for item in items]
    seen: set[str] = set()
    for p in parsed:
        if p.key in seen:
            raise WomError(f"--param {p.key}: given twice")
        seen.add(p.key)
    over: list[str] | dict[str, Any]
    if overrides is None:
        over = []
    elif isinstance(overrides, Mapping):
        over = dict(overrides)
    else:
        over = list(overrides)
    if isinstance(scenario, Scenario):
        source = "<scenario>"
        base = scenario_from_dict(
            apply_overrides(scenario.model_dump(mode="json", exclude_none=True), over),
            source=source, overridden={str(o).partition("=")[0].strip() for o in over})
        scenario_file = None
    else:
        source = str(scenario)
        base = load_scenario(scenario, over)
        scenario_file = str(Path(scenario).resolve())
    seed = base.run.seed if seed is None else seed
    steps = base.run.steps if steps is None else steps
    replications = base.run.replications if replications is None else replications
    for name, value, low in (("--seed", seed, 0), ("--steps", steps, 0),
                             ("--replications", replications, 1)):
        if not isinstance(value, int | np.integer) or value < low:
            raise WomError(f"{name}: expected an integer >= {low}, found {value!r}")
    base = with_run(base, seed=int(seed), steps=int(steps), replications=int(replications))
    data = base.model_dump(mode="json", exclude_none=True)
    points, problem, matrix = _design_points(parsed, design, samples, int(seed))
    entries = []
    for k, values in enumerate(points):
        point_scenario = _point_scenario(data, values, source, k)
        entries.append({"point": k, "values": values, "scenario_hash": point_scenario.digest()})
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "sweep_id": "",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "wom_sim_version": package_version(),
        "scenario_file": scenario_file,
        "scenario_name": base.name,
        "scenario_hash": base.digest(),
        "scenario": base.model_dump(mode="json"),
        "overrides": over if isinstance(over, list) else [f"{k}={v}" for k, v in over.items()],
        "params": [{"key": p.key, "spec": p.spec, "kind": p.kind, "values": list(p.values)}
                   for p in parsed],
        "design": design,
        "samples": samples,
        "problem": problem,
        "sampler": None if design == "grid" else {
            "seed": int(seed), **({"calc_second_order": True} if design == "sobol" else {}),
            **({"num_levels": MORRIS_LEVELS} if design == "morris" else {})},
        "design_matrix": None if matrix is None else matrix.tolist(),
        "points": entries,
        "replications": int(replications),
        "seed": int(seed),
        "steps": int(steps),
        "engine": engine,
        "runs": len(points) * int(replications),
        "parts": f"{PARTS}/{PART_NAME}",
    }
    manifest = json.loads(json.dumps(manifest))
    manifest["sweep_id"] = _digest({k: manifest[k] for k in _IDENTITY})
    return SweepPlan(scenario=base, source=source, params=parsed, design=design,
                     points=points, replications=int(replications), seed=int(seed),
                     steps=int(steps), engine=engine, manifest=manifest)


def _describe(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


def _point_scenario(data: dict[str, Any], values: Mapping[str, Any], source: str,
                    point: int) -> Scenario:
    """The scenario of one point: the base with the point's values, validated."""
    try:
        return scenario_from_dict(apply_overrides(data, dict(values)), source=source,
                                  overridden=set(values))
    except ScenarioError as exc:
        message = str(exc)
        for key in values:
            message = message.replace(f"--set {key}", f"--param {key}")
        raise WomError(f"sweep point {point} ({_describe(values)}): {message}") from None


# ---------------------------------------------------------------------------
# One point: run its replications, write one part per run
# ---------------------------------------------------------------------------

_ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
                "choice": pa.string()}


@dataclass(frozen=True)
class _PointTask:
    """What a worker needs to run one point (small and picklable)."""

    point: int
    values: dict[str, Any]
    kinds: tuple[tuple[str, str], ...]
    base: dict[str, Any]
    source: str
    replications: int
    seed: int
    engine: str
    threads: int | None
    parts: str
    attrs: bytes
    fault: dict[str, Any] | None = None


@dataclass(frozen=True)
class _PointDone:
    """What a worker returns: counts and timings, never the table."""

    point: int
    rows: int
    simulate: float
    write: float
    started: float
    ended: float
    worker: str
    simulate_cpu: float = 0.0
    write_cpu: float = 0.0


def _inject(task: _PointTask, stage: str) -> None:
    """Testing hook: fail once at ``stage`` of one point (a marker file makes it once)."""
    fault = task.fault
    if not fault or fault.get("point") != task.point or fault.get("stage", "start") != stage:
        return
    marker = Path(fault["marker"])
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return
    if fault.get("action") == "exit" and multiprocessing.parent_process() is not None:
        os._exit(17)  # a worker process dies (in the calling process: raise instead)
    raise RuntimeError(f"injected fault at point {task.point} ({stage})")


def _write_atomic(path: Path, data: Any) -> None:
    """Write bytes to a hidden temporary file next to ``path``, then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table, quickly (no pandas metadata, no index)."""
    frame.attrs = {}  # pandas deep-copies attrs on every column access: drop them first
    names = list(frame.columns)
    column = getattr(frame, "_get_column_array", None)  # pandas internal: no Series per column
    if column is not None:
        try:
            return pa.Table.from_arrays([pa.array(column(i)) for i in range(len(names))],
                                        names=names)
        except (TypeError, ValueError, pa.ArrowException):
            pass
    return pa.Table.from_arrays([pa.array(col.to_numpy()) for _, col in frame.items()],
                                names=names)


def _write_parts(task: _PointTask, frame: pd.DataFrame) -> int:
    """One Parquet part per replication of ``frame``; returns the rows written.

    Parts are Snappy-compressed without dictionaries, with statistics only for the
    leading columns (point and swept keys: enough to skip files when filtering on
    them); statistics of all ~60 columns would add about a quarter to the writing time.
    """
    table = _arrow(frame)
    names = table.column_names
    reps = frame["replication"].to_numpy()
    lead_names = ["point", *(key for key, _ in task.kinds)]
    metadata = {b"wom_sim": task.attrs, b"PANDAS_ATTRS": task.attrs}
    parts = Path(task.parts)
    for r in range(task.replications):
        rows = np.flatnonzero(reps == r)
        if rows.size == 0:
            raise RuntimeError(f"point {task.point}: replication {r} has no rows")
        if rows[-1] - rows[0] + 1 == rows.size:
            part = table.slice(int(rows[0]), int(rows.size))
        else:
            part = table.take(rows)
        n = part.num_rows
        lead = [pa.array(np.full(n, task.point, dtype=np.int64))]
        lead += [pa.array([task.values[key]] * n, type=_ARROW_TYPES[kind])
                 for key, kind in task.kinds]
        part = pa.Table.from_arrays([*lead, *part.columns], names=[*lead_names, *names])
        part = part.replace_schema_metadata(metadata)
        sink = pa.BufferOutputStream()
        pq.write_table(part, sink, compression="snappy", use_dictionary=False,
                       write_statistics=lead_names)
        _write_atomic(parts / PART_NAME.format(point=task.point, replication=r),
                      memoryview(sink.getvalue()))
        if r == 0:
            _inject(task, "writing")
    return len(frame)


def _run_point(task: _PointTask) -> _PointDone:
    """Run all replications of one point in one batch and write their parts.

    Module-level so that worker processes and Dask workers import it by name.
    """
    started = time.time()
    t0, c0 = time.perf_counter(), time.process_time()
    _inject(task, "start")
    scenario = _point_scenario(task.base, task.values, task.source, task.point)
    frame = run(scenario, seed=task.seed, replications=task.replications, engine=task.engine,
                threads=task.threads)
    t1, c1 = time.perf_counter(), time.process_time()
    rows = _write_parts(task, frame)
    t2, c2 = time.perf_counter(), time.process_time()
    return _PointDone(task.point, rows, t1 - t0, t2 - t1, started, time.time(),
                      f"{socket.gethostname()}:{os.getpid()}", c1 - c0, c2 - c1)


# ---------------------------------------------------------------------------
# The output directory
# ---------------------------------------------------------------------------


def read_manifest(out: str | Path) -> dict[str, Any]:
    """The manifest of a sweep directory (WomError if there is none or it is unreadable)."""
    path = Path(out) / MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise WomError(f"{out}: not a sweep directory (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise WomError(f"{path}: cannot read the manifest: {exc}") from None


def _is_part(path: Path) -> bool:
    """Whether ``path`` is a whole Parquet file (magic bytes at both ends)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
            fh.seek(-4, os.SEEK_END)
            return head == b"PAR1" and fh.read(4) == b"PAR1"
    except OSError:
        return False


def _clean_parts(parts: Path) -> int:
    """Delete leftover temporary files (from a killed writer); returns how many."""
    removed = 0
    if parts.is_dir():
        for entry in os.scandir(parts):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


def _finished(parts: Path, points: int, replications: int) -> set[int]:
    """Points whose parts all exist and are whole (a broken part is deleted)."""
    if not parts.is_dir():
        return set()
    names = {entry.name for entry in os.scandir(parts)}
    done = set()
    for k in range(points):
        complete = True
        for r in range(replications):
            name = PART_NAME.format(point=k, replication=r)
            if name not in names:
                complete = False
            elif not _is_part(parts / name):
                (parts / name).unlink(missing_ok=True)
                complete = False
        if complete:
            done.add(k)
    return done


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` (one sweep writes to a directory at a time)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(out / LOCK, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WomError(f"{out}: another sweep is writing to this directory") from None
        except OSError:  # file systems without locks: go on unlocked
            yield
            return
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _prepare(out: Path, manifest: dict[str, Any], resume: bool, create: bool = True) -> bool:
    """Create ``out`` and its manifest, or check that it holds this sweep.

    Returns whether an existing sweep is continued; ``create=False`` only checks.
    """
    if out.exists() and not out.is_dir():
        raise WomError(f"--out {out}: exists and is not a directory")
    path = out / MANIFEST
    if path.exists():
        old = read_manifest(out)
        if old.get("sweep_id") != manifest["sweep_id"]:
            differ = [k for k in _IDENTITY if old.get(k) != manifest.get(k)]
            raise WomError(
                f"--out {out}: holds a different sweep (id {old.get('sweep_id')}, this one is "
                f"{manifest['sweep_id']}; they differ in {', '.join(differ) or 'their id'}): "
                "refusing to mix sweeps; choose another --out or delete the directory")
        return True
    if resume:
        raise WomError(f"--resume: {out} holds no sweep to resume (no {MANIFEST})")
    if out.is_dir() and any(not e.name.startswith(".") for e in os.scandir(out)):
        raise WomError(f"--out {out}: the directory is not empty and holds no sweep; "
                       "choose a new or empty directory")
    if not create:
        return False
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, (json.dumps(manifest, indent=1) + "\n").encode())
    return False


def _provenance(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Provenance shared by every part of a sweep (``frame.attrs`` of the table)."""
    return {
        "sweep_id": manifest["sweep_id"],
        "scenario_name": manifest["scenario_name"],
        "scenario_hash": manifest["scenario_hash"],
        "design": manifest["design"],
        "params": [p["key"] for p in manifest["params"]],
        "replications": manifest["replications"],
        "seed": manifest["seed"],
        "steps": manifest["steps"],
        "engine": manifest["engine"],
        "wom_sim_version": manifest["wom_sim_version"],
    }


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What :func:`run_sweep` did, with its timings.

    Attributes
    ----------
    out, sweep_id
        The directory and the sweep's id (a hash of what defines it).
    points, runs
        Points and runs of the whole sweep.
    skipped_points, skipped_runs
        Already finished before this call (resumed), not run again.
    executor, workers
        ``in-process``, ``local`` (processes), ``dask-local`` or ``dask``; parallel
        workers used (for an external cluster: its number of worker threads).
    elapsed
        Wall time of running the points (after planning and the manifest).
    simulate, write
        Worker-seconds spent in :func:`sim.run` and writing parts, summed over points.
    gaps
        Worker-seconds between the end of a point and the start of the next point on
        the same worker (scheduling: sending tasks and results), summed over workers.
    simulate_cpu, write_cpu
        The same as ``simulate`` and ``write`` in CPU seconds of the worker processes
        (less sensitive than wall time to other programs sharing the cores).
    restarts
        Local pools replaced after a worker process died.
    """

    out: Path
    sweep_id: str
    points: int
    runs: int
    skipped_points: int
    skipped_runs: int
    executor: str
    workers: int
    elapsed: float
    simulate: float
    write: float
    gaps: float
    simulate_cpu: float = 0.0
    write_cpu: float = 0.0
    restarts: int = 0

    @property
    def done_runs(self) -> int:
        """Runs made by this call."""
        return self.runs - self.skipped_runs

    @property
    def run_time(self) -> float:
        """Mean simulation time of a run (seconds; NaN if no run was made)."""
        return self.simulate / self.done_runs if self.done_runs else math.nan

    @property
    def overhead(self) -> float:
        """Scheduling and writing per run (seconds): ``(write + gaps) / runs``."""
        if not self.done_runs:
            return math.nan
        return (self.write + self.gaps) / self.done_runs

    @property
    def total_overhead(self) -> float:
        """All worker time not spent simulating, per run (seconds).

        ``(elapsed * workers - simulate) / runs``: scheduling, writing, the start-up of
        the workers and workers idle at the end, shared over the runs made. (While
        local workers start, the calling process runs points too, which this credits.)
        """
        if not self.done_runs:
            return math.nan
        return (self.elapsed * self.workers - self.simulate) / self.done_runs


def _default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _forkserver() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sim.sweep"])
    return ctx


class _Tracker:
    """Collects results and timings, drives the progress bar."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.simulate = 0.0
        self.write = 0.0
        self.simulate_cpu = 0.0
        self.write_cpu = 0.0
        self.spans: dict[str, list[tuple[float, float]]] = {}
        self.done: set[int] = set()

    def add(self, result: _PointDone) -> None:
        self.simulate += result.simulate
        self.write += result.write
        self.simulate_cpu += result.simulate_cpu
        self.write_cpu += result.write_cpu
        self.spans.setdefault(result.worker, []).append((result.started, result.ended))
        self.done.add(result.point)
        self.bar.update(1)

    def gaps(self) -> float:
        """Idle time between consecutive points of each worker, summed."""
        total = 0.0
        for spans in self.spans.values():
            spans.sort()
            total += sum(max(0.0, nxt[0] - prev[1]) for prev, nxt in itertools.pairwise(spans))
        return total


def _fail(exc: BaseException, point: int, done: int, total: int, out: Path) -> SweepError:
    reason = str(exc) or type(exc).__name__
    return SweepError(f"sweep point {point} failed: {reason}\n{done} of {total} points are "
                      f"saved in {out}; fix the cause and rerun the command (or add --resume) "
                      "to run the rest")


def _run_in_process(tasks: list[_PointTask], track: _Tracker, out: Path,
                    total: int, skipped: int) -> None:
    for task in tasks:
        try:
            track.add(_run_point(task))
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            raise _fail(exc, task.point, skipped + len(track.done), total, out) from exc


def _run_local(tasks: list[_PointTask], workers: int, track: _Tracker, out: Path,
               total: int, skipped: int) -> int:
    """Run on a process pool; a broken pool (a worker died) is replaced. Returns restarts.

    Starting the pool blocks while the fork server imports wom-sim (a few seconds), so
    the first submissions are made from a thread and this process runs points itself
    meanwhile, on the core the fork server leaves idle. Afterwards it only schedules,
    keeping two points per worker in flight.
    """
    ctx = _forkserver()
    queue = collections.deque(tasks)
    lock = threading.Lock()
    restarts = 0

    def done() -> int:
        return skipped + len(track.done)

    def take() -> _PointTask | None:
        with lock:
            return queue.popleft() if queue else None

    while queue:
        size = min(workers, len(queue))
        pool = ProcessPoolExecutor(max_workers=size, mp_context=ctx)
        in_flight: dict[Future[_PointDone], _PointTask] = {}
        first = [queue.popleft() for _ in range(size)]
        state = {"broken": False}
        ready = threading.Event()

        def feed(pool: ProcessPoolExecutor = pool, first: list[_PointTask] = first,
                 in_flight: dict[Future[_PointDone], _PointTask] = in_flight,
                 state: dict[str, bool] = state, ready: threading.Event = ready) -> None:
            try:
                for k, task in enumerate(first):
                    try:
                        future = pool.submit(_run_point, task)
                    except BrokenProcessPool:
                        with lock:
                            queue.extendleft(reversed(first[k:]))
                        state["broken"] = True
                        return
                    with lock:
                        in_flight[future] = task
            finally:
                ready.set()

        feeder = threading.Thread(target=feed, name="wom-sweep-feeder", daemon=True)
        feeder.start()
        try:
            while not ready.is_set():
                task = take()
                if task is None:
                    break
                try:
                    track.add(_run_point(task))
                except Exception as exc:
                    raise _fail(exc, task.point, done(), total, out) from exc
            feeder.join()
            while True:
                with lock:
                    while queue and len(in_flight) < 2 * size and not state["broken"]:
                        task = queue.popleft()
                        try:
                            in_flight[pool.submit(_run_point, task)] = task
                        except BrokenProcessPool:
                            queue.appendleft(task)
                            state["broken"] = True
                if not in_flight:
                    break
                finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                for future in finished:
                    task = in_flight.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        state["broken"] = True
                        queue.appendleft(task)
                        continue
                    except Exception as exc:
                        raise _fail(exc, task.point, done(), total, out) from exc
                    track.add(result)
                if state["broken"]:
                    break
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            feeder.join()
        if state["broken"]:
            for future, task in in_flight.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    track.add(future.result())
                else:
                    queue.appendleft(task)
            restarts += 1
            _clean_parts(out / PARTS)
            if restarts > _MAX_POOL_RESTARTS:
                raise SweepError(
                    f"worker processes died {restarts} times; {done()} of {total} points are "
                    f"saved in {out}: rerun the command to resume")
    return restarts


def _run_dask(tasks: list[_PointTask], client: Any, track: _Tracker, out: Path,
              total: int, skipped: int) -> None:
    from distributed import as_completed

    futures = {client.submit(_run_point, task, retries=2, pure=False): task.point
               for task in tasks}
    try:
        for future in as_completed(list(futures)):
            try:
                result = future.result()
            except Exception as exc:
                raise _fail(exc, futures[future], skipped + len(track.done), total,
                            out) from exc
            track.add(result)
    except BaseException:
        client.cancel(list(futures))
        raise


@contextlib.contextmanager
def _dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of an existing scheduler, or of a new LocalCluster (closed afterwards)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise WomError(f"--scheduler {scheduler}: cannot connect: {exc}") from None
        with client:
            yield client
        return
    # numpy-heavy tasks run much slower when the nanny trims memory often.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_":
                          2 ** 30}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        yield client


def _warm_up(plan: SweepPlan) -> None:
    """Compile the numba kernels once here when the cache is cold, not in every worker."""
    if plan.engine != "fast" or jit.cache_is_warm():
        return
    print("wom: compiling the fast engine (numba, first use only; about 30 s)...",
          file=sys.stderr, flush=True)
    data = plan.scenario.model_dump(mode="json", exclude_none=True)
    scenario = _point_scenario(data, plan.points[0], plan.source, 0)
    run(scenario, steps=min(plan.steps, 1), replications=1)


def run_sweep(
    plan: SweepPlan,
    out: str | Path,
    *,
    workers: int | None = None,
    dask: bool = False,
    scheduler: str | None = None,
    resume: bool = False,
    threads: int | None = None,
    progress: bool = False,
    _fault: dict[str, Any] | None = None,
) -> SweepResult:
    """Run a planned sweep into ``out``, skipping points already finished there.

    Parameters
    ----------
    plan
        From :func:`plan_sweep`.
    out
        The output directory (created if needed; see the module docstring for its
        layout). If it holds the same sweep, finished points are skipped; if it holds
        another sweep, or other files, nothing is run.
    workers
        Parallel workers (default: the usable cores). ``1`` runs in this process with
        all numba threads; more use worker processes (or Dask workers) with one numba
        thread each.
    dask
        Start a Dask ``LocalCluster`` of ``workers`` single-threaded processes.
    scheduler
        Address of a running Dask scheduler (``tcp://HOST:PORT``); its workers need
        wom-sim installed and ``out`` on a shared file system.
    resume
        Require ``out`` to hold this sweep already (re-running without it resumes too).
    threads
        numba threads per worker (default: all cores with one worker, else 1 so that
        workers do not oversubscribe the cores). Results do not depend on it.
    progress
        Show a progress bar over points, with an ETA.
    _fault
        Testing hook: ``{"point": k, "stage": "start" or "writing", "action": "raise"
        or "exit", "marker": path}`` makes point k fail once (the marker file records
        that it did).

    Returns
    -------
    SweepResult

    Raises
    ------
    WomError
        Before running, for a bad directory, executor or a different sweep in ``out``.
    SweepError
        When a run fails (after Dask's retries); finished parts are kept.

    References
    ----------
    Herman, J. and Usher, W. (2017). SALib: an open-source Python library for
    sensitivity analysis. Journal of Open Source Software 2(9), 97.
    """
    if dask and scheduler:
        raise WomError("--dask and --scheduler: choose one executor")
    if scheduler is not None and workers is not None:
        raise WomError("--workers: with --scheduler the cluster's workers are used")
    if workers is not None and workers < 1:
        raise WomError(f"--workers: expected an integer >= 1, found {workers}")
    if threads is not None:
        try:
            jit.set_threads(threads)
        except ValueError as exc:
            raise WomError(f"--threads: {exc}") from None
    out = Path(out).resolve()
    manifest = plan.manifest
    if not (out / MANIFEST).exists():
        _prepare(out, manifest, resume, create=False)  # refuse before creating anything
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        _prepare(out, manifest, resume)
        parts = out / PARTS
        parts.mkdir(exist_ok=True)
        _clean_parts(parts)
        total = len(plan.points)
        finished = _finished(parts, total, plan.replications)
        todo = [k for k in range(total) if k not in finished]
        workers = _default_workers() if workers is None and scheduler is None else workers
        if scheduler is not None:
            executor = "dask"
        elif dask:
            executor = "dask-local"
        else:
            executor = "in-process" if workers == 1 or len(todo) <= 1 else "local"
        # One numba thread per worker when workers share the cores; all threads otherwise.
        if threads is None:
            alone = executor == "in-process" or (executor == "dask-local" and workers == 1)
            threads = None if alone else 1
        attrs = json.dumps(_provenance(manifest)).encode()
        kinds = tuple((p.key, p.kind) for p in plan.params)
        base = plan.scenario.model_dump(mode="json", exclude_none=True)
        tasks = [_PointTask(point=k, values=plan.points[k], kinds=kinds, base=base,
                            source=plan.source, replications=plan.replications,
                            seed=plan.seed, engine=plan.engine, threads=threads,
                            parts=str(parts), attrs=attrs, fault=_fault) for k in todo]
        if todo and executor in ("local", "dask-local"):
            _warm_up(plan)
        used = 1
        bar = tqdm(total=total, initial=len(finished), disable=not progress, unit="point",
                   desc="sweep", dynamic_ncols=True)
        t0 = time.perf_counter()
        track = _Tracker(bar)
        restarts = 0
        with bar:
            if not todo:
                pass
            elif executor == "in-process":
                _run_in_process(tasks, track, out, total, len(finished))
            elif executor == "local":
                used = min(int(workers or 1), len(todo))
                restarts = _run_local(tasks, used, track, out, total, len(finished))
            else:
                with _dask_client(scheduler, int(workers or 1)) as client:
                    if executor == "dask-local":
                        used = int(workers or 1)
                    else:
                        info = client.scheduler_info()
                        used = max(1, sum(w.get("nthreads", 1)
                                          for w in info.get("workers", {}).values()))
                    _run_dask(tasks, client, track, out, total, len(finished))
        elapsed = time.perf_counter() - t0
        _clean_parts(parts)
        missing = sorted(set(todo) - track.done)
        if missing or _finished(parts, total, plan.replications) != set(range(total)):
            raise SweepError(
                f"{out}: some parts are missing after the sweep (points "
                f"{', '.join(map(str, missing[:10])) or '?'}); with --scheduler the output "
                "directory must be on a file system shared with the workers")
    return SweepResult(out=out, sweep_id=plan.sweep_id, points=total, runs=plan.runs,
                       skipped_points=len(finished),
                       skipped_runs=len(finished) * plan.replications, executor=executor,
                       workers=used, elapsed=elapsed, simulate=track.simulate,
                       write=track.write, gaps=track.gaps(), simulate_cpu=track.simulate_cpu,
                       write_cpu=track.write_cpu, restarts=restarts)


# ---------------------------------------------------------------------------
# Loading and summarising
# ---------------------------------------------------------------------------


def load_sweep(out: str | Path) -> pd.DataFrame:
    """The tidy table of a sweep: every part, sorted by point, replication and step.

    Equivalent to ``pandas.read_parquet(out)`` (sorted, fresh index) with the sweep's
    provenance in ``frame.attrs`` (sweep id, scenario hash, design, params, seed,
    engine, wom-sim version).

    Raises
    ------
    WomError
        If ``out`` is not a sweep directory or holds no parts yet.
    """
    out = Path(out)
    manifest = read_manifest(out)
    parts = out / PARTS
    if not parts.is_dir() or not any(p.suffix == ".parquet" for p in parts.iterdir()):
        raise WomError(f"{out}: the sweep has no finished runs yet")
    frame = pd.read_parquet(parts)
    frame = frame.sort_values(["point", "replication", "step"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs = _provenance(manifest)
    return frame


def _param_columns(frame: pd.DataFrame) -> list[str]:
    keys = frame.attrs.get("params")
    if keys:
        return [k for k in keys if k in frame.columns]
    return [c for c in frame.columns if "." in c]


def metric_per_replication(frame: pd.DataFrame, metric: str,
                           at_step: int | None = None) -> pd.DataFrame:
    """One value of ``metric`` per (point, replication).

    A flow column (:data:`FLOW_COLUMNS`: profit, revenue, cost, new customers, ...) is
    summed over the steps after the first, up to ``at_step``; any other column (a
    state such as adopted, customers, clv, nps) is taken at ``at_step``. ``at_step``
    None means each replication's last step.

    Returns
    -------
    pandas.DataFrame
        Columns ``point``, the swept keys, ``replication`` and ``value``.
    """
    if metric not in frame.columns or metric in ("point", "replication", "step", "seed"):
        usable = [c for c in frame.columns
                  if c not in ("point", "replication", "step", "seed", "time")
                  and c not in _param_columns(frame)
                  and pd.api.types.is_numeric_dtype(frame[c])]
        raise WomError(f"--metric {metric}: not a result column; choose from "
                       f"{', '.join(usable)}")
    if not pd.api.types.is_numeric_dtype(frame[metric]):
        raise WomError(f"--metric {metric}: not a numeric column")
    if at_step is not None and at_step < 0:
        raise WomError(f"--at-step {at_step}: expected a step >= 0")
    keys = ["point", "replication"]
    params = _param_columns(frame)
    data = frame[[*keys, *params, "step", metric]]
    first = data.groupby(keys, sort=True)["step"].transform("min")
    if at_step is not None:
        if at_step > int(frame["step"].max()):
            raise WomError(f"--at-step {at_step}: the runs end at step "
                           f"{int(frame['step'].max())}")
        data = data[data["step"] <= at_step]
        first = first.loc[data.index]
    groups = data.groupby(keys, sort=True)
    if metric in FLOW_COLUMNS:
        later = data[data["step"] > first]
        value = later.groupby(keys, sort=True)[metric].sum(min_count=0)
        value = value.reindex(groups.size().index, fill_value=0.0)
    else:
        value = groups.tail(1).set_index(keys)[metric]
    table = groups[params].first() if params else groups.size().to_frame().iloc[:, :0]
    table = table.assign(value=value.astype(float)).reset_index()
    return table[["point", *params, "replication", "value"]]


def summarize_sweep(source: str | Path | pd.DataFrame, metric: str,
                    at_step: int | None = None) -> pd.DataFrame:
    """Per point: the mean of ``metric`` over replications with a t-based 95% CI.

    Parameters
    ----------
    source
        A sweep directory or its table (:func:`load_sweep`).
    metric
        A result column; its per-replication value is described in
        :func:`metric_per_replication` (the final value, or the total for flows).
    at_step
        Take the value at this step (flows: summed up to it); default the last step.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``point``, the swept keys, ``metric``, ``mean``, ``ci_low``,
        ``ci_high`` (``mean -/+ t(0.975, R-1) * sd / sqrt(R)``, scipy's t
        distribution), ``sd`` and ``replications`` (non-NaN values used). With one
        replication the interval is NaN.

    Examples
    --------
    >>> summarize_sweep("out/sweep", "adopted")  # doctest: +SKIP
    """
    frame = load_sweep(source) if isinstance(source, str | Path) else source
    per_rep = metric_per_replication(frame, metric, at_step)
    params = [c for c in per_rep.columns if c not in ("point", "replication", "value")]
    rows = []
    for point, block in per_rep.groupby("point", sort=True):
        row = {"point": point, **{k: block[k].iloc[0] for k in params}, "metric": metric}
        row.update(interval(block["value"].to_numpy()))
        rows.append(row)
    table = pd.DataFrame(rows)
    table["replications"] = table["replications"].astype(np.int64)
    return table


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


_EPILOG = """\
SPEC is a list (0.1,0.2,0.5; choices and booleans too: seeding.strategy=random,degree)
or an inclusive range start:stop:count (0:1:11 = 0, 0.1, ..., 1). lhs, sobol and morris
sample between the smallest and largest value of SPEC. Integer keys get integers.

Every point runs replications 0..R-1 with the same seed (common random numbers). Each
run is one Parquet part: DIR/parts/pPOINT_rREP.parquet; pandas.read_parquet(DIR) loads
them all. Re-running the same command into DIR resumes it.

examples:
  wom sweep scenarios/push.toml --param ads.frequency=1:5:5 --param ads.reach=0.1,0.3 \\
      --replications 10 --out out/fatigue
  wom sweep scenarios/engagement.toml --design sobol --samples 64 --replications 4 \\
      --param wom.beta=0.05:0.4:2 --param promotions.referral_reward=0:20:2 --out out/sobol
  wom sweep scenarios/bass.toml --param diffusion.q=0.2:0.6:9 --dask --workers 4 --out out/q
"""


def add_sweep_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sweep`` command to the ``wom`` sub-parsers; returns its parser."""
    p = subparsers.add_parser(
        "sweep", help="run a scenario over a grid, LHS, Sobol or Morris design of parameters",
        description="Run a scenario at every point of a parameter design, with replications,\n"
                    "into resumable Parquet parts under DIR.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--param", dest="params", action="append", required=True,
                   metavar="KEY=SPEC", help="a scenario key and its values; repeatable")
    p.add_argument("--design", choices=DESIGNS, default="grid",
                   help="grid: every combination (default); lhs: Latin hypercube of N points; "
                        "sobol: Saltelli design, N*(2D+2) points (N a power of 2); "
                        "morris: N trajectories, N*(D+1) points")
    p.add_argument("--samples", type=positive, metavar="N",
                   help="N of the lhs, sobol and morris designs")
    p.add_argument("--replications", type=positive, metavar="N",
                   help="replications per point (default: run.replications)")
    p.add_argument("--steps", type=nonnegative, metavar="N", help="steps (default: run.steps)")
    p.add_argument("--seed", type=nonnegative, metavar="N",
                   help="seed of every point and of the sampler (default: run.seed)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY=VALUE",
                   help="override a scenario key for every point (a TOML literal); "
                        "repeatable")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--engine", choices=("fast", "reference"), default="fast",
                   help="fast (numba, default) or reference (one Mesa agent per consumer)")
    p.add_argument("--workers", type=positive, metavar="N",
                   help="parallel workers (default: all cores; 1 runs in this process)")
    p.add_argument("--threads", type=positive, metavar="N",
                   help="numba threads per worker (default: all cores with --workers 1, "
                        "else 1)")
    executors = p.add_mutually_exclusive_group()
    executors.add_argument("--dask", action="store_true",
                           help="run on a Dask LocalCluster of --workers processes")
    executors.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                           help="run on the Dask cluster of this scheduler (workers need "
                                "wom-sim installed and DIR on a shared file system)")
    p.add_argument("--resume", action="store_true",
                   help="continue the sweep in DIR (an error if DIR holds none); re-running "
                        "the same command resumes as well")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _ms(seconds: float) -> str:
    return "n/a" if not math.isfinite(seconds) else f"{seconds * 1000:,.1f} ms"


def _share(part: float, whole: float) -> str:
    if not (math.isfinite(part) and math.isfinite(whole)) or whole <= 0:
        return "n/a"
    return f"{part / whole:.1%}"


def cmd_sweep(args: argparse.Namespace) -> int:
    """The ``wom sweep`` command: plan, run and print a summary; returns the exit code."""
    plan = plan_sweep(args.scenario, args.params, design=args.design, samples=args.samples,
                      replications=args.replications, steps=args.steps, seed=args.seed,
                      overrides=args.overrides, engine=args.engine)
    keys = ", ".join(p.key for p in plan.params)
    print(f"sweep         {plan.scenario.name or args.scenario}  (id {plan.sweep_id}, "
          f"design {plan.design}, params {keys})")
    print(f"plan          {len(plan.points):,} points x {plan.replications} replications = "
          f"{plan.runs:,} runs, {plan.steps} steps, seed {plan.seed}, engine {plan.engine}",
          flush=True)
    result = run_sweep(plan, args.out, workers=args.workers, dask=args.dask,
                       scheduler=args.scheduler, resume=args.resume, threads=args.threads,
                       progress=not args.quiet and sys.stderr.isatty())
    print(f"runs          {result.done_runs:,} run now, {result.skipped_runs:,} skipped "
          f"(already done: {result.skipped_points:,} points)")
    workers = f"{result.workers} worker{'s' if result.workers != 1 else ''}"
    restarts = f", {result.restarts} pool restarts" if result.restarts else ""
    print(f"executor      {result.executor}, {workers}{restarts}")
    print(f"time          {result.elapsed:.2f} s elapsed; simulation {result.simulate:.2f} s "
          f"and writing {result.write:.2f} s over all workers")
    if result.done_runs:
        print(f"per run       simulation {_ms(result.run_time)}; scheduling + writing "
              f"{_ms(result.overhead)} = {_share(result.overhead, result.run_time)} of it; "
              f"all overhead incl. start-up {_ms(result.total_overhead)} = "
              f"{_share(result.total_overhead, result.run_time)}")
    print(f"wrote         {result.out}  (pandas.read_parquet of it loads all {result.runs:,} "
          "runs)")
    return 0
