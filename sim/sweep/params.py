"""Swept parameters: ``--param KEY=SPEC`` parsed and checked against the scenario schema.

What the schema says about a key (kind, choices, bounds) comes from
:func:`sim.scenario.field_info`, the one reader of the pydantic models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import ScenarioError, WomError
from ..scenario import field_info

__all__ = ["Kind", "Param", "parse_param"]

# Keys a sweep sets itself: one seed and one replication count for every point.
_RESERVED = {"run.seed": "--seed", "run.replications": "--replications"}

Kind = Literal["int", "float", "bool", "choice"]
SWEEPABLE = ("int", "float", "bool", "choice")


@dataclass(frozen=True)
class Param:
    """A swept scenario key.

    Attributes
    ----------
    key
        ``section.field`` of the scenario schema.
    spec
        The SPEC text as given (``0.1,0.2`` or ``start:stop:count``).
    kind
        ``int``, ``float``, ``bool`` or ``choice`` (a string from a fixed set), from the
        schema's annotation.
    values
        The listed values (grid), typed by ``kind``.
    """

    key: str
    spec: str
    kind: Kind
    values: tuple[Any, ...]

    @property
    def bounds(self) -> tuple[float, float]:
        """(min, max) of the values: the sampling range of lhs, sobol and morris."""
        if self.kind not in ("int", "float"):
            raise WomError(f"--param {self.key}={self.spec}: {self.kind} values have no range")
        return float(min(self.values)), float(max(self.values))


def _check_bounds(where: str, value: float, limits: list[tuple[str, float]]) -> None:
    words = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    ok = {"ge": value.__ge__, "gt": value.__gt__, "le": value.__le__, "lt": value.__lt__}
    for op, bound in limits:
        if not ok[op](bound):
            raise WomError(f"{where}: {_show(value)} is out of bounds: the value must be "
                           f"{words[op]} {_show(bound)}")


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _number(where: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise WomError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise WomError(f"{where}: {text!r} is not a finite number")
    return value


def _clean(value: float) -> float:
    """Drop linspace rounding noise (0.30000000000000004 -> 0.3): 12 significant digits."""
    return float(f"{value:.12g}")


def _typed(where: str, kind: Kind, choices: tuple[Any, ...], value: Any) -> Any:
    if kind == "int":
        if isinstance(value, float):
            if abs(value - round(value)) > 1e-9:
                raise WomError(f"{where}: {_show(value)} is not an integer (the key is an "
                               "integer)")
            value = round(value)
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    if value not in choices:
        raise WomError(f"{where}: {value!r} is not one of {', '.join(map(str, choices))}")
    return value


def _range(where: str, spec: str) -> list[Any]:
    """The values of ``start:stop:count`` (inclusive, like :func:`numpy.linspace`)."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise WomError(f"{where}: a range is start:stop:count, e.g. 0:1:11")
    start, stop = _number(where, parts[0]), _number(where, parts[1])
    try:
        count = int(parts[2])
    except ValueError:
        raise WomError(f"{where}: the count {parts[2]!r} of start:stop:count is not an "
                       "integer") from None
    if count < 1 or (count == 1 and start != stop):
        raise WomError(f"{where}: the count of start:stop:count must be >= 2 "
                       "(or 1 with start = stop)")
    return [_clean(v) for v in np.linspace(start, stop, count)]


def _listed(where: str, spec: str, kind: Kind) -> list[Any]:
    """The values of a comma-separated list, read as ``kind``."""
    raw: list[Any] = []
    for text in spec.split(","):
        text = text.strip()
        if not text:
            raise WomError(f"{where}: empty value in the list")
        if kind in ("int", "float"):
            raw.append(_number(where, text))
        elif kind == "bool":
            if text.lower() not in ("true", "false"):
                raise WomError(f"{where}: {text!r} is not true or false")
            raw.append(text.lower() == "true")
        else:
            raw.append(text.strip("\"'"))
    return raw


def _check_design(param: Param, design: str, where: str) -> None:
    """lhs, sobol and morris sample a numeric range of two different ends."""
    if design == "grid":
        return
    if param.kind not in ("int", "float"):
        raise WomError(f"{where}: the {design} design needs numeric keys; "
                       f"{param.key} is a {param.kind}")
    low, high = param.bounds
    if low == high:
        raise WomError(f"{where}: the {design} design samples between the smallest and "
                       "largest value: give two different values")


def parse_param(item: str, design: str = "grid") -> Param:
    """Parse one ``--param KEY=SPEC`` against the scenario schema.

    Parameters
    ----------
    item
        ``KEY=SPEC``: KEY a scenario key (``section.field``), SPEC a comma-separated
        list (``0.1,0.2,0.5``) or an inclusive range ``start:stop:count`` (like
        :func:`numpy.linspace`: ``0:1:11`` is 0, 0.1, ..., 1). Booleans and choices
        (e.g. ``seeding.strategy=random,degree``) take lists and only the grid design.
    design
        The sweep design; ``lhs``, ``sobol`` and ``morris`` take the range from the
        minimum and maximum of SPEC and need a numeric key with two different values.

    Returns
    -------
    Param

    Raises
    ------
    WomError
        Naming the parameter: no ``=``, empty SPEC, malformed range, unknown key, a
        key that cannot be swept (lists, paths, ``run.seed``), a value of the wrong
        type, outside the field's bounds or repeated.

    Examples
    --------
    >>> parse_param("diffusion.p=0:0.1:3").values
    (0.0, 0.05, 0.1)
    """
    key, sep, spec = item.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key:
        raise WomError(f"--param {item}: expected KEY=SPEC, e.g. diffusion.p=0.01,0.03 or "
                       "diffusion.p=0:0.1:11")
    where = f"--param {key}={spec}"
    if key in _RESERVED:
        raise WomError(f"--param {key}: every point runs with the same {key}; "
                       f"use {_RESERVED[key]}")
    try:
        info = field_info(key)
    except ScenarioError as exc:
        raise WomError(f"--param {exc}") from None
    if info.kind not in SWEEPABLE:
        raise WomError(f"--param {key}: cannot sweep a key of type {info.type_name}; "
                       "sweepable keys are numbers, booleans and choices")
    kind: Kind = info.kind
    choices = info.choices
    if not spec:
        raise WomError(f"{where}: empty SPEC: give a list (a,b,c) or a range start:stop:count")
    if ":" in spec:
        if kind not in ("int", "float"):
            raise WomError(f"{where}: a range needs a numeric key; {key} takes a list")
        raw = _range(where, spec)
    else:
        raw = _listed(where, spec, kind)
    values = tuple(_typed(where, kind, choices, v) for v in raw)
    if len(set(values)) != len(values):
        raise WomError(f"{where}: repeated value")
    if kind in ("int", "float"):
        limits = list(info.bounds.pairs())
        for value in values:
            _check_bounds(where, float(value), limits)
    param = Param(key, spec, kind, values)
    _check_design(param, design, where)
    return param
