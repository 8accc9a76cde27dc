"""The dashboard in a real browser: streamlit on a free localhost port, driven by
Playwright on Debian's Chromium (``apt-get install chromium``).

Set ``WOM_UPDATE_SCREENSHOT=1`` to also copy the screenshot to docs/img/dashboard.png
(it then runs the calibrated market: 10,000 consumers, 104 weeks, 5 replications).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import sim
from dashboard import common, compare, style

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
UPDATE_DOCS = os.environ.get("WOM_UPDATE_SCREENSHOT") == "1"
SETTINGS = ({"Consumers": 10_000, "Horizon (weeks)": 104, "Replications": 5} if UPDATE_DOCS
            else {"Consumers": 1_000, "Horizon (weeks)": 52, "Replications": 3})

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium "
           "(apt-get install chromium); the real-browser test needs it")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path,
                       timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer within {timeout} s:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The dashboard served by `streamlit run` on a free port; always stopped."""
    port = free_port()
    log = tmp_path / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", str(APP),
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]
    with log.open("w") as out:
        env = {**os.environ, common.CACHE_ENV: str(tmp_path / "cache")}
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def expected_values() -> list[str]:
    """The KPI card values for the browser's settings, computed with sim.compare."""
    overrides = {"population.size": SETTINGS["Consumers"],
                 "run.steps": SETTINGS["Horizon (weeks)"],
                 "run.replications": SETTINGS["Replications"], "run.seed": 1}
    scenarios = [sim.load_scenario(ROOT / "scenarios" / f"{name}.toml", overrides)
                 for name in ("push", "engagement")]
    _, kpis = sim.compare(scenarios, seed=1, replications=SETTINGS["Replications"],
                          labels=["push", "engagement"])
    values = []
    for label in ("push", "engagement"):
        for kpi in compare.KPI_CARDS:
            row = kpis[(kpis["kpi"] == kpi) & (kpis["scenario"] == label)].iloc[0]
            values.append(style.format_kpi(kpi, row["mean"]))
    return values


def test_compare_page_in_chromium(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1750})
            page.goto(server)
            run = page.get_by_role("button", name="Run", exact=True)
            run.wait_for(timeout=90_000)
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text("push", exact=True)).to_be_visible()
            expect(sidebar.get_by_text("engagement", exact=True)).to_be_visible()
            for label, value in SETTINGS.items():
                box = page.get_by_label(label, exact=True)
                box.fill(str(value))
                box.press("Enter")
                expect(box).to_have_value(str(value))
                page.wait_for_timeout(300)
            run.click()
            charts = page.locator(".vega-embed")
            charts.first.locator("canvas, svg").first.wait_for(timeout=240_000)
            expect(page.get_by_text("Key figures")).to_be_visible()
            expect(page.get_by_text("Winner per KPI")).to_be_visible()
            values = page.get_by_test_id("stMetricValue")
            expect(values).to_have_count(2 * len(compare.KPI_CARDS))
            page.wait_for_timeout(1500)  # let the charts finish drawing
            assert page.get_by_test_id("stException").count() == 0
            assert values.all_inner_texts() == expected_values()
            labels = page.get_by_test_id("stMetricLabel").all_inner_texts()
            assert [text.strip() for text in labels[:len(compare.KPI_CARDS)]] == \
                [style.kpi_label(kpi) for kpi in compare.KPI_CARDS]
            assert charts.count() >= 2
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 50_000
            if UPDATE_DOCS:
                target = ROOT / "docs" / "img" / "dashboard.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, target)
        finally:
            browser.close()
