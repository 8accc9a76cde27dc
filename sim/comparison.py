"""Scenarios side by side on common random numbers, compared fairly and honestly.

:func:`compare` runs several scenarios with the same seed, steps and replications and
reports each KPI per scenario, the paired difference to the first and the winner by the
one significance rule of :func:`sim.metrics.winner` (a winner only when the difference
is significant; Holm's adjustment with more than two scenarios). Before running it
checks that the scenarios share one market (:func:`market_differences`): a comparison of
strategies is fair only when every market key (:func:`sim.scenario.market_keys`, media
prices, consumers, product, network, diffusion model) is the same. After running it
reports each scenario's spend and flags a gap over :data:`SPEND_GAP`
(:func:`spend_summary`), since a strategy that spends more may win by spending more.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import WomError
from .experiment import networks_summary, run, with_resampling
from .metrics import SUMMARY_COLUMNS, interval, kpis_per_replication, winner
from .results import package_version
from .scenario import Scenario, load_scenario, market_keys, value_of

#: A spend gap above this share of the smallest spend is flagged.
SPEND_GAP = 0.02

#: Columns of the KPI table of :func:`compare`.
KPI_COLUMNS = ["kpi", "scenario", *SUMMARY_COLUMNS[1:], "diff_mean", "diff_ci_low",
               "diff_ci_high", "diff_replications", "diff_p_adjusted", "diff_significant",
               "winner", "verdict"]


def market_differences(scenarios: Sequence[Scenario],
                       labels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The market keys on which the scenarios disagree.

    Returns
    -------
    dict
        ``{key: {label: value}}`` for every key of role ``market`` whose value is not the
        same in all scenarios, in schema order (empty when they share one market).
    """
    out = {}
    for key in market_keys():
        values = {label: value_of(sc, key) for label, sc in zip(labels, scenarios, strict=True)}
        if any(value != next(iter(values.values())) for value in values.values()):
            out[key] = values
    return out


def describe_differences(differences: dict[str, dict[str, Any]]) -> str:
    """``key (label value, label value); ...`` for :func:`market_differences`."""
    return "; ".join(key + " (" + ", ".join(f"{label} {value!r}" for label, value
                                            in values.items()) + ")"
                     for key, values in differences.items())


