"""The fully mixed preset reduces to the Bass model (Bass 1969).

Tolerances: with N = 10,000 consumers the adopted share of one replication has a
standard deviation of at most about sqrt(0.25 / N) * 3 = 0.015 around its mean path,
so a mean over R replications has a standard error under 0.015 / sqrt(R).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import run
from sim.experiment import adoption_array
from sim.validate.exact import bass_closed_form, bass_recursion

from .conftest import SCENARIOS, make_scenario

P, Q, N = 0.03, 0.38, 10_000


def mixed_bass(dt: float, horizon: float, replications: int, seed: int = 1) -> np.ndarray:
    sc = make_scenario(population={"size": N}, network={"kind": "mixed"},
                       diffusion={"model": "bass", "p": P, "q": Q},
                       run={"steps": round(horizon / dt), "dt": dt,
                            "replications": replications})
    return adoption_array(run(sc, seed=seed)).mean(axis=0) / N


def test_mean_path_matches_discrete_recursion():
    # 40 replications: standard error < 0.015 / sqrt(40) = 0.0024, well inside 0.005
    mean = mixed_bass(1.0, 30, 40)
    gap = np.abs(mean - bass_recursion(P, Q, 30))
    assert gap.max() < 0.005, gap.max()


def test_shipped_bass_scenario_matches_recursion():
    frame = run(SCENARIOS / "bass.toml")
    sc_steps = int(frame["step"].max())
    mean = adoption_array(frame).mean(axis=0) / frame["population"].iloc[0]
    assert np.abs(mean - bass_recursion(P, Q, sc_steps)).max() < 0.005


def test_closed_form_approached_as_the_step_shrinks():
    t = np.arange(0, 21)
    exact = bass_closed_form(P, Q, t.astype(float))
    errors = []
    for dt in (1.0, 0.5, 0.1):
        mean = mixed_bass(dt, 20, 40)
        errors.append(np.abs(mean[np.round(t / dt).astype(int)] - exact).max())
    # the discretisation error of a step of length dt is O(dt): it must shrink
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[0] > 0.03  # dt = 1 is visibly off the continuous curve
    assert errors[2] < 0.012, errors


def test_peak_timing_near_t_star():
    t_star = np.log(Q / P) / (P + Q)
    assert t_star == pytest.approx(6.19, abs=0.005)
    assert bass_closed_form(P, Q, np.array([t_star]))[0] == pytest.approx(0.4605, abs=1e-4)
    dt = 0.05
    mean = mixed_bass(dt, 15, 40)
    time = np.arange(mean.size) * dt
    # the share reaches F(t*) = 0.4605 at t*, and adoption is fastest there
    crossing = np.interp(0.4605, mean, time)
    assert crossing == pytest.approx(t_star, abs=0.15)
    rate = np.convolve(np.diff(mean), np.ones(20) / 20, mode="same")
    assert time[np.argmax(rate)] == pytest.approx(t_star, abs=0.5)
