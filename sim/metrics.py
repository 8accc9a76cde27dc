"""Key performance indicators of a run, and paired comparisons of scenarios.

:func:`kpis_per_replication` reduces a tidy result table (see :func:`sim.run`) to one
value per KPI and replication; :func:`summarize` turns those into means with 95%
confidence intervals (:func:`intervals`, the one interval of wom-sim), and
:func:`compare` runs several scenarios on common random numbers and reports each KPI
per scenario with the paired difference to the first. :func:`time_bands` and
:func:`crossover_week` describe paths over time.

KPIs of a commerce table (``diffusion.model = "commerce"``), in this order:

=============================  ============================================================
``final_adopted``              ever customers at the last step
``final_customers``            active customers at the last step
``total_revenue``              revenue summed over the run
``total_cost``                 marketing cost summed over the run (the spend)
``total_profit``               profit (revenue - cost of goods - marketing) over the run
``roi``                        total_profit / total_cost (NaN without marketing cost)
``cost_per_acquisition``       total_cost / customers acquired during the run (adopted at
                               the last step minus adopted at the first; NaN if none)
``total_churned``              customers lost over the run
``final_clv``                  mean lifetime value of matured customers at the last step
``final_clv_<channel>``        the same per acquisition channel, one per ``clv_*`` column
``final_nps``                  net promoter score at the last step
``final_mean_rating``          mean review rating at the last step
``total_shares``               word-of-mouth shares over the run
``total_reviews``              reviews written over the run
``final_community_members``    community members at the last step
``member_conversion_ratio``    member_conversion / nonmember_conversion at the last step
``member_spend_ratio``         member_spend / nonmember_spend at the last step
``top1_spend_ratio``           top-1% spend ratio at the last step
``week_<k>_customers``         active customers at week k (model time k) for k in 4, 13,
                               26, 52, when the run reaches it
=============================  ============================================================

KPIs of a classic preset table (Bass, independent cascade, linear threshold):
``final_adopted``, ``adopted_share`` (final adopted / population) and ``peak_step``
(the step with the most new adopters; NaN if nobody adopted after the start).

Totals are summed over the steps after the first one of each replication (step 0 is the
starting state), so they match the acquisitions counted by ``cost_per_acquisition``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .errors import WomError
from .experiment import networks_summary, run, with_resampling
from .results import package_version
from .scenario import Scenario, load_scenario

#: Confidence level of every interval.
CONFIDENCE = 0.95

#: Weeks at which the number of active customers is reported (``week_<k>_customers``).
MILESTONE_WEEKS = (4, 13, 26, 52)

#: Columns that mark a table of the commerce model.
COMMERCE_COLUMNS = frozenset({"customers", "revenue", "cost", "profit"})

#: KPIs for which a lower mean wins a comparison (costs and losses).
LOWER_IS_BETTER = frozenset({"total_cost", "cost_per_acquisition", "total_churned"})

#: Descriptive KPIs with no better direction: a comparison names no winner for them.
NO_WINNER = frozenset({"peak_step", "top1_spend_ratio"})

#: KPIs that ``wom run`` prints for a commerce table.
KEY_KPIS = ("final_customers", "total_revenue", "total_cost", "total_profit", "roi",
            "cost_per_acquisition", "final_clv", "final_nps", "final_mean_rating",
            "final_community_members")

SUMMARY_COLUMNS = ["kpi", "mean", "ci_low", "ci_high", "sd", "replications"]


def is_commerce(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a result table of the commerce model."""
    return set(frame.columns) >= COMMERCE_COLUMNS


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """``num / den`` with NaN where the denominator is zero or missing."""
    num = num.astype(float)
    den = den.astype(float)
    return (num / den.where(den != 0)).astype(float)


