"""Compare scenarios: the first page of the wom-sim dashboard (``wom dashboard``).

Pick shipped scenarios or upload TOML files (with the edge lists they use), override the
key levers for all of them, press Run: every scenario runs with :func:`sim.compare` on
common random numbers (one scenario: :func:`sim.run` and :func:`sim.summarize`). The
page shows each scenario's description, KPI cards with the paired difference to the
first scenario and its 95% interval (coloured only when significant), the winner of each
KPI by the one significance rule (:func:`sim.metrics.winner`), the weeks at which one
scenario overtakes another, time series with 95% bands, where customers came from
(acquisitions by channel) and the funnel at a chosen week. Invalid settings and rejected
uploads block Run and say why. The default comparison is shown on the first visit: the
results shipped with the code when they match the running model
(:mod:`dashboard.shipped`), else from the disk cache that ``wom dashboard`` fills when
it starts (:mod:`dashboard.warm`). Other requests run with a progress bar.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import background, charts, common, explain, shipped, style, uploads
from sim import jit
from sim.comparison import describe_differences, market_differences, unique_labels
from sim.errors import WomError
from sim.metrics import LOWER_IS_BETTER, time_bands
from sim.scenario import Scenario, shortlist_keys, value_of

RUN_SETTINGS = ("population.size", "run.steps", "run.replications", "run.seed")
DEFAULT_SCENARIOS = ("push", "engagement")
DEFAULT_REPLICATIONS = 5

#: KPIs shown as cards, in order (labels and help from :mod:`sim.kpi_info`).
KPI_CARDS = ("total_profit", "total_profit_npv", "final_customers", "final_clv", "final_nps",
             "roi")

#: Time series charted on the compare page: column -> (title, axis title).
SERIES = {
    "customers": ("Active customers", "customers"),
    "adopted": ("Ever customers", "consumers"),
    "revenue": ("Revenue per week", "revenue"),
    "cumulative_profit": ("Cumulative profit", "profit"),
    "clv": ("CLV of matured customers", "lifetime value"),
    "nps": ("Net promoter score", "NPS"),
    "shares": ("Word-of-mouth shares per week", "shares"),
    "reviews": ("Reviews written per week", "reviews"),
}

#: A run request: texts and labels of the resolved scenarios, seed, replications and
#: whether different markets are allowed (the arguments of common.cached_scenarios).
Request = tuple[tuple[str, ...], tuple[str, ...], int, int, bool]


def default_settings(first: Scenario | None) -> dict[str, Any]:
    """The run settings a visit starts with: the first scenario's population, horizon
    and seed, and :data:`DEFAULT_REPLICATIONS` replications."""
    return {
        "population.size": (first.population.size if first and first.population.size
                            else 10_000),
        "run.steps": first.run.steps if first else 104,
        "run.replications": DEFAULT_REPLICATIONS,
        "run.seed": first.run.seed if first else 1,
    }


def build_request(entries: list[tuple[str, Scenario]], overrides: dict[str, Any],
                  allow: bool = False) -> Request:
    """The run request of scenarios with the dashboard's overrides (run settings
    included, as ``run.seed`` and ``run.replications``).

    Raises
    ------
    WomError
        Naming the scenario whose overrides are invalid.
    """
    labels = unique_labels(label for label, _ in entries)
    texts = tuple(common.scenario_text(common.with_overrides(
        scenario, own_overrides(scenario, overrides),
        source=f"{label} (with the dashboard settings)"))
        for label, (_, scenario) in zip(labels, entries, strict=True))
    return (texts, tuple(labels), int(overrides["run.seed"]),
            int(overrides["run.replications"]), allow)


def own_overrides(scenario: Scenario, overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides that apply to a scenario: all, except the number of consumers for
    one on an edge list (the file fixes it)."""
    if scenario.network.kind == "file":
        return {k: v for k, v in overrides.items() if k != "population.size"}
    return overrides


def default_request() -> Request:
    """The request of a first visit: :data:`DEFAULT_SCENARIOS` with
    :func:`default_settings` (what ``wom dashboard`` computes when it starts)."""
    entries = [(name, common.load_shipped(name)) for name in DEFAULT_SCENARIOS]
    return build_request(entries, default_settings(entries[0][1]))


