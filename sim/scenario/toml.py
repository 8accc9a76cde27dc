"""Writing a resolved scenario back to TOML text (tomllib only reads)."""

from __future__ import annotations

import json
from typing import Any


def toml_value(value: Any) -> str:
    """A value as a TOML literal: ``true``, ``0.5``, ``"text"``, ``[1, 2]``.

    Parameters
    ----------
    value
        A bool, number, string or list of them.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        For any other value (a table is written by :func:`dump_toml`).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def dump_toml(data: dict[str, Any]) -> str:
    """Write a two-level dict (top keys and tables) as TOML.

    Parameters
    ----------
    data
        Top-level values and tables (dicts of values), as ``Scenario.model_dump``.

    Returns
    -------
    str
        TOML text that :mod:`tomllib` reads back to ``data``.
    """
    lines = [f"{k} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, table in data.items():
        if isinstance(table, dict):
            lines.append(f"\n[{key}]")
            lines.extend(f"{k} = {toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"

