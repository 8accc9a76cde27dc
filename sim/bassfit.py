"""Fitting the Bass diffusion model to an adoption series by nonlinear least squares.

:func:`fit_bass` estimates the innovation coefficient ``p``, the imitation coefficient
``q`` and the market potential ``m`` from adoptions per period; :func:`fit_run` does
the same for the mean new adopters per step of a simulated run (so a scenario can be
summarised as a pair p, q); :func:`read_series` reads a series from a CSV file (the
``wom fit-bass`` command, :mod:`sim.cli.fit`).

Time convention
---------------
The product launches at time 0, when the cumulative adopted share is F(0) = 0. A
series of n values counts adoptions in n consecutive periods of equal length h; period
k covers the interval (t_k - h, t_k]. By default t_k = k (k = 1..n, h = 1): the first
value is the adoptions of the first period after launch. The expected adoptions in
period k are, in the default ``"increment"`` form (Srinivasan and Mason 1986),

    s_k = m [F(t_k) - F(t_k - h)],   F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),

the exact count of the continuous Bass (1969) model. The ``"density"`` form uses the
instantaneous adoption rate at the end of the period instead, s_k = m f(t_k) h with
f = dF/dt, a common textbook approximation that amounts to placing the launch about
half a period earlier. p and q are per unit of time (per period when h = 1); p is
sensitive to where time 0 lies, because it is identified from the earliest adoptions.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit

from .errors import WomError

Form = Literal["increment", "density"]

#: Fewest periods :func:`fit_bass` accepts: one more than the three parameters, so the
#: residual variance (and hence the standard errors) is defined.
MIN_POINTS = 4

# Starting values tried by fit_bass; the fit with the smallest squared error wins.
# The market potential starts at multiples of the adoptions observed so far.
_START_P = (0.001, 0.01, 0.05)
_START_Q = (0.1, 0.4, 1.0)
_START_M = (1.2, 2.0, 5.0)

# Lower bound of p and q: strictly positive, far below any estimate of interest.
_TINY = 1e-9

def bass_cdf(t: Any, p: float, q: float) -> np.ndarray:
    """Cumulative adopted share F(t) of the continuous Bass model (0 for t <= 0).

    Parameters
    ----------
    t
        Times since launch (scalar or array).
    p, q
        Innovation and imitation coefficients per unit time (p > 0, q >= 0).

    Returns
    -------
    numpy.ndarray
        ``(1 - exp(-(p+q)t)) / (1 + (q/p) exp(-(p+q)t))``, the closed form of Bass
        (1969) [1]_.

    References
    ----------
    .. [1] Bass, F. M. (1969). A new product growth for model consumer durables.
       Management Science, 15(5), 215-227.
    """
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    decay = np.exp(-(p + q) * t)
    return (1.0 - decay) / (1.0 + (q / p) * decay)


def bass_density(t: Any, p: float, q: float) -> np.ndarray:
    """Adoption rate f(t) = dF/dt of the continuous Bass model (per unit time).

    ``f(t) = (p + q)^2 / p * e / (1 + (q/p) e)^2`` with ``e = exp(-(p+q)t)``, equal to
    ``(p + q F(t)) (1 - F(t))`` (Bass 1969).
    """
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    decay = np.exp(-(p + q) * t)
    return (p + q) ** 2 / p * decay / (1.0 + (q / p) * decay) ** 2


def bass_increments(times: Any, p: float, q: float, m: float, *, period: float = 1.0,
                    form: Form = "increment") -> np.ndarray:
    """Expected adoptions in the periods ``(t - period, t]`` ending at ``times``.

    ``form="increment"``: ``m [F(t) - F(t - period)]`` (exact); ``form="density"``:
    ``m f(t) period`` (rate at the end of the period). See the module docstring for
    the time convention.
    """
    t = np.asarray(times, dtype=float)
    if form == "density":
        return m * bass_density(t, p, q) * period
    return m * (bass_cdf(t, p, q) - bass_cdf(t - period, p, q))


@dataclass(frozen=True)
class BassFit:
    """A Bass model fitted to an adoption series.

    Attributes
    ----------
    p, q
        Innovation and imitation coefficients per unit time.
    m
        Market potential (eventual number of adopters).
    p_se, q_se, m_se
        Their asymptotic standard errors from the covariance matrix of the least-squares
        estimate (NaN when it cannot be computed, e.g. a singular Jacobian).
    r2
        Coefficient of determination of the per-period adoptions.
    rmse
        Root mean squared residual, in adoptions per period.
    n
        Number of periods fitted.
    t_peak
        Time since launch of the peak adoption rate, ``ln(q/p) / (p + q)`` (0 when
        q <= p: the rate falls from launch).
    period
        Length h of one period in time units (1 for a plain series).
    form
        ``"increment"`` or ``"density"`` (see the module docstring).
    """

    p: float
    q: float
    m: float
    p_se: float
    q_se: float
    m_se: float
    r2: float
    rmse: float
    n: int
    t_peak: float
    period: float = 1.0
    form: Form = "increment"

    def cumulative(self, t: Any) -> np.ndarray:
        """Expected cumulative adopters m F(t) at times ``t`` since launch."""
        return self.m * bass_cdf(t, self.p, self.q)

    def predict(self, t: Any) -> np.ndarray:
        """Expected adoptions in the period of length :attr:`period` ending at ``t``.

        With the default times ``t = 1..n`` this is the fitted value of each period.
        """
        return bass_increments(t, self.p, self.q, self.m, period=self.period, form=self.form)

    @property
    def peak_rate(self) -> float:
        """Adoption rate at :attr:`t_peak`, in adopters per unit time."""
        return float(self.m * bass_density(self.t_peak, self.p, self.q))

    def as_dict(self) -> dict[str, float | int | str]:
        """All fields as a plain dict (JSON-friendly)."""
        return asdict(self)


def _peak_time(p: float, q: float) -> float:
    return math.log(q / p) / (p + q) if q > p else 0.0


def _check_series(series: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    try:
        y = np.asarray(series, dtype=float)
    except (TypeError, ValueError):
        raise WomError("Bass fit: the series must hold numbers") from None
    if y.ndim != 1:
        raise WomError(f"Bass fit: expected a one-dimensional series, found shape {y.shape}")
    if y.size < MIN_POINTS:
        raise WomError(f"Bass fit: needs at least {MIN_POINTS} periods (three parameters "
                       f"and a residual), found {y.size}")
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise WomError(f"Bass fit: value of period {bad[0] + 1} is not a finite number")
    negative = np.flatnonzero(y < 0)
    if negative.size:
        raise WomError(f"Bass fit: value of period {negative[0] + 1} is negative "
                       f"({y[negative[0]]:g}); adoptions per period must be >= 0")
    if y.sum() <= 0:
        raise WomError("Bass fit: the series has no adoptions")
    return y


def _check_times(times: Any, n: int) -> tuple[np.ndarray, float]:
    if times is None:
        return np.arange(1.0, n + 1.0), 1.0
    t = np.asarray(times, dtype=float)
    if t.shape != (n,):
        raise WomError(f"Bass fit: expected {n} times (one per value), found shape {t.shape}")
    if not np.all(np.isfinite(t)):
        raise WomError("Bass fit: times must be finite numbers")
    steps = np.diff(t)
    period = float(steps[0])
    if period <= 0 or not np.allclose(steps, period, rtol=1e-6, atol=0.0):
        raise WomError("Bass fit: times must be increasing and equally spaced "
                       "(periods of equal length)")
    if t[0] < period * (1 - 1e-9):
        raise WomError(f"Bass fit: the first period (ending at {t[0]:g}, length {period:g}) "
                       "would start before the launch at time 0")
    return t, period


def _best_fit(model: Any, t: np.ndarray, z: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Least squares of ``model`` from every start of a small grid (p in 0.001, 0.01,
    0.05; q in 0.1, 0.4, 1; m in 1.2, 2, 5 times the observed total): the (sse,
    estimates, covariance) of the start that ends with the smallest squared error, so
    that a poor start cannot end in a local minimum unnoticed."""
    lower = [_TINY, _TINY, 1.0]
    upper = [np.inf, np.inf, np.inf]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore",
                                                divide="ignore"):
        warnings.simplefilter("ignore", OptimizeWarning)
        for p0, q0, mu0 in itertools.product(_START_P, _START_Q, _START_M):
            try:
                popt, pcov = curve_fit(model, t, z, p0=[p0, q0, mu0], bounds=(lower, upper),
                                       x_scale="jac", max_nfev=2000)
            except (RuntimeError, ValueError, FloatingPointError):
                continue
            sse = float(np.sum((model(t, *popt) - z) ** 2))
            if np.isfinite(sse) and (best is None or sse < best[0]):
                best = (sse, popt, pcov)
    if best is None:
        raise WomError("Bass fit: the least-squares fit did not converge from any start")
    return best


