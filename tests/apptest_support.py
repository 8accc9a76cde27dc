"""What the dashboard's AppTest modules share (tests/test_dashboard.py, test_pages.py):
the page folder and helpers that run and read a page. Their fresh disk cache for every
test is the ``disk_cache`` fixture of tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from .conftest import ROOT

PAGES = ROOT / "dashboard" / "views"
TIMEOUT = 180


def app_test(path: Path) -> AppTest:
    return AppTest.from_file(str(path), default_timeout=TIMEOUT)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def charts(at: AppTest) -> list:
    """Altair/Vega-Lite charts on the page (Streamlit 1.67 calls them vega_lite_chart)."""
    return [*at.get("vega_lite_chart"), *at.get("arrow_vega_lite_chart")]
