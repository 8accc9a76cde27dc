"""``python -m dashboard.serve ARGS``: ``streamlit ARGS`` with the dashboard's modules
already imported, as ``wom dashboard`` starts the server.

Streamlit imports a page's modules when the first visitor arrives; importing the compare
page here instead (sim, numba, Mesa, pandas, altair: several seconds on 2 busy cores)
does that work while the server starts, so the first visit only draws the page. With the
modules loaded, and when the fast engine is compiled (so the canary compiles nothing), a
thread then runs the canary that checks the shipped default results
(:func:`dashboard.warm.check_shipped`, about a second) while the server starts, so that
the first visit does not wait for the background job of ``wom dashboard`` to import them
all again. On a fresh install the canary compiles network kernels for some seconds: the
background job does that, in a process of its own.
"""

from __future__ import annotations

import threading

from streamlit.web import cli

import dashboard.compare  # noqa: F401 - imported before the first visit, see above
from dashboard import warm
from sim import jit

if __name__ == "__main__":
    if jit.cache_is_warm([jit.COMMERCE_KERNEL]):
        threading.Thread(target=warm.run, args=(warm.FIRST,), daemon=True,
                         name="wom-canary").start()
    cli.main(prog_name="streamlit")
