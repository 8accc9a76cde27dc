"""Compare scenarios: the main page of the wom-sim dashboard (``wom dashboard``).

Pick shipped scenarios or upload TOML files, override the key levers for all of them,
press Run: every scenario runs with :func:`sim.compare` on common random numbers (one
scenario: :func:`sim.run` and :func:`sim.summarize`), and the page shows KPI cards with
paired differences to the first scenario (arrows coloured only when significant), each
scenario's spend, the winner of each KPI by the one significance rule
(:func:`sim.metrics.winner`: "no clear winner" unless the paired difference is
significant), time series with 95% bands and downloads. Scenarios whose market keys
differ are refused unless the user ticks a box. Runs are cached on the resolved
scenarios, seed, replications and that choice.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, common
from sim import jit
from sim.comparison import describe_differences, market_differences, unique_labels
from sim.errors import WomError
from sim.metrics import LOWER_IS_BETTER, time_bands
from sim.scenario import Scenario, shortlist_keys, value_of

RUN_SETTINGS = ("population.size", "run.steps", "run.replications", "run.seed")
DEFAULT_REPLICATIONS = 5


def choose_scenarios() -> list[tuple[str, Scenario]]:
    """Shipped scenarios and uploads, validated; problems shown as errors."""
    shipped = common.shipped_scenarios()
    default = [name for name in ("push", "engagement") if name in shipped]
    names = st.sidebar.multiselect(
        "Scenarios", shipped, default=default, key="scenarios",
        help="Shipped scenarios in scenarios/; the first is the baseline of the deltas.")
    uploads = st.sidebar.file_uploader(
        "Or upload scenario files (TOML)", type=["toml"], accept_multiple_files=True,
        key="uploads",
        help="A scenario file as for `wom run`. Its `base` may name a shipped file, e.g. "
             "base = \"push.toml\".")
    entries: list[tuple[str, Scenario]] = []
    for name in names:
        try:
            entries.append((name, common.load_shipped(name)))
        except WomError as exc:
            st.error(str(exc))
    for upload in uploads or []:
        try:
            entries.append(common.parse_upload(upload.name, upload.getvalue()))
        except WomError as exc:
            st.error(f"Upload rejected: {exc}")
    return entries


def run_settings(first: Scenario | None) -> dict[str, Any]:
    """Population, horizon, replications and seed: applied to every scenario."""
    box = st.sidebar
    box.subheader("Run")
    defaults = {
        "population.size": (first.population.size if first and first.population.size
                            else 10_000),
        "run.steps": first.run.steps if first else 104,
        "run.replications": DEFAULT_REPLICATIONS,
        "run.seed": first.run.seed if first else 1,
    }
    return {key: common.schema_input(key, defaults[key], widget_key=key, container=box)
            for key in RUN_SETTINGS}


def lever_settings(first: Scenario | None) -> dict[str, Any]:
    """The levers the user chose to override, with their widgets."""
    box = st.sidebar
    box.subheader("Levers")
    chosen = box.multiselect(
        "Override in every scenario", shortlist_keys(), key="levers",
        format_func=common.field_label,
        help="Levers left out keep each scenario's own value.")
    reference = first or common.load_shipped("push")
    out: dict[str, Any] = {}
    for key in chosen:
        value = value_of(reference, key)
        out[key] = common.schema_input(key, value, widget_key=f"lever:{key}", container=box)
    if out.get("network.kind") == "erdos_renyi":
        out["network.mean_degree"] = common.schema_input(
            "network.mean_degree", reference.network.mean_degree or 2.0 * reference.network.m,
            widget_key="lever:network.mean_degree", container=box)
    return out


def resolve(entries: list[tuple[str, Scenario]],
            overrides: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The TOML texts and labels of the scenarios with the overrides, or None on error."""
    labels = unique_labels(label for label, _ in entries)
    texts = []
    ok = True
    for label, scenario in zip(labels, entries, strict=True):
        try:
            resolved = common.with_overrides(scenario[1], overrides,
                                             source=f"{label} (with the dashboard settings)")
            texts.append(common.scenario_text(resolved))
        except WomError as exc:
            st.error(str(exc))
            ok = False
    return (tuple(texts), tuple(labels)) if ok else None


