"""Analysis of a sweep: per-point means with 95% CIs, rank correlations, SALib indices.

For each metric (a result column) every run is reduced to one value: the total over
the run for flow columns (:data:`sim.sweep.load.FLOW_COLUMNS`: profit, revenue, cost, new
customers, ...), the value at the last step for every other column (adopted,
customers, clv, nps, ...). Each point gets the mean over its replications with a
t-based 95% confidence interval (:func:`sim.sweep.load.summarize_sweep`). Then, by design:

``sobol``
    First-order and total Sobol' indices S1 and ST (and second-order S2) with their
    bootstrap 95% confidence intervals, from ``SALib.analyze.sobol.analyze`` on the
    point means (Sobol' 2001; Saltelli 2002; Saltelli et al. 2010).
``morris``
    Elementary-effect statistics mu, mu* and sigma with the 95% interval of mu*, from
    ``SALib.analyze.morris.analyze`` on the unrounded design and the point means
    (Morris 1991; mu* after Campolongo et al. 2007).
``grid`` and ``lhs``
    The table of point means with 95% CIs and, per numeric parameter, Spearman's rank
    correlation of the parameter with the point means (scipy).

Tables are printed and saved as CSV under the report directory (default
``DIR/_analysis``, a name that ``pandas.read_parquet(DIR)`` skips), with PNG plots:
the metric against each parameter with CI error bars, and a bar chart of S1/ST or mu*.
Plots are drawn with matplotlib's Agg canvas, without pyplot, so the caller's backend is
left alone.

References
----------
Campolongo, F., Cariboni, J. and Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. Environmental Modelling & Software 22(10),
1509-1518.
Herman, J. and Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. Journal of Open Source Software 2(9), 97.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational
experiments. Technometrics 33(2), 161-174.
Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity
indices. Computer Physics Communications 145(2), 280-297.
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S.
(2010). Variance based sensitivity analysis of model output. Design and estimator for
the total sensitivity index. Computer Physics Communications 181(2), 259-270.
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and
their Monte Carlo estimates. Mathematics and Computers in Simulation 55(1-3), 271-280.
Spearman, C. (1904). The proof and measurement of association between two things.
American Journal of Psychology 15(1), 72-101.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import WomError
from .design import MORRIS_LEVELS
from .load import FLOW_COLUMNS, load_sweep, summarize_sweep
from .store import REPORT, check_writable, read_manifest

__all__ = ["MetricReport", "analyze_sweep", "default_metrics", "figure", "plot_sobol",
           "report_text", "sobol_indices"]

#: Rows of the per-point table printed by ``wom analyze`` (the CSV has them all).
PRINT_ROWS = 30


@dataclass
class MetricReport:
    """Everything ``wom analyze`` computes for one metric.

    Attributes
    ----------
    metric, label
        The column and how a run is reduced to one value.
    points
        Per point: swept values, mean, 95% CI, sd, replications
        (:func:`sim.sweep.load.summarize_sweep`).
    spearman
        grid and lhs: per parameter, Spearman's rho and its p-value over the point means.
    sobol, sobol_s2
        sobol: S1, S1_conf, ST, ST_conf per parameter; S2, S2_conf per pair.
    morris
        morris: mu, mu_star, mu_star_conf, sigma per parameter.
    note
        Why an index table is missing (e.g. NaN means), else "".
    files
        CSV and PNG files written.
    """

    metric: str
    label: str
    points: pd.DataFrame
    spearman: pd.DataFrame | None = None
    sobol: pd.DataFrame | None = None
    sobol_s2: pd.DataFrame | None = None
    morris: pd.DataFrame | None = None
    note: str = ""
    files: list[Path] = field(default_factory=list)


def default_metrics(frame: pd.DataFrame) -> list[str]:
    """profit and customers for commerce tables, adopted for the classic presets."""
    if {"profit", "customers"} <= set(frame.columns):
        return ["profit", "customers"]
    return ["adopted"]


def _label(metric: str, at_step: int | None, replications: int) -> str:
    reps = f"mean over {replications} replication{'s' if replications != 1 else ''}"
    if metric in FLOW_COLUMNS:
        end = "the last step" if at_step is None else f"step {at_step}"
        return f"{metric} summed over steps 1 to {end} ({reps})"
    where = "the last step" if at_step is None else f"step {at_step}"
    return f"{metric} at {where} ({reps})"


def _spearman(points: pd.DataFrame, params: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    means = points["mean"].to_numpy(dtype=float)
    for p in params:
        key = p["key"]
        rho = pval = math.nan
        used = 0
        if p["kind"] in ("int", "float", "bool"):
            x = points[key].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(means)
            used = int(ok.sum())
            if used >= 3 and np.ptp(x[ok]) > 0 and np.ptp(means[ok]) > 0:
                result = stats.spearmanr(x[ok], means[ok])
                rho, pval = float(result.statistic), float(result.pvalue)
        rows.append({"parameter": key, "spearman_rho": rho, "p_value": pval, "points": used})
    return pd.DataFrame(rows, columns=["parameter", "spearman_rho", "p_value", "points"])


def sobol_indices(problem: dict[str, Any], y: np.ndarray,
                  seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sobol' indices of ``y`` over a Saltelli design, with bootstrap 95% intervals.

    Parameters
    ----------
    problem
        The SALib problem of the design (the manifest's ``problem``).
    y
        One output per design point, in point order (no NaN).
    seed
        Seed of SALib's bootstrap.

    Returns
    -------
    first : pandas.DataFrame
        ``parameter, S1, S1_conf, ST, ST_conf`` (``_conf``: half-width of the 95% CI).
    second : pandas.DataFrame
        ``parameter_1, parameter_2, S2, S2_conf`` per pair.

    References
    ----------
    Sobol' (2001); Saltelli (2002); Saltelli et al. (2010); see the module docstring.
    """
    from SALib.analyze import sobol

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        si = sobol.analyze(problem, y, calc_second_order=True, conf_level=0.95, seed=seed,
                           print_to_console=False)
    names = problem["names"]
    first = pd.DataFrame({"parameter": names, "S1": si["S1"], "S1_conf": si["S1_conf"],
                          "ST": si["ST"], "ST_conf": si["ST_conf"]})
    pairs = [{"parameter_1": names[i], "parameter_2": names[j], "S2": si["S2"][i, j],
              "S2_conf": si["S2_conf"][i, j]}
             for i in range(len(names)) for j in range(i + 1, len(names))]
    second = pd.DataFrame(pairs, columns=["parameter_1", "parameter_2", "S2", "S2_conf"])
    return first, second


