"""The cost of the event log: the fast engine with the log on over the same run with it off.

Two models of each scenario, one keeping the log, step over the same network in turn
(the order swapped every week), in one process; the ratio is of their CPU times (the
on side includes building the table), so load from other processes weighs little.
Run from the repository root:

    python benchmarks/bench_events.py [--size 10000] [--replications 4] [--steps 52]
                                      [--threads 1] [--rounds 5] [push engagement ...]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numba

import sim
from sim.fast import WomModel
from sim.network import build_network


def one_round(scenario: sim.Scenario, network, steps: int, swap: bool) -> tuple[float, ...]:
    """CPU seconds of ``steps`` weeks without and with the log, the table, and the events."""
    off, on = WomModel(scenario, network=network), WomModel(scenario, network=network,
                                                            events=True)
    spent = {id(off): 0.0, id(on): 0.0}
    for week in range(steps):
        for model in (off, on) if (week + swap) % 2 else (on, off):
            started = time.process_time()
            model.step()
            spent[id(model)] += time.process_time() - started
    started = time.process_time()
    rows = len(on.events_table())
    return spent[id(off)], spent[id(on)], time.process_time() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=["push", "engagement"])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--steps", type=int, default=52)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    numba.set_num_threads(args.threads)
    print(f"{args.size:,} consumers, {args.replications} replications, {args.steps} weeks, "
          f"{args.threads} thread(s); CPU seconds, medians of {args.rounds} rounds")
    print(f"{'scenario':<12}{'off s':>8}{'on s':>8}{'table s':>9}{'events':>10}"
          f"{'on/off':>8}{'us/event':>10}")
    for name in args.scenarios:
        scenario = sim.load_scenario(f"scenarios/{name}.toml", [
            f"population.size={args.size}", f"run.replications={args.replications}"])
        network = build_network(scenario)
        one_round(scenario, network, 2, False)  # compile or load the kernels
        rounds = [one_round(scenario, network, args.steps, bool(k % 2))
                  for k in range(args.rounds)]
        off, on, table, rows = (statistics.median(r[k] for r in rounds) for k in range(4))
        ratio = statistics.median((r[1] + r[2]) / r[0] for r in rounds)
        print(f"{name:<12}{off:>8.3f}{on:>8.3f}{table:>9.3f}{int(rows):>10,}{ratio:>8.2f}"
              f"{1e6 * (on + table - off) / rows:>10.2f}")


if __name__ == "__main__":
    main()
