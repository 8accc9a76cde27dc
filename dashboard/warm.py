"""Compute the dashboard's first views into the disk cache: ``python -m dashboard.warm``.

``wom dashboard`` starts this in the background next to the server, so that the first
visit of the compare page finds its default comparison ready and the lesson page its
frontier and fatigue curve (a page opened meanwhile waits on the cache's lock instead of
computing them a second time; see :func:`dashboard.common.disk_cached`). Runs that are
already cached cost nothing.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import streamlit.logger


def warm_compare() -> None:
    """The compare page's default comparison (:func:`dashboard.compare.default_request`)."""
    from dashboard import compare

    compare.run_scenarios(compare.default_request())


def warm_lesson() -> None:
    """The lesson page's default results (:func:`dashboard.lesson.warm_lesson`)."""
    from dashboard import lesson

    lesson.warm_lesson()


#: What a server start computes, in order.
WARMERS: tuple[Callable[[], None], ...] = (warm_compare, warm_lesson)


def main() -> int:
    """Run every warmer; a failure is reported on stderr and ends with exit code 1 (the
    page then computes and shows the error itself)."""
    streamlit.logger.get_logger("streamlit")  # configures streamlit's loggers first
    # The pages' modules cache with st.cache_data, which warns when it is imported without
    # a server; this process has none by design.
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    for warmer in WARMERS:
        try:
            warmer()
        except Exception as exc:  # noqa: BLE001 - reported, the server keeps running
            print(f"wom dashboard: precomputing {warmer.__name__} failed: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
