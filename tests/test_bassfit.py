"""Bass model fitting by nonlinear least squares (Bass 1969; Srinivasan and Mason 1986)."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, run
from sim.bassfit import (
    BassFit,
    bass_cdf,
    bass_density,
    bass_increments,
    fit_bass,
    fit_run,
    read_series,
    run_series,
)
from sim.cli.fit import add_fit_parser, cmd_fit_bass
from sim.errors import WomError

from .conftest import SCENARIOS

# The series of ../shared/MODEL.md and the estimates it is documented to give.
MODEL_SERIES = [840, 1470, 2110, 4000, 7590, 10950, 10530, 9470, 7790, 5890]
MODEL_M, MODEL_P, MODEL_Q = 68_000, 0.0066, 0.64


def test_closed_form_is_consistent():
    t = np.linspace(0.0, 30.0, 3001)
    f = bass_cdf(t, 0.03, 0.38)
    assert f[0] == 0.0 and f[-1] == pytest.approx(1.0, abs=1e-4)
    # f = dF/dt = (p + q F)(1 - F), and F at the peak t* = ln(q/p)/(p+q) is 0.4605.
    np.testing.assert_allclose(bass_density(t, 0.03, 0.38), (0.03 + 0.38 * f) * (1 - f),
                               rtol=1e-9)
    t_star = np.log(0.38 / 0.03) / 0.41
    assert float(bass_cdf(t_star, 0.03, 0.38)) == pytest.approx(0.4605, abs=5e-5)
    increments = bass_increments(np.arange(1, 31), 0.03, 0.38, 1000.0)
    assert increments.sum() == pytest.approx(1000 * bass_cdf(30, 0.03, 0.38))


def test_model_md_series_density_form_gives_the_documented_estimates():
    fit = fit_bass(MODEL_SERIES, form="density")
    print(fit)
    assert fit.m == pytest.approx(MODEL_M, rel=0.02)
    assert fit.p == pytest.approx(MODEL_P, rel=0.03)
    assert fit.q == pytest.approx(MODEL_Q, rel=0.02)


def test_model_md_series_increment_form():
    """The exact per-period form: m and q as documented; p differs (launch convention).

    p is identified by the first periods: counting period t as (t-1, t] gives 0.0088,
    1.24 standard errors above the documented 0.0066 (which the density form gives).
    """
    fit = fit_bass(MODEL_SERIES)
    print(fit)
    assert fit.form == "increment" and fit.n == 10 and fit.period == 1.0
    assert fit.m == pytest.approx(MODEL_M, rel=0.02)
    assert fit.q == pytest.approx(MODEL_Q, rel=0.02)
    assert abs(fit.p - MODEL_P) < 1.5 * fit.p_se
    np.testing.assert_allclose([fit.p, fit.q, fit.m], [0.008789, 0.64216, 67_660], rtol=1e-3)
    # Standard errors: positive, finite and small against the estimates.
    assert 0 < fit.p_se < fit.p and 0 < fit.q_se < 0.1 * fit.q and 0 < fit.m_se < 0.1 * fit.m
    assert fit.r2 > 0.95
    assert fit.t_peak == pytest.approx(np.log(fit.q / fit.p) / (fit.p + fit.q))
    assert fit.predict(np.arange(1, 11)).sum() == pytest.approx(sum(MODEL_SERIES), rel=0.02)


def synthetic(p: float, q: float, m: float, n: int, noise: float = 0.0,
              seed: int = 0, dt: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    times = dt * np.arange(1, n + 1)
    s = bass_increments(times, p, q, m, period=dt)
    if noise:
        s = s * (1 + noise * np.random.default_rng(seed).standard_normal(n))
    return times, s


@pytest.mark.parametrize(("p", "q", "m", "n"), [
    (0.03, 0.38, 10_000, 20),
    (0.01, 0.5, 250_000, 15),
    (0.002, 0.9, 1_000, 12),
    (0.1, 0.2, 50_000, 25),
])
def test_exact_synthetic_series_is_recovered(p, q, m, n):
    _, s = synthetic(p, q, m, n)
    fit = fit_bass(s)
    np.testing.assert_allclose([fit.p, fit.q, fit.m], [p, q, m], rtol=1e-4)
    assert fit.r2 == pytest.approx(1.0)


def test_noisy_synthetic_series_is_recovered_within_5_percent():
    # 3% multiplicative noise, fixed seed; 20 periods cover the peak and the decline.
    p, q, m = 0.03, 0.38, 10_000
    _, s = synthetic(p, q, m, 20, noise=0.03, seed=7)
    fit = fit_bass(s)
    print(fit)
    np.testing.assert_allclose([fit.p, fit.q, fit.m], [p, q, m], rtol=0.05)
    # The truth lies within three standard errors of each estimate.
    for value, se, truth in ((fit.p, fit.p_se, p), (fit.q, fit.q_se, q), (fit.m, fit.m_se, m)):
        assert abs(value - truth) < 3 * se


def test_times_in_other_units_scale_the_rates():
    # The same diffusion observed every 0.25 weeks: rates stay per week.
    times, s = synthetic(0.03, 0.38, 10_000, 100, dt=0.25)
    fit = fit_bass(s, times=times)
    np.testing.assert_allclose([fit.p, fit.q, fit.m], [0.03, 0.38, 10_000], rtol=1e-4)
    assert fit.period == 0.25
    np.testing.assert_allclose(fit.predict(times), s, rtol=1e-4, atol=1e-6)


def test_bounds_hold_m_at_least_the_observed_total():
    # A series still rising (before the peak): m cannot fall below what was observed.
    _, s = synthetic(0.01, 0.6, 5_000, 6)
    fit = fit_bass(s)
    assert fit.m >= s.sum() * (1 - 1e-9) and fit.p > 0 and fit.q > 0


@pytest.mark.parametrize(("series", "kwargs", "message"), [
    ([1, 2, 3], {}, "at least 4 periods"),
    ([1, 2, float("nan"), 3, 4], {}, "period 3 is not a finite number"),
    ([1, 2, -3, 3, 4], {}, "period 3 is negative"),
    ([0, 0, 0, 0], {}, "no adoptions"),
    ([1, 2, 3, 4], {"times": [1, 2, 4, 5]}, "equally spaced"),
    ([1, 2, 3, 4], {"times": [0, 1, 2, 3]}, "before the launch"),
    ([1, 2, 3, 4], {"times": [1, 2, 3]}, "expected 4 times"),
    ([1, 2, 3, 4], {"form": "cubic"}, "form must be"),
])
def test_bad_series_is_a_clear_error(series, kwargs, message):
    with pytest.raises(WomError, match=message):
        fit_bass(series, **kwargs)


def test_non_numeric_series_is_a_clear_error():
    with pytest.raises(WomError, match="must hold numbers"):
        fit_bass(["a", "b", "c", "d"])


def bass_recursion_increments(p: float, q: float, n: int, dt: float, steps: int) -> np.ndarray:
    f = np.zeros(steps + 1)
    for k in range(steps):
        f[k + 1] = f[k] + (p + q * f[k]) * (1 - f[k]) * dt
    return n * np.diff(f)


def test_fit_of_a_simulated_mixed_bass_run():
    """scenarios/bass.toml (N = 10,000, p = 0.03, q = 0.38) with dt = 0.2 for 30 weeks.

    Tolerances. The simulation is the discrete Bass recursion, whose continuous fit is
    biased by terms of order dt: fitting the recursion's exact increments at dt = 0.2
    gives p = 0.02788 (-7.1%), q = 0.3843 (+1.1%), m = 10,025, and the bias shrinks in
    proportion to dt (p: -3.6% at dt = 0.1). Across replications the fitted p has a
    standard deviation of about 0.0014 and q about 0.007, so the mean path of 20
    replications moves p by about 0.0003 (1%) and q by about 0.0016 (0.4%) per standard
    error. Hence: p within 10% of 0.03 (bias 7% plus 3 SE), q within 3% of 0.38 (1.1%
    plus 3 SE), and both within 4 SE of the fit of the deterministic recursion.
    """
    scenario = load_scenario(SCENARIOS / "bass.toml",
                             ["population.size=10000", "run.dt=0.2", "run.steps=150",
                              "run.replications=20"])
    frame = run(scenario, seed=1)
    fit = fit_run(frame)
    print(fit)
    assert fit.period == pytest.approx(0.2) and fit.n == 150
    assert fit.p == pytest.approx(0.03, rel=0.10)
    assert fit.q == pytest.approx(0.38, rel=0.03)
    assert fit.m == pytest.approx(10_000, rel=0.01)
    exact = fit_bass(bass_recursion_increments(0.03, 0.38, 10_000, 0.2, 150),
                     times=0.2 * np.arange(1, 151))
    assert abs(fit.p - exact.p) < 4 * 0.0003
    assert abs(fit.q - exact.q) < 4 * 0.0016
    # predict() gives adoptions per step, on the scale of the data.
    series = run_series(frame)
    assert np.abs(fit.predict(series["time"]) - series["mean"]).max() < 0.05 * \
        series["mean"].max()


def test_fit_run_picks_the_column_and_rejects_bad_tables():
    steps = np.arange(0, 21)
    times, s = synthetic(0.03, 0.38, 1000, 20)
    frame = pd.DataFrame({"replication": 0, "step": steps, "time": steps * 1.0,
                          "new_customers": np.r_[0.0, s], "new_adopters": 0.0})
    fit = fit_run(frame)
    np.testing.assert_allclose([fit.p, fit.q, fit.m], [0.03, 0.38, 1000], rtol=1e-4)
    with pytest.raises(WomError, match="neither"):
        fit_run(frame.drop(columns=["new_customers", "new_adopters"]))
    with pytest.raises(WomError, match="lacks column"):
        fit_run(frame, column="sales")
    with pytest.raises(WomError, match="several scenarios"):
        fit_run(pd.concat([frame.assign(scenario="a"), frame.assign(scenario="b")]))


# The command line, through an argparse parser built here as sim.cli builds it.

def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wom")
    sub = parser.add_subparsers(dest="command", required=True)
    add_fit_parser(sub)
    return parser.parse_args(["fit-bass", *argv])


def test_cli_json_output(tmp_path, capsys):
    path = tmp_path / "sales.csv"
    path.write_text("year,sales\n" + "".join(f"{1970 + k},{v}\n"
                                              for k, v in enumerate(MODEL_SERIES)))
    assert cmd_fit_bass(parse(str(path), "--json")) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    result = json.loads(out)
    assert set(result) == {"p", "q", "m", "p_se", "q_se", "m_se", "t_peak", "n"}
    assert result["n"] == 10 and result["m"] == pytest.approx(MODEL_M, rel=0.02)
    assert result["q"] == pytest.approx(MODEL_Q, rel=0.02)
    assert result["p"] == pytest.approx(MODEL_P, rel=0.03)  # the CLI's default form: density
    assert cmd_fit_bass(parse(str(path), "--json", "--form", "increment")) == 0
    assert json.loads(capsys.readouterr().out)["p"] == pytest.approx(0.0088, rel=0.03)


def test_cli_text_output_and_headerless_file(tmp_path, capsys):
    path = tmp_path / "series.txt"
    path.write_text("\n".join(str(v) for v in MODEL_SERIES) + "\n")
    assert cmd_fit_bass(parse(str(path))) == 0
    out = capsys.readouterr().out
    for word in ("p ", "q ", "m ", "peak", "SE", "R^2"):
        assert word in out
    assert "67,981" in out


def test_read_series_columns(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("# adoption data\nmonth;units;share\nJan;10;0.1\nFeb;20;0.2\n\n"
                    "Mar;30;0.3\n")
    values, name = read_series(path)
    assert name == "share" and list(values) == [0.1, 0.2, 0.3]
    values, name = read_series(path, "units")
    assert name == "units" and list(values) == [10, 20, 30]
    values, name = read_series(path, "2")
    assert name == "units"
    with pytest.raises(WomError, match="no column 'sales'"):
        read_series(path, "sales")
    with pytest.raises(WomError, match=r"line 3: column 'month': expected a number"):
        read_series(path, "month")


@pytest.mark.parametrize(("text", "message"), [
    ("t,sales\n1,10\n2,20\n3,x\n4,40\n", r"line 4: column 'sales': expected a number, "
                                         r"found 'x'"),
    ("t,sales\n1,10\n2,20,5\n3,30\n4,40\n", r"line 3: expected 2 fields, found 3"),
    ('t,sales\n1,10\n2,"20\n', r"line 3: malformed CSV"),
    ("t,sales\n1,10\n2,-20\n3,30\n4,40\n", r"line 3: column 'sales': adoptions must be >= 0"),
    ("t,sales\n", r"no data rows after the header"),
    ("", r"no data"),
    ("name,city\nann,paris\n", r"line 2: no numeric column"),
])
def test_cli_malformed_csv_names_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(WomError, match=message) as info:
        cmd_fit_bass(parse(str(path)))
    assert str(path) in str(info.value)


def test_cli_missing_file_and_too_few_points(tmp_path):
    with pytest.raises(WomError, match="no such file"):
        cmd_fit_bass(parse(str(tmp_path / "missing.csv")))
    path = tmp_path / "short.csv"
    path.write_text("sales\n10\n20\n30\n")
    with pytest.raises(WomError, match=r"short.csv: column 'sales': .*at least 4 periods"):
        cmd_fit_bass(parse(str(path), "--json"))


def test_bassfit_dataclass_round_trip():
    fit = fit_bass(MODEL_SERIES)
    assert isinstance(fit, BassFit)
    data = fit.as_dict()
    assert BassFit(**data) == fit
    assert fit.peak_rate == pytest.approx(fit.m * (fit.p + fit.q) ** 2 / (4 * fit.q))
