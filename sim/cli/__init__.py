"""The ``wom`` command line: every sub-command's arguments, one module per group.

:mod:`~sim.cli.run` (run, compare, keys, bench, validate), :mod:`~sim.cli.sweep`
(sweep, analyze), :mod:`~sim.cli.robustness` (robustness), :mod:`~sim.cli.fit`
(fit-bass), :mod:`~sim.cli.dashboard` (dashboard); :mod:`~sim.cli.types` holds the
shared argument types. Bad input (scenario file, key, value, network file) ends with one
message on stderr and exit code 2, never a traceback. A command that compiles numba
kernels says so on stderr when it starts compiling (:func:`sim.jit.announce_compiles`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import jit
from ..errors import WomError
from .dashboard import add_dashboard_parser, cmd_dashboard
from .fit import add_fit_parser, cmd_fit_bass
from .robustness import add_robustness_parser, cmd_robustness
from .run import (
    add_run_parsers,
    add_validate_parser,
    cmd_bench,
    cmd_compare,
    cmd_keys,
    cmd_run,
    cmd_validate,
)
from .sweep import add_analyze_parser, add_sweep_parser, cmd_analyze, cmd_sweep

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS = {"run": cmd_run, "compare": cmd_compare, "keys": cmd_keys, "bench": cmd_bench,
            "validate": cmd_validate, "dashboard": cmd_dashboard, "sweep": cmd_sweep,
            "analyze": cmd_analyze, "fit-bass": cmd_fit_bass, "robustness": cmd_robustness}


def build_parser() -> argparse.ArgumentParser:
    """The ``wom`` parser with every sub-command (see :data:`COMMANDS`)."""
    parser = argparse.ArgumentParser(
        prog="wom", description="Agent-based simulation of word-of-mouth commerce."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_run_parsers(sub)
    add_dashboard_parser(sub)
    add_sweep_parser(sub)
    add_analyze_parser(sub)
    add_robustness_parser(sub)
    add_fit_parser(sub)
    add_validate_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wom`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    jit.announce_compiles()
    try:
        return COMMANDS[args.command](args)
    except WomError as exc:
        print(f"wom: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wom: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``wom keys | head``): end quietly, and keep Python from
        # failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
