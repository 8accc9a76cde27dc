"""One look for every page: scenario and stage colours, number formats, KPI labels.

Colours
    :func:`scenario_colours` gives each shipped scenario a fixed colour (the same on every
    page and chart, whatever else is shown) and every other name the next unused colour
    of :data:`SPARE_COLOURS`, in the order the names come, so adding a scenario never
    recolours the others. :data:`MIX_COLOUR` is for a blend of two strategies (the lesson
    page). :data:`STAGE_COLOURS` colours the funnel stages, :data:`CHANNEL_COLOURS` the
    acquisition channels. The colours come from the
    colourblind-safe palettes of Okabe and Ito (2008) and Tol (2021); customer (teal) and
    loyal (dark indigo) differ in hue and in lightness.
Numbers
    :func:`money` (thousands separators and the currency label), :func:`count` (whole
    numbers), :func:`percent` (ROI and other ratios in percent), :func:`format_kpi` (by
    the KPI's unit) and :func:`format_interval`. A missing value is never "None" or
    "nan": it reads :data:`MISSING` or a reason.
KPI labels
    :func:`kpi_label` and :func:`kpi_help` read :func:`sim.kpi_info.kpi_info`.

References
----------
Okabe, M., Ito, K. (2008). Color Universal Design: how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
Tol, P. (2021). Colour schemes. SRON/EPS/TN/09-002, https://personal.sron.nl/~pault/
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from sim.kpi_info import kpi_info

#: The shipped commerce scenarios (scenarios/NAME.toml), in menu order, with their colours.
SHIPPED_COLOURS: dict[str, str] = {
    "push": "#0072B2",               # blue
    "engagement": "#E69F00",         # orange
    "altimeter_stage1": "#009E73",   # bluish green
    "altimeter_stage2": "#CC79A7",   # reddish purple
    "altimeter_stage3": "#56B4E9",   # sky blue
    "altimeter_stage4": "#D55E00",   # vermillion
    "influencer_seeding": "#332288",  # indigo
    "over_promotion": "#882255",     # wine
    "group_buy": "#999933",          # olive
}
SHIPPED = tuple(SHIPPED_COLOURS)

#: A blend of two strategies (e.g. push and engagement): black, apart from both.
MIX_COLOUR = "#000000"

#: Colours for other scenario names (uploads, overrides), handed out in this order.
SPARE_COLOURS = ("#44AA99", "#AA4499", "#117733", "#661100", "#6699CC", "#888888",
                 "#DDAA33", "#CC6677")

#: Funnel stages (in :class:`sim.commerce.state.Stage` order) and their colours.
STAGE_COLOURS: dict[str, str] = {
    "unaware": "#CCCCCC",      # light grey
    "aware": "#88CCEE",        # pale cyan
    "considering": "#DDCC77",  # sand
    "customer": "#44AA99",     # teal
    "loyal": "#332288",        # dark indigo
    "lapsed": "#CC6677",       # rose
}

#: Acquisition channels (:data:`sim.commerce.state.CHANNEL_NAMES`) and their colours.
CHANNEL_COLOURS: dict[str, str] = {
    "seed": "#BBBBBB",        # grey: the starting customers
    "ad": "#0072B2",          # blue
    "peer": "#009E73",        # bluish green: word of mouth
    "influencer": "#CC79A7",  # reddish purple
    "review": "#F0E442",      # yellow
    "promotion": "#D55E00",   # vermillion
    "organic": "#56B4E9",     # sky blue
}

#: What a missing value reads.
MISSING = "—"

#: The currency label when a scenario sets none.
DEFAULT_CURRENCY = "$"


def scenario_colours(names: Iterable[str]) -> dict[str, str]:
    """A colour per scenario name: fixed for the shipped ones, the next unused spare for
    the others in the order given (after all spares, they repeat in the same order).

    Parameters
    ----------
    names
        Scenario labels, e.g. the order of a chart's legend.

    Returns
    -------
    dict
        Name -> ``"#RRGGBB"``, in the order of ``names`` (duplicates once).
    """
    names = list(dict.fromkeys(names))
    used = {SHIPPED_COLOURS[name] for name in names if name in SHIPPED_COLOURS}
    spares = [c for c in SPARE_COLOURS if c not in used] or list(SPARE_COLOURS)
    out, k = {}, 0
    for name in names:
        if name in SHIPPED_COLOURS:
            out[name] = SHIPPED_COLOURS[name]
        else:
            out[name] = spares[k % len(spares)]
            k += 1
    return out


def _finite(value: float | None) -> bool:
    """Whether ``value`` is a finite number (None, NaN, pandas.NA and text are not)."""
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def money(value: float | None, currency: str = DEFAULT_CURRENCY, *, decimals: int = 0,
          delta: bool = False) -> str:
    """An amount with thousands separators and the currency label.

    A symbol (``"$"``, ``"€"``) goes before the number (``"-$1,234"``), a code or word
    (``"EUR"``) after it (``"-1,234 EUR"``); ``delta`` adds a ``+`` to positive amounts.
    """
    if not _finite(value):
        return MISSING
    sign = "-" if value < 0 else ("+" if delta and value > 0 else "")
    number = f"{abs(value):,.{decimals}f}"
    if number.strip("0.,") == "":
        sign = "+" if delta else ""
    if any(ch.isalpha() for ch in currency):
        return f"{sign}{number} {currency}"
    return f"{sign}{currency}{number}"


def count(value: float | None, *, delta: bool = False) -> str:
    """A whole number with thousands separators (a mean of counts is rounded)."""
    if not _finite(value):
        return MISSING
    rounded = round(value) + 0  # + 0 turns -0 into 0
    return f"{rounded:+,d}" if delta else f"{rounded:,d}"


def percent(ratio: float | None, *, delta: bool = False, decimals: int = 1) -> str:
    """A ratio in percent (0.256 -> ``"25.6%"``); a difference of ratios in percentage
    points (0.1 -> ``"+10.0 pp"``)."""
    if not _finite(ratio):
        return MISSING
    if delta:
        return f"{100 * ratio:+,.{decimals}f} pp"
    return f"{100 * ratio:,.{decimals}f}%"


def _plain(value: float, decimals: int, delta: bool) -> str:
    value = round(float(value), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{value:+,.{decimals}f}" if delta else f"{value:,.{decimals}f}"


def format_kpi(kpi: str, value: float | None, currency: str = DEFAULT_CURRENCY, *,
               delta: bool = False) -> str:
    """A KPI value (or, with ``delta``, a signed difference) in the KPI's unit.

    Money is whole except per-customer amounts (CLV, cost per acquisition: cents); counts
    are whole; ROI and shares are percentages (differences in percentage points); NPS has
    one decimal, ratings two, ratios two with an "x". Missing values read
    :data:`MISSING`.
    """
    if not _finite(value):
        return MISSING
    unit = kpi_info(kpi).unit
    if unit == "money":
        per_customer = kpi.startswith("final_clv") or kpi == "cost_per_acquisition"
        return money(value, currency, decimals=2 if per_customer else 0, delta=delta)
    if unit in ("count", "step"):
        return count(value, delta=delta)
    if unit == "percent":
        return percent(value, delta=delta)
    if unit == "score":
        return _plain(value, 1, delta)
    if unit == "rating":
        return _plain(value, 2, delta) + ("" if delta else " ★")
    return _plain(value, 2, delta) + "x"


def format_interval(kpi: str, low: float | None, high: float | None,
                    currency: str = DEFAULT_CURRENCY, *, delta: bool = False) -> str:
    """A 95% interval in the KPI's unit, ``"[-99, +121]"`` (``delta``: signed ends), or
    :data:`MISSING` when an end is missing (n/a values, fewer than two replications)."""
    if not (_finite(low) and _finite(high)):
        return MISSING
    return (f"[{format_kpi(kpi, low, currency, delta=delta)}, "
            f"{format_kpi(kpi, high, currency, delta=delta)}]")


def format_estimate(kpi: str, value: float | None, low: float | None, high: float | None,
                    currency: str = DEFAULT_CURRENCY, *, delta: bool = False) -> str:
    """A value with its 95% interval, ``"+11 [-99, +121]"``; the value alone without an
    interval, :data:`MISSING` without a value."""
    if not _finite(value):
        return MISSING
    shown = format_kpi(kpi, value, currency, delta=delta)
    band = format_interval(kpi, low, high, currency, delta=delta)
    return shown if band == MISSING else f"{shown} {band}"


def kpi_label(kpi: str) -> str:
    """The KPI's short label (``"final_clv_ad"`` -> ``"CLV (ad)"``)."""
    return kpi_info(kpi).label


def kpi_help(kpi: str, currency: str = DEFAULT_CURRENCY) -> str:
    """The KPI's description with its name and unit, for a tooltip."""
    info = kpi_info(kpi)
    unit = {"money": f"in {currency}", "count": "a count", "percent": "in percent",
            "ratio": "a ratio", "score": "from -100 to 100", "rating": "1 to 5 stars",
            "step": "a step"}[info.unit]
    return f"{info.description} (`{kpi}`, {unit}; mean over replications.)"
