"""Push vs engagement: a lesson page for educators.

Runs scenarios/push.toml, scenarios/engagement.toml and a mix of the two chosen with a
slider (see :func:`sim.lessons.blend_strategies` for the mapping), with equal
budgets, on common random numbers; shows customers and cumulative profit over time with
the crossover weeks, the ad-fatigue curve, and a summary of what happened in this run.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import charts, common
from sim.errors import WomError
from sim.lessons import FATIGUE_WEEKS, blend_strategies, frequency_sweep
from sim.metrics import crossover_week, interval, time_bands, winner
from sim.scenario import Scenario, value_of

FREQUENCIES = (1, 2, 3, 4, 6, 8, 12)
EARLY_WEEK = 8

INTRO = """
**Push** buys attention. It advertises widely and often and cuts the price for the first
half year, so consumers hear of the product quickly and many buy early. But each
exposure adds to a consumer's fatigue: a tired consumer responds less to the next ad, and
past a point brand trust itself erodes. Customers won with a discount also expect it:
once it ends they come back less often.

**Engagement** earns trust. After a short launch burst of ads it runs a brand community
where the brand talks with its customers, pays a reward for every customer a
recommendation brings in, and gives members a lower price. It starts slowly, because word
of mouth needs customers to talk, but friends recommend the product to friends it suits:
those customers are more satisfied, stay longer and buy more often, so engagement wins on
loyalty and lifetime value.

Both strategies have **the same budget** and meet the same market with the same random
numbers (paired replications). Nothing on this page is drawn by hand: every curve is
simulated when you open it or move the slider.
"""


def settings() -> dict[str, int]:
    with st.expander("Run settings"):
        st.caption("The defaults reproduce the calibrated market (docs/calibration.md). "
                   "Smaller markets run faster but change the balance: the community's "
                   "upkeep is a fixed weekly cost, while ads cost per consumer reached.")
        columns = st.columns(4)
        values = {
            "population.size": common.schema_input(
                "population.size", 10_000, widget_key="lesson:population.size",
                container=columns[0]),
            "run.steps": common.schema_input("run.steps", 104, widget_key="lesson:run.steps",
                                             container=columns[1]),
            "run.replications": common.schema_input(
                "run.replications", 5, widget_key="lesson:run.replications",
                container=columns[2]),
            "run.seed": common.schema_input("run.seed", 1, widget_key="lesson:run.seed",
                                            container=columns[3]),
        }
    return {key: int(value) for key, value in values.items()}


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int | float):
        return f"{value:,g}"
    return str(value)


def mapping_table(push: Scenario, engagement: Scenario, mix: Scenario) -> pd.DataFrame:
    """The keys on which the two strategies differ, with the mix's value."""
    rows = []
    for section in ("ads", "promotions", "community", "influencers", "budget"):
        for key in type(getattr(push, section)).model_fields:
            dotted = f"{section}.{key}"
            values = [value_of(sc, dotted) for sc in (engagement, push, mix)]
            if len({repr(v) for v in values}) > 1 or dotted == "budget.total":
                shown = [_show(v) for v in values]
                rows.append({"key": dotted, "engagement (0%)": shown[0],
                             "push (100%)": shown[1], "your mix": shown[2]})
    return pd.DataFrame(rows)


def run_one(scenario: Scenario, label: str, seed: int,
            replications: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    return common.run_scenarios((common.scenario_text(scenario),), (label,), seed,
                                replications)


@st.cache_data(show_spinner=False, max_entries=8)
def fatigue_curve(push_text: str, seed: int, replications: int) -> pd.DataFrame:
    """Ever customers and brand trust at week 52 against ad frequency (push, no discount,
    unlimited budget: :func:`sim.lessons.frequency_sweep`), mean and 95% interval."""
    push = common.scenario_of_text(push_text, "push")
    sweep = frequency_sweep(push, FREQUENCIES, seed=seed, replications=replications)
    rows = []
    for frequency, block in sweep.groupby("frequency", sort=True):
        for column, name in (("adopted", "ever customers"), ("brand_trust", "brand trust")):
            rows.append({"frequency": frequency, "measure": name, **interval(block[column])})
    return pd.DataFrame(rows)


def fatigue_chart(curve: pd.DataFrame, measure: str, title: str) -> alt.LayerChart:
    data = curve[curve["measure"] == measure]
    base = alt.Chart(data).encode(x=alt.X("frequency:Q", title="exposures per week"))
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=measure, scale=alt.Scale(zero=False)),
        tooltip=["frequency:Q", alt.Tooltip("mean:Q", format=",.3f"),
                 alt.Tooltip("ci_low:Q", format=",.3f"),
                 alt.Tooltip("ci_high:Q", format=",.3f")])
    bars = base.mark_errorbar().encode(y=alt.Y("ci_low:Q", title=measure), y2="ci_high:Q")
    return alt.layer(bars, line).properties(title=title, height=240)


