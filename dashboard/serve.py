"""``python -m dashboard.serve ARGS``: ``streamlit ARGS`` with the dashboard's modules
already imported, as ``wom dashboard`` starts the server.

Streamlit imports a page's modules when the first visitor arrives; importing the compare
page here instead (sim, numba, Mesa, pandas, altair: several seconds on 2 busy cores)
does that work while the server starts, so the first visit only draws the page.
"""

from __future__ import annotations

from streamlit.web import cli

import dashboard.compare  # noqa: F401 - imported before the first visit, see above

if __name__ == "__main__":
    cli.main(prog_name="streamlit")