def _morris(problem: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    from SALib.analyze import morris

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        si = morris.analyze(problem, x, y, conf_level=0.95, num_levels=MORRIS_LEVELS,
                            seed=seed, print_to_console=False)
    return pd.DataFrame({"parameter": list(si["names"]), "mu": si["mu"],
                         "mu_star": si["mu_star"], "mu_star_conf": si["mu_star_conf"],
                         "sigma": si["sigma"]})


def figure(width: float, height: float) -> Any:
    """A constrained-layout matplotlib figure on an Agg canvas (pyplot left alone)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _plot_params(report: MetricReport, params: list[dict[str, Any]], path: Path) -> None:
    """The metric against each parameter: every point's mean with its 95% CI."""
    fig = figure(4.2 * len(params), 3.6)
    axes = fig.subplots(1, len(params), squeeze=False)[0]
    table = report.points
    mean = table["mean"].to_numpy(dtype=float)
    low = mean - table["ci_low"].to_numpy(dtype=float)
    high = table["ci_high"].to_numpy(dtype=float) - mean
    yerr = np.vstack([np.nan_to_num(low), np.nan_to_num(high)])
    for ax, p in zip(axes, params, strict=True):
        values = table[p["key"]]
        if p["kind"] in ("int", "float", "bool"):
            x = values.to_numpy(dtype=float)
        else:
            levels = list(dict.fromkeys(p["values"]))
            x = np.array([levels.index(v) for v in values], dtype=float)
            ax.set_xticks(range(len(levels)), levels, rotation=30)
        order = np.argsort(x, kind="stable")
        line = "-" if len(params) == 1 else ""
        ax.errorbar(x[order], mean[order], yerr=yerr[:, order], fmt="o" + line, ms=3,
                    capsize=2, alpha=0.8, lw=1)
        ax.set_xlabel(p["key"])
        ax.set_ylabel(report.metric)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{report.metric}: mean per point with 95% CI", fontsize=10)
    fig.savefig(path, dpi=110)


def plot_sobol(table: pd.DataFrame, title: str, path: Path) -> None:
    """Bars of S1 and ST per parameter with their 95% CIs (``table`` of :func:`sobol_indices`)."""
    fig = figure(max(4.0, 1.3 * len(table) + 2), 3.6)
    ax = fig.subplots()
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["S1"], 0.4, yerr=table["S1_conf"], capsize=3, label="S1 (first order)")
    ax.bar(x + 0.2, table["ST"], 0.4, yerr=table["ST_conf"], capsize=3, label="ST (total)")
    ax.set_xticks(x, table["parameter"], rotation=20)
    ax.set_ylabel("Sobol' index")
    ax.axhline(0, color="black", lw=0.6)
    ax.legend(frameon=False)
    ax.set_title(title, fontsize=10)
    fig.savefig(path, dpi=110)