def value_at(bands: pd.DataFrame, label: str, series: str, week: float) -> float:
    rows = bands[(bands["scenario"] == label) & (bands["series"] == series)
                 & (bands["week"] <= week)]
    return float(rows.sort_values("week")["mean"].iloc[-1]) if not rows.empty else float("nan")


def crossover_text(week: float | None, what: str, horizon: int) -> str:
    if week is None:
        return f"engagement did not stay ahead of push on {what} within {horizon} weeks"
    if week == 0:
        return f"engagement was never behind push on {what}"
    return f"engagement overtook push on {what} in week {week:.0f} and stayed ahead"


def fatigue_section(push: Scenario, seed: int, reps: int) -> int | None:
    """The fatigue curve's two charts; returns the frequency that won the most customers
    (None if the sweep failed)."""
    st.subheader("The fatigue curve")
    st.markdown(f"Push without its discount and with unlimited money for {FATIGUE_WEEKS} "
                "weeks, at different ad frequencies. More exposures reach more people at "
                "first; past a point fatigue lowers the response to each ad and erodes "
                "brand trust, which slows every later step of the funnel.")
    curve = common.attempt(lambda: fatigue_curve(common.scenario_text(push), seed, reps),
                           "Simulating the ad-frequency sweep...", "The fatigue sweep failed")
    if curve is None:
        return None
    columns = st.columns(2)
    columns[0].altair_chart(fatigue_chart(curve, "ever customers",
                                          f"Ever customers at week {FATIGUE_WEEKS}"),
                            width="stretch")
    columns[1].altair_chart(fatigue_chart(curve, "brand trust",
                                          f"Mean brand trust at week {FATIGUE_WEEKS}"),
                            width="stretch")
    reach = curve[curve["measure"] == "ever customers"]
    return int(reach.loc[reach["mean"].idxmax(), "frequency"])


def strategy_table(kpis: pd.DataFrame, bands: pd.DataFrame, labels: list[str],
                   horizon: int) -> pd.DataFrame:
    """Per strategy: early and final customers, profit, spend, CLV and NPS (means)."""
    table = []
    for label in labels:
        def mean(kpi: str, label: str = label) -> float:
            row = common.kpi_row(kpis, kpi, label)
            return float("nan") if row is None else float(row["mean"])
        table.append({
            "strategy": label,
            f"customers, week {EARLY_WEEK}": value_at(bands, label, "customers", EARLY_WEEK),
            f"customers, week {horizon}": mean("final_customers"),
            "profit": mean("total_profit"), "marketing spend": mean("total_cost"),
            "CLV": mean("final_clv"), "NPS": mean("final_nps"),
        })
    return pd.DataFrame(table)


def main() -> None:
    st.set_page_config(page_title="wom-sim: push vs engagement", layout="wide")
    st.title("Push vs engagement")
    st.markdown(INTRO)
    run = settings()
    share = st.slider("Share of budget on push", 0, 100, 30, step=10, format="%d%%",
                      key="lesson:share",
                      help="0% is scenarios/engagement.toml, 100% scenarios/push.toml; in "
                           "between, every setting on which they differ is mixed in "
                           "proportion (see the table below).")
    try:
        push = common.with_overrides(common.load_shipped("push"), run, source="push.toml")
        engagement = common.with_overrides(common.load_shipped("engagement"), run,
                                           source="engagement.toml")
        mix = blend_strategies(push, engagement, share / 100)
    except WomError as exc:
        st.error(str(exc))
        return

    with st.expander("How the slider mixes the two strategies"):
        st.markdown(
            "With a share *s* on push, every setting on which the two files differ becomes "
            "*s* x push + (1 - *s*) x engagement (whole numbers rounded). A campaign "
            "length of 0 means the whole run and counts as the horizon. Push runs no "
            "community, so its community numbers count as 0: at *s* = 70% the community "
            "costs 30% of its upkeep and is 30% as active (join rate, dialogue, content). "
            "The ad package's cost follows reach x frequency x price per exposure, and "
            "discounts and referral rewards cost what they pay out. The budgets differ "
            "only so that the spends match (engagement's last paid week overspends on "
            "rewards), and the mix blends them.")
        st.dataframe(mapping_table(push, engagement, mix), hide_index=True)

    seed, reps = run["run.seed"], run["run.replications"]
    entries = [("push", push), ("engagement", engagement)]
    mix_label = f"your mix ({share}% push)"
    if 0 < share < 100:
        entries.insert(1, (mix_label, mix))
    results = common.attempt(
        lambda: [run_one(sc, label, seed, reps) for label, sc in entries],
        f"Simulating {len(entries)} strategies x {reps} replications x "
        f"{run['run.steps']} weeks on {run['population.size']:,} consumers...")
    if results is None:
        return
    labels = [label for label, _ in entries]
    combined = common.with_cumulative_profit(pd.concat([r[0] for r in results],
                                                       ignore_index=True))
    kpis = pd.concat([r[1] for r in results], ignore_index=True)
    bands = time_bands(combined, ["customers", "cumulative_profit"])
    horizon = run["run.steps"]

    def crossover(series: str, label: str = "engagement") -> float | None:
        a = bands[(bands["scenario"] == label) & (bands["series"] == series)]
        b = bands[(bands["scenario"] == "push") & (bands["series"] == series)]
        return crossover_week(a["week"], a["mean"], b["mean"])

    st.subheader("Early conversions vs long-run value")
    columns = st.columns(2)
    for column, series, title, axis in (
            (columns[0], "customers", "Active customers", "customers"),
            (columns[1], "cumulative_profit", "Cumulative profit", "profit")):
        week = crossover(series)
        chart = charts.band_chart(bands[bands["series"] == series], title, axis, labels)
        rules = charts.crossover_rule(week, f"crossover: week {week:.0f}" if week else "")
        column.altair_chart(alt.layer(chart, *rules) if rules else chart, width="stretch")
    cross_customers = crossover("customers")
    cross_profit = crossover("cumulative_profit")
    st.markdown(f"- {crossover_text(cross_customers, 'active customers', horizon)};\n"
                f"- {crossover_text(cross_profit, 'cumulative profit', horizon)}.")

    table = strategy_table(kpis, bands, labels, horizon)
    st.dataframe(table, hide_index=True, column_config={
        c: st.column_config.NumberColumn(format="localized") for c in table.columns[1:]})

    peak = fatigue_section(push, seed, reps)
    if peak is None:
        return

    st.subheader("What happened in this run")
    st.markdown(summary(table, labels, mix_label, share, horizon, cross_customers,
                        cross_profit, peak, early_verdict(combined)))