def fit_bass(
    series: Sequence[float] | np.ndarray | pd.Series,
    *,
    times: Sequence[float] | np.ndarray | None = None,
    form: Form = "increment",
) -> BassFit:
    """Fit the Bass model to adoptions per period by nonlinear least squares.

    Minimises ``sum_k (s_k - m [F(t_k) - F(t_k - h)])^2`` over p, q and m, the
    estimator of Srinivasan and Mason (1986) [2]_ for the Bass (1969) [1]_ model, with
    ``scipy.optimize.curve_fit`` (trust region reflective, bounds p, q > 0 and m at
    least the adoptions observed) from a grid of starts, keeping the smallest squared
    error (see :func:`_best_fit`). Standard errors are the square roots of the diagonal
    of the estimated covariance matrix (residual variance times the inverse of J'J).

    Parameters
    ----------
    series
        Adoptions in each period (numbers >= 0, at least four of them).
    times
        End times t_k of the periods, equally spaced by the period length h, with the
        first period starting at or after the launch (t_1 >= h). Default: 1..n (h = 1).
        See the module docstring for the convention.
    form
        ``"increment"`` (default): the exact adoptions of each period, m [F(t_k) -
        F(t_k - h)]. ``"density"``: the adoption rate at the period's end times its
        length, m f(t_k) h, an approximation found in many textbooks.

    Returns
    -------
    BassFit
        p and q per unit time, m, their standard errors, R^2, RMSE, n, the peak time.

    Raises
    ------
    WomError
        Too few, negative or non-finite values, no adoptions, bad times, no convergence.

    Notes
    -----
    p and q are in the time unit of ``times``; p rests on the first periods and on where
    the launch lies: the MODEL.md series gives p = 0.0088, q = 0.642, m = 67,660
    (increment form) and p = 0.0066, q = 0.638, m = 67,981 (density form).

    Examples
    --------
    >>> fit = fit_bass([840, 1470, 2110, 4000, 7590, 10950, 10530, 9470, 7790, 5890])
    >>> round(fit.q, 2), round(fit.m, -3)
    (0.64, 68000.0)

    References
    ----------
    .. [1] Bass, F. M. (1969). A new product growth for model consumer durables.
       Management Science, 15(5), 215-227.
    .. [2] Srinivasan, V., & Mason, C. H. (1986). Nonlinear least squares estimation
       of new product diffusion models. Marketing Science, 5(2), 169-178.
    """
    if form not in ("increment", "density"):
        raise WomError(f"Bass fit: form must be 'increment' or 'density', found {form!r}")
    y = _check_series(series)
    t, period = _check_times(times, y.size)
    # Work in units of the observed total so that all three parameters are of order 1.
    scale = float(y.sum())
    z = y / scale

    def model(tt: np.ndarray, p: float, q: float, mu: float) -> np.ndarray:
        return bass_increments(tt, p, q, mu, period=period, form=form)

    sse, (p, q, mu), pcov = _best_fit(model, t, z)
    with np.errstate(invalid="ignore"):
        se = np.nan_to_num(np.sqrt(np.diag(pcov)), nan=np.nan, posinf=np.nan, neginf=np.nan)
    residual_ss = sse * scale**2
    total_ss = float(np.sum((y - y.mean()) ** 2))
    return BassFit(
        p=float(p), q=float(q), m=float(mu * scale),
        p_se=float(se[0]), q_se=float(se[1]), m_se=float(se[2] * scale),
        r2=1.0 - residual_ss / total_ss if total_ss > 0 else math.nan,
        rmse=math.sqrt(residual_ss / y.size),
        n=int(y.size), t_peak=_peak_time(float(p), float(q)), period=period, form=form,
    )


