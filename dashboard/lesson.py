"""The push-versus-engagement lesson's results: computed once, kept on disk, explained.

One :class:`LessonRequest` (the two resolved strategy files, seed and replications)
gives one :class:`LessonResults`: the frontier of every blend from pure engagement to
pure push (:func:`sim.lessons.mix_frontier`) and the ad-frequency sweep
(:func:`sim.lessons.frequency_sweep`). :func:`lesson_results` keeps them in the
dashboard's disk cache (:func:`dashboard.common.disk_cached`, keyed by the request and
the code's version), so the lesson page opens at once after the first computation, and
``python -m dashboard.warm`` computes the default request when ``wom dashboard`` starts
(:func:`warm_lesson`). While a computation runs it writes its progress to a small file
next to the cache entry (:func:`progress_path`, :mod:`dashboard.background`), so a page
opened meanwhile can show a progress bar whichever process computes.

:func:`notice` writes the page's "what to notice" paragraph from the frontier with the
one significance rule of wom-sim (:func:`sim.metrics.paired_difference`: a difference
counts only when its paired 95% interval excludes 0).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import background, common, style
from sim.lessons import FRONTIER_SHARES, Frontier, frequency_sweep, mix_frontier

#: The lesson's default run: the calibrated market (docs/calibration.md), two years,
#: 10 paired replications per share (about 145 runs of 104 weeks in all, see README).
DEFAULTS = {"population.size": 10_000, "run.steps": 104, "run.replications": 10,
            "run.seed": 1}

#: Ad frequencies of the fatigue curve (exposures per reached consumer per week).
FREQUENCIES = (1, 2, 3, 4, 6, 8, 12)

#: numba threads of the lesson's runs. One thread per run: with the server and other
#: work on 2 shared cores, two threads per run were several times slower than one
#: (they wait for each other whenever one is descheduled), and results do not depend on it.
THREADS = 1

#: Columns of the frontier's runs that the page draws (customers and cumulative profit
#: over the weeks); the other columns are dropped to keep the results small.
RUN_COLUMNS = ("share", "replication", "step", "time", "customers", "profit")

#: Metrics of the frontier, in menu order.
METRICS = ("total_profit", "total_profit_npv", "final_clv", "final_nps", "final_customers")


@dataclass(frozen=True)
class LessonRequest:
    """What the lesson computes: the resolved strategies (TOML texts), seed, replications."""

    push: str
    engagement: str
    seed: int
    replications: int
    shares: tuple[float, ...] = FRONTIER_SHARES
    frequencies: tuple[int, ...] = FREQUENCIES

    @property
    def steps(self) -> int:
        """Units of work: one per share of the frontier and per frequency."""
        return len(self.shares) + len(self.frequencies)


@dataclass
class LessonResults:
    """The frontier (:class:`sim.lessons.Frontier`) and the fatigue sweep (one row per
    frequency and replication, :func:`sim.lessons.frequency_sweep`)."""

    frontier: Frontier
    fatigue: pd.DataFrame


def request_for(settings: dict[str, int]) -> LessonRequest:
    """The lesson of the shipped push and engagement files with ``settings`` (population,
    steps, replications and seed as dotted keys) applied to both.

    Raises
    ------
    WomError
        For a setting the schema refuses (the message names the file and key).
    """
    push = common.with_overrides(common.load_shipped("push"), settings, source="push.toml")
    engagement = common.with_overrides(common.load_shipped("engagement"), settings,
                                       source="engagement.toml")
    return LessonRequest(push=common.scenario_text(push),
                         engagement=common.scenario_text(engagement),
                         seed=int(settings["run.seed"]),
                         replications=int(settings["run.replications"]))


def progress_path(request: LessonRequest) -> Path:
    """Where a computation of ``request`` reports its progress (in any process)."""
    return background.progress_path("lesson", request)


def compute(request: LessonRequest,
            advance: Callable[[int, int, str], None] | None = None, *,
            engine: str = "fast") -> LessonResults:
    """Run the frontier and the fatigue sweep of ``request`` (no cache) with ``engine``.

    ``advance(done, total, what)`` is called at the start and after each unit of work
    (a share of the frontier, a frequency of the sweep), ``what`` naming the last one.
    The frontier's runs keep only :data:`RUN_COLUMNS`, what the page draws.
    """
    push = common.scenario_of_text(request.push, "push")
    engagement = common.scenario_of_text(request.engagement, "engagement")
    report = advance or (lambda done, total, what: None)
    total, done = request.steps, 0

    def finished(what: str) -> None:
        nonlocal done
        done += 1
        report(done, total, what)

    report(0, total, "starting")
    frontier = mix_frontier(push, engagement, request.shares, seed=request.seed,
                            replications=request.replications, threads=THREADS,
                            engine=engine,
                            advance=lambda share: finished(f"blend at {share:.0%} on push"))
    sweeps = []
    for frequency in request.frequencies:
        sweeps.append(frequency_sweep(push, (frequency,), seed=request.seed,
                                      replications=request.replications, threads=THREADS,
                                      engine=engine))
        finished(f"fatigue curve at {frequency} exposures a week")
    runs = frontier.runs[list(RUN_COLUMNS)].copy()
    return LessonResults(frontier=Frontier(runs=runs, kpis=frontier.kpis),
                         fatigue=pd.concat(sweeps, ignore_index=True))


@functools.lru_cache(maxsize=4)
def lesson_results(request: LessonRequest) -> LessonResults:
    """:func:`compute` through the disk cache (and kept in memory for the page's reruns);
    progress goes to :func:`progress_path` while it runs."""
    def work(report: Callable[[float, str], None]) -> LessonResults:
        return compute(request, lambda done, total, what: report(
            done / total, f"{done} of {total} parts done (latest: {what})"))

    return common.disk_cached("lesson", request, lambda: background.reporting(
        progress_path(request), work))


def start(request: LessonRequest) -> Future:
    """:func:`lesson_results` of ``request`` on a worker thread (:func:`background.start`)."""
    return background.start(("lesson", request), lambda: lesson_results(request))


def default_request() -> LessonRequest:
    """The lesson page's first view: :data:`DEFAULTS`."""
    return request_for(DEFAULTS)


def warm_lesson() -> None:
    """Compute the default lesson into the disk cache (``python -m dashboard.warm``)."""
    lesson_results(default_request())


# ---------------------------------------------------------------------------------------
# What to notice
# ---------------------------------------------------------------------------------------


def share_name(share: float) -> str:
    """``0`` -> "pure engagement", ``1`` -> "pure push", ``0.3`` -> "30% on push"."""
    if share == 0:
        return "pure engagement"
    if share == 1:
        return "pure push"
    return f"{share:.0%} on push"


def versus(frontier: Frontier, metric: str, share: float, baseline: float,
           currency: str) -> str:
    """``share`` minus ``baseline`` in words: the paired difference, its 95% interval and
    the verdict of the significance rule."""
    diff = frontier.difference(metric, share, baseline)
    amount = style.format_kpi(metric, diff["mean"], currency, delta=True)
    band = style.format_interval(metric, diff["low"], diff["high"], currency, delta=True)
    if diff["significant"]:
        verdict = "significantly " + ("better" if diff["winner_side"] == "b" else "worse")
    else:
        verdict = "no clear difference (the interval includes 0)"
    return f"{amount} {band}, {verdict}"


def _peaks(frontier: Frontier) -> str:
    """Where each measure of :data:`METRICS` peaks."""
    peaks = [(style.kpi_label(m), frontier.best(m)) for m in METRICS if m in frontier.kpis]
    peaks = [(label, best) for label, best in peaks if best is not None]
    shown = ", ".join(f"{label} {best:.0%}" for label, best in peaks)
    if len({best for _, best in peaks}) == 1:
        return f"Every measure peaks at the same mix here ({shown} on push)."
    return (f"Each measure peaks at its own mix ({shown} on push): no single mix is best "
            "at everything.")


def notice(frontier: Frontier, metric: str, share: float, currency: str) -> str:
    """The "what to notice" paragraph for the chosen ``share`` on ``metric`` (markdown):
    where the share sits on the frontier, against the best mix and the pure strategies,
    each difference with its paired 95% interval and verdict."""
    label = style.kpi_label(metric)
    name = label if label.isupper() else label.lower()
    best = frontier.best(metric)
    curve = frontier.curve(metric).set_index("share")
    if best is None or not pd.notna(curve.loc[share, "mean"]):
        return (f"{label} has no value at {share_name(share)} in these runs: "
                f"{style.kpi_help(metric, currency)}")

    def value(at: float) -> str:
        return style.format_kpi(metric, curve.loc[at, "mean"], currency)

    band = style.format_interval(metric, curve.loc[share, "ci_low"], curve.loc[share, "ci_high"],
                                 currency)
    pure = share in (0.0, 1.0)
    if pure:
        file = "engagement" if share == 0 else "push"
        lines = [f"**This is a pure strategy**: {share_name(share)}, scenarios/{file}.toml as "
                 f"shipped, gives a {name} of {value(share)} {band}."]
    else:
        lines = [f"**Your mix, {share:.0%} on push**, gives a {name} of {value(share)} {band}."]
    if share == best:
        lines.append(f"No other mix does better: this is the **best mix** on {name}.")
    else:
        lines.append(f"The **best mix** puts {best:.0%} on push and gives {value(best)}: "
                     f"{versus(frontier, metric, best, share, currency)}.")
    if pure:
        other = 1.0 - share
        lines.append(f"{share_name(other).capitalize()} gives {value(other)}; "
                     f"{share_name(share)} is {versus(frontier, metric, share, other, currency)}.")
    else:
        lines.append(f"Against pure engagement this mix is "
                     f"{versus(frontier, metric, share, 0.0, currency)}; against pure push "
                     f"{versus(frontier, metric, share, 1.0, currency)}.")
    lines.append(_peaks(frontier))
    lines.append("The best mix is picked from these same runs, so a lead that is only just "
                 "significant deserves a second look with another seed.")
    return " ".join(lines)
