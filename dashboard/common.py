"""Helpers shared by the dashboard pages.

The dashboard holds no model logic: every number it shows comes from :mod:`sim`
(:func:`sim.run`, :func:`sim.compare`, :func:`sim.summarize`, :class:`sim.fast.WomModel`,
the intervals, time bands and crossover weeks of :mod:`sim.metrics`, the strategy blend
and fatigue sweep of :mod:`sim.lessons`, the sweep tables of :mod:`sim.sweep`). This
module only finds scenario files, turns widget values into validated
:class:`~sim.scenario.Scenario` objects and caches runs (in memory and on disk);
:mod:`dashboard.uploads` checks uploads and :mod:`dashboard.style` formats numbers.

Widget help texts, kinds, ranges, steps and choices are read through
:func:`sim.scenario.field_info` (the schema declares every parameter and its UI range).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import math
import os
import pickle
import tempfile
import tomllib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

import sim
from dashboard import style
from sim.errors import ScenarioError, WomError
from sim.metrics import summarize
from sim.results import package_version
from sim.scenario import (
    Scenario,
    apply_overrides,
    field_info,
    load_scenario,
    scenario_from_dict,
)

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = ROOT / "scenarios"

#: The shipped commerce scenarios offered for comparison, in menu order.
COMMERCE_SCENARIOS = style.SHIPPED

# ---------------------------------------------------------------------------------------
# Widgets of scenario keys: labels, help, ranges, choices
# ---------------------------------------------------------------------------------------


#: Labels that read better than the ones made from the key.
LABELS = {"population.size": "Consumers", "run.steps": "Horizon (weeks)",
          "run.replications": "Replications", "run.seed": "Seed"}


def field_label(key: str) -> str:
    """A short label made from the key: ``"ads.cost_per_exposure"`` -> ``"Ads cost per
    exposure"`` (a few run settings have plainer names, see :data:`LABELS`)."""
    if key in LABELS:
        return LABELS[key]
    section, _, name = key.partition(".")
    return f"{section.capitalize()} {name.replace('_', ' ')}"


def field_help(key: str) -> str:
    """The schema's description of a key, with the key, its unit and its default."""
    info = field_info(key)
    unit = f", in {info.unit}" if info.unit else ""
    shown = "none" if info.default is None else info.default
    return f"{info.description} (`{key}`{unit}, default {shown})"


def schema_input(key: str, value: Any, *, widget_key: str, container: Any = None,
                 limits: tuple[float, float] | None = None,
                 problems: list[str] | None = None) -> Any:
    """A widget for a scenario key built from :func:`~sim.scenario.field_info`.

    Booleans get a toggle, choice keys a select box of the declared ``ui_choices``,
    numbers within [0, 1] a slider and other numbers a number input, with the declared
    UI range and step (``limits`` replaces the range and must lie within the schema's).

    A number input given a ``problems`` list accepts any number, so that a value typed
    out of range reaches the page instead of being silently replaced by the browser:
    such a value is shown as an error under the widget and added to ``problems`` (the
    page then blocks its Run). Without the list the browser keeps the value in range.

    Raises
    ------
    WomError
        For a key of another kind (text, path, list): it has no widget.
    """
    box = st if container is None else container
    info = field_info(key)
    label, help_text = field_label(key), field_help(key)
    if info.kind == "choice":
        options = list(info.ui_choices)
        index = options.index(value) if value in options else 0
        return box.selectbox(label, options, index=index, help=help_text, key=widget_key)
    if info.kind == "bool":
        return box.toggle(label, value=bool(value), help=help_text, key=widget_key)
    if info.ui_range is None:
        raise WomError(f"{key}: the dashboard has no widget for {info.kind} keys")
    low, high, step = info.ui_range
    if limits is not None:
        low, high = limits
    if info.kind == "int":
        low = None if low is None else int(math.ceil(low))
        high = None if high is None else int(math.floor(high))
        start, step = int(value), int(step)
    else:
        start = float(value)
        low = None if low is None else float(low)
        high = None if high is None else float(high)
        if low is not None and high is not None and high <= 1 and low >= 0:
            return box.slider(label, min_value=low, max_value=high, value=start, step=step,
                              help=help_text, key=widget_key)
    if low is not None:
        start = max(start, low)
    if high is not None:
        start = min(start, high)
    if problems is None:
        return box.number_input(label, min_value=low, max_value=high, value=start,
                                step=step, help=help_text, key=widget_key)
    chosen = box.number_input(label, value=start, step=step, help=help_text, key=widget_key)
    if (low is not None and chosen < low) or (high is not None and chosen > high):
        message = (f"{label}: {chosen:,} is outside the range the dashboard runs, "
                   f"{'-inf' if low is None else f'{low:,}'} to "
                   f"{'inf' if high is None else f'{high:,}'} (`{key}`)")
        box.error(message)
        problems.append(message)
    return chosen


