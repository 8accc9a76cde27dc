"""Where a commerce run's time goes: the kernels of a week against the Python around them.

Runs a scenario through :func:`sim.run` in one process with the kernels of the week
(:func:`sim.commerce.kernel.talk`, ``listen``, ``act``, ``totals``) wrapped in timers,
and prints each one's share of the run, the per-week Python left over (the brand's
plan and settlement, the output columns, Mesa's DataCollector) and the set-up and
table (network, traits, the tidy table). A warm-up run first pays numba's compilation.
Times are CPU seconds of the process (all threads), so load from other processes
weighs little; with ``--threads 1`` (the default) they are the wall time of a quiet
machine. Run from the repository root:

    python benchmarks/bench_commerce.py [scenarios/engagement.toml] [--size 10000]
                                        [--steps 52] [--replications 10] [--threads 1]
                                        [--set key=value ...]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numba

import sim
from sim import fast
from sim.commerce import kernel

KERNELS = ("talk", "listen", "act", "totals")


def timed(spent: dict[str, float]) -> None:
    """Wrap the kernels and WomModel.step the fast engine calls in CPU timers."""
    def wrap(owner, name, key):
        inner = getattr(owner, name)

        def timer(*args, **kwargs):
            started = time.process_time()
            out = inner(*args, **kwargs)
            spent[key] += time.process_time() - started
            return out
        setattr(owner, name, timer)

    for name in KERNELS:
        wrap(kernel, name, name)
    wrap(fast.WomModel, "step", "step")


def main() -> None:
    """Parse the flags, warm up, run once with timers, print the breakdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/engagement.toml")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=52)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a scenario override, e.g. network.kind=barabasi_albert")
    args = parser.parse_args()
    numba.set_num_threads(args.threads)
    scenario = sim.load_scenario(args.scenario,
                                 overrides=[f"population.size={args.size}", *args.set])
    sim.run(scenario, steps=2, replications=1)
    spent: dict[str, float] = defaultdict(float)
    timed(spent)
    started = time.process_time()
    sim.run(scenario, steps=args.steps, replications=args.replications)
    wall = time.process_time() - started
    weeks = spent["step"] - sum(spent[k] for k in KERNELS)
    rows = [*((k, spent[k]) for k in KERNELS), ("python per week", weeks),
            ("set-up and table", wall - spent["step"])]
    print(f"{args.scenario}: {args.size} consumers x {args.steps} weeks x "
          f"{args.replications} replications, {args.threads} thread(s): {wall:.3f} CPU s")
    for name, seconds in rows:
        print(f"  {name:<18}{seconds:8.3f} s {100 * seconds / wall:6.1f} %"
              f"  {1e3 * seconds / args.steps:8.3f} ms/week")


if __name__ == "__main__":
    main()
