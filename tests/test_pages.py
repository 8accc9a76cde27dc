"""The dashboard's lesson, network, sweep and "When does it pay?" pages, headless
(streamlit.testing.v1.AppTest), and the helpers behind them.

Small markets and few replications keep it fast; every number a page shows is checked
against the library function that computes it (sim.lessons, sim.metrics, sim.sweep) or
the shipped tables (docs/data/findings.csv).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import sim
from dashboard import background, common, lesson, lesson_charts, network_view, style, sweep_view
from dashboard import robustness_view as pay
from sim.lessons import mix_frontier
from sim.metrics import interval, paired_difference
from sim.sweep import (
    analyze_robustness,
    load_sweep,
    metric_per_replication,
    plan_robustness,
    plan_sweep,
    run_robustness,
    run_sweep,
)

from .apptest_support import PAGES, app_test, assert_clean, charts

pytestmark = pytest.mark.usefixtures("disk_cache")
ROOT = Path(__file__).resolve().parents[1]

#: A small lesson: every mix and the fatigue curve in a few seconds (CLV needs 52 weeks).
LESSON = {"population.size": 600, "run.steps": 30, "run.replications": 3, "run.seed": 1}


def chart_tables(chart: object) -> list[pd.DataFrame]:
    """The data sets of a chart (Arrow streams in the element's proto)."""
    return [pa.ipc.open_stream(d.data.data).read_all().to_pandas()
            for d in chart.proto.datasets]


def lesson_page() -> AppTest:
    at = app_test(PAGES / "1_Push_vs_engagement.py")
    for key, value in LESSON.items():
        at.session_state[f"lesson:{key}"] = value
    return at.run()


def notice_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "best mix" in m.value.lower())


# ---------------------------------------------------------------------------------------
# The lesson
# ---------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:SPEND GAP")  # 20 weeks: engagement has spent less
def test_frontier_ends_are_the_pure_strategies_of_wom_compare() -> None:
    request = lesson.request_for({**LESSON, "run.steps": 20})
    push = common.scenario_of_text(request.push)
    engagement = common.scenario_of_text(request.engagement)
    frontier = mix_frontier(push, engagement, (0.0, 0.5, 1.0), seed=1, replications=3)
    _, kpis = sim.compare([engagement, push], seed=1, replications=3,
                          labels=["engagement", "push"])
    for share, label in ((0.0, "engagement"), (1.0, "push")):
        row = kpis[(kpis["kpi"] == "total_profit") & (kpis["scenario"] == label)].iloc[0]
        assert frontier.curve("total_profit").set_index("share").loc[share, "mean"] == \
            pytest.approx(row["mean"], rel=1e-12)
    diff = frontier.difference("total_profit", 1.0, 0.0)
    row = kpis[(kpis["kpi"] == "total_profit") & (kpis["scenario"] == "push")].iloc[0]
    assert (diff["mean"], diff["low"], diff["high"]) == pytest.approx(
        (row["diff_mean"], row["diff_ci_low"], row["diff_ci_high"]), rel=1e-9)
    best = frontier.best("total_profit")
    means = frontier.curve("total_profit")["mean"].to_numpy()
    assert means.max() == pytest.approx(
        frontier.curve("total_profit").set_index("share").loc[best, "mean"])
    assert frontier.best("total_cost") == frontier.curve("total_cost").set_index(
        "share")["mean"].idxmin()  # a cost is best when lowest


def test_lesson_frontier_marks_the_chosen_and_the_best_mix() -> None:
    at = lesson_page()
    assert_clean(at)
    frontier = lesson.lesson_results(lesson.request_for(LESSON)).frontier
    assert len(charts(at)) == 5  # frontier, customers, profit, two fatigue panels
    tables = chart_tables(charts(at)[0])
    curve = next(t for t in tables if "strategy" in t)
    truth = frontier.curve("total_profit")
    assert curve["mean"].to_numpy() == pytest.approx(truth["mean"].to_numpy())
    assert curve["ci_low"].to_numpy() == pytest.approx(truth["ci_low"].to_numpy())
    assert list(curve["percent"]) == list(range(0, 101, 10))
    markers = next(t for t in tables if "marker" in t and len(t) == 2).set_index("marker")
    best = frontier.best("total_profit")
    assert markers.loc[lesson_charts.CHOSEN, "percent"] == 30  # the slider's default
    assert markers.loc[lesson_charts.BEST, "percent"] == round(100 * best)

    at.slider(key="lesson:share").set_value(80).run()
    markers = next(t for t in chart_tables(charts(at)[0])
                   if "marker" in t and len(t) == 2).set_index("marker")
    assert markers.loc[lesson_charts.CHOSEN, "percent"] == 80
    assert markers.loc[lesson_charts.BEST, "percent"] == round(100 * best)


