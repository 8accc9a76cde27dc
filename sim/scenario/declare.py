"""How a schema key declares itself: a pydantic ``Field`` with its role, unit and ranges.

Each key of :mod:`sim.scenario.schema` is declared with :func:`market`, :func:`lever` or
:func:`run_setting`. The metadata lands in the field's ``json_schema_extra`` (so it is
also in the JSON schema) and :mod:`sim.scenario.fields` reads it back.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_core import PydanticUndefined

#: What a key describes: the market, a strategy's lever or the run.
ROLES = ("market", "lever", "run")


def _key(role: str, default: Any, description: str, unit: str | None,
         ui: dict[str, Any] | None, sweep: tuple[float, float] | None,
         constraints: dict[str, Any], **brand: Any) -> Any:
    extra: dict[str, Any] = {"role": role}
    extra.update({name: value for name, value in brand.items() if value})
    if unit is not None:
        extra["unit"] = unit
    if ui is not None:
        extra["ui"] = ui
    if sweep is not None:
        extra["sweep"] = list(sweep)
    return Field(default, description=description, json_schema_extra=extra, **constraints)


def market(default: Any = PydanticUndefined, *, description: str, unit: str | None = None,
           ui: dict[str, Any] | None = None, sweep: tuple[float, float] | None = None,
           **constraints: Any) -> Any:
    """A pydantic ``Field`` for a key of the market (role ``"market"``).

    Parameters
    ----------
    default
        The default value (or give ``default_factory`` in ``constraints``).
    description
        What the key means, shown by ``wom keys``, the README and the dashboard.
    unit
        The unit of the value, if any (``"currency"``, ``"weeks"``, ...).
    ui
        Dashboard widget range: ``{"min", "max", "step"}``, optionally ``"choices"``
        (the subset a widget offers) and ``"shortlist": True`` (offered by short
        override pickers).
    sweep
        ``(low, high)``: the range sweeps and experiments explore by default.
    **constraints
        Passed to :func:`pydantic.Field` (``ge``, ``gt``, ``le``, ``lt``,
        ``default_factory``).

    Returns
    -------
    pydantic.fields.FieldInfo
    """
    return _key("market", default, description, unit, ui, sweep, constraints)


def lever(default: Any = PydanticUndefined, *, description: str, unit: str | None = None,
          ui: dict[str, Any] | None = None, sweep: tuple[float, float] | None = None,
          promotion: bool = False, paid_per: str | None = None, **constraints: Any) -> Any:
    """A pydantic ``Field`` for a lever a strategy chooses (role ``"lever"``).

    Parameters
    ----------
    promotion
        A value above 0 switches the weekly promotions on (the brand runs them while
        ``promotions.weeks`` and the budget last).
    paid_per
        The lever is a unit price the brand pays for each unit of this weekly total of
        :data:`sim.commerce.state.TOTALS` (``"referrals"``, ``"redemptions"``, ...).
    default, description, unit, ui, sweep, **constraints
        As :func:`market`.

    Returns
    -------
    pydantic.fields.FieldInfo
    """
    return _key("lever", default, description, unit, ui, sweep, constraints,
                promotion=promotion, paid_per=paid_per)


def run_setting(default: Any = PydanticUndefined, *, description: str,
                unit: str | None = None, ui: dict[str, Any] | None = None,
                sweep: tuple[float, float] | None = None, **constraints: Any) -> Any:
    """A pydantic ``Field`` for a setting of the run (role ``"run"``).

    Parameters and return value as :func:`market`.
    """
    return _key("run", default, description, unit, ui, sweep, constraints)
