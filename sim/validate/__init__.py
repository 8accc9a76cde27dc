"""``wom validate``: the model against theory, its calibration facts and held-out facts.

A report in three sections (:func:`run_checks`, :func:`write_report`):

- **Theory** (:mod:`sim.validate.theory`, :mod:`sim.validate.cascades`): the presets
  against the Bass curves, exact live-edge probabilities, the ordering of Kempe,
  Kleinberg and Tardos (2003), the cascade window of Watts (2002) and the weak ties of
  Goldenberg, Libai and Muller (2001).
- **Calibration** (:mod:`sim.validate.calibration`): the facts parameters were tuned
  to, with those parameters; "calibrated, not evidence", never failing.
- **Validation** (:mod:`sim.validate.validation`): facts no parameter was tuned to.

Every value is a mean with its 95% interval (:func:`sim.metrics.interval`) over seeds,
or over every (seed, replication) of the market runs, where each replication draws its
own network (:func:`networks`).
"""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import WomError
from ..experiment import with_resampling
from ..network.resample import networks_used
from ..progress import progress_bar
from ..scenario import load_scenario
from .calibration import calibration_checks
from .cascades import kkt_checks, watts_checks, weak_tie_checks
from .market import SCENARIOS
from .report import Check, Plan, exit_code, make_plan, markdown, progress, text
from .theory import bass_checks, cascade_checks
from .validation import VALIDATION_PARTS

__all__ = ["Check", "Plan", "exit_code", "make_plan", "markdown", "networks", "run_checks",
           "text", "write_report"]


def networks() -> str:
    """Which networks the market checks run on (:func:`sim.experiment.with_resampling`)."""
    return networks_used(with_resampling(load_scenario(SCENARIOS / "market.toml")))


#: The parts of the report, in order (theory, calibration, validation); each returns
#: its checks.
PARTS = (bass_checks, cascade_checks, kkt_checks, watts_checks, weak_tie_checks,
         calibration_checks, *VALIDATION_PARTS)


def run_checks(plan: Plan) -> list[Check]:
    """Every check of the report, in order: theory, calibration, validation.

    Progress goes to stderr (:func:`sim.progress.progress_bar` over the parts, and a
    line as each part starts), unless ``plan.quiet``.
    """
    checks: list[Check] = []
    with progress_bar(len(PARTS), desc="validate", unit="part", enabled=not plan.quiet) as bar:
        for part in PARTS:
            checks += part(plan)
            bar.update(1)
    return checks


def write_report(out: Path, *, quick: bool = False, seeds: int | None = None,
                 quiet: bool = False) -> list[Check]:
    """Run every check; write the markdown report ``out``, its PNG figures in ``img/<stem>/``.

    Parameters
    ----------
    out
        The report's path; figures go in ``img/<out stem>/`` beside it (``Plan.figures``).
    quick
        Fewer seeds, replications and consumers (under two minutes on two cores).
    seeds
        Number of seeds (default 3 quick, 5 full); at least 2.
    quiet
        No progress on stderr.

    Returns
    -------
    list of Check
        Every line of the report (see :func:`exit_code`).
    """
    start = time.perf_counter()
    plan = make_plan(quick, seeds, out, quiet)
    try:  # the figures are written as the checks go: refuse an unwritable place first
        plan.figures.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WomError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    checks = run_checks(plan)
    out.write_text(markdown(checks, plan, time.perf_counter() - start), encoding="utf-8")
    progress(plan, f"report written to {out}")
    return checks
