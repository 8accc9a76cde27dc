"""Argument types shared by the ``wom`` subcommands (argparse ``type=`` functions)."""

from __future__ import annotations

import argparse


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
