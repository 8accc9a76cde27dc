"""Push vs engagement: a lesson page for educators.

Every blend of scenarios/push.toml and scenarios/engagement.toml from 0% to 100% of the
budget on push (:func:`sim.lessons.blend_strategies`, steps of 10%) runs with equal
budgets on common random numbers (:func:`sim.lessons.mix_frontier`); the page draws the
frontier of profit, profit NPV, CLV, NPS or customers against the share, with the mix
chosen on the slider ringed and the best mix starred, and says in words how the chosen
mix compares with the best and with the pure strategies (significant or not, by the one
significance rule). Below: customers and cumulative profit over the weeks with the
crossover weeks, the ad-fatigue curve and a summary. The default results ship with the
code (:mod:`dashboard.shipped`, used when they match the running model); others come
from the disk cache of :mod:`dashboard.lesson`, so moving the slider never reruns the
model.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import background, charts, common, lesson, lesson_charts, shipped, style
from sim.errors import WomError
from sim.lessons import FATIGUE_WEEKS, Frontier, blend_strategies
from sim.metrics import crossover_week, interval, time_bands, winner
from sim.scenario import Scenario, value_of

EARLY_WEEK = 8

INTRO = """
**Push** buys attention: its ads reach every consumer twice a week until the budget runs
out, so consumers hear of the product quickly and many buy early. But every exposure adds
to a consumer's fatigue: a tired consumer responds less to the next ad, and past a point
brand trust itself erodes.

**Engagement** earns trust: after a 20-week launch burst of ads it runs a brand
community, pays a reward for every customer a recommendation brings in and gives members
a lower price. It starts slowly, because word of mouth needs customers to talk, but
friends recommend the product to friends it suits: those customers are more satisfied,
stay longer and buy more often.

