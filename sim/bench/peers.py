"""wom-sim against its peers on the same cascades: cynetdiff (the fastest Python
diffusion library we know of) and NDlib (the best known).

The task (issue 15): an independent cascade with p = 0.05, or a linear threshold with
uniform random thresholds (Kempe et al. 2003), on a Barabasi-Albert network (m = 5),
from 50 fixed seed consumers (drawn once with numpy's generator seeded 2026), for up to
60 steps. wom-sim is timed as a user would run it, through :func:`sim.run`: a run of
R + 1 replications against a run of 1, so that start-up (network, seeds, compiled
kernels) cancels and ``(T(R + 1) - T(1)) / R`` is the time per cascade. cynetdiff is
given the same network as CSR arrays (converting from networkx would cost it more than
its cascades) and runs R cascades after a reset each; NDlib gets the network as a
networkx graph and runs a few cascades (it visits every consumer at every step).

Times are the best of several rounds, each round timing wom-sim and cynetdiff once, one
after the other, so that the ratios are measured in one process under the same load
(NDlib, a thousand times slower, is timed in the first round only). Besides wall time,
the CPU time of the thread doing the work (wom-sim on one thread, the peers) is
recorded: on a machine shared with other busy processes it is the steadier measure. Mean cascade
sizes are compared within Monte-Carlo error: the difference to wom-sim's mean against
4 standard errors of the difference.

The peers come from the optional extra ``pip install -e ".[bench]"``; a peer that is not
installed gets a row saying so.
"""

from __future__ import annotations

import array
import importlib.util
import math
import time
from collections.abc import Callable

import numpy as np

from ..experiment import run
from ..network import Network, build_network, speaker_rows
from ..scenario import Scenario, scenario_from_dict

SEED_COUNT = 50
P = 0.05
STEPS = 60
MODELS = ("independent_cascade", "linear_threshold")


def fixed_seeds(n: int) -> list[int]:
    """The 50 seed consumers of the task (fewer on a smaller network), sorted."""
    count = min(SEED_COUNT, n)
    return sorted(np.random.default_rng(2026).choice(n, count, replace=False).tolist())


def task_scenario(model: str, n: int) -> Scenario:
    """The cascade of ``model`` on BA(n, 5) from :func:`fixed_seeds`."""
    diffusion = {"model": model, "p": P} if model == "independent_cascade" else {"model": model}
    return scenario_from_dict({
        "name": f"peers-{model}",
        "population": {"size": n},
        "network": {"kind": "barabasi_albert", "m": 5, "seed": 1},
        "diffusion": diffusion,
        "seeding": {"strategy": "nodes", "nodes": fixed_seeds(n)},
        "run": {"steps": STEPS, "seed": 3},
    }, source="wom bench")


