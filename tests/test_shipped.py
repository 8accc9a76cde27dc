"""The dashboard's shipped default results (dashboard/precomputed/, dashboard/shipped.py).

They answer exactly the default requests of the compare and lesson pages and were made
by a model that gives the running model's numbers (the canary's fingerprint); the pages
show them without running the model, and ignore them when the fingerprint or the
settings differ. When a test here fails after a change of the model or of a default,
regenerate them with ``python -m dashboard.warm --ship`` (as for the golden results).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

import sim
from dashboard import common, compare, lesson, shipped, warm

from .apptest_support import PAGES, app_test, assert_clean, charts
from .conftest import ROOT
from .test_dashboard import expected_metrics, shown_metrics, shown_text

pytestmark = pytest.mark.usefixtures("disk_cache")
APP = ROOT / "dashboard" / "app.py"
LESSON_PAGE = PAGES / "1_Push_vs_engagement.py"
REGENERATE = f"regenerate them with `{shipped.SHIP_COMMAND}`"

#: Small defaults for the tests that ship results of their own.
SMALL = {"population.size": 600, "run.steps": 13, "run.replications": 2, "run.seed": 1}


def refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the model ran")


def refuse_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every model run of the pages fail."""
    for module, name in ((common, "compute_scenarios"), (lesson, "mix_frontier"),
                         (lesson, "frequency_sweep"), (sim, "compare"), (sim, "run")):
        monkeypatch.setattr(module, name, refuse)
    compare.run_scenarios.cache_clear()
    lesson.lesson_results.cache_clear()


def test_shipped_results_were_made_by_this_model() -> None:
    manifest = shipped.manifest()
    assert manifest is not None, f"dashboard/precomputed/manifest.json is missing: {REGENERATE}"
    fast = shipped.canary_fingerprint("fast")
    assert fast == manifest["fingerprint"], (
        f"the model's numbers changed since the dashboard's shipped results were made: "
        f"{REGENERATE} (when the golden results are regenerated)")
    assert shipped.canary_fingerprint("reference") == fast  # a fresh install checks with it


def test_shipped_results_answer_the_default_requests() -> None:
    assert shipped.offers_compare(compare.default_request()), (
        f"the compare page's default request changed: {REGENERATE}")
    assert shipped.offers_lesson(lesson.default_request()), (
        f"the lesson's default request changed: {REGENERATE}")
    assert shipped.CANARY_SCENARIOS == compare.DEFAULT_SCENARIOS
    sizes = sum(path.stat().st_size for path in shipped.FOLDER.iterdir())
    assert sizes < 1_000_000  # ~330 kB


def test_pages_show_the_shipped_results_without_running_the_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shipped.model_fingerprint()  # the canary, as `wom dashboard` runs it at start
    refuse_runs(monkeypatch)
    at = app_test(APP).run()
    assert_clean(at)
    _, kpis = shipped.comparison()
    assert shown_metrics(at) == expected_metrics(kpis, list(compare.DEFAULT_SCENARIOS))
    assert "ship with wom-sim" in shown_text(at)

    at = app_test(LESSON_PAGE).run()
    assert_clean(at)
    assert len(charts(at)) == 5
    assert "ship with wom-sim" in shown_text(at)
    best = shipped.lesson_results().frontier.best("total_profit")
    assert f"best mix** puts {best:.0%} on push" in shown_text(at)


def test_the_warm_job_computes_nothing_when_the_shipped_results_match(
        monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_runs(monkeypatch)
    monkeypatch.setattr(shipped, "model_fingerprint", lambda: shipped.manifest()["fingerprint"])
    assert warm.main([]) == 0


@pytest.fixture
def small_shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Results of small default requests shipped to a folder of the test's."""
    monkeypatch.setattr(compare, "default_settings", lambda first: dict(SMALL))
    monkeypatch.setattr(lesson, "DEFAULTS", dict(SMALL))
    monkeypatch.setattr(shipped, "FOLDER", tmp_path)
    shipped.ship(compare.default_request(), lesson.default_request(), tmp_path)
    return tmp_path


@pytest.mark.filterwarnings("ignore:SPEND GAP")
def test_shipped_results_read_back_exactly(small_shipped: Path) -> None:
    combined, kpis = shipped.comparison()
    again = common.compute_scenarios(*compare.default_request())
    assert_frame_equal(combined, again[0], check_exact=True)
    assert_frame_equal(kpis, again[1], check_exact=True)
    assert json.loads(json.dumps([combined.attrs, kpis.attrs])) == \
        json.loads(json.dumps([again[0].attrs, again[1].attrs]))
    results, fresh = shipped.lesson_results(), lesson.compute(lesson.default_request())
    assert_frame_equal(results.frontier.runs, fresh.frontier.runs, check_exact=True)
    assert_frame_equal(results.frontier.kpis, fresh.frontier.kpis, check_exact=True)
    assert_frame_equal(results.fatigue, fresh.fatigue, check_exact=True)


def test_shipped_results_are_ignored_when_the_model_differs(
        small_shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = small_shipped / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "fingerprint": "0" * 64}))
    shipped._manifest.cache_clear()
    runs = []
    real = common.compute_scenarios
    monkeypatch.setattr(common, "compute_scenarios",
                        lambda *args, **kwargs: runs.append(args) or real(*args, **kwargs))
    compare.run_scenarios.cache_clear()
    at = app_test(APP).run()
    assert_clean(at)
    assert runs.count(compare.default_request()) == 1  # computed anew (and the canary ran)
    assert at.metric  # shown without pressing Run
    text = shown_text(at)
    assert "gives other numbers than this one" in text and "ship with wom-sim" not in text


def test_shipped_results_are_ignored_for_other_settings(
        small_shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_test(APP).run()
    assert_clean(at)
    assert "ship with wom-sim" in shown_text(at)
    refuse_runs(monkeypatch)
    at.number_input(key="run.seed").set_value(2).run()
    assert any("press **Run** to update" in i.value for i in at.info)

    at = app_test(LESSON_PAGE)
    at.session_state["lesson:run.seed"] = 2
    at.run()
    assert any("AssertionError: the model ran" in e.value for e in at.error)


@pytest.mark.slow
def test_recomputing_the_defaults_gives_the_shipped_tables_exactly() -> None:
    """The default comparison and lesson (about 50 s of CPU) equal the shipped tables."""
    combined, kpis = shipped.comparison()
    again = common.compute_scenarios(*compare.default_request())
    assert_frame_equal(combined, again[0], check_exact=True)
    assert_frame_equal(kpis, again[1], check_exact=True)
    assert json.loads(json.dumps(kpis.attrs)) == json.loads(json.dumps(again[1].attrs))
    results, fresh = shipped.lesson_results(), lesson.compute(lesson.default_request())
    for name, table in shipped.tables(again, fresh).items():
        assert_frame_equal(shipped.tables((combined, kpis), results)[name], table,
                           check_exact=True, obj=name)