class _Runs:
    """A result table split by replication: first and last rows, and the later steps."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.ordered = frame.sort_values(["replication", "step"],
                                         kind="stable").reset_index(drop=True)
        groups = self.ordered.groupby("replication", sort=True)
        self.first = groups.head(1).set_index("replication")
        self.last = groups.tail(1).set_index("replication")
        self.later = self.ordered[self.ordered["step"] > groups["step"].transform("min")]

    def has(self, column: str) -> bool:
        return column in self.ordered

    def total(self, column: str) -> pd.Series:
        """The column summed over the steps after the first, per replication."""
        sums = self.later.groupby("replication")[column].sum()
        return sums.reindex(self.last.index, fill_value=0).astype(float)

    def final(self, column: str) -> pd.Series:
        """The column at the last step, per replication."""
        return self.last[column].astype(float)


def _commerce_kpis(r: _Runs) -> dict[str, pd.Series]:
    """The KPIs of a commerce table (see the module docstring)."""
    cost, profit = r.total("cost"), r.total("profit")
    acquired = r.final("adopted") - r.first["adopted"].astype(float)
    out = {"final_customers": r.final("customers"), "total_revenue": r.total("revenue"),
           "total_cost": cost, "total_profit": profit, "roi": _ratio(profit, cost),
           "cost_per_acquisition": _ratio(cost, acquired)}
    if r.has("churned"):
        out["total_churned"] = r.total("churned")
    if r.has("clv"):
        out["final_clv"] = r.final("clv")
    for column in r.ordered.columns:
        if column.startswith("clv_"):
            out[f"final_{column}"] = r.final(column)
    for column in ("nps", "mean_rating"):
        if r.has(column):
            out[f"final_{column}"] = r.final(column)
    for column in ("shares", "reviews"):
        if r.has(column):
            out[f"total_{column}"] = r.total(column)
    if r.has("community_members"):
        out["final_community_members"] = r.final("community_members")
    for kind in ("conversion", "spend"):
        member, nonmember = f"member_{kind}", f"nonmember_{kind}"
        if r.has(member) and r.has(nonmember):
            out[f"member_{kind}_ratio"] = _ratio(r.last[member], r.last[nonmember])
    if r.has("top1_spend_ratio"):
        out["top1_spend_ratio"] = r.final("top1_spend_ratio")
    clock = r.ordered["time"] if r.has("time") else r.ordered["step"]
    for week in MILESTONE_WEEKS:
        rows = r.ordered[np.isclose(clock.to_numpy(dtype=float), week)]
        if not rows.empty:
            at = rows.groupby("replication")["customers"].first()
            out[f"week_{week}_customers"] = at.reindex(r.last.index).astype(float)
    return out


def _preset_kpis(r: _Runs) -> dict[str, pd.Series]:
    """The KPIs of a classic preset table: adopted share and peak step."""
    share = _ratio(r.last["adopted"], r.last["population"]) if r.has("population") \
        else pd.Series(math.nan, index=r.last.index)
    peaks = pd.Series(math.nan, index=r.last.index)
    if r.has("new_adopters") and not r.later.empty:
        new = "new_adopters"
        best = r.later.loc[r.later.groupby("replication")[new].idxmax()]
        best = best[best[new] > 0].set_index("replication")["step"]
        peaks.loc[best.index] = best.astype(float)
    return {"adopted_share": share, "peak_step": peaks}


def kpis_per_replication(frame: pd.DataFrame) -> pd.DataFrame:
    """The KPIs of each replication of a result table.

    Parameters
    ----------
    frame
        A tidy table as returned by :func:`sim.run`: one row per (replication, step).

    Returns
    -------
    pandas.DataFrame
        Index ``replication`` (sorted), one float column per KPI (see the module
        docstring for names and definitions). A KPI that cannot be computed for a
        replication (no matured customers, no marketing cost, ...) is NaN there.

    Raises
    ------
    WomError
        If the table is empty or lacks the ``replication``, ``step`` or ``adopted``
        columns.
    """
    missing = {"replication", "step", "adopted"} - set(frame.columns)
    if missing:
        raise WomError(f"result table: missing column(s) {', '.join(sorted(missing))}")
    if frame.empty:
        raise WomError("result table: no rows")
    runs = _Runs(frame)
    out: dict[str, pd.Series] = {"final_adopted": runs.final("adopted")}
    out.update(_commerce_kpis(runs) if is_commerce(frame) else _preset_kpis(runs))
    table = pd.DataFrame(out, index=runs.last.index).astype(float)
    table.index.name = "replication"
    return table


def intervals(values: Sequence[float] | np.ndarray | pd.DataFrame) -> dict[str, np.ndarray]:
    """Means with their Student t 95% confidence intervals, along axis 0, NaN left out.

    The one interval of wom-sim: ``wom run``, ``wom compare``, the sweeps, the dashboard
    and the experiments all use it (directly or through :func:`interval`).

    Parameters
    ----------
    values
        Shape (replications,) or (replications, points): one row per replication.

    Returns
    -------
    dict
        Arrays over the points: ``mean``, ``ci_low``, ``ci_high``, ``sd`` (sample standard
        deviation, ddof 1) and ``replications`` (the number of non-NaN values R). The
        interval is ``mean +/- t(0.975, R - 1) * sd / sqrt(R)``; with fewer than two
        values ``sd`` and the interval are NaN (and the mean too without any value).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6(1), 1-25.
    """
    data = np.asarray(values, dtype=float)
    if data.ndim == 1:
        data = data[:, None]
    count = np.sum(~np.isnan(data), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(data, axis=0)
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        squares = np.nansum((data - mean) ** 2, axis=0)
        sd = np.where(count > 1, np.sqrt(squares / np.maximum(count - 1, 1)), np.nan)
        quantile = stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(count - 1, 1))
        half = np.where(count > 1, quantile * sd / np.sqrt(np.maximum(count, 1)), np.nan)
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "sd": sd,
            "replications": count}


def interval(values: Sequence[float] | np.ndarray | pd.Series) -> dict[str, float]:
    """Mean of the non-NaN ``values`` with its t-based 95% confidence interval.

    Parameters
    ----------
    values
        One value per replication; NaN values are left out.

    Returns
    -------
    dict
        ``mean``, ``ci_low``, ``ci_high``, ``sd`` and ``replications`` as numbers: the
        single point of :func:`intervals`.
    """
    out = intervals(np.asarray(values, dtype=float).reshape(-1, 1))
    return {"mean": float(out["mean"][0]), "ci_low": float(out["ci_low"][0]),
            "ci_high": float(out["ci_high"][0]), "sd": float(out["sd"][0]),
            "replications": int(out["replications"][0])}


def time_bands(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Mean and 95% interval across replications per (scenario, step) and column.

    Parameters
    ----------
    frame
        Tidy tables with a ``scenario`` column (as :func:`compare` stacks them).
    columns
        Result columns to summarise (absent ones are skipped).

    Returns
    -------
    pandas.DataFrame
        A long table: ``scenario, step, week, series, mean, ci_low, ci_high,
        replications`` (:func:`intervals` over the replications of each step; ``week`` is
        the model time, or the step without a ``time`` column).
    """
    names = ["scenario", "step", "week", "series", "mean", "ci_low", "ci_high",
             "replications"]
    columns = [c for c in dict.fromkeys(columns) if c in frame]
    if not columns:
        return pd.DataFrame(columns=names)
    clock = "time" if "time" in frame else "step"
    blocks = list(frame.groupby("scenario", sort=False))
    parts = []
    for column in columns:
        for label, block in blocks:
            wide = block.pivot(index="replication", columns="step", values=column)
            week = block.groupby("step", sort=True)[clock].first().reindex(wide.columns)
            band = intervals(wide.to_numpy(dtype=float))
            parts.append(pd.DataFrame({
                "scenario": label, "step": wide.columns.to_numpy(),
                "week": week.to_numpy(dtype=float), "series": column, "mean": band["mean"],
                "ci_low": band["ci_low"], "ci_high": band["ci_high"],
                "replications": band["replications"].astype(np.int64)}, columns=names))
    return pd.concat(parts, ignore_index=True)