# ---------------------------------------------------------------------------------------
# Scenarios: shipped files, uploads, overrides, text round trips
# ---------------------------------------------------------------------------------------


def shipped_scenarios() -> list[str]:
    """Names of the shipped commerce scenarios that exist in scenarios/."""
    return [name for name in COMMERCE_SCENARIOS if (SCENARIO_DIR / f"{name}.toml").is_file()]


def load_shipped(name: str) -> Scenario:
    """A shipped scenario by name (``"push"`` -> scenarios/push.toml), base resolved."""
    return load_scenario(SCENARIO_DIR / f"{name}.toml")


def with_overrides(scenario: Scenario, overrides: dict[str, Any], source: str) -> Scenario:
    """A copy of ``scenario`` with dotted-key overrides, validated; errors name ``source``."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    return scenario_from_dict(apply_overrides(data, overrides), source=source)


def scenario_text(scenario: Scenario) -> str:
    """The resolved scenario as TOML (the cache key of a run and the download)."""
    return scenario.to_toml()


def scenario_of_text(text: str, source: str = "<scenario>") -> Scenario:
    """The scenario of :func:`scenario_text`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None
    return scenario_from_dict(data, source=source)


# ---------------------------------------------------------------------------------------
# The disk cache: results that survive a restart of the server
# ---------------------------------------------------------------------------------------

#: Environment variable naming the disk cache's folder (default: see :func:`cache_dir`).
CACHE_ENV = "WOM_DASHBOARD_CACHE"

#: Files the disk cache keeps; the least recently used beyond this are removed.
CACHE_ENTRIES = 64


def cache_dir() -> Path:
    """Where :func:`disk_cached` keeps results: ``$WOM_DASHBOARD_CACHE`` if set, else
    ``$XDG_CACHE_HOME/wom-sim/dashboard``, else ``~/.cache/wom-sim/dashboard``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "wom-sim" / "dashboard"


@functools.cache
def code_version() -> str:
    """The installed wom-sim version and a digest of the ``sim`` package's source, so that
    cached results of an edited model are never reused."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "sim").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{package_version()}+{digest.hexdigest()[:16]}"


def disk_cached(name: str, key: Any, compute: Callable[[], T]) -> T:
    """``compute()``, stored on disk under ``name`` and ``key`` and reused afterwards.

    The file is ``cache_dir()/NAME-DIGEST.pickle``, the digest a SHA-256 of ``name``,
    ``repr(key)`` (so the key should hold the resolved scenario texts, seeds and
    replications) and :func:`code_version`. While one process computes an entry it holds
    an exclusive lock on ``NAME-DIGEST.lock``; another process (a page opened while
    ``wom dashboard`` precomputes the defaults) waits for it and then reads the result
    instead of computing it twice. A cache that cannot be written (read-only home,
    full disk) only costs the reuse; a damaged file is computed again. Files are written
    atomically; beyond :data:`CACHE_ENTRIES` files the least recently used go.
    """
    path, lock_path = _cache_paths(name, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "a+b")  # noqa: SIM115 - held below
    except OSError:
        return compute()
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # waits while another process computes it
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
            path.touch()
            return value
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            pass
        value = compute()
        _store(path, value)
        return value


def cache_path(name: str, key: Any) -> Path:
    """The result file of a disk-cache entry (its lock and progress files are beside it,
    with other suffixes)."""
    digest = hashlib.sha256(repr((name, key, code_version())).encode()).hexdigest()[:32]
    return cache_dir() / f"{name}-{digest}.pickle"


def _cache_paths(name: str, key: Any) -> tuple[Path, Path]:
    """The result file and the lock file of a disk-cache entry."""
    path = cache_path(name, key)
    return path, path.with_suffix(".lock")


def disk_cache_has(name: str, key: Any) -> bool:
    """Whether :func:`disk_cached` has the entry, or another process is computing it
    (it holds the entry's lock), so that asking for it costs no new computation here."""
    path, lock_path = _cache_paths(name, key)
    if path.is_file():
        return True
    try:
        with lock_path.open("rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return path.is_file()


def _store(path: Path, value: Any) -> None:
    """Write ``value`` to ``path`` atomically (nothing on failure) and prune the folder."""
    try:
        descriptor, name = tempfile.mkstemp(dir=path.parent, suffix=".part")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, path)
    except OSError:
        Path(name).unlink(missing_ok=True)
        return
    entries = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-CACHE_ENTRIES]:
        old.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------
