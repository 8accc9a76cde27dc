"""The "When does it pay?" page's data and charts: the robustness maps of push against
engagement (``wom robustness``, :mod:`sim.sweep.robustness`) that docs/findings.md
explains.

The maps are read from what the repository ships: docs/data/findings.csv (every point x
metric of every map, written by experiments/findings.py), docs/data/findings_sobol.csv
and the text of docs/findings.md, split into its sections. A directory written by
``wom robustness --out DIR`` can be read too (:func:`own_map`). A point has a winner only
where the paired 95% interval of the difference B - A excludes 0 (the one significance
rule, applied by :func:`sim.sweep.analyze_robustness`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import common, style
from sim.errors import WomError
from sim.sweep.robustness import RESULT

#: The manifest of a robustness map (written by ``wom robustness``).
MANIFEST = "robustness.json"

DOCS = common.ROOT / "docs"
FINDINGS = DOCS / "findings.md"
TABLE = DOCS / "data" / "findings.csv"
SOBOL = DOCS / "data" / "findings_sobol.csv"

#: The strategies of the shipped maps: A and B of ``wom robustness``.
LABELS = ("push", "engagement")

#: Mean degree per unit of each network degree key (the generators of
#: sim/scenario/schema.py: clustered and Barabasi-Albert attach m ties per consumer).
DEGREE_KEYS = {"network.m": 2.0, "network.mean_degree": 1.0, "network.k": 1.0}

#: Colour of points without a clear winner, and of points without a value.
NONE_COLOUR, MISSING_COLOUR = "#BBBBBB", "#F4F4F4"

#: What a point without a value (e.g. CLV before week 52) is called.
NO_VALUE = "no value"


@st.cache_data(show_spinner=False, max_entries=2)
def shipped_maps(stamp: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """docs/data/findings.csv and findings_sobol.csv (``stamp``: their newest change)."""
    return pd.read_csv(TABLE), pd.read_csv(SOBOL)


def shipped_stamp() -> float | None:
    """The newest change of the shipped tables, None when one is missing."""
    try:
        return max(TABLE.stat().st_mtime, SOBOL.stat().st_mtime)
    except OSError:
        return None


def sections(text: str) -> dict[str, str]:
    """docs/findings.md by ``## `` heading (the text before the first under ``""``), with
    the image lines left out (the page draws its own charts)."""
    out: dict[str, list[str]] = {"": []}
    current = ""
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        elif not line.startswith("# ") and not re.match(r"^!\[.*\]\(.*\)\s*$", line):
            out[current].append(line)
    return {title: "\n".join(lines).strip() for title, lines in out.items()}


def section(found: dict[str, str], prefix: str) -> str:
    """The section whose heading starts with ``prefix`` ("" when there is none)."""
    return next((body for title, body in found.items() if title.startswith(prefix)), "")


def winner_names(labels: tuple[str, str]) -> dict[str, str]:
    """``A``/``B``/``none`` -> what the chart's legend calls them."""
    return {"A": f"{labels[0]} wins", "B": f"{labels[1]} wins", "none": "no clear winner"}


def _winner_scale(labels: tuple[str, str]) -> alt.Scale:
    names = winner_names(labels)
    colours = style.scenario_colours(labels)
    return alt.Scale(domain=[names["A"], names["B"], names["none"], NO_VALUE],
                     range=[colours[labels[0]], colours[labels[1]], NONE_COLOUR,
                            MISSING_COLOUR])


def _frame(block: pd.DataFrame, metric: str, labels: tuple[str, str]) -> pd.DataFrame:
    """The rows of one metric with the texts the charts show."""
    data = block[block["metric"] == metric].copy()
    data["outcome"] = data["winner"].map(winner_names(labels)).where(data["diff"].notna(),
                                                                      NO_VALUE)
    data["difference"] = [style.format_kpi(metric, d, delta=True) for d in data["diff"]]
    data["interval"] = [style.format_interval(metric, lo, hi, delta=True)
                        for lo, hi in zip(data["low"], data["high"], strict=True)]
    data["label"] = [d if w != "none" or o == NO_VALUE else f"{d} (?)" for d, w, o in
                     zip(data["difference"], data["winner"], data["outcome"], strict=True)]
    return data


def tally(block: pd.DataFrame, metric: str, labels: tuple[str, str]) -> str:
    """``"engagement wins 4, push 3, no clear winner 2 of 9 points"`` (and how many
    points have no value)."""
    rows = block[block["metric"] == metric]
    counts = rows[rows["diff"].notna()]["winner"].value_counts()
    text = (f"{labels[1]} wins {counts.get('B', 0)}, {labels[0]} {counts.get('A', 0)}, "
            f"no clear winner {counts.get('none', 0)} of {int(counts.sum())} points")
    missing = int(rows["diff"].isna().sum())
    return text + (f" ({missing} more without a value)" if missing else "")


