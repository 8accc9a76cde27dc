"""Theory checks, part 2: influence maximisation, cascade windows and weak ties.

- Kempe, Kleinberg and Tardos (2003): greedy (CELF) >= degree >= random seeds.
- Watts (2002): the window of mean degrees with global cascades.
- Goldenberg, Libai and Muller (2001): weak ties speed spread as much as strong ones.

References
----------
Goldenberg, J., Libai, B. and Muller, E. (2001). Talk of the network: a complex
systems look at the underlying process of word-of-mouth. Marketing Letters 12(3),
211-223.
Kempe, D., Kleinberg, J. and Tardos, E. (2003). Maximizing the spread of influence
through a social network. KDD 2003, 137-146.
Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99(9),
5766-5771.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ..metrics import significant
from ..network import Network, erdos_renyi, from_edges, load_edgelist, stochastic_block
from ..rng import stream_key
from ..seeding import influence_ranking
from ..seeding.celf import celf_greedy
from .exact import watts_window
from .report import Check, Plan, axes, measured, progress, save_figure
from .simulate import adopted_by, adoption_steps, preset, undirected_edges

FACEBOOK = Path(__file__).resolve().parents[2] / "data" / "networks" / "facebook_combined.txt.gz"
KKT = "Kempe, Kleinberg & Tardos (2003)"
WATTS = "Watts (2002)"
GLM = "Goldenberg, Libai & Muller (2001)"


def _not_worse(stats: dict) -> bool:
    """Within Monte-Carlo error of >= 0: the 95% interval reaches 0 or above."""
    return stats["ci_high"] >= 0


def _direction(stats: dict, what: str) -> str:
    if not significant(stats["ci_low"], stats["ci_high"]):
        return "No clear difference (the 95% interval includes 0)."
    side = "ahead" if stats["ci_low"] > 0 else "behind"
    return f"{what} is {side} (the 95% interval excludes 0)."


def kkt_checks(plan: Plan, *, p: float = 0.01, count: int = 10) -> list[Check]:
    """Spread of ``count`` seeds on the Facebook graph under IC: greedy, degree, random."""
    progress(plan, "theory: KKT ordering on the Facebook graph (CELF, degree, random)")
    net = load_edgelist(FACEBOOK)
    spreads: dict[str, list[float]] = {"greedy": [], "degree": [], "random": []}
    diffusion = {"model": "independent_cascade", "p": p}
    for seed in plan.seeds:
        greedy, _ = celf_greedy(net, count, stream_key(seed, 0), probability=p,
                                worlds=plan.celf_worlds, candidates=10 * plan.celf_worlds)
        chosen = {"greedy": greedy, "degree": influence_ranking(net, "degree", count, 0)}
        for name, seeding in (
                *((k, {"strategy": "nodes", "nodes": [int(x) for x in net.labels[np.sort(v)]]})
                  for k, v in chosen.items()),
                ("random", {"strategy": "random", "count": count})):
            sc = preset(net.n, diffusion, seeding, steps=30,
                        replications=plan.kkt_replications, seed=seed)
            spreads[name].append(float(adopted_by(adoption_steps(sc, net)).mean()))
    s = {k: np.array(v) for k, v in spreads.items()}
    fig, ax = axes(f"IC (p = {p:g}) on Facebook, {count} seeds", "seeding", "mean adopters")
    ax.bar(list(s), [v.mean() for v in s.values()], color=["C2", "C0", "C7"])
    figure = save_figure(fig, plan, "kkt.png")
    source = f"{KKT}; Facebook ego networks (SNAP)"
    lines = []
    for a, b in (("greedy", "degree"), ("degree", "random")):
        check = measured("theory", f"KKT: {a} - {b} seeds, adopters (IC p = {p:g}, k = {count})",
                         source, f"{a} >= {b}: 95% CI upper bound >= 0", s[a] - s[b],
                         _not_worse, figure=figure if a == "greedy" else "")
        stats = {"ci_low": check.ci_low, "ci_high": check.ci_high}
        lines.append(replace(check, note=(
            f"Mean adopters: {a} {s[a].mean():,.1f}, {b} {s[b].mean():,.1f} "
            f"({plan.kkt_replications} cascades per seed; CELF on {plan.celf_worlds} "
            f"live-edge worlds per seed). {_direction(stats, a.capitalize())}")))
    return lines


def window_edges(z: np.ndarray, p: np.ndarray, level: float) -> tuple[float, float]:
    """Mean degrees where the curve ``p`` over ``z`` falls below ``level``, out from its peak.

    Linear interpolation between grid points; NaN when the curve never reaches ``level``,
    the end of the grid when it does not fall below it there.
    """
    top = int(np.argmax(p))
    if p[top] < level:
        return float("nan"), float("nan")
    low, high = float(z[0]), float(z[-1])
    for i in range(top, 0, -1):
        if p[i - 1] < level:
            low = float(np.interp(level, [p[i - 1], p[i]], [z[i - 1], z[i]]))
            break
    for i in range(top, z.size - 1):
        if p[i + 1] < level:
            high = float(np.interp(level, [p[i + 1], p[i]], [z[i + 1], z[i]]))
            break
    return low, high


def watts_curve(plan: Plan, seed: int, phi: float, big: float) -> np.ndarray:
    """P(global cascade) at each mean degree of ``plan.watts_z``, for one seed."""
    n = plan.watts_n
    out = []
    for z in plan.watts_z:
        net = erdos_renyi(n, mean_degree=z, seed=seed)
        sc = preset(n, {"model": "linear_threshold", "threshold": phi},
                    {"strategy": "random", "count": 1}, steps=40,
                    replications=plan.watts_replications, seed=seed)
        out.append(float(np.mean(adopted_by(adoption_steps(sc, net)) > big * n)))
    return np.array(out)


def watts_checks(plan: Plan, *, phi: float = 0.18, big: float = 0.1, level: float = 0.05,
                 tolerance: float = 1.0) -> list[Check]:
    """P(global cascade) over mean degree on Erdos-Renyi graphs; its window's edges.

    A global cascade is more than ``big`` of the consumers adopted, from one random seed,
    everyone with threshold ``phi``. The window's edges are where the curve falls below
    ``level``; each is held within ``tolerance`` of the analytic edge of
    :func:`sim.validate.exact.watts_window`.
    """
    progress(plan, f"theory: Watts cascade window ({len(plan.watts_z)} mean degrees x "
             f"{len(plan.seeds)} seeds, n = {plan.watts_n:,})")
    z = np.array(plan.watts_z, dtype=float)
    curves = np.array([watts_curve(plan, seed, phi, big) for seed in plan.seeds])
    edges = np.array([window_edges(z, c, level) for c in curves])
    theory = watts_window(phi)
    mean = curves.mean(axis=0)
    fig, ax = axes(f"Watts cascade window: Erdos-Renyi, n = {plan.watts_n:,}, phi = {phi}",
                   "mean degree z", f"P(more than {big:.0%} adopt)")
    ax.plot(z, mean, "o-", label="simulated (mean over seeds)")
    ax.fill_between(z, curves.min(axis=0), curves.max(axis=0), alpha=0.2,
                    label="range over seeds")
    for edge in theory:
        ax.axvline(edge, color="k", ls="--", lw=1)
    ax.legend(fontsize=8)
    figure = save_figure(fig, plan, "watts.png")
    note = (f"{plan.watts_replications} cascades per mean degree and seed, a new graph per "
            f"seed. Analytic window (n -> infinity; vulnerable nodes have degree <= "
            f"1/phi): z in [{theory[0]:.2f}, {theory[1]:.2f}]. Mean P(global cascade) by z: "
            + ", ".join(f"{zi:g}: {pi:.2f}" for zi, pi in zip(z, mean, strict=True)) + ".")
    return [
        measured("theory", f"Watts: lower edge of the cascade window (phi = {phi})", WATTS,
                 f"{theory[0]:.2f} +/- {tolerance:g} (analytic)", edges[:, 0],
                 lambda s: abs(s["mean"] - theory[0]) <= tolerance, note=note, figure=figure),
        measured("theory", f"Watts: upper edge of the cascade window (phi = {phi})", WATTS,
                 f"{theory[1]:.2f} +/- {tolerance:g} (analytic)", edges[:, 1],
                 lambda s: abs(s["mean"] - theory[1]) <= tolerance,
                 note=f"Edges are where P falls below {level:g}, interpolated on the grid; "
                      "finite graphs blur the upper edge, where the vulnerable cluster "
                      "shrinks to nothing."),
    ]


def _without(net: Network, keep: np.ndarray, edges: tuple) -> Network:
    u, v, w = edges
    return from_edges(u[keep], v[keep], w[keep], n=net.n, blocks=net.blocks)


def weak_tie_networks(seed: int, size: int, blocks: int,
                      weak_weight: float) -> tuple[dict[str, Network], int]:
    """A block network whose between-block ties are weak, and two thinned copies.

    Blocks of ``size`` consumers with 8 expected ties inside the block and 2 to other
    blocks. Returns ``{"all": ..., "no weak": ..., "no strong": ...}`` (every tie; without
    the between-block, weak, ties; without as many randomly chosen within-block, strong,
    ties) and the number of ties removed. Weak ties carry ``weak_weight`` of a strong
    tie's weight.
    """
    n = size * blocks
    sbm = stochastic_block([size] * blocks, 8 / (size - 1), 2 / (n - size), seed=seed)
    u, v, _ = undirected_edges(sbm)
    weak = sbm.blocks[u] != sbm.blocks[v]
    w = np.where(weak, weak_weight, 1.0)
    edges = (u, v, w)
    strong = np.flatnonzero(~weak)
    drop = np.random.default_rng(seed).choice(strong, size=int(weak.sum()), replace=False)
    keep_strong = np.ones(u.size, dtype=bool)
    keep_strong[drop] = False
    return {"all": _without(sbm, np.ones(u.size, dtype=bool), edges),
            "no weak": _without(sbm, ~weak, edges),
            "no strong": _without(sbm, keep_strong, edges)}, int(weak.sum())


def weak_tie_checks(plan: Plan, *, p: float = 0.25, weak_weight: float = 0.3, at: int = 10,
                    seeds: int = 5) -> list[Check]:
    """Goldenberg et al. (2001): removing the weak ties slows spread at least as much as
    removing as many strong ties (independent cascade preset, adopters at step ``at``)."""
    progress(plan, "theory: weak ties against strong ties (Goldenberg et al. 2001)")
    size, blocks = (200, 20) if plan.quick else (500, 20)
    losses: dict[str, list[float]] = {"no weak": [], "no strong": []}
    shares, removed = [], 0
    for seed in plan.seeds:
        nets, removed = weak_tie_networks(seed, size, blocks, weak_weight)
        sc = preset(size * blocks, {"model": "independent_cascade", "p": p},
                    {"strategy": "random", "count": seeds}, steps=at,
                    replications=plan.ties_replications, seed=seed)
        reached = {k: adopted_by(adoption_steps(sc, net), at).mean() / net.n
                   for k, net in nets.items()}
        shares.append([reached[k] for k in ("all", "no weak", "no strong")])
        for k in losses:
            losses[k].append(reached["all"] - reached[k])
    diff = np.array(losses["no weak"]) - np.array(losses["no strong"])
    mean = np.array(shares).mean(axis=0)
    fig, ax = axes(f"Adopted share at step {at}: ties removed", "network", "adopted share")
    ax.bar(["all ties", f"{removed:,} weak removed", f"{removed:,} strong removed"], mean,
           color=["C7", "C1", "C0"])
    figure = save_figure(fig, plan, "weak_ties.png")
    check = measured(
        "theory", f"Weak ties: loss without weak - loss without strong (share at step {at})",
        GLM, "weak >= strong: 95% CI upper bound >= 0", diff, _not_worse, figure=figure)
    return [replace(check, note=(
        f"Independent cascade preset (p = {p:g} per strong tie, {weak_weight:g} x that per "
        f"weak tie), {blocks} blocks of {size}: 8 strong ties inside the block and 2 weak "
        f"ties to other blocks per consumer on average, {seeds} random seeds. Removing the "
        f"{removed:,} weak ties or as many strong ones (same seeds and random streams). "
        f"Adopted share at step {at}: all ties {mean[0]:.3f}, without weak {mean[1]:.3f}, "
        f"without strong {mean[2]:.3f}. "
        + _direction({"ci_low": check.ci_low, "ci_high": check.ci_high},
                     "The loss from removing weak ties")))]
