"""The benchmark machinery (benchmarks/run.py) at a tiny size (~5k cells), end to end in subprocesses:
the sheet generator, the emulator-backed Google cycles, the replayed cold / steady cycles, the gspread
baselines and the xlsx rows (benchmarks/xlsx.py). Asserts requests, cells written and that each xlsx case
was measured against its calamine read, never wall-clock times."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.heavy  # a long harness on fixed dates: not rerun under the shifted clock

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_at_a_tiny_size_and_counts_requests_and_cells(tmp_path):
    out = tmp_path / "tiny.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--sizes", "tiny", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # the Google and xlsx rows, each case its own process: over 240 s on 2 loaded cores
    )
    assert done.returncode == 0, done.stderr
    assert "parse baseline" in done.stdout
    figures = json.loads(out.read_text())["sizes"]["tiny"]
    cycles = {c["label"]: c for c in figures["google"]["cycles"]}

    unchanged = cycles["unchanged sheet"]
    assert unchanged["writes"] == 0 and unchanged["cells_written"] == 0
    assert unchanged["reads"] <= 2
    assert cycles["unchanged sheet, after edits"]["writes"] == 0

    note = cycles["one edited cell (a call's note)"]
    assert note["writes"] <= 1 and note["cells_written"] <= 50
    # A stage moves business figures: the deal's Health and history, its rows in Manager Review, and on the
    # Forecast tab its owner's and the total's figures in each period, the funnel and what-changed rows
    # (about 120 cells, as row patches). The bound says no tab is rewritten whole (~500 cells at tiny).
    stage = cycles["one edited cell (a deal's stage)"]
    assert stage["writes"] <= 1 and stage["cells_written"] <= 200

    for label in ("1% of rows edited", "1% of rows edited (again)"):
        assert cycles[label]["writes"] <= 1 and cycles[label]["requests_over_2mb"] == 0

    memory = figures["memory"]
    assert memory["parse_baseline_seconds"] > 0
    assert memory["cold"]["wrote"] and memory["steady"]["wrote"]
    assert memory["peak_rss_mib"] > 0

    obvious = figures["google"]["obvious_script"]
    ours = cycles["1% of rows edited"]
    assert obvious["requests"] > ours["reads"] + ours["writes"]
    assert figures["google"]["full_rewrite"]["cells_written"] > ours["cells_written"]

    xlsx = figures["xlsx"]
    assert xlsx["first sync"]["wrote"] and not xlsx["unchanged"]["wrote"]
    assert xlsx["one cell"]["wrote"] and xlsx["1% edited"]["wrote"]
    for case in ("first sync", "unchanged", "one cell", "1% edited"):
        measured = xlsx[case]
        assert (
            measured["calamine"]["seconds"] > 0 and measured["time_ratio"] > 0 and measured["rss_ratio"] > 0
        )
        assert measured["calamine"]["cells"] > 1000
        assert measured["load_seconds"] > 0 and measured["compute_seconds"] > 0
    assert "xlsx: 1% edited s (x calamine)" in done.stdout
