"""``wom robustness``: paired maps of B - A over a sweep design, resumable, with Sobol'."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main as wom
from sim.errors import WomError
from sim.metrics import kpis_per_replication, paired_difference
from sim.sweep import (
    RobustnessReport,
    analyze_robustness,
    plan_robustness,
    robustness_text,
    run_robustness,
)
from sim.sweep.design import point_scenario
from sim.sweep.robustness import DEFAULT_METRICS, RESULT, _winner

from .conftest import SCENARIOS

PUSH = str(SCENARIOS / "push.toml")
# The ads of the test are fixed here, not taken from push.toml's shipped levers.
SMALL = ["population.size=400", "ads.reach=0.4", "ads.frequency=3"]
GRID = ["product.price=40,50", "product.quality=0.7,0.9"]
RUN = {"replications": 3, "steps": 20, "seed": 3, "overrides": SMALL}


@pytest.fixture(scope="module")
def no_ads(tmp_path_factory) -> str:
    """Push on the same market with no marketing money: the ads never run."""
    path = tmp_path_factory.mktemp("scenarios") / "no_ads.toml"
    path.write_text(f'base = "{PUSH}"\nname = "no_ads"\n[budget]\ntotal = 0.0\n')
    return str(path)


@pytest.fixture(scope="module")
def grid_map(tmp_path_factory, no_ads):
    """no_ads (A) against push (B) on a 2 x 2 grid, 3 replications, in this process."""
    out = tmp_path_factory.mktemp("grid") / "map"
    plan = plan_robustness(no_ads, PUSH, GRID, **RUN)
    run_robustness(plan, out, workers=1, threads=1)
    return plan, out, analyze_robustness(out)


def test_paired_difference_is_a_student_t_interval_of_b_minus_a():
    a = np.array([10.0, 20.0, 30.0, 40.0])
    b = a + np.array([1.0, 2.0, 3.0, 2.0])
    diff = paired_difference(a, b)
    half = stats.t.ppf(0.975, 3) * np.std([1, 2, 3, 2], ddof=1) / 2
    assert diff["mean"] == pytest.approx(2.0)
    assert diff["low"] == pytest.approx(2.0 - half)
    assert diff["high"] == pytest.approx(2.0 + half)
    assert diff["significant"] and diff["n"] == 4
    noisy = paired_difference(a, a + np.array([3.0, -2.0, 1.0, -1.0]))
    assert noisy["low"] < 0 < noisy["high"] and not noisy["significant"]
    assert _winner("total_profit", diff) == "B"
    assert _winner("total_cost", paired_difference(a, b, lower_is_better=True)) == "A"
    assert _winner("top1_spend_ratio", diff) == "none"  # descriptive
    assert _winner("total_profit", noisy) == "none"


def test_the_summary_counts_winners_and_finds_sign_changes():
    table = pd.DataFrame({
        "point": range(6), "x": [1, 2, 3, 1, 2, 3], "y": ["u"] * 3 + ["v"] * 3,
        "metric": "total_profit", "diff": [-5.0, -1.0, 2.0, 1.0, 3.0, 4.0],
        "winner": ["A", "none", "none", "none", "B", "B"], "n": [3, 3, 3, 3, 3, 1]})
    params = [{"key": "x", "kind": "int", "values": [1, 2, 3]},
              {"key": "y", "kind": "choice", "values": ["u", "v"]}]
    text = robustness_text(RobustnessReport(table, ("p", "e"), params, "grid"))
    assert "A (p) wins 1, B (e) wins 2, no clear winner 3 of 6 points" in text
    assert "n/a (fewer than 2 paired values) at 1 of 6 points" in text
    assert "sign changes along x between 2 and 3 at y=u (winner none -> none)" in text
    assert "sign changes along y between u and v at x=1 (winner A -> none)" in text
    assert "sign changes along y between u and v at x=2 (winner none -> B)" in text
    assert text.count("sign changes") == 3


def test_the_csv_has_one_row_per_point_and_metric(grid_map):
    plan, out, report = grid_map
    table = pd.read_csv(out / RESULT)
    assert list(table.columns) == ["point", "product.price", "product.quality", "metric",
                                   "mean_a", "mean_b", "diff", "low", "high", "winner", "n"]
    assert len(table) == 4 * len(DEFAULT_METRICS)
    assert plan.metrics == list(DEFAULT_METRICS)
    assert set(table["winner"]) <= {"A", "B", "none"}
    assert np.allclose(table["diff"], table["mean_b"] - table["mean_a"], equal_nan=True)
    defined = table[table["metric"].isin(["total_profit", "final_customers"])]
    assert (defined["n"] == 3).all()
    assert (defined["low"] <= defined["diff"]).all()
    assert (defined["diff"] <= defined["high"]).all()
    # clv needs matured customers (budget.clv_weeks): n/a after 20 weeks, so no winner
    clv = table[table["metric"] == "final_clv"]
    assert (clv["n"] == 0).all() and clv["diff"].isna().all()
    assert (clv["winner"] == "none").all()
    assert sorted(set(zip(table["product.price"], table["product.quality"],
                          strict=True))) == [(40, 0.7), (40, 0.9), (50, 0.7), (50, 0.9)]


def test_a_lever_that_matters_gives_a_significant_winner(grid_map):
    """Ads with money win customers over no ads at every point, by a clear margin."""
    _, _, report = grid_map
    customers = report.table[report.table["metric"] == "final_customers"]
    assert (customers["winner"] == "B").all()
    assert (customers["low"] > 0).all()


def test_profit_npv_is_discounted_at_the_scenarios_rate(tmp_path, grid_map):
    """total_profit_npv of a map equals the KPI of a direct run of the same point."""
    plan, out, _ = grid_map
    shutil.copytree(out, tmp_path / "map")
    table = analyze_robustness(tmp_path / "map", ["total_profit", "total_profit_npv"],
                               plots=False).table
    npv = table[(table["metric"] == "total_profit_npv") & (table["point"] == 0)].iloc[0]
    data = plan.b.scenario.model_dump(mode="json", exclude_none=True)
    probe = point_scenario(data, plan.b.points[0], plan.b.source, 0)
    direct = kpis_per_replication(sim.run(probe, seed=plan.b.seed, steps=plan.b.steps,
                                          replications=plan.b.replications))
    assert npv["n"] == 3
    assert npv["mean_b"] == pytest.approx(direct["total_profit_npv"].mean(), rel=1e-9)
    profit = table[(table["metric"] == "total_profit") & (table["point"] == 0)].iloc[0]
    assert npv["mean_b"] != pytest.approx(profit["mean_b"], rel=1e-6)


def test_two_parameters_on_a_grid_give_a_heatmap(grid_map):
    _, out, report = grid_map
    for metric in DEFAULT_METRICS:
        png = out / f"robustness_{metric}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png in report.files


def test_a_against_itself_has_zero_difference_and_no_winner(tmp_path, capsys):
    out = tmp_path / "same"
    code = wom(["robustness", PUSH, PUSH, "--param", "product.price=40:60:3",
                "--set", "population.size=300", "--steps", "12", "--replications", "2",
                "--seed", "2", "--workers", "1", "--threads", "1", "--quiet", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out / RESULT)
    assert len(table) == 3 * len(DEFAULT_METRICS)
    finite = table["diff"].notna()
    assert finite.sum() >= 3 * 2  # profit and customers at least are always defined
    assert (table.loc[finite, ["diff", "low", "high"]] == 0).all().all()
    assert (table["winner"] == "none").all()
    assert (out / "robustness_total_profit.png").exists()
    printed = capsys.readouterr().out
    assert "A (push) wins 0, B (push#2) wins 0, no clear winner 3 of 3 points" in printed


def test_sobol_design_gives_indices_of_the_difference(tmp_path, no_ads):
    out = tmp_path / "sobol"
    plan = plan_robustness(no_ads, PUSH, ["product.price=30:70:2", "product.quality=0.6:0.9:2"],
                           design="sobol", samples=2, metrics=["final_customers"],
                           replications=2, steps=12, seed=4, overrides=SMALL)
    assert len(plan.a.points) == 2 * (2 * 2 + 2)
    run_robustness(plan, out, workers=1, threads=1)
    report = analyze_robustness(out)
    table = pd.read_csv(out / "sobol_final_customers.csv")
    assert list(table["parameter"]) == ["product.price", "product.quality"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    assert np.isfinite(table[["S1", "ST"]].to_numpy()).all()
    assert (out / "sobol_final_customers.png").exists()
    assert (out / "robustness_final_customers.png").exists()  # a scatter per parameter
    assert "final_customers" in report.sobol


def test_resume_recomputes_only_the_missing_part(tmp_path, grid_map, no_ads):
    plan, out, report = grid_map
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "b" / "parts" / "p000002_r0001.parquet").unlink()
    again = plan_robustness(no_ads, PUSH, GRID, **RUN)
    result_a, result_b = run_robustness(again, copy, workers=1, resume=True, threads=1)
    assert result_a.done_runs == 0
    assert result_b.skipped_points == 3 and result_b.done_runs == 3  # one point, whole
    resumed = analyze_robustness(copy)
    pd.testing.assert_frame_equal(resumed.table, report.table)


def test_a_directory_of_another_map_is_refused(tmp_path, grid_map, no_ads):
    _, out, _ = grid_map
    other = plan_robustness(PUSH, no_ads, GRID, **RUN)
    with pytest.raises(WomError, match="different robustness map"):
        run_robustness(other, out, workers=1, threads=1)


def test_an_unknown_metric_exits_2_listing_the_kpis(tmp_path, capsys):
    code = wom(["robustness", PUSH, PUSH, "--param", "product.price=40,60", "--metric",
                "profit", "--set", "population.size=300", "--steps", "4", "--out",
                str(tmp_path / "bad")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--metric profit: not a KPI of both scenarios" in err
    assert "total_profit" in err and "final_customers" in err
    assert not (tmp_path / "bad").exists()


def test_different_markets_are_refused_unless_allowed(tmp_path, capsys):
    cheap = tmp_path / "cheap.toml"
    cheap.write_text(f'base = "{PUSH}"\n[product]\nquality = 0.5\n')
    args = ["robustness", PUSH, str(cheap), "--param", "ads.reach=0.2,0.4", "--set",
            "population.size=300", "--steps", "4", "--replications", "2", "--workers", "1",
            "--quiet", "--out", str(tmp_path / "m")]
    assert wom(args) == 2
    err = capsys.readouterr().err
    assert "different markets" in err and "product.quality (A 0.85, B 0.5)" in err
    assert wom([*args, "--allow-different-markets"]) == 0
    assert "differ in market keys: product.quality" in capsys.readouterr().out
