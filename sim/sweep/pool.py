"""The local executor of sweeps: a pool of worker processes that is replaced if it breaks.

The pool uses the ``forkserver`` start method: a clean server imports wom-sim once and
forks the workers (fast, and safe after numba has started its threads). Workers exit as
soon as the sweep's process ends, however it ends, or stops on an error or an interrupt
(:func:`sim.sweep.tasks.watch_sweep`), so a killed sweep leaves no process behind.
"""

from __future__ import annotations

import collections
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from .store import PARTS, clean_parts
from .tasks import PointDone, PointTask, SweepError, run_point, watch_sweep

if TYPE_CHECKING:
    from .executors import Tracker

__all__ = ["LocalPool"]

# How often a broken local pool (a worker process died) is replaced before giving up.
_MAX_POOL_RESTARTS = 3


def _forkserver() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sim.sweep"])
    return ctx


class LocalPool:
    """Runs tasks on a process pool; a broken pool (a worker died) is replaced.

    Starting a pool blocks while the fork server imports wom-sim (a few seconds), so the
    first submissions are made from a thread and this process runs points itself
    meanwhile, on the core the fork server leaves idle. Afterwards it only schedules,
    keeping two points per worker in flight. Workers watch the read end of a pipe whose
    write end only this process holds (:func:`~sim.sweep.tasks.watch_sweep`): it is
    closed when the run stops on an error or an interrupt, and by the system when this
    process dies, and the workers exit at once.
    """

    def __init__(self, tasks: list[PointTask], workers: int, track: Tracker,
                 fail: Callable[[BaseException, int], SweepError]) -> None:
        self.ctx = _forkserver()
        self.queue = collections.deque(tasks)
        self.lock = threading.Lock()
        self.workers = workers
        self.track = track
        self.fail = fail
        self.watch, self.alive = self.ctx.Pipe(duplex=False)

    def run(self, out: Path, total: int, skipped: int) -> int:
        """Run every task; returns how often a broken pool was replaced."""
        restarts = 0
        try:
            while self.queue:
                broken, in_flight = self._round()
                if not broken:
                    continue
                for future, task in in_flight.items():
                    if future.done() and not future.cancelled() and future.exception() is None:
                        self.track.add(future.result())
                    else:
                        self.queue.appendleft(task)
                restarts += 1
                clean_parts(out / PARTS)
                if restarts > _MAX_POOL_RESTARTS:
                    raise SweepError(
                        f"worker processes died {restarts} times; "
                        f"{skipped + len(self.track.done)} of {total} points are saved in "
                        f"{out}: rerun the command to resume")
        finally:
            self.alive.close()
            self.watch.close()
        return restarts

    def _take(self) -> PointTask | None:
        with self.lock:
            return self.queue.popleft() if self.queue else None

    def _round(self) -> tuple[bool, dict[Future[PointDone], PointTask]]:
        """One pool's life: (whether it broke, the tasks still in flight then)."""
        size = min(self.workers, len(self.queue))
        pool = ProcessPoolExecutor(max_workers=size, mp_context=self.ctx,
                                   initializer=watch_sweep, initargs=(self.watch,))
        in_flight: dict[Future[PointDone], PointTask] = {}
        first = [self.queue.popleft() for _ in range(size)]
        state = {"broken": False}
        ready = threading.Event()
        feeder = threading.Thread(target=self._feed, args=(pool, first, in_flight, state,
                                                           ready),
                                  name="wom-sweep-feeder", daemon=True)
        feeder.start()
        try:
            while not ready.is_set():
                task = self._take()
                if task is None:
                    break
                try:
                    self.track.add(run_point(task))
                except Exception as exc:
                    raise self.fail(exc, task.point) from exc
            feeder.join()
            self._drain(pool, size, in_flight, state)
        except BaseException:
            self.alive.close()  # the workers stop now, without finishing their points
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            feeder.join()
        return state["broken"], in_flight

    def _feed(self, pool: ProcessPoolExecutor, first: list[PointTask],
              in_flight: dict[Future[PointDone], PointTask], state: dict[str, bool],
              ready: threading.Event) -> None:
        """Submit the first tasks (blocks while the fork server starts)."""
        try:
            for k, task in enumerate(first):
                try:
                    future = pool.submit(run_point, task)
                except BrokenProcessPool:
                    with self.lock:
                        self.queue.extendleft(reversed(first[k:]))
                    state["broken"] = True
                    return
                with self.lock:
                    in_flight[future] = task
        finally:
            ready.set()

    def _drain(self, pool: ProcessPoolExecutor, size: int,
               in_flight: dict[Future[PointDone], PointTask], state: dict[str, bool]) -> None:
        """Keep 2 tasks per worker in flight and collect results until done or broken."""
        while True:
            with self.lock:
                while self.queue and len(in_flight) < 2 * size and not state["broken"]:
                    task = self.queue.popleft()
                    try:
                        in_flight[pool.submit(run_point, task)] = task
                    except BrokenProcessPool:
                        self.queue.appendleft(task)
                        state["broken"] = True
            if not in_flight:
                return
            finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in finished:
                task = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    state["broken"] = True
                    self.queue.appendleft(task)
                    continue
                except Exception as exc:
                    raise self.fail(exc, task.point) from exc
                self.track.add(result)
            if state["broken"]:
                return
