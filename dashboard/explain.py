"""Tables that explain a comparison: formatted winners, crossover weeks, acquisitions by
channel and the funnel at a week. Plain pandas on the tables of :func:`sim.compare`; the
numbers come from :mod:`sim.metrics` (intervals, crossover weeks) and are formatted by
:mod:`dashboard.style`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard import style
from sim.commerce.state import CHANNEL_NAMES
from sim.metrics import crossover_week, interval

#: Series whose crossovers the compare page reports: column -> what it is called.
CROSSING_SERIES = {"customers": "active customers", "cumulative_profit": "cumulative profit"}

#: A crossover: (the scenario ahead, the one behind, the week from which it stays ahead;
#: the first week when it is ahead throughout). Leader None: neither stays ahead.
Crossing = tuple[str | None, str, float | None]


def _verdict(verdict: str) -> str:
    return {"": style.MISSING, "descriptive": f"{style.MISSING} (descriptive)"}.get(
        verdict, verdict)


def winner_table(kpis: pd.DataFrame, labels: Sequence[str], currency: str) -> pd.DataFrame:
    """One row per KPI: its label, each scenario's mean, each paired difference to the
    first scenario with its 95% interval, and the verdict of :func:`sim.metrics.winner`
    (a scenario, "no clear winner", "n/a for ..." or "— (descriptive)"); every cell is
    formatted text in the KPI's unit, never "None". KPIs n/a everywhere are left out."""
    rows = []
    for kpi, block in kpis.groupby("kpi", sort=False):
        block = block.set_index("scenario").reindex(list(labels))
        if block["mean"].isna().all():
            continue
        row = {"KPI": style.kpi_label(kpi)}
        for label in labels:
            row[label] = style.format_kpi(kpi, block.loc[label, "mean"], currency)
        for label in labels[1:]:
            line = block.loc[label]
            row[f"{label} - {labels[0]} (95% CI)"] = style.format_estimate(
                kpi, line["diff_mean"], line["diff_ci_low"], line["diff_ci_high"], currency,
                delta=True)
        row["winner"] = _verdict(str(block["verdict"].dropna().iloc[0]))
        rows.append(row)
    return pd.DataFrame(rows)


def interval_table(kpis: pd.DataFrame, labels: Sequence[str], currency: str) -> pd.DataFrame:
    """Every KPI's mean with its 95% interval per scenario, as formatted text."""
    table = kpis.assign(shown=[
        style.format_estimate(row.kpi, row.mean, row.ci_low, row.ci_high, currency)
        for row in kpis.itertuples()])
    wide = table.pivot(index="kpi", columns="scenario", values="shown")
    wide = wide.reindex(index=list(dict.fromkeys(kpis["kpi"])), columns=list(labels))
    wide.insert(0, "KPI", [style.kpi_label(kpi) for kpi in wide.index])
    return wide.reset_index(drop=True)


def crossovers(bands: pd.DataFrame, labels: Sequence[str]) -> dict[str, list[Crossing]]:
    """Who is ahead of the first scenario (or behind it) to the end, and from which week,
    on the mean paths of :data:`CROSSING_SERIES` (:func:`sim.metrics.crossover_week`)."""
    out: dict[str, list[Crossing]] = {}
    for name in CROSSING_SERIES:
        part = bands[bands["series"] == name]
        base = part[part["scenario"] == labels[0]].sort_values("step")
        if base.empty:
            continue
        weeks, first = base["week"].to_numpy(), base["mean"].to_numpy()
        out[name] = []
        for label in labels[1:]:
            other = part[part["scenario"] == label].sort_values("step")["mean"].to_numpy()
            if other.shape != first.shape:
                continue
            week = crossover_week(weeks, other, first)
            if week is not None:
                out[name].append((label, labels[0], week))
                continue
            week = crossover_week(weeks, first, other)
            out[name].append((labels[0] if week is not None else None, label, week))
    return out