def crossover_week(weeks: Sequence[float] | np.ndarray, challenger: Sequence[float] | np.ndarray,
                   incumbent: Sequence[float] | np.ndarray | float) -> float | None:
    """The first week from which ``challenger`` stays above ``incumbent`` to the end.

    Parameters
    ----------
    weeks
        The weeks of the two paths.
    challenger, incumbent
        Values at those weeks (``incumbent`` may be a number, e.g. 0 for a difference).

    Returns
    -------
    float or None
        None if the challenger is not above at the last week.
    """
    above = np.asarray(challenger, dtype=float) > np.asarray(incumbent, dtype=float)
    if above.size == 0 or not above[-1]:
        return None
    behind = np.flatnonzero(~above)
    start = 0 if behind.size == 0 else int(behind[-1]) + 1
    return float(np.asarray(weeks, dtype=float)[start])


def summarize_adoption(frame: pd.DataFrame) -> dict[str, Any]:
    """Final adoption across replications with its 95% interval, and peak timing.

    Parameters
    ----------
    frame
        A tidy table of :func:`sim.run`.

    Returns
    -------
    dict
        ``population``, ``replications``, ``steps``, ``adopted_mean``, ``adopted_ci95``
        (the half-width of the :func:`interval` of the final adopted count; NaN with one
        replication), ``adopted_share``, ``peak_step`` (the step with the most mean new
        adopters, None if nobody adopted) and ``peak_new_adopters``.
    """
    last = frame[frame["step"] == frame["step"].max()]
    final = interval(last["adopted"])
    population = int(frame["population"].iloc[0])
    new = "new_adopters" if "new_adopters" in frame else "new_customers"
    curve = frame[frame["step"] > 0].groupby("step")[new].mean()
    return {
        "population": population,
        "replications": int(frame["replication"].nunique()),
        "steps": int(frame["step"].max()),
        "adopted_mean": final["mean"],
        "adopted_ci95": final["ci_high"] - final["mean"],
        "adopted_share": final["mean"] / population,
        "peak_step": int(curve.idxmax()) if curve.size and curve.max() > 0 else None,
        "peak_new_adopters": float(curve.max()) if curve.size else 0.0,
    }


