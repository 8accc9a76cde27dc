"""``wom sweep`` and ``wom analyze``: run a parameter design, then its sensitivity tables."""

from __future__ import annotations

import argparse
import functools
import math
import signal
import sys
from collections.abc import Callable
from typing import Any

from ..sweep import DESIGNS, analyze_sweep, plan_sweep, read_manifest, report_text, run_sweep
from .types import nonnegative, positive, seed, threads

_EPILOG = """\
SPEC is a list (0.1,0.2,0.5; choices and booleans too: seeding.strategy=random,degree)
or an inclusive range start:stop:count (0:1:11 = 0, 0.1, ..., 1). lhs, sobol and morris
sample between the smallest and largest value of SPEC. Integer keys get integers.

Every point runs replications 0..R-1 with the same seed (common random numbers). Each
run is one Parquet part: DIR/parts/pPOINT_rREP.parquet; pandas.read_parquet(DIR) loads
them all. Re-running the same command into DIR resumes it: parts whose size or SHA-256
differ from DIR/_parts.jsonl (recorded when written) are rerun. Killing a sweep is safe:
its worker processes exit with it.

examples:
  wom sweep scenarios/push.toml --param ads.frequency=1:5:5 --param ads.reach=0.1,0.3 \\
      --replications 10 --out out/fatigue
  wom sweep scenarios/engagement.toml --design sobol --samples 64 --replications 4 \\
      --param wom.beta=0.05:0.4:2 --param promotions.referral_reward=0:20:2 --out out/sobol
  wom sweep scenarios/bass.toml --param diffusion.q=0.2:0.6:9 --dask --workers 4 --out out/q
"""


def add_design_options(p: argparse.ArgumentParser) -> None:
    """The options of a sweep's points and runs: --param, --design, --samples, --set, ..."""
    p.add_argument("--param", dest="params", action="append", required=True,
                   metavar="KEY=SPEC", help="a scenario key and its values; repeatable")
    p.add_argument("--design", choices=DESIGNS, default="grid",
                   help="grid: every combination (default); lhs: Latin hypercube of N points; "
                        "sobol: Saltelli design, N*(2D+2) points (N a power of 2); "
                        "morris: N trajectories, N*(D+1) points")
    p.add_argument("--samples", type=positive, metavar="N",
                   help="N of the lhs, sobol and morris designs")
    p.add_argument("--replications", type=positive, metavar="N",
                   help="replications per point (default: run.replications)")
    p.add_argument("--steps", type=nonnegative, metavar="N", help="steps (default: run.steps)")
    p.add_argument("--seed", type=seed, metavar="N",
                   help="seed of every point and of the sampler (default: run.seed)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY=VALUE",
                   help="override a scenario key for every point (a TOML literal); "
                        "repeatable")


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """The options of how a sweep runs: engine, workers, threads, Dask, resume, quiet."""
    p.add_argument("--engine", choices=("fast", "reference"), default="fast",
                   help="fast (numba, default) or reference (one Mesa agent per consumer)")
    p.add_argument("--workers", type=positive, metavar="N",
                   help="parallel workers (default: all cores; 1 runs in this process)")
    p.add_argument("--threads", type=threads, metavar="N",
                   help="numba threads per worker (default: all cores with --workers 1, "
                        "else 1)")
    executors = p.add_mutually_exclusive_group()
    executors.add_argument("--dask", action="store_true",
                           help="run on a Dask LocalCluster of --workers processes")
    executors.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                           help="run on the Dask cluster of this scheduler (workers need "
                                "wom-sim installed and DIR on a shared file system)")
    p.add_argument("--resume", action="store_true",
                   help="continue the sweep in DIR (an error if DIR holds none); re-running "
                        "the same command resumes as well")
    p.add_argument("--quiet", action="store_true",
                   help="no progress (a bar on a terminal, else a line every ~10 s)")


def add_sweep_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sweep`` command to the ``wom`` sub-parsers; returns its parser."""
    p = subparsers.add_parser(
        "sweep", help="run a scenario over a grid, LHS, Sobol or Morris design of parameters",
        description="Run a scenario at every point of a parameter design, with replications,\n"
                    "into resumable Parquet parts under DIR.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", help="scenario TOML file")
    add_design_options(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    add_executor_options(p)
    return p


class Terminated(KeyboardInterrupt):
    """SIGTERM during a sweep: it stops as on Ctrl+C (workers stop, finished parts stay)."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated


