"""Sweeps keep their data safe: unwritable directories are refused before any run, corrupt
parts are found (on resume and on loading), and a killed sweep leaves no process behind."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import WomError
from sim.memory import workers_that_fit
from sim.sweep import executors, load_sweep, plan_sweep, run_sweep
from sim.sweep.store import INDEX

from .conftest import ROOT, SCENARIOS

BASS = str(SCENARIOS / "bass.toml")


def small_plan():
    """Two points x 2 replications of a small Bass market."""
    return plan_sweep(BASS, ["diffusion.q=0.2,0.4"], replications=2, steps=6, seed=3,
                      overrides=["population.size=300"])


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """A finished sweep (copy its parts before changing them)."""
    out = tmp_path_factory.mktemp("whole") / "sweep"
    run_sweep(small_plan(), out, workers=1)
    return out


def copy_sweep(source: Path, target: Path) -> Path:
    (target / "parts").mkdir(parents=True)
    for path in source.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            (target / path.relative_to(source)).write_bytes(path.read_bytes())
    return target


def flip(path: Path, offset: int) -> None:
    """Invert one byte of a file in place (the size stays)."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_workers_that_fit_take_the_largest_points_together():
    assert workers_that_fit([5, 1, 4, 2], 3, free=10) == 2  # 5 + 4 fit, 5 + 4 + 2 do not
    assert workers_that_fit([5, 1, 4, 2], 3, free=11) == 3
    assert workers_that_fit([50, 1], 2, free=10) == 1  # one worker even when none fits
    assert workers_that_fit([1, 1], 8, free=100) == 2  # no more workers than points


def test_a_sweep_runs_fewer_workers_when_they_would_not_fit(tmp_path, capsys, monkeypatch):
    """Two workers whose points would not fit at once run one at a time, with a note."""
    monkeypatch.setattr(executors, "available_memory", lambda: 1)  # the runs still fit
    result = run_sweep(small_plan(), tmp_path / "sweep", workers=2)
    assert (result.workers, result.executor) == (1, "in-process")
    note = capsys.readouterr().err
    assert "2 workers could need" in note and "running 1 at a time" in note
    assert len(load_sweep(tmp_path / "sweep")) == 2 * 2 * 7  # points x reps x steps + 1


# ---------------------------------------------------------------------------
# Part records and corrupt parts
# ---------------------------------------------------------------------------


def records(out: Path) -> dict[str, dict]:
    """The part records of a sweep (the last record of a part counts)."""
    lines = (out / INDEX).read_text().splitlines()
    return {item["part"]: item for item in map(json.loads, lines)}


