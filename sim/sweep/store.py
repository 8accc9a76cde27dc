"""The output directory of a sweep: manifest, atomic Parquet parts, locking, resume checks.

Layout of an output directory ``DIR``::

    DIR/_manifest.json                       what was run: written once, atomically
    DIR/_parts.jsonl                         size and SHA-256 of each part, as written
    DIR/parts/p000012_r0003.parquet          point 12, replication 3: one run
    DIR/_analysis/                           tables and plots of ``wom analyze``
    DIR/.lock                                held while a sweep writes to DIR

Parts are written to a hidden temporary file and renamed, so a part is either complete
or absent; leftover temporary files of a killed writer are deleted on the next run.

Each part's size and SHA-256 are taken from the bytes written and recorded in
``DIR/_parts.jsonl`` (one JSON line per part, appended by the sweep's process in one
write per point; the last record of a part counts, a torn last line is ignored). A
resumed sweep and :func:`sim.sweep.load_sweep` compare every part with its record, so
a part changed on disk after it was written (truncated, overwritten, bit rot) is found.
A part without a record (written by a version without records, or in the instant
between its rename and its record) is read in full as Parquet instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import WomError

__all__ = ["INDEX", "MANIFEST", "PARTS", "PART_NAME", "REPORT", "check_writable", "read_manifest"]

MANIFEST = "_manifest.json"
#: The record of every part written: ``{"part": name, "bytes": size, "sha256": hex}``.
INDEX = "_parts.jsonl"
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


class Record(NamedTuple):
    """A part as written: its file name, size in bytes and SHA-256 (hex)."""

    part: str
    size: int
    sha256: str


def record(name: str, data: bytes | memoryview) -> Record:
    """The record of a part named ``name`` whose bytes are ``data``."""
    return Record(name, len(data), hashlib.sha256(data).hexdigest())


def write_parts(frame: pd.DataFrame, parts: Path, point: int, values: Mapping[str, Any],
                kinds: tuple[tuple[str, str], ...], replications: int, attrs: bytes,
                written: Callable[[], None] | None = None) -> list[Record]:
    """One Parquet part per replication of one point's table; returns their records.

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
    records = []
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
        data = memoryview(sink.getvalue())
        name = PART_NAME.format(point=point, replication=r)
        write_atomic(parts / name, data)
        records.append(record(name, data))
        if r == 0 and written is not None:
            written()
    return records