def kpi_cards(kpis: pd.DataFrame, labels: tuple[str, ...]) -> None:
    """One row of KPI cards per scenario; deltas are paired differences to the first."""
    st.subheader("Key figures")
    if len(labels) > 1:
        st.caption(f"Mean over replications; deltas are the mean paired difference to "
                   f"**{labels[0]}** (common random numbers), in green or red only when "
                   "significant (paired 95% CI excludes 0; Holm-adjusted with more than two "
                   "scenarios), grey otherwise.")
    for k, label in enumerate(labels):
        st.markdown(f"**{label}**")
        columns = st.columns(len(common.KPI_CARDS))
        for column, (kpi, title, help_text) in zip(columns, common.KPI_CARDS, strict=True):
            row = common.kpi_row(kpis, kpi, label)
            value = common.format_kpi(kpi, None if row is None else float(row["mean"]))
            delta, colour = None, "off"
            if k > 0 and row is not None:
                text = common.format_kpi(kpi, float(row["diff_mean"]), delta=True)
                delta = None if text == "n/a" else text
                if row["diff_significant"]:
                    colour = "inverse" if kpi in LOWER_IS_BETTER else "normal"
            column.metric(title, value, delta, delta_color=colour, help=help_text)


def winner_table(kpis: pd.DataFrame, labels: tuple[str, ...]) -> None:
    """Mean of every KPI per scenario and the winner (sim.metrics.winner's rule)."""
    st.subheader("Winner per KPI")
    order = list(dict.fromkeys(kpis["kpi"]))
    table = kpis.pivot(index="kpi", columns="scenario", values="mean")
    table = table.reindex(index=order, columns=list(labels))
    table["winner"] = kpis.groupby("kpi", sort=False)["verdict"].first().reindex(order)
    table = table[table[list(labels)].notna().any(axis=1)]
    table["winner"] = table["winner"].replace("descriptive", "-")
    st.dataframe(table, column_config={
        label: st.column_config.NumberColumn(format="localized") for label in labels})
    rule = (f"{kpis.attrs['multiple_comparisons']} (Holm 1979): the best mean wins only if "
            "significantly better than every other scenario" if len(labels) > 2
            else "the paired 95% CI of the difference excludes 0")
    st.caption(f"A KPI names a winner only when {rule}; otherwise no clear winner. A KPI "
               "that is n/a in any scenario has no winner. Higher is better except for "
               "total_cost, cost_per_acquisition and total_churned; descriptive KPIs (-) "
               "have no winner.")
    with st.expander("Every KPI with 95% intervals and paired differences"):
        st.dataframe(kpis, hide_index=True)


def fairness(kpis: pd.DataFrame) -> None:
    """The comparison's warnings (models, markets, spend gap) and each scenario's spend."""
    for note in kpis.attrs.get("warnings", []):
        st.warning(note)
    spend = kpis.attrs.get("spend", {})
    if spend and any(pd.notna(s["mean"]) for s in spend.values()):
        cells = " · ".join(f"{label} {common.format_kpi('total_cost', s['mean'])}"
                           for label, s in spend.items())
        gap = kpis.attrs["spend_gap"]
        st.caption(f"Spend (cumulative_cost at the end, mean): {cells} · gap "
                   f"{'n/a' if pd.isna(gap) else f'{gap:.1%}'}")


def time_charts(combined: pd.DataFrame, labels: tuple[str, ...]) -> None:
    """Time series with 95% bands, by theme."""
    st.subheader("Over time")
    show_band = st.toggle("Show 95% bands", value=True, key="bands",
                          help="t-based 95% interval of the mean across replications.")
    frame = common.with_cumulative_profit(combined)
    bands = time_bands(frame, [*common.SERIES, *common.FUNNEL])
    groups = {
        "Customers": ("customers", "adopted"),
        "Money": ("revenue", "cumulative_profit"),
        "Loyalty": ("clv", "nps"),
        "Word of mouth": ("shares", "reviews"),
    }
    tabs = st.tabs([*groups, "Funnel"])
    for tab, series in zip(tabs, groups.values(), strict=False):
        columns = tab.columns(2)
        for column, name in zip(columns, series, strict=True):
            part = bands[bands["series"] == name]
            if part.empty:
                column.info(f"No {name} column in these results.")
                continue
            title, axis = common.SERIES[name]
            column.altair_chart(charts.band_chart(part, title, axis, labels,
                                                  show_band=show_band), width="stretch")
    funnel = bands[bands["series"].isin(common.FUNNEL)]
    with tabs[-1]:
        if funnel.empty:
            st.info("These results have no funnel stages (not the commerce model).")
        else:
            st.altair_chart(charts.funnel_chart(funnel, labels, common.FUNNEL,
                                                show_band=show_band))
            st.caption("customers counts customer and loyal consumers.")


