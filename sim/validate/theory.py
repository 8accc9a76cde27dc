"""Theory checks, part 1: the Bass preset and the exact cascade probabilities.

The presets must reduce exactly to the classic models: these checks compare the
simulation with numbers computed without it (:mod:`sim.validate.exact`).
"""

from __future__ import annotations

import math

import numpy as np

from ..experiment import adoption_array, run
from ..network import from_edges
from ..scenario import scenario_from_dict
from .exact import SMALL_GRAPH, bass_closed_form, bass_recursion, exact_ic, exact_lt
from .report import Check, Plan, axes, measured, progress, save_figure
from .simulate import adoption_steps, preset

#: Bass (1969) parameters of the brief: t* = ln(q/p)/(p+q) = 6.19, F(t*) = 0.4605.
P, Q, N = 0.03, 0.38, 10_000
BASS = "Bass (1969)"
KKT = "Kempe, Kleinberg & Tardos (2003)"


def bass_mean(dt: float, horizon: float, replications: int, seed: int) -> np.ndarray:
    """Mean adopted share of the fully mixed Bass preset, N = 10,000, at every step."""
    sc = scenario_from_dict({
        "population": {"size": N}, "network": {"kind": "mixed"},
        "diffusion": {"model": "bass", "p": P, "q": Q},
        "run": {"steps": round(horizon / dt), "dt": dt, "replications": replications}},
        source="wom validate: Bass")
    return adoption_array(run(sc, seed=seed)).mean(axis=0) / N


def _bass_figure(plan: Plan, paths: dict[float, np.ndarray]) -> str:
    fig, ax = axes("Mixed Bass preset (N = 10,000) against the Bass curves",
                   "time", "adopted share")
    t = np.linspace(0, 30, 301)
    ax.plot(t, bass_closed_form(P, Q, t), "k-", lw=2, label="closed form")
    ax.plot(np.arange(31), bass_recursion(P, Q, 30), "ks", ms=4, label="recursion (dt = 1)")
    for dt, path in paths.items():
        ax.plot(np.arange(path.size) * dt, path, "--", label=f"simulated mean, dt = {dt:g}")
    ax.axvline(math.log(Q / P) / (P + Q), color="grey", lw=0.8)
    ax.legend(fontsize=8)
    return save_figure(fig, plan, "bass.png")


