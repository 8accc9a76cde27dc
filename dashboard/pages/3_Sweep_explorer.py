"""Sweep explorer: plot any output of a sweep against any swept parameter.

Reads a directory written by ``wom sweep --out DIR`` with :func:`sim.sweep.load_sweep`
(Parquet parts and ``_manifest.json``) and the tables ``wom analyze DIR`` saves under
``DIR/_analysis``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import charts
from sim.errors import WomError
from sim.sweep import (
    FLOW_COLUMNS,
    REPORT,
    analysis_files,
    load_sweep,
    metric_per_replication,
    read_manifest,
    result_columns,
    summarize_parameter,
)

#: Above this many distinct values a parameter is treated as continuous (LHS, Sobol).
MAX_LEVELS = 25


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


def main() -> None:
    st.set_page_config(page_title="wom-sim: sweep explorer", layout="wide")
    st.title("Sweep explorer")
    st.markdown("Open the output folder of `wom sweep ... --out DIR` to plot any result "
                "against any swept parameter: the mean at the last week with its 95% "
                "interval over every run at that value. Sensitivity tables written by "
                "`wom analyze DIR` are shown below the plot.")
    directory = st.text_input("Sweep directory", key="sweep:dir",
                              placeholder="e.g. out/frequency-sweep")
    if not directory.strip():
        st.info("Enter the path of a sweep directory (relative to where the dashboard was "
                "started, or absolute).")
        return
    folder = Path(directory.strip()).expanduser()
    try:
        frame, manifest = load(str(folder), newest_change(folder))
    except WomError as exc:
        st.error(str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - an unreadable file is a message, not a crash
        st.error(f"{folder}: cannot read the sweep: {type(exc).__name__}: {exc}")
        return

    params = list(frame.attrs["params"])
    outputs = result_columns(frame)
    st.caption(f"{len(frame):,} rows · parameters: {', '.join(params)} · "
               f"{len(outputs)} outputs")
    if not outputs:
        st.error(f"{folder}: the results have no numeric output column.")
        return
    columns = st.columns(3)
    param = columns[0].selectbox("Swept parameter", params, key="sweep:param")
    preferred = [c for c in ("total_profit", "profit", "customers", "adopted") if c in outputs]
    output = columns[1].selectbox("Output", outputs, key="sweep:output",
                                  index=outputs.index(preferred[0]) if preferred else 0)
    how = columns[2].radio(
        "Each run counts", ("last", "total"), index=1 if output in FLOW_COLUMNS else 0,
        key=f"sweep:how:{output}", horizontal=True,
        format_func=lambda h: "value at its last step" if h == "last" else "total over steps",
        help="Weekly flows (profit, revenue, shares, ...) are best summed over the run; "
             "states (customers, CLV, NPS, ...) read at the last step.")
    runs = metric_per_replication(frame, output, how=how)
    runs = runs[runs[param].notna()]
    summary = summarize_parameter(runs, param)
    final = runs.rename(columns={"value": output})
    many = final[param].nunique() > MAX_LEVELS
    what = "each run" if many else "mean with 95% interval over runs"
    where = "at the last step" if how == "last" else "summed over the run"
    st.subheader(f"{output} {where} vs {param} ({what})")
    st.altair_chart(charts.sweep_chart(summary, final, param, output, many=many),
                    width="stretch")
    if not many:
        st.dataframe(summary, hide_index=True)

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


main()
