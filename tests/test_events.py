"""The event log: both engines write the same rows, the rows add up to the table, and the
sources of word of mouth are drawn from the ties that talked, in proportion to their pull."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim import WomError, cascade_tree, generations, load_scenario, run
from sim.commerce.events import EVENT_NAMES, LOG_CHANNELS
from sim.commerce.state import CHANNEL_NAMES, INFLUENCER_BIT, TALK_MASK, Talk
from sim.fast import WomModel
from sim.network import build_network

from .conftest import SCENARIOS, make_scenario

SMALL = ["population.size=400", "run.steps=40", "run.replications=2"]


def signed_scenario(tmp_path, steps: int = 40):
    """A commerce market on a weighted edge list with distrust ties (negative weights),
    influencers, a community and every promotion."""
    rng = np.random.default_rng(5)
    rows = ["source,target,weight"]
    for i in range(300):
        for k in rng.choice(np.arange(1, 300), size=5, replace=False):
            w = rng.choice([-1.0, -0.4, 0.3, 0.7, 1.0, 2.5])
            rows.append(f"{i},{(i + k) % 300},{w}")
    edges = tmp_path / "signed.csv"
    edges.write_text("\n".join(rows) + "\n")
    return make_scenario(
        population={"size": None}, diffusion={"model": "commerce"},
        network={"kind": "file", "path": str(edges)}, run={"steps": steps, "replications": 2},
        ads={"reach": 0.2, "frequency": 1}, community={"enabled": True},
        influencers={"strategy": "degree", "count": 4}, seeding={"count": 10},
        promotions={"discount": 0.1, "referral_reward": 5, "checkin_reward": 1},
        wom={"beta": 0.4, "talk_rate": 0.5, "negative_talk": 0.5})


@pytest.mark.parametrize("name", ["push", "engagement"])
def test_engines_write_identical_logs(name):
    sc = load_scenario(SCENARIOS / f"{name}.toml", SMALL)
    fast, fast_log = run(sc, seed=4, events=True)
    reference, reference_log = run(sc, seed=4, engine="reference", events=True)
    assert_frame_equal(fast_log, reference_log)
    assert_frame_equal(fast, reference)
    assert_frame_equal(fast, run(sc, seed=4))  # keeping the log changes nothing else
    one_thread = run(sc, seed=4, threads=1, events=True)[1]
    assert_frame_equal(fast_log, one_thread)
    second = run(sc, seed=4, replications=1, first_replication=1, events=True)[1]
    assert_frame_equal(fast_log[fast_log["replication"] == 1].reset_index(drop=True), second)
    assert (fast_log["channel"] == "peer").sum() > 20
    assert fast_log.attrs == fast.attrs and fast_log.attrs["seed"] == 4


def test_engines_write_identical_logs_on_signed_weighted_ties(tmp_path):
    sc = signed_scenario(tmp_path)
    fast, fast_log = run(sc, seed=2, events=True)
    reference, reference_log = run(sc, seed=2, engine="reference", events=True)
    assert_frame_equal(fast_log, reference_log)
    assert_frame_equal(fast, reference)
    kinds = set(fast_log["event"].astype(str))
    assert kinds == set(EVENT_NAMES), kinds
    churn_by_complaint = (fast_log["event"] == "churn") & (fast_log["source"] >= 0)
    assert churn_by_complaint.any()


def test_log_dtypes_and_order():
    sc = load_scenario(SCENARIOS / "engagement.toml", SMALL)
    _, log = run(sc, seed=1, events=True)
    assert list(log.columns) == ["replication", "step", "consumer", "event", "channel",
                                 "source"]
    assert [str(t) for t in log.dtypes] == ["int32", "int32", "int32", "category", "category",
                                            "int32"]
    assert list(log["event"].cat.categories) == list(EVENT_NAMES)
    assert list(log["channel"].cat.categories) == list(LOG_CHANNELS)
    keys = log[["replication", "step", "consumer"]]
    assert not keys.duplicated().any()  # at most one funnel event per consumer and week
    assert keys.equals(keys.sort_values(["replication", "step", "consumer"]))


def test_events_add_up_to_the_table(tmp_path):
    """Each flow column counts its events, and the purchases' channels are the customers'
    acquisition channels (community content is part of the peer channel)."""
    sc = signed_scenario(tmp_path, steps=30)
    frame, log = run(sc, seed=3, events=True)
    counts = log.groupby(["replication", "step", "event"], observed=False).size().unstack()
    flows = frame.set_index(["replication", "step"])
    for event, column in (("purchase", "new_customers"), ("repeat", "repeat_purchases"),
                          ("churn", "churned"), ("win-back", "won_back")):
        got = counts[event].reindex(flows.index, fill_value=0).drop(0, level="step")
        np.testing.assert_array_equal(got.to_numpy(), flows[column].drop(0, level="step"))
    buyers = log[log["event"] == "purchase"].replace({"channel": {"community": "peer"}})
    last = frame[frame["step"] == 30].set_index("replication")
    for name in CHANNEL_NAMES:
        won = (buyers["channel"] == name).groupby(buyers["replication"]).sum()
        np.testing.assert_array_equal(won.reindex(last.index, fill_value=0),
                                      last[f"customers_{name}"], err_msg=name)


def star_scenario(tmp_path, weights: tuple[float, ...]):
    """Consumer 0 listens to seeds 1..k, who recommend every week; nothing else moves it."""
    edges = tmp_path / "star.csv"
    edges.write_text("source,target,weight\n" + "".join(
        f"{j + 1},0,{w}\n" for j, w in enumerate(weights)))
    return make_scenario(
        population={"size": None}, diffusion={"model": "commerce"},
        network={"kind": "file", "path": str(edges)}, run={"steps": 1, "replications": 4000},
        seeding={"strategy": "nodes", "nodes": list(range(1, len(weights) + 1))},
        product={"quality": 1.0, "fit_penalty": 0.0, "satisfaction_noise": 0.0},
        consumers={"discovery": 0.0, "peer_trust": 0.8, "trust_spread": 0.0},
        wom={"beta": 0.5, "talk_rate": 1.0})


def test_sources_are_drawn_in_proportion_to_their_pull(tmp_path):
    """Three friends pull consumer 0 with beta * |w| * trust; the friend named as the
    source of its awareness is drawn with chance w / sum(w) (4,000 replications)."""
    weights = (1.0, 0.5, 0.25)
    _, log = run(star_scenario(tmp_path, weights), seed=11, events=True)
    aware = log[(log["event"] == "aware") & (log["consumer"] == 0)]
    assert (aware["channel"] == "peer").all()
    n = len(aware)
    pulls = [0.5 * w * 0.8 for w in weights]
    assert n == pytest.approx(4000 * (1 - math.prod(1 - x for x in pulls)), abs=4 * 31)
    for node, w in enumerate(weights, start=1):
        share = w / sum(weights)
        se = math.sqrt(share * (1 - share) / n)  # binomial standard error of the share
        assert (aware["source"] == node).mean() == pytest.approx(share, abs=4 * se)


def _talked(sig: int, w: float, sponsoring: bool, event: str, channel: str) -> bool:
    """Whether a source with this week's signal byte ``sig`` on a tie of weight ``w``
    carried a message of the event's kind (docs/model.md 3.4)."""
    said = sig & TALK_MASK
    influencer = (sig >> INFLUENCER_BIT) & 1 == 1
    positive = said != Talk.SILENT and (said == Talk.POSITIVE) == (w >= 0)
    negative = said != Talk.SILENT and (said == Talk.POSITIVE) != (w >= 0)
    if event == "churn":
        return negative or (influencer and sponsoring and w < 0)
    if channel == "influencer":
        return influencer and (positive or (sponsoring and w >= 0))
    return not influencer and positive


