"""Key performance indicators of a run, and paired comparisons of scenarios.

:func:`kpis_per_replication` reduces a tidy result table (see :func:`sim.run`) to one
value per KPI and replication; :func:`summarize` turns those into means with 95%
confidence intervals, and :func:`compare` runs several scenarios on common random
numbers and reports each KPI per scenario with the paired difference to the first.

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
from .experiment import run
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
    ordered = frame.sort_values(["replication", "step"], kind="stable").reset_index(drop=True)
    groups = ordered.groupby("replication", sort=True)
    first = groups.head(1).set_index("replication")
    last = groups.tail(1).set_index("replication")
    later = ordered[ordered["step"] > groups["step"].transform("min")]

    def total(column: str) -> pd.Series:
        sums = later.groupby("replication")[column].sum()
        return sums.reindex(last.index, fill_value=0).astype(float)

    def final(column: str) -> pd.Series:
        return last[column].astype(float)

    out: dict[str, pd.Series] = {"final_adopted": final("adopted")}
    if is_commerce(frame):
        cost = total("cost")
        profit = total("profit")
        acquired = final("adopted") - first["adopted"].astype(float)
        out["final_customers"] = final("customers")
        out["total_revenue"] = total("revenue")
        out["total_cost"] = cost
        out["total_profit"] = profit
        out["roi"] = _ratio(profit, cost)
        out["cost_per_acquisition"] = _ratio(cost, acquired)
        if "churned" in frame:
            out["total_churned"] = total("churned")
        if "clv" in frame:
            out["final_clv"] = final("clv")
        for column in frame.columns:
            if column.startswith("clv_"):
                out[f"final_{column}"] = final(column)
        for column in ("nps", "mean_rating"):
            if column in frame:
                out[f"final_{column}"] = final(column)
        for column in ("shares", "reviews"):
            if column in frame:
                out[f"total_{column}"] = total(column)
        if "community_members" in frame:
            out["final_community_members"] = final("community_members")
        for kind in ("conversion", "spend"):
            member, nonmember = f"member_{kind}", f"nonmember_{kind}"
            if member in frame and nonmember in frame:
                out[f"member_{kind}_ratio"] = _ratio(last[member], last[nonmember])
        if "top1_spend_ratio" in frame:
            out["top1_spend_ratio"] = final("top1_spend_ratio")
        clock = ordered["time"] if "time" in ordered else ordered["step"]
        for week in MILESTONE_WEEKS:
            rows = ordered[np.isclose(clock.to_numpy(dtype=float), week)]
            if not rows.empty:
                at = rows.groupby("replication")["customers"].first()
                out[f"week_{week}_customers"] = at.reindex(last.index).astype(float)
    else:
        out["adopted_share"] = _ratio(last["adopted"], last["population"]) \
            if "population" in frame else pd.Series(math.nan, index=last.index)
        new = "new_adopters" if "new_adopters" in frame else None
        peaks = pd.Series(math.nan, index=last.index)
        if new is not None and not later.empty:
            best = later.loc[later.groupby("replication")[new].idxmax()]
            best = best[best[new] > 0].set_index("replication")["step"]
            peaks.loc[best.index] = best.astype(float)
        out["peak_step"] = peaks
    table = pd.DataFrame(out, index=last.index).astype(float)
    table.index.name = "replication"
    return table


def interval(values: Sequence[float] | np.ndarray | pd.Series) -> dict[str, float]:
    """Mean of the non-NaN ``values`` with its t-based 95% confidence interval.

    Parameters
    ----------
    values
        One value per replication; NaN values are left out.

    Returns
    -------
    dict
        ``mean``, ``ci_low``, ``ci_high``, ``sd`` (sample standard deviation, ddof 1)
        and ``replications`` (the number of non-NaN values). The interval is
        ``mean +/- t(0.975, R - 1) * sd / sqrt(R)``; with fewer than two values ``sd``
        and the interval are NaN (and the mean too without any value).
    """
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    count = int(data.size)
    mean = float(data.mean()) if count else math.nan
    if count < 2:
        return {"mean": mean, "ci_low": math.nan, "ci_high": math.nan, "sd": math.nan,
                "replications": count}
    sd = float(data.std(ddof=1))
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, count - 1)) * sd / math.sqrt(count)
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "sd": sd,
            "replications": count}


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
    vary much less than the scenarios themselves.

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
        ``combined.attrs`` holds the seed, engine, package version and, under
        ``"scenarios"``, the provenance of each run.
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
        frame = run(scenario, seed=seed, steps=steps, replications=replications,
                    engine=engine, threads=threads, progress=progress)
        provenance.append({"label": name, **frame.attrs})
        per_rep.append(kpis_per_replication(frame))
        frame = frame.copy()
        frame.insert(0, "scenario", name)
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    combined.attrs = {"seed": seed, "engine": engine, "wom_sim_version": package_version(),
                      "scenarios": provenance}

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
    return combined, kpis
