"""Running a planned sweep: in this process, on a local process pool, or on Dask.

A point is one task (:mod:`sim.sweep.tasks`): its replications run as one batch, then
its parts are written (an unfinished point is rerun whole). Local pools
(:mod:`sim.sweep.pool`) fork their workers from a ``forkserver``; while it starts, this
process runs points itself. Each worker uses one numba thread; a pool broken by a dying
worker is replaced and the unfinished points rerun; workers exit as soon as this process
ends, however it ends. Dask tasks get ``retries=2`` and need the output directory on a
file system shared with the workers. Workers write their own parts and return only
counts, timings and the parts' records, which this process appends to the part index;
results never depend on the executor (counter-based random numbers).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import jit
from ..errors import WomError
from ..experiment import run
from ..memory import available_memory, size_text, workers_that_fit
from ..progress import progress_bar
from .design import SweepPlan, point_scenario
from .pool import LocalPool
from .store import (
    MANIFEST,
    PART_NAME,
    PARTS,
    PartIndex,
    PartsCheck,
    check_parts,
    check_writable,
    clean_parts,
    describe,
    locked,
    prepare,
    provenance,
)
from .tasks import PointDone, PointTask, SweepError, run_point

__all__ = ["SweepResult", "run_sweep"]


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
    repaired
        Parts found corrupt or missing when the sweep resumed, and run again.
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
    repaired: int = 0

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


class Tracker:
    """Collects results, records their parts and timings, drives the progress bar."""

    def __init__(self, bar: Any, index: PartIndex) -> None:
        self.bar = bar
        self.index = index
        self.simulate = 0.0
        self.write = 0.0
        self.simulate_cpu = 0.0
        self.write_cpu = 0.0
        self.spans: dict[str, list[tuple[float, float]]] = {}
        self.done: set[int] = set()

    def add(self, result: PointDone) -> None:
        self.index.add(result.records)
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


def _run_in_process(tasks: list[PointTask], track: Tracker, out: Path,
                    total: int, skipped: int) -> None:
    for task in tasks:
        try:
            track.add(run_point(task))
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            raise _fail(exc, task.point, skipped + len(track.done), total, out) from exc

def _run_dask(tasks: list[PointTask], client: Any, track: Tracker, out: Path,
              total: int, skipped: int) -> None:
    from distributed import as_completed

    futures = {client.submit(run_point, task, retries=2, pure=False): task.point
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
    jit.announce_compiles()
    data = plan.scenario.model_dump(mode="json", exclude_none=True)
    scenario = point_scenario(data, plan.points[0], plan.source, 0)
    run(scenario, steps=min(plan.steps, 1), replications=1)


def _check_options(workers: int | None, dask: bool, scheduler: str | None,
                   threads: int | None) -> None:
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


def _choose(workers: int | None, dask: bool, scheduler: str | None, todo: int,
            threads: int | None) -> tuple[str, int | None, int | None]:
    """(executor, workers, numba threads per worker) for ``todo`` points."""
    workers = _default_workers() if workers is None and scheduler is None else workers
    if scheduler is not None:
        executor = "dask"
    elif dask:
        executor = "dask-local"
    else:
        executor = "in-process" if workers == 1 or todo <= 1 else "local"
    # One numba thread per worker when workers share the cores; all threads otherwise.
    if threads is None:
        alone = executor == "in-process" or (executor == "dask-local" and workers == 1)
        threads = None if alone else 1
    return executor, workers, threads


def _executor(plan: SweepPlan, todo: list[int], workers: int | None, dask: bool,
              scheduler: str | None, threads: int | None
              ) -> tuple[str, int | None, int | None]:
    """:func:`_choose`, with fewer local workers when their points would not fit in
    memory side by side (:func:`_fitting`)."""
    executor, count, per_worker = _choose(workers, dask, scheduler, len(todo), threads)
    if executor in ("local", "dask-local") and count is not None and count > 1:
        fit = _fitting(plan, todo, count)
        if fit < count:
            return _choose(fit, dask, scheduler, len(todo), threads)
    return executor, count, per_worker


def _fitting(plan: SweepPlan, todo: list[int], workers: int) -> int:
    """``workers``, or fewer when that many of the largest points would not fit in the
    memory available at once (each point is checked alone when planned, which estimates
    :attr:`~sim.sweep.design.SweepPlan.needs`); says so."""
    needs = [plan.needs[k] for k in todo]
    free = available_memory()
    fit = workers_that_fit(needs, workers, free)
    if fit < workers:
        top = sorted(needs, reverse=True)[:workers]
        print(f"wom: sweep: {workers} workers could need {size_text(sum(top))} at once (a "
              f"point needs up to {size_text(top[0])}) but {size_text(free)} is available: "
              f"running {fit} at a time", file=sys.stderr, flush=True)
    return fit


def _tasks(plan: SweepPlan, todo: list[int], parts: Path, threads: int | None,
           fault: dict[str, Any] | None) -> list[PointTask]:
    attrs = json.dumps(provenance(plan.manifest)).encode()
    kinds = tuple((p.key, p.kind) for p in plan.params)
    base = plan.scenario.model_dump(mode="json", exclude_none=True)
    return [PointTask(point=k, values=plan.points[k], kinds=kinds, base=base,
                       source=plan.source, replications=plan.replications, seed=plan.seed,
                       engine=plan.engine, threads=threads, parts=str(parts), attrs=attrs,
                       fault=fault) for k in todo]


def _execute(executor: str, tasks: list[PointTask], workers: int | None,
             scheduler: str | None, track: Tracker, out: Path, total: int,
             skipped: int) -> tuple[int, int]:
    """Run the tasks on the chosen executor; returns (workers used, pool restarts)."""
    if not tasks:
        return 1, 0
    if executor == "in-process":
        _run_in_process(tasks, track, out, total, skipped)
        return 1, 0
    if executor == "local":
        used = min(int(workers or 1), len(tasks))

        def fail(exc: BaseException, point: int) -> SweepError:
            return _fail(exc, point, skipped + len(track.done), total, out)

        return used, LocalPool(tasks, used, track, fail).run(out, total, skipped)
    with _dask_client(scheduler, int(workers or 1)) as client:
        if executor == "dask-local":
            used = int(workers or 1)
        else:
            info = client.scheduler_info()
            used = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
        _run_dask(tasks, client, track, out, total, skipped)
    return used, 0


def _create(out: str | Path, plan: SweepPlan, resume: bool) -> Path:
    """Refuse a directory that cannot hold this sweep before anything is run or created
    (a different sweep, other files, no write permission); then create it."""
    check_writable(Path(out), "--out")
    out = Path(out).resolve()
    if not (out / MANIFEST).exists():
        prepare(out, plan.manifest, resume, create=False)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WomError(f"--out {out}: cannot create it: {exc.strerror or exc}") from None
    return out


def _report_repairs(check: PartsCheck) -> None:
    """Say which parts of finished runs were corrupt or missing (their points rerun)."""
    bad = {**check.corrupt, **dict.fromkeys(check.missing, "missing")}
    if bad:
        points = {name[1:name.index("_")] for name in bad}
        print(f"wom: resuming: {len(bad):,} part{'s' * (len(bad) != 1)} of finished runs "
              f"corrupt or missing, running {len(points):,} point{'s' * (len(points) != 1)} "
              f"again: {describe(bad)}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _open(out: Path, plan: SweepPlan,
          resume: bool) -> Iterator[tuple[Path, PartsCheck, PartIndex]]:
    """Create or check the directory (locked): the parts folder, the check of the parts
    already there, and the part index (open while the sweep runs)."""
    prepare(out, plan.manifest, resume)
    parts = out / PARTS
    parts.mkdir(exist_ok=True)
    clean_parts(parts)
    check = check_parts(out, len(plan.points), plan.replications)
    _report_repairs(check)
    index = PartIndex(out, check.records)
    try:
        yield parts, check, index
    finally:
        index.close()


def _check_complete(out: Path, parts: Path, missing: list[int], index: PartIndex, total: int,
                    replications: int) -> None:
    """After running: every part of every point must be there, with its record."""
    clean_parts(parts)
    on_disk = set(os.listdir(parts))
    lost = sorted({k for k in range(total) for r in range(replications)
                   if (name := PART_NAME.format(point=k, replication=r)) not in on_disk
                   or name not in index.records})
    if missing or lost:
        raise SweepError(
            f"{out}: some parts are missing after the sweep (points "
            f"{', '.join(map(str, (missing or lost)[:10]))}); with --scheduler the output "
            "directory must be on a file system shared with the workers")


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
        From :func:`sim.sweep.plan_sweep`.
    out
        The output directory (created if needed; see :mod:`sim.sweep.store` for its
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
        Testing hook: ``{"point": k, "stage": "start"|"writing", "action": "raise"|"exit",
        "marker": path}`` makes point k fail once (the marker records that it did).

    Returns
    -------
    SweepResult

    Raises
    ------
    WomError
        Before running: a directory that cannot be written, a bad executor, or another
        sweep in ``out``. A :class:`SweepError` when a run fails (after Dask's retries);
        parts are kept.
    """
    _check_options(workers, dask, scheduler, threads)
    out = _create(out, plan, resume)
    with locked(out), _open(out, plan, resume) as (parts, check, index):
        finished = check.finished
        total = len(plan.points)
        todo = [k for k in range(total) if k not in finished]
        executor, workers, per_worker = _executor(plan, todo, workers, dask, scheduler, threads)
        tasks = _tasks(plan, todo, parts, per_worker, _fault)
        if todo and executor in ("local", "dask-local"):
            _warm_up(plan)
        bar = progress_bar(total, initial=len(finished), enabled=progress, unit="point",
                           desc="sweep")
        t0 = time.perf_counter()
        track = Tracker(bar, index)
        with bar:
            used, restarts = _execute(executor, tasks, workers, scheduler, track, out, total,
                                      len(finished))
        elapsed = time.perf_counter() - t0
        _check_complete(out, parts, sorted(set(todo) - track.done), index, total,
                        plan.replications)
    return SweepResult(out=out, sweep_id=plan.sweep_id, points=total, runs=plan.runs,
                       skipped_points=len(finished),
                       skipped_runs=len(finished) * plan.replications, executor=executor,
                       workers=used, elapsed=elapsed, simulate=track.simulate,
                       write=track.write, gaps=track.gaps(), simulate_cpu=track.simulate_cpu,
                       write_cpu=track.write_cpu, restarts=restarts,
                       repaired=len(check.corrupt) + len(check.missing))
