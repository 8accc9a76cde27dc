"""``wom robustness``: where in a parameter space does strategy B beat strategy A?"""

from __future__ import annotations

import argparse
from typing import Any

from ..sweep import analyze_robustness, plan_robustness, robustness_text, run_robustness
from ..sweep.robustness import DEFAULT_METRICS, RESULT
from .sweep import add_design_options, add_executor_options, stops_on_sigterm

_EPILOG = f"""\
Both scenarios run at every design point with the point's values, the same seed and the
same replications, so replication r of A and of B pair (common random numbers). Per
point and metric: the mean paired difference B - A with its 95% Student t interval, and
the winner: A or B only where the interval excludes 0, else none (no clear winner).
A and B must share their market keys (wom keys: role market), unless
--allow-different-markets.

DIR/a and DIR/b are ordinary sweeps (Parquet parts): re-running the same command
resumes them. DIR/{RESULT} has one row per point x metric; DIR/robustness_METRIC.png
maps it (one parameter: a line with its band; two on a grid: a heatmap, cells without
a clear winner hatched; else one scatter per parameter). --design sobol adds
DIR/sobol_METRIC.csv and .png: Sobol' indices of the difference (who decides the winner).

SPEC as for wom sweep: a list (0.1,0.2,0.5) or an inclusive range start:stop:count.
Metrics are the KPIs of wom compare (default: {', '.join(DEFAULT_METRICS)}).

examples:
  wom robustness scenarios/push.toml scenarios/engagement.toml \\
      --param product.quality=0.6:0.9:4 --param run.steps=52,104,156 \\
      --replications 10 --out out/quality_horizon
  wom robustness A.toml B.toml --design sobol --samples 32 --replications 4 \\
      --param product.price=30:70:2 --param consumers.brand_trust=0.2:0.8:2 --out out/sobol
"""


def add_robustness_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``robustness`` command to the ``wom`` sub-parsers; returns its parser."""
    p = subparsers.add_parser(
        "robustness", help="map where scenario B beats scenario A over a parameter design",
        description="Run two scenarios at every point of a parameter design on common\n"
                    "random numbers and map the paired difference B - A per metric.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a", metavar="A.toml", help="scenario A (the baseline of B - A)")
    p.add_argument("b", metavar="B.toml", help="scenario B")
    add_design_options(p)
    p.add_argument("--metric", dest="metrics", action="append", default=[], metavar="NAME",
                   help="a KPI to compare (e.g. total_profit, final_customers, final_clv, "
                        "final_nps); repeatable")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--allow-different-markets", action="store_true",
                   help="compare even when A and B's market keys differ")
    p.add_argument("--no-plots", dest="plots", action="store_false", help="skip the PNG maps")
    add_executor_options(p)
    return p


@stops_on_sigterm
def cmd_robustness(args: argparse.Namespace) -> int:
    """The ``wom robustness`` command: plan, run both sweeps, map and summarise; returns 0."""
    plan = plan_robustness(args.a, args.b, args.params, metrics=args.metrics or None,
                           design=args.design, samples=args.samples,
                           replications=args.replications, steps=args.steps, seed=args.seed,
                           overrides=args.overrides, engine=args.engine,
                           allow_different_markets=args.allow_different_markets)
    a, b = plan.labels
    keys = ", ".join(p.key for p in plan.a.params)
    print(f"{'robustness':<16} A = {a}, B = {b}  (design {plan.a.design}, params {keys})")
    print(f"{'plan':<16} {len(plan.a.points):,} points x {plan.a.replications} replications "
          f"x 2 scenarios = {2 * plan.a.runs:,} runs, {plan.a.steps} steps, seed "
          f"{plan.a.seed}, engine {plan.a.engine}")
    if plan.market_differences:
        print(f"{'warning':<16} A and B differ in market keys: "
              f"{', '.join(plan.market_differences)} (--allow-different-markets)")
    print(f"{'metrics':<16} {', '.join(plan.metrics)}", flush=True)
    results = run_robustness(plan, args.out, workers=args.workers, dask=args.dask,
                             scheduler=args.scheduler, resume=args.resume,
                             threads=args.threads,
                             progress=not args.quiet)
    for label, result in zip((a, b), results, strict=True):
        print(f"{'runs ' + label:<16.16} {result.done_runs:,} run now, {result.skipped_runs:,} "
              f"skipped; {result.executor}, {result.elapsed:.1f} s")
    report = analyze_robustness(args.out, plan.metrics, plots=args.plots)
    print(robustness_text(report))
    print(f"{'wrote':<16} {len(report.files)} files to {report.files[0].parent}")
    return 0
