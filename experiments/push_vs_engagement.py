"""Push versus engagement over two years: customers, cumulative profit, CLV and NPS.

Runs scenarios/push.toml and scenarios/engagement.toml (the same market, the same
60,000 budget) on common random numbers and plots the mean of each metric per week with
its 95% confidence band, and the week from which engagement's cumulative profit stays
ahead of push's (the crossover), from the mean paths and from the paired difference.
At week 104 it names the winner of each metric by the one significance rule of wom-sim
(:func:`sim.metrics.winner`): only when the paired 95% interval of the difference
excludes 0, otherwise "no clear winner".

    python experiments/push_vs_engagement.py [--quick] [--outdir DIR | --write-docs]

Default: 20 replications of 10,000 consumers, 104 weeks; --quick: 5 of 2,000.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from common import (
    SCENARIOS,
    SEED,
    band_frame,
    fmt_ci,
    outputs,
    parse_args,
    plt,
    save,
    wide,
)
from matplotlib.ticker import StrMethodFormatter

import sim
from sim.metrics import crossover_week, intervals, winner

NAME = "push_vs_engagement"
SCENARIO_NAMES = ("push", "engagement")
WEEKS = 104
METRICS = {
    "customers": "Active customers",
    "cumulative_profit": "Cumulative profit",
    "clv": "CLV of matured customers (52 weeks, discounted)",
    "nps": "Net promoter score",
}
COLORS = {"push": "tab:red", "engagement": "tab:blue"}


def simulate(population: int, replications: int,
             threads: int) -> dict[str, dict[str, np.ndarray]]:
    """Per scenario, each metric as an array (replications, weeks + 1)."""
    out = {}
    for name in SCENARIO_NAMES:
        scenario = sim.load_scenario(SCENARIOS / f"{name}.toml", [f"population.size={population}"])
        frame = sim.run(scenario, seed=SEED, steps=WEEKS, replications=replications,
                        threads=threads)
        out[name] = {
            "customers": wide(frame, "customers"),
            "cumulative_profit": np.cumsum(wide(frame, "profit"), axis=1),
            "clv": wide(frame, "clv"),
            "nps": wide(frame, "nps"),
        }
    return out


def _week(week: float | None) -> int | None:
    return None if week is None else int(week)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    started = time.perf_counter()
    population, replications = (2_000, 5) if args.quick else (10_000, 20)
    data = simulate(population, replications, args.threads)
    weeks = np.arange(WEEKS + 1)

    tables = []
    for name in SCENARIO_NAMES:
        for metric in METRICS:
            tables.append(band_frame(data[name][metric], scenario=name, week=weeks,
                                     metric=metric))
    paired = data["engagement"]["cumulative_profit"] - data["push"]["cumulative_profit"]
    tables.append(band_frame(paired, scenario="engagement - push", week=weeks,
                             metric="cumulative_profit"))
    table = pd.concat(tables, ignore_index=True)

    diff = intervals(paired)
    crossover_mean = _week(crossover_week(weeks, diff["mean"], 0.0))
    crossover_ci = _week(crossover_week(weeks, diff["ci_low"], 0.0))

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True)
    for ax, (metric, title) in zip(axes.ravel(), METRICS.items(), strict=True):
        for name in SCENARIO_NAMES:
            b = intervals(data[name][metric])
            ax.plot(weeks, b["mean"], color=COLORS[name], label=name)
            ax.fill_between(weeks, b["ci_low"], b["ci_high"], color=COLORS[name], alpha=0.25,
                            linewidth=0)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        if metric == "clv":
            # The first matured cohorts are tiny: keep their wide bands from setting the scale.
            settled = [np.nanmax(intervals(data[n][metric])["ci_high"][-WEEKS // 3:])
                       for n in SCENARIO_NAMES]
            ax.set_ylim(0, 1.5 * max(settled))
        if metric == "cumulative_profit":
            ax.axhline(0, color="grey", linewidth=0.8)
            if crossover_mean is not None:
                ax.axvline(crossover_mean, color="black", linestyle="--", linewidth=1)
                ax.annotate(f"engagement ahead\nfrom week {crossover_mean}",
                            (crossover_mean, ax.get_ylim()[1]), xytext=(-8, -8),
                            textcoords="offset points", ha="right", va="top", fontsize=9)
    for ax in axes[1]:
        ax.set_xlabel("week")
    axes[0, 0].legend(loc="upper left")
    fig.suptitle(f"Push vs engagement: mean of {replications} replications of {population:,} "
                 "consumers with 95% CI (common random numbers)")
    fig.tight_layout()

    out = outputs(args.outdir, NAME)
    save(fig, table, out, started)

    print(f"crossover of cumulative profit (engagement stays ahead): week {crossover_mean} "
          f"(mean paths); week {crossover_ci} (paired difference's 95% CI above 0)")
    end = table[table["week"] == WEEKS].set_index(["metric", "scenario"])
    for metric in METRICS:
        digits = 1 if metric == "nps" else 0
        for name in (*SCENARIO_NAMES, "engagement - push"):
            if (metric, name) in end.index:
                r = end.loc[(metric, name)]
                print(f"week {WEEKS} {metric:<18} {name:<18} "
                      f"{fmt_ci(r['mean'], r['ci_low'], r['ci_high'], digits)}")
        verdict = winner(metric, {name: data[name][metric][:, -1]
                                  for name in SCENARIO_NAMES})["verdict"]
        print(f"week {WEEKS} {metric:<18} {'winner':<18} {verdict} "
              "(paired 95% CI of the difference excludes 0, else no clear winner)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
