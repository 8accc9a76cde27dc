"""The push-versus-engagement lesson as functions: blending two strategies, and the
ad-frequency (fatigue) sweep.

Used by the dashboard's lesson page, ``wom validate`` and the experiment scripts, so the
three show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .errors import WomError
from .experiment import run
from .scenario import Scenario, apply_overrides, scenario_from_dict

__all__ = ["FATIGUE_OVERRIDES", "FATIGUE_WEEKS", "blend_strategies", "frequency_sweep"]

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
                    replications: int | None = None,
                    threads: int | None = None) -> pd.DataFrame:
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
    seed, replications, threads
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
                    threads=threads).sort_values(["replication", "step"])
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
