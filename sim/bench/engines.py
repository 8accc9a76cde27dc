"""The fast engine against the reference engine and against the machine's own limit.

:func:`engine_rows` builds a Barabasi-Albert network (m = 5) for each size, runs the
network Bass preset (every consumer who has not adopted reads all its ties every step)
and gives steps per second, directed edges read per second on all threads and on one,
and the ratio to the reference engine over the same first steps (both engines go
through identical states for the same seed, so they do the same work).
:func:`commerce_rows` times the full commerce week (scenarios/engagement.toml) on the
same networks, per directed edge. :func:`csr_limit` measures what the machine can do at
all: a minimal numba kernel that sums a float over every consumer's CSR neighbours;
:func:`limit_shares` gives the commerce week's rate as a share of it, and
:func:`dense_row` does the same on a denser network (m = 10).
"""

from __future__ import annotations

import time

import numba
import numpy as np
from numba import njit, prange

from .. import jit
from ..experiment import step_model
from ..fast import WomModel
from ..network import Network, build_network
from ..reference import ReferenceModel
from ..scenario import Scenario, load_scenario, scenario_from_dict
from ..validate.market import SCENARIOS

#: Above this many consumers the reference engine (one Mesa agent each) is not timed.
REFERENCE_LIMIT = 100_000


def bass_scenario(n: int, m: int = 5) -> Scenario:
    """Network Bass on BA(n, m) with small p and q, so nearly everyone reads every step."""
    return scenario_from_dict({
        "name": f"bench-{n}",
        "population": {"size": n},
        "network": {"kind": "barabasi_albert", "m": m, "seed": 1},
        "diffusion": {"model": "bass", "p": 0.002, "q": 0.05},
        "run": {"seed": 7},
    })


def commerce_scenario(n: int, m: int = 5) -> Scenario:
    """scenarios/engagement.toml for n consumers; it is run on the network of
    :func:`bass_scenario` (BA(n, m), no weak ties), passed to the model."""
    return load_scenario(SCENARIOS / "engagement.toml", [
        f"population.size={n}", f"network.m={m}", "network.weak_share=0",
        "network.seed=1", "run.seed=7"])


def edges_read(model: WomModel, first: int, last: int) -> int:
    """Directed edges the network Bass kernel read in steps first..last: the in-degrees
    of the consumers who had not adopted before each step."""
    indeg = model.network.in_degree
    adopted = model.adopted_step[0]
    return sum(int(indeg[(adopted < 0) | (adopted >= t)].sum()) for t in range(first, last + 1))


def time_fast(scenario: Scenario, network: Network, steps: int, threads: int,
              repeat: int = 3) -> tuple[float, WomModel]:
    """Best wall time of ``steps`` steps from the start, and the model of the last try."""
    jit.set_threads(threads)
    best = np.inf
    for _ in range(repeat):
        model = WomModel(scenario, replications=1, network=network)
        started = time.perf_counter()
        step_model(model, steps)
        best = min(best, time.perf_counter() - started)
    return best, model


def engine_row(n: int, steps: int, reference_steps: int, threads: int) -> dict:
    """One row of the fast-against-reference table (network Bass on BA(n, 5))."""
    scenario = bass_scenario(n)
    network = build_network(scenario)
    fast, model = time_fast(scenario, network, steps, threads)
    one, _ = time_fast(scenario, network, steps, 1)
    jit.set_threads(threads)
    row = {"consumers": n, "directed_edges": network.n_edges, "steps_per_s": steps / fast,
           "medges_per_s": edges_read(model, 1, steps) / fast / 1e6,
           "medges_per_s_1thread": edges_read(model, 1, steps) / one / 1e6,
           "thread_speedup": one / fast, "reference_s_per_step": None,
           "ratio_to_reference": None}
    if n > REFERENCE_LIMIT:
        return row
    fast_short, _ = time_fast(scenario, network, reference_steps, threads, repeat=5)
    reference = ReferenceModel(scenario, network=network)
    started = time.perf_counter()
    step_model(reference, reference_steps)
    ref = time.perf_counter() - started
    if reference.table()["adopted"].tolist() != \
            model.table()["adopted"].tolist()[: reference_steps + 1]:
        raise RuntimeError("the fast and reference engines disagree")
    row["reference_s_per_step"] = ref / reference_steps
    row["ratio_to_reference"] = ref / fast_short
    return row


def engine_rows(sizes: list[int], steps: int, reference_steps: int, threads: int
                ) -> list[dict]:
    """Print and return the fast-against-reference table, one row per size."""
    print("fast engine against the reference: network Bass (p=0.002, q=0.05) on "
          "Barabasi-Albert m=5, 1 replication")
    print(f"{'consumers':>10} {'edges':>11} {'steps/s':>9} {'Medges/s':>9} {'1 thread':>9} "
          f"{'x threads':>9} {'ref s/step':>10} {'fast/ref':>9}")
    rows = []
    for n in sizes:
        row = engine_row(n, steps, reference_steps, threads)
        rows.append(row)
        ref = row["reference_s_per_step"]
        ref_cells = ("-", "-") if ref is None else (f"{ref:.3f}",
                                                   f"{row['ratio_to_reference']:.0f}")
        print(f"{n:>10,} {row['directed_edges']:>11,} {row['steps_per_s']:>9.1f} "
              f"{row['medges_per_s']:>9.1f} {row['medges_per_s_1thread']:>9.1f} "
              f"{row['thread_speedup']:>9.2f} {ref_cells[0]:>10} {ref_cells[1]:>9}")
    print(f"Medges/s: directed edges read per second on {threads} threads, '1 thread' on "
          f"one; fast/ref: reference time over fast time for the same first "
          f"{reference_steps} steps (reference not timed above {REFERENCE_LIMIT:,}).")
    return rows