def downloads(combined: pd.DataFrame, kpis: pd.DataFrame, texts: tuple[str, ...],
              labels: tuple[str, ...]) -> None:
    """Results as CSV and Parquet, the KPI table, and each resolved scenario."""
    st.subheader("Downloads")
    parquet = io.BytesIO()
    combined.to_parquet(parquet, index=False)
    columns = st.columns(3)
    columns[0].download_button("Results (CSV)", combined.to_csv(index=False),
                               file_name="wom-results.csv", mime="text/csv", key="dl:csv")
    columns[1].download_button("Results (Parquet)", parquet.getvalue(),
                               file_name="wom-results.parquet",
                               mime="application/vnd.apache.parquet", key="dl:parquet")
    columns[2].download_button("KPI table (CSV)", kpis.to_csv(index=False),
                               file_name="wom-kpis.csv", mime="text/csv", key="dl:kpis")
    st.caption("Resolved scenarios (load with `wom run FILE.toml`):")
    columns = st.columns(min(len(labels), 4))
    for k, (label, text) in enumerate(zip(labels, texts, strict=True)):
        columns[k % len(columns)].download_button(
            f"{label}.toml", text, file_name=f"{label}.toml", mime="application/toml",
            key=f"dl:toml:{k}")


def show_results(request: tuple) -> None:
    texts, labels, seed, replications, allow = request
    steps = common.scenario_of_text(texts[0]).run.steps
    population = common.scenario_of_text(texts[0]).population.size
    what = (f"Running {len(texts)} scenario{'s' if len(texts) > 1 else ''} x "
            f"{replications} replications x {steps} weeks on {population:,} consumers...")
    if not jit.cache_is_warm():
        what += " (the first run compiles the engine: about 30 s)"
    outcome = common.attempt(
        lambda: common.run_scenarios(texts, labels, seed, replications, allow), what)
    if outcome is None:
        return
    combined, kpis = outcome
    st.caption(f"seed {seed} · {replications} paired replications · {steps} weeks · "
               f"{population:,} consumers · engine fast · wom-sim "
               f"{combined.attrs.get('wom_sim_version', '?')}")
    if len(labels) > 1:
        fairness(kpis)
    kpi_cards(kpis, labels)
    time_charts(combined, labels)
    if len(labels) > 1:
        winner_table(kpis, labels)
    downloads(combined, kpis, texts, labels)


def allow_markets(texts: tuple[str, ...], labels: tuple[str, ...]) -> bool | None:
    """Whether the run may go ahead: True/False (allowed different markets or not), None
    when the markets differ and the user has not ticked the box (an error is shown)."""
    scenarios = [common.scenario_of_text(text, label) for text, label in zip(texts, labels,
                                                                              strict=True)]
    differences = market_differences(scenarios, labels) if len(scenarios) > 1 else {}
    if not differences:
        return False
    allowed = st.sidebar.checkbox(
        "Allow different markets", key="allow_markets",
        help="Compare scenarios whose market keys differ; the difference then mixes "
             "strategy and market.")
    if not allowed:
        st.error("These scenarios' markets differ, so the comparison would not be of "
                 f"strategies alone: {describe_differences(differences)}. Strategies "
                 "should set only lever keys. Tick **Allow different markets** in the "
                 "sidebar to compare them anyway.")
        return None
    return True


def compare_page() -> None:
    """The main page: choose, run and compare scenarios (the other pages are in pages/)."""
    st.set_page_config(page_title="wom-sim: compare scenarios", layout="wide")
    st.title("Compare scenarios")
    st.markdown("Run word-of-mouth commerce strategies side by side on the same simulated "
                "market and the same random numbers. Choose scenarios and settings in the "
                "sidebar, then press **Run**.")
    entries = choose_scenarios()
    first = entries[0][1] if entries else None
    settings = run_settings(first)
    levers = lever_settings(first)
    overrides = {**levers, **settings}
    pressed = st.sidebar.button("Run", type="primary", key="run", width="stretch")
    if not entries:
        st.info("Select at least one scenario (or upload one) to run.")
        return
    resolved = resolve(entries, overrides)
    allow = None if resolved is None else allow_markets(*resolved)
    request = None if resolved is None or allow is None else (
        *resolved, int(settings["run.seed"]), int(settings["run.replications"]), allow)
    if pressed:
        if request is None:
            st.error("Fix the problems above, then press Run again.")
            return
        st.session_state["request"] = request
    stored = st.session_state.get("request")
    if stored is None:
        st.info("Press **Run** in the sidebar to simulate the selected scenarios.")
        return
    if request != stored:
        st.info("The settings changed since these results were computed: press **Run** to "
                "update them.")
    show_results(stored)


compare_page()