def crossover_text(crossings: dict[str, list[Crossing]], labels: Sequence[str]) -> str:
    """The crossovers in words, one bullet per series and scenario."""
    lines = []
    for name, found in crossings.items():
        what = CROSSING_SERIES[name]
        for leader, other, week in found:
            if leader is None:
                lines.append(f"- In {what}, neither **{labels[0]}** nor **{other}** stays "
                             "ahead to the end.")
                continue
            when = "throughout" if week == 0 else f"from week {week:g} to the end"
            lines.append(f"- In {what}, **{leader}** is ahead of **{other}** {when}.")
    lines.append("\nCrossovers are read from the mean paths (dashed lines on the charts); "
                 "whether a final difference is more than noise is in the winner table.")
    return "\n".join(lines)


def why_empty(name: str, bands: pd.DataFrame) -> str:
    """Why a chart has nothing to show."""
    if name == "clv":
        horizon = bands["week"].max() if not bands.empty else 0
        return (f"No CLV yet: it counts customers acquired at least budget.clv_weeks (52 by "
                f"default) weeks before, and this run lasts {horizon:g} weeks. Choose a "
                "longer horizon to see it.")
    return f"These results have no {name} column (not the commerce model)."


def acquisitions_by_channel(combined: pd.DataFrame) -> pd.DataFrame:
    """New customers per week and channel (the weekly increase of each
    ``customers_<channel>`` column, ever-customers by acquisition channel), mean over
    replications: columns ``scenario, week, channel, mean``."""
    columns = [f"customers_{name}" for name in CHANNEL_NAMES if f"customers_{name}" in combined]
    if not columns:
        return pd.DataFrame(columns=["scenario", "week", "channel", "mean"])
    clock = "time" if "time" in combined else "step"
    ordered = combined.sort_values(["scenario", "replication", "step"], kind="stable")
    new = ordered.groupby(["scenario", "replication"], sort=False)[columns].diff()
    new["scenario"], new["week"] = ordered["scenario"], ordered[clock]
    new = new.dropna(subset=columns)
    mean = new.groupby(["scenario", "week"], sort=False)[columns].mean().reset_index()
    long = mean.melt(id_vars=["scenario", "week"], var_name="channel", value_name="mean")
    long["channel"] = long["channel"].str.removeprefix("customers_")
    return long


def channel_shares(acquired: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """Each channel's share of all acquisitions over the run, per scenario (percent
    text; channels without any acquisition are left out)."""
    totals = acquired.groupby(["channel", "scenario"])["mean"].sum().unstack("scenario")
    totals = totals.reindex(index=[c for c in CHANNEL_NAMES if c in totals.index],
                            columns=list(labels))
    totals = totals[totals.fillna(0).sum(axis=1) > 0]
    shares = totals / totals.sum(axis=0)
    table = shares.apply(lambda column: column.map(style.percent))
    table.insert(0, "channel", table.index)
    return table


def funnel_at(combined: pd.DataFrame, week: float) -> pd.DataFrame:
    """Consumers by funnel stage at ``week``, mean with its 95% interval over
    replications, per scenario: columns ``scenario, stage, mean, ci_low, ci_high, label``
    (``customer`` is active customers who are not loyal, so the stages add up to the
    population)."""
    clock = "time" if "time" in combined else "step"
    rows = combined[np.isclose(combined[clock].to_numpy(dtype=float), week)]
    stages = {"unaware": rows["unaware"], "aware": rows["aware"],
              "considering": rows["considering"],
              "customer": rows["customers"] - rows["loyal"], "loyal": rows["loyal"],
              "lapsed": rows["lapsed"]}
    out = []
    for label in dict.fromkeys(combined["scenario"]):
        mine = rows["scenario"] == label
        for stage, values in stages.items():
            band = interval(values[mine])
            out.append({"scenario": label, "stage": stage, "mean": band["mean"],
                        "ci_low": max(band["ci_low"], 0.0) if np.isfinite(band["ci_low"])
                        else band["mean"],
                        "ci_high": band["ci_high"] if np.isfinite(band["ci_high"])
                        else band["mean"],
                        "label": style.count(band["mean"])})
    return pd.DataFrame(out)
