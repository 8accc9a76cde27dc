"""The experiment scripts: each --quick run writes its figure and its table.

Every script's ``main(["--quick", "--outdir", DIR])`` runs in this process (the numba
kernels are compiled once for all of them) and must write ``DIR/img/<name>.png`` and
``DIR/data/<name>.csv`` with the documented columns. The numbers themselves are checked
where they matter (Bass fits in test_bassfit.py, the model in its own tests); here only
the facts every quick run must show.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from .conftest import ROOT

EXPERIMENTS = ROOT / "experiments"

COLUMNS = {
    "push_vs_engagement": {"scenario", "week", "metric", "mean", "ci_low", "ci_high",
                           "replications"},
    "ad_frequency": {"frequency", "conversions_mean", "conversions_ci_low",
                     "conversions_ci_high", "brand_trust_mean", "fatigue_mean",
                     "diff_vs_best_mean", "replications"},
    "seeding_strategies": {"network", "p", "strategy", "mean", "ci_low", "ci_high",
                           "replications", "lift_vs_random", "diff_vs_degree_mean"},
    "reviews": {"panel", "reviews", "mean_rating", "lift"},
    "bass_fit": {"series", "time", "observed_mean", "observed_ci_low", "observed_ci_high",
                 "fitted"},
    "sensitivity": {"metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"},
    "strategy_levers": {"strategy", "shipped", "best", "npv_mean", "npv_ci_low",
                        "npv_ci_high", "spend_mean", "replications",
                        "best_minus_point_mean", "significantly_below_best"},
    "findings": {"map", "point", "metric", "mean_a", "mean_b", "diff", "low", "high",
                 "winner", "n", "population"},
}


def load(name: str) -> ModuleType:
    """Import experiments/<name>.py (with experiments/ on the path for its helpers)."""
    if str(EXPERIMENTS) not in sys.path:
        sys.path.insert(0, str(EXPERIMENTS))
    spec = importlib.util.spec_from_file_location(f"experiment_{name}", EXPERIMENTS /
                                                  f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quick(name: str, outdir: Path) -> pd.DataFrame:
    assert load(name).main(["--quick", "--outdir", str(outdir)]) == 0
    png, csv = outdir / "img" / f"{name}.png", outdir / "data" / f"{name}.csv"
    assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(csv)
    assert COLUMNS[name] <= set(table.columns), COLUMNS[name] - set(table.columns)
    assert len(table) > 0
    return table


def test_the_scripts_exist():
    assert all((EXPERIMENTS / f"{name}.py").is_file() for name in COLUMNS)


def test_push_vs_engagement(tmp_path):
    table = quick("push_vs_engagement", tmp_path)
    assert set(table["scenario"]) == {"push", "engagement", "engagement - push"}
    assert set(table["metric"]) == {"customers", "cumulative_profit", "clv", "nps"}
    assert table["week"].max() == 104
    ok = table.dropna(subset=["ci_low"])
    assert (ok["ci_low"] <= ok["mean"]).all() and (ok["mean"] <= ok["ci_high"]).all()


def test_ad_frequency(tmp_path):
    table = quick("ad_frequency", tmp_path)
    assert table["frequency"].tolist() == [0, 2, 4, 8, 12]
    conversions = table.set_index("frequency")["conversions_mean"]
    # Fatigue: advertising helps at first, and too much of it converts fewer.
    assert conversions[4] > conversions[0] and conversions[12] < conversions.max()
    assert table["brand_trust_mean"].iloc[-1] < table["brand_trust_mean"].iloc[0]


def test_seeding_strategies(tmp_path):
    table = quick("seeding_strategies", tmp_path)
    assert set(table["strategy"]) == {"random", "degree", "pagerank", "kcore", "celf",
                                      "community"}
    low = table[table["p"] == table["p"].min()].set_index("strategy")["mean"]
    assert low["degree"] > low["random"]


def test_reviews(tmp_path):
    table = quick("reviews", tmp_path)
    counts = table[table["panel"] == "count"].set_index(["mean_rating", "reviews"])["lift"]
    assert counts[(4.4, 0)] == pytest.approx(1.0)
    assert counts[(4.4, 5)] == pytest.approx(2.7, abs=0.01)
    ratings = table[table["panel"] == "rating"].set_index("mean_rating")["lift"]
    assert 4.0 <= ratings.idxmax() <= 4.7 and ratings[5.0] < ratings.max()
    assert (table["lift"] >= 0).all()


def test_bass_fit(tmp_path):
    table = quick("bass_fit", tmp_path)
    assert set(table["series"]) == {"bass dt=1", "bass dt=0.2", "engagement", "push"}
    params = pd.read_csv(tmp_path / "data" / "bass_fit_params.csv").set_index("series")
    assert {"p", "p_se", "q", "q_se", "m", "m_se"} <= set(params.columns)
    assert params.loc["bass dt=0.2", "q"] == pytest.approx(0.38, rel=0.1)


def test_sensitivity(tmp_path):
    table = quick("sensitivity", tmp_path)
    assert set(table["metric"]) == {"profit", "clv"}
    assert len(table) == 2 * 6  # two metrics, six parameters


def test_strategy_levers(tmp_path):
    table = quick("strategy_levers", tmp_path)
    module = load("strategy_levers")
    for name, levers in module.LEVERS.items():
        rows = table[table["strategy"] == name]
        assert set(levers) <= set(rows.columns)
        assert rows["shipped"].sum() == 1 and rows["best"].sum() == 1
        # The best point has the highest mean; nothing is above it.
        assert rows.loc[rows["best"], "npv_mean"].item() == rows["npv_mean"].max()
        assert (rows["best_minus_point_mean"] >= -1e-6).all()
        assert not rows.loc[rows["best"], "significantly_below_best"].item()
        assert (rows["spend_mean"] >= 0).all()
    best = pd.read_csv(tmp_path / "data" / "strategy_levers_best.csv")
    assert list(best["strategy"]) == list(module.LEVERS)
    assert {"best_levers", "shipped_levers", "fresh_diff_mean", "fresh_diff_ci_low",
            "fresh_diff_ci_high", "shipped_significantly_below_best"} <= set(best.columns)


def test_findings(tmp_path):
    table = quick("findings", tmp_path)
    network = [f"network_{kind}" for kind in ("clustered", "barabasi_albert", "erdos_renyi",
                                              "watts_strogatz")]
    assert set(table["map"]) == {"quality_horizon", "price_trust", "sobol", *network}
    assert set(table["metric"]) == {"total_profit", "total_profit_npv", "final_clv",
                                    "final_nps", "final_customers", "total_cost"}
    grids = table[table["map"] != "sobol"]
    points = grids.groupby("map")["point"].nunique()
    assert points["quality_horizon"] == points["price_trust"] == 4  # 2 x 2 grids
    assert (points[network] == 2).all()  # two mean degrees per network kind
    profit = grids[grids["metric"] == "total_profit"]
    assert (profit["n"] == 2).all() and (profit["low"] <= profit["diff"]).all()
    assert set(table["winner"]) <= {"A", "B", "none"}
    spend = grids[grids["metric"] == "total_cost"]  # the spend of each strategy, per point
    assert (spend["mean_a"] > 0).all() and (spend["mean_b"] > 0).all()
    assert set(table.loc[table["map"] == "quality_horizon", "run.steps"]) == {26, 52}
    sobol = pd.read_csv(tmp_path / "data" / "findings_sobol.csv")
    assert set(sobol.groupby("metric").size()) == {3}
    for name in ("quality_horizon", "price_trust", "sobol"):
        assert (tmp_path / "img" / f"findings_{name}_total_profit.png").is_file()