# ---------------------------------------------------------------------------------------
# The sidebar: scenarios, uploads, settings; every problem blocks Run
# ---------------------------------------------------------------------------------------


def uploaded_networks(problems: list[str]) -> dict[str, Any]:
    """Edge lists uploaded for the uploaded scenarios: file name -> stored path."""
    files = st.sidebar.file_uploader(
        "Networks for uploaded scenarios (edge lists)", accept_multiple_files=True,
        key="networks", type=["txt", "csv", "tsv", "edges", "el", "edgelist", "gz"],
        help="An uploaded scenario with network.kind = \"file\" may use an edge list "
             "uploaded here (network.path = the file name) or one shipped under data/ "
             "(e.g. network.path = \"data/networks/facebook_combined.txt.gz\"); the edge "
             "list then fixes the number of consumers. No other file on the server can be "
             "used.")
    out = {}
    for upload in files or []:
        try:
            out[upload.name] = uploads.store_network(upload.name, upload.getvalue())
        except WomError as exc:
            problems.append(f"Network upload rejected: {exc}")
    return out


def choose_scenarios(problems: list[str]) -> list[tuple[str, Scenario]]:
    """Shipped scenarios and uploads, validated; rejections go to ``problems``."""
    shipped = common.shipped_scenarios()
    default = [name for name in DEFAULT_SCENARIOS if name in shipped]
    names = st.sidebar.multiselect(
        "Scenarios", shipped, default=default, key="scenarios",
        help="Shipped scenarios in scenarios/; the first is the baseline of the deltas.")
    files = st.sidebar.file_uploader(
        "Or upload scenario files (TOML)", type=["toml"], accept_multiple_files=True,
        key="uploads",
        help="A scenario file as for `wom run`. Its `base` may name a shipped file, e.g. "
             "base = \"push.toml\".")
    networks = uploaded_networks(problems)
    entries: list[tuple[str, Scenario]] = []
    for name in names:
        try:
            entries.append((name, common.load_shipped(name)))
        except WomError as exc:
            problems.append(str(exc))
    for upload in files or []:
        try:
            entries.append(uploads.parse_upload(upload.name, upload.getvalue(), networks))
        except WomError as exc:
            problems.append(f"Upload rejected: {exc}")
    return entries


def run_settings(first: Scenario | None, problems: list[str]) -> dict[str, Any]:
    """Population, horizon, replications and seed: applied to every scenario."""
    box = st.sidebar
    box.subheader("Run")
    defaults = default_settings(first)
    return {key: common.schema_input(key, defaults[key], widget_key=key, container=box,
                                     problems=problems)
            for key in RUN_SETTINGS}


def lever_settings(first: Scenario | None, problems: list[str]) -> dict[str, Any]:
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
        out[key] = common.schema_input(key, value_of(reference, key),
                                       widget_key=f"lever:{key}", container=box,
                                       problems=problems)
    if out.get("network.kind") == "erdos_renyi":
        out["network.mean_degree"] = common.schema_input(
            "network.mean_degree", reference.network.mean_degree or 2.0 * reference.network.m,
            widget_key="lever:network.mean_degree", container=box, problems=problems)
    return out


def allow_markets(entries: list[tuple[str, Scenario]], problems: list[str]) -> bool:
    """Whether different markets are allowed (a checkbox shown only when they differ);
    differing markets without the tick are a problem."""
    labels = unique_labels(label for label, _ in entries)
    differences = market_differences([sc for _, sc in entries], labels) \
        if len(entries) > 1 else {}
    if not differences:
        return False
    allowed = st.sidebar.checkbox(
        "Allow different markets", key="allow_markets",
        help="Compare scenarios whose market keys differ; the difference then mixes "
             "strategy and market.")
    if not allowed:
        problems.append(
            "These scenarios' markets differ, so the comparison would not be of strategies "
            f"alone: {describe_differences(differences)}. Strategies should set only lever "
            "keys. Tick **Allow different markets** in the sidebar to compare them anyway.")
    return allowed


