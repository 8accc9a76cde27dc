"""Network view: how a strategy spreads through the social network, week by week.

Runs one replication of a scenario (:func:`dashboard.network_view.network_history`) and
draws at most 400 consumers coloured by funnel stage at the chosen week, the ties that
carried word of mouth that week highlighted, beside the whole market's funnel over the
weeks. A Play button steps through the weeks (a fragment that reruns on a timer and
moves the week slider). Influencers are always among the consumers drawn.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, common, network_view

#: Seconds between two weeks while playing.
PLAY_INTERVAL = 1.0


def controls() -> tuple[str, int, int, int]:
    """Scenario, market size, horizon and seed."""
    shipped = common.shipped_scenarios()
    columns = st.columns(4)
    name = columns[0].selectbox("Scenario", shipped,
                                index=shipped.index("influencer_seeding")
                                if "influencer_seeding" in shipped else 0, key="net:scenario")
    population = common.schema_input("population.size", network_view.SHOWN,
                                     widget_key="net:population", container=columns[1],
                                     limits=(50, 20_000))
    weeks = common.schema_input("run.steps", 52, widget_key="net:steps", container=columns[2])
    seed = common.schema_input("run.seed", 1, widget_key="net:seed", container=columns[3])
    return name, int(population), int(weeks), int(seed)


def advance(weeks: int) -> None:
    """While playing, move the week slider one week on (back to 0 after the last) at
    most once per :data:`PLAY_INTERVAL`."""
    if not st.session_state.get("net:play"):
        return
    now = time.monotonic()
    if now - st.session_state.get("net:ticked", 0.0) < 0.8 * PLAY_INTERVAL:
        return
    st.session_state["net:ticked"] = now
    week = int(st.session_state.get("net:week", 0))
    st.session_state["net:week"] = 0 if week >= weeks else week + 1


def week_view(history: dict, weeks: int) -> None:
    """The week slider, the network at that week and the funnel over time."""
    advance(weeks)
    week = st.slider("Week", 0, weeks, key="net:week")
    left, right = st.columns([3, 2])
    left.altair_chart(network_view.network_chart(history, week), width="stretch")
    right.altair_chart(network_view.stage_chart(history, week), width="stretch")
    shown = len(history["nodes"])
    influencers = int(history["influencer"].sum())
    carried = len(network_view.spoken_in(history, week))
    st.caption(f"Week {week}: {shown} of {history['population']:,} consumers drawn, with "
               f"{influencers} of the market's {history['influencers']} influencer"
               f"{'s' if history['influencers'] != 1 else ''} (large, outlined). "
               f"{carried} drawn consumer{'s' if carried != 1 else ''} moved along the funnel "
               "through word of mouth from a drawn neighbour this week (ringed), each over the "
               "highlighted tie it came by.")
    counts = np.bincount(history["stages"][week].astype(np.int64),
                         minlength=len(charts.STAGE_NAMES))
    st.dataframe(pd.DataFrame([counts], columns=charts.STAGE_NAMES,
                              index=["consumers drawn"]))


def main() -> None:
    st.set_page_config(page_title="wom-sim: network", layout="wide")
    st.title("Network view")
    st.markdown(
        "How a strategy spreads through the social network, week by week. Each dot is a "
        "consumer coloured by its funnel stage, each grey line a tie along which word of "
        "mouth travels; the ties that carried it in the shown week are drawn thick. "
        f"At most {network_view.SHOWN} consumers are drawn: the whole market when it is "
        "that small, else every influencer and the consumers around them (then around a "
        "random consumer). Press **Play** to step through the weeks.")
    name, population, weeks, seed = controls()
    st.caption("The market defaults to 400 consumers so every one of them is drawn; the "
               "budget and community costs stay those of the scenario file. A larger "
               "market is simulated in full and sampled for the picture.")

    def simulate() -> dict:
        scenario = common.with_overrides(
            common.load_shipped(name), {"population.size": population, "run.steps": weeks,
                                        "run.seed": seed, "run.replications": 1},
            source=f"{name} (network view)")
        return network_view.network_history(common.scenario_text(scenario),
                                            network_view.SHOWN, seed)

    history = common.attempt(simulate, "Simulating one replication...")
    if history is None:
        return
    if st.session_state.get("net:week", 0) > weeks:
        st.session_state["net:week"] = weeks
    st.session_state.setdefault("net:week", min(8, weeks))
    playing = st.toggle("▶ Play", key="net:play",
                        help=f"Step through the weeks, one every {PLAY_INTERVAL:g} s "
                             "(back to week 0 after the last).")
    st.fragment(week_view, run_every=PLAY_INTERVAL if playing else None)(history, weeks)
    st.caption("The highlighted ties come from the model's event log (docs/events.md): "
               "each word-of-mouth event of the week (becoming aware, considering, buying, "
               "being won back, or lapsing on complaints) names the neighbour whose tie "
               "carried it. Among the neighbours who spoke, the log credits one, drawn in "
               "proportion to the pull of what each said.")


main()
