"""Installed the admin's way: from a built wheel into an environment of its own (what pipx does), the
console script works from any directory, and the packages it runs are the wheel's, not a source tree's.

The project keeps the design card's generic top-level packages (rules, reports, sync, sheets_schema);
another distribution may install the same names (PyPI's `rules` does), so the README tells admins to
install with pipx. No network: the wheel is built without build isolation and the isolated environment
borrows this one's installed dependencies through a .pth line (its own packages come from the wheel).
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import openpyxl
import pytest

pytestmark = pytest.mark.heavy  # a long harness on fixed dates: not rerun under the shifted clock

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sheets_schema", "rules", "reports", "sync")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out)]
    built = subprocess.run([*pip, str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    (found,) = out.glob("sfa_sync-*.whl")
    return found


@pytest.fixture(scope="module")
def isolated(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("isolated")
    venv.EnvBuilder(with_pip=False).create(home)
    python = home / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the dependencies (gspread, openpyxl, pandas, ...) from this environment; a .pth line adds a path but
    # does not run that directory's own .pth files, so this checkout's editable install stays out
    (Path(purelib) / "borrowed-dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "-q",
        "--no-deps",
        "--no-index",
    ]
    done = subprocess.run([*install, str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return home


def test_the_console_script_runs_from_the_wheel_in_any_directory(isolated: Path, tmp_path: Path) -> None:
    script = isolated / "bin" / "sfa-sync"
    out = tmp_path / "demo.xlsx"
    done = subprocess.run(
        [str(script), "demo", "--out", str(out), "--locale", "ja"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "デモのブックができました" in done.stdout  # the Japanese demo speaks Japanese
    assert "商談" in openpyxl.load_workbook(out, read_only=True).sheetnames


def test_the_installed_packages_are_the_wheels(isolated: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [
            str(isolated / "bin" / "python"),
            "-c",
            "import rules, reports, sync, sheets_schema; print('\\n'.join(m.__file__ for m in (rules, reports, sync, sheets_schema)))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert len(where) == 4
    for path in where:
        assert str(isolated) in path and str(ROOT) not in path, path


def test_help_and_version_work_installed(isolated: Path, tmp_path: Path) -> None:
    shown = subprocess.run(
        [str(isolated / "bin" / "sfa-sync"), "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert shown.returncode == 0 and "0.1.0" in shown.stdout, shown.stderr
