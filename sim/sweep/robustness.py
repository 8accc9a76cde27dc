"""Robustness maps: where in a parameter space does strategy B beat strategy A?

Two scenarios A and B (typically two strategies on one market) run as two sweeps over
the same design points, into ``DIR/a`` and ``DIR/b``, with the same seed, steps and
replications: replication r of A and of B at a point use the same random stream (seed,
r), so they pair (common random numbers). Both sweeps are ordinary resumable sweeps
(:func:`sim.sweep.run_sweep`: Parquet parts, local processes or Dask); re-running the
same command resumes whichever parts are missing.

Per point and metric (a KPI of :func:`sim.metrics.kpis_per_replication`) the paired
difference B - A over the replications gets its mean and 95% Student t interval
(:func:`sim.metrics.interval`); B or A wins only when the interval excludes 0 (for
costs and losses, :data:`sim.metrics.LOWER_IS_BETTER`, a lower value wins), otherwise
there is no clear winner (``"none"``). With the ``sobol`` design, Sobol' indices of
the mean difference say which parameters decide who wins (:mod:`sim.sweep.analyze`).

Layout of ``DIR``::

    DIR/robustness.json         the two scenarios, their sweep ids, design and metrics
    DIR/a/, DIR/b/              the two sweeps (see sim.sweep.store)
    DIR/robustness.csv          one row per point x metric
    DIR/robustness_<metric>.png the map of each metric
    DIR/sobol_<metric>.csv/png  sobol design: indices of the difference

References
----------
Law, A. M. (2015). Simulation Modeling and Analysis, 5th ed., McGraw-Hill. Section
11.2 (common random numbers) and 10.2 (paired-t confidence interval).
Sobol' (2001), Saltelli (2002) and Saltelli et al. (2010): see :mod:`sim.sweep.analyze`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..comparison import describe_differences, market_differences, unique_labels
from ..errors import WomError
from ..experiment import run
from ..metrics import (
    LOWER_IS_BETTER,
    NO_WINNER,
    interval,
    kpis_per_replication,
    paired_difference,
)
from ..scenario import Scenario
from .analyze import plot_sobol, sobol_indices
from .design import SweepPlan, plan_sweep, point_scenario
from .executors import SweepResult, run_sweep
from .load import load_sweep
from .robustness_plots import plot_metric
from .store import check_writable, read_manifest, write_atomic

__all__ = ["DEFAULT_METRICS", "RESULT", "RobustnessPlan", "RobustnessReport",
           "analyze_robustness", "plan_robustness", "robustness_text", "run_robustness"]

#: Metrics of a commerce market when none are given (those the scenarios have).
DEFAULT_METRICS = ("total_profit", "final_customers", "final_clv", "final_nps")

#: The table of every point x metric.
RESULT = "robustness.csv"
_MANIFEST = "robustness.json"
_FORMAT = "wom-sim robustness 1"
_SWEEPS = ("a", "b")
_COLUMNS = ["metric", "mean_a", "mean_b", "diff", "low", "high", "winner", "n"]


@dataclass
class RobustnessPlan:
    """Two sweeps over the same points: A and B (build with :func:`plan_robustness`).

    Attributes
    ----------
    a, b
        The sweep plans of the two scenarios (same points, seed, steps, replications).
    labels
        Names of A and B (scenario names, else file stems).
    metrics
        KPIs to compare.
    market_differences
        Market keys whose values differ between A and B (empty unless allowed).
    """

    a: SweepPlan
    b: SweepPlan
    labels: tuple[str, str]
    metrics: list[str]
    market_differences: list[str] = field(default_factory=list)

    @property
    def manifest(self) -> dict[str, Any]:
        """What ``DIR/robustness.json`` holds."""
        return {"format": _FORMAT, "labels": list(self.labels), "metrics": self.metrics,
                "design": self.a.design, "params": self.a.manifest["params"],
                "market_differences": self.market_differences,
                **{name: {"scenario_file": plan.manifest["scenario_file"],
                          "sweep_id": plan.sweep_id}
                   for name, plan in zip(_SWEEPS, (self.a, self.b), strict=True)}}


@dataclass
class RobustnessReport:
    """What :func:`analyze_robustness` found and wrote.

    Attributes
    ----------
    table
        One row per point x metric: ``point``, the swept keys, then ``metric, mean_a,
        mean_b, diff, low, high, winner, n``.
    labels, params, design
        Names of A and B, the swept parameters (manifest entries) and the design.
    sobol
        sobol design: per metric, S1, S1_conf, ST, ST_conf of the mean difference.
    notes
        Why a metric has no indices (NaN differences), per metric.
    files
        CSV and PNG files written.
    """

    table: pd.DataFrame
    labels: tuple[str, str]
    params: list[dict[str, Any]]
    design: str
    sobol: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def _winner(metric: str, diff: dict[str, Any]) -> str:
    """``"A"``, ``"B"`` or ``"none"`` from :func:`sim.metrics.paired_difference` of A, B."""
    if metric in NO_WINNER or diff["winner_side"] is None:
        return "none"
    return diff["winner_side"].upper()


def _label(plan: SweepPlan, source: Scenario | str | Path) -> str:
    if plan.scenario.name:
        return plan.scenario.name
    return Path(source).stem if isinstance(source, str | Path) else "scenario"


def _available(plan: SweepPlan) -> list[str]:
    """KPIs of one short probe run (point 0, one replication, fast engine), in order."""
    data = plan.scenario.model_dump(mode="json", exclude_none=True)
    probe = point_scenario(data, plan.points[0], plan.source, 0)
    return list(kpis_per_replication(run(probe, seed=plan.seed, steps=plan.steps,
                                         replications=1)).columns)


def _metrics(metrics: Sequence[str] | None, a: SweepPlan, b: SweepPlan) -> list[str]:
    """The metrics to compare, checked against the KPIs both scenarios have."""
    in_b = set(_available(b))
    common = [k for k in _available(a) if k in in_b]
    if not metrics:
        return [m for m in DEFAULT_METRICS if m in common] or ["final_adopted"]
    for metric in metrics:
        if list(metrics).count(metric) > 1:
            raise WomError(f"--metric {metric}: given twice")
        if metric not in common:
            raise WomError(f"--metric {metric}: not a KPI of both scenarios; choose from "
                           f"{', '.join(common)}")
    return list(metrics)


def plan_robustness(
    a: Scenario | str | Path,
    b: Scenario | str | Path,
    params: Sequence[str] | Mapping[str, Any],
    *,
    metrics: Sequence[str] | None = None,
    design: str = "grid",
    samples: int | None = None,
    replications: int | None = None,
    steps: int | None = None,
    seed: int | None = None,
    overrides: Sequence[str] | Mapping[str, Any] | None = None,
    engine: Literal["fast", "reference"] = "fast",
    allow_different_markets: bool = False,
) -> RobustnessPlan:
    """Plan the two sweeps of a robustness map and check that A and B may be compared.

    Parameters
    ----------
    a, b
        The two scenarios (TOML files or :class:`~sim.scenario.Scenario` objects); the
        difference is B - A.
    params, design, samples, overrides, engine
        As for :func:`sim.sweep.plan_sweep`; both sweeps get the same design points and
        the same ``--set`` overrides.
    metrics
        KPIs of :func:`sim.metrics.kpis_per_replication` (default: those of
        :data:`DEFAULT_METRICS` the scenarios have, else ``final_adopted``). Checked with
        one short probe run of each scenario at the first point.
    replications, steps, seed
        For both sweeps; None takes A's ``run.*`` (after the overrides).
    allow_different_markets
        Compare even when the resolved market keys (role ``market``) of A and B differ.

    Returns
    -------
    RobustnessPlan

    Raises
    ------
    WomError
        For anything :func:`sim.sweep.plan_sweep` refuses, an unknown or repeated metric
        (the message lists the KPIs both scenarios have), or market keys that differ.
    """
    common = {"design": design, "samples": samples, "overrides": overrides, "engine": engine}
    plan_a = plan_sweep(a, params, replications=replications, steps=steps, seed=seed,
                        **common)
    plan_b = plan_sweep(b, params, replications=plan_a.replications, steps=plan_a.steps,
                        seed=plan_a.seed, **common)
    differ = market_differences([plan_a.scenario, plan_b.scenario], ["A", "B"])
    if differ and not allow_different_markets:
        shown = describe_differences(differ)
        raise WomError(f"A and B are on different markets ({shown}): a robustness map "
                       "compares two strategies on one market; align the scenarios, set "
                       "the keys with --set, or add --allow-different-markets")
    labels = tuple(unique_labels([_label(plan_a, a), _label(plan_b, b)]))
    return RobustnessPlan(a=plan_a, b=plan_b, labels=labels,
                          metrics=_metrics(metrics, plan_a, plan_b),
                          market_differences=list(differ))


def _prepare(out: Path, manifest: dict[str, Any]) -> None:
    """Create ``out`` with its manifest, or check that it holds this robustness map."""
    path = out / _MANIFEST
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise WomError(f"{path}: cannot read it: {exc}") from None
        ids = [(old.get(s, {}).get("sweep_id"), manifest[s]["sweep_id"]) for s in _SWEEPS]
        if any(o != n for o, n in ids):
            raise WomError(f"--out {out}: holds a different robustness map (sweeps "
                           f"{ids[0][0]}/{ids[1][0]}, this one is {ids[0][1]}/{ids[1][1]}): "
                           "choose another --out or delete the directory")
    elif out.is_dir() and any(not e.name.startswith(".") for e in os.scandir(out)):
        raise WomError(f"--out {out}: the directory is not empty and holds no robustness "
                       "map; choose a new or empty directory")
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(manifest, indent=1) + "\n").encode())


def run_robustness(
    plan: RobustnessPlan,
    out: str | Path,
    *,
    workers: int | None = None,
    dask: bool = False,
    scheduler: str | None = None,
    resume: bool = False,
    threads: int | None = None,
    progress: bool = False,
) -> tuple[SweepResult, SweepResult]:
    """Run (or resume) the sweeps of A and B into ``out/a`` and ``out/b``.

    Parameters
    ----------
    plan
        From :func:`plan_robustness`.
    out
        The output directory (new, empty, or holding this robustness map).
    workers, dask, scheduler, resume, threads, progress
        As for :func:`sim.sweep.run_sweep`, for each of the two sweeps.

    Returns
    -------
    tuple of SweepResult
        What each sweep did (A, then B).
    """
    check_writable(Path(out), "--out")
    out = Path(out).resolve()
    if resume and not (out / _MANIFEST).exists():
        raise WomError(f"--resume: {out} holds no robustness map to resume (no {_MANIFEST})")
    _prepare(out, plan.manifest)
    kw = {"workers": workers, "dask": dask, "scheduler": scheduler, "resume": resume,
          "threads": threads, "progress": progress}
    return (run_sweep(plan.a, out / _SWEEPS[0], **kw),
            run_sweep(plan.b, out / _SWEEPS[1], **kw))


def _kpis(sweep: Path) -> pd.DataFrame:
    """KPIs per (point, replication) of a finished sweep (``total_profit_npv`` at the
    base scenario's ``budget.clv_discount``, which the sweep's manifest records)."""
    frame = load_sweep(sweep)
    reps = int(frame.attrs["replications"])
    runs = frame["point"].to_numpy() * reps + frame["replication"].to_numpy()
    budget = read_manifest(sweep)["scenario"].get("budget") or {}
    rate = budget.get("clv_discount")
    kpis = kpis_per_replication(frame.assign(replication=runs),
                                rate=None if rate is None else float(rate))
    index = kpis.index.to_numpy()
    kpis.index = pd.MultiIndex.from_arrays([index // reps, index % reps],
                                           names=["point", "replication"])
    return kpis


def _check_pairs(out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two sweep manifests, checked to share points, seed and replications."""
    first, second = (read_manifest(out / s) for s in _SWEEPS)
    for key in ("points", "seed", "replications", "steps", "params", "design"):
        same = first[key] == second[key]
        if key == "points":
            same = [p["values"] for p in first[key]] == [p["values"] for p in second[key]]
        if not same:
            raise WomError(f"{out}: the sweeps of A and B differ in {key}: they do not pair")
    return first, second


