"""numba set-up: where compiled kernels are cached, how many threads they use, and the
notice printed when kernels compile.

Nothing happens at import. :func:`configure` is called once by ``sim/__init__.py``
before any kernel module is imported: numba fixes the cache location of a
``@njit(cache=True)`` function when the function is decorated, so the directory must
be chosen first.

The cache belongs to one checkout (or install): ``<user cache>/wom-sim/numba/<key>``,
``key`` a hash of the package's directory and version (:func:`checkout_key`), so kernels
compiled by another checkout of another version are neither used nor mistaken for this
one's. Inside it numba keeps one folder per source folder, named after the folder and
a hash of its path, with an index file (``.nbi``) per compiled function; an index whose
source file has changed since is stale and numba compiles again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO

import numba
from numba.core import event
from numba.extending import register_jitable

PACKAGE = Path(__file__).resolve().parent
#: The kernels of the classic presets' runs and of the commerce model's.
PRESETS_KERNEL = PACKAGE / "presets" / "kernel.py"
COMMERCE_KERNEL = PACKAGE / "commerce" / "kernel.py"
#: The files whose kernels every run calls: the classic presets' and the commerce model's.
KERNEL_FILES = (PRESETS_KERNEL, COMMERCE_KERNEL)
#: Printed (once per process) when numba starts compiling a kernel.
COMPILE_NOTICE = ("wom: compiling numba kernels, once per install (about 30 s on 2 cores); "
                  "later runs load them from {cache}")


def checkout_key() -> str:
    """16 hex digits naming this checkout's cache: a hash of the package directory and
    the installed version (``0+unknown`` when run from a source tree)."""
    try:
        installed = version("wom-sim")
    except PackageNotFoundError:
        installed = "0+unknown"
    return hashlib.sha1(f"{PACKAGE}\n{installed}".encode()).hexdigest()[:16]


def cache_dir() -> Path:
    """The kernel cache: ``$NUMBA_CACHE_DIR`` if set, else
    ``<user cache>/wom-sim/numba/<checkout key>`` (see :func:`checkout_key`)."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen:
        return Path(chosen)
    user = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return user / "wom-sim" / "numba" / checkout_key()


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


#: Consumers per job of a kernel's parallel loop over (replication, consumer) pairs: a
#: job is a run of consumers of one replication, so the loop divides once per job rather
#: than once per consumer to tell the replication from the consumer.
BLOCK = 1024


@register_jitable(inline="always")
def blocks(n: int) -> int:
    """Jobs per replication of ``n`` consumers (:data:`BLOCK` consumers each)."""
    return (n + BLOCK - 1) // BLOCK


@register_jitable(inline="always")
def block(job: int, per_replication: int, n: int) -> tuple[int, int, int]:
    """Job ``job`` of a loop over ``per_replication`` jobs per replication of ``n``
    consumers: (replication, first consumer, consumer after the last)."""
    r = job // per_replication
    lo = (job - r * per_replication) * BLOCK
    return r, lo, min(n, lo + BLOCK)


def set_threads(threads: int | None) -> None:
    """Use ``threads`` numba threads (None: all); raises ValueError when out of range."""
    limit = numba.config.NUMBA_NUM_THREADS
    if threads is None:
        numba.set_num_threads(limit)
        return
    if not 1 <= threads <= limit:
        raise ValueError(f"threads must be between 1 and {limit}, found {threads}")
    numba.set_num_threads(threads)


@contextmanager
def serial_when(small: bool) -> Iterator[None]:
    """Run the enclosed kernels on one thread when ``small`` (their work would not pay
    for starting and joining the other threads), then restore the thread count."""
    if not small:
        yield
        return
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(threads)


def index_folder(source: Path) -> Path:
    """Where numba keeps the index files of the kernels defined in ``source``: a folder
    of the cache named after the source's folder and the SHA-1 of its path."""
    folder = source.parent
    digest = hashlib.sha1(str(folder).encode()).hexdigest()
    return Path(numba.config.CACHE_DIR or cache_dir()) / f"{folder.name}_{digest}"


def cache_is_warm(sources: Iterable[Path] = KERNEL_FILES) -> bool:
    """Whether this checkout's kernels are already compiled (else the first run compiles).

    Cheap: it looks for numba's index files of the kernel files ``sources`` (default:
    :data:`KERNEL_FILES`, all) in this checkout's cache, without loading anything. It
    does not notice an index made stale by an edit of the kernel's source;
    :func:`announce_compiles` does, when numba compiles.
    """
    return all(any(index_folder(source).glob(f"{source.stem}.*.nbi"))
               for source in sources)


class _CompileNotice(event.Listener):
    """Prints :data:`COMPILE_NOTICE` at the first compilation numba starts."""

    def __init__(self) -> None:
        self.stream: TextIO | None = None  # None: sys.stderr as it is when printing
        self.shown = False

    def on_start(self, _event: event.Event) -> None:
        if not self.shown:
            self.shown = True
            print(COMPILE_NOTICE.format(cache=numba.config.CACHE_DIR),
                  file=self.stream or sys.stderr, flush=True)

    def on_end(self, _event: event.Event) -> None:
        """Nothing to do when a compilation ends."""


@functools.cache
def _compile_notice() -> _CompileNotice:
    """The process's one listener, registered with numba on first use."""
    notice = _CompileNotice()
    event.register("numba:compile", notice)
    return notice


def announce_compiles(stream: TextIO | None = None) -> None:
    """Print a notice on ``stream`` (default: stderr as it is then) when, and only when,
    numba compiles.

    numba announces a compilation only on a cache miss (a kernel loaded from the cache
    is not compiled), so the notice appears on the command that pays for it, at the
    moment it starts, and at most once per process.
    """
    _compile_notice().stream = stream
