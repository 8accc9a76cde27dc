"""The one significance rule, fair comparisons (one market, equal spend) and NPV."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.comparison import compare, market_differences, spend_summary
from sim.metrics import holm, kpis_per_replication, paired_difference, significant, winner
from sim.scenario import field_info

from .conftest import SCENARIOS
from .test_compare import COMMERCE, tidy

NAN = math.nan
SMALL = ["population.size=1000"]

# Three scenarios, 8 paired replications: B beats A with p = 0.033 (the unadjusted 95%
# interval excludes 0) and C with p = 0.00025; A and C do not differ (p = 0.49).
A = np.zeros(8)
B = np.array([3.0, 1, 2, -1, 4, 0, 2, 1])
C = np.array([1.0, -1, 1, -2, 1, -1, 0, -1.5])


def test_significant_needs_an_interval_that_excludes_zero():
    assert significant(0.1, 2.0) and significant(-3.0, -0.5)
    assert not significant(-0.1, 2.0) and not significant(0.0, 0.0)
    assert not significant(NAN, 1.0) and not significant(0.5, NAN)


def test_paired_difference_is_the_paired_t_interval():
    d = paired_difference(A, B)
    sd = np.std(B, ddof=1)
    half = stats.t.ppf(0.975, 7) * sd / math.sqrt(8)
    assert d["mean"] == pytest.approx(1.5)
    assert (d["low"], d["high"]) == pytest.approx((1.5 - half, 1.5 + half))
    assert d["se"] == pytest.approx(sd / math.sqrt(8)) and d["n"] == 8
    assert d["p_value"] == pytest.approx(stats.ttest_rel(B, A).pvalue)
    assert d["significant"] and d["winner_side"] == "b"
    assert paired_difference(A, B, lower_is_better=True)["winner_side"] == "a"
    same = paired_difference(B, B)
    assert same["mean"] == 0 and same["p_value"] == 1 and not same["significant"]
    assert same["winner_side"] is None
    # NaN pairs are left out; one pair has no interval and decides nothing.
    one = paired_difference([1.0, NAN, 2.0], [3.0, 4.0, NAN])
    assert one["n"] == 1 and math.isnan(one["low"]) and not one["significant"]


def test_a_difference_whose_interval_includes_zero_has_no_clear_winner():
    noisy = np.array([2.0, -1, 3, -2, 1, 0, -1, 1])  # mean 0.375, CI about [-1.1, 1.9]
    decision = winner("total_profit", {"push": A, "engagement": noisy})
    assert decision["winner"] == "" and decision["verdict"] == "no clear winner"
    assert decision["adjustment"] == "none"
    clear = winner("total_profit", {"push": A, "engagement": B})
    assert clear["winner"] == "engagement" and clear["verdict"] == "engagement"
    cost = winner("total_cost", {"push": A, "engagement": B})  # lower is better
    assert cost["winner"] == "push"


def test_a_kpi_missing_in_any_scenario_has_no_winner():
    decision = winner("roi", {"bass": [NAN, NAN, NAN], "push": [1.0, 2.0, 3.0]})
    assert decision["winner"] == "" and decision["verdict"] == "n/a for bass"
    assert winner("peak_step", {"a": A, "b": B + 10})["verdict"] == "descriptive"


def test_holm_adjustment():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.2, NAN]) == pytest.approx([0.4, 1.0])
    assert holm([0.03]) == pytest.approx([0.03])


def test_holm_with_three_scenarios_withholds_a_winner_that_two_would_name():
    assert winner("total_profit", {"A": A, "B": B})["winner"] == "B"
    decision = winner("total_profit", {"A": A, "B": B, "C": C})
    assert decision["adjustment"] == "Holm"
    pairs = {(p["a"], p["b"]): p for p in decision["pairs"]}
    assert pairs["A", "B"]["p_value"] == pytest.approx(0.0331, abs=1e-4)
    assert pairs["A", "B"]["p_adjusted"] == pytest.approx(2 * pairs["A", "B"]["p_value"])
    assert not pairs["A", "B"]["significant"] and pairs["B", "C"]["significant"]
    assert decision["winner"] == "" and decision["verdict"] == "no clear winner"
    # A clearer lead survives the adjustment.
    decision = winner("total_profit", {"A": A, "B": B + 2, "C": C})
    assert decision["winner"] == "B"


def test_npv_discounts_each_week_like_clv():
    frame = tidy(COMMERCE)
    rate = 0.10
    kpis = kpis_per_replication(frame, rate=rate)
    profits = np.array(COMMERCE["profit"], dtype=float)[:, 1:]  # steps 1 and 2
    factors = np.array([1.0, 1.1 ** (-1 / 52)])  # week 1 in full, week 2 one week later
    np.testing.assert_allclose(kpis["total_profit_npv"], profits @ factors)
    assert kpis.loc[0, "total_profit_npv"] == pytest.approx(30 + 60 / 1.1 ** (1 / 52))
    assert "total_profit_npv" not in kpis_per_replication(frame)  # no rate known
    frame.attrs = {"scenario": {"budget": {"clv_discount": rate}}}
    np.testing.assert_allclose(kpis_per_replication(frame)["total_profit_npv"],
                               kpis["total_profit_npv"])


def test_npv_of_a_run_is_below_the_undiscounted_profit():
    frame = sim.run(sim.load_scenario(SCENARIOS / "push.toml", SMALL), replications=2,
                    steps=60)
    kpis = kpis_per_replication(frame)
    weeks = np.arange(60)
    profit = frame[frame["step"] > 0].pivot(index="replication", columns="step",
                                            values="profit").to_numpy()
    np.testing.assert_allclose(kpis["total_profit_npv"], profit @ 1.1 ** (-weeks / 52))
    assert (kpis["total_profit_npv"] < kpis["total_profit"]).all()


def test_spend_summary_flags_a_gap_over_two_percent():
    def frame(spends: list[float]) -> pd.DataFrame:
        return pd.DataFrame({"replication": range(len(spends)), "step": 5,
                             "cumulative_cost": spends})
    close = spend_summary({"a": frame([100.0, 100.0]), "b": frame([101.0, 102.0])})
    assert close["spend_gap"] == pytest.approx(0.015) and not close["spend_gap_flagged"]
    assert close["spend"]["b"]["mean"] == pytest.approx(101.5)
    far = spend_summary({"a": frame([100.0, 100.0]), "b": frame([103.0, 103.0])})
    assert far["spend_gap"] == pytest.approx(0.03) and far["spend_gap_flagged"]
    none = spend_summary({"a": frame([0.0]), "b": frame([50.0])})
    assert none["spend_gap"] == math.inf and none["spend_gap_flagged"]


def test_different_markets_are_refused_and_named():
    push = sim.load_scenario(SCENARIOS / "push.toml", SMALL)
    dearer = sim.load_scenario(SCENARIOS / "push.toml", [*SMALL, "ads.cost_per_exposure=0.06"])
    assert market_differences([push, dearer], ["push", "dearer"]) == {
        "ads.cost_per_exposure": {"push": 0.05, "dearer": 0.06}}
    with pytest.raises(sim.WomError, match=r"ads\.cost_per_exposure \(push 0\.05, "
                                           r"push#2 0\.06\)"):
        compare([push, dearer], steps=2, replications=1)


def test_wom_compare_refuses_different_markets_with_exit_2(capsys):
    code = main(["compare", str(SCENARIOS / "bass.toml"), str(SCENARIOS / "push.toml"),
                 "--steps", "3", "--replications", "2"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("wom: error:") == 1
    assert "diffusion.model (bass 'bass', push 'commerce')" in err
    assert "--allow-different-markets" in err


def test_allowed_different_models_warn_in_the_output_and_the_api(capsys):
    code = main(["compare", str(SCENARIOS / "bass.toml"), str(SCENARIOS / "push.toml"),
                 "--set", "population.size=1000", "--steps", "5", "--replications", "2",
                 "--allow-different-markets"])
    assert code == 0
    out = capsys.readouterr().out
    assert "WARNING       DIFFERENT MODELS: bass uses bass, push uses commerce" in out
    assert "WARNING       DIFFERENT MARKETS (allowed): " in out
    profit = next(line for line in out.splitlines() if line.startswith("total_profit "))
    assert profit.endswith("n/a for bass")
    with pytest.warns(UserWarning, match="DIFFERENT MODELS"):
        _, kpis = compare([SCENARIOS / "bass.toml", SCENARIOS / "push.toml"], steps=3,
                          replications=2, allow_different_markets=True)
    assert kpis.attrs["models"] == {"bass": "bass", "push": "commerce"}
    assert "diffusion.model" in kpis.attrs["different_markets"]
    assert (kpis["winner"][kpis["kpi"] == "total_profit"] == "").all()


def _chain(path) -> list[dict]:
    """The TOML tables of a scenario file and of its bases, the file's own first."""
    data = tomllib.loads(path.read_text())
    base = data.pop("base", None)
    return [data, *(_chain(path.parent / base) if base else [])]


def _keys(table: dict, prefix: str = "") -> list[str]:
    out = []
    for key, value in table.items():
        if isinstance(value, dict):
            out.extend(_keys(value, f"{prefix}{key}."))
        else:
            out.append(prefix + key)
    return out


@pytest.mark.parametrize("path", sorted(p for p in SCENARIOS.glob("*.toml")
                                        if p.stem != "market"), ids=lambda p: p.stem)
def test_strategy_scenarios_set_only_levers(path):
    """A strategy extends market.toml and sets only lever and run keys: every strategy
    pays the market's prices and faces the same consumers."""
    chain = _chain(path)
    if len(chain) == 1:
        pytest.skip(f"{path.stem} does not extend market.toml (a classic preset)")
    own = [key for table in chain[:-1] for key in _keys(table)]
    roles = {key: field_info(key).role for key in own}
    assert {key: role for key, role in roles.items() if role == "market"} == {}