def _table(out: Path, metrics: Sequence[str], keys: list[str]) -> pd.DataFrame:
    """One row per point x metric with the paired difference and the winner."""
    kpis_a, kpis_b = _kpis(out / _SWEEPS[0]), _kpis(out / _SWEEPS[1])
    manifest = read_manifest(out / _SWEEPS[0])
    missing = [m for m in metrics if m not in kpis_a or m not in kpis_b]
    if missing:
        common = [k for k in kpis_a.columns if k in kpis_b.columns]
        raise WomError(f"--metric {missing[0]}: not a KPI of both scenarios; choose from "
                       f"{', '.join(common)}")
    kpis_b = kpis_b.reindex(kpis_a.index)
    rows = []
    for metric in metrics:
        for entry in manifest["points"]:
            a = kpis_a.loc[entry["point"], metric].to_numpy()
            b = kpis_b.loc[entry["point"], metric].to_numpy()
            diff = paired_difference(a, b, lower_is_better=metric in LOWER_IS_BETTER)
            paired = np.isfinite(a) & np.isfinite(b)
            rows.append({"point": entry["point"],
                         **{k: entry["values"][k] for k in keys}, "metric": metric,
                         "mean_a": interval(a[paired])["mean"],
                         "mean_b": interval(b[paired])["mean"],
                         "diff": diff["mean"], "low": diff["low"], "high": diff["high"],
                         "winner": _winner(metric, diff), "n": diff["n"]})
    table = pd.DataFrame(rows, columns=["point", *keys, *_COLUMNS])
    table["n"] = table["n"].astype(np.int64)
    return table


