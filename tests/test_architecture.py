"""sheets_schema/, rules/ and reports/ are pure: no I/O, no clock, no environment, no gspread."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE_PACKAGES = ("sheets_schema", "rules", "reports")
FORBIDDEN_IMPORTS = {
    "os",
    "sys",
    "io",
    "socket",
    "pathlib",
    "shutil",
    "subprocess",
    "time",
    "requests",
    "gspread",
    "google",
    "openpyxl",
    "smtplib",
    "urllib",
    "http",
    "sync",
    "logging",
    "random",
    "tempfile",
}
FORBIDDEN_CALLS = {"open", "print", "input", "now", "today", "utcnow", "getenv", "perf_counter", "monotonic"}


def pure_modules():
    return sorted(p for package in PURE_PACKAGES for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_modules_do_no_io_and_read_no_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0]]
        else:
            names = []
        assert not set(names) & FORBIDDEN_IMPORTS, f"{path.name}:{node.lineno} imports {names}"
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}()"


def test_the_check_itself_catches_a_clock_read(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from datetime import date\ndef f():\n    return date.today()\n")
    with pytest.raises(AssertionError, match="calls today"):
        test_pure_modules_do_no_io_and_read_no_clock(bad)