def test_what_to_notice_changes_with_the_slider_and_teaches_at_the_ends() -> None:
    at = lesson_page()
    frontier = lesson.lesson_results(lesson.request_for(LESSON)).frontier
    best = frontier.best("total_profit")
    texts = {}
    for percent in (0, 30, 100):
        at.slider(key="lesson:share").set_value(percent).run()
        assert_clean(at)
        texts[percent] = notice_text(at)
    assert len(set(texts.values())) == 3
    assert "pure strategy" in texts[0] and "scenarios/engagement.toml" in texts[0]
    assert "pure strategy" in texts[100] and "scenarios/push.toml" in texts[100]
    assert "Your mix, 30% on push" in texts[30]
    for percent, text in texts.items():
        share = percent / 100
        if share == best:
            assert "No other mix does better" in text
            continue
        diff = paired_difference(frontier.values("total_profit", share),
                                 frontier.values("total_profit", best))
        shown = style.format_kpi("total_profit", diff["mean"], delta=True)
        verdict = "significantly better" if diff["significant"] else "no clear difference"
        assert f"puts {best:.0%} on push" in text
        assert f"{shown} " in text and verdict in text
    other = paired_difference(frontier.values("total_profit", 1.0),
                              frontier.values("total_profit", 0.0))
    assert style.format_kpi("total_profit", other["mean"], delta=True) in texts[0]


def test_lesson_explains_an_empty_clv_frontier() -> None:
    at = lesson_page()
    at.radio(key="lesson:metric").set_value("final_clv").run()
    assert not at.exception
    assert any("at least 52 weeks" in i.value for i in at.info)
    assert len(charts(at)) == 4  # the frontier is replaced by the message