def analyze_robustness(out: str | Path, metrics: Sequence[str] | None = None, *,
                       plots: bool = True) -> RobustnessReport:
    """The robustness table of a finished map, with its CSV, PNG and Sobol' files.

    Parameters
    ----------
    out
        A directory written by :func:`run_robustness`.
    metrics
        KPIs to compare (default: those of the run, from ``robustness.json``).
    plots
        Draw the PNG maps.

    Returns
    -------
    RobustnessReport

    Raises
    ------
    WomError
        If ``out`` holds no finished robustness map, the sweeps do not pair, or a metric
        is not a KPI of both scenarios.
    """
    out = Path(out)
    try:
        manifest = json.loads((out / _MANIFEST).read_text())
    except FileNotFoundError:
        raise WomError(f"{out}: not a robustness map (no {_MANIFEST})") from None
    sweep, _ = _check_pairs(out)
    params = sweep["params"]
    keys = [p["key"] for p in params]
    report = RobustnessReport(table=_table(out, metrics or manifest["metrics"], keys),
                              labels=tuple(manifest["labels"]), params=params,
                              design=sweep["design"])
    report.table.to_csv(out / RESULT, index=False)
    report.files.append(out / RESULT)
    for metric, block in report.table.groupby("metric", sort=False):
        if sweep["design"] == "sobol":
            _sobol(report, out, str(metric), block, sweep, plots)
        if plots:
            path = out / f"robustness_{metric}.png"
            plot_metric(block, params, sweep["design"], report.labels, str(metric), path)
            report.files.append(path)
    return report


