"""The result of a check, the run plan, and the markdown report.

Every check returns a :class:`Check`: the fact, its source, the band it is held to,
the value measured over seeds (mean and Student t 95% interval over seeds, each seed a
different network and different random streams, :func:`sim.metrics.interval`), and
whether it passes. Calibration checks are shown but never fail the exit code: they are
"calibrated, not evidence".
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ..metrics import interval

SECTIONS = {
    "theory": "Theory",
    "calibration": "Calibration (calibrated, not evidence)",
    "validation": "Validation",
}

#: The label of every calibration line.
CALIBRATED = "calibrated, not evidence"


@dataclass(frozen=True)
class Check:
    """One line of the report.

    Attributes
    ----------
    section : str
        ``"theory"``, ``"calibration"`` or ``"validation"``.
    name : str
        The fact, in words.
    source : str
        Citation (or the brief / docs page it comes from).
    band : str
        What the measurement is held to, in words.
    mean, ci_low, ci_high : float
        The value measured: mean over seeds and its 95% interval (NaN for a formula).
    seeds : int
        Number of seeds (networks) the value is measured over.
    ok : bool
        Whether the value is in its band.
    parameter : str
        Calibration lines: the parameters tuned to this fact.
    note : str
        A short reading of the result.
    figure : str
        File name of the figure, next to the report ("" for none).
    """

    section: str
    name: str
    source: str
    band: str
    mean: float
    ci_low: float
    ci_high: float
    seeds: int
    ok: bool
    parameter: str = ""
    note: str = ""
    figure: str = ""

    @property
    def counts(self) -> bool:
        """Whether a failure of this check fails ``wom validate`` (not calibration)."""
        return self.section != "calibration"


@dataclass(frozen=True)
class Plan:
    """How much to simulate: ``--quick`` or the full report.

    ``seeds`` are the run seeds; each gives a different network (``network.seed``
    defaults to ``run.seed``) and different random streams. ``report`` is the path of
    the markdown report; its figures go in ``img/<report stem>/`` beside it
    (:attr:`figures`), so ``docs/validation.md`` keeps them in ``docs/img/validation/``.
    ``quiet`` silences the progress bar and lines on stderr.
    """

    seeds: tuple[int, ...]
    quick: bool
    report: Path
    bass_replications: int
    fine_dt: float
    exact_replications: int
    kkt_replications: int
    celf_worlds: int
    watts_n: int
    watts_z: tuple[float, ...]
    watts_replications: int
    ties_replications: int
    hub_n: int
    hub_replications: int
    market_size: int
    market_replications: int
    quiet: bool = False

    @property
    def figure_link(self) -> str:
        """The figures' folder relative to the report, as a markdown link prefix."""
        return f"img/{self.report.stem}"

    @property
    def figures(self) -> Path:
        """The folder the figures are written to."""
        return self.report.parent / self.figure_link


def make_plan(quick: bool, seeds: int | None, report: Path, quiet: bool = False) -> Plan:
    """The plan of ``wom validate`` (``--quick`` runs in under two minutes on two cores)."""
    count = seeds if seeds is not None else (3 if quick else 5)
    if count < 2:
        raise ValueError(f"--seeds: at least 2 are needed for an interval, found {count}")
    if quick:
        return Plan(tuple(range(1, count + 1)), True, report, bass_replications=30,
                    fine_dt=0.1, exact_replications=10_000, kkt_replications=50,
                    celf_worlds=50, watts_n=2000,
                    watts_z=(0.5, 1, 1.5, 2, 4, 5, 6, 7, 8, 12),
                    watts_replications=40, ties_replications=20, hub_n=4000,
                    hub_replications=20, market_size=10_000, market_replications=4,
                    quiet=quiet)
    return Plan(tuple(range(1, count + 1)), False, report, bass_replications=100,
                fine_dt=0.05, exact_replications=40_000, kkt_replications=200,
                celf_worlds=200, watts_n=10_000,
                watts_z=(0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7,
                         8, 9, 10, 12),
                watts_replications=100, ties_replications=50, hub_n=10_000,
                hub_replications=50, market_size=10_000, market_replications=10,
                quiet=quiet)


def progress(plan: Plan, message: str) -> None:
    """One line to stderr, so a long run never looks hung (none with ``plan.quiet``);
    written through tqdm so that a progress bar on a terminal stays whole."""
    if not plan.quiet:
        tqdm.write(f"wom validate: {message}", file=sys.stderr)


