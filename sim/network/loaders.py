"""Edge-list files (SNAP-style text, csv, tsv, gzip or not) read into a :class:`Network`.

A line ``u v`` means that ``u`` can influence ``v``; the file is parsed by pandas' C
reader, and only when that fails is it rescanned line by line to name the first bad
line in the error message.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import os
import re
import warnings
import zlib
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..errors import NetworkError
from .csr import MAX_WEIGHT, Network, from_edges

_I64 = np.int64

_GZIP_MAGIC = b"\x1f\x8b"
_COMMENT_LINE = re.compile(rb"^[ \t]*[#%][^\n]*", re.MULTILINE)
_TEXT_SPLIT = re.compile(r"[ \t]+")
_FORMATS = ("auto", "text", "csv", "tsv")
_TEXT_EXPECTED = "expected 'source target [weight]'"


def load_edgelist(
    path: str | os.PathLike[str],
    *,
    directed: bool = False,
    reverse: bool = False,
    fmt: str = "auto",
    source_column: str | None = None,
    target_column: str | None = None,
    weight_column: str | None = None,
) -> Network:
    """Load an edge-list file; a line ``u v`` means that ``u`` can influence ``v``.

    Formats:

    * ``"text"``: SNAP-style whitespace-separated ``source target`` or
      ``source target weight`` per line, no header. Blank lines and lines starting with
      ``#`` or ``%`` are ignored. Every edge line must have the same number of columns.
    * ``"csv"`` / ``"tsv"``: a header row, then comma- or tab-separated rows. Source and
      target are the first two columns unless ``source_column`` / ``target_column`` name
      others; the weight is ``weight_column``, else a column named ``weight`` if there is
      one, else 1. Other columns are ignored.
    * ``"auto"`` (default): by extension after removing ``.gz``: ``.csv`` -> csv,
      ``.tsv`` -> tsv, anything else -> text.

    Gzip compression is recognised by the file's magic bytes, whatever its name. Node ids
    may be any token. They are numbered ``0..n-1`` in sorted order (numerically when all
    ids are integers, so ids ``0..n-1`` keep their number) and kept in ``labels``.
    Self-loops are dropped and repeated edges keep the first weight (see
    :func:`from_edges`); a file of self-loops only has no edges. Weights must be finite
    and fit in float32.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    directed : bool, default False
        Read ``u v`` as ``u -> v`` only; otherwise influence goes both ways.
    reverse : bool, default False
        Swap source and target, for follower lists where ``a b`` means ``a`` follows
        ``b`` (so ``b`` influences ``a``).
    fmt : {"auto", "text", "csv", "tsv"}, default "auto"
        File format.
    source_column, target_column, weight_column : str, optional
        Column names, for csv and tsv only.

    Returns
    -------
    Network
        Named after the file, with ``labels`` the original ids.

    Raises
    ------
    NetworkError
        With one message naming the file: ``path: no such file``, ``path: no edges
        found``, ``path: line 7: expected 'source target [weight]', found 'a b c d'``,
        ``path: line 3: weight 'abc' is not a number`` (or not finite, or too large for
        float32), a missing column (listing the available ones), corrupt gzip data or
        text that is not UTF-8.
    """
    label = os.fspath(path)
    fmt, stem, suffix = _file_format(label, fmt)
    data = _read_bytes(Path(label), label)
    if fmt == "text":
        named = [c for c in (source_column, target_column, weight_column) if c is not None]
        if named:
            raise NetworkError(f"{label}: column names ({', '.join(named)}) need a csv or tsv "
                               "file with a header; this file is read as whitespace text")
        src, dst, w = _parse_text(data, label)
    else:
        src, dst, w = _parse_table(data, label, "," if fmt == "csv" else "\t",
                                   source_column, target_column, weight_column)
    if reverse:
        src, dst = dst, src
    codes, labels = _number_nodes(np.concatenate([src, dst]))
    m = len(src)
    if (codes[:m] == codes[m:]).all():
        raise NetworkError(f"{label}: no edges found (every edge is a self-loop)")
    name = Path(stem).stem if suffix in (".txt", ".csv", ".tsv", ".edges", ".el") else stem
    return from_edges(codes[:m], codes[m:], w, n=len(labels), directed=directed,
                      labels=labels, name=name)


def _file_format(label: str, fmt: str) -> tuple[str, str, str]:
    """The format to read (``fmt``, or guessed from the extension when ``"auto"``), the
    file name without ``.gz`` and its lower-case extension."""
    if fmt not in _FORMATS:
        raise NetworkError(f"{label}: unknown format {fmt!r}; use one of {', '.join(_FORMATS)}")
    stem = Path(label).name
    if stem.lower().endswith(".gz"):
        stem = stem[:-3]
    suffix = Path(stem).suffix.lower()
    if fmt == "auto":
        fmt = {".csv": "csv", ".tsv": "tsv"}.get(suffix, "text")
    return fmt, stem, suffix


def _number_nodes(ids: np.ndarray) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """Codes ``0..n-1`` of the ids in sorted id order, and the sorted distinct ids."""
    if ids.dtype.kind in "iu" and len(ids):
        low, high = int(ids.min()), int(ids.max())
        if low >= 0 and high < 2 * len(ids) + 1024:  # compact ids: a lookup table is enough
            present = np.zeros(high + 1, dtype=bool)
            present[ids] = True
            uniques = np.flatnonzero(present).astype(ids.dtype)
            if len(uniques) == high + 1:  # ids 0..n-1 already
                return ids.astype(_I64, copy=False), uniques
            code = np.cumsum(present, dtype=_I64) - 1
            return code[ids], uniques
    codes, uniques = pd.factorize(ids, sort=True)
    if uniques.dtype.kind not in "iuf":
        uniques = np.asarray(uniques, dtype=object)
    return codes.astype(_I64, copy=False), np.asarray(uniques)


def _read_bytes(path: Path, label: str) -> bytes:
    if not path.exists():
        raise NetworkError(f"{label}: no such file")
    if path.is_dir():
        raise NetworkError(f"{label}: is a directory, not an edge-list file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NetworkError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise NetworkError(f"{label}: corrupt gzip data ({exc})") from None
    return data


def _read_csv(data: bytes, **options: Any) -> pd.DataFrame:
    """pandas' C parser with literal tokens: no NA markers, parser warnings are errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        warnings.simplefilter("error", pd.errors.DtypeWarning)
        return pd.read_csv(io.BytesIO(data), engine="c", na_filter=False, low_memory=False,
                           skip_blank_lines=True, **options)


