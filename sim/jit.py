"""numba set-up: where compiled kernels are cached, how many threads they use.

Nothing happens at import. :func:`configure` is called once by ``sim/__init__.py``
before any kernel module is imported: numba fixes the cache location of a
``@njit(cache=True)`` function when the function is decorated, so the directory must
be chosen first.
"""

from __future__ import annotations

import os
from pathlib import Path

import numba


def cache_dir() -> Path:
    """The kernel cache: ``$NUMBA_CACHE_DIR`` if set, else ``<user cache>/wom-sim/numba``."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "wom-sim" / "numba"


def configure() -> Path:
    """Point numba's cache at :func:`cache_dir` (before any kernel is decorated).

    Returns the directory. numba re-reads ``NUMBA_CACHE_DIR`` when it compiles, so the
    environment variable is set as well as numba's configuration.

    Also lets idle OpenMP threads sleep (``OMP_WAIT_POLICY=PASSIVE`` unless set; read
    when numba loads its OpenMP layer, at the first parallel kernel): spinning threads
    between a week's short kernels cost 1.5-4x in wall time on a shared machine.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    path = cache_dir()
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    numba.config.CACHE_DIR = str(path)
    return path


def set_threads(threads: int | None) -> None:
    """Use ``threads`` numba threads (None: all); raises ValueError when out of range."""
    limit = numba.config.NUMBA_NUM_THREADS
    if threads is None:
        numba.set_num_threads(limit)
        return
    if not 1 <= threads <= limit:
        raise ValueError(f"threads must be between 1 and {limit}, found {threads}")
    numba.set_num_threads(threads)


def cache_is_warm() -> bool:
    """Whether compiled kernels are already in numba's cache (else the first call compiles).

    The kernels live in ``sim/presets/kernel.py`` and ``sim/commerce/kernel.py``; numba
    names their cache files ``kernel.<function>-<line>.py<version>.nbi``.
    """
    cache = Path(numba.config.CACHE_DIR or "")
    return cache.is_dir() and any(cache.rglob("kernel.*.nbi"))
