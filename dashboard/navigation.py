"""The dashboard's pages, in sidebar order: "Compare scenarios" (the entry page, a
function) and then every file of dashboard/views/ in file-name order.

Streamlit names a page after its file unless :func:`streamlit.Page` gives a title; the
pages' titles are those of :data:`TITLES`, else the file name without its number
(``2_Network.py`` -> "Network"). A page file that is not there is simply not listed.

The folder is deliberately not called ``pages/``: beside the entry file, Streamlit would
take that name as an old-style multipage app and, on a page's URL opened first in a
fresh server, run the page file without :func:`streamlit.navigation` (the sidebar then
lists the entry page as "app").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from dashboard import compare

PAGES_DIR = Path(__file__).resolve().parent / "views"

#: The title of the first page (the entry page's function).
COMPARE_TITLE = "Compare scenarios"

#: Titles that a file name cannot spell.
TITLES = {"4_When_does_it_pay.py": "When does it pay?"}


def page_title(path: Path) -> str:
    """``TITLES[name]``, else the file name without number and extension, underscores as
    spaces (``1_Push_vs_engagement.py`` -> "Push vs engagement")."""
    if path.name in TITLES:
        return TITLES[path.name]
    return path.stem.partition("_")[2].replace("_", " ") if path.stem[:1].isdigit() \
        else path.stem.replace("_", " ")


def page_specs() -> list[tuple[Callable[[], None] | Path, str]]:
    """(source, title) of every page in sidebar order: the compare page's function,
    then the files of dashboard/views/."""
    files = sorted(PAGES_DIR.glob("*.py"))
    return [(compare.page, COMPARE_TITLE), *((path, page_title(path)) for path in files)]


def app_pages() -> list[st.Page]:
    """The pages for :func:`streamlit.navigation`: the compare page (the default, at the
    root URL) and the files of dashboard/views/."""
    specs = page_specs()
    return [st.Page(source, title=title, default=k == 0)
            for k, (source, title) in enumerate(specs)]