def _is_int_column(col: pd.Series) -> bool:
    return col.dtype.kind in "iu"


def _id_columns(src: pd.Series, dst: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Both id columns as int arrays of one dtype, or None if they must be read as text."""
    if _is_int_column(src) and _is_int_column(dst) and src.dtype == dst.dtype:
        return src.to_numpy(), dst.to_numpy()
    return None


def _weight_column(col: pd.Series) -> NDArray[np.float64] | None:
    """The weights as float64 if every entry is a finite number that fits in float32,
    else None."""
    if col.dtype.kind not in "iuf":
        return None
    w = col.to_numpy(dtype=np.float64)
    fits = np.isfinite(w).all() and (not len(w) or float(np.abs(w).max()) <= MAX_WEIGHT)
    return w if fits else None


def _without_comments(data: bytes) -> bytes:
    """The file with comment lines blanked; the usual leading comment block costs no regex."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        line = data[start:end].strip()
        if line and line[:1] not in (b"#", b"%"):
            break
        start = end
    body = data[start:] if start else data
    if b"#" in body or b"%" in body:
        body = _COMMENT_LINE.sub(b"", body)
    return body


def _parse_text(data: bytes, label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    body = _without_comments(data)
    options: dict[str, Any] = {"sep": r"\s+", "header": None, "quoting": csv.QUOTE_NONE}
    try:
        df = _read_csv(body, **options)
    except pd.errors.EmptyDataError:
        raise NetworkError(f"{label}: no edges found") from None
    except (ValueError, Warning) as exc:
        _text_error(data, label, exc)
    if len(df) == 0:
        raise NetworkError(f"{label}: no edges found")
    if df.shape[1] not in (2, 3):
        _text_error(data, label, None)
    ids = _id_columns(df[0], df[1])
    if ids is None:
        try:
            df = _read_csv(body, dtype={0: str, 1: str}, **options)
        except (ValueError, Warning) as exc:
            _text_error(data, label, exc)
        if (df[0] == "").any() or (df[1] == "").any():
            _text_error(data, label, None)
        ids = (df[0].to_numpy(dtype=object), df[1].to_numpy(dtype=object))
    w = None
    if df.shape[1] == 3:
        w = _weight_column(df[2])
        if w is None:
            _text_error(data, label, None)
    return ids[0], ids[1], w


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _shown(line: str) -> str:
    return line if len(line) <= 80 else line[:77] + "..."


def _weight_problem(token: str) -> str | None:
    try:
        value = float(token)
    except ValueError:
        return f"weight '{_shown(token)}' is not a number"
    if math.isnan(value):
        return f"weight '{token}' is not a number"
    if math.isinf(value):
        return f"weight '{token}' is not finite"
    if abs(value) > MAX_WEIGHT:
        return f"weight '{token}' does not fit in float32 (|w| <= {MAX_WEIGHT:.4g})"
    return None


def _text_error(data: bytes, label: str, cause: BaseException | None) -> NoReturn:
    """Rescan the file line by line (error path only) and raise its first problem."""
    columns = 0
    first_line = 0
    for number, raw in enumerate(_lines(data), start=1):
        try:
            line = raw.decode("utf-8").strip(" \t\r")
        except UnicodeDecodeError:
            raise NetworkError(f"{label}: line {number}: not valid UTF-8 text") from None
        if not line or line[0] in "#%":
            continue
        tokens = _TEXT_SPLIT.split(line)
        if len(tokens) not in (2, 3):
            raise NetworkError(f"{label}: line {number}: {_TEXT_EXPECTED}, "
                               f"found '{_shown(line)}'")
        if not columns:
            columns, first_line = len(tokens), number
        elif len(tokens) != columns:
            raise NetworkError(f"{label}: line {number}: expected {columns} columns as on line "
                               f"{first_line}, found '{_shown(line)}'")
        if columns == 3:
            problem = _weight_problem(tokens[2])
            if problem:
                raise NetworkError(f"{label}: line {number}: {problem}")
    if not columns:
        raise NetworkError(f"{label}: no edges found")
    detail = f" ({str(cause).strip()})" if cause is not None else ""
    raise NetworkError(f"{label}: cannot parse the edge list{detail}")


def _parse_table(
    data: bytes,
    label: str,
    sep: str,
    source_column: str | None,
    target_column: str | None,
    weight_column: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    options: dict[str, Any] = {"sep": sep, "header": 0, "index_col": False,
                               "skipinitialspace": True}
    try:
        df = _read_csv(data, **options)
    except pd.errors.EmptyDataError:
        raise NetworkError(f"{label}: no edges found") from None
    except (ValueError, Warning) as exc:
        _table_error(data, label, sep, None, exc)
    header = [str(c) for c in df.columns]
    available = ", ".join(header)
    if len(header) < 2:
        raise NetworkError(f"{label}: needs at least two columns (source, target); "
                           f"the header has: {available}")

    def position(name: str | None, default: int | None, what: str) -> int | None:
        if name is None:
            return default
        if name not in header:
            raise NetworkError(f"{label}: no {what} column {name!r}; available columns: "
                               f"{available}")
        return header.index(name)

    s_pos = position(source_column, 0, "source")
    t_pos = position(target_column, 1, "target")
    w_pos = position(weight_column, header.index("weight") if "weight" in header else None,
                     "weight")
    assert s_pos is not None and t_pos is not None
    cols = (s_pos, t_pos, w_pos)
    if len(df) == 0:
        raise NetworkError(f"{label}: no edges found")
    ids = _id_columns(df.iloc[:, s_pos], df.iloc[:, t_pos])
    if ids is None:
        try:
            df = _read_csv(data, dtype=str, **options)
        except (ValueError, Warning) as exc:
            _table_error(data, label, sep, cols, exc)
        src, dst = df.iloc[:, s_pos], df.iloc[:, t_pos]
        if (src == "").any() or (dst == "").any():
            _table_error(data, label, sep, cols, None)
        ids = (src.to_numpy(dtype=object), dst.to_numpy(dtype=object))
    w = None
    if w_pos is not None:
        col = df.iloc[:, w_pos]
        if col.dtype.kind not in "iuf":
            col = pd.to_numeric(col, errors="coerce")
        w = _weight_column(col)
        if w is None:
            _table_error(data, label, sep, cols, None)
    return ids[0], ids[1], w


def _table_error(
    data: bytes,
    label: str,
    sep: str,
    cols: tuple[int, int, int | None] | None,
    cause: BaseException | None,
) -> NoReturn:
    """Rescan a csv/tsv file with the csv module (error path only); raise its first problem."""
    lines: list[str] = []
    for number, raw in enumerate(_lines(data), start=1):
        try:
            lines.append(raw.decode("utf-8").rstrip("\r"))
        except UnicodeDecodeError:
            raise NetworkError(f"{label}: line {number}: not valid UTF-8 text") from None
    kind = "comma" if sep == "," else "tab"
    reader = csv.reader(lines, delimiter=sep, skipinitialspace=True)
    header: list[str] | None = None
    for row in reader:
        number = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if header is None:
            header = row
            continue
        if len(row) != len(header):
            raise NetworkError(
                f"{label}: line {number}: expected {len(header)} {kind}-separated fields "
                f"({', '.join(header)}), found '{_shown(lines[number - 1])}'")
        if cols is None:
            continue
        for what, pos in (("source", cols[0]), ("target", cols[1])):
            if row[pos] == "":
                raise NetworkError(f"{label}: line {number}: empty {what} id")
        if cols[2] is not None:
            problem = _weight_problem(row[cols[2]])
            if problem:
                raise NetworkError(f"{label}: line {number}: {problem}")
    if header is None:
        raise NetworkError(f"{label}: no edges found")
    detail = f" ({str(cause).strip()})" if cause is not None else ""
    raise NetworkError(f"{label}: cannot parse the table{detail}")


def negative_weight_line(path: str | os.PathLike[str], *, fmt: str = "auto",
                         weight_column: str | None = None) -> int | None:
    """The number of the first line of an edge-list file with a negative weight.

    For messages only (a preset that cannot use distrust ties names the line): the file
    is rescanned line by line, as :func:`load_edgelist` reads it.

    Parameters
    ----------
    path : str or os.PathLike
        The file, already loaded once by :func:`load_edgelist`.
    fmt : {"auto", "text", "csv", "tsv"}, default "auto"
        File format.
    weight_column : str, optional
        The csv or tsv weight column (default: a column named ``weight``).

    Returns
    -------
    int or None
        1-based line number, or None if no line has a negative weight.
    """
    label = os.fspath(path)
    fmt, _, _ = _file_format(label, fmt)
    text = _read_bytes(Path(label), label).decode("utf-8", errors="replace")
    if fmt == "text":
        for number, line in enumerate(text.split("\n"), start=1):
            tokens = _TEXT_SPLIT.split(line.strip(" \t\r"))
            if len(tokens) == 3 and tokens[0][:1] not in "#%" and _negative(tokens[2]):
                return number
        return None
    reader = csv.reader(text.split("\n"), delimiter="," if fmt == "csv" else "\t",
                        skipinitialspace=True)
    header = next(reader, [])
    column = weight_column or "weight"
    if column not in header:
        return None
    pos = header.index(column)
    for row in reader:
        if len(row) > pos and _negative(row[pos]):
            return reader.line_num
    return None


def _negative(token: str) -> bool:
    try:
        return float(token) < 0
    except ValueError:
        return False