def _sobol(report: RobustnessReport, out: Path, metric: str, block: pd.DataFrame,
           sweep: dict[str, Any], plots: bool) -> None:
    """Sobol' indices of the mean difference of one metric (sobol design)."""
    y = block.sort_values("point")["diff"].to_numpy(dtype=float)
    if np.isnan(y).any():
        report.notes[metric] = (f"no Sobol' indices: the difference of {metric} is NaN at "
                                f"{int(np.isnan(y).sum())} of {y.size} points")
        return
    table, _ = sobol_indices(sweep["problem"], y, int(sweep["seed"]))
    report.sobol[metric] = table
    path = out / f"sobol_{metric}.csv"
    table.to_csv(path, index=False)
    report.files.append(path)
    if plots:
        path = out / f"sobol_{metric}.png"
        a, b = report.labels
        plot_sobol(table, f"Sobol' indices of {metric}: {b} - {a} (95% CI)", path)
        report.files.append(path)


def _sign_changes(block: pd.DataFrame, params: list[dict[str, Any]]) -> list[str]:
    """Neighbouring grid points where the mean difference changes sign, one text each."""
    found = []
    keys = [p["key"] for p in params]
    for param in params:
        key = param["key"]
        levels = list(dict.fromkeys(param["values"]))
        others = [k for k in keys if k != key]
        lines = block.groupby(others, sort=False) if others else [((), block)]
        for at, line in lines:
            line = line.iloc[np.argsort([levels.index(v) for v in line[key]], kind="stable")]
            sign = np.sign(line["diff"].to_numpy(dtype=float))
            values, winners = line[key].tolist(), line["winner"].tolist()
            where = ", ".join(f"{k}={v}" for k, v in
                              zip(others, at if isinstance(at, tuple) else (at,), strict=True))
            for i in range(len(sign) - 1):
                if sign[i] * sign[i + 1] < 0:
                    found.append(f"along {key} between {values[i]} and {values[i + 1]}"
                                 + (f" at {where}" if where else "")
                                 + f" (winner {winners[i]} -> {winners[i + 1]})")
    return found


def robustness_text(report: RobustnessReport, shown: int = 6) -> str:
    """Per metric: points won by A, by B, without a clear winner; where the sign changes."""
    a, b = report.labels
    pad = " " * 17
    lines = [f"{'difference':<16} B - A = {b} - {a}; a winner only where the paired 95% "
             "interval excludes 0"]
    for metric, block in report.table.groupby("metric", sort=False):
        counts = block["winner"].value_counts()
        lines.append(f"{metric:<16} A ({a}) wins {counts.get('A', 0)}, B ({b}) wins "
                     f"{counts.get('B', 0)}, no clear winner {counts.get('none', 0)} of "
                     f"{len(block)} points")
        missing = int((block["n"] < 2).sum())
        if missing:
            lines.append(f"{pad}n/a (fewer than 2 paired values) at {missing} of "
                         f"{len(block)} points")
        if report.design == "grid":
            changes = _sign_changes(block, report.params)
            if not changes:
                lines.append(f"{pad}the mean difference never changes sign")
            lines += [f"{pad}sign changes {text}" for text in changes[:shown]]
            if len(changes) > shown:
                lines.append(f"{pad}... and {len(changes) - shown} more sign changes")
        if metric in report.sobol:
            table = report.sobol[metric].sort_values("ST", ascending=False)
            top = ", ".join(f"{r.parameter} ST {r.ST:.2f}+/-{r.ST_conf:.2f}"
                            for r in table.itertuples())
            lines.append(f"{pad}Sobol' indices of the difference: {top}")
        if metric in report.notes:
            lines.append(f"{pad}{report.notes[metric]}")
    return "\n".join(lines)
