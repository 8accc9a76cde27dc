"""Shared fixtures: small scenarios built in code, and paths of the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import Scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
NETWORKS = ROOT / "data" / "networks"


def make_scenario(**sections: dict) -> Scenario:
    """A scenario from section dicts, e.g. make_scenario(diffusion={"model": "bass"})."""
    data = {"population": {"size": 200}, "run": {"steps": 10}}
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return scenario_from_dict(data, source="test")


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A temporary folder to write scenario files in."""
    return tmp_path


@pytest.fixture
def disk_cache(tmp_path_factory: pytest.TempPathFactory,
               monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty dashboard disk cache (never the user's ~/.cache); the dashboard's
    test modules use it for every test."""
    from dashboard import common

    folder = tmp_path_factory.mktemp("dashboard-cache")
    monkeypatch.setenv(common.CACHE_ENV, str(folder))
    return folder