def bass_checks(plan: Plan, *, gap: float = 0.005, closed: float = 0.012,
                peak: float = 0.15) -> list[Check]:
    """The mixed preset against the discrete recursion, the closed form and the peak time.

    ``gap``, ``closed`` and ``peak`` are the bands: the largest gap to the recursion,
    the largest gap to the closed form at the finest step, and the distance of the
    crossing of F(t*) from t*.
    """
    progress(plan, "theory: Bass against the recursion, the closed form and the peak time")
    t_star = math.log(Q / P) / (P + Q)
    f_star = float(bass_closed_form(P, Q, np.array([t_star]))[0])
    horizon = 12  # past the peak t* = 6.19
    grid = np.arange(horizon + 1.0)
    exact = bass_closed_form(P, Q, grid)
    steps, errors, crossings, paths = [], {}, [], {}
    reps = max(2, plan.bass_replications // 3)
    for seed in plan.seeds:
        paths[1.0] = bass_mean(1.0, 30, plan.bass_replications, seed)
        steps.append(paths[1.0] - bass_recursion(P, Q, 30))
        for dt in (0.5, plan.fine_dt):
            paths[dt] = bass_mean(dt, horizon, reps, seed)
        for dt in (1.0, 0.5, plan.fine_dt):
            errors.setdefault(dt, []).append(
                np.abs(paths[dt][np.round(grid / dt).astype(int)] - exact).max())
        crossings.append(float(np.interp(f_star, paths[plan.fine_dt],
                                         np.arange(paths[plan.fine_dt].size) * plan.fine_dt)))
    diffs = np.array(steps)
    worst = int(np.argmax(np.abs(diffs.mean(axis=0))))
    figure = _bass_figure(plan, paths)
    shrink = [float(np.mean(errors[dt])) for dt in (1.0, 0.5, plan.fine_dt)]
    decreasing = shrink[0] > shrink[1] > shrink[2]
    return [
        measured("theory", "Bass: mean path - discrete recursion, at the worst step",
                 BASS, f"|gap| <= {gap:g} at every step", diffs[:, worst],
                 lambda s: abs(s["mean"]) <= gap,
                 note=f"Mixed preset, N = {N:,}, p = {P}, q = {Q}, "
                      f"{plan.bass_replications} replications per seed; the worst of 30 "
                      f"steps is step {worst}. The mean path should follow F[t+1] = F[t] + "
                      "(p + q F[t])(1 - F[t]) exactly, up to Monte-Carlo error.",
                 figure=figure),
        measured("theory", f"Bass: max gap to the closed form at dt = {plan.fine_dt:g}",
                 BASS, f"<= {closed:g}, and shrinking as dt shrinks",
                 errors[plan.fine_dt], lambda s: s["mean"] <= closed and decreasing,
                 note=f"Max gap over t = 0..{horizon} at dt = 1, 0.5, "
                      f"{plan.fine_dt:g}: " + ", ".join(f"{e:.4f}" for e in shrink)
                      + ". The step is an Euler step of the Bass equation, so the gap is "
                        "O(dt)."),
        measured("theory", f"Bass: time the mean path reaches F(t*) = {f_star:.4f}",
                 BASS, f"t* = ln(q/p)/(p+q) = {t_star:.2f} +/- {peak:g}", crossings,
                 lambda s: abs(s["mean"] - t_star) <= peak,
                 note=f"At dt = {plan.fine_dt:g}; the closed form peaks (fastest adoption) "
                      f"at t* = {t_star:.2f} with F(t*) = {f_star:.4f}."),
    ]


def _small_graph_probabilities(diffusion: dict, replications: int, seed: int) -> np.ndarray:
    src, dst, w = (np.array(col) for col in zip(*SMALL_GRAPH, strict=True))
    net = from_edges(src, dst, w.astype(float), directed=True)
    sc = preset(8, diffusion, {"strategy": "nodes", "nodes": [0]}, steps=8,
                replications=replications, seed=seed)
    return (adoption_steps(sc, net) >= 0).mean(axis=0)


def cascade_checks(plan: Plan, *, z_max: float = 4.5) -> list[Check]:
    """IC and LT on a small graph against the exact live-edge probabilities.

    Per seed, the largest standardised error ``|sim - exact| / sqrt(P (1 - P) / R)`` over
    the nodes that can be reached; the band holds it under ``z_max`` in every seed.
    """
    progress(plan, "theory: IC and LT against exact live-edge enumeration")
    cases = [("independent cascade (p = 0.5)", {"model": "independent_cascade", "p": 0.5},
              exact_ic(SMALL_GRAPH, 8, [0], 0.5)),
             ("linear threshold", {"model": "linear_threshold"},
              exact_lt(SMALL_GRAPH, 8, [0]))]
    out = []
    reps = plan.exact_replications
    for label, diffusion, exact in cases:
        worst = []
        for seed in plan.seeds:
            sim = _small_graph_probabilities(diffusion, reps, seed)
            se = np.sqrt(exact[1:6] * (1 - exact[1:6]) / reps)
            unreachable_ok = np.all(sim[6:] == 0)
            worst.append(float(np.max(np.abs(sim[1:6] - exact[1:6]) / se))
                         if unreachable_ok else math.inf)
        out.append(measured(
            "theory", f"{label}: largest |simulated - exact| / SE on an 8-node graph", KKT,
            f"<= {z_max:g} SE in every seed", worst, max(worst) <= z_max,
            note=f"{reps:,} replications per seed from node 0; exact activation "
                 "probabilities " + ", ".join(f"{x:.3f}" for x in exact[1:6])
                 + " by enumerating every live-edge world. Nodes that cannot be reached "
                   "must never adopt."))
    return out
