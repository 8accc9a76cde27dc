"""The Streamlit dashboard, headless (streamlit.testing.v1.AppTest), and its helpers.

Every page runs without exception; a comparison shows charts and KPI values equal to
sim.compare / sim.run + sim.summarize for the same scenarios, overrides and seed; bad
uploads and bad sweep folders give messages, not tracebacks. Small markets keep it fast.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

import sim
from dashboard import (
    background,
    common,
    compare,
    explain,
    lesson,
    navigation,
    shipped,
    style,
    uploads,
    warm,
)
from sim.cli.dashboard import add_dashboard_parser, cmd_dashboard, dashboard_command
from sim.errors import ScenarioError, WomError
from sim.kpi_info import UNITS, kpi_info
from sim.lessons import blend_strategies
from sim.metrics import crossover_week, interval, time_bands
from sim.scenario import field_info, shortlist_keys

from .apptest_support import app_test, assert_clean, charts

pytestmark = pytest.mark.usefixtures("disk_cache")
ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"

SMALL = {"population.size": 1000, "run.steps": 30, "run.replications": 3, "run.seed": 1}


def set_run_settings(at: AppTest, settings: dict) -> None:
    for key, value in settings.items():
        at.number_input(key=key).set_value(value)


def expected_metrics(kpis: pd.DataFrame, labels: list[str]) -> list[tuple[str, str, str]]:
    """(label, value, delta) of every KPI card as the page formats them."""
    out = []
    for k, label in enumerate(labels):
        for kpi in compare.KPI_CARDS:
            row = kpis[(kpis["kpi"] == kpi) & (kpis["scenario"] == label)].iloc[0]
            delta = ""
            if k > 0:
                text = style.format_kpi(kpi, row["diff_mean"], delta=True)
                delta = "" if text == style.MISSING else text
            out.append((style.kpi_label(kpi), style.format_kpi(kpi, row["mean"]), delta))
    return out


def shown_metrics(at: AppTest) -> list[tuple[str, str, str]]:
    return [(m.label, m.value, m.delta or "") for m in at.metric]


def shown_text(at: AppTest) -> str:
    """Every text the page shows: messages, markdown, captions, metrics, table cells."""
    parts = [e.value for kind in (at.error, at.warning, at.info, at.markdown, at.caption)
             for e in kind]
    parts += [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


def run_blocked(at: AppTest) -> bool:
    """Whether Run is disabled (AppTest, like a browser, cannot press it then) and the
    page shows no results, or only those of earlier settings, saying so."""
    at.run()
    earlier = any("results are of earlier settings" in i.value for i in at.info)
    return at.button(key="run").disabled and (not at.metric or earlier)


# ---------------------------------------------------------------------------------------
# Compare scenarios (the first page)
# ---------------------------------------------------------------------------------------


def test_compare_page_matches_sim_compare(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped.model_fingerprint()  # the first visit's check of the shipped results
    calls = []
    real_compare = sim.compare

    def counting_compare(*args, **kwargs):
        calls.append(1)
        return real_compare(*args, **kwargs)

    monkeypatch.setattr(sim, "compare", counting_compare)
    compare.run_scenarios.cache_clear()
    at = app_test(APP).run()
    assert_clean(at)
    assert at.title[0].value == "Compare scenarios"
    at.multiselect(key="scenarios").set_value(["push", "engagement"])
    set_run_settings(at, SMALL)
    at.button(key="run").click().run()
    assert_clean(at)
    assert calls == [1]

    scenarios = [sim.load_scenario(ROOT / "scenarios" / f"{name}.toml", SMALL)
                 for name in ("push", "engagement")]
    _, kpis = real_compare(scenarios, seed=1, replications=3, labels=["push", "engagement"])
    assert shown_metrics(at) == expected_metrics(kpis, ["push", "engagement"])
    profit = kpis[(kpis["kpi"] == "total_profit") & (kpis["scenario"] == "engagement")].iloc[0]
    assert at.metric[len(compare.KPI_CARDS)].value == f"${profit['mean']:,.0f}"
    # Deltas are coloured only when the paired difference is significant, and every
    # delta shows its paired 95% interval.
    rows = [kpis[(kpis["kpi"] == kpi) & (kpis["scenario"] == "engagement")].iloc[0]
            for kpi in compare.KPI_CARDS]
    grey = [m.proto.color == Metric.MetricColor.GRAY for m in at.metric[len(rows):]]
    assert grey == [not row["diff_significant"] for row in rows]
    notes = [c.value for c in at.caption if c.value.startswith("95% CI")]
    assert f"95% CI {style.format_interval('total_profit', profit['diff_ci_low'], profit['diff_ci_high'], delta=True)}" in notes[0]  # noqa: E501
    assert len(at.download_button) >= 5  # CSV, Parquet, KPI table, two scenario files

    # Redrawing the charts uses the cached run, in memory and then on disk.
    at.toggle(key="bands").set_value(False).run()
    assert_clean(at)
    assert charts(at)
    compare.run_scenarios.cache_clear()
    at.select_slider(key="funnel_week").set_value(10).run()
    assert_clean(at)
    assert calls == [1]


def test_compare_shows_a_progress_bar_while_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[float, str]] = []
    real = background.st.progress

    class RecordingBar:
        def __init__(self, value: float) -> None:
            self.bar = real(value)

        def progress(self, value: float, text: str) -> None:
            shown.append((value, text))
            self.bar.progress(value, text=text)

        def empty(self) -> None:
            self.bar.empty()

    monkeypatch.setattr(background.st, "progress", RecordingBar)
    monkeypatch.setattr(background, "POLL", 0.05)
    compare.run_scenarios.cache_clear()
    at = app_test(APP).run()
    set_run_settings(at, {**SMALL, "run.steps": 52})
    at.button(key="run").click().run()
    assert_clean(at)
    assert at.metric and not at.get("progress")  # the bar goes once the results are in
    shares = [value for value, _ in shown]
    assert shares == sorted(shares) and 0 < max(shares) <= 1
    assert all("Running 2 scenarios x 3 replications x 52 weeks" in text for _, text in shown)
    assert any(f"{value:.0%} done" in text for value, text in shown if value > 0)


def test_winners_only_when_significant_and_units_everywhere() -> None:
    at = app_test(APP).run()
    set_run_settings(at, SMALL)
    at.button(key="run").click().run()
    assert_clean(at)
    texts, labels, seed, replications, _ = at.session_state["request"]
    _, kpis = common.cached_scenarios(texts, labels, seed, replications)
    table = at.dataframe[0].value.set_index("KPI")
    named = 0
    for kpi, block in kpis.groupby("kpi", sort=False):
        if block["mean"].isna().all():
            continue
        verdict = table.loc[style.kpi_label(kpi), "winner"]
        significant = bool(block["diff_significant"].any())
        if verdict in labels:
            named += 1
            assert significant, kpi
        elif kpi not in ("top1_spend_ratio",) and block["mean"].notna().all():
            assert verdict == "no clear winner" and not significant, kpi
    assert "no clear winner" in set(table["winner"])  # 3 replications: mostly noise
    assert named >= 1
    # Human units: labels from the KPI descriptions, money with the currency, ROI in
    # percent in the cards and the tables, counts whole, nothing reads None or nan.
    assert [m.label for m in at.metric[:len(compare.KPI_CARDS)]] == \
        [style.kpi_label(kpi) for kpi in compare.KPI_CARDS]
    assert at.metric[0].value.startswith("$") and at.metric[5].value.endswith("%")
    assert table.loc["ROI", "push"].endswith("%")
    assert table.loc["Customers", "push"].replace(",", "").isdigit()
    assert "Revenue minus cost of goods" in at.metric[0].help
    text = shown_text(at)
    for bad in ("None", "nan", "NaN"):
        assert bad not in text.replace("Nan", ""), bad
    # The explanation: descriptions, crossovers, channels, the funnel.
    assert "Push: every consumer reached by ads" in text
    assert "ahead of" in text
    assert "peer" in set(at.dataframe[-1].value["channel"])
    specs = [chart.proto.spec for chart in charts(at)]
    assert any("#0072B2" in spec and "#E69F00" in spec for spec in specs)
    assert any('"symbolOpacity": 1' in spec or '"symbolOpacity":1' in spec for spec in specs)


def test_currency_label_comes_from_the_scenario() -> None:
    at = app_test(APP).run()
    euros = b'base = "push.toml"\nname = "push_eu"\n[product]\ncurrency = "EUR"\n'
    at.multiselect(key="scenarios").set_value([])
    at.file_uploader(key="uploads").set_value(("eu.toml", euros, "application/toml"))
    set_run_settings(at, {"population.size": 600, "run.steps": 13, "run.replications": 2,
                          "run.seed": 1})
    at.button(key="run").click().run()
    assert_clean(at)
    assert at.metric[0].value.endswith(" EUR")
    assert any("amounts in EUR" in c.value for c in at.caption)


def test_invalid_settings_block_run_with_the_reason() -> None:
    at = app_test(APP).run()
    at.number_input(key="population.size").set_value(100).run()
    assert not at.exception
    assert any("Consumers: 100 is outside" in e.value for e in at.error)
    assert "Blocked" in (at.button(key="run").help or "")
    assert run_blocked(at)
    at.number_input(key="population.size").set_value(600)
    at.number_input(key="run.steps").set_value(13)
    at.number_input(key="run.replications").set_value(2).run()
    assert not at.error and not at.button(key="run").disabled


def test_compare_page_refuses_different_markets_unless_allowed() -> None:
    at = app_test(APP).run()
    at.multiselect(key="scenarios").set_value(["push"])
    dearer = b'base = "push.toml"\nname = "dearer"\n[ads]\ncost_per_exposure = 0.06\n'
    at.file_uploader(key="uploads").set_value(("dearer.toml", dearer, "application/toml"))
    set_run_settings(at, {"population.size": 600, "run.steps": 13, "run.replications": 2,
                          "run.seed": 1})
    at.run()
    errors = [e.value for e in at.error]
    assert any("ads.cost_per_exposure (push 0.05, dearer 0.06)" in e for e in errors), errors
    assert run_blocked(at)
    at.checkbox(key="allow_markets").check().run()
    at.button(key="run").click().run()
    assert_clean(at)
    assert any("DIFFERENT MARKETS (allowed)" in w.value for w in at.warning)
    assert at.metric


def test_compare_page_single_scenario_and_levers_match_run_and_summarize() -> None:
    at = app_test(APP).run()
    at.multiselect(key="scenarios").set_value(["engagement"])
    set_run_settings(at, {"population.size": 800, "run.steps": 20, "run.replications": 2,
                          "run.seed": 4})
    at.multiselect(key="levers").set_value(["promotions.referral_reward", "network.kind"])
    at.run()
    assert at.selectbox(key="lever:network.kind").options == list(
        field_info("network.kind").ui_choices)
    assert at.number_input(key="lever:promotions.referral_reward").step == 0.5
    at.number_input(key="lever:promotions.referral_reward").set_value(4.0)
    at.selectbox(key="lever:network.kind").set_value("watts_strogatz")
    at.button(key="run").click().run()
    assert_clean(at)
    assert charts(at)
    scenario = sim.load_scenario(ROOT / "scenarios" / "engagement.toml", {
        "population.size": 800, "run.steps": 20, "run.replications": 2, "run.seed": 4,
        "promotions.referral_reward": 4.0, "network.kind": "watts_strogatz"})
    summary = sim.summarize(sim.run(scenario, seed=4, replications=2))
    summary.insert(1, "scenario", "engagement")
    assert shown_metrics(at) == expected_metrics(summary, ["engagement"])


def test_compare_page_before_run_and_without_scenarios() -> None:
    at = app_test(APP)
    at.session_state["population.size"] = 600  # not the default comparison
    at.run()
    assert_clean(at)
    assert any("Press **Run**" in i.value for i in at.info)
    at.multiselect(key="scenarios").set_value([]).run()
    assert_clean(at)
    assert any("Select at least one scenario" in i.value for i in at.info)
    assert at.button(key="run").disabled


def test_first_visit_shows_the_default_comparison_precomputed_at_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    small = {"population.size": 600, "run.steps": 13, "run.replications": 2, "run.seed": 1}
    monkeypatch.setattr(compare, "default_settings", lambda first: dict(small))
    monkeypatch.setattr(lesson, "DEFAULTS", dict(small))  # warm.main computes it too
    assert warm.main([]) == 0  # what `wom dashboard` starts next to the server
    calls = []
    monkeypatch.setattr(common, "compute_scenarios",
                        lambda *args: calls.append(args) or pytest.fail("not cached"))
    compare.run_scenarios.cache_clear()
    at = app_test(APP).run()
    assert_clean(at)
    assert len(at.metric) == 2 * len(compare.KPI_CARDS) and not calls
    at.number_input(key="run.seed").set_value(2).run()  # another request: Run needed
    assert any("press **Run** to update" in i.value for i in at.info)


@pytest.mark.parametrize(("content", "needle"), [
    (b'base = "push.toml"\n[ads]\nreech = 0.3\n', "ads.reech: unknown key"),
    (b"this is not = = toml\n", "not valid TOML"),
    (b'base = "push.toml"\n[ads]\nreach = 2.0\n', "ads.reach"),
    (b'base = "nowhere.toml"\n', "not a shipped scenario"),
    (b"\xff\xfe\x00binary", "not a text file"),
])
def test_bad_upload_shows_an_error_and_blocks_run(content: bytes, needle: str) -> None:
    at = app_test(APP).run()
    at.file_uploader(key="uploads").set_value(("mine.toml", content, "application/toml"))
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and any(needle in e and "mine.toml" in e for e in errors), errors
    assert run_blocked(at)  # the shipped scenarios do not run without it


PASSWD = Path("/etc/passwd")


@pytest.mark.parametrize("path", [str(PASSWD), "../../etc/passwd", "../scenarios/push.toml",
                                  "data/networks/README.md", "data/../../../etc/passwd",
                                  "~/.bashrc", "nothing.txt"])
def test_upload_cannot_read_other_files(path: str) -> None:
    upload = f'base = "push.toml"\n[network]\nkind = "file"\npath = "{path}"\n'.encode()
    at = app_test(APP).run()
    at.file_uploader(key="uploads").set_value(("evil.toml", upload, "application/toml"))
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("evil.toml: network.path" in e and "refused" in e for e in errors), errors
    text = shown_text(at)
    for line in PASSWD.read_text().splitlines() if PASSWD.is_file() else []:
        if line.strip():
            assert line not in text
    assert "Real networks" not in text and "SNAP" not in text.replace("shipped", "")
    assert run_blocked(at)


def test_uploads_refuse_links_out_of_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    data = tmp_path / "data"
    (data / "networks").mkdir(parents=True)
    (data / "networks" / "ring.txt").write_text("0 1\n1 2\n2 0\n")
    (data / "networks" / "out.txt").symlink_to(PASSWD)
    monkeypatch.setattr(uploads, "DATA_DIR", data)
    assert list(uploads.shipped_networks()) == ["data/networks/ring.txt"]
    upload = b'base = "push.toml"\n[network]\nkind = "file"\npath = "data/networks/out.txt"\n'
    with pytest.raises(ScenarioError, match="not an uploaded or shipped network") as error:
        uploads.parse_upload("evil.toml", upload)
    assert "root:" not in str(error.value)
    with pytest.raises(WomError, match="not an edge-list file name"):
        uploads.store_network("../net.txt", b"0 1\n")


def test_uploaded_and_shipped_networks_are_accepted() -> None:
    shipped = b'base = "push.toml"\n[network]\nkind = "file"\n' \
              b'path = "data/networks/email-Eu-core.txt.gz"\ndirected = true\n'
    _, scenario = uploads.parse_upload("email.toml", shipped)
    assert scenario.network.path == ROOT / "data" / "networks" / "email-Eu-core.txt.gz"
    ring = "".join(f"{i} {(i + 1) % 600}\n{i} {(i + 7) % 600}\n" for i in range(600))
    mine = b'base = "push.toml"\nname = "ring"\n[network]\nkind = "file"\npath = "ring.txt"\n'
    at = app_test(APP).run()
    at.multiselect(key="scenarios").set_value([])
    at.file_uploader(key="networks").set_value(("ring.txt", ring.encode(), "text/plain"))
    at.file_uploader(key="uploads").set_value(("ring.toml", mine, "application/toml"))
    set_run_settings(at, {"population.size": 1000, "run.steps": 13, "run.replications": 2,
                          "run.seed": 1})
    at.button(key="run").click().run()
    assert_clean(at)
    assert at.metric
    assert any(" · 600 consumers · " in c.value for c in at.caption)  # the file's size
    texts = at.session_state["request"][0]
    assert common.scenario_of_text(texts[0]).network.path.parent.parent == \
        common.cache_dir() / "networks"


def test_valid_upload_runs_with_the_shipped_scenarios() -> None:
    at = app_test(APP).run()
    at.multiselect(key="scenarios").set_value(["push"])
    upload = b'base = "push.toml"\nname = "light_push"\n[ads]\nreach = 0.2\n'
    at.file_uploader(key="uploads").set_value(("light.toml", upload, "application/toml"))
    set_run_settings(at, {"population.size": 600, "run.steps": 15, "run.replications": 2,
                          "run.seed": 1})
    at.button(key="run").click().run()
    assert_clean(at)
    assert [m.value for m in at.markdown if m.value.endswith(("**push**", "**light_push**"))
            and m.value.startswith("<span")] == [
        f'{compare.swatch("#0072B2")} **push**',
        f'{compare.swatch(style.SPARE_COLOURS[0])} **light_push**']


def test_parse_upload_resolves_shipped_bases() -> None:
    data = b'base = "over_promotion.toml"\n[promotions]\ndiscount = 0.05\n'
    label, scenario = uploads.parse_upload("mine.toml", data)
    shipped = sim.load_scenario(ROOT / "scenarios" / "over_promotion.toml",
                                {"promotions.discount": 0.05})
    assert label == "mine"
    assert scenario == shipped  # name included: inherited from over_promotion
    with pytest.raises(ScenarioError, match=r"mine\.toml: product\.price"):
        uploads.parse_upload("mine.toml", b'base = "push.toml"\n[product]\nprice = -1\n')


def test_the_first_page_is_named_compare_scenarios() -> None:
    titles = [title for _, title in navigation.page_specs()]
    assert titles[0] == "Compare scenarios"
    assert titles[1:4] == ["Push vs engagement", "Network", "Sweep explorer"]
    assert navigation.page_title(Path("4_When_does_it_pay.py")) == "When does it pay?"
    at = app_test(APP).run()
    assert at.title[0].value == "Compare scenarios"


def test_explanation_tables_add_up() -> None:
    scenario = sim.load_scenario(ROOT / "scenarios" / "engagement.toml",
                                 {"population.size": 700, "run.steps": 20})
    frame = sim.run(scenario, seed=3, replications=3)
    combined = frame.assign(scenario="engagement")
    funnel = explain.funnel_at(combined, 20)
    assert funnel["mean"].sum() == pytest.approx(700)
    assert list(funnel["stage"]) == list(style.STAGE_COLOURS)
    acquired = explain.acquisitions_by_channel(combined)
    last, first = frame[frame["step"] == 20], frame[frame["step"] == 0]
    assert acquired["mean"].sum() == pytest.approx(
        last["adopted"].mean() - first["adopted"].mean())
    shares = explain.channel_shares(acquired, ["engagement"])
    assert sum(float(v.rstrip("%")) for v in shares["engagement"]) == pytest.approx(100, abs=0.5)


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def test_widget_bounds_and_texts_come_from_the_schema() -> None:
    def ui_bounds(key: str) -> tuple[float | None, float | None]:
        ui_range = field_info(key).ui_range
        assert ui_range is not None
        return ui_range.low, ui_range.high

    assert ui_bounds("ads.reach") == (0, 1)
    assert ui_bounds("ads.frequency") == (0, 50)
    assert ui_bounds("population.size") == (500, 20_000)
    assert ui_bounds("run.steps") == (13, 156)
    assert ui_bounds("run.replications") == (2, 30)
    assert ui_bounds("budget.total") == (0, 1e12)
    assert field_info("community.enabled").kind == "bool"
    assert field_info("network.kind").ui_choices == (
        "barabasi_albert", "clustered", "watts_strogatz", "erdos_renyi", "stochastic_block")
    assert shortlist_keys() == [
        "network.kind", "budget.total", "ads.reach", "ads.frequency", "promotions.discount",
        "promotions.referral_reward", "community.enabled", "influencers.count"]
    assert common.field_help("ads.reach").startswith(field_info("ads.reach").description)
    assert "in weeks, default 52" in common.field_help("run.steps")
    assert common.field_label("promotions.referral_reward") == "Promotions referral reward"


def test_time_bands_are_t_intervals_across_replications() -> None:
    scenario = sim.load_scenario(ROOT / "scenarios" / "push.toml",
                                 {"population.size": 500, "run.steps": 12})
    frame = sim.run(scenario, seed=2, replications=4)
    frame.insert(0, "scenario", "push")
    frame = common.with_cumulative_profit(frame)
    bands = time_bands(frame, ["customers", "cumulative_profit"])
    row = bands[(bands["series"] == "customers") & (bands["step"] == 9)].iloc[0]
    expected = interval(frame.loc[frame["step"] == 9, "customers"])
    assert row["mean"] == pytest.approx(expected["mean"])
    assert row["ci_low"] == pytest.approx(expected["ci_low"])
    assert row["ci_high"] == pytest.approx(expected["ci_high"])
    last = bands[(bands["series"] == "cumulative_profit") & (bands["step"] == 12)].iloc[0]
    total = sim.summarize(frame.drop(columns="scenario")).set_index("kpi")
    assert last["mean"] == pytest.approx(total.loc["total_profit", "mean"])


def test_crossover_week_and_formats() -> None:
    weeks = [0, 1, 2, 3, 4, 5]
    assert crossover_week(weeks, [0, 2, 0, 3, 4, 5], [0, 1, 1, 1, 1, 1]) == 3
    assert crossover_week(weeks, [1, 2, 3, 4, 5, 0], [0] * 6) is None
    assert crossover_week(weeks, [1] * 6, [0] * 6) == 0
    assert style.format_kpi("total_profit", 12345.6) == "$12,346"
    assert style.format_kpi("total_profit", -500.0, delta=True) == "-$500"
    assert style.format_kpi("roi", 0.256) == "25.6%"
    assert style.format_kpi("final_clv", math.nan) == style.MISSING


def test_blend_endpoints_are_the_two_strategies() -> None:
    run = {"population.size": 400, "run.steps": 20, "run.replications": 2, "run.seed": 3}
    push = common.with_overrides(common.load_shipped("push"), run, "push")
    engagement = common.with_overrides(common.load_shipped("engagement"), run, "engagement")
    for share, pure in ((1.0, push), (0.0, engagement)):
        mixed = blend_strategies(push, engagement, share)
        a = sim.run(mixed).drop(columns=[])
        b = sim.run(pure)
        pd.testing.assert_frame_equal(a, b, check_like=True)
    half = blend_strategies(push, engagement, 0.5)
    assert half.budget.total == pytest.approx((push.budget.total + engagement.budget.total) / 2)
    assert half.ads.reach == pytest.approx((push.ads.reach + engagement.ads.reach) / 2)
    assert half.promotions.discount == pytest.approx(push.promotions.discount / 2)
    assert half.community.enabled
    assert half.community.upkeep == pytest.approx(engagement.community.upkeep / 2)
    with pytest.raises(WomError):
        blend_strategies(push, engagement, 1.5)


# ---------------------------------------------------------------------------------------
# `wom dashboard`
# ---------------------------------------------------------------------------------------


def test_dashboard_command_binds_to_localhost_by_default() -> None:
    parser = argparse.ArgumentParser()
    add_dashboard_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dashboard"])
    assert (args.port, args.host) == (8501, "127.0.0.1")
    command = dashboard_command(args.port, args.host)
    assert command[1:4] == ["-m", "dashboard.serve", "run"]
    assert Path(command[4]) == APP
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    args = parser.parse_args(["dashboard", "--port", "9000", "--host", "0.0.0.0"])
    assert (args.port, args.host) == (9000, "0.0.0.0")
    with pytest.raises(SystemExit):
        parser.parse_args(["dashboard", "--port", "70000"])


class FakeServer:
    """Stands in for the streamlit and warm-up processes of `wom dashboard`."""

    started: list[list[str]] = []

    def __init__(self, command: list[str], **kwargs) -> None:
        FakeServer.started.append(command)

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def poll(self) -> int:
        return 0


@pytest.mark.parametrize(("host", "warned"), [
    ("127.0.0.1", False), ("localhost", False), ("::1", False), ("0.0.0.0", True),
    ("192.168.1.7", True), ("::", True)])
def test_dashboard_warns_before_listening_beyond_this_machine(
        host: str, warned: bool, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    FakeServer.started = []
    monkeypatch.setattr(subprocess, "Popen", FakeServer)
    assert cmd_dashboard(argparse.Namespace(port=8600, host=host, no_precompute=False)) == 0
    err = capsys.readouterr().err
    assert ("warning: the dashboard listens on" in err) == warned
    assert (host in err) == warned
    streamlit_run, precompute = FakeServer.started
    assert streamlit_run[streamlit_run.index("--server.address") + 1] == host
    assert precompute[1:] == ["-m", "dashboard.warm", "--background"]
    FakeServer.started = []
    cmd_dashboard(argparse.Namespace(port=8600, host=host, no_precompute=True))
    assert len(FakeServer.started) == 1


# ---------------------------------------------------------------------------------------
# dashboard.style: colours, number formats, KPI labels
# ---------------------------------------------------------------------------------------


def test_scenario_colours_are_fixed_for_shipped_names_and_kept_when_names_are_added() -> None:
    two = style.scenario_colours(["push", "engagement"])
    assert two == {"push": "#0072B2", "engagement": "#E69F00"}
    more = style.scenario_colours(["engagement", "mine", "push", "group_buy", "theirs"])
    assert more["push"] == two["push"] and more["engagement"] == two["engagement"]
    assert more["mine"] == style.SPARE_COLOURS[0] and more["theirs"] == style.SPARE_COLOURS[1]
    assert style.scenario_colours(["engagement", "mine", "push"])["mine"] == more["mine"]
    assert len(set(style.SHIPPED_COLOURS.values()) | set(style.SPARE_COLOURS)
               | {style.MIX_COLOUR}) == len(style.SHIPPED_COLOURS) + len(style.SPARE_COLOURS) + 1
    assert set(style.SHIPPED) == set(common.COMMERCE_SCENARIOS)
    assert style.STAGE_COLOURS["customer"] != style.STAGE_COLOURS["loyal"]


def test_number_formats_have_units_and_never_read_none() -> None:
    assert style.money(949_034.532) == "$949,035"
    assert style.money(-500, delta=True) == "-$500"
    assert style.money(1234.5, "EUR", decimals=2, delta=True) == "+1,234.50 EUR"
    assert style.count(10.6) == "11" and style.count(11, delta=True) == "+11"
    assert style.format_kpi("roi", 6.935) == "693.5%"
    assert style.format_kpi("roi", 0.1, delta=True) == "+10.0 pp"
    assert style.format_kpi("final_clv", 12.345, "€") == "€12.35"
    assert style.format_kpi("final_customers", 1234.4) == "1,234"
    assert style.format_interval("final_customers", -99.4, 121.2, delta=True) == \
        "[-99, +121]"
    for missing in (None, math.nan, pd.NA, math.inf):
        assert style.format_kpi("total_profit", missing) == style.MISSING
        assert style.percent(missing) == style.MISSING
    assert style.format_interval("roi", math.nan, 1.0) == style.MISSING
    assert style.format_estimate("final_customers", 11.2, -99, 121, delta=True) == \
        "+11 [-99, +121]"
    assert style.format_estimate("final_customers", 11.2, math.nan, 3, delta=True) == "+11"
    assert style.format_estimate("final_customers", None, 1, 3) == style.MISSING


def test_kpi_labels_and_help_come_from_the_kpi_descriptions() -> None:
    scenario = sim.load_scenario(ROOT / "scenarios" / "push.toml",
                                 {"population.size": 500, "run.steps": 53})
    for kpi in sim.summarize(sim.run(scenario, replications=2))["kpi"]:
        info = kpi_info(kpi)
        assert info.label != kpi and info.unit in UNITS, kpi
        assert style.kpi_label(kpi) == info.label
        assert style.kpi_help(kpi).startswith(info.description)
    assert style.kpi_label("final_clv_ad") == "CLV (ad)"
    assert style.kpi_label("week_13_customers") == "Customers, week 13"


# ---------------------------------------------------------------------------------------
# The disk cache
# ---------------------------------------------------------------------------------------


def test_disk_cache_computes_once_across_threads_and_recovers(disk_cache: Path) -> None:
    calls = []

    def slow() -> pd.DataFrame:
        calls.append(1)
        time.sleep(0.3)
        return pd.DataFrame({"x": [len(calls)]})

    with ThreadPoolExecutor(2) as pool:  # the second waits for the first's lock
        first, second = pool.map(lambda _: common.disk_cached("t", ("a", 1), slow), [0, 1])
    assert calls == [1]
    assert first.equals(second) and int(first["x"].iloc[0]) == 1
    assert int(common.disk_cached("t", ("a", 2), slow)["x"].iloc[0]) == 2  # another key
    assert int(common.disk_cached("t", ("a", 1), slow)["x"].iloc[0]) == 1  # read back
    stored = sorted(disk_cache.glob("t-*.pickle"))
    assert len(stored) == 2 and len(calls) == 2
    for path in stored:
        path.write_bytes(b"damaged")
    assert int(common.disk_cached("t", ("a", 1), slow)["x"].iloc[0]) == 3  # computed again


def test_disk_cache_that_cannot_be_written_only_costs_the_reuse(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(common.CACHE_ENV, str(blocker / "cache"))
    assert common.disk_cached("t", 1, lambda: 42) == 42
    assert common.cache_dir() == blocker / "cache"
    monkeypatch.delenv(common.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert common.cache_dir() == tmp_path / "wom-sim" / "dashboard"
