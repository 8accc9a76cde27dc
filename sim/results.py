"""Results of both engines: the tidy table, the column reporters, provenance, writing.

Both engines (:class:`sim.fast.WomModel` and :class:`sim.reference.ReferenceModel`)
build their tables here, so their tables have the same columns and dtypes; neither
engine imports the other.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from .errors import WomError
from .scenario import Scenario


def report_column(model: mesa.Model, name: str) -> np.ndarray:
    """One output column of the commerce model, per replication, for this week (the
    reference engine keeps the week's columns in ``model.latest``; the fast engine
    records the week's totals instead, see :func:`sim.fast.report_week`)."""
    return model.latest[name]


def column_reporters(names: Iterable[str]) -> dict[str, partial]:
    """Model reporters of the commerce model's columns, one per column (the reference
    engine's; partials pickle, lambdas don't)."""
    return {name: partial(report_column, name=name) for name in names}


def results_frame(
    replications: np.ndarray, columns: dict[str, np.ndarray], population: int,
    dt: float, seed: int,
) -> pd.DataFrame:
    """Assemble the tidy table from arrays of shape (steps + 1, replications).

    Shared by both engines so that their tables have the same columns and dtypes.
    """
    steps, reps = next(iter(columns.values())).shape
    step = np.tile(np.arange(steps, dtype=np.int64), reps)
    frame = pd.DataFrame({
        "replication": np.repeat(replications.astype(np.int64), steps),
        "step": step,
        "time": step * dt,
        "seed": np.full(steps * reps, seed, dtype=np.int64),
        "population": np.full(steps * reps, population, dtype=np.int64),
    })
    for name, values in columns.items():
        values = np.asarray(values)
        if values.dtype.kind in "biu":
            values = values.astype(np.int64)
        frame[name] = values.T.reshape(-1)
    return frame


def package_version() -> str:
    """The installed wom-sim version (``0+unknown`` when run from a source tree)."""
    try:
        return version("wom-sim")
    except PackageNotFoundError:
        return "0+unknown"


def metadata(scenario: Scenario, engine: str) -> dict[str, Any]:
    """Provenance recorded with every result: what was run, with which seed and version."""
    return {
        "scenario": scenario.model_dump(mode="json"),
        "scenario_name": scenario.name,
        "scenario_hash": scenario.digest(),
        "seed": scenario.run.seed,
        "engine": engine,
        "wom_sim_version": package_version(),
    }


def check_out(path: str | Path, flag: str = "--out",
              suffixes: tuple[str, ...] = (".parquet", ".csv")) -> Path:
    """Refuse an output file that cannot be written, before any work is done.

    Raises :class:`~sim.errors.WomError` naming ``flag`` (``--out``, ``--events``) for a
    name without one of ``suffixes`` (default ``.parquet`` or ``.csv``), a directory, or
    a place this process cannot write.
    """
    path = Path(path)
    names = " or ".join(suffixes)
    if path.suffix.lower() not in suffixes:
        raise WomError(f"{flag} {path}: expected a {names} file name")
    if path.is_dir():
        raise WomError(f"{flag} {path}: is a directory; give a {names} file name")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise WomError(f"{flag} {path}: cannot write in {folder}")
    if path.exists() and not os.access(path, os.W_OK):
        raise WomError(f"{flag} {path}: the file is not writable")
    return path


def write_table(frame: pd.DataFrame, path: str | Path, flag: str = "--out") -> Path:
    """Write a result table as Parquet or CSV (by extension), atomically.

    Parquet keeps ``frame.attrs`` in its metadata; CSV gets a ``<file>.json`` sidecar
    with the same provenance. A failed write leaves no temporary file and raises
    :class:`~sim.errors.WomError` naming ``flag``.
    """
    path = check_out(path, flag)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
            sidecar = path.with_name(path.name + ".json")
            sidecar.write_text(json.dumps(frame.attrs, indent=2) + "\n")
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise WomError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from None
    return path
