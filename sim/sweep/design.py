"""Sweep designs (a grid, or SALib's Latin hypercube, Sobol'/Saltelli and Morris samples)
and the plan of a sweep: its points, run settings and manifest.

Integer keys get integer values: a grid range must land on whole numbers; LHS, Sobol'
and Morris values are rounded to the nearest integer (halves up), so the two end values
are drawn about half as often as inner ones. The unrounded SALib sample is kept in the
manifest (``design_matrix``).

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
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and
their Monte Carlo estimates. Mathematics and Computers in Simulation 55(1-3), 271-280.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..errors import ScenarioError, WomError
from ..experiment import with_run
from ..memory import check_memory
from ..results import package_version
from ..scenario import (
    Scenario,
    apply_overrides,
    load_scenario,
    scenario_from_dict,
)
from .params import Param, parse_param
from .store import FORMAT, IDENTITY, PART_NAME, PARTS, digest

__all__ = ["DESIGNS", "MORRIS_LEVELS", "SweepPlan", "plan_sweep", "point_scenario"]

#: Designs understood by :func:`plan_sweep`.
DESIGNS = ("grid", "lhs", "sobol", "morris")

#: Morris levels (SALib's default grid of 4 levels per factor).
MORRIS_LEVELS = 4


def _problem(params: Sequence[Param]) -> dict[str, Any]:
    """The SALib problem: one variable per parameter, bounds from its SPEC."""
    return {"num_vars": len(params), "names": [p.key for p in params],
            "bounds": [list(p.bounds) for p in params]}


def _sample(design: str, problem: dict[str, Any], samples: int, seed: int) -> np.ndarray:
    """The raw SALib sample, one row per point.

    ``lhs``: Latin hypercube (McKay et al. 1979); ``sobol``: Saltelli's extension of
    Sobol' sequences with second-order terms (Sobol' 2001; Saltelli 2002; Saltelli et
    al. 2010); ``morris``: Morris (1991) trajectories on :data:`MORRIS_LEVELS` levels.
    """
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


@dataclass
class SweepPlan:
    """Everything a sweep runs, validated; :attr:`manifest` is what ``_manifest.json`` holds.

    Build it with :func:`plan_sweep`; run it with :func:`sim.sweep.run_sweep`.
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
    #: Estimated bytes of each point's run (:func:`sim.memory.estimate`; 0 if unknown).
    needs: list[int] = field(repr=False)

    @property
    def runs(self) -> int:
        """Number of runs: points x replications."""
        return len(self.points) * self.replications

    @property
    def sweep_id(self) -> str:
        """The sweep's id: a hash of the manifest fields that define it."""
        return self.manifest["sweep_id"]


def _base(scenario: Scenario | str | Path, overrides: Sequence[str] | Mapping[str, Any] | None,
          ) -> tuple[Scenario, str, str | None, list[str] | dict[str, Any]]:
    """The base scenario with ``--set`` overrides: (scenario, source, file, overrides)."""
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
        return base, source, None, over
    return load_scenario(scenario, over), str(scenario), str(Path(scenario).resolve()), over


def _parsed(params: Sequence[str] | Mapping[str, Any], design: str) -> list[Param]:
    """Every ``KEY=SPEC`` parsed, each key once."""
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
    return parsed


def _manifest(base: Scenario, scenario_file: str | None, over: list[str] | dict[str, Any],
              parsed: list[Param], design: str, samples: int | None,
              design_out: tuple[list[dict[str, Any]], dict[str, Any] | None,
                                np.ndarray | None],
              entries: list[dict[str, Any]], engine: str) -> dict[str, Any]:
    """The manifest of a sweep (JSON-ready), with its id."""
    points, problem, matrix = design_out
    run = base.run
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
            "seed": run.seed, **({"calc_second_order": True} if design == "sobol" else {}),
            **({"num_levels": MORRIS_LEVELS} if design == "morris" else {})},
        "design_matrix": None if matrix is None else matrix.tolist(),
        "points": entries,
        "replications": run.replications,
        "seed": run.seed,
        "steps": run.steps,
        "engine": engine,
        "runs": len(points) * run.replications,
        "parts": f"{PARTS}/{PART_NAME}",
    }
    manifest = json.loads(json.dumps(manifest))
    manifest["sweep_id"] = digest({k: manifest[k] for k in IDENTITY})
    return manifest


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
        sample count, or any point whose scenario does not validate or whose run cannot
        fit in the memory available (:func:`sim.memory.check_memory`; the message names
        the point and its values).

    References
    ----------
    Herman and Usher (2017); McKay et al. (1979); Saltelli (2002); Saltelli et al.
    (2010); Sobol' (2001); Morris (1991). See the module docstring.
    """
    if design not in DESIGNS:
        raise WomError(f"--design: expected one of {', '.join(DESIGNS)}, found {design!r}")
    if engine not in ("fast", "reference"):
        raise WomError(f"--engine: expected 'fast' or 'reference', found {engine!r}")
    parsed = _parsed(params, design)
    base, source, scenario_file, over = _base(scenario, overrides)
    seed = base.run.seed if seed is None else seed
    steps = base.run.steps if steps is None else steps
    replications = base.run.replications if replications is None else replications
    for name, value, low in (("--seed", seed, 0), ("--steps", steps, 0),
                             ("--replications", replications, 1)):
        if not isinstance(value, int | np.integer) or value < low:
            raise WomError(f"{name}: expected an integer >= {low}, found {value!r}")
    base = with_run(base, seed=int(seed), steps=int(steps), replications=int(replications))
    data = base.model_dump(mode="json", exclude_none=True)
    design_out = _design_points(parsed, design, samples, int(seed))
    entries, needs = _entries(data, design_out[0], source, engine)
    manifest = _manifest(base, scenario_file, over, parsed, design, samples, design_out,
                         entries, engine)
    return SweepPlan(scenario=base, source=source, params=parsed, design=design,
                     points=design_out[0], replications=int(replications), seed=int(seed),
                     steps=int(steps), engine=engine, manifest=manifest, needs=needs)


def _entries(data: dict[str, Any], points: list[dict[str, Any]], source: str, engine: str
             ) -> tuple[list[dict[str, Any]], list[int]]:
    """The manifest's entry of each point (number, values, scenario hash), each point's
    scenario validated and checked to fit in memory (:func:`sim.memory.check_memory`),
    and the bytes each point's run is estimated to need."""
    entries, needs = [], []
    for k, values in enumerate(points):
        point = point_scenario(data, values, source, k)
        try:
            need = check_memory(point, engine)
        except WomError as exc:
            raise WomError(f"sweep point {k} ({_describe(values)}): {exc}") from None
        entries.append({"point": k, "values": values, "scenario_hash": point.digest()})
        needs.append(0 if need is None else need.total)
    return entries, needs


def _describe(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


def point_scenario(data: dict[str, Any], values: Mapping[str, Any], source: str,
                   point: int) -> Scenario:
    """The scenario of one point: the base with the point's values, validated.

    Parameters
    ----------
    data
        The base scenario as a JSON-ready dict.
    values
        The point's ``{key: value}``.
    source, point
        Where the base came from and the point's number, for error messages.

    Returns
    -------
    Scenario

    Raises
    ------
    WomError
        Naming the point and its values when its scenario does not validate.
    """
    try:
        return scenario_from_dict(apply_overrides(data, dict(values)), source=source,
                                  overridden=set(values))
    except ScenarioError as exc:
        message = str(exc)
        for key in values:
            message = message.replace(f"--set {key}", f"--param {key}")
        raise WomError(f"sweep point {point} ({_describe(values)}): {message}") from None