def installed(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    return importlib.util.find_spec(module) is not None


def cynetdiff_runner(model: str, network: Network, seeds: list[int]) -> Callable[[], int]:
    """One cynetdiff cascade per call (reset, run to the end); returns its size."""
    from cynetdiff.models import IndependentCascadeModel, LinearThresholdModel

    indptr, indices, _ = speaker_rows(network)
    starts = array.array("I", indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", indices.astype(np.uint32).tobytes())
    if model == "independent_cascade":
        peer = IndependentCascadeModel(starts, edges, activation_prob=P, rng=1)
    else:  # influence 1 / in-degree and uniform thresholds by default: our unit weights
        peer = LinearThresholdModel(starts, edges, rng=1)
    peer.set_seeds(seeds)

    def cascade() -> int:
        peer.reset_model()
        peer.advance_until_completion()
        return peer.get_num_activated_nodes()

    return cascade


def ndlib_runner(model: str, network: Network, seeds: list[int]) -> Callable[[], int]:
    """One NDlib cascade per call, from the seeds until nothing changes; returns its size.

    NDlib draws from numpy's global generator: each call seeds it from a counter and
    restores the caller's state afterwards.
    """
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    graph = network.to_networkx()
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", seeds)
    if model == "independent_cascade":
        peer = ep.IndependentCascadesModel(graph)
        for edge in graph.edges():
            config.add_edge_configuration("threshold", edge, P)
    else:
        peer = ep.ThresholdModel(graph)
        for node in graph.nodes():
            config.add_node_configuration("threshold", node, 0.5)
    peer.set_initial_status(config)
    counter = iter(range(1, 1 << 30))
    thresholds = np.random.default_rng(2026)

    def cascade() -> int:
        saved = np.random.get_state()  # noqa: NPY002 (NDlib's generator is the global one)
        np.random.seed(next(counter))  # noqa: NPY002
        if model == "linear_threshold":  # new uniform thresholds in (0, 1] per cascade
            drawn = 1.0 - thresholds.random(network.n)
            peer.params["nodes"]["threshold"] = dict(enumerate(drawn.tolist()))
        peer.reset(seeds)
        for _ in range(STEPS + 1):
            status = peer.iteration(node_status=False)
            moving = (status["node_count"][1] if model == "independent_cascade"
                      else status["status_delta"][1])
            if status["iteration"] > 0 and moving == 0:
                break
        np.random.set_state(saved)  # noqa: NPY002
        counts = status["node_count"]
        return counts[1] + counts.get(2, 0)

    return cascade


def _mean_se(sizes: list[float], fallback_sd: float | None = None) -> tuple[float, float]:
    """Mean and its standard error; with fewer than 10 values the standard deviation
    ``fallback_sd`` (wom-sim's) stands in for the sample's."""
    values = np.asarray(sizes, dtype=float)
    sd = values.std(ddof=1) if len(values) >= 10 or fallback_sd is None else fallback_sd
    return float(values.mean()), float(sd / math.sqrt(len(values)))


def _clock() -> tuple[float, float]:
    """Wall time and this thread's CPU time."""
    return time.perf_counter(), time.thread_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def _wom_round(scenario: Scenario, cascades: int, threads: int
               ) -> tuple[tuple[float, float], tuple[float, float], list[int]]:
    """(wall, CPU) times of sim.run with 1 and with cascades + 1 replications on
    ``threads`` threads, and the final sizes of the latter's replications 1..cascades."""
    start = _clock()
    run(scenario, replications=1, threads=threads)
    one = _since(start)
    start = _clock()
    frame = run(scenario, replications=cascades + 1, threads=threads)
    many = _since(start)
    final = frame[(frame["step"] == STEPS) & (frame["replication"] > 0)]
    return one, many, final["adopted"].astype(int).tolist()


def _timed(cascade: Callable[[], int], count: int) -> tuple[tuple[float, float], list[int]]:
    """(wall, CPU) seconds per cascade of ``count`` cascades, and their sizes."""
    start = _clock()
    sizes = [cascade() for _ in range(count)]
    wall, cpu = _since(start)
    return (wall / count, cpu / count), sizes


def _peers(model: str, network: Network, seeds: list[int]) -> dict[str, Callable[[], int] | str]:
    """Each peer's cascade function, or why it is skipped."""
    return {name: (make(model, network, seeds) if installed(name) else
                   "not installed (pip install -e '.[bench]')")
            for name, make in (("cynetdiff", cynetdiff_runner), ("ndlib", ndlib_runner))}


def compare_model(model: str, n: int, cascades: int, ndlib_cascades: int, rounds: int,
                  threads: int) -> dict:
    """wom-sim (on ``threads`` threads and on one), cynetdiff and NDlib on one task.

    A dict per tool: seconds per cascade (wom-sim: ``s_per_cascade`` on ``threads``
    threads, ``s_per_cascade_1thread`` on one), mean size, its standard error and the
    number of cascades; for a peer also its time over wom-sim's (``speedup``, and
    ``speedup_1thread``) and the size comparison; ``{"skipped": why}`` for a peer that
    is not installed.
    """
    scenario = task_scenario(model, n)
    network = build_network(scenario)
    seeds = fixed_seeds(n)
    peers = _peers(model, network, seeds)
    counts = sorted({1, threads})
    ones = {k: (math.inf, math.inf) for k in counts}
    manys = dict(ones)
    best = {name: (math.inf, math.inf) for name in peers}
    sizes: dict[str, list[int]] = {}
    for _ in range(rounds):
        for k in counts:
            one, many, sizes["wom-sim"] = _wom_round(scenario, cascades, k)
            ones[k] = tuple(map(min, ones[k], one))
            manys[k] = tuple(map(min, manys[k], many))
        for name, cascade in peers.items():
            if isinstance(cascade, str) or (name == "ndlib" and name in sizes):
                continue  # NDlib is timed in the first round only: it is slow
            seconds, sizes[name] = _timed(cascade, cascades if name == "cynetdiff"
                                          else ndlib_cascades)
            best[name] = tuple(map(min, best[name], seconds))
    mean, se = _mean_se(sizes["wom-sim"])
    wom = {"s_per_cascade": (manys[threads][0] - ones[threads][0]) / cascades,
           "s_per_cascade_1thread": (manys[1][0] - ones[1][0]) / cascades,
           "cpu_s_per_cascade_1thread": (manys[1][1] - ones[1][1]) / cascades,
           "threads": threads, "mean": mean, "se": se, "cascades": cascades}
    result = {"consumers": n, "directed_edges": network.n_edges, "seeds": len(seeds),
              "wom-sim": wom}
    for name, cascade in peers.items():
        if isinstance(cascade, str):
            result[name] = {"skipped": cascade}
            continue
        peer_mean, peer_se = _mean_se(sizes[name], se * math.sqrt(cascades))
        four_se = 4 * math.hypot(se, peer_se)
        wall, cpu = best[name]
        result[name] = {"s_per_cascade": wall, "cpu_s_per_cascade": cpu, "mean": peer_mean,
                        "se": peer_se, "cascades": len(sizes[name]),
                        "speedup": wall / wom["s_per_cascade"],
                        "speedup_1thread": wall / wom["s_per_cascade_1thread"],
                        "cpu_speedup": cpu / wom["cpu_s_per_cascade_1thread"],
                        "size_difference": mean - peer_mean, "four_se": four_se,
                        "sizes_agree": abs(mean - peer_mean) <= four_se}
    return result


def _print_result(model: str, result: dict) -> None:
    wom = result["wom-sim"]
    print(f"{model:<20} {'wom-sim':<10} {wom['s_per_cascade'] * 1e3:>9.3f} "
          f"{wom['s_per_cascade_1thread'] * 1e3:>9.3f} "
          f"{wom['cpu_s_per_cascade_1thread'] * 1e3:>9.3f} {'':>27} "
          f"{wom['mean']:>9,.0f} {wom['se']:>6,.0f}")
    for tool in ("cynetdiff", "ndlib"):
        row = result[tool]
        if "skipped" in row:
            print(f"{model:<20} {tool:<10} skipped: {row['skipped']}")
            continue
        print(f"{model:<20} {tool:<10} {row['s_per_cascade'] * 1e3:>9.3f} {'':>9} "
              f"{row['cpu_s_per_cascade'] * 1e3:>9.3f} {row['speedup']:>8.1f}x "
              f"{row['speedup_1thread']:>8.1f}x {row['cpu_speedup']:>8.1f}x "
              f"{row['mean']:>9,.0f} {row['se']:>6,.0f} {row['size_difference']:>7,.0f} "
              f"{row['four_se']:>7,.0f} {'yes' if row['sizes_agree'] else 'NO':>5}")


def peer_rows(n: int, cascades: int, ndlib_cascades: int, rounds: int, threads: int
              ) -> dict:
    """Print and return :func:`compare_model` for both models."""
    print(f"\npeers: BA({n:,}, 5), {min(SEED_COUNT, n)} fixed seeds; wom-sim through "
          f"sim.run, {cascades + 1} replications against 1; best of {rounds} rounds")
    print(f"{'':<31} {'---- ms per cascade ----':>29} {'---- peer / wom-sim ----':>27}")
    print(f"{'model':<20} {'tool':<10} {'wall':>9} {'wall 1t':>9} {'CPU 1t':>9} "
          f"{'wall':>9} {'wall 1t':>9} {'CPU 1t':>9} {'mean size':>9} {'SE':>6} "
          f"{'diff':>7} {'4 SE':>7} {'agree':>5}")
    results = {}
    for model in MODELS:
        results[model] = compare_model(model, n, cascades, ndlib_cascades, rounds, threads)
        _print_result(model, results[model])
    print(f"wall: wom-sim on {threads} threads (the peers run on one); 1t: wom-sim on one "
          "thread; CPU: the working thread's CPU time, which the load of other processes "
          "does not inflate. peer / wom-sim above 1: wom-sim is faster. diff: wom-sim's "
          "mean size minus the peer's; agree: |diff| <= 4 SE.")
    return results