Both have **the same budget** and meet the same market with the same random numbers and
networks (paired replications). The slider moves the budget between them; nothing on
this page is drawn by hand.
"""


def settings() -> dict[str, int]:
    """Population, horizon, replications and seed of the lesson (defaults: the
    calibrated market of :data:`dashboard.lesson.DEFAULTS`)."""
    with st.expander("Run settings"):
        st.caption("The defaults reproduce the calibrated market (docs/calibration.md); "
                   "their results ship with wom-sim. Other settings run all 11 "
                   "mixes and the fatigue curve anew (a progress bar shows how far). "
                   "Smaller markets run faster but change the balance: ads cost per "
                   "consumer reached, rewards per customer won.")
        columns = st.columns(4)
        values = {key: common.schema_input(key, default, widget_key=f"lesson:{key}",
                                           container=column)
                  for column, (key, default) in zip(columns, lesson.DEFAULTS.items(),
                                                    strict=True)}
    return {key: int(value) for key, value in values.items()}


def wait_for(request: lesson.LessonRequest) -> lesson.LessonResults | None:
    """The lesson's results, with a progress bar while they are computed (here or by the
    background job of ``wom dashboard``); errors shown as messages."""
    def describe(share: float, text: str) -> str:
        return (f"Simulating the lesson: {text or 'waiting'}; {len(request.shares)} mixes "
                f"and {len(request.frequencies)} ad frequencies x {request.replications} "
                "replications")

    return background.wait(lesson.start(request), lesson.progress_path(request), describe,
                           failure="The lesson's runs failed")


def precomputed(request: lesson.LessonRequest) -> lesson.LessonResults | None:
    """The shipped results of ``request`` (:mod:`dashboard.shipped`) when they exist and
    match the running model, with a note saying so; else None."""
    if not (shipped.offers_lesson(request) and shipped.checked("lesson results")):
        return None
    st.caption(shipped.source_note("lesson results"))
    return shipped.lesson_results()


def frontier_section(frontier: Frontier, share: float, currency: str) -> str:
    """The frontier chart of the chosen metric and the "what to notice" text; returns
    the metric."""
    st.subheader("Which mix pays best?")
    metric = st.radio("Measure", lesson.METRICS, key="lesson:metric", horizontal=True,
                      format_func=style.kpi_label,
                      help="Profit and profit NPV over the run, CLV, NPS and customers at "
                           "the last week; each point is the mean of the paired "
                           "replications with its 95% interval.")
    best = frontier.best(metric)
    columns = st.columns([3, 2])
    if best is None:
        columns[0].info(f"No {style.kpi_label(metric)} to draw: {why_missing(metric)}")
    else:
        columns[0].altair_chart(lesson_charts.frontier_chart(frontier.curve(metric), metric, share,
                                                      best, currency), width="stretch")
    with columns[1]:
        st.markdown("**What to notice**")
        st.markdown(lesson.notice(frontier, metric, share, currency))
    return metric


def why_missing(metric: str) -> str:
    """Why a measure has no value in any run."""
    if metric.startswith("final_clv"):
        return ("lifetime value counts customers who have been customers for a year, so it "
                "needs a horizon of at least 52 weeks (Run settings).")
    return "no run produced a value (see its help)."


def strategies(frontier: Frontier, share: float) -> dict[str, float]:
    """Label -> share of the strategies drawn over time: the two pure ones and the mix."""
    out = {"engagement": 0.0, "push": 1.0}
    if 0 < share < 1:
        out[f"your mix ({share:.0%} push)"] = share
    return out


def over_time(frontier: Frontier, shown: dict[str, float]) -> pd.DataFrame:
    """The runs of the shown strategies with a ``scenario`` label and cumulative profit."""
    parts = [frontier.runs[frontier.runs["share"] == share].assign(scenario=label)
             for label, share in shown.items()]
    return common.with_cumulative_profit(pd.concat(parts, ignore_index=True))


def colours(labels: list[str]) -> dict[str, str]:
    """Push and engagement in their colours everywhere; the mix in the mix colour."""
    pure = style.scenario_colours(["push", "engagement"])
    return {label: pure.get(label, style.MIX_COLOUR) for label in labels}


def crossover(bands: pd.DataFrame, series: str) -> float | None:
    """The week from which engagement stays ahead of push on ``series``."""
    a = bands[(bands["scenario"] == "engagement") & (bands["series"] == series)]
    b = bands[(bands["scenario"] == "push") & (bands["series"] == series)]
    return crossover_week(a["week"], a["mean"], b["mean"])


def crossover_text(week: float | None, what: str, horizon: int) -> str:
    if week is None:
        return f"engagement did not stay ahead of push on {what} within {horizon} weeks"
    if week == 0:
        return f"engagement was never behind push on {what}"
    return f"engagement overtook push on {what} in week {week:.0f} and stayed ahead"


def time_section(combined: pd.DataFrame, labels: list[str],
                 horizon: int) -> tuple[float | None, float | None]:
    """Customers and cumulative profit over the weeks; returns the two crossover weeks."""
    st.subheader("Early conversions vs long-run value")
    bands = time_bands(combined, ["customers", "cumulative_profit"])
    shades = colours(labels)
    weeks = {series: crossover(bands, series) for series in ("customers", "cumulative_profit")}
    columns = st.columns(2)
    for column, series, title, axis in (
            (columns[0], "customers", "Active customers", "customers"),
            (columns[1], "cumulative_profit", "Cumulative profit", "profit")):
        week = weeks[series]
        chart = charts.band_chart(bands[bands["series"] == series], title, axis, labels,
                                  colours=shades, value_format=",.0f")
        rules = charts.crossover_rule(week, f"crossover: week {week:.0f}" if week else "")
        column.altair_chart(alt.layer(chart, *rules) if rules else chart, width="stretch")
    st.markdown(f"- {crossover_text(weeks['customers'], 'active customers', horizon)};\n"
                f"- {crossover_text(weeks['cumulative_profit'], 'cumulative profit', horizon)}.")
    return weeks["customers"], weeks["cumulative_profit"]


def strategy_table(frontier: Frontier, combined: pd.DataFrame, shown: dict[str, float],
                   currency: str) -> pd.DataFrame:
    """Per strategy: customers early and at the end, profit, spend, CLV and NPS (means,
    formatted)."""
    rows = []
    for label, share in shown.items():
        early = combined[(combined["scenario"] == label) & (combined["time"] == EARLY_WEEK)]
        row = {"strategy": label,
               f"customers, week {EARLY_WEEK}": style.count(
                   interval(early["customers"])["mean"] if not early.empty else None)}
        for metric in ("final_customers", "total_profit", "total_cost", "final_clv",
                       "final_nps"):
            mean = float(frontier.curve(metric).set_index("share").loc[share, "mean"]) \
                if metric in frontier.kpis else None
            row[style.kpi_label(metric)] = style.format_kpi(metric, mean, currency)
        rows.append(row)
    return pd.DataFrame(rows)


def fatigue_section(sweep: pd.DataFrame) -> int:
    """The fatigue curve's two charts; returns the frequency that won the most customers."""
    st.subheader("The fatigue curve")
    st.markdown(f"Push without a discount and with unlimited money for {FATIGUE_WEEKS} weeks, "
                "at different ad frequencies. More exposures reach more people at first; "
                "past a point fatigue lowers the response to each ad and erodes brand "
                "trust, which slows every later step of the funnel.")
    rows = [{"frequency": frequency, "measure": name, **interval(block[column])}
            for frequency, block in sweep.groupby("frequency", sort=True)
            for column, name in (("adopted", "ever customers"), ("brand_trust", "brand trust"))]
    curve = pd.DataFrame(rows)
    columns = st.columns(2)
    columns[0].altair_chart(lesson_charts.fatigue_chart(curve, "ever customers",
                                                 f"Ever customers at week {FATIGUE_WEEKS}"),
                            width="stretch")
    columns[1].altair_chart(lesson_charts.fatigue_chart(curve, "brand trust",
                                                 f"Mean brand trust at week {FATIGUE_WEEKS}"),
                            width="stretch")
    reach = curve[curve["measure"] == "ever customers"]
    return int(reach.loc[reach["mean"].idxmax(), "frequency"])


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


