"""docs/calibration.md documents every market parameter exactly once.

Its table "Every market parameter" has one row per key of :func:`sim.scenario.market_keys`:
the key (first column), its value in the default market, and where the value comes from
(a source with its number, "tuned (to: ...)" with the fact, "assumed", "convention" or
"not used" by the default market).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import load_scenario, market_keys, value_of

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "docs" / "calibration.md"
HEADER = "| key | value | source or tuned | notes |"
ORIGINS = ("source", "tuned (to: ", "assumed", "convention", "not used")


def parameter_rows(text: str) -> list[list[str]]:
    """The cells of the rows of the parameter table (the one under :data:`HEADER`)."""
    lines = text.splitlines()
    start = lines.index(HEADER) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return parameter_rows(CALIBRATION.read_text(encoding="utf-8"))


def test_every_market_key_is_in_the_table_once(rows):
    keys = [row[0].strip("`") for row in rows]
    assert sorted(set(keys)) == sorted(keys), "a key is listed twice"
    missing = set(market_keys()) - set(keys)
    assert not missing, f"market keys missing from docs/calibration.md: {sorted(missing)}"
    assert not set(keys) - set(market_keys()), "the table lists keys that are not market keys"


def test_every_row_says_where_its_value_comes_from(rows):
    for row in rows:
        assert len(row) == 4, row
        assert row[2].startswith(ORIGINS), row
        if row[2].startswith("tuned"):
            assert len(row[2]) > len("tuned (to: )") + 5, row


def test_values_are_those_of_the_default_market(rows):
    market = load_scenario(ROOT / "scenarios" / "market.toml")
    for key, value, *_ in rows:
        actual = value_of(market, key.strip("`"))
        if actual is None:
            assert value == "unset", (key, value)
        elif isinstance(actual, float):
            assert float(value.replace(",", "")) == actual, (key, value, actual)
        else:
            assert value.strip("`").replace(",", "") == str(actual).lower(), (key, value)


def test_the_parser_sees_a_missing_key():
    text = CALIBRATION.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `wom.beta` |"))
    keys = {r[0].strip("`") for r in parameter_rows(text.replace(row + "\n", ""))}
    assert "wom.beta" not in keys and "wom.talk_rate" in keys