def measured(section: str, name: str, source: str, band: str, values: Sequence[float],
             ok: Any, **extra: str) -> Check:
    """A :class:`Check` from per-seed ``values``; ``ok`` is a bool or a test of the interval.

    ``ok`` may be a callable taking the :func:`sim.metrics.interval` dict.
    """
    stats = interval(np.asarray(values, dtype=float))
    passed = bool(ok(stats)) if callable(ok) else bool(ok)
    return Check(section, name, source, band, stats["mean"], stats["ci_low"], stats["ci_high"],
                 stats["replications"], passed, **extra)


def in_band(low: float, high: float):
    """Test: the mean lies in [low, high]."""
    return lambda s: low <= s["mean"] <= high


def exit_code(checks: Sequence[Check]) -> int:
    """1 when a theory or validation check fails, else 0 (calibration never fails)."""
    return 1 if any(c.counts and not c.ok for c in checks) else 0


def _number(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) >= 0.01 or x == 0 else f"{x:.2e}"


def value_text(check: Check) -> str:
    """``mean [low, high]``, or the mean alone for a formula (no interval)."""
    if not math.isfinite(check.ci_low):
        return _number(check.mean)
    return f"{_number(check.mean)} [{_number(check.ci_low)}, {_number(check.ci_high)}]"


def _result(check: Check, bold: bool = True) -> str:
    if check.section == "calibration":
        return "in band" if check.ok else "off band"
    if check.ok:
        return "pass"
    return "**FAIL**" if bold else "FAIL"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(checks: Sequence[Check], plan: Plan, seconds: float | None = None) -> str:
    """The report: a table per section, then a note per check and its figure."""
    seeds = ", ".join(str(s) for s in plan.seeds)
    lines = ["# wom validate", "",
             f"{'Quick run' if plan.quick else 'Full run'}: seeds {seeds}. Each seed is a "
             "different network and different random streams; a value is the mean over "
             "seeds with its Student t 95% interval over seeds. A direction (a winner) is "
             "claimed only when the paired 95% interval excludes 0. Calibration lines "
             "are calibrated, not evidence: shown, never counted."]
    if seconds is not None:
        lines.append(f"Run time: {seconds:.0f} s.")
    for key, title in SECTIONS.items():
        rows = [c for c in checks if c.section == key]
        if not rows:
            continue
        extra = " | tuned parameter" if key == "calibration" else ""
        lines += ["", f"## {title}", "",
                  f"| check | source | band | measured (mean [95% CI]) | seeds{extra} | result |",
                  "|---|---|---|---|---|" + ("---|" if extra else "") + "---|"]
        for c in rows:
            tuned = f" | {_cell(c.parameter)}" if extra else ""
            lines.append(f"| {_cell(c.name)} | {_cell(c.source)} | {_cell(c.band)} | "
                         f"{value_text(c)} | {c.seeds}{tuned} | {_result(c)} |")
        notes = [c for c in rows if c.note or c.figure]
        if notes:
            lines.append("")
        for c in notes:
            lines.append(f"- **{c.name}.** {c.note}".rstrip())
            if c.figure:
                lines.append(f"\n  ![{c.name}]({c.figure})")
    failed = [c for c in checks if c.counts and not c.ok]
    counted = [c for c in checks if c.counts]
    lines += ["", f"{len(counted) - len(failed)} of {len(counted)} theory and validation "
              f"checks pass" + (": " + "; ".join(c.name for c in failed) if failed else ".")]
    return "\n".join(lines) + "\n"


def text(checks: Sequence[Check]) -> str:
    """The checks as an aligned table for the terminal."""
    width = max(len(c.name) for c in checks)
    out = []
    for c in checks:
        result = _result(c, bold=False)
        out.append(f"{c.section[:5]:<6}{c.name:<{width}}  {value_text(c):<32} {result}")
    return "\n".join(out)


def save_figure(figure: Any, plan: Plan, name: str) -> str:
    """Write a matplotlib figure as ``plan.figures / name`` (PNG); return its link.

    The link is relative to the report: ``img/<report stem>/<name>``.
    """
    import matplotlib.pyplot as plt

    plan.figures.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(plan.figures / name, dpi=110)
    plt.close(figure)
    return f"{plan.figure_link}/{name}"


def axes(title: str, xlabel: str, ylabel: str) -> tuple[Any, Any]:
    """A new figure and its axes (Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(6, 3.8))
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    return figure, ax