# Runs (cached) and the tables charts need
# ---------------------------------------------------------------------------------------


def _single_kpis(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """The KPI table of one scenario in the layout of :func:`sim.compare`'s."""
    table = summarize(frame)
    table.insert(1, "scenario", label)
    for column in ("diff_mean", "diff_ci_low", "diff_ci_high"):
        table[column] = math.nan
    table["diff_replications"] = np.int64(0)
    table["diff_p_adjusted"] = math.nan
    table["diff_significant"] = False
    table["winner"] = ""
    table["verdict"] = ""
    return table


def compute_scenarios(texts: tuple[str, ...], labels: tuple[str, ...], seed: int,
                      replications: int, allow_different_markets: bool = False, *,
                      engine: str = "fast",
                      advance: Callable[[float], None] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run resolved scenarios (TOML texts) on common random numbers.

    Two or more scenarios run with :func:`sim.compare`; a single one with :func:`sim.run`
    and :func:`sim.summarize`. Returns ``(combined, kpis)`` as :func:`sim.compare`: the
    stacked tidy tables with a leading ``scenario`` column, and one row per (kpi,
    scenario); ``allow_different_markets``, ``engine`` and ``advance`` (the share done,
    after every simulated week) as for :func:`sim.compare`.
    """
    scenarios = [scenario_of_text(text, label) for text, label in zip(texts, labels,
                                                                       strict=True)]
    if len(scenarios) == 1:
        frame = sim.run(scenarios[0], seed=seed, replications=replications, engine=engine,
                        advance=advance)
        kpis = _single_kpis(frame, labels[0])
        combined = frame.copy()
        combined.insert(0, "scenario", labels[0])
        combined.attrs = {"seed": seed, "engine": engine,
                          "wom_sim_version": frame.attrs.get("wom_sim_version"),
                          "scenarios": [{"label": labels[0], **frame.attrs}]}
        return combined, kpis
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the page shows kpis.attrs["warnings"]
        return sim.compare(scenarios, seed=seed, replications=replications,
                           labels=list(labels), allow_different_markets=allow_different_markets,
                           engine=engine, advance=advance)


def cached_scenarios(texts: tuple[str, ...], labels: tuple[str, ...], seed: int,
                     replications: int, allow_different_markets: bool = False,
                     report: Callable[[float, str], None] | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`compute_scenarios` through the disk cache (:func:`disk_cached`);
    ``report(share, text)`` is told how far a computation is."""
    key = (texts, labels, seed, replications, allow_different_markets)
    advance = None if report is None else (lambda share: report(share, f"{share:.0%}"))
    return disk_cached("compare", key, lambda: compute_scenarios(*key, advance=advance))


def scenarios_cached(texts: tuple[str, ...], labels: tuple[str, ...], seed: int,
                     replications: int, allow_different_markets: bool = False) -> bool:
    """Whether :func:`cached_scenarios` of these arguments is on disk or on its way."""
    return disk_cache_has("compare", (texts, labels, seed, replications,
                                      allow_different_markets))


def with_cumulative_profit(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` plus ``cumulative_profit``: profit summed per replication over the steps
    after the first (as :func:`sim.summarize` sums ``total_profit``)."""
    if "profit" not in frame:
        return frame
    out = frame.sort_values(["scenario", "replication", "step"], kind="stable").copy()
    first = out.groupby(["scenario", "replication"])["step"].transform("min")
    profit = out["profit"].where(out["step"] > first, 0.0)
    out["cumulative_profit"] = profit.groupby([out["scenario"], out["replication"]]).cumsum()
    return out


def kpi_row(kpis: pd.DataFrame, kpi: str, scenario: str) -> pd.Series | None:
    """The row of one (kpi, scenario) of a KPI table, or None."""
    rows = kpis[(kpis["kpi"] == kpi) & (kpis["scenario"] == scenario)]
    return None if rows.empty else rows.iloc[0]


def attempt(work: Callable[[], T], spinner: str, failure: str = "The run failed") -> T | None:
    """Run ``work`` under a spinner; show any error as a message and return None.

    Bad input (:class:`WomError`) shows its own message; anything else is reported
    with its type, never as a traceback.
    """
    try:
        with st.spinner(spinner, show_time=True):
            return work()
    except WomError as exc:
        st.error(str(exc))
    except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
        st.error(f"{failure}: {type(exc).__name__}: {exc}")
    return None