def commerce_rows(engine: list[dict], steps: int, threads: int) -> list[dict]:
    """Print and return the commerce week's cost per directed edge on the networks of
    ``engine``'s rows, and its ratio to the network Bass step's."""
    print("\ncommerce week (engagement.toml) on the same networks, per directed edge:")
    print(f"{'consumers':>10} {'steps/s':>9} {'ns/edge':>9} {'bass ns/edge':>12} {'ratio':>7}")
    rows = []
    for base in engine:
        n = base["consumers"]
        network = build_network(bass_scenario(n))
        elapsed, _ = time_fast(commerce_scenario(n), network, steps, threads)
        per_edge = elapsed / (steps * network.n_edges) * 1e9
        bass_per_edge = 1e3 / base["medges_per_s"]
        rows.append({"consumers": n, "steps_per_s": steps / elapsed,
                     "ns_per_edge": per_edge, "bass_ns_per_edge": bass_per_edge,
                     "ratio_to_bass": per_edge / bass_per_edge})
        print(f"{n:>10,} {steps / elapsed:>9.1f} {per_edge:>9.2f} {bass_per_edge:>12.2f} "
              f"{per_edge / bass_per_edge:>7.2f}")
    print("ratio: time per directed edge of the commerce week over the network Bass "
          "step's (every consumer reads every tie each week in the commerce model).")
    return rows


@njit(cache=True, parallel=True)
def neighbour_sum(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray,
                  out: np.ndarray) -> None:
    """``out[i] = sum(values[j] for j in row i)``: the least a kernel reading every tie
    can do (one random gather and one add per directed edge)."""
    for i in prange(indptr.size - 1):
        s = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            s += values[indices[e]]
        out[i] = s


def limit_rates(network: Network, threads: int, repeat: int = 7) -> dict[int, float]:
    """Directed edges per second (millions) of :func:`neighbour_sum` over ``network``,
    best of ``repeat``, on one thread and on ``threads``."""
    values = np.random.default_rng(0).random(network.n)
    out = np.empty(network.n)
    rates = {}
    for count in sorted({1, threads}):
        jit.set_threads(count)
        neighbour_sum(network.indptr, network.indices, values, out)
        best = np.inf
        for _ in range(repeat):
            started = time.perf_counter()
            neighbour_sum(network.indptr, network.indices, values, out)
            best = min(best, time.perf_counter() - started)
        rates[count] = network.n_edges / best / 1e6
    jit.set_threads(threads)
    return rates


def csr_limit(n: int, threads: int) -> dict:
    """The machine's limit (:func:`limit_rates`) on BA(n, 5); printed and returned."""
    network = build_network(bass_scenario(n))
    rates = limit_rates(network, threads)
    row = {"consumers": n, "directed_edges": network.n_edges, "threads": threads,
           "medges_per_s": rates[threads], "medges_per_s_1thread": rates[1]}
    print(f"\nmachine limit: summing a float over every CSR neighbour (BA({n:,}, 5), "
          f"{network.n_edges:,} directed edges): {rates[threads]:.0f} M edges/s on "
          f"{threads} threads, {rates[1]:.0f} M edges/s on one")
    return row


def dense_row(n: int, m: int, steps: int, threads: int, rounds: int = 3) -> dict:
    """The commerce week and the machine's limit on one denser network, BA(n, m), timed
    in turn in each of ``rounds`` rounds, the best of each kept; printed and returned
    (the issue's commerce network is BA(10^6, 10))."""
    network = build_network(bass_scenario(n, m))
    scenario = commerce_scenario(n, m)
    rate = limit = 0.0
    for _ in range(rounds):
        elapsed, _ = time_fast(scenario, network, steps, threads, repeat=1)
        rate = max(rate, network.n_edges * steps / elapsed / 1e6)
        limit = max(limit, limit_rates(network, threads, repeat=3)[threads])
    print(f"\ncommerce week on BA({n:,}, {m}) ({network.n_edges:,} directed edges): "
          f"{rate:.0f} M edges/s against a limit of {limit:.0f} M edges/s on the same "
          f"network: {rate / limit:.0%}")
    return {"consumers": n, "m": m, "directed_edges": network.n_edges,
            "medges_per_s": rate, "limit_medges_per_s": limit,
            "share_of_limit": rate / limit}


def limit_shares(commerce: list[dict], limits: list[dict]) -> None:
    """Print the commerce week's directed edges per second as a share of the machine's
    limit on the same network, measured in the same run, and add both to ``commerce``'s
    rows (``medges_per_s``, ``share_of_limit``)."""
    print("\ncommerce week against the machine limit, same networks, same run:")
    print(f"{'consumers':>10} {'Medges/s':>9} {'limit':>7} {'share':>6}")
    for row, limit in zip(commerce, limits, strict=True):
        row["medges_per_s"] = 1e3 / row["ns_per_edge"]
        row["share_of_limit"] = row["medges_per_s"] / limit["medges_per_s"]
        print(f"{row['consumers']:>10,} {row['medges_per_s']:>9.0f} "
              f"{limit['medges_per_s']:>7.0f} {row['share_of_limit']:>6.0%}")


def default_threads() -> int:
    """numba's thread count: every core unless NUMBA_NUM_THREADS says otherwise."""
    return numba.config.NUMBA_NUM_THREADS
