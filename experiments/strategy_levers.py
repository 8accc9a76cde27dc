"""Each strategy at its best: push's and engagement's own levers on a small grid.

MODEL.md asks that each strategy be shown "at or near its own best levers under that
budget, never a straw man". For push and for engagement separately, this script runs a
full grid over the strategy's own main levers, keeping its shipped file's budget
(``budget.total``) and everything else, on common random numbers with a new network per
replication (:func:`sim.experiment.with_resampling`), and measures the two-year profit
NPV (``total_profit_npv`` of :func:`sim.metrics.kpis_per_replication`, discounted at
``budget.clv_discount``) and the spend (``total_cost``, discounts included).

The best point is the one with the highest mean NPV. Picking the largest of many noisy
means favours points that were lucky, so the shipped point is tested against the best
one twice, with :func:`sim.metrics.paired_difference` (best - shipped): on the
replications of the grid, and on as many fresh replications (streams R, ..., 2R - 1)
that played no part in choosing the best point. The shipped levers are "near the best"
when the fresh paired 95% interval includes 0. Each strategy is judged on its own
profit only, never against the other.

    python experiments/strategy_levers.py [--quick] [--outdir DIR | --write-docs]

Default: the grids of :data:`LEVERS` (45 and 48 points) x 8 replications of 10,000
consumers, 104 weeks; --quick: two values per lever (the shipped one and the grid's
first) x 2 replications of 400 consumers. Writes data/strategy_levers.csv (one row
per point) and data/strategy_levers_best.csv (best against shipped) under
runs/experiments/ (--write-docs: docs/).
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from common import SCENARIOS, SEED, fmt, fmt_ci, outputs, parse_args, plt, save

import sim
from sim.experiment import with_resampling
from sim.metrics import interval, kpis_per_replication, paired_difference
from sim.scenario import value_of

NAME = "strategy_levers"
WEEKS = 104
KPI = "total_profit_npv"

#: Each strategy's own main levers and the values tried (the shipped value is added
#: if missing). Push: ad reach and frequency, and the launch discount (for its shipped
#: 26 weeks). Engagement: the referral reward, the community managers' weekly upkeep
#: (the community stays on) and the reach of its launch ads (for its shipped 20 weeks).
LEVERS: dict[str, dict[str, tuple[float, ...]]] = {
    "push": {"ads.reach": (0.2, 0.4, 0.6, 0.8, 1.0),
             "ads.frequency": (2, 3, 4),
             "promotions.discount": (0.0, 0.1, 0.2)},
    "engagement": {"promotions.referral_reward": (10.0, 20.0, 30.0, 40.0),
                   "community.upkeep": (0.0, 100.0, 300.0),
                   "ads.reach": (0.2, 0.4, 0.6, 0.8)},
}
COLORS = {"push": "tab:red", "engagement": "tab:blue"}


def shipped_levers(name: str) -> dict[str, Any]:
    """The shipped file's value of each of the strategy's levers."""
    scenario = sim.load_scenario(SCENARIOS / f"{name}.toml")
    return {key: value_of(scenario, key) for key in LEVERS[name]}


def grid(name: str, quick: bool) -> list[dict[str, Any]]:
    """The points of the strategy's grid (each a dict lever -> value), shipped included."""
    shipped = shipped_levers(name)
    axes = []
    for key, values in LEVERS[name].items():
        tried = (values[0],) if quick else values
        axes.append(sorted({*tried, shipped[key]}))
    return [dict(zip(LEVERS[name], combo, strict=True)) for combo in itertools.product(*axes)]