def mapping_section(request: lesson.LessonRequest, share: float) -> None:
    push = common.scenario_of_text(request.push, "push")
    engagement = common.scenario_of_text(request.engagement, "engagement")
    with st.expander("How the slider mixes the two strategies"):
        st.markdown(
            "With a share *s* on push, every setting on which the two files differ becomes "
            "*s* x push + (1 - *s*) x engagement (whole numbers rounded). A campaign "
            "length of 0 means the whole run and counts as the horizon. Push runs no "
            "community, so its community numbers count as 0: at *s* = 70% the community "
            "costs 30% of its upkeep and is 30% as active (join rate, dialogue, content). "
            "The ad package's cost follows reach x frequency x price per exposure, and "
            "discounts and referral rewards cost what they pay out. The budgets differ "
            "only so that the spends match, and the mix blends them.")
        st.dataframe(mapping_table(push, engagement, blend_strategies(push, engagement, share)),
                     hide_index=True)


def early_verdict(combined: pd.DataFrame) -> str:
    """Who had more active customers at week EARLY_WEEK, by :func:`sim.metrics.winner`
    on the paired replications: "push", "engagement" or "no clear winner"."""
    early = combined[combined["time"] == EARLY_WEEK]
    return winner(f"week_{EARLY_WEEK}_customers", {
        label: early[early["scenario"] == label].sort_values("replication")["customers"]
        .to_numpy(float) for label in ("push", "engagement")})["verdict"]


def summary(frontier: Frontier, horizon: int, crossings: tuple[float | None, float | None],
            peak: int, early: str, currency: str) -> str:
    """One paragraph from this run's numbers; ``early``: who leads on customers at week
    EARLY_WEEK (:func:`early_verdict`)."""
    def value(metric: str, share: float) -> str:
        curve = frontier.curve(metric).set_index("share")
        return style.format_kpi(metric, curve.loc[share, "mean"], currency)

    lead = (f"**{early}** had clearly more active customers" if early in ("push", "engagement")
            else "neither strategy had clearly more active customers")
    text = f"At week {EARLY_WEEK} {lead} (paired 95% interval of the difference). "
    text += (f"Over {horizon} weeks push made a profit of {value('total_profit', 1.0)} and "
             f"engagement {value('total_profit', 0.0)}, on marketing spends of "
             f"{value('total_cost', 1.0)} and {value('total_cost', 0.0)}. ")
    cross = [f"{what} from week {week:.0f}" for week, what in
             zip(crossings, ("active customers", "cumulative profit"), strict=True)
             if week is not None and week > 0]
    text += ("Engagement stayed ahead on " + " and on ".join(cross) + ". " if cross
             else f"Engagement did not overtake push on both within {horizon} weeks. ")
    best = frontier.best("total_profit")
    if best is not None:
        text += (f"The most profitable mix put {best:.0%} of the budget on push "
                 f"({value('total_profit', best)}). ")
    return text + (f"Without a discount and with unlimited money, push won the most "
                   f"customers in a year at {peak} exposure{'s' if peak != 1 else ''} a week.")


def main() -> None:
    st.set_page_config(page_title="wom-sim: push vs engagement", layout="wide")
    st.title("Push vs engagement")
    st.markdown(INTRO)
    run = settings()
    try:
        request = lesson.request_for(run)
    except WomError as exc:
        st.error(str(exc))
        return
    results = precomputed(request) or wait_for(request)
    if results is None:
        return
    frontier = results.frontier
    currency = common.scenario_of_text(request.push).product.currency
    percent = st.slider("Share of budget on push", 0, 100, 30, step=10, format="%d%%",
                        key="lesson:share",
                        help="0% is scenarios/engagement.toml, 100% scenarios/push.toml; "
                             "in between every setting on which they differ is mixed in "
                             "proportion (see 'How the slider mixes').")
    share = percent / 100
    frontier_section(frontier, share, currency)
    mapping_section(request, share)
    shown = strategies(frontier, share)
    combined = over_time(frontier, shown)
    horizon = run["run.steps"]
    crossings = time_section(combined, list(shown), horizon)
    st.dataframe(strategy_table(frontier, combined, shown, currency), hide_index=True)
    peak = fatigue_section(results.fatigue)
    st.subheader("What happened in this run")
    st.markdown(summary(frontier, horizon, crossings, peak, early_verdict(combined), currency))


main()
