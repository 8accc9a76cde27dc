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
``total_profit_npv``           the same profit discounted to the start of the run at the
                               yearly rate ``budget.clv_discount`` (see
                               :func:`kpis_per_replication`): the net present value
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

Each KPI's label, unit and description for people: :mod:`sim.kpi_info`.

KPIs of a classic preset table (Bass, independent cascade, linear threshold):
``final_adopted``, ``adopted_share`` (final adopted / population) and ``peak_step``
(the step with the most new adopters; NaN if nobody adopted after the start).

Totals are summed over the steps after the first one of each replication (step 0 is the
starting state), so they match the acquisitions counted by ``cost_per_acquisition``.

Paired comparisons: :func:`paired_difference` (the paired 95% interval of a difference and
its t-test), :func:`significant`, :func:`holm` (Holm's step-down adjustment) and
:func:`winner` (the one significance rule of wom-sim: a KPI names a winner only when the
difference is significant). :func:`sim.comparison.compare` runs scenarios and applies it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .errors import WomError

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

#: Significance level of every paired comparison (two-sided): 1 - CONFIDENCE.
ALPHA = 1 - CONFIDENCE

#: Weeks per year of the money clock (discounting of CLV and of total_profit_npv).
WEEKS_PER_YEAR = 52.0

#: KPIs that ``wom run`` and ``wom compare`` print for a commerce table.
KEY_KPIS = ("final_customers", "total_revenue", "total_cost", "total_profit",
            "total_profit_npv", "roi",
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

    def discounted_total(self, column: str, rate: float) -> pd.Series:
        """The column summed over the steps after the first, each step's value discounted
        by ``(1 + rate) ** (-t / 52)`` with t the model time (weeks) at the start of its
        step, so the first week counts in full (as CLV counts the week of acquisition)."""
        clock = self.ordered["time"] if self.has("time") else self.ordered["step"]
        start = clock.astype(float).groupby(self.ordered["replication"]).shift(1)
        factor = (1.0 + rate) ** (-start / WEEKS_PER_YEAR)
        values = (self.ordered[column].astype(float) * factor).loc[self.later.index]
        sums = values.groupby(self.later["replication"]).sum()
        return sums.reindex(self.last.index, fill_value=0).astype(float)


def _commerce_kpis(r: _Runs, rate: float | None) -> dict[str, pd.Series]:
    """The KPIs of a commerce table (see the module docstring)."""
    cost, profit = r.total("cost"), r.total("profit")
    acquired = r.final("adopted") - r.first["adopted"].astype(float)
    out = {"final_customers": r.final("customers"), "total_revenue": r.total("revenue"),
           "total_cost": cost, "total_profit": profit}
    if rate is not None:
        out["total_profit_npv"] = r.discounted_total("profit", rate)
    out.update({"roi": _ratio(profit, cost), "cost_per_acquisition": _ratio(cost, acquired)})
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


def discount_rate(frame: pd.DataFrame) -> float | None:
    """The yearly discount rate ``budget.clv_discount`` of the scenario in ``frame.attrs``
    (as :func:`sim.run` records it), or None if the table does not carry it."""
    budget = frame.attrs.get("scenario", {}).get("budget", {})
    rate = budget.get("clv_discount") if isinstance(budget, dict) else None
    return None if rate is None else float(rate)


def kpis_per_replication(frame: pd.DataFrame, rate: float | None = None) -> pd.DataFrame:
    """The KPIs of each replication of a result table.

    Parameters
    ----------
    frame
        A tidy table as returned by :func:`sim.run`: one row per (replication, step).
    rate
        Yearly discount rate of ``total_profit_npv`` (commerce tables): the profit of
        each step is discounted by ``(1 + rate) ** (-t / 52)``, t the model time in weeks
        at the start of the step, the weekly discounting of CLV
        (:func:`sim.commerce.brand.present_values`). None takes the scenario's
        ``budget.clv_discount`` from ``frame.attrs`` (:func:`discount_rate`); without
        either, ``total_profit_npv`` is left out.

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
    rate = discount_rate(frame) if rate is None else rate
    out.update(_commerce_kpis(runs, rate) if is_commerce(frame) else _preset_kpis(runs))
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


def summarize(frame: pd.DataFrame, rate: float | None = None) -> pd.DataFrame:
    """KPIs of a result table: mean across replications with a 95% confidence interval.

    Parameters
    ----------
    frame
        A tidy table as returned by :func:`sim.run`.
    rate
        Yearly discount rate of ``total_profit_npv`` (as :func:`kpis_per_replication`).

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
    return _summary(kpis_per_replication(frame, rate))


def significant(low: float, high: float) -> bool:
    """Whether the interval ``[low, high]`` of a difference excludes 0 (NaN: it does not)."""
    return bool(math.isfinite(low) and math.isfinite(high) and (low > 0 or high < 0))


def paired_difference(a: Sequence[float] | np.ndarray | pd.Series,
                      b: Sequence[float] | np.ndarray | pd.Series, *,
                      lower_is_better: bool = False) -> dict[str, Any]:
    """The paired difference ``b - a`` over replications, its 95% interval and t-test.

    Replication r of ``a`` and of ``b`` ran on the same random numbers (common random
    numbers), so the differences ``b[r] - a[r]`` are the sample; replications where
    either value is NaN are left out.

    Parameters
    ----------
    a, b
        One value per replication, in the same order (two pandas Series are aligned on
        their index instead).
    lower_is_better
        Whether the smaller value wins (costs, losses).

    Returns
    -------
    dict
        ``mean``, ``low``, ``high`` (the :func:`interval` of the differences), ``se``
        (standard error ``sd / sqrt(n)``), ``n`` (pairs), ``p_value`` (two-sided paired
        t-test; 0 when every pair differs by the same non-zero amount, 1 when by exactly
        0), ``significant`` (:func:`significant`: the interval excludes 0) and
        ``winner_side``: ``"a"`` or ``"b"`` when significant, else None. With fewer than
        two pairs the interval, ``se`` and ``p_value`` are NaN and nothing is significant.

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6(1), 1-25.
    Law, A. M. (2015). Simulation Modeling and Analysis, 5th ed., section 10.2
    (paired-t confidence interval with common random numbers).
    """
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        diff = (b.astype(float) - a.astype(float)).to_numpy()
    else:
        first, second = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if first.shape != second.shape:
            raise WomError(f"paired_difference: {first.size} values against {second.size}")
        diff = second - first
    band = interval(diff)
    n, mean = band["replications"], band["mean"]
    se = band["sd"] / math.sqrt(n) if n > 1 else math.nan
    if n < 2:
        p_value = math.nan
    elif se == 0:
        p_value = 0.0 if mean != 0 else 1.0
    else:
        p_value = float(2 * stats.t.sf(abs(mean) / se, n - 1))
    decided = significant(band["ci_low"], band["ci_high"])
    side = None
    if decided:
        side = "a" if (mean > 0) == lower_is_better else "b"
    return {"mean": mean, "low": band["ci_low"], "high": band["ci_high"], "se": se, "n": n,
            "p_value": p_value, "significant": decided, "winner_side": side}


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values of a family of tests (NaN counts as 1).

    The i-th smallest of m p-values becomes ``max_{j <= i} min(1, (m - j + 1) p_(j))``;
    a test is significant at level ``ALPHA`` when its adjusted p-value is below it,
    which keeps the chance of any false winner in the family below ``ALPHA``. With one
    test the adjusted p-value is the p-value.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6(2), 65-70.
    """
    p = np.asarray(p_values, dtype=float).ravel()
    p = np.where(np.isnan(p), 1.0, p)
    order = np.argsort(p, kind="stable")
    steps = (p.size - np.arange(p.size)) * p[order]
    out = np.empty(p.size)
    out[order] = np.minimum(1.0, np.maximum.accumulate(steps))
    return out


def winner(kpi: str, values: dict[str, Sequence[float] | np.ndarray | pd.Series]
           ) -> dict[str, Any]:
    """The one significance rule of wom-sim: who wins ``kpi``, if anyone clearly does.

    Every pair of scenarios is compared with :func:`paired_difference`; with more than
    two scenarios the p-values of the pairs of one KPI are adjusted with :func:`holm`
    (all k(k - 1)/2 pairs form the family). The scenario with the best mean wins when
    it is significantly better than every other one (adjusted p-value below ``ALPHA``;
    with two scenarios: the paired 95% interval of the difference excludes 0).
    Otherwise there is no clear winner. A KPI without any value for some scenario (n/a)
    has no winner, and neither have the descriptive KPIs of :data:`NO_WINNER`.
    Higher is better except for :data:`LOWER_IS_BETTER`.

    Parameters
    ----------
    kpi
        The KPI's name (decides the direction).
    values
        Label -> one value per replication, replications paired across labels.

    Returns
    -------
    dict
        ``winner`` (a label, or ``""``), ``verdict`` (the label, ``"no clear winner"``,
        ``"n/a for LABELS"`` or ``"descriptive"``), ``adjustment`` (``"none"`` or
        ``"Holm"``) and ``pairs``: one :func:`paired_difference` per pair ``(a, b)`` of
        labels in order (``b - a``), with ``a``, ``b``, ``p_adjusted`` and
        ``significant`` (after the adjustment).
    """
    labels = list(values)
    lower = kpi in LOWER_IS_BETTER
    pairs = [{"a": a, "b": b, **paired_difference(values[a], values[b], lower_is_better=lower)}
             for i, a in enumerate(labels) for b in labels[i + 1:]]
    adjusted = holm([pair["p_value"] for pair in pairs])
    for pair, p in zip(pairs, adjusted, strict=True):
        pair["p_adjusted"] = float(p)
        if len(pairs) > 1 and not p < ALPHA:
            pair["significant"], pair["winner_side"] = False, None
    out = {"winner": "", "adjustment": "Holm" if len(pairs) > 1 else "none", "pairs": pairs}
    means = {label: interval(values[label])["mean"] for label in labels}
    missing = [label for label, mean in means.items() if not math.isfinite(mean)]
    if kpi in NO_WINNER:
        return {**out, "verdict": "descriptive"}
    if missing:
        return {**out, "verdict": "n/a for " + ", ".join(missing)}
    best = (min if lower else max)(means.values())
    leaders = [label for label, mean in means.items() if mean == best]
    wins = sum(pair["winner_side"] is not None and pair[pair["winner_side"]] == leaders[0]
               for pair in pairs)
    if len(leaders) == 1 and wins == len(labels) - 1:
        return {**out, "winner": leaders[0], "verdict": leaders[0]}
    return {**out, "verdict": "no clear winner"}