def _summary(kpis: pd.DataFrame) -> pd.DataFrame:
    rows = [{"kpi": name, **interval(kpis[name])} for name in kpis.columns]
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    table["replications"] = table["replications"].astype(np.int64)
    return table


def summarize(frame: pd.DataFrame) -> pd.DataFrame:
    """KPIs of a result table: mean across replications with a 95% confidence interval.

    Parameters
    ----------
    frame
        A tidy table as returned by :func:`sim.run`.

    Returns
    -------
    pandas.DataFrame
        One row per KPI (see :func:`kpis_per_replication`) with columns ``kpi, mean,
        ci_low, ci_high, sd, replications``. NaN values of a KPI are left out, and
        ``replications`` counts the replications it is averaged over.

    Examples
    --------
    >>> frame = sim.run("scenarios/push.toml", replications=5)  # doctest: +SKIP
    >>> summarize(frame).set_index("kpi").loc["roi"]  # doctest: +SKIP
    """
    return _summary(kpis_per_replication(frame))


def winner(kpi: str, means: dict[str, float]) -> str:
    """The label with the best mean of ``kpi``, by the comparison rule.

    Higher is better, except for the KPIs in :data:`LOWER_IS_BETTER` (total_cost,
    cost_per_acquisition, total_churned), where lower is better. Descriptive KPIs in
    :data:`NO_WINNER` (peak_step, top1_spend_ratio) and KPIs without any finite mean
    get ``""``; when several labels share the best mean the result is ``"tie"``.
    """
    finite = {k: v for k, v in means.items() if v is not None and np.isfinite(v)}
    if kpi in NO_WINNER or not finite:
        return ""
    best = min(finite.values()) if kpi in LOWER_IS_BETTER else max(finite.values())
    leaders = [k for k, v in finite.items() if v == best]
    return leaders[0] if len(leaders) == 1 else "tie"


def _labels(scenarios: Sequence[Scenario], paths: Sequence[str | None],
            labels: Sequence[str] | None) -> list[str]:
    if labels is not None:
        if len(labels) != len(scenarios):
            raise WomError(f"labels: expected {len(scenarios)} labels, found {len(labels)}")
        names = [str(label) for label in labels]
    else:
        names = [sc.name or (Path(p).stem if p else f"scenario{k + 1}")
                 for k, (sc, p) in enumerate(zip(scenarios, paths, strict=True))]
    return unique_labels(names)


