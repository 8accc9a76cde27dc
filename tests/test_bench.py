"""``wom bench --quick --json`` on tiny networks: every section is there (no timings
are asserted: performance is shown by the benchmark itself, never by the tests)."""

from __future__ import annotations

import json

import pytest

from sim.bench.peers import MODELS
from sim.bench.scaling import MODELS as SCALED
from sim.cli import main

SIZES = [300, 600]


def test_quick_bench_writes_every_section(tmp_path, capsys):
    out = tmp_path / "bench.json"
    plots = tmp_path / "plots"
    assert main(["bench", "--quick", "--sizes", ",".join(map(str, SIZES)), "--steps", "3",
                 "--json", str(out), "--plots", str(plots)]) == 0
    printed = capsys.readouterr().out
    for heading in ("machine:", "versions:", "fast engine against the reference",
                    "commerce week", "machine limit", "against the machine limit",
                    "commerce week on BA(", "peers:", "scaling:"):
        assert heading in printed
    data = json.loads(out.read_text())
    assert set(data) == {"machine", "plan", "engines", "commerce", "csr_limit",
                         "commerce_dense", "peers", "scaling", "seconds"}
    machine = data["machine"]
    assert machine["cores"] >= 1 and machine["numba_threads"] >= 1
    for name in ("python", "numpy", "numba", "mesa", "wom_sim", "threading_layer"):
        assert isinstance(machine[name], str)
    assert data["plan"]["quick"] and data["plan"]["sizes"] == SIZES
    assert [row["consumers"] for row in data["engines"]] == SIZES
    for row in data["engines"]:
        assert row["directed_edges"] > row["consumers"]
        assert row["medges_per_s"] > 0 and row["ratio_to_reference"] > 0
    assert [row["consumers"] for row in data["commerce"]] == SIZES
    assert all(row["ns_per_edge"] > 0 for row in data["commerce"])
    assert [row["consumers"] for row in data["csr_limit"]] == SIZES
    for row, limit in zip(data["commerce"], data["csr_limit"], strict=True):
        assert row["medges_per_s"] == pytest.approx(1e3 / row["ns_per_edge"])
        assert row["share_of_limit"] == pytest.approx(row["medges_per_s"]
                                                      / limit["medges_per_s"])
    assert all(row["medges_per_s_1thread"] > 0 for row in data["csr_limit"])
    dense = data["commerce_dense"]
    assert dense["consumers"] == max(SIZES) and dense["m"] == 10
    assert dense["directed_edges"] > data["csr_limit"][-1]["directed_edges"]
    assert dense["share_of_limit"] == pytest.approx(dense["medges_per_s"]
                                                    / dense["limit_medges_per_s"])
    for model in MODELS:
        result = data["peers"][model]
        assert result["consumers"] == max(SIZES) and result["seeds"] == 50
        wom = result["wom-sim"]
        assert wom["cascades"] == data["plan"]["cascades"]
        assert {"s_per_cascade", "s_per_cascade_1thread", "cpu_s_per_cascade_1thread"} <= set(wom)
        assert wom["mean"] >= 50 and wom["se"] >= 0
        for peer in ("cynetdiff", "ndlib"):
            row = result[peer]
            if "skipped" in row:
                assert "pip install" in row["skipped"]
            else:
                assert {"s_per_cascade", "cpu_s_per_cascade", "mean", "se", "speedup",
                        "cpu_speedup", "size_difference", "four_se", "sizes_agree"} <= set(row)
    scaling = data["scaling"]
    assert len(scaling["consumers"]) == len(SCALED) * len(SIZES)
    assert len(scaling["edges"]) == len(SCALED) * len(data["plan"]["edge_ms"])
    assert {p["model"] for p in scaling["edges"]} == set(SCALED)
    assert all(p["build_s"] >= 0 and p["time"] > 0 for p in scaling["consumers"])
    assert (plots / "scaling.png").stat().st_size > 10_000
    assert scaling["plot"] == str(plots / "scaling.png")