def test_every_source_is_a_neighbour_that_talked(tmp_path):
    """A source is a tie of the consumer that carried such a message that week, or, for a
    move credited to the awareness touch, the source of the consumer's last aware event."""
    sc = signed_scenario(tmp_path, steps=30)
    net = build_network(sc)
    model = WomModel(sc, network=net, events=True)
    talk, sponsoring = {}, {}
    for _ in range(30):
        model.step()
        talk[model.time_step] = model.state.signal.copy()
        sponsoring[model.time_step] = model.brand.plan.influencers.copy()
    log = model.events_table()
    carried = log[log["source"] >= 0]
    current = inherited = 0
    for row in carried.itertuples():
        ties = slice(net.indptr[row.consumer], net.indptr[row.consumer + 1])
        position = np.flatnonzero(net.indices[ties] == row.source)
        assert position.size == 1, row  # an in-neighbour (no parallel ties here)
        w = float(net.weights[ties][position[0]])
        sig = int(talk[row.step][row.replication, row.source])
        if _talked(sig, w, bool(sponsoring[row.step][row.replication]), row.event,
                   row.channel):
            current += 1
            continue
        before = log[(log["replication"] == row.replication) & (log["consumer"] == row.consumer)
                     & (log["event"] == "aware") & (log["step"] < row.step)].iloc[-1]
        assert row.event in ("considering", "purchase"), row
        assert (before["source"], before["channel"]) == (row.source, row.channel), row
        inherited += 1
    assert current > 100 and inherited > 5