def spend_summary(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Each scenario's total spend and the largest gap between them.

    Parameters
    ----------
    frames
        Label -> tidy table of :func:`sim.run` (commerce tables have ``cumulative_cost``).

    Returns
    -------
    dict
        ``spend``: label -> :func:`sim.metrics.interval` of ``cumulative_cost`` at the
        last step (NaN without that column); ``spend_gap``: (largest - smallest mean
        spend) / smallest (inf if the smallest is 0 and another is not; NaN if a
        scenario has no spend column); ``spend_gap_flagged``: whether the gap exceeds
        :data:`SPEND_GAP`.
    """
    spend = {}
    for label, frame in frames.items():
        if "cumulative_cost" in frame:
            last = frame[frame["step"] == frame["step"].max()]
            spend[label] = interval(last["cumulative_cost"])
        else:
            spend[label] = interval([])
    means = np.array([s["mean"] for s in spend.values()], dtype=float)
    if np.isnan(means).any():
        gap = math.nan
    elif means.max() == means.min():
        gap = 0.0
    else:
        gap = math.inf if means.min() == 0 else float((means.max() - means.min()) / means.min())
    return {"spend": spend, "spend_gap": gap,
            "spend_gap_flagged": bool(gap > SPEND_GAP)}


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
    rows = []
    for kpi in kpi_names:
        decision = winner(kpi, {name: table[kpi] for name, table in zip(names, per_rep,
                                                                        strict=True)})
        versus_first = {pair["b"]: pair for pair in decision["pairs"] if pair["a"] == names[0]}
        for name, table in zip(names, per_rep, strict=True):
            pair = versus_first.get(name)
            rows.append({
                "kpi": kpi, "scenario": name, **interval(table[kpi]),
                "diff_mean": pair["mean"] if pair else math.nan,
                "diff_ci_low": pair["low"] if pair else math.nan,
                "diff_ci_high": pair["high"] if pair else math.nan,
                "diff_replications": pair["n"] if pair else 0,
                "diff_p_adjusted": pair["p_adjusted"] if pair else math.nan,
                "diff_significant": bool(pair["significant"]) if pair else False,
                "winner": decision["winner"], "verdict": decision["verdict"]})
    kpis = pd.DataFrame(rows, columns=KPI_COLUMNS)
    kpis["replications"] = kpis["replications"].astype(np.int64)
    kpis["diff_replications"] = kpis["diff_replications"].astype(np.int64)
    return kpis


def _check_markets(loaded: list[Scenario], names: list[str],
                   allow_different_markets: bool) -> dict[str, dict[str, Any]]:
    """The market differences; a WomError when there are some and they are not allowed."""
    differences = market_differences(loaded, names)
    if differences and not allow_different_markets:
        raise WomError(
            "compare: the scenarios' markets differ, so the comparison would not be of "
            f"strategies alone: {describe_differences(differences)}. Strategies should set "
            "only lever keys (wom keys lists each key's role); to compare anyway pass "
            "--allow-different-markets (allow_different_markets=True in Python)")
    return differences


def _notes(loaded: list[Scenario], names: list[str], differences: dict[str, Any],
           spend: dict[str, Any]) -> list[str]:
    """The warnings of a comparison: different models, different markets, spend gap."""
    notes = []
    models = {name: sc.diffusion.model for name, sc in zip(names, loaded, strict=True)}
    if len(set(models.values())) > 1:
        notes.append("DIFFERENT MODELS: " + ", ".join(f"{n} uses {m}" for n, m in models.items())
                     + "; their KPIs measure different things and KPIs missing in one model "
                       "have no winner")
    if differences:
        notes.append("DIFFERENT MARKETS (allowed): " + describe_differences(differences)
                     + "; differences mix strategy and market")
    if spend["spend_gap_flagged"]:
        notes.append(f"SPEND GAP: the scenarios' spends differ by {spend['spend_gap']:.1%} "
                     f"(over {SPEND_GAP:.0%}); a strategy that spends more may win by "
                     "spending more")
    return notes


def _attrs(loaded: list[Scenario], names: list[str], differences: dict[str, Any],
           spend: dict[str, Any]) -> dict[str, Any]:
    """The ``attrs`` of the KPI table of :func:`compare`."""
    pairs = len(names) * (len(names) - 1) // 2
    return {
        "multiple_comparisons": (f"Holm-adjusted over the {pairs} pairs of each KPI"
                                 if pairs > 1 else "none (one pair)"),
        "models": {name: sc.diffusion.model for name, sc in zip(names, loaded, strict=True)},
        "different_markets": differences, **spend,
        "warnings": _notes(loaded, names, differences, spend)}


def _combined(frames: dict[str, pd.DataFrame], seed: int, engine: str) -> pd.DataFrame:
    """The scenarios' tables stacked with a leading ``scenario`` column, and provenance."""
    combined = pd.concat([frame.assign(scenario=name)[["scenario", *frame.columns]]
                          for name, frame in frames.items()], ignore_index=True)
    provenance = [{"label": name, **frame.attrs} for name, frame in frames.items()]
    combined.attrs = {"seed": seed, "engine": engine, "wom_sim_version": package_version(),
                      "scenarios": provenance, "networks": networks_summary(provenance)}
    return combined


def _part(advance: Callable[[float], None] | None, k: int, parts: int
          ) -> Callable[[float], None] | None:
    """``advance`` of the k-th of ``parts`` equal parts of a whole (None stays None)."""
    if advance is None:
        return None
    return lambda share: advance((k + share) / parts)


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
    allow_different_markets: bool = False,
    advance: Callable[[float], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run scenarios on common random numbers and compare their KPIs.

    Every scenario runs with :func:`sim.run` with the same seed, steps and replications:
    replication r of each uses the same random stream (seed, r), so the replications are
    paired (common random numbers).

    Parameters
    ----------
    scenarios
        Two or more :class:`~sim.scenario.Scenario` objects or scenario file paths; the
        first is the baseline of the differences.
    seed, steps, replications
        Used for every scenario; None takes the first scenario's ``run.seed``,
        ``run.steps`` and ``run.replications``.
    engine, threads, progress, advance
        As for :func:`sim.run` (``advance``: of the whole, each scenario an equal part).
    labels
        Names in the tables (default: ``name``, else the file stem; repeats get ``#2``).
    allow_different_markets
        Compare scenarios whose market keys differ (refused by default).

    Returns
    -------
    combined : pandas.DataFrame
        The tidy tables of all scenarios stacked, with a leading ``scenario`` column.
        ``combined.attrs`` holds the seed, engine, package version, ``"networks"``
        (:func:`sim.experiment.networks_summary`: replication r of every scenario draws
        the same network of its own, :func:`sim.experiment.with_resampling`) and, under
        ``"scenarios"``, the provenance of each run.
    kpis : pandas.DataFrame
        One row per (kpi, scenario) with the columns :data:`KPI_COLUMNS`: the KPI's
        :func:`sim.summarize` row; ``diff_*``: the paired difference ``scenario - first``
        (:func:`sim.metrics.paired_difference`; NaN on the first scenario's rows) with
        ``diff_p_adjusted`` and ``diff_significant`` (Holm-adjusted over all pairs with
        more than two scenarios); ``winner`` (a label or ``""``) and ``verdict`` (the
        winner, ``"no clear winner"``, ``"n/a for ..."`` or ``"descriptive"``) by
        :func:`sim.metrics.winner`. ``kpis.attrs``: ``multiple_comparisons``, ``models``,
        ``different_markets`` (:func:`market_differences`), ``spend``, ``spend_gap``,
        ``spend_gap_flagged`` (:func:`spend_summary`) and ``warnings`` (also warned).

    Raises
    ------
    WomError
        With fewer than two scenarios, when market keys differ and
        ``allow_different_markets`` is False (the message names the keys and values), or
        for any bad scenario (as :func:`sim.run`).
    """
    if len(scenarios) < 2:
        raise WomError(f"compare: expected at least 2 scenarios, found {len(scenarios)}")
    loaded = [sc if isinstance(sc, Scenario) else load_scenario(sc) for sc in scenarios]
    names = _labels(loaded, [None if isinstance(sc, Scenario) else str(sc)
                             for sc in scenarios], labels)
    differences = _check_markets(loaded, names, allow_different_markets)
    plan = loaded[0].run
    seed, steps = (plan.seed if seed is None else seed), (plan.steps if steps is None else steps)
    replications = plan.replications if replications is None else replications

    frames = {name: run(with_resampling(scenario), seed=seed, steps=steps,
                        replications=replications, engine=engine, threads=threads,
                        progress=progress, advance=_part(advance, k, len(loaded)))
              for k, (name, scenario) in enumerate(zip(names, loaded, strict=True))}
    combined = _combined(frames, seed, engine)
    kpis = _kpi_table(names, [kpis_per_replication(frame) for frame in frames.values()])
    kpis.attrs = _attrs(loaded, names, differences, spend_summary(frames))
    for note in kpis.attrs["warnings"]:
        warnings.warn(note, UserWarning, stacklevel=2)
    return combined, kpis
