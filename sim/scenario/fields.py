"""What the schema says about each key, in one place: kind, bounds, role, ranges.

:func:`field_info` reads a key's declaration in :mod:`sim.scenario.schema` (its pydantic
annotation, bounds, default and description, and the role, unit, ``ui`` and ``sweep``
metadata of :mod:`sim.scenario.declare`) into a plain :class:`FieldInfo`. Everything
that lists or checks keys (``wom keys``, the README's key table, ``--param`` of sweeps,
the dashboard's widgets, the experiments' ranges) reads this instead of the schema.

Examples
--------
>>> info = field_info("ads.reach")
>>> info.kind, info.role, info.bounds.low, info.bounds.high
('float', 'lever', 0, 1)
>>> field_info("ads.cost_per_exposure").role
'market'
"""

from __future__ import annotations

import difflib
import functools
import shutil
import textwrap
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ..errors import ScenarioError
from .schema import Scenario
from .section import Section
from .toml import toml_value

Kind = Literal["float", "int", "bool", "choice", "str", "path", "list"]
Role = Literal["market", "lever", "run"]

#: Narrowest description column before ``wom keys`` puts meanings on their own lines.
MIN_MEANING_WIDTH = 30


@dataclass(frozen=True)
class Bounds:
    """The inclusive (``ge``, ``le``) and strict (``gt``, ``lt``) bounds of a number."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    @property
    def low(self) -> float | None:
        """The lower bound (inclusive or strict), None if unbounded below."""
        return self.ge if self.ge is not None else self.gt

    @property
    def high(self) -> float | None:
        """The upper bound (inclusive or strict), None if unbounded above."""
        return self.le if self.le is not None else self.lt

    def pairs(self) -> tuple[tuple[str, float], ...]:
        """The set bounds as (operator, bound) pairs, e.g. ``(("ge", 0.0), ("le", 1.0))``."""
        return tuple((op, float(getattr(self, op))) for op in ("ge", "gt", "le", "lt")
                     if getattr(self, op) is not None)

    def __str__(self) -> str:
        """``[0, 1]``, ``(0, 1]``, ``>= 0``, ``> 1``, ``<= 1`` or empty when unbounded."""
        low = None if self.low is None else f"{self.low:g}"
        high = None if self.high is None else f"{self.high:g}"
        if low is not None and high is not None:
            return (f"{'[' if self.ge is not None else '('}{low}, "
                    f"{high}{']' if self.le is not None else ')'}")
        if low is not None:
            return f"{'>=' if self.ge is not None else '>'} {low}"
        if high is not None:
            return f"{'<=' if self.le is not None else '<'} {high}"
        return ""


class UiRange(NamedTuple):
    """Range and step of a dashboard widget (None: unbounded on that side)."""

    low: float | None
    high: float | None
    step: float


class SweepRange(NamedTuple):
    """The range a sweep or experiment explores by default."""

    low: float
    high: float


@dataclass(frozen=True)
class FieldInfo:
    """Everything the schema declares about one scenario key.

    Attributes
    ----------
    key
        The dotted key, ``"ads.reach"`` (top-level keys have no dot: ``"name"``).
    kind
        ``float``, ``int``, ``bool``, ``choice`` (a string from ``choices``), ``str``,
        ``path`` or ``list``. A key that also takes a list (``network.blocks``) has the
        kind of its scalar form; one that takes words or a number
        (``network.weight_scale``) is a ``choice`` of its words.
    type_name
        The annotation as written, e.g. ``"float | None"``.
    optional
        Whether the key may be unset (None).
    choices
        The allowed values of a ``choice`` key (empty otherwise).
    bounds
        The schema's bounds of a number.
    default
        The default value.
    description
        What the key means.
    role
        ``market`` (the world a strategy meets), ``lever`` (what a strategy chooses) or
        ``run`` (how the simulation runs).
    unit
        The unit of the value, if declared.
    ui_range
        Range and step of a dashboard widget for a number: the schema's bounds narrowed
        by a declared ``ui`` range; step 1 for integers, else the declared step or 0.01
        (0.5 for floats unbounded above or above 10). None for other kinds.
    ui_choices
        The choices a dashboard widget offers (a declared subset, else ``choices``).
    shortlist
        Offered by short override pickers (the dashboard's compare page).
    sweep_range
        The declared default range of sweeps and experiments, or None.
    promotion
        A lever whose value above 0 switches the weekly promotions on.
    paid_per
        For a unit price the brand pays per unit of a weekly total: that total's name.
    """

    key: str
    kind: Kind
    type_name: str
    optional: bool
    choices: tuple[str, ...]
    bounds: Bounds
    default: Any
    description: str
    role: Role
    unit: str | None
    ui_range: UiRange | None
    ui_choices: tuple[str, ...]
    shortlist: bool
    sweep_range: SweepRange | None
    promotion: bool = False
    paid_per: str | None = None


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...], bool]:
    """(kind, choices, optional) of a schema annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice", typing.get_args(annotation), False
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        parts = [_kind(arg) for arg in args if arg is not type(None)]
        optional = type(None) in args
        choices = tuple(c for kind, cs, _ in parts if kind == "choice" for c in cs)
        if choices:  # words, or also a number (network.weight_scale): a choice key
            return "choice", choices, optional
        return parts[0][0], (), optional
    if origin is list:
        return "list", (), False
    kinds: dict[Any, Kind] = {bool: "bool", int: "int", float: "float", str: "str",
                              Path: "path"}
    return kinds[annotation], (), False


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("pathlib.", "")


def _ui_range(kind: Kind, bounds: Bounds, ui: dict[str, Any]) -> UiRange | None:
    if kind not in ("int", "float"):
        return None
    low, high = bounds.low, bounds.high
    if "min" in ui:
        low = ui["min"] if low is None else max(low, ui["min"])
    if "max" in ui:
        high = ui["max"] if high is None else min(high, ui["max"])
    if kind == "int":
        step: float = 1
    else:
        step = ui.get("step", 0.5 if high is None or high > 10 else 0.01)
    return UiRange(low, high, step)


def _info(key: str, field: Any) -> FieldInfo:
    """A :class:`FieldInfo` from a pydantic field of the schema."""
    kind, choices, optional = _kind(field.annotation)
    bounds = Bounds(**{op: getattr(item, op) for item in field.metadata
                       for op in ("ge", "gt", "le", "lt") if getattr(item, op, None) is not None})
    extra = field.json_schema_extra or {}
    ui = extra.get("ui", {})
    sweep = extra.get("sweep")
    return FieldInfo(
        key=key, kind=kind, type_name=_type_name(field.annotation), optional=optional,
        choices=choices, bounds=bounds, default=field.get_default(call_default_factory=True),
        description=field.description or "", role=extra["role"], unit=extra.get("unit"),
        ui_range=_ui_range(kind, bounds, ui), ui_choices=tuple(ui.get("choices", choices)),
        shortlist=bool(ui.get("shortlist", False)),
        sweep_range=None if sweep is None else SweepRange(*sweep),
        promotion=bool(extra.get("promotion", False)), paid_per=extra.get("paid_per"))


@functools.cache
def _table() -> dict[str, FieldInfo]:
    """Every key's info, in schema order (the schema does not change while running)."""
    out = {}
    for name, field in Scenario.model_fields.items():
        section = field.annotation
        if isinstance(section, type) and issubclass(section, Section):
            for sub, info in section.model_fields.items():
                out[f"{name}.{sub}"] = _info(f"{name}.{sub}", info)
        else:
            out[name] = _info(name, field)
    return out


def field_info(key: str) -> FieldInfo:
    """What the schema declares about one scenario key.

    Parameters
    ----------
    key
        A dotted key such as ``"ads.reach"`` (or a top-level key, ``"name"``).

    Returns
    -------
    FieldInfo

    Raises
    ------
    ScenarioError
        ``KEY: unknown scenario key (did you mean ...?)`` for a key not in the schema.
    """
    table = _table()
    if key in table:
        return table[key]
    section = key.partition(".")[0] + "."
    known = [k for k in table if k.startswith(section)] or list(table)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else " (wom keys lists them)"
    raise ScenarioError(f"{key}: unknown scenario key{hint}")


def fields() -> list[FieldInfo]:
    """Every scenario key's :class:`FieldInfo`, in schema order.

    Returns
    -------
    list of FieldInfo
    """
    return list(_table().values())


def market_keys() -> list[str]:
    """Keys that describe the market: scenarios compared with each other should share them.

    Returns
    -------
    list of str
        Dotted keys of role ``market``, in schema order.
    """
    return [info.key for info in fields() if info.role == "market"]


def lever_keys() -> list[str]:
    """Keys a brand's strategy chooses.

    Returns
    -------
    list of str
        Dotted keys of role ``lever``, in schema order.
    """
    return [info.key for info in fields() if info.role == "lever"]


def shortlist_keys() -> list[str]:
    """Keys offered by short override pickers (the dashboard's compare page).

    Returns
    -------
    list of str
        Dotted keys declared with ``ui={"shortlist": True}``, in schema order.
    """
    return [info.key for info in fields() if info.shortlist]


def value_of(scenario: Scenario, key: str) -> Any:
    """The value of a dotted key (``"ads.reach"``) in a scenario."""
    section, _, name = key.partition(".")
    return getattr(getattr(scenario, section), name) if name else getattr(scenario, section)


def promotion_keys() -> list[str]:
    """Levers that switch the weekly promotions on when above 0.

    Returns
    -------
    list of str
        Dotted keys declared with ``lever(..., promotion=True)``, in schema order.
    """
    return [info.key for info in fields() if info.promotion]


def unit_prices() -> list[tuple[str, str]]:
    """Unit prices the brand pays per unit of a weekly total (rewards, perks).

    Returns
    -------
    list of (str, str)
        (dotted key, name of the weekly total) for keys declared with
        ``lever(..., paid_per=...)``, in schema order.
    """
    return [(info.key, info.paid_per) for info in fields() if info.paid_per]


def parameter_table() -> list[tuple[str, str, str, str]]:
    """Every scenario key as (key.path, type, default, description), from the schema.

    Returns
    -------
    list of tuple of str
        The type as annotated (``"float | None"``) and the default as its ``repr``.
    """
    return [(info.key, info.type_name, repr(info.default), info.description)
            for info in fields()]


def _default_text(info: FieldInfo, code: str = "") -> str:
    """The default as a TOML literal (in ``code`` quotes), or ``unset``."""
    return "unset" if info.default is None else f"{code}{toml_value(info.default)}{code}"


def _meaning(info: FieldInfo) -> str:
    return info.description + (f" [{info.unit}]" if info.unit else "")


def _row(info: FieldInfo) -> tuple[str, str, str, str, str]:
    return info.key, info.kind, _default_text(info), str(info.bounds), info.role


def keys_text(width: int | None = None) -> str:
    """The ``wom keys`` listing: a header, then every key with its bounds, wrapped.

    Columns are the key, its kind, default, bounds and role, then its meaning wrapped
    to the width. When fewer than :data:`MIN_MEANING_WIDTH` columns remain for the
    meaning, it goes on indented lines below its key instead.

    Parameters
    ----------
    width
        Line width; None for the terminal's (:func:`shutil.get_terminal_size`).

    Returns
    -------
    str
        The listing, ending with a newline.
    """
    width = shutil.get_terminal_size().columns if width is None else width
    infos = fields()
    rows = [("KEY", "TYPE", "DEFAULT", "BOUNDS", "ROLE"), *(_row(info) for info in infos)]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    prefix = sum(widths) + 2 * len(widths)
    inline = width - prefix >= MIN_MEANING_WIDTH
    meanings = ["MEANING", *(_meaning(info) for info in infos)]
    lines = []
    for row, meaning in zip(rows, meanings, strict=True):
        head = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        if inline:
            wrapped = textwrap.wrap(meaning, width - prefix) or [""]
            lines.append(f"{head}  {wrapped[0]}".rstrip())
            lines.extend(" " * prefix + more for more in wrapped[1:])
        else:
            lines.append(head.rstrip())
            lines.extend(textwrap.wrap(meaning, max(width, MIN_MEANING_WIDTH),
                                       initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell (pipes and asterisks escaped)."""
    return text.replace("|", "\\|").replace("*", "\\*")


def keys_markdown() -> str:
    """Every scenario key as a Markdown table (the README's, ``wom keys --markdown``).

    Returns
    -------
    str
        The table (key, type, default, bounds, role, meaning), ending with a newline.
    """
    lines = ["| key | type | default | bounds | role | meaning |",
             "|---|---|---|---|---|---|"]
    for info in fields():
        lines.append(f"| `{info.key}` | {info.kind} | {_default_text(info, '`')} | "
                     f"{info.bounds} | {info.role} | {_cell(_meaning(info))} |")
    return "\n".join(lines) + "\n"
