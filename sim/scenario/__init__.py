"""Scenarios: the schema of every parameter, TOML loading, and what each key means.

- :mod:`sim.scenario.schema`: the pydantic sections; each key declares its type, bounds,
  default, description, role (market, lever or run), unit and ranges
  (:mod:`sim.scenario.declare`).
- :mod:`sim.scenario.load`: TOML files, ``base`` inheritance, ``--set`` overrides and
  the messages of bad input.
- :mod:`sim.scenario.fields`: :func:`field_info` and the listings built on it
  (``wom keys``, the README's key table).
"""

from ..errors import ScenarioError
from .fields import (
    Bounds,
    FieldInfo,
    SweepRange,
    UiRange,
    field_info,
    fields,
    keys_markdown,
    keys_text,
    lever_keys,
    market_keys,
    parameter_table,
    promotion_keys,
    shortlist_keys,
    unit_prices,
    value_of,
)
from .load import apply_overrides, load_scenario, parse_override, scenario_from_dict
from .schema import Scenario, SeedingConfig
from .section import Section
from .toml import dump_toml

__all__ = [
    "Bounds",
    "FieldInfo",
    "Scenario",
    "ScenarioError",
    "Section",
    "SeedingConfig",
    "SweepRange",
    "UiRange",
    "apply_overrides",
    "dump_toml",
    "field_info",
    "fields",
    "keys_markdown",
    "keys_text",
    "lever_keys",
    "load_scenario",
    "market_keys",
    "parameter_table",
    "promotion_keys",
    "parse_override",
    "scenario_from_dict",
    "shortlist_keys",
    "unit_prices",
    "value_of",
]
