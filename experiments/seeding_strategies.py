"""Seeding strategies for the independent cascade: who should the 10 seeds be?

scenarios/independent_cascade.toml (a Barabasi-Albert network of 10,000 consumers,
m = 5) and the same cascade on the real ego-Facebook network (4,039 people, SNAP),
seeded with 10 consumers chosen at random, by degree, PageRank, k-core, greedy CELF
(Kempe, Kleinberg and Tardos 2003; Leskovec et al. 2007) and spread over communities, at
low and higher edge probabilities p. CELF optimises over live-edge worlds sampled at
the same p (``seeding.celf_probability = diffusion.p``). All strategies of one cell
share the seed (common random numbers). Mean final adopted with 95% CI.

    python experiments/seeding_strategies.py [--quick] [--outdir DIR | --write-docs]

Default: 100 cascades per cell, CELF on 100 sampled worlds; BA at p = 0.01, 0.02,
0.05 and Facebook at p = 0.01, 0.02 (a few minutes, mostly CELF). --quick: BA of 2,000
at p = 0.01 and 0.05, 10 cascades, CELF on 20 worlds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from common import NETWORKS, SCENARIOS, SEED, fmt_ci, outputs, parse_args, plt, save

import sim
from sim.metrics import intervals

NAME = "seeding_strategies"
STRATEGIES = ("random", "degree", "pagerank", "kcore", "celf", "community")
COLORS = dict(zip(STRATEGIES, ("tab:gray", "tab:blue", "tab:cyan", "tab:purple", "tab:red",
                               "tab:green"), strict=True))
SEEDS = 10
STEPS = 60  # cascades stop long before: the run checks that the last step adds nobody


def network_overrides(network: str, population: int) -> list[str]:
    if network == "facebook":
        path = (NETWORKS / "facebook_combined.txt.gz").as_posix()
        return ['network.kind="file"', f'network.path="{path}"', "population.size=4039"]
    return [f"population.size={population}"]


def cascade(network: str, population: int, p: float, strategy: str, replications: int,
            worlds: int, candidates: int, threads: int) -> tuple[np.ndarray, int]:
    """Final adopted per replication, and the number still spreading at the last step."""
    scenario = sim.load_scenario(SCENARIOS / "independent_cascade.toml", [
        *network_overrides(network, population),
        f"diffusion.p={p}", f'seeding.strategy="{strategy}"', f"seeding.count={SEEDS}",
        f"seeding.celf_probability={p}", f"seeding.celf_worlds={worlds}",
        f"seeding.celf_candidates={candidates}"])
    frame = sim.run(scenario, seed=SEED, steps=STEPS, replications=replications,
                    threads=threads)
    last = frame[frame["step"] == STEPS].sort_values("replication")
    return last["adopted"].to_numpy(float), int((last["new_adopters"] > 0).sum())


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    started = time.perf_counter()
    if args.quick:
        cells = [("barabasi_albert", 0.01), ("barabasi_albert", 0.05)]
        population, replications, worlds, candidates = 2_000, 10, 20, 100
    else:
        cells = [("barabasi_albert", 0.01), ("barabasi_albert", 0.02),
                 ("barabasi_albert", 0.05), ("facebook", 0.01), ("facebook", 0.02)]
        population, replications, worlds, candidates = 10_000, 100, 100, 500

    rows = []
    for network, p in cells:
        finals = {}
        for strategy in STRATEGIES:
            t0 = time.perf_counter()
            finals[strategy], spreading = cascade(network, population, p, strategy,
                                                  replications, worlds, candidates,
                                                  args.threads)
            if spreading:
                print(f"warning: {network} p={p} {strategy}: {spreading} cascades still "
                      f"spreading at step {STEPS}", file=sys.stderr)
            print(f"  {network} p={p} {strategy}: {time.perf_counter() - t0:.1f} s",
                  flush=True)
        random_mean = finals["random"].mean()
        for strategy in STRATEGIES:
            b = intervals(finals[strategy])
            versus = intervals(finals[strategy] - finals["degree"])
            rows.append({
                "network": network, "p": p, "strategy": strategy, "seeds": SEEDS,
                "mean": b["mean"][0], "ci_low": b["ci_low"][0], "ci_high": b["ci_high"][0],
                "sd": b["sd"][0], "replications": replications,
                "lift_vs_random": b["mean"][0] / random_mean,
                "diff_vs_degree_mean": versus["mean"][0],
                "diff_vs_degree_ci_low": versus["ci_low"][0],
                "diff_vs_degree_ci_high": versus["ci_high"][0],
            })
    table = pd.DataFrame(rows)

    fig, axes = plt.subplots(1, len(cells), figsize=(3.3 * len(cells), 4.2), squeeze=False)
    for ax, (network, p) in zip(axes[0], cells, strict=True):
        cell = table[(table["network"] == network) & (table["p"] == p)]
        x = np.arange(len(STRATEGIES))
        mean = cell["mean"].to_numpy()
        ax.bar(x, mean, color=[COLORS[s] for s in cell["strategy"]],
               yerr=[mean - cell["ci_low"], cell["ci_high"] - mean], capsize=3)
        ax.set_xticks(x, cell["strategy"], rotation=45, ha="right")
        label = "BA" if network == "barabasi_albert" else "Facebook"
        n = population if network == "barabasi_albert" else 4039
        ax.set_title(f"{label} (n={n:,}), p = {p}")
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].set_ylabel(f"final adopted from {SEEDS} seeds (mean, 95% CI)")
    fig.suptitle(f"Independent cascade, {SEEDS} seeds per strategy, {replications} cascades "
                 "per bar (common random numbers)")
    fig.tight_layout()

    out = outputs(args.outdir, NAME)
    save(fig, table, out, started)
    for _, r in table.iterrows():
        versus = fmt_ci(r["diff_vs_degree_mean"], r["diff_vs_degree_ci_low"],
                        r["diff_vs_degree_ci_high"], 1)
        print(f"{r['network']:<16} p={r['p']:<5} {r['strategy']:<10} "
              f"{fmt_ci(r['mean'], r['ci_low'], r['ci_high'], 1)}  "
              f"x{r['lift_vs_random']:.2f} vs random  {versus} vs degree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
