"""The numba cache belongs to this checkout, and compiling is announced when it happens."""

from __future__ import annotations

import io
import re

import numba
import numpy as np
import pytest
from numba import njit

from sim import jit


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """numba's cache pointed at an empty folder for the test."""
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path))
    return tmp_path


def test_default_cache_is_keyed_to_the_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key = jit.checkout_key()
    assert re.fullmatch(r"[0-9a-f]{16}", key)
    assert jit.cache_dir() == tmp_path / "wom-sim" / "numba" / key
    monkeypatch.setattr(jit, "PACKAGE", tmp_path / "another" / "checkout" / "sim")
    assert jit.checkout_key() != key
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "chosen"))
    assert jit.cache_dir() == tmp_path / "chosen"


def test_warm_only_with_this_checkouts_index_files(empty_cache):
    assert not jit.cache_is_warm()
    for source in jit.KERNEL_FILES:  # another checkout's folders: same names, other hash
        other = empty_cache / f"{source.parent.name}_{'0' * 40}"
        other.mkdir(exist_ok=True)
        (other / f"{source.stem}.act-96.py311.nbi").touch()
    assert not jit.cache_is_warm()
    first, second = jit.KERNEL_FILES
    jit.index_folder(first).mkdir()
    (jit.index_folder(first) / f"{first.stem}.cascade_step-1.py311.nbi").touch()
    assert not jit.cache_is_warm()
    jit.index_folder(second).mkdir()
    (jit.index_folder(second) / f"{second.stem}.act-1.py311.nbi").touch()
    assert jit.cache_is_warm()


def test_notice_when_numba_compiles_and_only_then():
    stream = io.StringIO()
    jit.announce_compiles(stream)
    jit._compile_notice().shown = False

    @njit
    def twice(x):
        return 2 * x

    assert stream.getvalue() == ""  # decorating compiles nothing
    assert twice(np.arange(3)).tolist() == [0, 2, 4]
    assert stream.getvalue().startswith("wom: compiling numba kernels")
    assert str(numba.config.CACHE_DIR) in stream.getvalue()
    before = stream.getvalue()
    assert twice(np.arange(2)).tolist() == [0, 2]  # compiled already
    assert twice(np.ones(2)).tolist() == [2.0, 2.0]  # a new signature: once per process
    assert stream.getvalue() == before