def _plot_morris(report: MetricReport, path: Path) -> None:
    table = report.morris
    assert table is not None
    fig = figure(max(7.0, 1.3 * len(table) + 4), 3.6)
    left, right = fig.subplots(1, 2)
    x = np.arange(len(table))
    left.bar(x, table["mu_star"], 0.6, yerr=table["mu_star_conf"], capsize=3)
    left.set_xticks(x, table["parameter"], rotation=20)
    left.set_ylabel("mu* (mean |elementary effect|)")
    left.set_title(f"Morris mu* of {report.metric} (95% CI)", fontsize=10)
    right.scatter(table["mu_star"], table["sigma"])
    for name, mu, sigma in zip(table["parameter"], table["mu_star"], table["sigma"],
                               strict=True):
        right.annotate(name, (mu, sigma), fontsize=8, xytext=(3, 3),
                       textcoords="offset points")
    right.set_xlabel("mu*")
    right.set_ylabel("sigma")
    right.set_title("interaction or non-linearity (sigma) vs effect (mu*)", fontsize=10)
    right.grid(alpha=0.3)
    fig.savefig(path, dpi=110)


def _analyze_metric(frame: pd.DataFrame, manifest: dict[str, Any], metric: str,
                    at_step: int | None) -> MetricReport:
    """The tables of one metric: point means and, by design, Spearman, Sobol' or Morris."""
    design = manifest["design"]
    seed = int(manifest["seed"])
    points = summarize_sweep(frame, metric, at_step)
    report = MetricReport(metric=metric,
                          label=_label(metric, at_step, int(manifest["replications"])),
                          points=points)
    y = points.sort_values("point")["mean"].to_numpy(dtype=float)
    nan = int(np.isnan(y).sum())
    if design in ("grid", "lhs"):
        report.spearman = _spearman(points, manifest["params"])
    elif nan:
        report.note = (f"no {design} indices: the mean of {metric} is NaN at {nan} of "
                       f"{y.size} points (e.g. clv before week budget.clv_weeks)")
    elif design == "sobol":
        report.sobol, report.sobol_s2 = sobol_indices(manifest["problem"], y, seed)
    else:
        x = np.asarray(manifest["design_matrix"], dtype=float)
        report.morris = _morris(manifest["problem"], x, y, seed)
    return report


def _save(report: MetricReport, params: list[dict[str, Any]], report_dir: Path,
          plots: bool) -> None:
    """Write the report's tables as CSV and, with ``plots``, its PNG plots."""
    metric = report.metric
    tables = {"points": report.points, "spearman": report.spearman, "sobol": report.sobol,
              "sobol_s2": report.sobol_s2, "morris": report.morris}
    for name, table in tables.items():
        if table is not None:
            path = report_dir / f"{metric}_{name}.csv"
            table.to_csv(path, index=False)
            report.files.append(path)
    if not plots:
        return
    path = report_dir / f"{metric}_params.png"
    _plot_params(report, params, path)
    report.files.append(path)
    if report.sobol is not None:
        path = report_dir / f"{metric}_sobol.png"
        plot_sobol(report.sobol, f"Sobol' indices of {metric} (95% CI)", path)
        report.files.append(path)
    if report.morris is not None:
        path = report_dir / f"{metric}_morris.png"
        _plot_morris(report, path)
        report.files.append(path)


