"""Sweep explorer: any output of a sweep against its swept parameters.

Reads a directory written by ``wom sweep --out DIR`` with :func:`sim.sweep.load_sweep`
(Parquet parts and ``_manifest.json``) and the tables ``wom analyze DIR`` saves under
``DIR/_analysis``. A two-parameter grid gets a heatmap of the mean per cell, each cell
compared with a baseline cell by the one significance rule
(:mod:`dashboard.sweep_view`); every sweep gets the output against one parameter, one
line per value of a second. Intervals of quantities that cannot be negative stop at 0,
and an empty chart says why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import sweep_view
from sim.errors import WomError
from sim.sweep import (
    FLOW_COLUMNS,
    REPORT,
    analysis_files,
    load_sweep,
    metric_per_replication,
    read_manifest,
    result_columns,
)


@st.cache_data(show_spinner=False, max_entries=4)
def load(directory: str, stamp: float) -> tuple[pd.DataFrame, dict]:
    """The sweep table and manifest of a directory; ``stamp`` (its newest change) refreshes
    the cache."""
    return load_sweep(directory), read_manifest(directory)


def newest_change(folder: Path) -> float:
    try:
        return max((p.stat().st_mtime for p in folder.rglob("*")), default=0.0)
    except OSError:
        return 0.0


def open_sweep() -> tuple[Path, pd.DataFrame, dict] | None:
    """The directory input and the loaded sweep (None, with a message, otherwise)."""
    directory = st.text_input("Sweep directory", key="sweep:dir",
                              placeholder="e.g. out/frequency-sweep")
    if not directory.strip():
        st.info("Enter the path of a sweep directory (relative to where the dashboard was "
                "started, or absolute).")
        return None
    folder = Path(directory.strip()).expanduser()
    try:
        frame, manifest = load(str(folder), newest_change(folder))
    except WomError as exc:
        st.error(str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a message, not a crash
        st.error(f"{folder}: cannot read the sweep: {type(exc).__name__}: {exc}")
        return None
    return folder, frame, manifest


def choose_output(frame: pd.DataFrame) -> tuple[str, str] | None:
    """The output column and how each run counts (its last value or its total)."""
    outputs = result_columns(frame)
    if not outputs:
        st.error("The results have no numeric output column.")
        return None
    columns = st.columns(2)
    preferred = [c for c in ("total_profit", "profit", "customers", "adopted") if c in outputs]
    output = columns[0].selectbox("Output", outputs, key="sweep:output",
                                  index=outputs.index(preferred[0]) if preferred else 0)
    how = columns[1].radio(
        "Each run counts", ("last", "total"), index=1 if output in FLOW_COLUMNS else 0,
        key=f"sweep:how:{output}", horizontal=True,
        format_func=lambda h: "value at its last step" if h == "last" else "total over steps",
        help="Weekly flows (profit, revenue, shares, ...) are best summed over the run; "
             "states (customers, CLV, NPS, ...) read at the last step.")
    return output, how


def fix_others(runs: pd.DataFrame, params: list[str], shown: list[str]) -> pd.DataFrame:
    """The runs at one chosen value of every swept key not in ``shown``."""
    for key in params:
        if key in shown:
            continue
        values = sorted(runs[key].dropna().unique().tolist())
        value = st.selectbox(f"At {key} =", values, key=f"sweep:at:{key}")
        runs = runs[runs[key] == value]
    return runs


def heatmap_section(runs: pd.DataFrame, params: list[str], output: str) -> None:
    """The heatmap of a two-parameter grid with its baseline cell."""
    st.subheader("Heatmap")
    if not sweep_view.is_grid(runs, params):
        st.info("A heatmap needs a grid design (`wom sweep --design grid`); this sweep's "
                "parameters take too many values: see the plot below.")
        return
    columns = st.columns(2)
    x = columns[0].selectbox("Across", params, index=0, key="sweep:heat:x")
    y = columns[1].selectbox("Up", [p for p in params if p != x], index=0, key="sweep:heat:y")
    runs = fix_others(runs, params, [x, y])
    cells = sorted({(vx, vy) for vx, vy in zip(runs[x], runs[y], strict=True)})
    options = [sweep_view.HIGHEST, *cells]
    choice = st.selectbox("Compare every cell with", options, key="sweep:baseline",
                          format_func=lambda c: c if isinstance(c, str)
                          else f"{x} = {c[0]}, {y} = {c[1]}")
    table, baseline = sweep_view.grid_cells(runs, x, y, output,
                                            None if isinstance(choice, str) else choice)
    if baseline is None:
        st.info("No cell has a value to draw.")
        return
    st.altair_chart(sweep_view.heatmap_chart(table, x, y, output), width="stretch")
    significant = int((table["role"] == "significant").sum())
    st.caption(f"Mean {output} per cell. The baseline cell ({x} = {baseline[0]}, "
               f"{y} = {baseline[1]}) is framed in black; the {significant} cell"
               f"{'s' if significant != 1 else ''} whose paired difference to it has a 95% "
               "interval excluding 0 are framed in orange and starred (*); the others "
               "cannot be told apart from it with these replications. Hover a cell for its "
               "interval and difference.")


def lines_section(runs: pd.DataFrame, params: list[str], output: str, where: str) -> None:
    """The output against one parameter, one line per value of another."""
    columns = st.columns(2)
    param = columns[0].selectbox("Swept parameter", params, key="sweep:param")
    others = [p for p in params if p != param]
    grid = sweep_view.is_grid(runs, params)
    by = columns[1].selectbox("One line per value of", ["(all runs together)", *others],
                              index=1 if others and grid else 0, key="sweep:by",
                              disabled=not others or not grid)
    by = None if by not in others or not grid else by
    if not grid and runs[param].nunique() > sweep_view.MAX_LEVELS:
        st.subheader(f"{output} {where} vs {param} (each run)")
        st.altair_chart(sweep_view.scatter_chart(runs, param, output), width="stretch")
        return
    summary = sweep_view.split_summary(runs, param, by, output)
    rest = [p for p in others if p != by]
    pooled = f", pooled over {', '.join(rest)}" if rest else ""
    st.subheader(f"{output} {where} vs {param} (mean with 95% interval{pooled})")
    st.altair_chart(sweep_view.lines_chart(summary, param, by, output), width="stretch")
    st.dataframe(summary.rename(columns={"param": param, "line": by or "runs"}),
                 hide_index=True)


def analysis_section(folder: Path, manifest: dict) -> None:
    analysis, tables, plots = analysis_files(folder)
    st.subheader("Sensitivity tables")
    if not tables:
        st.info(f"No tables yet: run `wom analyze {folder}` to write them "
                f"(into {folder / REPORT}).")
    for path in tables:
        st.markdown(f"**{path.relative_to(analysis)}**")
        try:
            st.dataframe(pd.read_csv(path), hide_index=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            st.error(f"{path}: cannot read the table: {exc}")
    if plots:
        with st.expander(f"Plots of `wom analyze` ({len(plots)})"):
            for path in plots:
                st.image(str(path), caption=str(path.relative_to(analysis)))
    if manifest:
        with st.expander("_manifest.json"):
            st.code(json.dumps(manifest, indent=2, default=str), language="json")


def main() -> None:
    st.set_page_config(page_title="wom-sim: sweep explorer", layout="wide")
    st.title("Sweep explorer")
    st.markdown("Open the output folder of `wom sweep ... --out DIR` to see any result "
                "against the swept parameters: a heatmap of two-parameter grids, and the "
                "mean with its 95% interval against one parameter. Sensitivity tables "
                "written by `wom analyze DIR` are shown below.")
    opened = open_sweep()
    if opened is None:
        return
    folder, frame, manifest = opened
    params = list(frame.attrs["params"])
    st.caption(f"{len(frame):,} rows · parameters: {', '.join(params)} · "
               f"{frame['point'].nunique()} points")
    chosen = choose_output(frame)
    if chosen is None:
        return
    output, how = chosen
    runs = metric_per_replication(frame, output, how=how)
    runs = runs.dropna(subset=params)
    empty = sweep_view.why_empty(runs, output, int(frame["step"].max()))
    if empty is not None:
        st.warning(f"Nothing to draw: {empty}")
    else:
        note = sweep_view.few_replications(runs)
        if note is not None:
            st.warning(note)
        if len(params) >= 2:
            heatmap_section(runs, params, output)
        lines_section(runs, params, output,
                      "at the last step" if how == "last" else "summed over the run")
    analysis_section(folder, manifest)


main()