def test_presets_keep_no_event_log():
    sc = load_scenario(SCENARIOS / "bass.toml", ["population.size=100", "run.steps=2"])
    with pytest.raises(WomError, match="events: the event log is kept for the commerce model"):
        run(sc, events=True)


def test_cascade_tree_of_a_hand_made_log():
    log = pd.DataFrame({
        "replication": [0, 0, 0, 0, 0, 0, 0, 1],
        "step": [0, 1, 2, 2, 3, 3, 4, 1],
        "consumer": [1, 2, 2, 3, 4, 5, 6, 9],
        "event": ["purchase", "aware", "purchase", "purchase", "purchase", "repeat",
                  "purchase", "purchase"],
        "channel": ["seed", "peer", "peer", "ad", "peer", "peer", "influencer", "ad"],
        "source": [-1, 1, 1, -1, 2, 1, 7, -1],
    })
    tree = cascade_tree(log, replication=0)
    assert set(tree.edges) == {(1, 2), (2, 4), (7, 6)}
    assert set(tree.nodes) == {1, 2, 3, 4, 6, 7}
    assert tree.nodes[4] == {"step": 3, "channel": "peer"}
    assert tree.nodes[7] == {"step": None, "channel": None}  # an influencer who never bought
    assert generations(tree).to_dict() == {1: 0, 2: 1, 3: 0, 4: 2, 6: 1}
    with pytest.raises(WomError, match="no event of replication 2"):
        cascade_tree(log, replication=2)


def test_cascade_tree_of_a_run_is_a_forest():
    sc = load_scenario(SCENARIOS / "engagement.toml", ["population.size=1000", "run.steps=52",
                                                       "run.replications=1"])
    frame, log = run(sc, seed=2, events=True)
    tree = cascade_tree(log, replication=0)
    assert nx.is_branching(tree)  # in-degree <= 1 and no cycle
    for source, consumer in tree.edges:
        if tree.nodes[source]["step"] is not None:
            assert tree.nodes[source]["step"] < tree.nodes[consumer]["step"]
    gen = generations(tree)
    assert len(gen) == frame["adopted"].iloc[-1]
    assert gen.max() >= 2
    assert (gen == 0).sum() == sum(1 for n in gen.index if tree.in_degree(n) == 0)


def test_wom_run_writes_the_log_with_its_provenance(tmp_path, capsys):
    from sim.cli import main

    out, events = tmp_path / "run.parquet", tmp_path / "logs" / "events.parquet"
    assert main(["run", str(SCENARIOS / "push.toml"), "--set", "population.size=300",
                 "--steps", "20", "--replications", "2", "--seed", "6", "--quiet",
                 "--out", str(out), "--events", str(events)]) == 0
    log = pd.read_parquet(events)
    assert f"events        {len(log):,} rows, wrote {events}" in capsys.readouterr().out
    assert log.attrs["seed"] == 6 and log.attrs["scenario"]["run"]["steps"] == 20
    assert log.attrs["wom_sim_version"] and log.attrs["engine"] == "fast"
    assert isinstance(log["event"].dtype, pd.CategoricalDtype)
    sc = load_scenario(SCENARIOS / "push.toml", ["population.size=300", "run.steps=20",
                                                 "run.replications=2"])
    assert_frame_equal(log, run(sc, seed=6, events=True)[1], check_like=False,
                       check_categorical=True, check_flags=False)
    assert not list(tmp_path.rglob(".*tmp"))


def test_the_example_of_docs_events_md_prints_what_it_shows(monkeypatch, capsys):
    text = (SCENARIOS.parent / "docs" / "events.md").read_text()
    code = text.split("```python\n")[-1].split("```")[0]
    shown = text.split("```text\n")[-1].split("```")[0]
    monkeypatch.chdir(SCENARIOS.parent)
    exec(compile(code, "docs/events.md", "exec"), {})
    printed = capsys.readouterr().out
    assert [line.rstrip() for line in printed.splitlines()] == shown.splitlines()
