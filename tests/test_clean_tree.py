"""Following the docs leaves the git tree clean: experiments and README commands write
only to ignored places (runs/, out/, validation/) unless told to replace docs/.

The experiment scripts run from a temporary git copy of the repository (with ``sim``
imported from this checkout, so numba's cache is shared) and ``git status`` must show
nothing new afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_experiments import load

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs git and a git checkout")

#: Cheap --quick experiments (a few seconds each).
CHEAP = ("reviews", "bass_fit")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the tracked files of this checkout, committed."""
    folder = tmp_path_factory.mktemp("clone") / "wom-sim"
    for name in git("ls-files", "-z", cwd=ROOT).split("\0"):
        if name and (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    git("init", "-q", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "copy", cwd=folder)
    return folder


def experiment(copy: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(copy / "experiments" / f"{name}.py"), *args],
                          cwd=copy, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.mark.parametrize("name", CHEAP)
def test_a_quick_experiment_leaves_the_tree_clean(copy, name):
    docs = {p: p.read_bytes() for p in (copy / "docs").rglob(f"{name}*")}
    done = experiment(copy, name, "--quick")
    assert done.returncode == 0, done.stderr
    assert git("status", "--porcelain", cwd=copy) == ""
    assert (copy / "runs" / "experiments" / "img" / f"{name}.png").is_file()
    assert {p: p.read_bytes() for p in docs} == docs


@pytest.mark.parametrize("name", ["reviews", "findings", "sensitivity"])
def test_quick_results_never_replace_the_documented_figures(name, capsys):
    with pytest.raises(SystemExit) as stopped:  # refused before anything runs
        load(name).main(["--quick", "--write-docs"])
    assert stopped.value.code == 2
    assert "--quick results must not replace the documented figures" in capsys.readouterr().err


def test_write_docs_is_what_replaces_them(copy):
    done = experiment(copy, "reviews", "--write-docs")
    assert done.returncode == 0, done.stderr
    assert "wrote " + str(copy / "docs" / "img" / "reviews.png") in done.stdout
    git("checkout", "--", "docs", cwd=copy)


def test_readme_commands_write_only_to_ignored_places():
    """Every ``--out``/``--outdir``/``--map-dir``/``--sweep-dir`` of the README's and docs'
    commands is ignored by git (absolute paths of a cluster's shared disk excepted)."""
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    targets = set()
    for path in texts:
        for block in re.findall(r"```(?:bash|text)?\n(.*?)```", path.read_text(), re.S):
            targets.update(re.findall(r"--(?:out|outdir|map-dir|sweep-dir) (\S+)", block))
    # usage synopses ("[--out FILE.parquet|FILE.csv]") hold placeholders, not commands
    relative = sorted(t for t in targets if not t.startswith("/") and not t.endswith("]")
                      and not re.search(r"[A-Z]{3}", t))
    assert "runs/referral" in relative  # the README's sweep example is among them
    for target in relative:
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", target],
                                 cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"{target} is not ignored by git"