def unique_labels(labels: Iterable[str]) -> list[str]:
    """Labels made unique for a comparison: repeats get ``#2``, ``#3``, ..."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return out


def _kpi_table(names: list[str], per_rep: list[pd.DataFrame]) -> pd.DataFrame:
    """The KPI table of :func:`compare` from each scenario's KPIs per replication."""
    kpi_names = list(dict.fromkeys(k for table in per_rep for k in table.columns))
    per_rep = [table.reindex(columns=kpi_names) for table in per_rep]
    base = per_rep[0]
    rows = []
    for kpi in kpi_names:
        block = []
        for name, table in zip(names, per_rep, strict=True):
            row: dict[str, Any] = {"kpi": kpi, "scenario": name, **interval(table[kpi])}
            if table is base:
                diff = {"mean": math.nan, "ci_low": math.nan, "ci_high": math.nan,
                        "replications": 0}
            else:
                paired = table[kpi] - base[kpi].reindex(table.index)
                diff = interval(paired)
            row.update({"diff_mean": diff["mean"], "diff_ci_low": diff["ci_low"],
                        "diff_ci_high": diff["ci_high"],
                        "diff_replications": diff["replications"]})
            block.append(row)
        best = winner(kpi, {row["scenario"]: row["mean"] for row in block})
        for row in block:
            row["winner"] = best
        rows.extend(block)
    columns = ["kpi", "scenario", *SUMMARY_COLUMNS[1:], "diff_mean", "diff_ci_low",
               "diff_ci_high", "diff_replications", "winner"]
    kpis = pd.DataFrame(rows, columns=columns)
    kpis["replications"] = kpis["replications"].astype(np.int64)
    kpis["diff_replications"] = kpis["diff_replications"].astype(np.int64)
    return kpis


def compare(
    scenarios: Sequence[Scenario | str | Path],
    *,
    seed: int | None = None,
    steps: int | None = None,
    replications: int | None = None,
    engine: Literal["fast", "reference"] = "fast",
    threads: int | None = None,
    progress: bool = False,
    labels: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run scenarios on common random numbers and compare their KPIs.

    Every scenario runs with :func:`sim.run` with the same seed, steps and
    replications, so replication r of each scenario uses the same random stream
    (seed, r): the replications are paired, and the differences between scenarios
    vary much less than the scenarios themselves. Replication r of every scenario also
    draws the same network of its own (:func:`sim.experiment.with_resampling`).

    Parameters
    ----------
    scenarios
        Two or more :class:`~sim.scenario.Scenario` objects or scenario file paths; the
        first is the baseline of the differences.
    seed, steps, replications
        Used for every scenario; None takes the first scenario's ``run.seed``,
        ``run.steps`` and ``run.replications``.
    engine, threads, progress
        As for :func:`sim.run`.
    labels
        Names of the scenarios in the tables (default: the scenario's ``name``, else
        the file stem; repeated names get ``#2``, ``#3``, ...).

    Returns
    -------
    combined : pandas.DataFrame
        The tidy tables of all scenarios stacked, with a leading ``scenario`` column.
        ``combined.attrs`` holds the seed, engine, package version, ``"networks"``
        (:func:`sim.experiment.networks_summary`) and under ``"scenarios"`` the
        provenance of each run.
    kpis : pandas.DataFrame
        One row per (kpi, scenario), KPIs in table order, with columns ``kpi,
        scenario, mean, ci_low, ci_high, sd, replications`` (as :func:`summarize`),
        ``diff_mean, diff_ci_low, diff_ci_high, diff_replications``: the mean paired
        difference ``scenario - first`` over the replications where both values exist,
        with its 95% t interval (NaN on the first scenario's rows), and ``winner``: the
        label with the best mean (see :func:`winner` for the rule).

    Raises
    ------
    WomError
        With fewer than two scenarios, or for any bad scenario (as :func:`sim.run`).
    """
    if len(scenarios) < 2:
        raise WomError(f"compare: expected at least 2 scenarios, found {len(scenarios)}")
    loaded = [sc if isinstance(sc, Scenario) else load_scenario(sc) for sc in scenarios]
    paths = [None if isinstance(sc, Scenario) else str(sc) for sc in scenarios]
    names = _labels(loaded, paths, labels)
    plan = loaded[0].run
    seed = plan.seed if seed is None else seed
    steps = plan.steps if steps is None else steps
    replications = plan.replications if replications is None else replications

    frames: list[pd.DataFrame] = []
    per_rep: list[pd.DataFrame] = []
    provenance: list[dict[str, Any]] = []
    for name, scenario in zip(names, loaded, strict=True):
        frame = run(with_resampling(scenario), seed=seed, steps=steps,
                    replications=replications, engine=engine, threads=threads,
                    progress=progress)
        provenance.append({"label": name, **frame.attrs})
        per_rep.append(kpis_per_replication(frame))
        frame = frame.copy()
        frame.insert(0, "scenario", name)
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    combined.attrs = {"seed": seed, "engine": engine, "wom_sim_version": package_version(),
                      "scenarios": provenance, "networks": networks_summary(provenance)}

    return combined, _kpi_table(names, per_rep)
