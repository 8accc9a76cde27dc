"""``wom dashboard``: start the Streamlit dashboard (dashboard/app.py) in a subprocess.

The ``sim`` package never imports the dashboard: this module only locates the installed
``dashboard`` package (without importing it) and runs ``streamlit run`` on its
``app.py`` (through :mod:`dashboard.serve`), bound to 127.0.0.1 unless ``--host`` says
otherwise (any other address gets a warning on stderr first). Next to the server it
starts ``python -m dashboard.warm --background``, which checks that the default results shipped with
the dashboard match this model (a small canary run) and otherwise computes them into the
dashboard's disk cache, so the first visit finds them ready.
"""

from __future__ import annotations

import argparse
import importlib.util
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..errors import WomError
from .types import port_number

DEFAULT_PORT = 8501
DEFAULT_HOST = "127.0.0.1"

#: Addresses that only this machine can reach: no warning.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def app_path() -> Path:
    """The dashboard's ``app.py`` (WomError if the ``dashboard`` package is not installed)."""
    spec = importlib.util.find_spec("dashboard")
    if spec is None or not spec.submodule_search_locations:
        raise WomError("dashboard: the dashboard package is not installed (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "app.py"


def add_dashboard_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``dashboard [--port N] [--host H]`` to the ``wom`` sub-command parsers."""
    parser = subparsers.add_parser(
        "dashboard", help="start the Streamlit dashboard (compare, lesson, network, sweeps)",
        description="Start the dashboard and print its address. It listens on 127.0.0.1 "
                    "(this machine only) unless --host says otherwise; Ctrl+C stops it.")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                        help=f"port to listen on (default: {DEFAULT_PORT})")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default: {DEFAULT_HOST}; 0.0.0.0 "
                             "exposes the dashboard to the network, with a warning)")
    parser.add_argument("--no-precompute", action="store_true",
                        help="do not check or compute the default results in the "
                             "background when the server starts")
    return parser


def host_warning(host: str) -> str | None:
    """The warning for a listening address other than this machine's (None if local)."""
    if host in LOCAL_HOSTS:
        return None
    return (f"wom: warning: the dashboard listens on {host}, not only on this machine: "
            "anyone who can reach this address can run simulations here and upload "
            "scenario files (uploads can only use their own or shipped networks). Use "
            f"--host {DEFAULT_HOST} (the default) unless that is intended.")


def dashboard_command(port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> list[str]:
    """The ``streamlit run`` command line of the dashboard.

    Parameters
    ----------
    port, host
        Where the server listens.

    Returns
    -------
    list of str
        The command, ``python -m dashboard.serve run .../dashboard/app.py ...``
        (:mod:`dashboard.serve`: ``streamlit run`` with the pages' modules imported
        before the first visit).
    """
    return [sys.executable, "-m", "dashboard.serve", "run", str(app_path()),
            "--server.port", str(port), "--server.address", host,
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Run the dashboard until it stops; returns streamlit's exit code.

    Raises
    ------
    WomError
        If the dashboard package or streamlit is not installed.
    """
    app = app_path()
    if not app.is_file():
        raise WomError(f"dashboard: {app} not found (pip install -e .)")
    if importlib.util.find_spec("streamlit") is None:
        raise WomError("dashboard: streamlit is not installed (pip install streamlit altair)")
    host = args.host or DEFAULT_HOST
    warning = host_warning(host)
    if warning is not None:
        print(warning, file=sys.stderr, flush=True)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    print(f"wom: dashboard at http://{shown}:{args.port} (Ctrl+C to stop)", flush=True)
    process = subprocess.Popen(dashboard_command(args.port, host), cwd=app.parents[1])
    warm = None if args.no_precompute else subprocess.Popen(
        [sys.executable, "-m", "dashboard.warm", "--background"], cwd=app.parents[1],
        stdout=subprocess.DEVNULL)
    previous = signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop(process)
        if warm is not None:
            _stop(warm)


def _exit_on_term(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _stop(process: subprocess.Popen) -> None:
    """Stop the streamlit server if it still runs (terminate, then kill after 10 s)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
