"""The dashboard in a real browser: streamlit on a free localhost port, driven by
Playwright on Debian's Chromium (``apt-get install chromium``), headless.

Every page is visited, its main action used (Run; the lesson's slider; Play; opening a
sweep; another measure), and no exception box may appear. The compare page first shows
its default comparison and the lesson page its default results, both shipped with the
code (dashboard/precomputed/). Screenshots go to a temporary folder; with
``WOM_UPDATE_SCREENSHOTS=1`` they are also copied to docs/img/dashboard-<page>.png for
the README, and the compare page then runs the calibrated market (10,000 consumers, 104
weeks) instead of a small one.
"""

from __future__ import annotations

import os
import re
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
from dashboard import common, compare, shipped, style
from sim.sweep import plan_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
UPDATE_DOCS = os.environ.get("WOM_UPDATE_SCREENSHOTS") == "1"
SETTINGS = ({"Consumers": 10_000, "Horizon (weeks)": 104, "Replications": 5} if UPDATE_DOCS
            else {"Consumers": 1_000, "Horizon (weeks)": 52, "Replications": 3})
VIEWPORT = {"width": 1400, "height": 1500}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's Chromium is not installed at /usr/bin/chromium "
                              "(apt-get install chromium); the real-browser tests need it"),
]


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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served by `streamlit run` on a free port, with its own disk cache;
    always stopped."""
    folder = tmp_path_factory.mktemp("browser")
    port = free_port()
    log = folder / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", str(APP),
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]
    env = {**os.environ, common.CACHE_ENV: str(folder / "cache")}
    with log.open("w") as out:
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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    tab = browser.new_page(viewport=VIEWPORT)
    try:
        yield tab
    finally:
        tab.close()


def wait_for_charts(page: object, count: int, timeout: float = 240_000) -> None:
    """Until ``count`` charts have drawn, then a moment for the last to finish."""
    charts = page.locator(".vega-embed")
    charts.nth(count - 1).locator("canvas, svg").first.wait_for(timeout=timeout)
    page.wait_for_timeout(1500)


def no_exception(page: object) -> None:
    assert page.get_by_test_id("stException").count() == 0


def screenshot(page: object, name: str, tmp_path: Path) -> None:
    """Save the page (and, with WOM_UPDATE_SCREENSHOTS=1, docs/img/dashboard-NAME.png)."""
    shot = tmp_path / f"dashboard-{name}.png"
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 30_000
    if UPDATE_DOCS:
        shutil.copyfile(shot, ROOT / "docs" / "img" / shot.name)


def expected_values() -> list[str]:
    """The KPI card values for the browser's settings, computed with sim.compare."""
    overrides = {"population.size": SETTINGS["Consumers"],
                 "run.steps": SETTINGS["Horizon (weeks)"],
                 "run.replications": SETTINGS["Replications"], "run.seed": 1}
    scenarios = [sim.load_scenario(ROOT / "scenarios" / f"{name}.toml", overrides)
                 for name in ("push", "engagement")]
    _, kpis = sim.compare(scenarios, seed=1, replications=SETTINGS["Replications"],
                          labels=["push", "engagement"])
    return card_values(kpis)


def card_values(kpis: object) -> list[str]:
    """The KPI card values of a KPI table of push and engagement, as the page shows them."""
    return [style.format_kpi(kpi, float(kpis[(kpis["kpi"] == kpi)
                                             & (kpis["scenario"] == label)]["mean"].iloc[0]))
            for label in ("push", "engagement") for kpi in compare.KPI_CARDS]


@pytest.mark.filterwarnings("ignore:SPEND GAP")  # 52 weeks: engagement has spent less
def test_page_url_opened_first_keeps_the_navigation(server: str, page: object) -> None:
    """Runs first on a fresh server: a page's own URL opened before the root still gets
    st.navigation's sidebar ("Compare scenarios" first, no entry named "app")."""
    page.goto(f"{server}/Network")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for(timeout=120_000)
    entries = [line for line in nav.inner_text().splitlines() if line.strip()]
    assert entries[0] == "Compare scenarios" and "app" not in entries


