"""Exceptions that the command line turns into one clear message and exit code 2."""

from __future__ import annotations


class WomError(Exception):
    """Base class of every error caused by bad input (file, key, value, network)."""


class ScenarioError(WomError):
    """A scenario file or override is invalid (unknown key, wrong type, out of bounds)."""


class NetworkError(WomError):
    """A network cannot be built or loaded (missing file, malformed line, empty graph)."""
