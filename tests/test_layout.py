"""The package's shape, checked: the size limits of docs/architecture.md and the rule
that the two engines stand side by side, neither importing the other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "dashboard")
MODULE_LINES = 600
FUNCTION_LINES = 80
KERNEL_LINES = 150
KERNEL_PARAMETERS = 10


def modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def is_kernel(node: ast.FunctionDef) -> bool:
    """A numba kernel: decorated with njit (or a call of it)."""
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in ("njit", "jit", "kernel"):
            return True
    return False


def functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_and_function_sizes(path):
    text = path.read_text()
    assert text.count("\n") <= MODULE_LINES, f"{path.name}: over {MODULE_LINES} lines"
    for fn in functions(ast.parse(text)):
        lines = fn.end_lineno - fn.lineno + 1
        kernel = is_kernel(fn)
        limit = KERNEL_LINES if kernel else FUNCTION_LINES
        assert lines <= limit, f"{path.name}:{fn.lineno} {fn.name}: {lines} lines > {limit}"
        if kernel:
            count = len(fn.args.args) + len(fn.args.kwonlyargs)
            assert count <= KERNEL_PARAMETERS, f"{fn.name}: {count} parameters"


def imported_modules(path: Path) -> set[str]:
    """Every module name an import statement of ``path`` mentions (relative or absolute)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_engines_do_not_import_each_other():
    fast = imported_modules(ROOT / "sim" / "fast.py")
    reference = imported_modules(ROOT / "sim" / "reference.py")
    assert not any(name.split(".")[-1] == "reference" for name in fast)
    assert not any(name.split(".")[-1] in ("fast", "model") for name in reference)


def test_no_sys_path_edits_in_dashboard():
    for path in (ROOT / "dashboard").rglob("*.py"):
        assert "sys.path" not in path.read_text(), path
