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


def _integer_up_to(text: str, minimum: int, maximum: int, why: str) -> int:
    """An integer from ``minimum`` to ``maximum``; ``why`` explains the upper bound."""
    value = _integer_at_least(text, minimum)
    if value > maximum:
        raise argparse.ArgumentTypeError(
            f"expected an integer from {minimum} to {maximum} ({why}), found {text}")
    return value


def seed(text: str) -> int:
    """A run seed: an integer from 0 to 2**63 - 1 (seeds are stored as signed 64-bit)."""
    return _integer_up_to(text, 0, MAX_SEED, "below 2**63")


def threads(text: str) -> int:
    """numba threads: an integer from 1 to the number numba may use (all cores)."""
    return _integer_up_to(text, 1, numba.config.NUMBA_NUM_THREADS, "the cores numba may use")


def port_number(text: str) -> int:
    """A TCP port, 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, found {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, found {value}")
    return value
