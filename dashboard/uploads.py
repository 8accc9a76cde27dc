"""Uploaded scenario files and edge lists, checked so that an upload reads nothing else.

An uploaded scenario is validated like a file of scenarios/ (its ``base`` may name a
shipped scenario). If it uses an edge list (``network.kind = "file"``), ``network.path``
must be either the file name of an edge list uploaded with it or the path of a network
shipped under data/ (relative to the repository, e.g.
``data/networks/facebook_combined.txt.gz``). Absolute paths, ``..``, symbolic links that
leave data/, files of data/ that are not edge lists and anything else are refused before
any file is opened, with a message that names the path as written and the networks on
offer, never a byte of any file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import tomllib
import uuid
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sim.errors import ScenarioError, WomError
from sim.scenario import Scenario, load_scenario

from .common import ROOT, SCENARIO_DIR, cache_dir

#: The folder of shipped data; its edge lists may be used by uploaded scenarios.
DATA_DIR = ROOT / "data"

#: Endings of edge-list files (each also gzip-compressed, ``.gz``).
EDGE_LIST_SUFFIXES = (".txt", ".csv", ".tsv", ".edges", ".el", ".edgelist")


def is_edge_list_name(name: str) -> bool:
    """Whether a file name ends like an edge list (``.txt``, ``.csv.gz``, ...)."""
    stem = name[:-3] if name.lower().endswith(".gz") else name
    return stem.lower().endswith(EDGE_LIST_SUFFIXES)


def shipped_networks(data_dir: Path | None = None) -> dict[str, Path]:
    """The edge lists shipped under data/: path as written in a scenario
    (``data/networks/NAME``) -> the real file. Links that lead out of data/ are left
    out."""
    folder = DATA_DIR if data_dir is None else data_dir
    real_folder = folder.resolve()
    out = {}
    for path in sorted(folder.rglob("*")):
        real = path.resolve()
        if (path.is_file() and is_edge_list_name(path.name)
                and real.is_relative_to(real_folder)):
            written = PurePosixPath(folder.name, path.relative_to(folder).as_posix())
            out[str(written)] = real
    return out


def store_network(filename: str, data: bytes) -> Path:
    """Keep an uploaded edge list where runs can read it; returns its path.

    The file goes to ``cache_dir()/networks/DIGEST/NAME`` (DIGEST from its bytes), so the
    path changes whenever the content does and cached results stay correct.

    Raises
    ------
    WomError
        For a name that is not a plain edge-list file name, or when the file cannot be
        stored.
    """
    name = Path(filename).name
    if name != filename or not is_edge_list_name(name):
        raise WomError(f"{filename}: not an edge-list file name (expected a name ending "
                       f"in {', '.join(EDGE_LIST_SUFFIXES)}, optionally .gz)")
    folder = cache_dir() / "networks" / hashlib.sha256(data).hexdigest()[:24]
    target = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not target.is_file():
            descriptor, part = tempfile.mkstemp(dir=folder, suffix=".part")
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(part, target)
    except OSError as exc:
        raise WomError(f"{filename}: cannot store the uploaded network "
                       f"({exc.strerror or type(exc).__name__})") from None
    return target


def _offer(networks: Mapping[str, Path]) -> str:
    uploaded = ", ".join(sorted(networks)) or "none uploaded"
    shipped = ", ".join(shipped_networks()) or "none"
    return (f"an uploaded scenario may use an edge list uploaded with it (uploaded: "
            f"{uploaded}) or one shipped under data/ ({shipped})")


def check_network_path(filename: str, path: Any, networks: Mapping[str, Path]) -> None:
    """Refuse a ``network.path`` of an uploaded scenario that is neither an uploaded
    edge list nor a shipped one (see the module docstring); opens no file.

    Raises
    ------
    ScenarioError
        Naming the upload, the key and the path as written.
    """
    if not isinstance(path, str):
        return  # the schema reports the wrong type
    where = f"{filename}: network.path: {path!r}"
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute() or \
            path.startswith(("~", "\\")):
        raise ScenarioError(f"{where} is an absolute path, refused: {_offer(networks)}")
    if ".." in parts:
        raise ScenarioError(f"{where} leaves its folder (..), refused: {_offer(networks)}")
    if path in networks or path in shipped_networks():
        return
    raise ScenarioError(f"{where} is not an uploaded or shipped network, refused: "
                        f"{_offer(networks)}")


def _load_in_sandbox(filename: str, data: bytes, base: str | None,
                     networks: Mapping[str, Path]) -> Scenario:
    """Load the upload from a temporary folder holding it, the shipped scenarios (when it
    has a base), links to the uploaded networks and to data/; messages name the upload."""
    with tempfile.TemporaryDirectory(prefix="wom-upload-") as tmp:
        folder = Path(tmp)
        if base is not None:
            for path in SCENARIO_DIR.glob("*.toml"):
                shutil.copyfile(path, folder / path.name)
        for name, stored in networks.items():
            (folder / name).symlink_to(stored)
        (folder / DATA_DIR.name).symlink_to(DATA_DIR, target_is_directory=True)
        target = folder / f"upload-{uuid.uuid4().hex}.toml"
        target.write_bytes(data)
        try:
            return load_scenario(target)
        except ScenarioError as exc:
            message = str(exc)
            for where in (str(target.resolve()), str(target)):
                message = message.replace(where, filename)
            for where in (str(folder.resolve()), str(folder)):
                message = message.replace(where + "/", "scenarios/")
            raise ScenarioError(message) from None


def parse_upload(filename: str, data: bytes,
                 networks: Mapping[str, Path] | None = None) -> tuple[str, Scenario]:
    """Validate an uploaded scenario file; returns (label, scenario).

    The upload is parsed with :mod:`tomllib`; its ``network.path`` is checked by
    :func:`check_network_path` before anything is read, then the file is validated by
    :func:`sim.load_scenario` as if it were in scenarios/ (its ``base``, if any, must be
    a shipped scenario). The label is the file's ``name`` if it sets one, else the file
    name without extension.

    Parameters
    ----------
    filename, data
        The uploaded file.
    networks
        Edge lists uploaded with it: file name -> stored path (:func:`store_network`).

    Raises
    ------
    ScenarioError
        Naming the uploaded file and the key: not UTF-8, not TOML, unknown key, wrong type,
        out-of-range value, a ``base`` that is not shipped, a refused network.
    """
    networks = dict(networks or {})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{filename}: not a text file (expected UTF-8 TOML)") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{filename}: not valid TOML: {exc}") from None
    base = raw.get("base")
    if base is not None:
        if not isinstance(base, str):
            raise ScenarioError(f"{filename}: base: expected a file name, found {base!r}")
        if Path(base).name != base or not (SCENARIO_DIR / base).is_file():
            shipped = ", ".join(sorted(p.name for p in SCENARIO_DIR.glob("*.toml")))
            raise ScenarioError(f"{filename}: base: {base!r} is not a shipped scenario; an "
                                f"uploaded file can extend one of: {shipped}")
    network = raw.get("network")
    if isinstance(network, dict) and "path" in network:
        check_network_path(filename, network["path"], networks)
    scenario = _load_in_sandbox(filename, data, base, networks)
    allowed = {p.resolve() for p in (*networks.values(), *shipped_networks().values())}
    if scenario.network.path is not None and scenario.network.path.resolve() not in allowed:
        raise ScenarioError(f"{filename}: network.path: refused: {_offer(networks)}")
    label = str(raw["name"]) if isinstance(raw.get("name"), str) and raw["name"] \
        else Path(filename).stem
    return label, scenario
