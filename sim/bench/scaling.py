"""How time and memory grow with the number of consumers and of ties.

Each point builds a network, runs one replication of a model on it and records the
network build time, the model's set-up time, the run time (per step for the network
Bass and the commerce week, per whole cascade for the independent cascade, which stops
by itself) and the peak
resident memory above the process's memory when the point started. The peak is read
from Linux's ``/proc/self/status`` (``VmHWM``) after returning freed memory to the system
and resetting the peak through ``/proc/self/clear_refs``; elsewhere memory is not
measured.

Two sweeps: consumers at m = 5 (about 10 directed edges per consumer), and ties at a
fixed number of consumers with m = 2, 5, 10, 20. :func:`plot` draws both on log-log
axes.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import time
from pathlib import Path

from ..experiment import step_model
from ..fast import WomModel
from ..network import build_network
from ..scenario import Scenario
from .engines import bass_scenario, commerce_scenario
from .peers import task_scenario

MODELS = {
    "bass": "network Bass, s per step",
    "commerce": "commerce week, s per step",
    "independent_cascade": "independent cascade, s per cascade",
}
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kb(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _release() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc's
    ``malloc_trim``), so that a point's peak is not hidden by memory a previous point
    freed but the process kept."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: measure as it is
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def memory_measured() -> bool:
    """Whether peak memory can be reset and read here (Linux)."""
    try:
        CLEAR_REFS.write_text("5")
        _status_kb("VmHWM")
    except (OSError, KeyError):
        return False
    return True


def _scenario(model: str, n: int, m: int) -> Scenario:
    """The scenario of a point; it runs on BA(n, m) whatever its own network table says."""
    if model == "bass":
        return bass_scenario(n, m)
    if model == "commerce":
        return commerce_scenario(n, m)
    return task_scenario(model, n)


def point(model: str, n: int, m: int, steps: int, memory: bool) -> dict:
    """Build BA(n, m) and run ``model`` on it once; times in seconds, memory in MB."""
    _release()
    if memory:
        CLEAR_REFS.write_text("5")
        start = _status_kb("VmRSS")
    scenario = _scenario(model, n, m)
    started = time.perf_counter()
    network = build_network(bass_scenario(n, m))
    built = time.perf_counter()
    if memory:
        build_peak = _status_kb("VmHWM") - start
        _release()
        CLEAR_REFS.write_text("5")
        start = _status_kb("VmRSS")
    set_up = time.perf_counter()
    sim = WomModel(scenario, replications=1, network=network)
    ready = time.perf_counter()
    count = scenario.run.steps if model == "independent_cascade" else steps
    step_model(sim, count)
    done = time.perf_counter()
    row = {"model": model, "consumers": n, "m": m, "directed_edges": network.n_edges,
           "build_s": built - started, "init_s": ready - set_up,
           "run_s": done - ready,
           "time": (done - ready) / (1 if model == "independent_cascade" else count),
           "build_peak_mb": build_peak / 1024 if memory else None,
           "peak_mb": (_status_kb("VmHWM") - start) / 1024 if memory else None}
    del sim, network
    return row


def sweep(sizes: list[int], edge_n: int, ms: tuple[int, ...], steps: int) -> dict:
    """Both sweeps for every model of :data:`MODELS`; printed and returned."""
    memory = memory_measured()
    print("\nscaling: one replication on BA(n, m); the network's build and the model's "
          "set-up timed apart from the run; build MB: peak above the start of the point, "
          "run MB: peak of set-up and run above the memory after the build"
          + ("" if memory else " (not measured here)"))
    print(f"{'model':<20} {'consumers':>10} {'m':>3} {'edges':>11} {'build s':>8} "
          f"{'build MB':>8} {'set-up s':>8} {'time':>9} {'run MB':>8}")
    points = {"consumers": [], "edges": []}
    plan = [("consumers", n, 5) for n in sizes] + [("edges", edge_n, m) for m in ms]
    for model in MODELS:
        point(model, min(sizes), 2, 2, memory=False)  # load the kernels outside the timings
        for kind, n, m in plan:
            row = point(model, n, m, steps, memory)
            points[kind].append(row)
            build, peak = ("-", "-") if not memory else (f"{row['build_peak_mb']:.0f}",
                                                         f"{row['peak_mb']:.0f}")
            print(f"{model:<20} {n:>10,} {m:>3} {row['directed_edges']:>11,} "
                  f"{row['build_s']:>8.2f} {build:>8} {row['init_s']:>8.2f} "
                  f"{row['time']:>9.4f} {peak:>8}")
    print("time: seconds per step (bass, commerce) or per cascade (independent cascade).")
    return {"memory_measured": memory, "steps": steps, "edge_sweep_consumers": edge_n,
            **points}


def plot(result: dict, path: Path) -> Path:
    """Four log-log panels, time and peak memory against consumers and against directed
    edges, with a dotted line of slope 1; written as PNG to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 8), constrained_layout=True)
    for col, (kind, x_key, x_label) in enumerate(
            (("consumers", "consumers", "consumers (m = 5)"),
             ("edges", "directed_edges",
              f"directed edges ({result['edge_sweep_consumers']:,} consumers)"))):
        for row, (y_key, y_label) in enumerate((("time", "seconds"),
                                                ("peak_mb", "peak memory, MB"))):
            ax = axes[row][col]
            series = [(model, label, y_key) for model, label in MODELS.items()]
            if y_key == "peak_mb":  # the build is the same network whatever the model
                series = [("bass", "network build (BA generator)", "build_peak_mb"),
                          *[(model, f"{label.split(',')[0]}: set-up and run", y_key)
                            for model, label in MODELS.items()]]
            for model, label, key in series:
                pts = [p for p in result[kind] if p["model"] == model and p[key]]
                if pts:
                    ax.plot([p[x_key] for p in pts], [p[key] for p in pts], "o-",
                            label=label)
            xs = [p[x_key] for p in result[kind]]
            ys = [p[y_key] for p in result[kind] if p[y_key]]
            if xs and ys:
                x0, x1 = min(xs), max(xs)
                ax.plot([x0, x1], [min(ys), min(ys) * x1 / x0], "k:", label="slope 1")
            ax.set(xscale="log", yscale="log", xlabel=x_label, ylabel=y_label)
            ax.grid(True, which="both", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    axes[1][0].legend(fontsize=8)
    fig.suptitle("wom-sim scaling (one replication, BA networks)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