def run_point(name: str, levers: dict[str, Any], population: int, replications: int,
              first: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """Profit NPV and spend per replication of the strategy at ``levers``."""
    overrides = {"population.size": population, **levers}
    scenario = with_resampling(sim.load_scenario(SCENARIOS / f"{name}.toml", overrides))
    frame = sim.run(scenario, seed=SEED, steps=WEEKS, replications=replications,
                    first_replication=first, threads=threads)
    kpis = kpis_per_replication(frame)
    return kpis[KPI].to_numpy(float), kpis["total_cost"].to_numpy(float)


def sweep(name: str, points: list[dict[str, Any]], population: int, replications: int,
          threads: int) -> tuple[pd.DataFrame, int]:
    """One row per point (levers, NPV and spend with intervals, best - point), and the
    index of the best point."""
    shipped = shipped_levers(name)
    npvs, rows = [], []
    for levers in points:
        npv, spend = run_point(name, levers, population, replications, 0, threads)
        npvs.append(npv)
        n, s = interval(npv), interval(spend)
        rows.append({"strategy": name, **levers, "shipped": levers == shipped,
                     "npv_mean": n["mean"], "npv_ci_low": n["ci_low"],
                     "npv_ci_high": n["ci_high"], "spend_mean": s["mean"],
                     "spend_ci_low": s["ci_low"], "spend_ci_high": s["ci_high"],
                     "replications": n["replications"]})
    best = int(np.argmax([r["npv_mean"] for r in rows]))
    for row, npv in zip(rows, npvs, strict=True):
        diff = paired_difference(npv, npvs[best])
        row.update({"best": row is rows[best], "best_minus_point_mean": diff["mean"],
                    "best_minus_point_ci_low": diff["low"],
                    "best_minus_point_ci_high": diff["high"],
                    "significantly_below_best": diff["significant"]})
    return pd.DataFrame(rows), best


def confirm(name: str, table: pd.DataFrame, best_levers: dict[str, Any], population: int,
            replications: int, threads: int) -> dict[str, Any]:
    """Best against shipped on fresh replications (streams R, ..., 2R - 1)."""
    keys = list(LEVERS[name])
    shipped = shipped_levers(name)
    fresh = {}
    for label, levers in (("best", best_levers), ("shipped", shipped)):
        fresh[label] = run_point(name, levers, population, replications, replications,
                                 threads)
    diff = paired_difference(fresh["shipped"][0], fresh["best"][0])
    ship_row = table[table["shipped"]].iloc[0]
    best_row = table[table["best"]].iloc[0]
    return {"strategy": name,
            "best_levers": ", ".join(f"{k}={best_levers[k]:g}" for k in keys),
            "shipped_levers": ", ".join(f"{k}={shipped[k]:g}" for k in keys),
            "points": len(table), "points_not_below_best":
                int((~table["significantly_below_best"]).sum()),
            **{f"best_{c}": best_row[c] for c in ("npv_mean", "npv_ci_low", "npv_ci_high",
                                                  "spend_mean")},
            **{f"shipped_{c}": ship_row[c] for c in ("npv_mean", "npv_ci_low",
                                                     "npv_ci_high", "spend_mean")},
            "grid_diff_mean": ship_row["best_minus_point_mean"],
            "grid_diff_ci_low": ship_row["best_minus_point_ci_low"],
            "grid_diff_ci_high": ship_row["best_minus_point_ci_high"],
            "fresh_diff_mean": diff["mean"], "fresh_diff_ci_low": diff["low"],
            "fresh_diff_ci_high": diff["high"],
            "shipped_significantly_below_best": diff["significant"] and diff["mean"] > 0,
            "replications": replications}


def plot(tables: dict[str, pd.DataFrame], population: int, replications: int) -> plt.Figure:
    """Per strategy: the points ranked by NPV with 95% CIs (top) and NPV against spend
    (bottom); the shipped point in black, the best one circled."""
    fig, axes = plt.subplots(2, len(tables), figsize=(11, 7.5), squeeze=False)
    for col, (name, table) in enumerate(tables.items()):
        ranked = table.sort_values("npv_mean").reset_index(drop=True)
        x = np.arange(len(ranked))
        err = [ranked["npv_mean"] - ranked["npv_ci_low"], ranked["npv_ci_high"] -
               ranked["npv_mean"]]
        top, bottom = axes[0, col], axes[1, col]
        top.errorbar(x, ranked["npv_mean"], yerr=err, fmt="o", ms=3, color=COLORS[name],
                     alpha=0.7, label="grid point")
        for frame, ax, xs in ((ranked, top, x), (table, bottom, table["spend_mean"])):
            ys = frame["npv_mean"]
            ship, best = frame["shipped"].to_numpy(), frame["best"].to_numpy()
            ax.scatter(np.asarray(xs)[ship], ys[ship], marker="D", s=50, color="black",
                       zorder=3, label="shipped")
            ax.scatter(np.asarray(xs)[best], ys[best], marker="o", s=160,
                       facecolors="none", edgecolors="black", zorder=3, label="best")
        bottom.scatter(table["spend_mean"], table["npv_mean"], s=14, color=COLORS[name],
                       alpha=0.7)
        top.set_title(f"{name}: {len(table)} points ranked by profit NPV")
        top.set_xlabel("grid point (ranked)")
        bottom.set_title(f"{name}: profit NPV against spend")
        bottom.set_xlabel("spend over two years")
        for ax in (top, bottom):
            ax.set_ylabel("two-year profit NPV")
            ax.grid(alpha=0.3)
            ax.yaxis.set_major_formatter("{x:,.0f}")
        bottom.xaxis.set_major_formatter("{x:,.0f}")
        top.legend(loc="upper left", fontsize=8)
    fig.suptitle(f"Each strategy at its best: mean of {replications} replications of "
                 f"{population:,} consumers, 104 weeks, 95% CI (common random numbers, "
                 "a new network per replication)")
    fig.tight_layout()
    return fig


def _ci(r: pd.Series, prefix: str) -> str:
    return fmt_ci(r[f"{prefix}_mean"], r[f"{prefix}_ci_low"], r[f"{prefix}_ci_high"])


def report(best: pd.DataFrame) -> None:
    """Print the best point against the shipped one, per strategy."""
    for _, r in best.iterrows():
        verdict = ("shipped significantly below its best"
                   if r["shipped_significantly_below_best"] else "shipped near its best")
        print(f"{r['strategy']}: {r['points']} points, {r['points_not_below_best']} not "
              "significantly below the best")
        print(f"  best     {r['best_levers']}: NPV {_ci(r, 'best_npv')}, "
              f"spend {fmt(r['best_spend_mean'])}")
        print(f"  shipped  {r['shipped_levers']}: NPV {_ci(r, 'shipped_npv')}, "
              f"spend {fmt(r['shipped_spend_mean'])}")
        print(f"  best - shipped: grid replications {_ci(r, 'grid_diff')}; fresh "
              f"replications {_ci(r, 'fresh_diff')} -> {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__.splitlines()[0])
    started = time.perf_counter()
    population, replications = (400, 2) if args.quick else (10_000, 8)
    tables, summaries = {}, []
    for name in LEVERS:
        points = grid(name, args.quick)
        print(f"{name}: {len(points)} points x {replications} replications", flush=True)
        tables[name], best = sweep(name, points, population, replications, args.threads)
        summaries.append(confirm(name, tables[name], points[best], population, replications,
                                 args.threads))
    table = pd.concat(tables.values(), ignore_index=True)
    table.insert(1, "population", population)
    best_table = pd.DataFrame(summaries)
    out = outputs(args.outdir, NAME)
    best_table.to_csv(out.sibling("best"), index=False)
    print(f"wrote {out.sibling('best')}")
    save(plot(tables, population, replications), table, out, started)
    report(best_table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