def sidebar(problems: list[str]) -> tuple[list[tuple[str, Scenario]], Request | None]:
    """Every input of the page; returns the scenarios and the request they make (None
    when there is a problem)."""
    entries = choose_scenarios(problems)
    first = entries[0][1] if entries else None
    settings = run_settings(first, problems)
    overrides = {**lever_settings(first, problems), **settings}
    allow = allow_markets(entries, problems) if entries else False
    if problems or not entries:
        return entries, None
    try:
        return entries, build_request(entries, overrides, allow)
    except WomError as exc:
        problems.append(str(exc))
        return entries, None


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


def descriptions(entries: list[tuple[str, Scenario]]) -> None:
    """Each scenario's colour, label and description."""
    labels = unique_labels(label for label, _ in entries)
    colours = style.scenario_colours(labels)
    lines = [f"- {swatch(colours[label])} **{label}**: "
             f"{scenario.description or '(no description in the scenario file)'}"
             for label, (_, scenario) in zip(labels, entries, strict=True)]
    st.markdown("\n".join(lines), unsafe_allow_html=True)


def swatch(colour: str) -> str:
    """A dot in a scenario's colour (HTML for st.markdown)."""
    return f'<span style="color:{colour}">&#9679;</span>'


def kpi_cards(kpis: pd.DataFrame, labels: tuple[str, ...], currency: str) -> None:
    """One row of KPI cards per scenario; deltas are paired differences to the first,
    coloured only when significant, with their 95% interval underneath."""
    st.subheader("Key figures")
    if len(labels) > 1:
        rule = ("Holm-adjusted over the pairs" if len(labels) > 2
                else "its paired 95% interval excludes 0")
        st.caption(f"Mean over replications. Deltas are the mean paired difference to "
                   f"**{labels[0]}** (common random numbers), green or red only when "
                   f"significant ({rule}), grey otherwise; the interval is below.")
    colours = style.scenario_colours(labels)
    for k, label in enumerate(labels):
        st.markdown(f"{swatch(colours[label])} **{label}**", unsafe_allow_html=True)
        columns = st.columns(len(KPI_CARDS))
        for column, kpi in zip(columns, KPI_CARDS, strict=True):
            row = common.kpi_row(kpis, kpi, label)
            value = None if row is None else row["mean"]
            delta, colour, note = None, "off", None
            if k > 0 and row is not None:
                delta = style.format_kpi(kpi, row["diff_mean"], currency, delta=True)
                delta = None if delta == style.MISSING else delta
                if row["diff_significant"]:
                    colour = "inverse" if kpi in LOWER_IS_BETTER else "normal"
                band = style.format_interval(kpi, row["diff_ci_low"], row["diff_ci_high"],
                                             currency, delta=True)
                verdict = "significant" if row["diff_significant"] else "not significant"
                note = (f"95% CI {band} · {verdict}" if band != style.MISSING
                        else "no paired difference (n/a in a scenario)")
            column.metric(style.kpi_label(kpi), style.format_kpi(kpi, value, currency),
                          delta, delta_color=colour, help=style.kpi_help(kpi, currency))
            if note is not None:
                column.caption(note)


def winner_table(kpis: pd.DataFrame, labels: tuple[str, ...], currency: str) -> None:
    """Every KPI per scenario (formatted), the paired differences and the winner."""
    st.subheader("Winner per KPI")
    table = explain.winner_table(kpis, labels, currency)
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)
    rule = (f"{kpis.attrs['multiple_comparisons']} (Holm 1979): the best mean wins only if "
            "significantly better than every other scenario" if len(labels) > 2
            else "the paired 95% interval of the difference excludes 0")
    st.caption(f"A KPI names a winner only when {rule}; otherwise there is no clear winner. "
               "A KPI that is n/a in any scenario has no winner. Higher is better except "
               "for marketing spend, cost per acquisition and churn; descriptive KPIs "
               "have no winner.")


def fairness(kpis: pd.DataFrame, currency: str) -> None:
    """The comparison's warnings (models, markets, spend gap) and each scenario's spend."""
    for note in kpis.attrs.get("warnings", []):
        st.warning(note)
    spend = kpis.attrs.get("spend", {})
    if spend and any(pd.notna(s["mean"]) for s in spend.values()):
        cells = " · ".join(f"{label} {style.money(s['mean'], currency)}"
                           for label, s in spend.items())
        st.caption(f"Marketing spend over the run (mean): {cells} · gap "
                   f"{style.percent(kpis.attrs.get('spend_gap'))}")


