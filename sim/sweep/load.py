"""Reading a sweep directory: its tidy table, one value per run, summaries per point.

``pandas.read_parquet(DIR)`` loads every part as one tidy table (pyarrow skips names
that start with ``_`` or ``.``): one row per (point, replication, step) with the
columns ``point``, one column per swept key (named by the key, e.g.
``ads.frequency``), then the columns of :func:`sim.run`. :func:`load_sweep` does the
same, sorted, with the manifest's provenance in ``frame.attrs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import WomError
from ..metrics import interval
from .store import PARTS, REPORT, describe, examine, provenance, read_index, read_manifest

__all__ = ["FLOW_COLUMNS", "analysis_files", "load_sweep", "metric_per_replication",
           "result_columns", "summarize_parameter", "summarize_sweep"]

#: Columns that hold a flow per step: a replication's value is their sum over the steps
#: after the first (the totals of :mod:`sim.metrics`). Every other column is a state
#: (a stock, a level or a ratio): a replication's value is the one at the last step.
FLOW_COLUMNS = frozenset({
    "new_adopters", "new_customers", "repeat_purchases", "churned", "won_back", "revenue",
    "cost", "profit", "shares", "negative_shares", "checkins", "referrals", "reviews",
})

# Columns that identify a run and its step rather than measure it.
_ID_COLUMNS = ("point", "replication", "step", "seed", "time")


def load_sweep(out: str | Path) -> pd.DataFrame:
    """The tidy table of a sweep: every part, sorted by point, replication and step.

    Equivalent to ``pandas.read_parquet(out)`` (sorted, fresh index) with the sweep's
    provenance in ``frame.attrs`` (sweep id, scenario hash, design, params, seed,
    engine, wom-sim version). Every part is first compared with the size and SHA-256
    recorded when it was written (a part without a record must read as Parquet), so a
    corrupt part is an error rather than a wrong or unreadable table.

    Parameters
    ----------
    out
        A directory written by :func:`sim.sweep.run_sweep` (``wom sweep --out``).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    WomError
        If ``out`` does not exist, is not a sweep directory, holds no parts yet or holds
        a corrupt part (the message names them; resuming the sweep reruns them).
    """
    out = Path(out)
    if not out.is_dir():
        raise WomError(f"{out}: no such sweep directory")
    manifest = read_manifest(out)
    parts = out / PARTS
    names = sorted(p.name for p in parts.glob("[!._]*.parquet")) if parts.is_dir() else []
    if not names:
        raise WomError(f"{out}: the sweep has no finished runs yet")
    _, corrupt = examine(parts, names, read_index(out))
    if corrupt:
        raise WomError(f"{out}: {len(corrupt):,} corrupt part{'s' * (len(corrupt) != 1)}: "
                       f"{describe(corrupt)}; run the sweep again with --resume to rerun "
                       f"{'them' if len(corrupt) != 1 else 'it'}")
    frame = pd.read_parquet(parts)
    frame = frame.sort_values(["point", "replication", "step"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs = provenance(manifest)
    return frame


def _param_columns(frame: pd.DataFrame) -> list[str]:
    keys = frame.attrs.get("params")
    if keys:
        return [k for k in keys if k in frame.columns]
    return [c for c in frame.columns if "." in c]


def result_columns(frame: pd.DataFrame) -> list[str]:
    """The numeric result columns of a sweep table (not ids, steps or swept keys)."""
    params = _param_columns(frame)
    return [c for c in frame.columns
            if c not in _ID_COLUMNS and c not in params
            and pd.api.types.is_numeric_dtype(frame[c])]


def metric_per_replication(frame: pd.DataFrame, metric: str, at_step: int | None = None,
                           how: Literal["last", "total"] | None = None) -> pd.DataFrame:
    """One value of ``metric`` per (point, replication).

    Parameters
    ----------
    frame
        A sweep table (:func:`load_sweep`).
    metric
        A result column (:func:`result_columns`).
    at_step
        Reduce at this step instead of each replication's last.
    how
        ``"total"``: the sum over the steps after the first, up to ``at_step``;
        ``"last"``: the value at ``at_step``. None (default) sums flows
        (:data:`FLOW_COLUMNS`: profit, revenue, cost, new customers, ...) and takes any
        other column (a state such as adopted, customers, clv, nps) at ``at_step``.

    Returns
    -------
    pandas.DataFrame
        Columns ``point``, the swept keys, ``replication`` and ``value``.

    Raises
    ------
    WomError
        For a column that is not a numeric result, or a step outside the runs.
    """
    if metric not in frame.columns or metric in ("point", "replication", "step", "seed"):
        raise WomError(f"--metric {metric}: not a result column; choose from "
                       f"{', '.join(result_columns(frame))}")
    if not pd.api.types.is_numeric_dtype(frame[metric]):
        raise WomError(f"--metric {metric}: not a numeric column")
    if at_step is not None and at_step < 0:
        raise WomError(f"--at-step {at_step}: expected a step >= 0")
    if how not in (None, "last", "total"):
        raise WomError(f"how: expected 'last' or 'total', found {how!r}")
    keys = ["point", "replication"]
    params = _param_columns(frame)
    data = frame[[*keys, *params, "step", metric]]
    first = data.groupby(keys, sort=True)["step"].transform("min")
    if at_step is not None:
        if at_step > int(frame["step"].max()):
            raise WomError(f"--at-step {at_step}: the runs end at step "
                           f"{int(frame['step'].max())}")
        data = data[data["step"] <= at_step]
        first = first.loc[data.index]
    groups = data.groupby(keys, sort=True)
    if how == "total" or (how is None and metric in FLOW_COLUMNS):
        later = data[data["step"] > first]
        value = later.groupby(keys, sort=True)[metric].sum(min_count=0)
        value = value.reindex(groups.size().index, fill_value=0.0)
    else:
        value = groups.tail(1).set_index(keys)[metric]
    table = groups[params].first() if params else groups.size().to_frame().iloc[:, :0]
    table = table.assign(value=value.astype(float)).reset_index()
    return table[["point", *params, "replication", "value"]]


def summarize_sweep(source: str | Path | pd.DataFrame, metric: str,
                    at_step: int | None = None) -> pd.DataFrame:
    """Per point: the mean of ``metric`` over replications with a t-based 95% CI.

    Parameters
    ----------
    source
        A sweep directory or its table (:func:`load_sweep`).
    metric
        A result column; its per-replication value is described in
        :func:`metric_per_replication` (the final value, or the total for flows).
    at_step
        Take the value at this step (flows: summed up to it); default the last step.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``point``, the swept keys, ``metric`` and the columns of
        :func:`sim.metrics.interval` (``mean``, ``ci_low``, ``ci_high``, ``sd``,
        ``replications``: non-NaN values used). With one replication the interval is
        NaN.

    Examples
    --------
    >>> summarize_sweep("out/sweep", "adopted")  # doctest: +SKIP
    """
    frame = load_sweep(source) if isinstance(source, str | Path) else source
    per_rep = metric_per_replication(frame, metric, at_step)
    params = [c for c in per_rep.columns if c not in ("point", "replication", "value")]
    rows = []
    for point, block in per_rep.groupby("point", sort=True):
        row = {"point": point, **{k: block[k].iloc[0] for k in params}, "metric": metric}
        row.update(interval(block["value"].to_numpy()))
        rows.append(row)
    table = pd.DataFrame(rows)
    table["replications"] = table["replications"].astype(np.int64)
    return table


def summarize_parameter(per_rep: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per value of one swept key: the mean ``value`` over every run at it, with its CI.

    Parameters
    ----------
    per_rep
        From :func:`metric_per_replication`.
    key
        A swept key (a column of ``per_rep``).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``mean``, ``ci_low``, ``ci_high``, ``sd``, ``replications`` (runs
        used), one row per value in ascending order (:func:`sim.metrics.interval`).
    """
    rows = [{key: value, **interval(group["value"])}
            for value, group in per_rep.groupby(key, sort=True)]
    table = pd.DataFrame(rows, columns=[key, "mean", "ci_low", "ci_high", "sd",
                                        "replications"])
    table["replications"] = table["replications"].astype(np.int64)
    return table


def analysis_files(out: str | Path) -> tuple[Path, list[Path], list[Path]]:
    """The report folder of ``wom analyze`` in a sweep directory, its CSV and PNG files."""
    folder = Path(out) / REPORT
    if not folder.is_dir():
        return folder, [], []
    return folder, sorted(folder.rglob("*.csv")), sorted(folder.rglob("*.png"))