def stops_on_sigterm(command: Callable[[argparse.Namespace], int]
                      ) -> Callable[[argparse.Namespace], int]:
    """Run ``command`` with SIGTERM raising :class:`Terminated` in the main thread, and
    end it with a message and exit code 143 (128 + SIGTERM)."""
    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            return command(args)
        except Terminated:
            print(f"wom: terminated; the finished runs are kept in {args.out}: run the same "
                  "command again to resume", file=sys.stderr)
            return 128 + signal.SIGTERM
        finally:
            signal.signal(signal.SIGTERM, previous)

    return run


def _repaired(parts: int) -> str:
    return f"; {parts:,} corrupt or missing parts rerun" if parts else ""


def _ms(seconds: float) -> str:
    return "n/a" if not math.isfinite(seconds) else f"{seconds * 1000:,.1f} ms"


def _share(part: float, whole: float) -> str:
    if not (math.isfinite(part) and math.isfinite(whole)) or whole <= 0:
        return "n/a"
    return f"{part / whole:.1%}"


@stops_on_sigterm
def cmd_sweep(args: argparse.Namespace) -> int:
    """The ``wom sweep`` command: plan, run and print a summary; returns the exit code."""
    plan = plan_sweep(args.scenario, args.params, design=args.design, samples=args.samples,
                      replications=args.replications, steps=args.steps, seed=args.seed,
                      overrides=args.overrides, engine=args.engine)
    keys = ", ".join(p.key for p in plan.params)
    print(f"sweep         {plan.scenario.name or args.scenario}  (id {plan.sweep_id}, "
          f"design {plan.design}, params {keys})")
    print(f"plan          {len(plan.points):,} points x {plan.replications} replications = "
          f"{plan.runs:,} runs, {plan.steps} steps, seed {plan.seed}, engine {plan.engine}",
          flush=True)
    result = run_sweep(plan, args.out, workers=args.workers, dask=args.dask,
                       scheduler=args.scheduler, resume=args.resume, threads=args.threads,
                       progress=not args.quiet)
    print(f"runs          {result.done_runs:,} run now, {result.skipped_runs:,} skipped "
          f"(already done: {result.skipped_points:,} points{_repaired(result.repaired)})")
    workers = f"{result.workers} worker{'s' if result.workers != 1 else ''}"
    restarts = f", {result.restarts} pool restarts" if result.restarts else ""
    print(f"executor      {result.executor}, {workers}{restarts}")
    print(f"time          {result.elapsed:.2f} s elapsed; simulation {result.simulate:.2f} s "
          f"and writing {result.write:.2f} s over all workers")
    if result.done_runs:
        print(f"per run       simulation {_ms(result.run_time)}; scheduling + writing "
              f"{_ms(result.overhead)} = {_share(result.overhead, result.run_time)} of it; "
              f"all overhead incl. start-up {_ms(result.total_overhead)} = "
              f"{_share(result.total_overhead, result.run_time)}")
    print(f"wrote         {result.out}  (pandas.read_parquet of it loads all {result.runs:,} "
          "runs)")
    return 0


def add_analyze_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``analyze`` command to the ``wom`` sub-parsers; returns its parser."""
    p = subparsers.add_parser(
        "analyze", help="sensitivity tables and plots of a finished sweep",
        description="Per-point means with 95% CIs of each metric and, by design, Sobol' "
                    "indices (sobol), Morris mu*/sigma (morris) or Spearman rank "
                    "correlations (grid, lhs). Flow columns (profit, revenue, cost, ...) are "
                    "summed over the run, other columns taken at the last step.")
    p.add_argument("sweep", metavar="DIR", help="output directory of wom sweep")
    p.add_argument("--metric", dest="metrics", action="append", default=[],
                   metavar="COLUMN",
                   help="result column to analyse; repeatable (default: profit and "
                        "customers for commerce sweeps, adopted otherwise)")
    p.add_argument("--at-step", type=int, metavar="N",
                   help="take values at step N instead of the last step")
    p.add_argument("--out", metavar="REPORT_DIR",
                   help="where CSV and PNG files go (default: DIR/_analysis)")
    p.add_argument("--no-plots", dest="plots", action="store_false", help="skip the PNG plots")
    return p


def cmd_analyze(args: argparse.Namespace) -> int:
    """The ``wom analyze`` command: print the tables, save CSV and PNG; returns 0."""
    reports = analyze_sweep(args.sweep, args.metrics or None, at_step=args.at_step,
                            report_dir=args.out, plots=args.plots)
    print(report_text(reports, read_manifest(args.sweep)))
    return 0