def early_verdict(combined: pd.DataFrame) -> str:
    """Who had more active customers at week EARLY_WEEK, by :func:`sim.metrics.winner`
    on the paired replications: "push", "engagement" or "no clear winner"."""
    early = combined[combined["time"] == EARLY_WEEK]
    return winner(f"week_{EARLY_WEEK}_customers", {
        label: early[early["scenario"] == label].sort_values("replication")["customers"]
        .to_numpy(float) for label in ("push", "engagement")})["verdict"]


def summary(table: pd.DataFrame, labels: list[str], mix_label: str, share: int,
            horizon: int, cross_customers: float | None, cross_profit: float | None,
            peak: int, early_verdict: str) -> str:
    """One paragraph from this run's numbers; ``early_verdict``: who leads on customers
    at week EARLY_WEEK by :func:`sim.metrics.winner` (a label or "no clear winner")."""
    rows = table.set_index("strategy")
    early = f"customers, week {EARLY_WEEK}"

    def num(label: str, column: str, decimals: int = 0) -> str:
        value = rows.loc[label, column]
        return "n/a" if pd.isna(value) else f"{value:,.{decimals}f}"

    lead = (f"**{early_verdict}** had clearly more active customers"
            if early_verdict in ("push", "engagement")
            else "neither strategy had clearly more active customers")
    text = (f"At week {EARLY_WEEK} {lead} ({num('push', early, 1)} for push, "
            f"{num('engagement', early, 1)} for engagement; paired 95% CI of the "
            "difference). ")
    text += (f"Over {horizon} weeks push made a profit of {num('push', 'profit')} and "
             f"engagement {num('engagement', 'profit')}, on marketing spends of "
             f"{num('push', 'marketing spend')} and {num('engagement', 'marketing spend')}; "
             f"lifetime value was {num('push', 'CLV', 1)} for push and "
             f"{num('engagement', 'CLV', 1)} for engagement, NPS {num('push', 'NPS', 1)} "
             f"and {num('engagement', 'NPS', 1)}. ")
    crossings = []
    if cross_customers is not None and cross_customers > 0:
        crossings.append(f"active customers from week {cross_customers:.0f}")
    if cross_profit is not None and cross_profit > 0:
        crossings.append(f"cumulative profit from week {cross_profit:.0f}")
    text += ("Engagement stayed ahead on " + " and on ".join(crossings) + ". "
             if crossings else f"Engagement did not overtake push within {horizon} weeks. ")
    if mix_label in rows.index:
        text += (f"Your mix with {share}% on push ended with a profit of "
                 f"{num(mix_label, 'profit')} and {num(mix_label, f'customers, week {horizon}')}"
                 " active customers. ")
    text += (f"Without a discount and with unlimited money, push won the most customers in "
             f"a year at {peak} exposure{'s' if peak != 1 else ''} a week.")
    return text


main()
