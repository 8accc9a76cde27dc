"""The ``wom`` command line: run, outputs with provenance, and clear errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli import main

from .conftest import SCENARIOS


def test_run_prints_summary_and_writes_parquet(tmp_path, capsys):
    out = tmp_path / "res" / "bass.parquet"
    code = main(["run", str(SCENARIOS / "bass.toml"), "--replications", "3", "--steps", "12",
                 "--seed", "4", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "adopted" in printed and "seed 4" in printed
    frame = pd.read_parquet(out)
    assert list(frame.columns[:6]) == ["replication", "step", "time", "seed", "population",
                                       "adopted"]
    assert len(frame) == 3 * 13 and (frame["seed"] == 4).all()
    assert frame.attrs["seed"] == 4 and frame.attrs["scenario"]["run"]["steps"] == 12
    assert frame.attrs["wom_sim_version"]
    assert not list(out.parent.glob(".*tmp"))


def test_csv_output_has_a_provenance_sidecar(tmp_path):
    out = tmp_path / "ic.csv"
    assert main(["run", str(SCENARIOS / "independent_cascade.toml"), "--replications", "2",
                 "--set", "population.size=500", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    meta = json.loads((tmp_path / "ic.csv.json").read_text())
    assert meta["scenario"]["population"]["size"] == 500
    assert frame["population"].eq(500).all()
    assert frame.loc[frame["step"] == 0, "adopted"].eq(10).all()


def test_reference_engine_from_the_cli(tmp_path):
    fast, ref = tmp_path / "f.csv", tmp_path / "r.csv"
    common = ["run", str(SCENARIOS / "linear_threshold.toml"), "--set", "population.size=300",
              "--replications", "2", "--steps", "10"]
    assert main([*common, "--out", str(fast)]) == 0
    assert main([*common, "--engine", "reference", "--threads", "1", "--out", str(ref)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(fast), pd.read_csv(ref))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "missing.toml"], "missing.toml: no such scenario file"),
        (["run", str(SCENARIOS / "bass.toml"), "--set", "diffusion.p=-1"],
         "--set diffusion.p: Input should be greater than or equal to 0"),
        (["run", str(SCENARIOS / "bass.toml"), "--set", "diffusion.colour=1"],
         "diffusion.colour: unknown key"),
        (["run", str(SCENARIOS / "bass.toml"), "--out", "x.xlsx"], "expected a .parquet or"),
        (["run", str(SCENARIOS / "independent_cascade.toml"), "--set", "network.kind=mixed"],
         "network.kind 'mixed' has none"),
        (["run", str(SCENARIOS / "bass.toml"), "--set", "network.kind=file",
          "--set", "network.path=nowhere.txt"], "nowhere.txt: no such file"),
        (["run", str(SCENARIOS / "bass.toml"), "--set", "seeding.count=20000"],
         "seeding.count: 20000 seeds"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(args, expected, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_malformed_edge_line_names_file_and_line(tmp_path, capsys):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n2 x 3 4\n")
    assert main(["run", str(SCENARIOS / "independent_cascade.toml"), "--set",
                 "network.kind=file", "--set", f"network.path={edges}",
                 "--set", "seeding.count=1"]) == 2
    err = capsys.readouterr().err
    assert "edges.txt" in err and "line 3" in err


def test_argparse_errors_exit_2():
    with pytest.raises(SystemExit) as info:
        main(["run", str(SCENARIOS / "bass.toml"), "--engine", "turbo"])
    assert info.value.code == 2


def test_keys_lists_the_schema(capsys):
    assert main(["keys"]) == 0
    assert "seeding.strategy" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("wom") is None, reason="console script not installed")
def test_console_script_exit_code():
    proc = subprocess.run(["wom", "run", "does-not-exist.toml"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "wom: error: does-not-exist.toml: no such scenario file"
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "keys"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0
