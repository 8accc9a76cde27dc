"""The output directory of a sweep: manifest, atomic Parquet parts, locking, resume checks.

Layout of an output directory ``DIR``::

    DIR/_manifest.json                       what was run: written once, atomically
    DIR/parts/p000012_r0003.parquet          point 12, replication 3: one run
    DIR/_analysis/                           tables and plots of ``wom analyze``
    DIR/.lock                                held while a sweep writes to DIR

Parts are written to a hidden temporary file and renamed, so a part is either complete
or absent; leftover temporary files of a killed writer are deleted on the next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import WomError

__all__ = ["MANIFEST", "PARTS", "PART_NAME", "REPORT", "read_manifest"]

MANIFEST = "_manifest.json"
PARTS = "parts"
#: Report folder of ``wom analyze`` (``_`` keeps it out of ``read_parquet(DIR)``).
REPORT = "_analysis"
LOCK = ".lock"
FORMAT = "wom-sim sweep 1"
PART_NAME = "p{point:06d}_r{replication:04d}.parquet"

#: Manifest fields that define a sweep (a re-run with the same identity resumes it).
IDENTITY = ("format", "wom_sim_version", "scenario", "params", "design", "samples",
            "problem", "sampler", "points", "replications", "seed", "steps", "engine")

_ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
                "choice": pa.string()}


def digest(data: Any) -> str:
    """A short SHA-256 of ``data`` as canonical JSON: the sweep id of the identity fields."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def write_atomic(path: Path, data: Any) -> None:
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


def write_parts(frame: pd.DataFrame, parts: Path, point: int, values: Mapping[str, Any],
                kinds: tuple[tuple[str, str], ...], replications: int, attrs: bytes,
                written: Callable[[], None] | None = None) -> int:
    """One Parquet part per replication of one point's table; returns the rows written.

    Parameters
    ----------
    frame
        The table of :func:`sim.run` for the point's replications.
    parts
        The ``parts`` folder of the sweep directory.
    point, values, kinds
        The point's number, its swept values and the (key, kind) pairs of the sweep:
        they become the leading columns ``point`` and one column per key.
    replications
        Replications of the point (every one must have rows).
    attrs
        The sweep's provenance as JSON, stored in each part's metadata.
    written
        Called after the first part is written (a testing hook of the executors).

    Notes
    -----
    Parts are Snappy-compressed without dictionaries, with statistics only for the
    leading columns (enough to skip files when filtering on them); statistics of all
    ~60 columns would add about a quarter to the writing time.
    """
    table = _arrow(frame)
    names = table.column_names
    reps = frame["replication"].to_numpy()
    lead_names = ["point", *(key for key, _ in kinds)]
    metadata = {b"wom_sim": attrs, b"PANDAS_ATTRS": attrs}
    for r in range(replications):
        rows = np.flatnonzero(reps == r)
        if rows.size == 0:
            raise RuntimeError(f"point {point}: replication {r} has no rows")
        if rows[-1] - rows[0] + 1 == rows.size:
            part = table.slice(int(rows[0]), int(rows.size))
        else:
            part = table.take(rows)
        n = part.num_rows
        lead = [pa.array(np.full(n, point, dtype=np.int64))]
        lead += [pa.array([values[key]] * n, type=_ARROW_TYPES[kind]) for key, kind in kinds]
        part = pa.Table.from_arrays([*lead, *part.columns], names=[*lead_names, *names])
        part = part.replace_schema_metadata(metadata)
        sink = pa.BufferOutputStream()
        pq.write_table(part, sink, compression="snappy", use_dictionary=False,
                       write_statistics=lead_names)
        write_atomic(parts / PART_NAME.format(point=point, replication=r),
                     memoryview(sink.getvalue()))
        if r == 0 and written is not None:
            written()
    return len(frame)


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


def clean_parts(parts: Path) -> int:
    """Delete leftover temporary files (from a killed writer); returns how many."""
    removed = 0
    if parts.is_dir():
        for entry in os.scandir(parts):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


def finished_points(parts: Path, points: int, replications: int) -> set[int]:
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
def locked(out: Path) -> Iterator[None]:
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


def prepare(out: Path, manifest: dict[str, Any], resume: bool, create: bool = True) -> bool:
    """Create ``out`` and its manifest, or check that it holds this sweep.

    Returns whether an existing sweep is continued; ``create=False`` only checks.
    """
    if out.exists() and not out.is_dir():
        raise WomError(f"--out {out}: exists and is not a directory")
    path = out / MANIFEST
    if path.exists():
        old = read_manifest(out)
        if old.get("sweep_id") != manifest["sweep_id"]:
            differ = [k for k in IDENTITY if old.get(k) != manifest.get(k)]
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
    write_atomic(path, (json.dumps(manifest, indent=1) + "\n").encode())
    return False


def provenance(manifest: Mapping[str, Any]) -> dict[str, Any]:
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

