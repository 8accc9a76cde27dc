"""Equal budgets: every shipped pair of strategies meant to be compared spends within 2%.

Spend is ``cumulative_cost`` at the end (:func:`sim.comparison.spend_summary`). It depends
on the market's prices and mechanisms (fees, rewards, how fast money is used), so rerun
this after changing any of them (``python -m pytest -m slow tests/test_spend.py``) and
match the spends by adjusting levers only (``budget.total``, activity levels or weeks).
"""

from __future__ import annotations

import pytest

import sim
from sim.comparison import SPEND_GAP, spend_summary

from .conftest import SCENARIOS

pytestmark = pytest.mark.slow

#: The shipped comparisons (README, docs/calibration.md): strategies against push and
#: engagement, and the four Altimeter stages against each other.
STAGES = [f"altimeter_stage{k}" for k in range(1, 5)]
PAIRS = [("push", "engagement"), ("push", "over_promotion"), ("engagement", "group_buy"),
         ("push", "group_buy"), ("push", "influencer_seeding"),
         ("engagement", "influencer_seeding"), ("engagement", "loyalty"),
         *[(a, b) for i, a in enumerate(STAGES) for b in STAGES[i + 1:]]]

#: The shipped setup (10,000 consumers, 104 weeks) with 4 replications: the last paid
#: week's overspend on rewards is random, so fewer replications leave too much noise.
REPLICATIONS = 4


@pytest.fixture(scope="module")
def frames() -> dict:
    names = sorted({name for pair in PAIRS for name in pair})
    return {name: sim.run(sim.load_scenario(SCENARIOS / f"{name}.toml"),
                          replications=REPLICATIONS) for name in names}


@pytest.mark.parametrize("pair", PAIRS, ids="-vs-".join)
def test_shipped_pair_spends_within_two_percent(frames, pair):
    summary = spend_summary({name: frames[name] for name in pair})
    spends = {name: round(s["mean"]) for name, s in summary["spend"].items()}
    assert summary["spend_gap"] <= SPEND_GAP, spends
    assert all(55_000 < spend < 62_000 for spend in spends.values()), spends