def test_every_part_is_recorded_with_its_size_and_checksum(whole):
    index = records(whole)
    parts = sorted((whole / "parts").iterdir())
    assert sorted(index) == [p.name for p in parts] and len(parts) == 4
    for part in parts:
        data = part.read_bytes()
        assert index[part.name]["bytes"] == len(data)
        assert index[part.name]["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:100]), "100 bytes, "),
        (lambda p: flip(p, p.stat().st_size // 2), "SHA-256 differs"),
        (lambda p: flip(p, p.stat().st_size - 10), "SHA-256 differs"),
    ],
    ids=["truncated", "middle", "footer"],
)
def test_a_corrupt_part_is_named_on_loading_and_rerun_on_resume(tmp_path, capsys, whole,
                                                                 damage, why):
    out = copy_sweep(whole, tmp_path / "s")
    damage(out / "parts" / "p000001_r0000.parquet")
    with pytest.raises(WomError) as info:
        load_sweep(out)
    message = str(info.value)
    assert "1 corrupt part: p000001_r0000.parquet (" in message and why in message
    assert "run the sweep again with --resume" in message
    result = run_sweep(small_plan(), out, workers=1, resume=True)
    assert (result.skipped_points, result.done_runs, result.repaired) == (1, 2, 1)
    err = capsys.readouterr().err
    assert "1 part of finished runs corrupt or missing, running 1 point again" in err
    assert "p000001_r0000.parquet" in err
    pd.testing.assert_frame_equal(load_sweep(out), load_sweep(whole))


def test_a_deleted_part_is_reported_and_rerun(tmp_path, capsys, whole):
    out = copy_sweep(whole, tmp_path / "s")
    (out / "parts" / "p000000_r0001.parquet").unlink()
    result = run_sweep(small_plan(), out, workers=1)
    assert (result.done_runs, result.repaired) == (2, 1)
    assert "p000000_r0001.parquet (missing)" in capsys.readouterr().err
    pd.testing.assert_frame_equal(load_sweep(out), load_sweep(whole))


def test_a_sweep_without_records_is_checked_by_reading_its_parts(tmp_path, whole):
    """Older sweeps have no part records: their parts are read in full instead."""
    out = copy_sweep(whole, tmp_path / "s")
    (out / INDEX).unlink()
    pd.testing.assert_frame_equal(load_sweep(out), load_sweep(whole))
    part = out / "parts" / "p000000_r0000.parquet"
    part.write_bytes(part.read_bytes()[:-20])
    with pytest.raises(WomError, match=r"p000000_r0000.parquet \(not a readable Parquet"):
        load_sweep(out)
    result = run_sweep(small_plan(), out, workers=1)
    assert (result.skipped_points, result.repaired) == (1, 1)
    assert records(out) == records(whole)  # recorded again, the same bytes
    pd.testing.assert_frame_equal(load_sweep(out), load_sweep(whole))


def test_a_torn_last_record_is_ignored(tmp_path, whole):
    """A sweep killed while appending a record: the part is read in full instead."""
    out = copy_sweep(whole, tmp_path / "s")
    with open(out / INDEX, "a") as fh:
        fh.write('{"part": "p000001_r0001.parquet", "by')
    pd.testing.assert_frame_equal(load_sweep(out), load_sweep(whole))
    result = run_sweep(small_plan(), out, workers=1)
    assert (result.done_runs, result.repaired) == (0, 0)
    assert all(json.loads(line) for line in (out / INDEX).read_text().splitlines())


# ---------------------------------------------------------------------------
# Directories that cannot be written
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("/sys/wom_sweep", "--out /sys/wom_sweep: cannot write in /sys"),
        ("/proc/wom_sweep", "--out /proc/wom_sweep: cannot write in /proc"),
        ("FILE/sub", "FILE/sub: cannot create it: "),
        ("FILE", "FILE: exists and is not a directory"),
    ],
)
def test_an_unwritable_out_is_refused_before_any_run(tmp_path, where, expected):
    if where.startswith("/") and not Path(where).parent.is_dir():
        pytest.skip(f"no {Path(where).parent}")
    (tmp_path / "FILE").write_text("mine")
    file = str(tmp_path / "FILE")
    with pytest.raises(WomError) as info:
        run_sweep(small_plan(), where.replace("FILE", file), workers=1)
    assert expected.replace("FILE", file) in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FILE"]
    assert (tmp_path / "FILE").read_text() == "mine"


def test_an_immutable_directory_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i does not work here")
    try:
        with pytest.raises(WomError, match=r"--out .*locked: cannot write in .*locked \("):
            run_sweep(small_plan(), folder, workers=1)
        assert not list(folder.iterdir())
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


# ---------------------------------------------------------------------------
# Killing a sweep on local processes
# ---------------------------------------------------------------------------


def session_alive(sid: int) -> list[int]:
    """Processes of session ``sid`` that still run (zombies are dead), from /proc."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _, _, session = stat[stat.rindex(")") + 2:].split()[:4]
        if int(session) == sid and state not in "ZX":
            alive.append(int(entry.name))
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_local_sweep_leaves_no_process_behind(tmp_path, sig):
    out = tmp_path / "killed"
    argv = [sys.executable, "-m", "sim.cli", "sweep", BASS, "--param",
            "diffusion.q=0.1:0.5:400", "--param", "diffusion.p=0.01,0.02", "--set",
            "population.size=3000", "--steps", "30", "--replications", "2", "--workers", "2",
            "--quiet", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = tmp_path / "stderr.txt"
    with open(log, "wb") as err:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        # main, resource tracker, fork server and two workers, the workers writing parts
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(session_alive(proc.pid)) < 5:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.05)
        parts = len(list((out / "parts").glob("*.parquet")))
        while time.monotonic() < deadline and \
                len(list((out / "parts").glob("*.parquet"))) < parts + 2:
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep ended before it could be killed"
        os.kill(proc.pid, sig)
        killed = time.monotonic()
        proc.wait(timeout=5)
        while session_alive(proc.pid) and time.monotonic() < killed + 5:
            time.sleep(0.05)
        assert not session_alive(proc.pid), "processes of the sweep outlived it by 5 s"
        written = sorted((out / "parts").iterdir())
        time.sleep(1)
        assert sorted((out / "parts").iterdir()) == written
        if sig == signal.SIGTERM:
            err = log.read_text()
            assert proc.returncode == 128 + signal.SIGTERM, err
            assert "Traceback" not in err
            assert "wom: terminated; the finished runs are kept in" in err
    finally:
        if session_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
