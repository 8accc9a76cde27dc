"""Network view: consumers coloured by funnel stage at a chosen week.

Runs one replication of a scenario with :class:`sim.fast.WomModel`, keeping every
consumer's stage after each week; shows at most 400 consumers (the whole network of a
small market, or a connected sample found by breadth-first search from a random node),
placed by networkx's spring layout, with influencers drawn larger and outlined.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, common

SHOWN = 400


def main() -> None:
    st.set_page_config(page_title="wom-sim: network", layout="wide")
    st.title("Network view")
    st.markdown("How a strategy spreads through the social network, week by week. Each dot "
                "is a consumer, each grey line a tie along which word of mouth travels. "
                f"At most {SHOWN} consumers are drawn: the whole market when it is that "
                "small, else a connected sample around a random consumer.")
    shipped = common.shipped_scenarios()
    columns = st.columns(4)
    name = columns[0].selectbox("Scenario", shipped,
                                index=shipped.index("influencer_seeding")
                                if "influencer_seeding" in shipped else 0,
                                key="net:scenario")
    population = common.schema_input("population.size", SHOWN, widget_key="net:population",
                                     container=columns[1], limits=(50, 20_000))
    weeks = common.schema_input("run.steps", 52, widget_key="net:steps",
                                container=columns[2])
    seed = common.schema_input("run.seed", 1, widget_key="net:seed", container=columns[3])
    st.caption("The market defaults to 400 consumers so every one of them is drawn; the "
               "budget and community costs stay those of the scenario file. A larger "
               "market is simulated in full and sampled for the picture.")
    def simulate() -> dict[str, object]:
        scenario = common.with_overrides(
            common.load_shipped(name),
            {"population.size": int(population), "run.steps": int(weeks),
             "run.seed": int(seed), "run.replications": 1},
            source=f"{name} (network view)")
        return common.network_history(common.scenario_text(scenario), SHOWN, int(seed))

    history = common.attempt(simulate, "Simulating one replication...")
    if history is None:
        return

    step = st.slider("Week", 0, int(weeks), min(8, int(weeks)), key="net:week")
    st.altair_chart(charts.network_chart(history, step), width="stretch")
    stages = history["stages"][step]
    counts = pd.Series(np.bincount(stages.astype(np.int64), minlength=len(charts.STAGE_NAMES)),
                       index=charts.STAGE_NAMES, name="consumers shown")
    shown = len(history["nodes"])
    influencers = int(history["influencer"].sum())
    st.caption(f"Week {step}: {shown} of {history['population']:,} consumers shown, "
               f"{influencers} influencer{'s' if influencers != 1 else ''} among them "
               "(large, outlined).")
    st.dataframe(counts.to_frame().T, hide_index=True)


main()
