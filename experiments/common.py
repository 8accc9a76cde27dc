"""Shared pieces of the experiment scripts: options, output paths, tables of bands.

Every script in this folder regenerates one figure of docs/experiments.md from scratch.
Where it writes follows one rule, so that running a script never changes a committed
file by accident: ``python experiments/<name>.py`` writes ``<name>.png`` and
``<name>.csv`` under ``runs/experiments/img`` and ``runs/experiments/data`` (``runs/``
is ignored by git); ``--write-docs`` writes them to ``docs/img`` and ``docs/data``,
replacing the documented figure (a full run only: refused with ``--quick``); ``--outdir
DIR`` writes under ``DIR``. ``--quick`` runs a small version in seconds (for tests and
CI) and ``--threads N`` sets the numba threads of each run (default 1). Every band and
error bar is the Student t 95% interval over replications of
:func:`sim.metrics.intervals`.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.metrics import intervals  # noqa: E402
from sim.results import package_version  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
NETWORKS = ROOT / "data" / "networks"
DOCS = ROOT / "docs"
#: Where the scripts write unless told otherwise (ignored by git).
RUNS = ROOT / "runs" / "experiments"

#: Seed of every experiment; scenarios compared in one figure share it (common random
#: numbers: replication r of each uses the random stream (SEED, r)).
SEED = 1

@dataclass(frozen=True)
class Outputs:
    """Where a script writes its figure and its table."""

    png: Path
    csv: Path

    def sibling(self, suffix: str) -> Path:
        """Another CSV next to the main one: ``<name>_<suffix>.csv``."""
        return self.csv.with_name(f"{self.csv.stem}_{suffix}.csv")


def parse_args(argv: Sequence[str] | None, description: str) -> argparse.Namespace:
    """The options every experiment script takes: ``--quick``, where to write
    (:func:`add_output_options`) and ``--threads``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="small populations and few replications: runs in seconds")
    add_output_options(parser)
    add_threads(parser)
    return checked_output(parser, parser.parse_args(argv))


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--outdir DIR`` or ``--write-docs``; neither: ``runs/experiments/``."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--outdir", type=Path, default=RUNS,
                       help="write DIR/img/<name>.png and DIR/data/<name>.csv "
                            "(default: runs/experiments/, ignored by git)")
    where.add_argument("--write-docs", dest="outdir", action="store_const", const=DOCS,
                       help="write to docs/img and docs/data, replacing the committed "
                            "figure of docs/experiments.md (a full run, not --quick)")


def checked_output(parser: argparse.ArgumentParser, args: argparse.Namespace
                   ) -> argparse.Namespace:
    """``args``, unless ``--quick`` would overwrite the documented figures (exit 2)."""
    if getattr(args, "quick", False) and Path(args.outdir).resolve() == DOCS:
        parser.error("--quick results must not replace the documented figures in docs/; "
                     "drop --write-docs (they go to runs/experiments/) or give --outdir")
    return args


def add_threads(parser: argparse.ArgumentParser) -> None:
    """``--threads``: numba threads of the fast engine (results do not depend on it)."""
    parser.add_argument("--threads", type=int, default=1,
                        help="numba threads per run (default 1: on a shared or busy machine "
                             "one thread is fastest; results are identical for any number)")


def outputs(outdir: Path, name: str) -> Outputs:
    """The figure and table paths of experiment ``name`` under ``outdir`` (created)."""
    img, data = Path(outdir) / "img", Path(outdir) / "data"
    img.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    return Outputs(png=img / f"{name}.png", csv=data / f"{name}.csv")


def band_frame(values: np.ndarray, **columns: object) -> pd.DataFrame:
    """:func:`sim.metrics.intervals` as a table, with constant or per-point ``columns`` in
    front."""
    frame = pd.DataFrame({**columns, **intervals(values)})
    frame["replications"] = frame["replications"].astype(np.int64)
    return frame


def wide(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column of a tidy result table as an array of shape (replications, steps + 1)."""
    return frame.pivot(index="replication", columns="step", values=column).to_numpy(float)


def save(fig: plt.Figure, table: pd.DataFrame, out: Outputs, started: float) -> None:
    """Write the figure (PNG, 150 dpi) and the table, and print where they went."""
    fig.savefig(out.png, dpi=150, bbox_inches="tight")
    plt.close(fig)
    table.to_csv(out.csv, index=False)
    print(f"wrote {out.png}")
    print(f"wrote {out.csv}")
    print(f"time {time.perf_counter() - started:.1f} s  (wom-sim {package_version()}, "
          f"Python {platform.python_version()}, {platform.machine()})")


def fmt(value: float, digits: int = 0) -> str:
    """A number with thousands separators, or 'n/a'."""
    return f"{value:,.{digits}f}" if math.isfinite(value) else "n/a"


def fmt_ci(mean: float, low: float, high: float, digits: int = 0) -> str:
    """``mean [low, high]`` with thousands separators."""
    return f"{fmt(mean, digits)} [{fmt(low, digits)}, {fmt(high, digits)}]"
