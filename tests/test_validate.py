"""``wom validate``: the report's checks, its formatting and its exit code."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sim.cli import main
from sim.validate import Check, exit_code, make_plan, markdown, write_report
from sim.validate.cascades import window_edges
from sim.validate.exact import _cascade_condition, watts_window
from sim.validate.report import SECTIONS
from sim.validate.theory import cascade_checks

FIELDS = {"section", "name", "source", "band", "mean", "ci_low", "ci_high", "seeds", "ok"}


def _check(section: str, ok: bool) -> Check:
    return Check(section, f"{section} fact", "Someone (2001)", "1-2", 1.5, 1.2, 1.8, 3, ok,
                 note="A note.", figure="fig.png" if section == "theory" else "")


def test_report_has_three_sections_and_labels_calibration(tmp_path):
    checks = [_check("theory", True), _check("calibration", False), _check("validation", True)]
    text = markdown(checks, make_plan(True, 3, tmp_path / "report.md"), 12.0)
    for title in SECTIONS.values():
        assert f"## {title}" in text
    assert "calibrated, not evidence" in text
    assert "| theory fact | Someone (2001) | 1-2 | 1.5 [1.2, 1.8] | 3 | pass |" in text
    assert "off band" in text and "![theory fact](fig.png)" in text
    assert "2 of 2 theory and validation checks pass." in text


def test_calibration_never_fails_the_exit_code():
    assert exit_code([_check("theory", True), _check("calibration", False)]) == 0
    assert exit_code([_check("validation", False), _check("calibration", True)]) == 1
    assert exit_code([_check("theory", False)]) == 1


def test_watts_window_is_where_the_vulnerable_percolate():
    low, high = watts_window(0.18)
    assert 1.0 < low < 1.05 and 5.7 < high < 5.8
    for edge in (low, high):
        assert abs(_cascade_condition(edge, 0.18)) < 1e-9
    assert _cascade_condition(3.0, 0.18) > 0 > _cascade_condition(8.0, 0.18)
    with pytest.raises(ValueError):
        watts_window(0.6)


def test_window_edges_interpolate_out_from_the_peak():
    z = np.array([0.5, 1.0, 2.0, 4.0, 6.0, 8.0])
    p = np.array([0.0, 0.1, 0.6, 0.5, 0.1, 0.0])
    low, high = window_edges(z, p, 0.05)
    assert low == pytest.approx(0.75) and high == pytest.approx(7.0)
    assert all(math.isnan(x) for x in window_edges(z, np.zeros(6), 0.05))


def test_exact_cascade_checks_pass_and_a_wrong_expectation_fails(tmp_path):
    plan = dataclasses.replace(make_plan(True, 2, tmp_path / "report.md"), exact_replications=4000)
    checks = cascade_checks(plan)
    assert len(checks) == 2
    for c in checks:
        assert set(dataclasses.asdict(c)) >= FIELDS
        assert c.section == "theory" and c.seeds == 2 and c.ok
        assert c.ci_low <= c.mean <= c.ci_high
    wrong = cascade_checks(plan, z_max=0.0)  # no simulation matches to 0 standard errors
    assert not any(c.ok for c in wrong)
    assert exit_code(wrong) == 1


def test_cli_rejects_a_single_seed(capsys):
    assert main(["validate", "--quick", "--seeds", "1"]) == 2
    assert "at least 2" in capsys.readouterr().err


@pytest.mark.slow
def test_quick_report_is_written_with_figures(tmp_path):
    out = tmp_path / "report.md"
    checks = write_report(out, quick=True)
    text = out.read_text()
    for title in SECTIONS.values():
        assert f"## {title}" in text
    figures = {c.figure for c in checks if c.figure}
    assert {f"img/report/{name}" for name in ("bass.png", "kkt.png", "watts.png",
            "weak_ties.png", "hubs.png", "frequency.png")} <= figures
    for name in figures:
        assert (tmp_path / name).stat().st_size > 1000
        assert f"]({name})" in text
    assert {c.section for c in checks} == set(SECTIONS)
