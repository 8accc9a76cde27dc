"""Speed of the fast engine against the reference engine, measured in one process.

``wom bench`` (or ``python benchmarks/bench_engines.py``) builds a Barabasi-Albert
network (m = 5) for each size, runs the network Bass preset and prints steps per
second, directed edges scanned per second, the speed-up of two threads over one, and
the ratio to the reference engine over the same first steps (both engines go through
identical states for the same seed, so they do the same work). It then times the full
commerce step (scenarios/engagement.toml on the same network) and prints its cost per
directed edge relative to the Bass step's. Ratios are the result; absolute times on a
shared machine are noisy.
"""

from __future__ import annotations

import os
import platform
import time

import mesa
import numba
import numpy as np

from . import jit
from .experiment import step_model
from .fast import WomModel
from .network import build_network
from .reference import ReferenceModel
from .results import package_version
from .scenario import Scenario, load_scenario, scenario_from_dict
from .validate import SCENARIOS


def bench_scenario(n: int) -> Scenario:
    """Network Bass on BA(n, 5) with small p and q, so nearly everyone scans every step."""
    return scenario_from_dict({
        "name": f"bench-{n}",
        "population": {"size": n},
        "network": {"kind": "barabasi_albert", "m": 5, "seed": 1},
        "diffusion": {"model": "bass", "p": 0.002, "q": 0.05},
        "run": {"seed": 7},
    })


def _edges_scanned(model: WomModel, first: int, last: int) -> int:
    """Directed edges read in steps first..last: in-degrees of consumers not yet adopted."""
    indeg = model.network.in_degree
    adopted = model.adopted_step[0]
    return sum(int(indeg[(adopted < 0) | (adopted >= t)].sum()) for t in range(first, last + 1))


def _time_fast(scenario: Scenario, network, steps: int, threads: int, repeat: int = 3):
    """Best wall time of ``steps`` steps from the start, and the model of the last try."""
    jit.set_threads(threads)
    best = np.inf
    for _ in range(repeat):
        model = WomModel(scenario, replications=1, network=network)
        started = time.perf_counter()
        step_model(model, steps)
        best = min(best, time.perf_counter() - started)
    return best, model


def main(sizes: list[int], *, steps: int = 20, reference_steps: int = 3,
         threads: int | None = None) -> list[dict[str, float]]:
    """Print the benchmark table and return its rows."""
    threads = threads or numba.config.NUMBA_NUM_THREADS
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}; "
          f"Python {platform.python_version()}, numba {numba.__version__}, "
          f"numpy {np.__version__}, mesa {mesa.__version__}, wom-sim {package_version()}")
    print("preset: network Bass (p=0.002, q=0.05) on Barabasi-Albert m=5, 1 replication")
    warm = bench_scenario(1000)
    _time_fast(warm, build_network(warm), 2, 1, repeat=1)  # compile outside the timings
    rows = []
    header = (f"{'consumers':>10} {'edges':>10} {'steps/s':>9} {'Medges/s':>9} "
              f"{'1 thread':>9} {'x threads':>9} {'ref s/step':>10} {'fast/ref':>9}")
    print(header)
    for n in sizes:
        scenario = bench_scenario(n)
        network = build_network(scenario)
        fast, model = _time_fast(scenario, network, steps, threads)
        one, _ = _time_fast(scenario, network, steps, 1)
        fast_short, _ = _time_fast(scenario, network, reference_steps, threads, repeat=5)
        reference = ReferenceModel(scenario, network=network)
        started = time.perf_counter()
        step_model(reference, reference_steps)
        ref = time.perf_counter() - started
        assert reference.table()["adopted"].tolist() == \
            model.table()["adopted"].tolist()[: reference_steps + 1], "engines disagree"
        row = {
            "consumers": n,
            "directed_edges": network.n_edges,
            "steps_per_s": steps / fast,
            "medges_per_s": _edges_scanned(model, 1, steps) / fast / 1e6,
            "medges_per_s_1thread": _edges_scanned(model, 1, steps) / one / 1e6,
            "thread_speedup": one / fast,
            "reference_s_per_step": ref / reference_steps,
            "ratio_to_reference": ref / fast_short,
        }
        rows.append(row)
        print(f"{n:>10,} {network.n_edges:>10,} {row['steps_per_s']:>9.1f} "
              f"{row['medges_per_s']:>9.1f} {row['medges_per_s_1thread']:>9.1f} "
              f"{row['thread_speedup']:>9.2f} {row['reference_s_per_step']:>10.3f} "
              f"{row['ratio_to_reference']:>9.0f}")
    print(f"Medges/s: directed edges read per second on {threads} threads; '1 thread' the same "
          "on one; fast/ref: reference time over fast time for the same first "
          f"{reference_steps} steps.")
    print("\ncommerce step (engagement.toml) on the same networks, per directed edge:")
    print(f"{'consumers':>10} {'steps/s':>9} {'ns/edge':>9} {'bass ns/edge':>12} {'ratio':>7}")
    for n, row in zip(sizes, rows, strict=True):
        base = bench_scenario(n)
        network = build_network(base)
        commerce = load_scenario(SCENARIOS / "engagement.toml", [
            f"population.size={n}", "network.m=5", "network.weak_share=0",
            "network.seed=1", "run.seed=7"])
        elapsed, _ = _time_fast(commerce, network, steps, threads)
        per_edge = elapsed / (steps * network.n_edges) * 1e9
        bass_per_edge = 1e3 / row["medges_per_s"]
        row["commerce_ns_per_edge"] = per_edge
        row["commerce_over_bass"] = per_edge / bass_per_edge
        print(f"{n:>10,} {steps / elapsed:>9.1f} {per_edge:>9.2f} {bass_per_edge:>12.2f} "
              f"{per_edge / bass_per_edge:>7.2f}")
    print("ratio: time per directed edge of the commerce step over the Bass step's "
          "(every consumer reads every tie each week in the commerce model).")
    return rows
