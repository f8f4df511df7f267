"""`python -m benchmarks.imports` keeps working (its figures go in docs/performance.md): at a tiny size it
imports every deal and prints the ratio line. Times are printed, never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.heavy  # a benchmark's machinery: not rerun under the shifted clock


def test_the_import_benchmark_imports_every_deal_at_each_size():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.imports", "--deals", "40,80"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[:2] == ["40", "40"] and lines[2].split()[:2] == ["80", "80"], done.stdout
    assert lines[-1].startswith("rows x2: time x") and lines[-1].endswith("(linear: x2)")