def test_compare_page(server: str, page: object, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(server)
    run = page.get_by_role("button", name="Run", exact=True)
    run.wait_for(timeout=90_000)
    values = page.get_by_test_id("stMetricValue")
    expect(values).to_have_count(2 * len(compare.KPI_CARDS), timeout=120_000)  # shipped
    expect(page.get_by_text(re.compile("precomputed and ship with wom-sim"))).to_be_visible()
    assert values.all_inner_texts() == card_values(shipped.comparison()[1])
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("push", exact=True)).to_be_visible()
    expect(sidebar.get_by_text("engagement", exact=True)).to_be_visible()
    for label, value in SETTINGS.items():
        box = page.get_by_label(label, exact=True)
        box.fill(str(value))
        box.press("Enter")
        expect(box).to_have_value(str(value))
        page.wait_for_timeout(300)
    expected = expected_values()
    run.click()
    expect(values).to_have_text(expected, timeout=240_000)  # the new results, not the shipped
    wait_for_charts(page, 2)
    expect(page.get_by_text("Key figures")).to_be_visible()
    expect(page.get_by_text("Winner per KPI")).to_be_visible()
    no_exception(page)
    labels = page.get_by_test_id("stMetricLabel").all_inner_texts()
    assert [text.strip() for text in labels[:len(compare.KPI_CARDS)]] == \
        [style.kpi_label(kpi) for kpi in compare.KPI_CARDS]
    screenshot(page, "compare", tmp_path)


def test_lesson_page(server: str, page: object, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    started = time.perf_counter()
    page.goto(f"{server}/Push_vs_engagement")
    wait_for_charts(page, 1)
    print(f"lesson page: first chart after {time.perf_counter() - started:.1f} s")
    expect(page.get_by_text("Your mix, 30% on push")).to_be_visible()
    slider = page.get_by_role("slider", name="Share of budget on push")
    slider.focus()
    slider.press("Home")  # 0%: pure engagement
    expect(page.get_by_text("This is a pure strategy")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("scenarios/engagement.toml as shipped")).to_be_visible()
    for _ in range(3):
        slider.press("ArrowRight")
    expect(page.get_by_text("Your mix, 30% on push")).to_be_visible(timeout=30_000)
    wait_for_charts(page, 5)
    no_exception(page)
    screenshot(page, "lesson", tmp_path)


def test_network_page(server: str, page: object, tmp_path: Path) -> None:
    page.goto(f"{server}/Network")
    wait_for_charts(page, 2)
    week = page.get_by_role("slider", name="Week")
    assert week.input_value() == "8"
    page.get_by_text("▶ Play").click()
    page.wait_for_timeout(3500)
    page.get_by_text("▶ Play").click()  # pause
    page.wait_for_timeout(1500)
    assert int(week.input_value()) > 8
    caption = page.get_by_text(re.compile(r"^Week \d+: 400 of 400 consumers drawn"))
    assert "100 of the market's 100 influencers" in caption.inner_text()
    no_exception(page)
    screenshot(page, "network", tmp_path)


def test_sweep_explorer(server: str, page: object, tmp_path: Path) -> None:
    plan = plan_sweep(ROOT / "scenarios" / "push.toml",
                      ["ads.frequency=1,2,4", "ads.reach=0.3,0.6,1"], replications=3,
                      steps=26, overrides=["population.size=1000"])
    run_sweep(plan, tmp_path / "sweep", workers=1)
    page.goto(f"{server}/Sweep_explorer")
    box = page.get_by_label("Sweep directory")
    box.wait_for(timeout=60_000)
    box.fill(str(tmp_path / "sweep"))
    box.press("Enter")
    wait_for_charts(page, 2)
    page.get_by_text("Heatmap", exact=True).wait_for()
    no_exception(page)
    screenshot(page, "sweep", tmp_path)


def test_when_does_it_pay_page(server: str, page: object, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/When_does_it_pay")
    wait_for_charts(page, 4)
    no_exception(page)
    screenshot(page, "when-does-it-pay", tmp_path)  # profit, the page's first view
    page.get_by_text("CLV", exact=True).click()
    expect(page.get_by_text(re.compile(r"^CLV, engagement - push"))).to_have_count(3)
    wait_for_charts(page, 4)
    no_exception(page)
