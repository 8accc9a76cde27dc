"""``wom validate``: measure the default market against the facts it is calibrated to.

Each check runs shipped scenarios (or evaluates a model formula), measures one fact
from docs/calibration.md and compares it with its target. Comparisons between
strategies use common random numbers (the same seed for both) and the one significance
rule of wom-sim (:func:`sim.metrics.paired_difference`): a check passes only when the
paired 95% interval of the difference excludes 0 on the expected side, so the effect is
clearly there, not there by chance. The market runs draw one network per replication
(:func:`sim.experiment.with_resampling`), so the intervals include network variation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .commerce.brand import review_boost
from .errors import WomError
from .experiment import run, with_resampling
from .lessons import frequency_sweep
from .metrics import paired_difference
from .network.resample import networks_used
from .scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@dataclass(frozen=True)
class Check:
    """One calibration fact: what is measured, the target, the measurement, pass or fail."""

    name: str
    target: str
    measured: str
    ok: bool


def _final(frame: pd.DataFrame, column: str, step: int | None = None) -> np.ndarray:
    step = int(frame["step"].max()) if step is None else step
    return frame.loc[frame["step"] == step].sort_values("replication")[column].to_numpy(float)


def _cumulative(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame.groupby("replication")[column].sum().sort_index().to_numpy(float)


def _versus(name: str, a: np.ndarray, b: np.ndarray, label: str) -> Check:
    """b ahead of a: the paired 95% interval of b - a lies above 0."""
    d = paired_difference(a, b)
    return Check(name, f"{label}: paired 95% CI > 0",
                 f"{d['mean']:+,.1f} [{d['low']:+,.1f}, {d['high']:+,.1f}]",
                 d["winner_side"] == "b")


def _within(name: str, value: float, low: float, high: float, unit: str = "") -> Check:
    return Check(name, f"{low:g}-{high:g}{unit}", f"{value:.2f}{unit}", low <= value <= high)


def review_checks(scenario_path: Path) -> list[Check]:
    """The social-proof curve of the review pool (a formula, no simulation)."""
    sc = load_scenario(scenario_path)
    five = 1 + review_boost(sc, 5, 5 * 4.4)
    ten, many = review_boost(sc, 10, 44), review_boost(sc, 1000, 4400)
    ratings = np.round(np.arange(3.0, 5.001, 0.05), 2)
    best = float(ratings[np.argmax([review_boost(sc, 50, 50 * r) for r in ratings])])
    return [
        _within("purchase lift at 5 reviews (mean 4.4)", five, 2.5, 2.9, "x"),
        _within("social proof at 10 reviews / saturated", ten / many, 0.95, 1.0),
        _within("most convincing mean rating", best, 4.0, 4.7),
    ]


def market_checks(replications: int = 10, seed: int = 1) -> list[Check]:
    """Run push, engagement and a frequency sweep; return every check."""
    overrides = [f"run.replications={replications}", f"run.seed={seed}"]
    push = run(with_resampling(load_scenario(SCENARIOS / "push.toml", overrides)))
    engage = run(with_resampling(load_scenario(SCENARIOS / "engagement.toml", overrides)))
    checks = [
        _versus("push wins early: customers at week 8 (push - engagement)",
                _final(engage, "customers", 8), _final(push, "customers", 8), "push ahead"),
        _versus("engagement wins: 2-year cumulative profit (eng. - push)",
                _cumulative(push, "profit"), _cumulative(engage, "profit"),
                "engagement ahead"),
        _versus("engagement wins: 52-week CLV at week 104 (eng. - push)",
                _final(push, "clv"), _final(engage, "clv"), "engagement ahead"),
        _versus("engagement wins: NPS at week 104 (eng. - push)",
                _final(push, "nps"), _final(engage, "nps"), "engagement ahead"),
    ]
    spend_ratio = (_final(engage, "cumulative_cost").mean()
                   / _final(push, "cumulative_cost").mean())
    checks.append(_within("equal budgets: spend engagement / push", spend_ratio, 0.95, 1.05))
    for label, frame in (("engagement", engage), ("push", push)):
        ratio = np.nanmean(_final(frame, "clv_peer") / _final(frame, "clv_ad"))
        checks.append(_within(f"CLV peer-acquired / ad-acquired ({label})", ratio, 1.3, 3.0,
                              "x"))
    conversion = np.nanmean(_final(engage, "member_conversion")
                            / _final(engage, "nonmember_conversion"))
    spend = np.nanmean(_final(engage, "member_spend") / _final(engage, "nonmember_spend"))
    checks.append(_within("community members' conversion / others'", conversion, 2.0, 3.5,
                          "x"))
    checks.append(_within("community members' spend / others'", spend, 2.0, 3.0, "x"))
    top = float(np.nanmean(_final(push, "top1_spend_ratio")))
    checks.append(_within("top 1% of customers' spend / mean spend", top, 8.0, 12.0, "x"))
    checks.extend(frequency_checks(replications, seed))
    return checks


def frequency_checks(replications: int, seed: int,
                     frequencies: tuple[int, ...] = (1, 4, 12)) -> list[Check]:
    """Conversions in a year against ad frequency, money no object: an inverted U."""
    sweep = frequency_sweep(with_resampling(load_scenario(SCENARIOS / "push.toml")),
                            frequencies, seed=seed, replications=replications)
    adopted = {f: sweep.loc[sweep["frequency"] == f, "adopted"].to_numpy(float)
               for f in frequencies}
    low, mid, high = frequencies
    return [
        _versus(f"fatigue: conversions rise from {low} to {mid} exposures/week",
                adopted[low], adopted[mid], "more"),
        _versus(f"fatigue: conversions fall from {mid} to {high} exposures/week",
                adopted[high], adopted[mid], "fewer"),
    ]


def run_checks(replications: int = 10, seed: int = 1) -> list[Check]:
    """Every calibration check of the default market."""
    if not SCENARIOS.is_dir():
        raise WomError(f"validate runs the shipped scenarios and cannot find {SCENARIOS}; "
                       "install wom-sim from a source checkout (pip install -e .)")
    return review_checks(SCENARIOS / "market.toml") + market_checks(replications, seed)


def networks() -> str:
    """Which networks the market checks run on (:func:`sim.experiment.with_resampling`)."""
    return networks_used(with_resampling(load_scenario(SCENARIOS / "market.toml")))


def report(checks: list[Check]) -> str:
    """The checks as an aligned text table."""
    width = max(len(c.name) for c in checks)
    lines = [f"{'check':<{width}}  {'target':<28} {'measured':<24} result"]
    for c in checks:
        lines.append(f"{c.name:<{width}}  {c.target:<28} {c.measured:<24} "
                     f"{'ok' if c.ok else 'FAIL'}")
    passed = sum(c.ok for c in checks)
    lines.append(f"{passed} of {len(checks)} checks pass")
    return "\n".join(lines)
