"""Prepare the dashboard's first views: ``python -m dashboard.warm [--ship]``.

``wom dashboard`` starts this (with ``--background``) next to the server. It first makes
sure of the canary that tells whether the results shipped in dashboard/precomputed/ match
the running model (:func:`dashboard.shipped.model_fingerprint`, kept in the disk cache;
when the fast engine is compiled the server computes it as it starts, see
:mod:`dashboard.serve`, and this job finds it on disk or waits for it), then goes on at
a lower priority (:data:`NICENESS`). Where they
match, the compare page's default comparison and the lesson's default results are read
from there; where they do not, they are computed into the disk cache, so that the first
visit finds them ready (a page opened meanwhile waits on the cache's lock and shows the
progress instead of computing them a second time; see :func:`dashboard.common.disk_cached`).
Last, if the fast engine's kernels are not compiled yet (a fresh install: the canary then
used the reference engine), it compiles them by running the canary with the fast engine,
so that the first **Run** does not wait for the compiler.

``--ship`` instead recomputes the default results and rewrites dashboard/precomputed/
(:func:`dashboard.shipped.ship`); run it whenever the golden results are regenerated.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable

import streamlit.logger


def check_shipped() -> None:
    """The canary of the running model (:func:`dashboard.shipped.model_fingerprint`)."""
    from dashboard import shipped

    shipped.model_fingerprint()


def warm_compare() -> None:
    """The compare page's default comparison (:func:`dashboard.compare.default_request`),
    unless it is shipped for this model."""
    from dashboard import compare, shipped

    request = compare.default_request()
    if not (shipped.offers_compare(request) and shipped.model_matches()):
        compare.run_scenarios(request)


def warm_lesson() -> None:
    """The lesson page's default results (:func:`dashboard.lesson.warm_lesson`), unless
    they are shipped for this model."""
    from dashboard import lesson, shipped

    if not (shipped.offers_lesson(lesson.default_request()) and shipped.model_matches()):
        lesson.warm_lesson()


def compile_engine() -> None:
    """Compile the fast engine's kernels if they are not yet (the canary with the fast
    engine), and check that it gives the reference engine's fingerprint."""
    from dashboard import shipped
    from sim import jit

    if jit.cache_is_warm([jit.COMMERCE_KERNEL]):
        return
    if shipped.canary_fingerprint("fast") != shipped.model_fingerprint():
        raise RuntimeError("the fast and the reference engine give different canary tables")


#: What a server start does first: the first page waits for it.
FIRST: tuple[Callable[[], None], ...] = (check_shipped,)
#: What it does then (at :data:`NICENESS` with ``--background``), in order.
THEN: tuple[Callable[[], None], ...] = (warm_compare, warm_lesson, compile_engine)
#: The niceness of :data:`THEN` with ``--background``: on a busy machine the server's own
#: work (drawing the first pages) goes first.
NICENESS = 10


def ship() -> int:
    """Rewrite dashboard/precomputed/ for the default requests; prints the files."""
    from dashboard import compare, lesson, shipped

    for path in shipped.ship(compare.default_request(), lesson.default_request()):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run every warmer (or ``--ship``); a failure is reported on stderr and ends with
    exit code 1 (the page then computes and shows the error itself)."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.warm", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--ship", action="store_true",
                        help="recompute the default results and rewrite dashboard/precomputed/")
    parser.add_argument("--background", action="store_true",
                        help=f"after the canary, continue at niceness {NICENESS} (as `wom "
                             "dashboard` starts it)")
    args = parser.parse_args(argv)
    streamlit.logger.get_logger("streamlit")  # configures streamlit's loggers first
    # The pages' modules cache with st.cache_data, which warns when it is imported without
    # a server; this process has none by design.
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    if args.ship:
        return ship()
    status = run(FIRST)
    if status == 0 and args.background:
        os.nice(NICENESS)
    return status or run(THEN)


def run(warmers: tuple[Callable[[], None], ...]) -> int:
    """Run ``warmers`` in order; the first failure is reported on stderr and gives 1."""
    for warmer in warmers:
        try:
            warmer()
        except Exception as exc:  # noqa: BLE001 - reported, the server keeps running
            print(f"wom dashboard: precomputing {warmer.__name__} failed: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