def grid_chart(block: pd.DataFrame, x: str, y: str, metric: str,
               labels: tuple[str, str], height: int = 300) -> alt.LayerChart:
    """A two-parameter map: each cell coloured by its winner, labelled with the mean
    difference B - A ("(?)": no clear winner), the interval on hover."""
    data = _frame(block, metric, labels)
    data["x"], data["y"] = data[x].map("{:g}".format), data[y].map("{:g}".format)
    sort_x = [f"{v:g}" for v in sorted(data[x].unique())]
    sort_y = [f"{v:g}" for v in sorted(data[y].unique(), reverse=True)]
    base = alt.Chart(data).encode(x=alt.X("x:O", title=x, sort=sort_x,
                                          axis=alt.Axis(labelAngle=0)),
                                  y=alt.Y("y:O", title=y, sort=sort_y))
    rect = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        color=alt.Color("outcome:N", title=None, scale=_winner_scale(labels),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("x:N", title=x), alt.Tooltip("y:N", title=y),
                 alt.Tooltip("outcome:N", title="verdict"),
                 alt.Tooltip("difference:N", title=f"{labels[1]} - {labels[0]}"),
                 alt.Tooltip("interval:N", title="95% interval"), alt.Tooltip("n:Q",
                                                                              title="pairs")])
    dark = f"datum.outcome == {json.dumps(winner_names(labels)['A'])}"  # white on A's colour
    text = base.mark_text(fontSize=12).encode(
        text="label:N", color=alt.condition(dark, alt.value("#FFFFFF"), alt.value("#000000")))
    return alt.layer(rect, text).properties(height=height)


def line_chart(block: pd.DataFrame, x: str, metric: str, labels: tuple[str, str],
               line: str | None = None, height: int = 300) -> alt.LayerChart:
    """The difference B - A with its 95% band against ``x``, one line per value of
    ``line``; points filled in the winner's colour (grey: no clear winner)."""
    data = _frame(block, metric, labels)
    data["line"] = data[line] if line else "difference"
    levels = sorted(data[x].dropna().unique().tolist())
    axis = alt.Axis(values=levels) if len(levels) <= 12 else alt.Axis()
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", title=x, scale=alt.Scale(zero=False),
                                          axis=axis))
    band = base.mark_area(opacity=0.12, color="#888888").encode(
        y=alt.Y("low:Q", title=f"{style.kpi_label(metric)}: {labels[1]} - {labels[0]}"),
        y2="high:Q", detail="line:N")
    path = base.mark_line(color="#555555").encode(
        y="diff:Q", detail="line:N",
        strokeDash=alt.StrokeDash("line:N", title=line, legend=alt.Legend(orient="bottom")
                                  if line else None))
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        y="diff:Q", color=alt.Color("outcome:N", title=None, scale=_winner_scale(labels),
                                    legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("line:N", legend=None),
        tooltip=[alt.Tooltip("line:N", title=line or ""), alt.Tooltip(f"{x}:Q"),
                 alt.Tooltip("outcome:N", title="verdict"),
                 alt.Tooltip("difference:N", title=f"{labels[1]} - {labels[0]}"),
                 alt.Tooltip("interval:N", title="95% interval")])
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#000000").encode(y="zero:Q")
    return alt.layer(band, zero, path, points).properties(height=height)


def network_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The network maps with ``kind`` and ``mean degree`` (nominal: 2 m for the m key)."""
    parts = []
    for name, block in table[table["map"].str.startswith("network_")].groupby("map"):
        key = next(k for k in DEGREE_KEYS if k in block and block[k].notna().any())
        part = block.assign(kind=str(name).removeprefix("network_"))
        part["mean degree"] = part[key].astype(float) * DEGREE_KEYS[key]
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def sobol_chart(sobol: pd.DataFrame, metric: str, height: int = 260) -> alt.LayerChart:
    """Total Sobol' indices of the difference with their 95% bootstrap intervals."""
    data = sobol[sobol["metric"] == metric].copy()
    data["low"] = data["ST"] - data["ST_conf"]
    data["high"] = data["ST"] + data["ST_conf"]
    order = data.sort_values("ST", ascending=False)["parameter"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("parameter:N", sort=order, title=None))
    bars = base.mark_bar(color="#888888").encode(
        x=alt.X("ST:Q", title="total Sobol' index ST of the difference"),
        tooltip=["parameter:N", alt.Tooltip("ST:Q", format=".2f"),
                 alt.Tooltip("ST_conf:Q", format=".2f", title="± (95%)"),
                 alt.Tooltip("S1:Q", format=".2f")])
    rule = base.mark_rule(color="#000000").encode(x="low:Q", x2="high:Q")
    return alt.layer(bars, rule).properties(height=height)


def own_map(folder: Path) -> tuple[pd.DataFrame, tuple[str, str], list[str]]:
    """The table of a finished ``wom robustness --out DIR`` directory
    (``DIR/robustness.csv``), its labels and its swept keys.

    Raises
    ------
    WomError
        When ``folder`` holds no robustness map or its table is not written yet.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise WomError(f"{folder}: not a robustness map (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise WomError(f"{folder / MANIFEST}: cannot read it: {exc}") from None
    if not (folder / RESULT).is_file():
        raise WomError(f"{folder}: the map has no {RESULT} yet; finish it with the same "
                       "`wom robustness ... --out` command")
    table = pd.read_csv(folder / RESULT)
    labels = tuple(manifest.get("labels") or ("A", "B"))
    return table, (labels[0], labels[1]), [p["key"] for p in manifest.get("params", [])]


def finite_keys(block: pd.DataFrame, keys: list[str]) -> list[str]:
    """The swept keys with a value in ``block`` (others belong to other maps)."""
    return [k for k in keys if k in block and block[k].notna().any()
            and np.issubdtype(block[k].dtype, np.number)]
