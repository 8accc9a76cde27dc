"""The memory check: the estimate against real runs, and runs that cannot fit refused.

The estimate of :mod:`sim.memory` is compared with the growth of the peak resident
memory of a fresh process running a mid-size scenario (Linux ``VmHWM``, reset through
``/proc/self/clear_refs`` after the kernels are loaded): it must lie within a factor
of 2. No timing is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim import WomError, load_scenario, run
from sim.memory import check_memory, estimate, expected_ties, size_text
from sim.network import build_network
from sim.network.generators import powerlaw_degrees
from sim.sweep import plan_sweep

from .conftest import ROOT, SCENARIOS, make_scenario

#: Runs ``sim.run`` in a fresh process and prints the growth of its peak resident memory.
MEASURE = """
import json, sys
from sim import load_scenario, run
from sim.memory import estimate

def status(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key))

path, engine, overrides = sys.argv[1], sys.argv[2], sys.argv[3:]
run(load_scenario(path, ["population.size=300", *overrides[1:]]), replications=1, steps=2,
    engine=engine)  # load the kernels and the modules first
scenario = load_scenario(path, overrides)
base = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak to the current resident memory
run(scenario, engine=engine)
print(json.dumps({"measured": status("VmHWM") - base,
                  "estimated": estimate(scenario, engine).total}))
"""

CASES = [
    ("push.toml", "fast", ["population.size=80000", "run.replications=3", "run.steps=4"]),
    ("independent_cascade.toml", "fast", ["population.size=200000", "run.replications=10",
                                          "run.steps=5"]),
    ("linear_threshold.toml", "fast", ["population.size=100000", "run.replications=20",
                                       "run.steps=5", "network.kind=configuration"]),
    ("push.toml", "reference", ["population.size=6000", "run.replications=1",
                                "run.steps=2"]),
]


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(),
                    reason="needs Linux's /proc/self/clear_refs to reset the peak")
@pytest.mark.parametrize(("name", "engine", "overrides"), CASES,
                         ids=[f"{c[0].removesuffix('.toml')}-{c[1]}" for c in CASES])
def test_the_estimate_is_within_a_factor_2_of_a_measured_run(name, engine, overrides):
    done = subprocess.run([sys.executable, "-c", MEASURE, str(SCENARIOS / name), engine,
                           *overrides], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          check=True)
    sizes = json.loads(done.stdout.splitlines()[-1])
    ratio = sizes["estimated"] / sizes["measured"]
    assert 0.5 <= ratio <= 2.0, (sizes, ratio)
    assert sizes["measured"] > 20e6  # large enough that the ratio is not noise


@pytest.mark.parametrize("network", [
    {"kind": "barabasi_albert", "m": 4}, {"kind": "clustered", "m": 3},
    {"kind": "watts_strogatz", "k": 6}, {"kind": "erdos_renyi", "mean_degree": 8},
    {"kind": "erdos_renyi", "edge_probability": 0.01},
    {"kind": "stochastic_block", "blocks": 5, "p_in": 0.05, "p_out": 0.002},
    {"kind": "stochastic_block", "blocks": [1000, 500, 500], "p_in": 0.02, "p_out": 0.001},
    {"kind": "configuration", "exponent": 2.5, "min_degree": 2},
    {"kind": "configuration", "exponent": 2.0, "min_degree": 3},
    {"kind": "complete"}, {"kind": "mixed"},
])
def test_expected_ties_match_built_networks(network):
    """Within 10%, or above by less than half for the configuration model, whose
    repeated ties and self-loops are erased after its stubs (which the estimate counts)
    are paired."""
    sc = make_scenario(population={"size": 2000}, network=network)
    built = build_network(sc).n_edges
    expected = expected_ties(sc)
    if network["kind"] == "configuration":
        degrees = powerlaw_degrees(2000, network["exponent"], network["min_degree"], seed=1)
        assert expected == pytest.approx(degrees.sum(), rel=0.1)
        assert built <= expected <= 1.5 * built
    else:
        assert expected == pytest.approx(built, rel=0.1, abs=1)


def test_a_huge_population_is_refused_before_anything_is_allocated():
    sc = load_scenario(SCENARIOS / "push.toml", ["population.size=1000000000000"])
    need = estimate(sc)
    assert need is not None and need.total > 100e12  # about 1 PB
    with pytest.raises(WomError) as caught:
        run(sc)
    message = str(caught.value)
    assert message.startswith("population.size: a run on 1,000,000,000,000 consumers needs")
    assert size_text(need.total) in message and "is available" in message
    assert "lower population.size or network.m" in message


def test_the_reference_engine_suggests_the_fast_one():
    sc = load_scenario(SCENARIOS / "push.toml", ["population.size=100000000",
                                                  "network.m=1"])
    with pytest.raises(WomError, match=r"\(reference engine\).*use the fast engine"):
        check_memory(sc, "reference")


def test_many_steps_name_the_run_settings():
    sc = load_scenario(SCENARIOS / "bass.toml")
    with pytest.raises(WomError, match=r"^run.steps: .*lower run.steps \(--steps\)"):
        run(sc, steps=10**18, replications=2)
    with pytest.raises(WomError, match=r"^run.replications: "):
        run(sc, steps=3, replications=10**18)


def test_an_edge_list_is_checked_once_read(tmp_path, monkeypatch):
    edges = tmp_path / "e.txt"
    edges.write_text("".join(f"{i} {(i + 1) % 3000}\n" for i in range(3000)))
    sc = make_scenario(population={"size": None}, network={"kind": "file", "path": str(edges)})
    assert estimate(sc) is None  # unknown before the file is read
    assert estimate(sc, network=build_network(sc)).network == 0  # already in memory
    monkeypatch.setattr("sim.memory.available_memory", lambda: 1000)
    with pytest.raises(WomError, match=r"^network.path: a run on the network of .*e.txt "
                                       r"\(3,000 consumers\) needs about .* but 1 KB is available"):
        run(sc)


def test_a_sweep_point_that_cannot_fit_is_refused_when_planned():
    with pytest.raises(WomError, match=r"^sweep point 1 \(population.size=1000000000000\): "
                                       r"population.size: "):
        plan_sweep(SCENARIOS / "bass.toml", ["population.size=1000,1000000000000"])
