"""When does it pay? The robustness maps of push against engagement.

Draws the maps of docs/findings.md from the tables the repository ships
(docs/data/findings.csv, written by experiments/findings.py with ``wom robustness``):
product quality x horizon, network kind x mean degree, price x brand trust, and the
Sobol' indices of the difference, for a chosen measure, each with the explanation of
docs/findings.md. A point names a winner only where the paired 95% interval of the
difference engagement - push excludes 0. A directory of one's own ``wom robustness``
run can be opened at the bottom.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import robustness_view as view
from dashboard import style
from sim.errors import WomError

#: Measures of the shipped maps, in menu order.
METRICS = ("total_profit", "total_profit_npv", "final_customers", "final_clv", "final_nps")


def explain(found: dict[str, str], prefix: str) -> None:
    """The section of docs/findings.md under a heading starting with ``prefix``."""
    body = view.section(found, prefix)
    if body:
        with st.expander("What docs/findings.md says about this map"):
            st.markdown(body)


def grid_map(table: pd.DataFrame, name: str, x: str, y: str, metric: str,
             title: str) -> None:
    block = table[table["map"] == name]
    st.subheader(title)
    if block[block["metric"] == metric].empty:
        st.info(f"No {style.kpi_label(metric)} in this map.")
        return
    st.altair_chart(view.grid_chart(block, x, y, metric, view.LABELS), width="stretch")
    st.caption(f"{style.kpi_label(metric)}, engagement - push: "
               f"{view.tally(block, metric, view.LABELS)}. "
               "(?) marks a cell whose interval includes 0.")


def network_map(table: pd.DataFrame, metric: str) -> None:
    st.subheader("2. Network kind and mean degree")
    net = view.network_frame(table)
    if net.empty or net[net["metric"] == metric].empty:
        st.info(f"No {style.kpi_label(metric)} in the network maps.")
        return
    st.altair_chart(view.line_chart(net, "mean degree", metric, view.LABELS, line="kind"),
                    width="stretch")
    st.caption(f"{style.kpi_label(metric)}, engagement - push, with its 95% band, one line "
               f"per network kind: {view.tally(net, metric, view.LABELS)}.")


def sobol_map(sobol: pd.DataFrame, metric: str) -> None:
    st.subheader("4. Which parameters decide who wins?")
    if sobol[sobol["metric"] == metric].empty:
        st.info(f"No Sobol' indices for {style.kpi_label(metric)}.")
        return
    st.altair_chart(view.sobol_chart(sobol, metric), width="stretch")
    st.caption("Total Sobol' index of the difference engagement - push over seven market "
               "parameters (one noisy replication per point: read the ranking, not the "
               "decimals; the bar is the 95% bootstrap interval).")


def own_section(metric: str) -> None:
    """A map of one's own ``wom robustness --out DIR`` run."""
    st.subheader("Your own map")
    directory = st.text_input("A `wom robustness --out DIR` directory", key="pay:dir",
                              placeholder="e.g. out/robust")
    if not directory.strip():
        st.caption("Run e.g. `wom robustness scenarios/push.toml scenarios/engagement.toml "
                   "--param product.quality=0.7,0.9 --param run.steps=52,104 --out "
                   "out/robust` and open out/robust here.")
        return
    try:
        table, labels, keys = view.own_map(Path(directory.strip()).expanduser())
    except WomError as exc:
        st.error(str(exc))
        return
    if metric not in set(table["metric"]):
        st.info(f"This map has no {style.kpi_label(metric)}; it has "
                f"{', '.join(sorted(set(table['metric'])))}.")
        return
    keys = view.finite_keys(table, keys)
    if len(keys) == 2:
        chart = view.grid_chart(table, keys[0], keys[1], metric, labels)
    elif len(keys) == 1:
        chart = view.line_chart(table, keys[0], metric, labels)
    else:
        st.dataframe(table[table["metric"] == metric], hide_index=True)
        return
    st.altair_chart(chart, width="stretch")
    st.caption(f"{labels[1]} - {labels[0]}: {view.tally(table, metric, labels)}.")


def main() -> None:
    st.set_page_config(page_title="wom-sim: when does it pay?", layout="wide")
    st.title("When does engagement pay?")
    found = view.sections(view.FINDINGS.read_text()) if view.FINDINGS.is_file() else {}
    st.markdown(found.get("") or "Push against engagement across markets: where does each "
                                 "win, and where can nobody tell?")
    metric = st.radio("Measure", METRICS, key="pay:metric", horizontal=True,
                      format_func=style.kpi_label,
                      help="The difference engagement - push of this measure at each point "
                           "of the maps.")
    stamp = view.shipped_stamp()
    if stamp is None:
        st.warning("The shipped maps (docs/data/findings.csv, findings_sobol.csv) are "
                   "missing: `python experiments/findings.py --write-docs` writes them "
                   "(10-14 minutes on 2 cores); or open a map of your own below.")
    else:
        table, sobol = view.shipped_maps(stamp)
        grid_map(table, "quality_horizon", "product.quality", "run.steps", metric,
                 "1. Product quality x horizon")
        explain(found, "1.")
        network_map(table, metric)
        explain(found, "2.")
        grid_map(table, "price_trust", "product.price", "consumers.brand_trust", metric,
                 "3. Price x brand trust")
        explain(found, "3.")
        sobol_map(sobol, metric)
        explain(found, "4.")
        for title in ("How the maps were made", "Caveats"):
            if view.section(found, title):
                with st.expander(title):
                    st.markdown(view.section(found, title))
    own_section(metric)


main()