def run_series(frame: pd.DataFrame, *, column: str | None = None) -> pd.DataFrame:
    """Mean per-step new adopters of a result table, with the model time of each step.

    Returns a table indexed by step (steps > 0) with columns ``time`` and ``mean`` (the
    mean of ``column`` over replications). ``column`` defaults to ``new_customers``
    (commerce tables) or ``new_adopters`` (classic presets).
    """
    if column is None:
        column = next((c for c in ("new_customers", "new_adopters") if c in frame), None)
        if column is None:
            raise WomError("Bass fit: the table has neither a 'new_customers' nor a "
                           "'new_adopters' column")
    missing = {"step", column} - set(frame.columns)
    if missing:
        raise WomError(f"Bass fit: the table lacks column(s) {', '.join(sorted(missing))}")
    if "scenario" in frame and frame["scenario"].nunique() > 1:
        raise WomError("Bass fit: the table holds several scenarios; select one first")
    later = frame[frame["step"] > 0]
    groups = later.groupby("step", sort=True)
    out = pd.DataFrame({"mean": groups[column].mean().astype(float)})
    out["time"] = groups["time"].first().astype(float) if "time" in frame \
        else out.index.to_numpy(dtype=float)
    return out[["time", "mean"]]


def fit_run(frame: pd.DataFrame, *, column: str | None = None,
            form: Form = "increment") -> BassFit:
    """Fit the Bass model to the mean new adopters per step of a simulated run.

    Parameters
    ----------
    frame
        A tidy result table of :func:`sim.run` (one row per replication and step).
    column
        The per-step adoption column; default ``new_customers`` when present (commerce
        model: first purchases), else ``new_adopters`` (classic presets).
    form
        As for :func:`fit_bass`.

    Returns
    -------
    BassFit
        Fitted to the mean over replications of ``column`` at steps 1, 2, ..., with the
        period of step k ending at model time k * dt (the ``time`` column). p and q are
        therefore per unit of model time (per week), whatever ``run.dt``, and
        :meth:`BassFit.predict` gives adoptions per step. Adopters at step 0 (seeds)
        are left out of the series; the fit assumes nobody had adopted at launch.

    Notes
    -----
    A simulation with steps of length dt is a discrete-time process: adopters of a
    step respond to the previous step's state. Fitting the continuous model to it
    biases p and q by terms of order dt; use a small ``run.dt`` to compare with a
    scenario's own p and q.

    References
    ----------
    .. [1] Bass, F. M. (1969). A new product growth for model consumer durables.
       Management Science, 15(5), 215-227.
    .. [2] Srinivasan, V., & Mason, C. H. (1986). Nonlinear least squares estimation
       of new product diffusion models. Marketing Science, 5(2), 169-178.
    """
    series = run_series(frame, column=column)
    return fit_bass(series["mean"].to_numpy(), times=series["time"].to_numpy(), form=form)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The non-blank, non-comment rows of a CSV file as (line number, fields)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WomError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise WomError(f"{path}: is a directory, expected a CSV file") from None
    except UnicodeDecodeError:
        raise WomError(f"{path}: not a text (UTF-8) file") from None
    except OSError as exc:
        raise WomError(f"{path}: cannot read: {exc.strerror}") from None
    lines = [(k, line) for k, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise WomError(f"{path}: no data (empty file)")
    delimiter = _delimiter(lines[0][1])
    rows = []
    for lineno, line in lines:
        try:
            fields = next(csv.reader(io.StringIO(line), delimiter=delimiter, strict=True))
        except csv.Error as exc:
            raise WomError(f"{path}: line {lineno}: malformed CSV: {exc}") from None
        rows.append((lineno, [f.strip() for f in fields]))
    return rows


def read_series(path: str | Path, column: str | None = None) -> tuple[np.ndarray, str]:
    """Read an adoption series from a CSV file.

    The file has a header row naming its columns (comma, tab or semicolon separated),
    or no header at all (every field of the first row a number), such as one number per
    line. Blank lines and lines starting with ``#`` are skipped.

    Parameters
    ----------
    path
        The file.
    column
        A header name, or a 1-based column position. Default: the last column whose
        first value is a number (the only column of a one-column file).

    Returns
    -------
    values : numpy.ndarray
        The column's values, in file order.
    name : str
        The column's header name (its position for a file without header).

    Raises
    ------
    WomError
        Missing or unreadable file, no data rows, an unknown column, a row with the
        wrong number of fields or a value that is not a number >= 0, naming the file
        and the line.
    """
    path = Path(path)
    rows = _csv_rows(path)
    first = rows[0][1]
    if all(_is_number(f) for f in first):
        names = [str(k) for k in range(1, len(first) + 1)]
        data = rows
    else:
        names = first
        data = rows[1:]
        if not data:
            raise WomError(f"{path}: no data rows after the header (line {rows[0][0]})")
    for lineno, fields in data:
        if len(fields) != len(names):
            raise WomError(f"{path}: line {lineno}: expected {len(names)} field"
                           f"{'s' if len(names) != 1 else ''}, found {len(fields)}")
    if column is not None:
        if column in names:
            index = names.index(column)
        elif column.isdigit() and 1 <= int(column) <= len(names):
            index = int(column) - 1
        else:
            raise WomError(f"{path}: no column {column!r} (columns: {', '.join(names)})")
    else:
        numeric = [k for k, f in enumerate(data[0][1]) if _is_number(f)]
        if not numeric:
            raise WomError(f"{path}: line {data[0][0]}: no numeric column")
        index = numeric[-1]
    name = names[index]
    values = np.empty(len(data))
    for k, (lineno, fields) in enumerate(data):
        field = fields[index]
        try:
            value = float(field)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise WomError(f"{path}: line {lineno}: column {name!r}: expected a number, "
                           f"found {field!r}")
        if value < 0:
            raise WomError(f"{path}: line {lineno}: column {name!r}: adoptions must be "
                           f">= 0, found {field}")
        values[k] = value
    return values, name