def analyze_sweep(
    out: str | Path,
    metrics: Sequence[str] | None = None,
    *,
    at_step: int | None = None,
    report_dir: str | Path | None = None,
    plots: bool = True,
) -> list[MetricReport]:
    """Analyse a finished sweep: tables per metric, saved as CSV, and plots as PNG.

    Parameters
    ----------
    out
        The sweep directory (see :mod:`sim.sweep.store`).
    metrics
        Result columns to analyse (default: :func:`default_metrics`).
    at_step
        Reduce each run at this step instead of the last (flows: total up to it).
    report_dir
        Where CSV and PNG files go (default ``out/_analysis``).
    plots
        Draw the PNG plots.

    Returns
    -------
    list of MetricReport
        One per metric, in order.

    Raises
    ------
    WomError
        If ``out`` is not a sweep, the sweep is not finished or holds a corrupt part,
        the report folder cannot be written, or a metric is unknown.

    References
    ----------
    Herman and Usher (2017) for SALib; Sobol' (2001), Saltelli (2002) and Saltelli et
    al. (2010) for the Sobol' indices; Morris (1991) and Campolongo et al. (2007) for
    elementary effects. See the module docstring.
    """
    out = Path(out)
    manifest = read_manifest(out)
    report_dir = Path(report_dir) if report_dir is not None else out / REPORT
    check_writable(report_dir, "--out" if report_dir != out / REPORT else "report folder")
    frame = load_sweep(out)
    total = len(manifest["points"])
    replications = int(manifest["replications"])
    counts = frame.groupby("point")["replication"].nunique()
    finished = int((counts == replications).sum())
    if finished < total:
        raise WomError(f"{out}: the sweep is not finished ({finished} of {total} points); "
                       "rerun the wom sweep command to complete it")
    metrics = list(metrics) if metrics else default_metrics(frame)
    for metric in metrics:
        if metrics.count(metric) > 1:
            raise WomError(f"--metric {metric}: given twice")
    report_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for metric in metrics:
        report = _analyze_metric(frame, manifest, metric, at_step)
        _save(report, manifest["params"], report_dir, plots)
        reports.append(report)
    return reports


def _number(value: float) -> str:
    """Four significant digits; thousands with separators instead of exponents."""
    if not math.isfinite(value):
        return "nan"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _text(table: pd.DataFrame, rows: int | None = None) -> str:
    shown = table if rows is None or len(table) <= rows else table.head(rows)
    text = shown.to_string(index=False, float_format=_number)
    if shown is not table:
        text += f"\n... {len(table) - rows:,} more rows in the CSV"
    return text


def report_text(reports: Sequence[MetricReport], manifest: dict[str, Any]) -> str:
    """The tables of :func:`analyze_sweep` as text, as ``wom analyze`` prints them."""
    lines = [f"sweep         {manifest.get('scenario_name') or '?'}  (id "
             f"{manifest['sweep_id']}, design {manifest['design']}, "
             f"{len(manifest['points']):,} points x {manifest['replications']} replications)"]
    for report in reports:
        lines += ["", f"== {report.label}", "",
                  "per point: mean [95% CI]" + (", Spearman below"
                                                if report.spearman is not None else "")]
        lines.append(_text(report.points.drop(columns="metric"), PRINT_ROWS))
        if report.spearman is not None:
            lines += ["", "rank correlation of each parameter with the point means",
                      _text(report.spearman)]
        if report.sobol is not None:
            lines += ["", "Sobol' indices (SALib; conf = half-width of the 95% bootstrap CI)",
                      _text(report.sobol)]
            if report.sobol_s2 is not None and len(report.sobol_s2):
                lines += ["", "second-order indices", _text(report.sobol_s2)]
        if report.morris is not None:
            lines += ["", "Morris elementary effects (SALib; mu_star_conf = half-width of "
                          "the 95% bootstrap CI)", _text(report.morris)]
        if report.note:
            lines += ["", report.note]
    files = [f for report in reports for f in report.files]
    if files:
        lines += ["", f"wrote         {len(files)} files to {files[0].parent}"]
    return "\n".join(lines)