def test_lesson_comes_from_the_disk_cache(disk_cache: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    request = lesson.request_for(LESSON)
    lesson.lesson_results.cache_clear()
    reports = []
    computed = lesson.compute(request, lambda *report: reports.append(report))
    assert [done for done, _, _ in reports] == list(range(request.steps + 1))
    assert {total for _, total, _ in reports} == {18}
    common.disk_cached("lesson", request, lambda: computed)
    lesson.lesson_results.cache_clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the lesson ran again")

    monkeypatch.setattr(lesson, "mix_frontier", refuse)
    monkeypatch.setattr(lesson, "frequency_sweep", refuse)
    at = lesson_page()
    assert_clean(at)
    assert len(charts(at)) == 5
    assert len(list(disk_cache.glob("lesson-*.pickle"))) == 1
    assert background.read_progress(lesson.progress_path(request)) is None  # none under way


def test_progress_is_shared_through_a_file() -> None:
    request = lesson.request_for(LESSON)
    path = lesson.progress_path(request)
    assert background.read_progress(path) is None
    background.reporter(path)(4 / 18, "4 of 18 parts done (latest: blend at 30% on push)")
    assert background.read_progress(path) == (pytest.approx(4 / 18, abs=1e-6),
                                              "4 of 18 parts done (latest: blend at 30% on push)")


# ---------------------------------------------------------------------------------------
# The network view
# ---------------------------------------------------------------------------------------


def log_wom(events: pd.DataFrame, nodes: np.ndarray) -> set[tuple[int, int, int]]:
    """The word-of-mouth events of a log (week, source, consumer) with both ends in
    ``nodes``."""
    spoken = events[(events["source"] >= 0) & events["source"].isin(nodes)
                    & events["consumer"].isin(nodes)]
    return set(zip(spoken["step"].tolist(), spoken["source"].tolist(),
                   spoken["consumer"].tolist(), strict=True))


def test_word_of_mouth_ties_come_from_the_log() -> None:
    """Of the drawn consumers 10, 20, 30 (20 - 30 not a sampled tie): 10 tells 20 in
    week 1 and 20 tells 30 in week 2; 40 (not drawn) tells 10; 30's ad is no word of
    mouth. Only the events with both ends drawn are kept, the tie 20 - 30 included."""
    indptr, indices = np.array([0, 1, 2, 2]), np.array([1, 0])
    assert network_view.sample_ties(indptr, indices, [0, 1, 2]).tolist() == [[0, 1]]
    events = pd.DataFrame({"step": [1, 1, 2, 2], "consumer": [20, 30, 10, 30],
                           "source": [10, -1, 40, 20]})
    nodes = np.array([10, 20, 30])
    wom = network_view.wom_events(events, nodes)
    assert wom.tolist() == [[1, 0, 1], [2, 1, 2]]
    history = {"wom": wom}
    assert network_view.spoken_in(history, 2).tolist() == [[1, 2]]
    assert network_view.spoken_in(history, 3).shape == (0, 2)


def test_network_sample_always_holds_the_influencers() -> None:
    scenario = common.with_overrides(common.load_shipped("influencer_seeding"),
                                     {"population.size": 5000, "run.steps": 6}, "test")
    history = network_view.network_history(common.scenario_text(scenario), 400, 1)
    assert history["population"] == 5000
    assert len(set(history["nodes"].tolist())) == 400
    assert history["influencers"] == 100  # influencer_seeding contracts 100
    assert int(history["influencer"].sum()) == 100
    assert history["stages"].shape == (7, 400)
    assert history["market"].sum(axis=1).tolist() == [5000] * 7
    assert history["pairs"].max() < 400
    _, events = sim.run(scenario, replications=1, events=True)
    nodes = history["nodes"]
    drawn = {(int(w), int(nodes[u]), int(nodes[v])) for w, u, v in history["wom"]}
    assert len(drawn) == len(history["wom"]) > 0
    assert drawn == log_wom(events, nodes)


def test_network_page_plays_and_draws_the_funnel() -> None:
    at = app_test(PAGES / "2_Network.py")
    at.session_state["net:population"] = 300
    at.session_state["net:steps"] = 13
    at.run()
    assert_clean(at)
    assert len(charts(at)) == 2  # the network and the funnel over time
    assert at.slider(key="net:week").value == 8
    at.toggle(key="net:play").set_value(True).run()
    assert_clean(at)
    assert at.slider(key="net:week").value == 9
    caption = next(c.value for c in at.caption if c.value.startswith("Week 9"))
    scenario = common.with_overrides(
        common.load_shipped("influencer_seeding"),
        {"population.size": 300, "run.steps": 13, "run.seed": 1, "run.replications": 1},
        "test")
    _, events = sim.run(scenario, events=True)
    tables = chart_tables(charts(at)[0])
    nodes = next(t for t in tables if "node" in t and len(t) == 300)
    where = {(x, y): node for x, y, node in zip(nodes["x"], nodes["y"], nodes["node"],
                                                strict=True)}
    loud = next(t for t in tables if "tie" in t and set(t["tie"]) == {"word of mouth this week"})
    highlighted = [(where[x, y], where[x2, y2])
                   for x, y, x2, y2 in zip(loud["x"], loud["y"], loud["x2"], loud["y2"],
                                           strict=True)]
    week9 = {(u, v) for w, u, v in log_wom(events, nodes["node"].to_numpy()) if w == 9}
    assert len(highlighted) == len(week9) > 0  # every event of week 9 drawn once
    assert set(highlighted) == week9
    rings = next(t for t in tables if "reached" in t and (t["reached"] != "").all())
    assert sorted(rings["node"]) == sorted(v for _, v in week9)
    assert f"{len(week9)} drawn consumers moved along the funnel" in caption
    assert "100 of the market's 100 influencers" in caption
    counts = at.dataframe[0].value
    assert int(counts.to_numpy().sum()) == 300
    stages = next(t for t in chart_tables(charts(at)[1]) if "stage" in t)
    assert stages.groupby("week")["consumers"].sum().tolist() == [300] * 14


# ---------------------------------------------------------------------------------------
# The sweep explorer
# ---------------------------------------------------------------------------------------


def make_sweep(folder: Path, params: list[str], replications: int = 3,
               steps: int = 5) -> pd.DataFrame:
    """A tiny sweep of a small push market written by sim.sweep; returns its table."""
    plan = plan_sweep(ROOT / "scenarios" / "push.toml", params, replications=replications,
                      steps=steps, overrides=["population.size=300"])
    run_sweep(plan, folder, workers=1)
    return load_sweep(folder)


def open_sweep(folder: Path) -> AppTest:
    at = app_test(PAGES / "3_Sweep_explorer.py").run()
    at.text_input(key="sweep:dir").set_value(str(folder)).run()
    return at


def test_sweep_heatmap_compares_every_cell_with_the_best(tmp_path: Path) -> None:
    truth = make_sweep(tmp_path / "sweep", ["ads.frequency=1,4", "ads.reach=0.2,0.6,1"])
    at = open_sweep(tmp_path / "sweep")
    assert_clean(at)
    assert len(charts(at)) == 2  # heatmap and lines
    cells = next(t for t in chart_tables(charts(at)[0]) if "role" in t)
    runs = metric_per_replication(truth, "profit", how="total")
    means = runs.groupby(["ads.frequency", "ads.reach"])["value"].mean()
    assert len(cells) == 6
    best = means.idxmax()
    for row in cells.itertuples():
        key = (float(row.x), float(row.y))
        assert row.mean == pytest.approx(means.loc[key])
        a = runs.set_index(["ads.frequency", "ads.reach"]).loc[best].set_index("replication")
        b = runs.set_index(["ads.frequency", "ads.reach"]).loc[key].set_index("replication")
        diff = paired_difference(a["value"], b["value"])
        expected = "baseline" if key == best else (
            "significant" if diff["significant"] else "no clear difference")
        assert row.role == expected
    assert (cells["role"] == "significant").any()  # the test can fail both ways

    at.selectbox(key="sweep:baseline").select_index(1).run()  # the first cell
    assert_clean(at)
    cells = next(t for t in chart_tables(charts(at)[0]) if "role" in t)
    baseline = cells[cells["role"] == "baseline"]
    assert [(float(x), float(y)) for x, y in zip(baseline["x"], baseline["y"], strict=True)] \
        == [(1.0, 0.2)]


def test_sweep_lines_split_by_the_other_parameter_and_clip_counts(tmp_path: Path) -> None:
    truth = make_sweep(tmp_path / "sweep", ["ads.frequency=1,2,4", "ads.reach=0.3,0.6"],
                       replications=2, steps=8)
    at = open_sweep(tmp_path / "sweep")
    at.selectbox(key="sweep:output").set_value("customers").run()
    at.radio(key="sweep:how:customers").set_value("last").run()
    assert_clean(at)
    at.selectbox(key="sweep:by").set_value("ads.reach").run()
    table = at.dataframe[0].value
    assert set(table["ads.reach"]) == {"0.3", "0.6"}
    last = truth[truth["step"] == 8]
    unclipped = []
    for (frequency, reach), group in last.groupby(["ads.frequency", "ads.reach"]):
        row = table[(table["ads.frequency"] == frequency)
                    & (table["ads.reach"] == str(reach))].iloc[0]
        band = interval(group["customers"])
        assert row["mean"] == pytest.approx(band["mean"])
        assert row["ci_low"] == pytest.approx(max(band["ci_low"], 0.0))
        unclipped.append(band["ci_low"])
    assert min(unclipped) < 0  # a t-interval on 2 replications reached below 0 ...
    assert table["ci_low"].min() >= 0  # ... and the page clipped it


def test_sweep_explorer_says_why_a_chart_is_empty(tmp_path: Path) -> None:
    make_sweep(tmp_path / "sweep", ["ads.frequency=1,2"], replications=1)
    at = open_sweep(tmp_path / "sweep")
    assert not at.exception
    assert any("fewer than 2 replications" in w.value for w in at.warning)
    at.selectbox(key="sweep:output").set_value("clv").run()
    assert not at.exception
    assert any("at least 52 weeks" in w.value and "ran 5" in w.value for w in at.warning)
    assert not charts(at)


def test_sweep_explorer_reports_a_missing_folder(tmp_path: Path) -> None:
    at = open_sweep(tmp_path / "nothing")
    assert not at.exception
    assert "no such sweep directory" in at.error[0].value
    (tmp_path / "empty").mkdir()
    at.text_input(key="sweep:dir").set_value(str(tmp_path / "empty")).run()
    assert not at.exception
    assert "not a sweep directory" in at.error[0].value


def test_empty_reasons() -> None:
    runs = pd.DataFrame({"point": [0, 0], "replication": [0, 1], "value": [np.nan] * 2})
    assert "at least 52 weeks" in sweep_view.why_empty(runs, "clv_ad", 26)
    assert "n/a throughout" in sweep_view.why_empty(runs, "clv", 104)
    assert "no finished runs" in sweep_view.why_empty(runs.iloc[:0], "profit", 10)
    assert sweep_view.why_empty(runs.fillna(1.0), "clv", 26) is None
    signed = pd.DataFrame({"ci_low": [-5.0], "ci_high": [3.0]})
    assert sweep_view.clip(signed, "profit")["ci_low"].iloc[0] == -5.0
    assert sweep_view.clip(signed, "customers")["ci_low"].iloc[0] == 0.0


# ---------------------------------------------------------------------------------------
# When does it pay?
# ---------------------------------------------------------------------------------------


def test_when_does_it_pay_draws_the_shipped_maps_with_their_explanation() -> None:
    at = app_test(PAGES / "4_When_does_it_pay.py").run()
    assert_clean(at)
    assert len(charts(at)) == 4  # quality x horizon, network, price x trust, Sobol'
    table = pd.read_csv(ROOT / "docs" / "data" / "findings.csv")
    block = table[(table["map"] == "quality_horizon") & (table["metric"] == "total_profit")]
    counts = block["winner"].value_counts()
    expected = (f"engagement wins {counts.get('B', 0)}, push {counts.get('A', 0)}, "
                f"no clear winner {counts.get('none', 0)} of {len(block)} points")
    assert expected in at.caption[0].value
    cells = next(t for t in chart_tables(charts(at)[0]) if "outcome" in t)
    assert len(cells) == len(block)
    assert set(cells["outcome"]) <= {"push wins", "engagement wins", "no clear winner"}
    text = "\n".join(m.value for m in at.markdown)
    assert "Brand trust multiplies how strongly an ad moves a consumer" in text  # 3. Why
    assert "![" not in text

    at.radio(key="pay:metric").set_value("final_clv").run()
    assert_clean(at)
    assert "(4 more without a value)" in at.caption[0].value  # no CLV before week 52


def test_findings_sections_split_at_headings() -> None:
    found = pay.sections((ROOT / "docs" / "findings.md").read_text())
    assert found[""].startswith("Short answer")
    for prefix in ("1.", "2.", "3.", "4.", "How the maps were made", "Caveats"):
        assert pay.section(found, prefix)
    assert pay.section(found, "9.") == ""


def test_when_does_it_pay_opens_a_robustness_map_of_ones_own(tmp_path: Path) -> None:
    robust = plan_robustness(
        ROOT / "scenarios" / "push.toml", ROOT / "scenarios" / "engagement.toml",
        ["product.quality=0.7,0.9"], metrics=["total_profit"], replications=2, steps=6,
        overrides=["population.size=300"])
    run_robustness(robust, tmp_path / "robust", workers=1)
    report = analyze_robustness(tmp_path / "robust", plots=False)
    at = app_test(PAGES / "4_When_does_it_pay.py").run()
    at.text_input(key="pay:dir").set_value(str(tmp_path / "robust")).run()
    assert_clean(at)
    assert len(charts(at)) == 5
    points = next(t for t in chart_tables(charts(at)[-1]) if "outcome" in t)
    assert points["diff"].to_numpy() == pytest.approx(report.table["diff"].to_numpy())
    at.text_input(key="pay:dir").set_value(str(tmp_path)).run()
    assert not at.exception
    assert "not a robustness map" in at.error[0].value


def test_every_page_file_is_tested_here() -> None:
    tested = {"1_Push_vs_engagement.py", "2_Network.py", "3_Sweep_explorer.py",
              "4_When_does_it_pay.py"}
    assert {p.name for p in PAGES.glob("*.py")} == tested
