"""Long computations of the dashboard: on worker threads, with a progress bar any page can
show.

A page hands its work to :func:`start` (a page that reruns meanwhile gets the same future
back, and one that is left keeps nothing waiting: the work finishes into the disk cache)
and shows it with :func:`wait`: a progress bar until the result is there, then the
result, or a message on failure. The work reports how far it is to a small file beside
its disk-cache entry (:func:`progress_path`, written by :func:`reporter`), so that a page
can also follow a computation under way in another process: the
``python -m dashboard.warm`` job that ``wom dashboard`` starts.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from dashboard import common
from sim.errors import WomError

T = TypeVar("T")

#: Seconds between two redraws of a progress bar.
POLL = 0.25

#: Two workers: a lesson computing does not hold up a comparison (and vice versa).
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="wom-dashboard")
_RUNNING: dict[Hashable, Future] = {}
_RUNNING_LOCK = threading.Lock()


def progress_path(name: str, key: Any) -> Path:
    """Where a computation of the disk-cache entry ``name``, ``key`` reports progress."""
    return common.cache_path(name, key).with_suffix(".progress")


def reporter(path: Path) -> Callable[[float, str], None]:
    """``report(share, text)``: writes the share done (0 to 1) and a text to ``path``,
    atomically; an unwritable cache only hides the bar."""
    def report(share: float, text: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
            part.write_text(f"{share:.6f} {text}")
            os.replace(part, path)
        except OSError:
            pass

    return report


def read_progress(path: Path) -> tuple[float, str] | None:
    """(share done, text) last reported to ``path`` by any process, or None when none
    has reported (or the computation is over)."""
    try:
        share, text = path.read_text().split(" ", 1)
        return float(share), text
    except (OSError, ValueError):
        return None


def reporting(path: Path, work: Callable[[Callable[[float, str], None]], T]) -> T:
    """``work(report)`` with ``report`` writing to ``path``; the file goes at the end."""
    try:
        return work(reporter(path))
    finally:
        path.unlink(missing_ok=True)


def start(key: Hashable, work: Callable[[], T]) -> Future:
    """``work()`` on a worker thread, once per ``key`` while it runs (a failed run is
    started again; finished ones are forgotten once another key starts)."""
    with _RUNNING_LOCK:
        for old in [k for k, f in _RUNNING.items() if f.done() and k != key]:
            del _RUNNING[old]
        future = _RUNNING.get(key)
        if future is None or (future.done() and future.exception() is not None):
            future = _POOL.submit(work)
            _RUNNING[key] = future
        return future


def wait(future: Future, path: Path, describe: Callable[[float, str], str],
         failure: str = "The run failed") -> Any:
    """The result of ``future``, with a progress bar while it runs (read from ``path``, in
    words by ``describe(share, text)``, with the seconds waited); an error is shown as a
    message (the :class:`WomError`'s own, else its type and text with ``failure``), never
    a traceback, and gives None."""
    bar, begun = None, time.monotonic()
    try:
        while True:
            try:
                return future.result(timeout=POLL)
            except FutureTimeout:
                share, text = read_progress(path) or (0.0, "")
                if bar is None:
                    bar = st.progress(0.0)
                elapsed = time.monotonic() - begun
                bar.progress(min(max(share, 0.0), 1.0),
                             text=f"{describe(share, text)} ({elapsed:.0f} s)")
                time.sleep(POLL)
    except WomError as exc:
        st.error(str(exc))
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        st.error(f"{failure}: {type(exc).__name__}: {exc}")
    finally:
        if bar is not None:
            bar.empty()
    return None
