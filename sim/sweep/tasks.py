"""What a worker does for one point of a sweep, and how it notices that the sweep ended.

A point is one task (:class:`PointTask`): its replications run as one batch, then its
parts are written and their records (size and SHA-256) returned in a
:class:`PointDone`, never the table. :func:`run_point` is module-level so that worker
processes and Dask workers import it by name.

Worker processes of the local pool call :func:`watch_sweep` when they start: a thread
waits on the read end of a pipe whose write end only the sweep's process holds. When
that process ends, even by SIGKILL, the pipe reports end-of-file; when it stops on an
error or an interrupt it closes its end. Either way the worker exits at once, in the
middle of a point if need be, and writes no more parts (a half-written temporary file
is deleted by the next run).
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ..errors import WomError
from ..experiment import run
from .design import point_scenario
from .store import Record, write_parts

__all__ = ["PointDone", "PointTask", "SweepError", "run_point", "watch_sweep"]

#: Exit code of a worker whose sweep ended (its process died, stopped or was interrupted).
ORPHANED = 75


class SweepError(WomError):
    """A sweep could not finish (a run failed); finished parts are kept for ``--resume``."""


@dataclass(frozen=True)
class PointTask:
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
class PointDone:
    """What a worker returns: counts, timings and the records of its parts."""

    point: int
    rows: int
    simulate: float
    write: float
    started: float
    ended: float
    worker: str
    simulate_cpu: float = 0.0
    write_cpu: float = 0.0
    records: tuple[Record, ...] = ()


def _inject(task: PointTask, stage: str) -> None:
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


def run_point(task: PointTask) -> PointDone:
    """Run all replications of one point in one batch and write their parts."""
    started = time.time()
    t0, c0 = time.perf_counter(), time.process_time()
    _inject(task, "start")
    scenario = point_scenario(task.base, task.values, task.source, task.point)
    frame = run(scenario, seed=task.seed, replications=task.replications, engine=task.engine,
                threads=task.threads)
    t1, c1 = time.perf_counter(), time.process_time()
    records = write_parts(frame, Path(task.parts), task.point, task.values, task.kinds,
                          task.replications, task.attrs, lambda: _inject(task, "writing"))
    t2, c2 = time.perf_counter(), time.process_time()
    return PointDone(task.point, len(frame), t1 - t0, t2 - t1, started, time.time(),
                     f"{socket.gethostname()}:{os.getpid()}", c1 - c0, c2 - c1,
                     tuple(records))


def _exit_when_readable(sweep: Connection) -> None:
    wait([sweep])
    os._exit(ORPHANED)


def watch_sweep(sweep: Connection) -> None:
    """Initializer of a local worker: exit as soon as ``sweep`` is readable.

    ``sweep`` is the read end of a pipe whose write end only the sweep's process holds:
    it becomes readable (end-of-file) when that process dies or closes it.
    """
    threading.Thread(target=_exit_when_readable, args=(sweep,), name="wom-sweep-watch",
                     daemon=True).start()
