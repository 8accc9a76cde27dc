"""Reading scenarios: TOML files, ``base`` inheritance, ``--set`` overrides, messages.

A scenario file may extend another with ``base = "other.toml"`` (a path relative to
the file). Tables are merged key by key, the extending file winning. Paths inside a
file (``base``, ``network.path``) are relative to that file; paths given with
``--set`` are relative to the working directory. For an edge-list network, a
``population.size`` inherited from a base gives way to the file's number of consumers.
A bad file or override raises one :class:`~sim.errors.ScenarioError` with a line per
problem naming the file (or the ``--set`` item), the key path and what was expected.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ScenarioError
from .schema import Scenario


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, expected a TOML file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at line "
                            f"{line}, column {column})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve_file(path: Path, chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any],
                                                                     dict[str, Any]]:
    """Read a scenario file and the files it extends, with paths made absolute.

    Returns the merged scenario and the file's own keys (without its bases').
    """
    data = _read_toml(path)
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ScenarioError(f"{chain[0]}: base: inheritance cycle: {cycle}")
    net = data.get("network")
    if isinstance(net, dict) and isinstance(net.get("path"), str):
        net["path"] = str((path.parent / net["path"]).resolve())
    base = data.pop("base", None)
    if base is None:
        return data, data
    if not isinstance(base, str):
        raise ScenarioError(f"{path}: base: expected a file name, found {base!r}")
    base_path = path.parent / base
    if not base_path.is_file():
        raise ScenarioError(f"{path}: base: no such scenario file {base_path}")
    inherited, _ = _resolve_file(base_path, (*chain, path))
    return _merge(inherited, data), data


def _size_from_edge_list(data: dict[str, Any], own: dict[str, Any],
                         overridden: set[str]) -> dict[str, Any]:
    """``data`` without an inherited ``population.size`` when the network is a file.

    An edge list fixes the population, so a size that comes from a base scenario (set for
    its generated network) gives way to the file's count. A size the scenario file sets
    itself, or ``--set`` does, stays and must match the file (:mod:`sim.network.build`).
    """
    net, pop = data.get("network"), data.get("population")
    if not (isinstance(net, dict) and net.get("kind") == "file"
            and isinstance(pop, dict) and "size" in pop):
        return data
    own_pop = own.get("population")
    if isinstance(own_pop, dict) and "size" in own_pop:
        return data
    if any("population.size.".startswith(key + ".") for key in overridden):
        return data
    return {**data, "population": {k: v for k, v in pop.items() if k != "size"}}


def parse_override(item: str) -> tuple[list[str], Any]:
    """Parse one ``--set`` item ``key.path=value``.

    Parameters
    ----------
    item
        ``KEY.PATH=VALUE``; VALUE is read as a TOML literal (``3``, ``0.5``, ``true``,
        ``[0, 5]``, ``"text"``), else taken as a plain string.

    Returns
    -------
    tuple of (list of str, value)
        The key path split at the dots, and the value.

    Raises
    ------
    ScenarioError
        Without ``=`` or with an empty key part.

    Examples
    --------
    >>> parse_override("seeding.nodes=[0, 5]")
    (['seeding', 'nodes'], [0, 5])
    """
    key, sep, text = item.partition("=")
    keys = key.strip().split(".")
    if not sep or not all(k.strip() for k in keys):
        raise ScenarioError(f"--set {item}: expected KEY.PATH=VALUE, e.g. run.seed=3")
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    return [k.strip() for k in keys], value


def apply_overrides(data: dict[str, Any], overrides: list[str] | dict[str, Any]) -> dict[str, Any]:
    """Set dotted-key overrides in a scenario dict (a new dict; the input is untouched).

    Parameters
    ----------
    data
        A scenario as a plain dict (TOML tables as dicts).
    overrides
        ``["key.path=value", ...]`` (parsed by :func:`parse_override`) or a dict
        ``{"key.path": value}``.

    Returns
    -------
    dict
        ``data`` with the values set (not validated: see :func:`scenario_from_dict`).

    Raises
    ------
    ScenarioError
        When a key path goes through a value that is not a table.
    """
    items = (
        [(k.split("."), v) for k, v in overrides.items()]
        if isinstance(overrides, dict)
        else [parse_override(o) for o in overrides]
    )
    out = json.loads(json.dumps(data, default=str))
    for keys, value in items:
        node = out
        for k in keys[:-1]:
            child = node.setdefault(k, {})
            if not isinstance(child, dict):
                raise ScenarioError(f"--set {'.'.join(keys)}: {k} is not a table")
            node = child
        node[keys[-1]] = value
    return out


def _format_errors(exc: ValidationError, source: str, overridden: set[str]) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        from_set = [k for k in overridden if loc and (k == loc or k.startswith(loc + "."))]
        where = f"--set {from_set[0]}" if from_set else f"{source}: {loc or 'scenario'}"
        if err["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key")
            continue
        msg = err["msg"].removeprefix("Value error, ")
        found = f" (found {err['input']!r})" if err["type"] != "value_error" else ""
        lines.append(f"{where}: {msg}{found}")
    return "\n".join(lines)


def scenario_from_dict(
    data: dict[str, Any], *, source: str = "<scenario>", overridden: set[str] | None = None
) -> Scenario:
    """Validate a plain dict as a :class:`~sim.scenario.schema.Scenario`.

    Parameters
    ----------
    data
        The scenario as a plain dict.
    source
        What the errors name as the origin (a file name).
    overridden
        Dotted keys set by ``--set``: errors about them name ``--set KEY`` instead.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        One line per problem: ``source: key.path: what was expected (found ...)``.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(exc, source, overridden or set())) from None


def load_scenario(
    path: str | Path, overrides: list[str] | dict[str, Any] | None = None
) -> Scenario:
    """Load a scenario TOML file, resolve ``base`` inheritance and apply overrides.

    Parameters
    ----------
    path
        The scenario file.
    overrides
        ``["key.path=value", ...]`` (values are TOML literals, e.g.
        ``"seeding.nodes=[0, 5]"``) or a dict ``{"key.path": value}``.

    Raises
    ------
    ScenarioError
        With one line per problem: ``file: key.path: what was expected (found ...)``.

    Examples
    --------
    >>> sc = load_scenario("scenarios/bass.toml", ["run.steps=10"])  # doctest: +SKIP
    """
    path = Path(path)
    data, own = _resolve_file(path)
    overridden: set[str] = set()
    if overrides:
        data = apply_overrides(data, overrides)
        keys = overrides.keys() if isinstance(overrides, dict) else [
            o.partition("=")[0].strip() for o in overrides
        ]
        overridden = set(keys)
    data = _size_from_edge_list(data, own, overridden)
    return scenario_from_dict(data, source=str(path), overridden=overridden)

