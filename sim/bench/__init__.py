"""``wom bench``: how fast wom-sim is on this machine, measured in one process.

The suite (:func:`main`), each part in its module:

- machine information (:func:`machine_info`): cores, CPU, versions;
- the fast engine against the reference engine, and the commerce week per directed edge
  (:mod:`sim.bench.engines`);
- the machine's limit: a minimal numba kernel summing a float over every CSR neighbour
  (:func:`sim.bench.engines.csr_limit`), and the commerce week's share of it, also on a
  denser network (:func:`sim.bench.engines.dense_row`);
- cascades against cynetdiff and NDlib, with mean sizes compared
  (:mod:`sim.bench.peers`; rows skipped with a note when the optional extra
  ``.[bench]`` is not installed);
- scaling of time and peak memory with consumers and with ties, drawn as PNG
  (:mod:`sim.bench.scaling`).

Ratios are the result: absolute times on a shared machine are noisy, so every
comparison is timed in the same process, best of several tries. ``--quick`` runs
smaller sizes and fewer rounds (under a minute on 2 cores once the kernels are
compiled); ``--json FILE`` writes every number.
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import mesa
import numba
import numpy as np

from ..results import package_version
from .engines import (
    REFERENCE_LIMIT,
    commerce_rows,
    csr_limit,
    dense_row,
    engine_rows,
    limit_shares,
)
from .peers import peer_rows
from .scaling import plot, sweep

#: Barabasi-Albert m of the denser network the commerce week is also timed on (the
#: issue's commerce network at 10^6 consumers: 2 x 10^7 directed ties).
DENSE_M = 10

#: Largest network the peers and the edge sweep run on.
PEER_LIMIT = 100_000


@dataclass(frozen=True)
class Plan:
    """What :func:`main` runs: sizes, steps and repetitions."""

    sizes: tuple[int, ...]
    steps: int
    reference_steps: int
    threads: int
    cascades: int
    ndlib_cascades: int
    rounds: int
    edge_ms: tuple[int, ...]
    scaling_steps: int
    quick: bool


def make_plan(quick: bool, sizes: list[int] | None, steps: int | None,
              reference_steps: int, threads: int | None) -> Plan:
    """The plan of a full or ``--quick`` run; ``sizes`` and ``steps`` override it."""
    default = (2_000, 10_000) if quick else (10_000, 100_000, 1_000_000)
    return Plan(sizes=tuple(sizes or default), steps=steps or (10 if quick else 20),
                reference_steps=reference_steps,
                threads=threads or numba.config.NUMBA_NUM_THREADS,
                cascades=20 if quick else 50, ndlib_cascades=1 if quick else 3,
                rounds=2 if quick else 5, edge_ms=(2, 5, 10) if quick else (2, 5, 10, 20),
                scaling_steps=3 if quick else 10, quick=quick)


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(threads: int) -> dict:
    """Cores, CPU, memory, operating system and the versions that matter; printed."""
    pages = os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    info = {"cores": os.cpu_count(), "numba_threads": threads, "cpu": _cpu(),
            "memory_gb": round(pages * os.sysconf("SC_PAGE_SIZE") / 2**30, 1) if pages else None,
            "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__, "mesa": mesa.__version__,
            "wom_sim": package_version(), "cynetdiff": _version("cynetdiff"),
            "ndlib": _version("ndlib")}
    peers = ", ".join(f"{name} {info[name] or 'not installed'}"
                      for name in ("cynetdiff", "ndlib"))
    print(f"machine: {info['cpu']}, {info['cores']} cores ({threads} numba threads), "
          f"{info['memory_gb']} GB, {info['system']}")
    print(f"versions: Python {info['python']}, numpy {info['numpy']}, numba {info['numba']}, "
          f"mesa {info['mesa']}, wom-sim {info['wom_sim']}; peers: {peers}")
    return info


def _plain(value: object) -> object:
    """numpy scalars as Python numbers for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def main(plan: Plan, *, json_path: Path | None = None, plots: Path | None = None) -> dict:
    """Run the suite of ``plan``, print it, and return (and optionally write) the numbers.

    ``plots`` is the folder of the scaling figure (``scaling.png``; none if None).
    """
    started = time.perf_counter()
    results: dict = {"machine": machine_info(plan.threads), "plan": asdict(plan)}
    print()
    results["engines"] = engine_rows(list(plan.sizes), plan.steps, plan.reference_steps,
                                     plan.threads)
    results["machine"]["threading_layer"] = numba.threading_layer()  # known once one ran
    results["commerce"] = commerce_rows(results["engines"], plan.steps, plan.threads)
    results["csr_limit"] = [csr_limit(n, plan.threads) for n in plan.sizes]
    limit_shares(results["commerce"], results["csr_limit"])
    results["commerce_dense"] = dense_row(max(plan.sizes), DENSE_M, plan.steps, plan.threads)
    peer_n = max([n for n in plan.sizes if n <= PEER_LIMIT] or [min(plan.sizes)])
    results["peers"] = peer_rows(peer_n, plan.cascades, plan.ndlib_cascades, plan.rounds,
                                 plan.threads)
    results["scaling"] = sweep(list(plan.sizes), peer_n, plan.edge_ms, plan.scaling_steps)
    if plots is not None:
        results["scaling"]["plot"] = str(plot(results["scaling"], plots / "scaling.png"))
        print(f"scaling curves: {results['scaling']['plot']}")
    results["seconds"] = time.perf_counter() - started
    print(f"\nbench: {results['seconds']:.0f} s (reference engine timed up to "
          f"{REFERENCE_LIMIT:,} consumers)")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=1, default=_plain) + "\n")
        print(f"wrote {json_path}")
    return results
