"""Results shipped with the code: the compare page's default comparison and the lesson's
default results, so that the first visit after ``wom dashboard`` shows them at once.

dashboard/precomputed/ (:data:`FOLDER`) holds their tables as Parquet (the exact
float64 values, zstd-compressed) and manifest.json: the requests they answer (resolved
scenario texts, labels, seed and replications; the lesson's shares and frequencies), the
tables' ``attrs`` and the **model fingerprint**, a SHA-256 of the tables of a small
canary run (:func:`canary_fingerprint`: the two default strategies compared, one blend
and one ad frequency of the lesson, at :data:`CANARY` settings).

A page uses shipped results only for exactly the request they answer and only when the
running model gives the same canary tables (:func:`model_matches`), otherwise it
computes as for any other request. The fingerprint changes whenever the model's numbers
change, and not when the code is merely refactored (unlike
:func:`dashboard.common.code_version`). The running model's canary is computed once per
code version (:func:`model_fingerprint`, disk cache), by ``wom dashboard``'s background
job as the server starts: with the fast engine when its kernels are compiled, else with
the reference engine (the same tables; a fresh install then checks in seconds instead of
compiling the fast engine first).

``python -m dashboard.warm --ship`` recomputes them and rewrites the folder
(:func:`ship`); do it whenever the golden results are regenerated.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import common, lesson
from sim import jit
from sim.lessons import Frontier

#: Where the shipped results are.
FOLDER = Path(__file__).resolve().parent / "precomputed"

#: The command that rewrites :data:`FOLDER`.
SHIP_COMMAND = "python -m dashboard.warm --ship"

#: Settings of the canary run: small, but a year and a week, so that lifetime values of
#: matured customers are computed too.
CANARY = {"population.size": 150, "run.steps": 53, "run.replications": 2, "run.seed": 1}
#: The strategies the canary compares (those of the compare page's default and the lesson).
CANARY_SCENARIOS = ("push", "engagement")
#: The lesson's blend and ad frequency in the canary.
CANARY_SHARES, CANARY_FREQUENCIES = (0.3,), (2,)

#: A comparison's results: ``(combined, kpis)`` of :func:`dashboard.common.compute_scenarios`.
Comparison = tuple[pd.DataFrame, pd.DataFrame]


def tables(comparison: Comparison, results: lesson.LessonResults) -> dict[str, pd.DataFrame]:
    """The tables of a comparison and a lesson by file name (indexes as columns)."""
    combined, kpis = comparison
    return {"compare-combined": combined, "compare-kpis": kpis,
            "lesson-runs": results.frontier.runs,
            "lesson-kpis": results.frontier.kpis.reset_index(),
            "lesson-fatigue": results.fatigue}


def fingerprint(named: dict[str, pd.DataFrame], attrs: dict[str, Any]) -> str:
    """SHA-256 of tables (names, columns, exact values) and of JSON-able ``attrs``,
    independent of the pandas and Parquet versions."""
    digest = hashlib.sha256()
    for name, frame in sorted(named.items()):
        digest.update(f"\0table {name} {len(frame)}".encode())
        for column in frame.columns:
            values = frame[column].to_numpy()
            digest.update(f"\0{column} {values.dtype.kind}".encode())
            if values.dtype.kind in "biuf":
                digest.update(np.ascontiguousarray(values.astype(values.dtype.newbyteorder("<")))
                              .tobytes())
            else:
                digest.update("\0".join(map(str, values)).encode())
    digest.update(json.dumps(attrs, sort_keys=True).encode())
    return digest.hexdigest()


def canary_requests() -> tuple[tuple, lesson.LessonRequest]:
    """The canary's comparison request (as :func:`dashboard.common.cached_scenarios`'
    arguments) and lesson request."""
    texts = tuple(common.scenario_text(common.with_overrides(
        common.load_shipped(name), CANARY, source=f"{name} (canary)"))
        for name in CANARY_SCENARIOS)
    compare_request = (texts, CANARY_SCENARIOS, CANARY["run.seed"],
                       CANARY["run.replications"], False)
    lesson_request = dataclasses.replace(lesson.request_for(CANARY), shares=CANARY_SHARES,
                                         frequencies=CANARY_FREQUENCIES)
    return compare_request, lesson_request


def canary_fingerprint(engine: str | None = None) -> str:
    """The fingerprint of the running model: :func:`fingerprint` of the canary's tables
    and of its KPI table's ``attrs`` (spends, warnings), computed now with ``engine``
    (default: fast when its kernels are compiled, else reference; both give the same)."""
    if engine is None:
        engine = "fast" if jit.cache_is_warm([jit.COMMERCE_KERNEL]) else "reference"
    compare_request, lesson_request = canary_requests()
    comparison = common.compute_scenarios(*compare_request, engine=engine)
    results = lesson.compute(lesson_request, engine=engine)
    return fingerprint(tables(comparison, results), comparison[1].attrs)


def model_fingerprint() -> str:
    """:func:`canary_fingerprint`, once per code version (the disk cache)."""
    return common.disk_cached("canary", (CANARY, CANARY_SCENARIOS, CANARY_SHARES,
                                         CANARY_FREQUENCIES), canary_fingerprint)


# ---------------------------------------------------------------------------------------
# Reading the shipped results
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def manifest() -> dict[str, Any] | None:
    """The manifest of :data:`FOLDER`, None when there is none (or it is unreadable)."""
    return _manifest(FOLDER)


def _compare_request(request: tuple) -> dict[str, Any]:
    texts, labels, seed, replications, allow = request
    return {"texts": list(texts), "labels": list(labels), "seed": seed,
            "replications": replications, "allow_different_markets": allow}


def _lesson_request(request: lesson.LessonRequest) -> dict[str, Any]:
    return json.loads(json.dumps(dataclasses.asdict(request)))


def offers_compare(request: tuple) -> bool:
    """Whether results of exactly this comparison request are shipped."""
    shipped = manifest()
    return shipped is not None and shipped["compare"]["request"] == _compare_request(request)


def offers_lesson(request: lesson.LessonRequest) -> bool:
    """Whether results of exactly this lesson request are shipped."""
    shipped = manifest()
    return shipped is not None and shipped["lesson"]["request"] == _lesson_request(request)


def model_matches() -> bool:
    """Whether the shipped results were made by a model that gives the numbers of the
    running one (:func:`model_fingerprint`; may run the canary)."""
    shipped = manifest()
    return shipped is not None and shipped["fingerprint"] == model_fingerprint()


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(folder / f"{name}.parquet")


@functools.lru_cache(maxsize=2)
def _comparison(folder: Path) -> Comparison:
    attrs = _manifest(folder)["compare"]["attrs"]
    combined, kpis = _read(folder, "compare-combined"), _read(folder, "compare-kpis")
    combined.attrs, kpis.attrs = attrs["combined"], attrs["kpis"]
    return combined, kpis


def comparison() -> Comparison:
    """The shipped comparison ``(combined, kpis)``, as :func:`common.compute_scenarios`."""
    return _comparison(FOLDER)


@functools.lru_cache(maxsize=2)
def _lesson(folder: Path) -> lesson.LessonResults:
    kpis = _read(folder, "lesson-kpis").set_index(["share", "replication"])
    frontier = Frontier(runs=_read(folder, "lesson-runs"), kpis=kpis)
    return lesson.LessonResults(frontier=frontier, fatigue=_read(folder, "lesson-fatigue"))


def lesson_results() -> lesson.LessonResults:
    """The shipped lesson results, as :func:`dashboard.lesson.compute`."""
    return _lesson(FOLDER)


# ---------------------------------------------------------------------------------------
# Writing them: python -m dashboard.warm --ship
# ---------------------------------------------------------------------------------------


def ship(compare_request: tuple, lesson_request: lesson.LessonRequest,
         folder: Path | None = None) -> list[Path]:
    """Compute the comparison and the lesson of the requests anew (fast engine, no cache)
    and write them with their manifest and the model's fingerprint to ``folder``
    (default :data:`FOLDER`); returns the files written.

    Raises
    ------
    RuntimeError
        When the canary's fingerprint differs between the fast and the reference engine
        (the engines must give the same tables; tests/test_engines.py says where).
    """
    folder = FOLDER if folder is None else folder
    fast, reference = canary_fingerprint("fast"), canary_fingerprint("reference")
    if fast != reference:
        raise RuntimeError("the canary's tables differ between the fast and the reference "
                           "engine; run tests/test_engines.py")
    comparison_now = common.compute_scenarios(*compare_request)
    results = lesson.compute(lesson_request)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables(comparison_now, results).items():
        path = folder / f"{name}.parquet"
        plain = frame.copy()
        plain.attrs = {}
        plain.to_parquet(path, index=False, compression="zstd", compression_level=19)
        written.append(path)
    combined, kpis = comparison_now
    data = {"fingerprint": fast,
            "canary": {"settings": CANARY, "scenarios": list(CANARY_SCENARIOS),
                       "shares": list(CANARY_SHARES), "frequencies": list(CANARY_FREQUENCIES)},
            "compare": {"request": _compare_request(compare_request),
                        "attrs": {"combined": combined.attrs, "kpis": kpis.attrs}},
            "lesson": {"request": _lesson_request(lesson_request)}}
    path = folder / "manifest.json"
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    _manifest.cache_clear()
    _comparison.cache_clear()
    _lesson.cache_clear()
    return [*written, path]


# ---------------------------------------------------------------------------------------
# On a page
# ---------------------------------------------------------------------------------------

#: Shown while :func:`checked` runs the canary.
CHECKING = ("Checking that the precomputed results match this model: a small test run "
            "of a few seconds, once per version of the code (right after installing it "
            "first compiles the network kernels, up to half a minute)")


def checked(what: str) -> bool:
    """:func:`model_matches`, with a status while the canary runs and a note when the
    shipped ``what`` cannot be used (the page then computes them)."""
    try:
        with st.spinner(CHECKING, show_time=True):
            matches = model_matches()
    except Exception as exc:  # noqa: BLE001 - shown as a message; the page computes
        st.warning(f"Could not check the precomputed {what} ({type(exc).__name__}: {exc}); "
                   "computing them instead.")
        return False
    if not matches:
        st.info(f"The {what} shipped with wom-sim were made by a model that gives other "
                f"numbers than this one, so they are computed anew (`{SHIP_COMMAND}` "
                "updates the shipped ones).")
    return matches


def source_note(what: str) -> str:
    """The caption that says shipped ``what`` are shown."""
    return (f"These {what} were precomputed and ship with wom-sim (dashboard/precomputed/); "
            "a test run just confirmed that this model gives the same numbers, so they are "
            "what **Run** would compute. Other settings are computed on request.")