def over_time(bands: pd.DataFrame, labels: tuple[str, ...], crossings: dict) -> None:
    """The time series with 95% bands (crossover weeks marked), by theme."""
    show_band = st.toggle("Show 95% bands", value=True, key="bands",
                          help="t-based 95% interval of the mean across replications.")
    groups = {"Customers": ("customers", "adopted"), "Money": ("revenue", "cumulative_profit"),
              "Loyalty": ("clv", "nps"), "Word of mouth": ("shares", "reviews")}
    colours = style.scenario_colours(labels)
    for tab, series in zip(st.tabs(list(groups)), groups.values(), strict=True):
        for column, name in zip(tab.columns(2), series, strict=True):
            part = bands[bands["series"] == name]
            if part.empty or part["mean"].isna().all():
                column.info(explain.why_empty(name, bands))
                continue
            title, axis = SERIES[name]
            chart = charts.band_chart(part, title, axis, labels, show_band=show_band)
            rules = [layer for row, (leader, _, week) in enumerate(crossings.get(name, []))
                     if leader is not None and week
                     for layer in charts.crossover_rule(
                         week, f"{leader} ahead from week {week:g}", colours[leader], row,
                         end=float(part["week"].max()))]
            column.altair_chart(alt.layer(chart, *rules) if rules else chart,
                                width="stretch")


def channels(combined: pd.DataFrame, labels: tuple[str, ...]) -> None:
    """Where customers came from: acquisitions per week by channel, per scenario."""
    acquired = explain.acquisitions_by_channel(combined)
    if acquired.empty:
        st.info("These results have no acquisition channels (not the commerce model).")
        return
    st.caption("New customers per week by the channel credited with the first purchase "
               "(mean over replications); the table gives each channel's share of all "
               "acquisitions over the run.")
    columns = st.columns(min(2, len(labels)))
    top = float(acquired.groupby(["scenario", "week"])["mean"].sum().max())
    for k, label in enumerate(labels):
        part = acquired[acquired["scenario"] == label]
        columns[k % len(columns)].altair_chart(
            charts.channel_chart(part, label, y_max=top if top > 0 else None),
            width="stretch")
    st.dataframe(explain.channel_shares(acquired, labels), hide_index=True)


def funnel(combined: pd.DataFrame, labels: tuple[str, ...]) -> None:
    """The funnel at a chosen week: consumers by stage, a bar per scenario."""
    weeks = sorted(combined["time" if "time" in combined else "step"].unique())
    if not set(charts.STAGE_NAMES) - {"customer"} <= set(combined.columns):
        st.info("These results have no funnel stages (not the commerce model).")
        return
    week = st.select_slider("Week", options=weeks, value=weeks[-1], key="funnel_week",
                            format_func=lambda w: f"week {w:g}",
                            help="The week at which consumers are counted by stage.")
    stock = explain.funnel_at(combined, week)
    st.altair_chart(charts.funnel_chart(stock, labels, week), width="stretch")
    st.caption("Consumers by stage at the chosen week (mean with its 95% interval): "
               "customer counts active customers who are not (yet) loyal.")


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


@functools.lru_cache(maxsize=16)
def run_scenarios(request: Request) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`dashboard.common.cached_scenarios` of ``request``, also kept in memory
    (redrawing a chart never reruns the model nor reads the disk); its progress goes to
    :func:`progress_path`."""
    return background.reporting(progress_path(request), lambda report: common.cached_scenarios(
        *request, report=report))


def progress_path(request: Request) -> Path:
    """Where a computation of ``request`` reports its progress (in any process)."""
    return background.progress_path("compare", request)


def computed(request: Request) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The results of ``request`` from memory, disk or a new run, with a progress bar
    while they are computed (here or by ``wom dashboard``'s background job)."""
    texts, labels, _, replications, _ = request
    steps = common.scenario_of_text(texts[0]).run.steps
    what = (f"Running {len(texts)} scenario{'s' if len(texts) > 1 else ''} x "
            f"{replications} replications x {steps} weeks (results are kept on disk, so "
            "this happens once)")
    models = {common.scenario_of_text(text).diffusion.model for text in texts}
    kernels = [jit.COMMERCE_KERNEL if model == "commerce" else jit.PRESETS_KERNEL
               for model in models]
    if not jit.cache_is_warm(kernels):
        what += "; the first run compiles the engine: about 30 s more"

    def describe(share: float, text: str) -> str:
        return f"{what}: {share:.0%} done"

    return background.wait(background.start(("compare", request),
                                            lambda: run_scenarios(request)),
                           progress_path(request), describe)


