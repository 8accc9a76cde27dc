"""``wom fit-bass``: fit the Bass model to an adoption series from a CSV file."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from ..bassfit import fit_bass, read_series
from ..errors import WomError


def add_fit_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``fit-bass`` command to an argparse sub-parser collection.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers``.

    Returns
    -------
    argparse.ArgumentParser
        The new sub-parser; :func:`cmd_fit_bass` runs it.
    """
    parser = subparsers.add_parser(
        "fit-bass", help="fit the Bass model (p, q, m) to an adoption series",
        description="Estimate the Bass (1969) innovation p, imitation q and market potential "
                    "m by nonlinear least squares (Srinivasan and Mason 1986) from adoptions "
                    "per period, periods t = 1..n after a launch at t = 0, with standard "
                    "errors and the peak time.")
    parser.add_argument("series", help="CSV file with a header (or one number per line)")
    parser.add_argument("--column", help="column name or 1-based position "
                                         "(default: the last numeric column)")
    parser.add_argument("--form", choices=("increment", "density"), default="density",
                        help="density (default, the textbook form for observed sales): "
                             "adoptions of period t are m f(t), the rate at t; increment: "
                             "m [F(t) - F(t-1)], exact for counts of a launch at time 0")
    parser.add_argument("--json", action="store_true",
                        help='print one JSON object {"p", "q", "m", "p_se", "q_se", "m_se", '
                             '"t_peak", "n"}')
    return parser


def _json_number(value: float | int) -> float | int | None:
    return value if isinstance(value, int) or math.isfinite(value) else None


def _with_se(value: float, se: float, digits: int) -> str:
    text = f"{value:,.{digits}f}"
    return text + (f"  (SE {se:,.{digits}f})" if math.isfinite(se) else "  (SE n/a)")


def cmd_fit_bass(args: argparse.Namespace) -> int:
    """Run ``wom fit-bass``: read the series, fit, print the estimates; returns 0.

    Raises
    ------
    WomError
        For a bad file or a failed fit (the message names the file).
    """
    values, name = read_series(args.series, args.column)
    try:
        fit = fit_bass(values, form=args.form)
    except WomError as exc:
        raise WomError(f"{args.series}: column {name!r}: {exc}") from None
    if args.json:
        keys = ("p", "q", "m", "p_se", "q_se", "m_se", "t_peak", "n")
        print(json.dumps({k: _json_number(getattr(fit, k)) for k in keys}))
        return 0
    print(f"series        {args.series}, column {name!r}: {fit.n} periods (t = 1..{fit.n}), "
          f"{values.sum():,.0f} adoptions")
    print(f"p             {_with_se(fit.p, fit.p_se, 5)}   innovation per period")
    print(f"q             {_with_se(fit.q, fit.q_se, 4)}   imitation per period")
    print(f"m             {_with_se(fit.m, fit.m_se, 0)}   market potential")
    print(f"peak          t* = ln(q/p)/(p+q) = {fit.t_peak:.2f} periods after launch, "
          f"{fit.peak_rate:,.0f} adoptions per period")
    print(f"fit           R^2 {fit.r2:.4f}   RMSE {fit.rmse:,.1f}   ({fit.form} form, "
          "nonlinear least squares)")
    return 0
