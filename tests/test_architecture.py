"""The pure packages do no I/O and read no clock: an allow-list of what each may import and a deny-list of
calls. Which layer may import which is import-linter's contract (pyproject.toml, run by scripts/check);
this test is about what a module may touch at all.

Pure: sheets_schema/, rules/, reports/, sync/core/ (the vocabulary the engine and the stores share),
sync/engine/ (snapshot in, ChangeSet out), sync/demo/ (the demo workbook, from a seed and a day) and
sync/errors.py (the error tree).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = ("sheets_schema", "rules", "reports", "sync/core", "sync/engine", "sync/demo", "sync/errors.py")

# the standard library a pure module may import: data structures, dates, text, arithmetic
PURE_STDLIB = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "difflib",
    "enum",
    "functools",
    "itertools",
    "math",
    "operator",
    "re",
    "statistics",
    "typing",
    "unicodedata",
}
PURE_PROJECT = {"sheets_schema", "rules", "reports", "sync.core", "sync.engine", "sync.demo", "sync.errors"}
THIRD_PARTY = {"pydantic"}  # the row models and the config schema
# a few modules need one more, for a reason named here
EXTRA = {
    "sync/core/config.py": {"pathlib", "zoneinfo"},  # paths and the team's zone are values of the config
    "sync/demo/workbook.py": {"random"},  # random.Random(seed) only: no module-level random calls
    # the lead fit score: scikit-learn's logistic regression and AUC over numpy arrays (pure computation)
    # and hashlib for the fingerprint of the history it learned from (what it learned is remembered under it)
    "rules/fit_model.py": {"numpy", "sklearn", "hashlib"},
    # the remembered fit score: a checksum of what was written, feature values as JSON text
    "sync/engine/state/fit_cache.py": {"hashlib", "json"},
}
FORBIDDEN_CALLS = {
    "open",
    "print",
    "input",
    "now",
    "today",
    "utcnow",
    "getenv",
    "perf_counter",
    "monotonic",
    "read_text",
    "write_text",
    "read_bytes",
    "exists",
    "unlink",
    "mkdir",
    "iterdir",
    "glob",
}


def pure_modules() -> list[Path]:
    found: list[Path] = []
    for place in PURE:
        path = ROOT / place
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def allowed(module: str, path: Path) -> bool:
    top = module.split(".")[0]
    if top in PURE_STDLIB | THIRD_PARTY or top in EXTRA.get(_relative(path), set()):
        return True
    return any(module == p or module.startswith(p + ".") for p in PURE_PROJECT)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return path.name


def imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0:
        return [node.module or ""]
    return []


def called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id == "random" and func.attr != "Random":
            return f"random.{func.attr}"  # the module's global generator: not reproducible from a seed
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def check(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        for module in imported(node):
            assert allowed(module, path), f"{_relative(path)}:{node.lineno} imports {module}"
        if isinstance(node, ast.Call):
            name = called(node)
            assert name not in FORBIDDEN_CALLS and not name.startswith("random."), (
                f"{_relative(path)}:{node.lineno} calls {name}()"
            )


@pytest.mark.parametrize("path", pure_modules(), ids=_relative)
def test_pure_modules_do_no_io_and_read_no_clock(path: Path) -> None:
    check(path)


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("from datetime import date\ndef f():\n    return date.today()\n", "calls today"),
        ("import sqlite3\n", "imports sqlite3"),  # not on a deny-list: anything not allowed is refused
        ("import importlib\n", "imports importlib"),
        ("from sync.stores.xlsx import XlsxStore\n", "imports sync.stores.xlsx"),
        ("from sync.jobs.cycle import run_cycle\n", "imports sync.jobs.cycle"),
        ("from pathlib import Path\n", "imports pathlib"),
        ("import random\nx = random.random()\n", "imports random"),
    ],
)
def test_the_check_refuses_what_is_not_allowed(tmp_path: Path, source: str, complaint: str) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(source)
    with pytest.raises(AssertionError, match=complaint):
        check(bad)


def test_module_level_random_is_refused_even_where_random_is_allowed() -> None:
    tree_source = "import random\nx = random.choice([1, 2])\n"
    demo = ROOT / "sync/demo/workbook.py"
    node = ast.parse(tree_source)
    calls = [called(n) for n in ast.walk(node) if isinstance(n, ast.Call)]
    assert calls == ["random.choice"]
    assert allowed("random", demo)


def test_every_project_module_is_imported_without_a_cycle() -> None:
    """Import every module of sync/ in a fresh interpreter, each first: a circular import fails one of them."""
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "sync").rglob("*.py")
        if p.name != "__main__.py"
    )
    script = "import importlib, sys\nfor name in sys.argv[1:]:\n    for m in [k for k in sys.modules if k.startswith(('sync', 'rules', 'reports', 'sheets_schema'))]:\n        del sys.modules[m]\n    importlib.import_module(name)\n"
    done = subprocess.run([sys.executable, "-c", script, *modules], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(root), "PATH": str(LINT_IMPORTS.parent), "HOME": str(root)}
    return subprocess.run([str(LINT_IMPORTS)], cwd=root, env=env, capture_output=True, text=True)


def copy_of_the_project(tmp_path: Path) -> Path:
    import shutil

    for package in ("sheets_schema", "rules", "reports", "sync"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_import_contracts_hold() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("rules/ids.py", "import reports.table", "Layers"),  # a rule may not use a report
        ("sync/engine/plan.py", "import sync.stores.xlsx", "Layers"),  # the engine does no I/O
        ("sync/jobs/cycle.py", "import sync.cli.main", "Layers"),  # a job does not know the command line
        ("sync/stores/memory.py", "import sync.notify.email", "Layers"),  # adapters do not use each other
    ],
)
def test_the_import_contracts_break_on_a_forbidden_import(
    tmp_path: Path, module: str, bad_import: str, contract: str
) -> None:
    root = copy_of_the_project(tmp_path)
    target = root / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # noqa\n", encoding="utf-8")
    done = lint_imports(root)
    assert done.returncode != 0
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout, done.stdout[-3000:]
