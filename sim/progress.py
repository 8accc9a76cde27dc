"""Progress of long commands: a live tqdm bar on a terminal, a line now and then otherwise.

``wom run``, ``compare``, ``sweep``, ``robustness`` and ``validate`` report progress on
stderr through :func:`progress_bar`. On a terminal it is tqdm's bar. Without one (a log
file, a pipe, a batch job) a redrawn bar would be one endless line of carriage returns,
so it prints a short line instead, at most every :data:`INTERVAL` seconds and not at all
for work that ends sooner::

    run push: 40/104 steps, 00:20 elapsed, ETA 00:31

The interval can be changed with the environment variable ``WOM_PROGRESS_INTERVAL``
(seconds, e.g. ``0`` to print every update); ``--quiet`` silences both forms.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from typing import Any, TextIO

from tqdm import tqdm
from tqdm.auto import tqdm as terminal_tqdm

from .errors import WomError

#: Seconds between two progress lines without a terminal (and before the first).
INTERVAL = 10.0
#: The environment variable that overrides :data:`INTERVAL`.
INTERVAL_VARIABLE = "WOM_PROGRESS_INTERVAL"
#: A progress line without a terminal.
LINE_FORMAT = "{desc}: {n_fmt}/{total_fmt} {unit}s, {elapsed} elapsed, ETA {remaining}"


class _Lines:
    """A text stream for tqdm without a terminal: each redraw becomes one line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = ""

    def write(self, text: str) -> None:
        """Write a redraw (``"\\r" + bar``) as a line; drop bare returns and newlines, and
        a line equal to the last (the final redraw when the bar closes)."""
        line = text.replace("\r", "").rstrip()
        if line and line != self.last:
            self.stream.write(line + "\n")
            self.last = line

    def flush(self) -> None:
        """Flush the underlying stream."""
        self.stream.flush()


class _LineBar(tqdm):
    """tqdm without a terminal: a line at most every ``mininterval`` seconds, also while
    one unit of work (a sweep point, a part of ``wom validate``) lasts longer, and a last
    line at the end once any was written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._closed = threading.Event()
        if self.mininterval > 0:
            threading.Thread(target=self._tick, daemon=True, name="wom-progress").start()

    def _tick(self) -> None:
        """Redraw when a line is due and no update has drawn one."""
        while not self._closed.wait(min(self.mininterval, 1.0)):
            with self._lock:
                now = self._time()
                if not self.disable and now - self.last_print_t >= self.mininterval:
                    self.refresh(nolock=True)
                    self.last_print_t, self.last_print_n = now, self.n

    def close(self) -> None:
        """Stop the timer, then close as tqdm does."""
        self._closed.set()
        super().close()


def interval() -> float:
    """Seconds between progress lines: ``$WOM_PROGRESS_INTERVAL``, else :data:`INTERVAL`.

    Raises
    ------
    WomError
        If the variable is not a number of seconds >= 0.
    """
    text = os.environ.get(INTERVAL_VARIABLE)
    if text is None:
        return INTERVAL
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise WomError(f"{INTERVAL_VARIABLE}: expected a number of seconds >= 0, found {text!r}")
    return value


def progress_bar(total: int, *, desc: str, unit: str, enabled: bool = True, initial: int = 0,
                 stream: TextIO | None = None) -> tqdm:
    """A tqdm progress bar for ``total`` units of work, fit for where it is shown.

    Parameters
    ----------
    total
        Units of work (steps, points, parts).
    desc, unit
        What is done (``"run push"``) and the name of one unit (``"step"``).
    enabled
        False gives a silent bar (``--quiet``; the Python API's default).
    initial
        Units already done (a resumed sweep).
    stream
        Where to write (default ``sys.stderr``): a terminal gets tqdm's live bar; any
        other stream a line every :func:`interval` seconds, none for shorter work.

    Returns
    -------
    tqdm.tqdm
        Use it as a context manager and call ``update``.
    """
    stream = sys.stderr if stream is None else stream
    if not enabled:
        return tqdm(total=total, initial=initial, disable=True)
    if stream.isatty():
        return terminal_tqdm(total=total, initial=initial, desc=desc, unit=unit, file=stream,
                             dynamic_ncols=True)
    every = interval()
    return _LineBar(total=total, initial=initial, desc=desc, unit=unit, file=_Lines(stream),
                    mininterval=every, delay=every, ascii=True, bar_format=LINE_FORMAT)
