"""The ``wom`` command line.

Bad input (scenario file, key, value, network file) ends with one message on stderr
and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from . import kernels
from .errors import WomError
from .experiment import run, summarize_adoption, write_table
from .scenario import load_scenario, parameter_table


def _nonnegative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, found {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, found {text}")
    return value


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="scenario TOML file")
    parser.add_argument("--seed", type=_nonnegative, help="run seed (default: run.seed)")
    parser.add_argument("--steps", type=_nonnegative, help="steps (default: run.steps)")
    parser.add_argument("--replications", type=_positive,
                        help="replications (default: run.replications)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override a scenario key; VALUE is a TOML literal "
                             "(e.g. --set seeding.nodes=[0,5]); repeatable")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wom", description="Agent-based simulation of word-of-mouth commerce."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p_run = sub.add_parser("run", help="run a scenario and print a summary")
    _add_run_options(p_run)
    p_run.add_argument("--engine", choices=("fast", "reference"), default="fast",
                       help="fast (numba, default) or reference (one Mesa agent per consumer)")
    p_run.add_argument("--threads", type=_positive, help="numba threads (default: all cores)")
    p_run.add_argument("--out", help="write the tidy table to FILE.parquet or FILE.csv")
    p_run.add_argument("--quiet", action="store_true", help="no progress bar")

    sub.add_parser("keys", help="list every scenario key with its default and meaning")

    p_bench = sub.add_parser("bench", help="speed of the fast engine against the reference")
    p_bench.add_argument("--sizes", default="10000,100000",
                         help="comma-separated population sizes (default: 10000,100000)")
    p_bench.add_argument("--steps", type=_positive, default=20, help="fast-engine steps")
    p_bench.add_argument("--reference-steps", type=_positive, default=3,
                         help="reference-engine steps (it is slow)")
    p_bench.add_argument("--threads", type=_positive, help="numba threads (default: all cores)")
    return parser


def _warn_compile() -> None:
    if not kernels.cache_is_warm():
        print("wom: compiling the fast engine (numba, first use only; about 30 s)...",
              file=sys.stderr, flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, args.overrides)
    if args.engine == "fast":
        _warn_compile()
    started = time.perf_counter()
    frame = run(scenario, seed=args.seed, steps=args.steps, replications=args.replications,
                engine=args.engine, threads=args.threads,
                progress=not args.quiet and sys.stderr.isatty())
    elapsed = time.perf_counter() - started
    s = summarize_adoption(frame)
    meta = frame.attrs
    print(f"scenario      {scenario.name or args.scenario}  (hash {meta['scenario_hash']}, "
          f"seed {meta['seed']}, engine {args.engine}, wom-sim {meta['wom_sim_version']})")
    print(f"consumers     {s['population']:,}   replications {s['replications']}   "
          f"steps {s['steps']}")
    ci = f" +/- {s['adopted_ci95']:,.1f} (95% CI)" if s["replications"] > 1 else ""
    print(f"adopted       {s['adopted_mean']:,.1f}{ci} = {s['adopted_share']:.1%} "
          f"at step {s['steps']}")
    if s["peak_step"] is not None:
        print(f"peak          {s['peak_new_adopters']:,.1f} new adopters per step "
              f"at step {s['peak_step']}")
    print(f"time          {elapsed:.2f} s")
    if args.out:
        print(f"wrote         {write_table(frame, args.out)}")
    return 0


def cmd_keys(_: argparse.Namespace) -> int:
    for key, kind, default, description in parameter_table():
        print(f"{key:<26} {kind:<22} {default:<18} {description}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import main as bench_main

    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        raise WomError(f"--sizes: expected comma-separated integers, found {args.sizes!r}") \
            from None
    _warn_compile()
    bench_main(sizes, steps=args.steps, reference_steps=args.reference_steps,
               threads=args.threads)
    return 0


COMMANDS = {"run": cmd_run, "keys": cmd_keys, "bench": cmd_bench}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wom`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except WomError as exc:
        print(f"wom: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wom: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
