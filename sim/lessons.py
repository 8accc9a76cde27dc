"""The push-versus-engagement lesson as functions: blending two strategies, the frontier
of every blend from pure engagement to pure push, and the ad-frequency (fatigue) sweep.

Used by the dashboard's lesson page, ``wom validate`` and the experiment scripts, so the
three show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import WomError
from .experiment import run, with_resampling
from .metrics import LOWER_IS_BETTER, interval, kpis_per_replication, paired_difference
from .scenario import Scenario, apply_overrides, scenario_from_dict

__all__ = ["FATIGUE_OVERRIDES", "FATIGUE_WEEKS", "FRONTIER_SHARES", "Frontier",
           "blend_strategies", "frequency_sweep", "mix_frontier"]

#: Shares of the budget on push along the frontier: 0%, 10%, ..., 100%.
FRONTIER_SHARES = tuple(k / 10 for k in range(11))

#: Switches that turn a whole section of a strategy on; while off, its numbers count as 0.
SECTION_SWITCHES = {"community": "enabled"}

#: Horizon of the ad-frequency sweep (a year of weeks).
FATIGUE_WEEKS = 52

#: Push without its discount, with money no object and the reach the fatigue parameters
#: were calibrated at (docs/calibration.md): only the ads' frequency varies, whatever
#: levers push.toml ships with.
FATIGUE_OVERRIDES = {"promotions.discount": 0.0, "budget.total": 1e12, "ads.reach": 0.4}


def _weeks_as_steps(section: dict[str, Any], steps: int) -> dict[str, Any]:
    out = dict(section)
    if out.get("weeks") == 0:
        out["weeks"] = steps  # "0 = whole run" interpolates as the run's length
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _blend_section(pa: dict[str, Any], pb: dict[str, Any], switch: str | None,
                   share: float) -> dict[str, Any]:
    """One section of the blend (see :func:`blend_strategies`)."""
    on_a = pa.get(switch, True) if switch else True
    on_b = pb.get(switch, True) if switch else True
    mixed = dict(pb)
    for key in sorted(set(pa) | set(pb)):
        va, vb = pa.get(key), pb.get(key)
        if key == switch:
            mixed[key] = bool((on_a and share > 0) or (on_b and share < 1))
        elif _is_number(va) and _is_number(vb):
            xa = va if on_a else 0 * va
            xb = vb if on_b else 0 * vb
            value = round(share * xa + (1 - share) * xb, 9)
            if isinstance(va, int) and isinstance(vb, int):
                value = int(math.floor(value + 0.5))
            mixed[key] = value
        else:
            mixed[key] = va if share >= 0.5 and va is not None else vb
    return mixed


def blend_strategies(push: Scenario, engagement: Scenario, share: float) -> Scenario:
    """A scenario that spends ``share`` of its effort on push and the rest on engagement.

    Parameters
    ----------
    push, engagement
        The two strategies; they must share the market and run settings.
    share
        From 0 (engagement) to 1 (push).

    Returns
    -------
    Scenario
        Every number on which the two differ becomes ``share * push + (1 - share) *
        engagement`` (integers rounded), where a campaign length of 0 ("whole run")
        counts as ``run.steps``, and the numbers of a section a strategy switches off
        (its community) count as 0. A switch is on when the strategy that uses it has a
        positive share. ``budget.total`` is blended too (the files set it so that their
        spends match). share = 1 gives push, share = 0 engagement.

    Raises
    ------
    WomError
        For a share outside [0, 1] or different run settings.
    """
    if not 0 <= share <= 1:
        raise WomError(f"share of budget on push: expected 0 to 1, found {share}")
    if push.run != engagement.run:
        raise WomError("push and engagement must share the run settings to be blended")
    steps = push.run.steps
    a = push.model_dump(mode="json", exclude_none=True)
    b = engagement.model_dump(mode="json", exclude_none=True)
    out: dict[str, Any] = dict(b)
    for section in sorted(set(a) | set(b)):
        pa, pb = a.get(section), b.get(section)
        if not isinstance(pa, dict) or not isinstance(pb, dict):
            continue
        out[section] = _blend_section(_weeks_as_steps(pa, steps), _weeks_as_steps(pb, steps),
                                      SECTION_SWITCHES.get(section), share)
    percent = round(share * 100)
    out["name"] = f"mix {percent}% push"
    out["description"] = (f"{percent}% of the effort on push ({push.name or 'push'}), "
                          f"{100 - percent}% on engagement ({engagement.name or 'engagement'}).")
    return scenario_from_dict(out, source=f"mix of push and engagement at {percent}% push")


def frequency_sweep(push: Scenario, frequencies: Sequence[int], *,
                    weeks: int = FATIGUE_WEEKS, seed: int | None = None,
                    replications: int | None = None, threads: int | None = None,
                    engine: str = "fast") -> pd.DataFrame:
    """Conversions, trust and fatigue after a year of ads at each frequency: the inverted U.

    ``push`` runs without its discount and with an unlimited budget
    (:data:`FATIGUE_OVERRIDES`) for ``weeks`` weeks at every ``ads.frequency`` in
    ``frequencies``, each with the same seed (common random numbers, so the
    frequencies are paired replication by replication).

    Parameters
    ----------
    push
        The push scenario (its market, population and run settings are kept).
    frequencies
        Ad exposures per reached consumer per week.
    weeks
        Horizon of each run.
    seed, replications, threads, engine
        As for :func:`sim.run` (None keeps the scenario's ``run.*``).

    Returns
    -------
    pandas.DataFrame
        One row per (frequency, replication): ``frequency``, ``replication``,
        ``adopted`` (ever customers at the last week), ``conversions`` (adopted at the
        last week minus at the start), ``brand_trust`` and ``fatigue`` (population means
        at the last week) and ``ad_cost`` (marketing cost summed over the run).
    """
    data = push.model_dump(mode="json", exclude_none=True)
    tables = []
    for frequency in frequencies:
        scenario = scenario_from_dict(
            apply_overrides(data, {**FATIGUE_OVERRIDES, "ads.frequency": frequency}),
            source=f"push at {frequency} exposures a week")
        frame = run(scenario, seed=seed, steps=weeks, replications=replications,
                    threads=threads, engine=engine).sort_values(["replication", "step"])
        first = frame.groupby("replication").head(1).set_index("replication")
        last = frame.groupby("replication").tail(1).set_index("replication")
        tables.append(pd.DataFrame({
            "frequency": frequency, "replication": last.index.to_numpy(),
            "adopted": last["adopted"].to_numpy(float),
            "conversions": (last["adopted"] - first["adopted"]).to_numpy(float),
            "brand_trust": last["brand_trust"].to_numpy(float),
            "fatigue": last["fatigue"].to_numpy(float),
            "ad_cost": frame.groupby("replication")["cost"].sum().to_numpy(float)}))
    return pd.concat(tables, ignore_index=True)


@dataclass
class Frontier:
    """Every blend of push and engagement on common random numbers (:func:`mix_frontier`).

    Attributes
    ----------
    runs
        The tidy tables of :func:`sim.run` stacked, with a leading ``share`` column (the
        share of the budget on push, 0 to 1).
    kpis
        :func:`sim.metrics.kpis_per_replication` of every share: index (``share``,
        ``replication``), one column per KPI.
    """

    runs: pd.DataFrame
    kpis: pd.DataFrame

    @property
    def shares(self) -> list[float]:
        """The shares on push, ascending."""
        return sorted(set(self.kpis.index.get_level_values("share")))

    def values(self, metric: str, share: float) -> np.ndarray:
        """One value of ``metric`` per replication at ``share`` (replications in order)."""
        return self.kpis.xs(share, level="share")[metric].sort_index().to_numpy(float)

    def curve(self, metric: str) -> pd.DataFrame:
        """Mean and 95% interval (:func:`sim.metrics.interval`) of ``metric`` per share:
        columns ``share, mean, ci_low, ci_high, replications``."""
        rows = [{"share": share, **interval(self.values(metric, share))}
                for share in self.shares]
        return pd.DataFrame(rows)[["share", "mean", "ci_low", "ci_high", "replications"]]

    def best(self, metric: str) -> float | None:
        """The share with the best mean of ``metric`` (lowest for
        :data:`sim.metrics.LOWER_IS_BETTER`; the smallest share on a tie), None without
        any value."""
        curve = self.curve(metric).dropna(subset=["mean"])
        if curve.empty:
            return None
        means = curve["mean"].to_numpy(float)
        pick = np.argmin(means) if metric in LOWER_IS_BETTER else np.argmax(means)
        return float(curve["share"].iloc[int(pick)])

    def difference(self, metric: str, share: float, baseline: float) -> dict[str, Any]:
        """:func:`sim.metrics.paired_difference` of ``metric``: ``share`` minus ``baseline``
        over the paired replications (significant when its 95% interval excludes 0)."""
        return paired_difference(self.values(metric, baseline), self.values(metric, share),
                                 lower_is_better=metric in LOWER_IS_BETTER)


def mix_frontier(push: Scenario, engagement: Scenario,
                 shares: Sequence[float] = FRONTIER_SHARES, *, seed: int | None = None,
                 replications: int | None = None, threads: int | None = None,
                 engine: str = "fast",
                 advance: Callable[[float], None] | None = None) -> Frontier:
    """Run :func:`blend_strategies` at every share on common random numbers.

    Every blend runs with :func:`sim.run` and the same seed and replications, and, as in
    :func:`sim.compare`, a network of its own per replication
    (:func:`sim.experiment.with_resampling`): replication r of every share uses the same
    random stream and the same network, so any two shares pair replication by
    replication and the intervals include network-to-network variation. Share 0 runs
    ``engagement`` and share 1 ``push`` exactly, so the ends of the frontier are the
    numbers ``wom compare`` gives for the two files.

    Parameters
    ----------
    push, engagement
        The two strategies (same market and run settings).
    shares
        Shares of the budget on push, each from 0 to 1.
    seed, replications, threads, engine
        As for :func:`sim.run` (None keeps the scenarios' ``run.*``).
    advance
        Called with each share once it has run (to show progress).

    Returns
    -------
    Frontier

    Raises
    ------
    WomError
        For a share outside [0, 1], repeated shares or strategies that cannot be blended.

    Examples
    --------
    >>> frontier = mix_frontier(push, engagement, replications=10)  # doctest: +SKIP
    >>> frontier.curve("total_profit")  # doctest: +SKIP
    """
    if len(set(shares)) != len(shares) or not shares:
        raise WomError(f"frontier shares: expected distinct shares, found {list(shares)}")
    runs, kpis = [], []
    for share in sorted(shares):
        scenario = with_resampling(blend_strategies(push, engagement, share))
        frame = run(scenario, seed=seed, replications=replications, threads=threads,
                    engine=engine)
        per_rep = kpis_per_replication(frame)
        kpis.append(per_rep.set_index(pd.Index([share] * len(per_rep), name="share"),
                                      append=True).reorder_levels(["share", "replication"]))
        frame = frame.copy()
        frame.attrs = {}
        frame.insert(0, "share", share)
        runs.append(frame)
        if advance is not None:
            advance(share)
    return Frontier(runs=pd.concat(runs, ignore_index=True), kpis=pd.concat(kpis))