def read_manifest(out: str | Path) -> dict[str, Any]:
    """The manifest of a sweep directory (WomError if there is none or it is unreadable)."""
    path = Path(out) / MANIFEST
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise WomError(f"{out}: not a sweep directory (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise WomError(f"{path}: cannot read the manifest: {exc}") from None


def clean_parts(parts: Path) -> int:
    """Delete leftover temporary files (from a killed writer); returns how many."""
    removed = 0
    if parts.is_dir():
        for entry in os.scandir(parts):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


def read_index(out: Path) -> dict[str, Record]:
    """The records of a sweep directory's parts (empty if it has none: an older sweep)."""
    try:
        text = (out / INDEX).read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise WomError(f"{out / INDEX}: cannot read the part records: {exc.strerror}") from None
    index = {}
    for line in text.splitlines():
        try:
            item = json.loads(line)
            index[item["part"]] = Record(item["part"], int(item["bytes"]), item["sha256"])
        except (ValueError, TypeError, KeyError):
            continue  # a torn last line (a killed sweep): that part is read in full
    return index


def _problem(data: bytes, known: Record | None) -> str | None:
    """Why ``data`` is not the part that was written (None: it is whole)."""
    if known is None:
        try:
            pq.read_table(pa.BufferReader(data))
        except (pa.ArrowException, OSError, ValueError):
            return "not a readable Parquet file"
        return None
    if len(data) != known.size:
        return f"{len(data):,} bytes, {known.size:,} when written"
    if hashlib.sha256(data).hexdigest() != known.sha256:
        return "its SHA-256 differs from the one recorded when it was written"
    return None


def examine(parts: Path, names: Iterable[str],
            index: Mapping[str, Record]) -> tuple[dict[str, Record], dict[str, str]]:
    """Compare parts with their records: (records of the whole parts, why each other
    part is corrupt). A part without a record must read as Parquet."""
    whole, corrupt = {}, {}
    for name in names:
        try:
            data = (parts / name).read_bytes()
        except OSError as exc:
            corrupt[name] = f"cannot be read ({exc.strerror or exc})"
            continue
        why = _problem(data, index.get(name))
        if why is None:
            whole[name] = index.get(name) or record(name, data)
        else:
            corrupt[name] = why
    return whole, corrupt


def describe(problems: Mapping[str, str], shown: int = 3) -> str:
    """``name (why), ...`` of the first ``shown`` problems and how many more."""
    text = "; ".join(f"{name} ({why})" for name, why in sorted(problems.items())[:shown])
    if len(problems) > shown:
        text += f"; and {len(problems) - shown:,} more"
    return text


@dataclass
class PartsCheck:
    """What a resumed sweep found in its parts folder (:func:`check_parts`).

    Attributes
    ----------
    finished
        Points whose parts are all there and whole.
    records
        Records of the whole parts.
    corrupt
        Why each corrupt part is (it was deleted, its point runs again).
    missing
        Parts recorded earlier that are no longer there.
    """

    finished: set[int]
    records: dict[str, Record]
    corrupt: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def check_parts(out: Path, points: int, replications: int) -> PartsCheck:
    """Check every finished part of a sweep against its record; delete corrupt ones."""
    parts = out / PARTS
    on_disk = {e.name for e in os.scandir(parts)} if parts.is_dir() else set()
    names = [[PART_NAME.format(point=k, replication=r) for r in range(replications)]
             for k in range(points)]
    index = read_index(out)
    whole, corrupt = examine(parts, [n for row in names for n in row if n in on_disk], index)
    for name in corrupt:
        (parts / name).unlink(missing_ok=True)
    missing = [n for row in names for n in row if n in index and n not in on_disk]
    finished = {k for k, row in enumerate(names) if all(n in whole for n in row)}
    return PartsCheck(finished, whole, corrupt, missing)


class PartIndex:
    """The part records of a sweep directory, kept by the sweep's process.

    Opening rewrites the file atomically with the records of the whole parts (dropping
    torn lines and records of deleted parts); :meth:`add` appends one point's records
    in a single write.
    """

    def __init__(self, out: Path, records: Mapping[str, Record]) -> None:
        self.records = dict(records)
        path = out / INDEX
        write_atomic(path, "".join(map(_line, self.records.values())).encode())
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def add(self, records: Iterable[Record]) -> None:
        """Record parts just written (after their rename)."""
        records = list(records)
        self.records.update((r.part, r) for r in records)
        os.write(self.fd, "".join(map(_line, records)).encode())

    def close(self) -> None:
        os.close(self.fd)


def _line(item: Record) -> str:
    return json.dumps({"part": item.part, "bytes": item.size, "sha256": item.sha256}) + "\n"


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


def check_writable(folder: Path, flag: str) -> None:
    """Refuse a directory this process cannot create or write in, before any work.

    The nearest existing folder on the way to ``folder`` must be a directory where a
    file can be created: an anonymous one is created there and dropped at once (an
    access check would pass, as root, for /proc, /sys or an immutable directory).
    Raises :class:`~sim.errors.WomError` naming ``flag`` and ``folder``.
    """
    if folder.exists() and not folder.is_dir():
        raise WomError(f"{flag} {folder}: exists and is not a directory")
    base = folder
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        raise WomError(f"{flag} {folder}: cannot create it: {base} is not a directory")
    try:
        with tempfile.TemporaryFile(dir=base):
            pass
    except OSError as exc:
        raise WomError(f"{flag} {folder}: cannot write in {base} "
                       f"({exc.strerror or exc})") from None


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

