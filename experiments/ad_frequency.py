"""Ad frequency against conversions in a year: the inverted U of advertising fatigue.

The push scenario without its discount and with an unlimited budget
(``promotions.discount = 0``, ``budget.total = 1e12``) runs for 52 weeks at each
``ads.frequency`` from 0 to 12 exposures per reached consumer per week, on common random
numbers (:func:`sim.lessons.frequency_sweep`). Conversions are the consumers who bought
at least once in the year; brand trust and fatigue are population means at week 52. Mean
and 95% CI over replications.

    python experiments/ad_frequency.py [--quick] [--outdir DIR | --write-docs]

Default: 20 replications of 10,000 consumers per frequency; --quick: 4 of 2,000 at
frequencies 0, 2, 4, 8, 12.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from common import SCENARIOS, SEED, fmt_ci, outputs, parse_args, plt, save

import sim
from sim.lessons import FATIGUE_WEEKS, frequency_sweep
from sim.metrics import intervals

NAME = "ad_frequency"
WEEKS = FATIGUE_WEEKS
METRICS = ("conversions", "brand_trust", "fatigue", "ad_cost")


def simulate(frequencies: list[int], population: int, replications: int,
             threads: int) -> dict[int, dict[str, np.ndarray]]:
    """Per frequency, per-replication values at week 52 (:func:`sim.lessons.frequency_sweep`)."""
    push = sim.load_scenario(SCENARIOS / "push.toml", [f"population.size={population}"])
    sweep = frequency_sweep(push, frequencies, weeks=WEEKS, seed=SEED,
                            replications=replications, threads=threads)
    return {f: {metric: block[metric].to_numpy(float) for metric in METRICS}
            for f, block in sweep.groupby("frequency", sort=True)}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    started = time.perf_counter()
    if args.quick:
        population, replications, frequencies = 2_000, 4, [0, 2, 4, 8, 12]
    else:
        population, replications, frequencies = 10_000, 20, list(range(13))

    per_rep = simulate(frequencies, population, replications, args.threads)
    rows = []
    for frequency in frequencies:
        row: dict[str, float] = {"frequency": frequency}
        for metric in METRICS:
            b = intervals(per_rep[frequency][metric])
            row.update({f"{metric}_mean": b["mean"][0], f"{metric}_ci_low": b["ci_low"][0],
                        f"{metric}_ci_high": b["ci_high"][0]})
        row["replications"] = replications
        rows.append(row)
    table = pd.DataFrame(rows)
    table["replications"] = table["replications"].astype(np.int64)
    table["cost_per_conversion"] = table["ad_cost_mean"] / table["conversions_mean"]

    best = int(table.loc[table["conversions_mean"].idxmax(), "frequency"])
    # Paired (common random numbers) difference of each frequency against the best one.
    diffs = {f: intervals(per_rep[f]["conversions"] - per_rep[best]["conversions"])
             for f in frequencies}
    table["diff_vs_best_mean"] = [diffs[f]["mean"][0] for f in frequencies]
    table["diff_vs_best_ci_low"] = [diffs[f]["ci_low"][0] for f in frequencies]
    table["diff_vs_best_ci_high"] = [diffs[f]["ci_high"][0] for f in frequencies]

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    x = table["frequency"].to_numpy()
    mean = table["conversions_mean"].to_numpy()
    left.errorbar(x, mean, yerr=[mean - table["conversions_ci_low"],
                                 table["conversions_ci_high"] - mean],
                  marker="o", capsize=3, color="tab:red")
    left.axvline(best, color="grey", linestyle="--", linewidth=1)
    left.set_xlabel("ad exposures per reached consumer per week (ads.frequency)")
    left.set_ylabel("consumers converted in 52 weeks")
    left.set_title(f"Conversions peak at {best} exposures a week")
    left.grid(alpha=0.3)
    trust = table["brand_trust_mean"].to_numpy()
    right.errorbar(x, trust, yerr=[trust - table["brand_trust_ci_low"],
                                   table["brand_trust_ci_high"] - trust],
                   marker="o", capsize=3, color="tab:blue")
    right.set_xlabel("ads.frequency")
    right.set_ylabel("mean brand trust at week 52", color="tab:blue")
    right.grid(alpha=0.3)
    twin = right.twinx()
    twin.plot(x, table["fatigue_mean"], marker="s", color="tab:orange", label="fatigue")
    twin.set_ylabel("mean ad fatigue at week 52", color="tab:orange")
    right.set_title("Fatigue builds with frequency and erodes trust")
    fig.suptitle(f"Push without discount, unlimited budget: {replications} replications of "
                 f"{population:,} consumers per frequency, 95% CI")
    fig.tight_layout()

    out = outputs(args.outdir, NAME)
    save(fig, table, out, started)
    print(f"best frequency {best} exposures/week")
    for _, r in table.iterrows():
        conversions = fmt_ci(r["conversions_mean"], r["conversions_ci_low"],
                             r["conversions_ci_high"])
        versus = fmt_ci(r["diff_vs_best_mean"], r["diff_vs_best_ci_low"],
                        r["diff_vs_best_ci_high"])
        print(f"frequency {int(r['frequency']):>2}: conversions {conversions}  vs best {versus}"
              f"  trust {r['brand_trust_mean']:.3f}  fatigue {r['fatigue_mean']:.2f}"
              f"  cost/conversion {r['cost_per_conversion']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
