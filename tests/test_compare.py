"""KPIs with confidence intervals, paired scenario comparisons and ``wom compare``."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import sim
from sim.cli import main
from sim.comparison import compare
from sim.metrics import (
    NO_WINNER,
    kpis_per_replication,
    summarize,
)

from .conftest import SCENARIOS

SMALL = ["population.size=2000"]
NAN = math.nan


def tidy(columns: dict[str, list[list[float]]], population: int = 100) -> pd.DataFrame:
    """A result table from per-replication series: ``{column: [rep0 steps, rep1 steps]}``."""
    reps = len(next(iter(columns.values())))
    steps = len(next(iter(columns.values()))[0])
    frame = pd.DataFrame({
        "replication": np.repeat(np.arange(reps), steps),
        "step": np.tile(np.arange(steps), reps),
        "time": np.tile(np.arange(steps), reps).astype(float),
        "seed": 0,
        "population": population,
    })
    for name, series in columns.items():
        frame[name] = np.concatenate([np.asarray(s, dtype=float) for s in series])
    return frame


# Three replications of steps 0, 1, 2 of a commerce table.
COMMERCE = {
    "adopted": [[2, 5, 12], [0, 4, 8], [1, 1, 1]],
    "customers": [[2, 4, 10], [0, 3, 6], [1, 1, 0]],
    "revenue": [[0, 200, 300], [0, 100, 150], [0, 0, 0]],
    "cost": [[0, 100, 50], [0, 40, 40], [0, 0, 0]],
    "profit": [[0, 30, 60], [0, -10, 35], [0, 0, 0]],
    "churned": [[0, 1, 0], [0, 0, 2], [0, 0, 1]],
    "shares": [[0, 3, 4], [0, 1, 1], [0, 0, 0]],
    "reviews": [[0, 1, 1], [0, 0, 1], [0, 0, 0]],
    "mean_rating": [[NAN, 4, 4], [NAN, NAN, 4.5], [NAN, NAN, NAN]],
    "nps": [[NAN, 0, 10], [NAN, 0, -5], [NAN, 0, 30]],
    "community_members": [[0, 0, 0], [0, 5, 10], [0, 5, 5]],
    "clv": [[NAN, NAN, 80], [NAN, NAN, NAN], [NAN, NAN, 20]],
    "member_conversion": [[NAN, NAN, NAN], [NAN, 0.2, 0.5], [NAN, 0.2, 0.2]],
    "nonmember_conversion": [[0, 0.05, 0.1], [0, 0.1, 0.25], [0, 0, 0]],
    "member_spend": [[NAN, NAN, NAN], [NAN, 20, 30], [NAN, 20, 20]],
    "nonmember_spend": [[NAN, 10, 10], [NAN, 10, 15], [NAN, 40, 40]],
    "top1_spend_ratio": [[NAN, 2, 3], [NAN, 2, 4], [NAN, 1, 5]],
    "customers_ad": [[2, 4, 10], [0, 3, 6], [1, 1, 0]],
    "clv_ad": [[NAN, NAN, 70], [NAN, NAN, 50], [NAN, NAN, 30]],
}

# What each replication's KPIs must be (NaN: cannot be computed there).
EXPECTED = {
    "final_adopted": [12, 8, 1],
    "final_customers": [10, 6, 0],
    "total_revenue": [500, 250, 0],
    "total_cost": [150, 80, 0],
    "total_profit": [90, 25, 0],
    "roi": [90 / 150, 25 / 80, NAN],           # no marketing cost: no ROI
    "cost_per_acquisition": [150 / 10, 80 / 8, NAN],  # nobody acquired: no CPA
    "total_churned": [1, 2, 1],
    "final_clv": [80, NAN, 20],
    "final_clv_ad": [70, 50, 30],
    "final_nps": [10, -5, 30],
    "final_mean_rating": [4, 4.5, NAN],
    "total_shares": [7, 2, 0],
    "total_reviews": [2, 1, 0],
    "final_community_members": [0, 10, 5],
    "member_conversion_ratio": [NAN, 2, NAN],  # nonmember conversion 0: no ratio
    "member_spend_ratio": [NAN, 2, 0.5],
    "top1_spend_ratio": [3, 4, 5],
}


def expected_row(values: list[float]) -> list[float]:
    data = np.array([v for v in values if not math.isnan(v)], dtype=float)
    mean = data.mean()
    if data.size < 2:
        return [mean, NAN, NAN, NAN, data.size]
    sd = data.std(ddof=1)
    half = stats.t.ppf(0.975, data.size - 1) * sd / math.sqrt(data.size)
    return [mean, mean - half, mean + half, sd, data.size]


def test_kpis_per_replication_of_a_hand_made_commerce_table():
    frame = tidy(COMMERCE).sample(frac=1.0, random_state=3)  # row order must not matter
    kpis = kpis_per_replication(frame)
    assert list(kpis.index) == [0, 1, 2]
    assert list(kpis.columns) == list(EXPECTED)  # no week_k_customers: only 2 steps
    for name, values in EXPECTED.items():
        assert_allclose(kpis[name].to_numpy(), values, err_msg=name)


def test_summarize_gives_t_based_intervals_and_counts_nan_aware():
    summary = summarize(tidy(COMMERCE))
    assert list(summary.columns) == ["kpi", "mean", "ci_low", "ci_high", "sd", "replications"]
    assert list(summary["kpi"]) == list(EXPECTED)
    got = summary.set_index("kpi")
    for name, values in EXPECTED.items():
        assert_allclose(got.loc[name].to_numpy(dtype=float), expected_row(values),
                        err_msg=name)
    # The ROI is averaged over the two replications with marketing cost.
    assert got.loc["roi", "replications"] == 2
    assert got.loc["roi", "mean"] == pytest.approx((0.6 + 0.3125) / 2)
    assert got.loc["final_adopted", "ci_high"] == pytest.approx(
        7 + stats.t.ppf(0.975, 2) * np.std([12, 8, 1], ddof=1) / math.sqrt(3))


def test_one_replication_has_no_interval():
    summary = summarize(tidy(COMMERCE).query("replication == 0")).set_index("kpi")
    assert summary.loc["total_profit", "mean"] == 90
    assert summary.loc["total_profit", "replications"] == 1
    assert summary.loc["total_profit", ["ci_low", "ci_high", "sd"]].isna().all()


def test_week_milestones_and_preset_kpis():
    weeks = tidy({name: [[*series[0], *[series[0][-1]] * 3]] for name, series in
                  COMMERCE.items()})
    kpis = kpis_per_replication(weeks)  # steps 0..5: week 4 present, week 13 not
    assert kpis.loc[0, "week_4_customers"] == 10
    assert "week_13_customers" not in kpis
    preset = tidy({"adopted": [[3, 8, 10, 10], [3, 3, 3, 3]],
                   "new_adopters": [[3, 5, 2, 0], [3, 0, 0, 0]]}, population=20)
    kpis = kpis_per_replication(preset)
    assert list(kpis.columns) == ["final_adopted", "adopted_share", "peak_step"]
    assert_allclose(kpis.to_numpy(), [[10, 0.5, 1], [3, 0.15, NAN]])


@pytest.fixture(scope="module")
def comparison():
    """push vs engagement vs push with a deeper discount, 12 paired replications."""
    scenarios = [sim.load_scenario(SCENARIOS / "push.toml", SMALL),
                 sim.load_scenario(SCENARIOS / "engagement.toml", SMALL),
                 sim.load_scenario(SCENARIOS / "push.toml", [*SMALL, "promotions.discount=0.25"])]
    return compare(scenarios, steps=40, replications=12)


def widths(kpis: pd.DataFrame, label: str, kpi: str) -> tuple[float, float]:
    """(paired CI width of label - first, width of the unpaired two-sample CI)."""
    rows = kpis[kpis["kpi"] == kpi].set_index("scenario")
    first, other = rows.iloc[0], rows.loc[label]
    n = other["replications"]
    unpaired = 2 * stats.t.ppf(0.975, 2 * n - 2) * math.sqrt(
        (first["sd"] ** 2 + other["sd"] ** 2) / n)
    return other["diff_ci_high"] - other["diff_ci_low"], unpaired


def test_compare_returns_every_scenario_and_paired_differences(comparison):
    combined, kpis = comparison
    labels = ["push", "engagement", "push#2"]
    assert combined.columns[0] == "scenario"
    assert list(combined["scenario"].unique()) == labels
    assert len(combined) == 3 * 12 * 41
    assert (combined["seed"] == 1).all()  # market.toml's run.seed
    assert [r["label"] for r in combined.attrs["scenarios"]] == labels
    assert list(kpis["scenario"][:3]) == labels
    assert kpis.groupby("kpi", sort=False).size().eq(3).all()
    assert list(kpis["kpi"].unique()) == list(
        kpis_per_replication(combined[combined["scenario"] == "push"], rate=0.1).columns)
    first = kpis[kpis["scenario"] == "push"]
    assert first[["diff_mean", "diff_ci_low", "diff_ci_high"]].isna().all().all()
    revenue = kpis[kpis["kpi"] == "total_revenue"].set_index("scenario")
    assert revenue.loc["engagement", "diff_mean"] == pytest.approx(
        revenue.loc["engagement", "mean"] - revenue.loc["push", "mean"])
    for kpi, best in (("total_cost", "idxmin"), ("total_profit", "idxmax"),
                      ("week_13_customers", "idxmax")):
        rows = kpis[kpis["kpi"] == kpi].set_index("scenario")
        assert rows["verdict"].iloc[0] in (getattr(rows["mean"], best)(), "no clear winner")
        assert rows["winner"].iloc[0] in (getattr(rows["mean"], best)(), "")
    assert kpis.attrs["multiple_comparisons"] == "Holm-adjusted over the 3 pairs of each KPI"
    # push's early lead over engagement is large: decided even after Holm's adjustment.
    early = kpis[kpis["kpi"] == "week_13_customers"].set_index("scenario")
    assert early.loc["engagement", "diff_significant"]


def test_common_random_numbers_tighten_the_differences(comparison):
    _, kpis = comparison
    for kpi in ("final_adopted", "total_revenue", "total_profit"):
        # push vs engagement: replications correlate (about 0.4-0.7) through the
        # shared consumer traits and draws.
        paired, unpaired = widths(kpis, "engagement", kpi)
        assert paired < unpaired, kpi
        # A small change of the same strategy: almost perfectly correlated.
        paired, unpaired = widths(kpis, "push#2", kpi)
        assert paired < 0.5 * unpaired, kpi


def test_a_scenario_against_itself_differs_by_exactly_zero():
    push = sim.load_scenario(SCENARIOS / "push.toml", SMALL)
    reseeded = sim.load_scenario(SCENARIOS / "push.toml", [*SMALL, "run.seed=7"])
    combined, kpis = compare([push, reseeded], steps=30, replications=4)
    assert (combined["seed"] == 1).all()  # the first scenario's seed for both
    later = kpis[kpis["scenario"] == "push#2"]
    valued = later[later["diff_replications"] > 0]
    assert len(valued) >= 10
    assert (valued["diff_mean"] == 0).all()
    assert (valued["diff_ci_low"] == 0).all() and (valued["diff_ci_high"] == 0).all()
    decided = kpis[~kpis["kpi"].isin(NO_WINNER) & kpis["mean"].notna()]
    assert (decided["winner"] == "").all()
    assert (decided["verdict"] == "no clear winner").all()
    assert not kpis["diff_significant"].any()
    assert kpis.attrs["spend_gap"] == 0 and not kpis.attrs["spend_gap_flagged"]
    assert kpis.attrs["multiple_comparisons"] == "none (one pair)"


def test_wom_compare_prints_the_table_and_writes_out(tmp_path, capsys):
    out = tmp_path / "cmp.csv"
    code = main(["compare", str(SCENARIOS / "push.toml"), str(SCENARIOS / "engagement.toml"),
                 "--set", "population.size=2000", "--replications", "4", "--steps", "30",
                 "--seed", "3", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    header = next(line for line in lines if line.startswith("kpi "))
    assert header.split() == ["kpi", "push", "engagement", "diff", "vs", "push", "winner"]
    profit = next(line for line in lines if line.startswith("total_profit "))
    assert profit.count("[") == 3
    assert profit.endswith(("push", "engagement", "no clear winner"))
    assert "winner: only when the paired 95% CI of the difference excludes 0" in printed
    assert "spend         push " in printed and "total_profit_npv " in printed
    assert "seed 3" in printed and "replications 4" in printed
    assert "lower is better for cost_per_acquisition" in printed
    frame = pd.read_csv(out)
    assert list(frame["scenario"].unique()) == ["push", "engagement"]
    assert len(frame) == 2 * 4 * 31 and (frame["seed"] == 3).all()
    meta = json.loads((tmp_path / "cmp.csv.json").read_text())
    assert [r["label"] for r in meta["scenarios"]] == ["push", "engagement"]


def test_wom_run_prints_commerce_kpis(capsys):
    assert main(["run", str(SCENARIOS / "push.toml"), "--set", "population.size=2000",
                 "--replications", "3", "--steps", "20"]) == 0
    printed = capsys.readouterr().out
    assert "adopted" in printed and "KPIs" in printed
    assert "  total_profit " in printed and "  roi " in printed
    assert main(["run", str(SCENARIOS / "bass.toml"), "--replications", "2",
                 "--steps", "5"]) == 0
    assert "KPIs" not in capsys.readouterr().out


def test_compare_needs_two_scenarios(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compare", str(SCENARIOS / "push.toml")])
    assert info.value.code == 2
    assert "at least 2" in capsys.readouterr().err
    with pytest.raises(sim.WomError, match="at least 2"):
        compare([SCENARIOS / "push.toml"])


PUSH, ENGAGEMENT = str(SCENARIOS / "push.toml"), str(SCENARIOS / "engagement.toml")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([PUSH, ENGAGEMENT, "--set", "diffusion.colour=1"], "diffusion.colour: unknown key"),
        ([PUSH, ENGAGEMENT, "--set", "ads.reach=2"], "--set ads.reach"),
        ([PUSH, "missing.toml"], "missing.toml: no such scenario file"),
        ([PUSH, ENGAGEMENT, "--out", "x.xlsx"], "expected a .parquet or"),
    ],
)
def test_bad_compare_input_is_one_message_and_exit_2(args, expected, capsys):
    assert main(["compare", *args, "--steps", "2", "--replications", "1"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("wom: error:") == 1 and "Traceback" not in err
