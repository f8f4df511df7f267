"""The suite's own fixtures keep their promises (a failing test leaves nothing running)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[1]

FAILING_TEST = """
import sys
from pathlib import Path
from tests.conftest import spawn  # noqa: F401  (the fixture under test)

def test_fails_while_a_process_runs(spawn):
    process = spawn([sys.executable, "-c", "import time; time.sleep(120)"])
    Path("pid").write_text(str(process.pid))
    assert False, "the test fails before it stops its process"
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); the fixture reaps it, so a zombie here means it was not waited for.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


def test_a_failing_test_leaves_no_process_running(pytester: pytest.Pytester, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_inner=FAILING_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    pid = int((pytester.path / "pid").read_text())
    assert not alive(pid)
