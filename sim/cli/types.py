"""Argument types shared by the ``wom`` subcommands (argparse ``type=`` functions)."""

from __future__ import annotations

import argparse

import numba

from ..scenario.section import MAX_SEED


def _integer_at_least(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= {minimum}, found {text}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, found {text}")
    return value


def positive(text: str) -> int:
    """An integer >= 1."""
    return _integer_at_least(text, 1)


def nonnegative(text: str) -> int:
    """An integer >= 0."""
    return _integer_at_least(text, 0)


def seed(text: str) -> int:
    """A run seed: an integer from 0 to 2**63 - 1 (seeds are stored as signed 64-bit)."""
    value = _integer_at_least(text, 0)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 0 to {MAX_SEED} (below 2**63), found {text}")
    return value


def threads(text: str) -> int:
    """numba threads: an integer from 1 to the number numba may use (all cores)."""
    limit = numba.config.NUMBA_NUM_THREADS
    value = _integer_at_least(text, 1)
    if value > limit:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 1 to {limit} (the cores numba may use), found {text}")
    return value


def port_number(text: str) -> int:
    """A TCP port, 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, found {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, found {value}")
    return value
