"""Progress on stderr: a tqdm bar on a terminal, a line every few seconds otherwise.

The commands run as subprocesses with stderr piped (no terminal) and the interval
shortened through ``WOM_PROGRESS_INTERVAL``, so lines appear in a short run.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time

import pytest

import sim
import sim.validate
from sim import WomError
from sim.experiment import with_resampling
from sim.progress import INTERVAL_VARIABLE, progress_bar
from sim.validate import make_plan, run_checks

from .conftest import ROOT, SCENARIOS

LINE = re.compile(r"^run bass: (\d+)/(\d+) steps, \d\d:\d\d elapsed, ETA (\d\d:\d\d|\?)$",
                  re.MULTILINE)
SMALL = ["--set", "population.size=300", "--replications", "2", "--steps", "4"]


def wom(*args: str, interval: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, INTERVAL_VARIABLE: interval}
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=600, check=False)


def test_run_without_a_terminal_prints_progress_lines():
    done = wom("run", str(SCENARIOS / "bass.toml"), *SMALL)
    assert done.returncode == 0, done.stderr
    lines = LINE.findall(done.stderr)
    assert lines and lines[-1][:2] == ("4", "4")
    assert "\r" not in done.stderr


def test_quiet_prints_no_progress():
    done = wom("run", str(SCENARIOS / "bass.toml"), *SMALL, "--quiet")
    assert done.returncode == 0, done.stderr
    assert not LINE.search(done.stderr) and "steps," not in done.stderr


def test_a_short_run_at_the_default_interval_prints_no_line():
    done = wom("run", str(SCENARIOS / "bass.toml"), *SMALL, interval="10")
    assert done.returncode == 0, done.stderr
    assert "steps," not in done.stderr


def test_sweep_without_a_terminal_prints_progress_lines(tmp_path):
    done = wom("sweep", str(SCENARIOS / "bass.toml"), "--param", "diffusion.q=0.1,0.2",
               "--replications", "1", "--steps", "2", "--set", "population.size=200",
               "--workers", "1", "--out", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    assert re.search(r"^sweep: 2/2 points, \d\d:\d\d elapsed", done.stderr, re.MULTILINE)


def test_a_bad_interval_names_the_variable():
    done = wom("run", str(SCENARIOS / "bass.toml"), *SMALL, interval="soon")
    assert done.returncode == 2
    assert f"wom: error: {INTERVAL_VARIABLE}: expected a number of seconds" in done.stderr
    assert "Traceback" not in done.stderr


def _fake_part(plan):
    time.sleep(0.01)
    return []


def test_validate_reports_its_parts(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sim.validate, "PARTS", (_fake_part, _fake_part, _fake_part))
    monkeypatch.setenv(INTERVAL_VARIABLE, "0")
    assert run_checks(make_plan(True, 2, tmp_path / "r.md")) == []
    err = capsys.readouterr().err
    assert re.search(r"^validate: 3/3 parts, \d\d:\d\d elapsed", err, re.MULTILINE), err
    run_checks(make_plan(True, 2, tmp_path / "r.md", quiet=True))
    assert capsys.readouterr().err == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_redrawn_bar():
    screen = Terminal()
    with progress_bar(3, desc="run x", unit="step", stream=screen) as bar:
        bar.update(3)
    assert "\r" in screen.getvalue() and "3/3" in screen.getvalue()


@pytest.mark.parametrize("stream", [Terminal(), io.StringIO()], ids=["terminal", "pipe"])
def test_disabled_bars_print_nothing(stream, monkeypatch):
    monkeypatch.setenv(INTERVAL_VARIABLE, "0")
    with progress_bar(3, desc="run x", unit="step", enabled=False, stream=stream) as bar:
        bar.update(3)
    assert stream.getvalue() == ""


def test_the_interval_must_be_seconds(monkeypatch):
    monkeypatch.setenv(INTERVAL_VARIABLE, "-1")
    with pytest.raises(WomError, match=INTERVAL_VARIABLE):
        progress_bar(3, desc="run x", unit="step", stream=io.StringIO())


def test_a_slow_unit_still_gets_a_line_every_interval(monkeypatch):
    """A sweep point or a validate part can last minutes: lines keep coming meanwhile."""
    monkeypatch.setenv(INTERVAL_VARIABLE, "0.5")
    log = io.StringIO()
    with progress_bar(2, desc="sweep", unit="point", stream=log) as bar:
        time.sleep(2.2)  # lines at about 0.5 s (00:00 elapsed), 1 s, 1.5 s (00:01), 2 s
        bar.update(2)
    lines = log.getvalue().splitlines()
    waiting = [line for line in lines if line.startswith("sweep: 0/2 points")]
    assert len(waiting) >= 2 and len(set(waiting)) == len(waiting), lines
    assert lines[-1].startswith("sweep: 2/2 points")


def test_work_shorter_than_the_interval_prints_nothing(monkeypatch):
    monkeypatch.setenv(INTERVAL_VARIABLE, "5")
    log = io.StringIO()
    with progress_bar(2, desc="sweep", unit="point", stream=log) as bar:
        bar.update(2)
    assert log.getvalue() == ""


def test_run_and_compare_call_advance_with_the_share_done():
    """After every week: the share of the run (of the whole comparison, each scenario an
    equal part) done, rising to 1."""
    scenario = sim.load_scenario(SCENARIOS / "push.toml", {"population.size": 300})
    other = sim.load_scenario(SCENARIOS / "engagement.toml", {"population.size": 300})
    shares: list[float] = []
    sim.run(with_resampling(scenario), seed=1, steps=4, replications=2,
            advance=shares.append)
    assert shares == [k / 8 for k in range(1, 9)]  # a network and a batch per replication
    shares.clear()
    with pytest.warns(UserWarning, match="SPEND GAP"):
        sim.compare([scenario, other], seed=1, steps=4, replications=2,
                    advance=shares.append)
    assert shares == [k / 16 for k in range(1, 17)]