def precomputed(request: Request) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The shipped results of ``request`` (:mod:`dashboard.shipped`) when they exist and
    match the running model, with a note saying so; else None."""
    if not (shipped.offers_compare(request) and shipped.checked("default results")):
        return None
    st.caption(shipped.source_note("results"))
    return shipped.comparison()


def show_results(request: Request) -> None:
    """Run (or fetch) the request and show every result section."""
    texts, labels, seed, replications, _ = request
    first = common.scenario_of_text(texts[0])
    steps = first.run.steps
    outcome = precomputed(request) or computed(request)
    if outcome is None:
        return
    combined, kpis = outcome
    currency = first.product.currency
    sizes = combined.groupby("scenario", sort=False)["population"].first()
    population = " / ".join(dict.fromkeys(style.count(n) for n in sizes))
    st.caption(f"seed {seed} · {replications} paired replications · {steps} weeks · "
               f"{population} consumers · amounts in {currency} · engine fast "
               f"· wom-sim {combined.attrs.get('wom_sim_version', '?')}")
    if len(labels) > 1:
        fairness(kpis, currency)
    kpi_cards(kpis, labels, currency)
    if len(labels) > 1:
        winner_table(kpis, labels, currency)
    with st.expander("Every KPI with its 95% interval"):
        st.dataframe(explain.interval_table(kpis, labels, currency), hide_index=True)
        st.caption("Mean [95% interval] over replications; the KPI table download has the "
                   "raw numbers.")
    bands = time_bands(common.with_cumulative_profit(combined), SERIES)
    crossings = explain.crossovers(bands, labels)
    st.subheader("Why: how the outcome came about")
    if len(labels) > 1:
        st.markdown(explain.crossover_text(crossings, labels))
    tabs = st.tabs(["Over time", "Where customers came from", "Funnel"])
    with tabs[0]:
        over_time(bands, labels, crossings)
    with tabs[1]:
        channels(combined, labels)
    with tabs[2]:
        funnel(combined, labels)
    downloads(combined, kpis, texts, labels)


def page() -> None:
    """The compare page: inputs in the sidebar, then results."""
    st.title("Compare scenarios")
    st.markdown("Run word-of-mouth commerce strategies side by side on the same simulated "
                "market and the same random numbers. Choose scenarios and settings in the "
                "sidebar, then press **Run**.")
    problems: list[str] = []
    entries, request = sidebar(problems)
    reason = problems[0] if problems else ("Select at least one scenario." if not entries
                                           else None)
    pressed = st.sidebar.button("Run", type="primary", key="run", width="stretch",
                                disabled=reason is not None,
                                help=None if reason is None else f"Blocked: {reason}")
    for problem in problems:
        st.error(problem)
    if problems:
        st.warning("**Run is blocked** until the problems above are fixed.")
    if not entries:
        st.info("Select at least one scenario (or upload one) to run.")
        return
    descriptions(entries)
    if pressed and request is not None:
        st.session_state["request"] = request
    stored = st.session_state.get("request")
    if stored is None and request is not None and (shipped.offers_compare(request) or (
            request == default_request() and common.scenarios_cached(*request))):
        stored = st.session_state["request"] = request  # shipped, or computed at start
    if stored is None:
        st.info("Press **Run** in the sidebar to simulate the selected scenarios.")
        return
    if request is None:
        st.info("These results are of earlier settings: fix the problems above to run the "
                "new ones.")
    elif request != stored:
        st.info("The settings changed since these results were computed: press **Run** to "
                "update them.")
    show_results(stored)
