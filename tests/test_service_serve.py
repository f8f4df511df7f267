"""`sfa-sync serve` as a real process against the Sheets emulator: many short ticks with injected failures,
SIGTERM, and two instances on one sheet that never overlap a cycle."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reports.sync_log import read_log
from sheets_schema.tabs import INPUT_TABS
from sync.engine.state.lease import LEASE_TITLE
from tests.conftest import SA, Spawn
from tests.sheets import tab

ROOT = Path(__file__).resolve().parents[1]

DEALS = [{"deal_id": "D-1", "deal_name": "Acme", "owner": "Sato", "stage": "Proposal", "amount": 100}]
# Google's retry waits are made short so that injected faults do not slow the test (the backoff itself is
# tenacity's).
RUNNER = """
import sys, tenacity
import sync.stores.google as google
from sync.cli.main import main
from tests.conftest import SA
google.wait_random_exponential = lambda **_: tenacity.wait_fixed(0.02)
main(sys.argv[1:])
"""


def new_sheet(emu) -> str:
    tabs = {spec.en: tab(spec, *(DEALS if spec.key == "deals" else [])) for spec in INPUT_TABS}
    return emu.create_spreadsheet("Team", tabs, shared_with=[SA], value_input="RAW")


def write_config(folder: Path, emu, key: Path, sid: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sfa-sync.toml"
    path.write_text(
        f"""
[store]
kind = "google"
spreadsheet = "{sid}"
credentials = "{key}"
endpoint = "{emu.url}"

[reminders]
at = "23:59"

[service]
interval_minutes = 0.01
requests_per_minute = 300
lease_minutes = 1
backups_dir = "backups"
""",
        encoding="utf-8",
    )
    return path


def start_serve(spawn: Spawn, config: Path, *extra: str) -> subprocess.Popen:
    """`sfa-sync serve` in a process of its own; `spawn` ends it if the test fails before stop()."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return spawn(
        [sys.executable, "-c", RUNNER, "serve", "--config", str(config), "--log-format", "json", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def sync_log(emu, sid: str) -> list[dict]:
    spreadsheet = emu.spreadsheet(sid)
    titles = [sheet.title for sheet in spreadsheet.sheets] if hasattr(spreadsheet, "sheets") else []
    if titles and "Sync Log" not in titles:
        return []
    try:
        return read_log(emu.values(sid, "Sync Log"))
    except Exception:
        return []


def wait_for(condition: Callable[[], bool], what: str, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen) -> tuple[int, list[dict]]:
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert len(lines) == len([line for line in err.splitlines() if line.strip()]), err  # only JSON lines
    return process.returncode, lines


def keep_editing(emu, sid: str) -> None:
    """A person types a different bad amount before every read, so that every cycle has something to write
    (an error message that quotes it), whichever instance reads."""
    state = {"n": 0}

    def edit(emulator, endpoint: str) -> None:
        if endpoint == "spreadsheets.get":
            state["n"] += 1
            emulator.person_set(sid, "Deals", "H2", f"x{state['n']}")

    emu.before_request(edit)


@pytest.mark.real_clock  # serve sleeps in threading.Event.wait, which never returns under libfaketime
def test_serve_keeps_going_through_failures_logs_each_cycle_and_stops_cleanly_on_sigterm(
    emu, key, tmp_path, spawn
):
    sid = new_sheet(emu)
    keep_editing(emu, sid)
    process = start_serve(spawn, write_config(tmp_path, emu, key, sid))
    try:
        wait_for(lambda: len(sync_log(emu, sid)) >= 3, "three logged cycles")
        emu.inject("spreadsheets.get", status=500, times=5)  # every retry of one cycle's read fails
        wait_for(
            lambda: any(r["outcome"] == "FAILED" for r in sync_log(emu, sid)),
            "a failed cycle in the Sync Log",
        )
        emu.fail_randomly(rate=0.2, seed=7, statuses=(429, 500, 503), include_timeouts=True)
        failed_at = len(sync_log(emu, sid))
        wait_for(lambda: len(sync_log(emu, sid)) >= failed_at + 5, "five more cycles under random faults")
        emu.clear_faults()
        ok_after = len([r for r in sync_log(emu, sid) if r["outcome"] == "OK"])
        wait_for(
            lambda: len([r for r in sync_log(emu, sid) if r["outcome"] == "OK"]) > ok_after, "a cycle after"
        )
    finally:
        code, lines = stop(process)
    assert code == 0
    rows = sync_log(emu, sid)
    failed = [r for r in rows if r["outcome"] == "FAILED"]
    assert failed and "500" in failed[-1]["error"]
    assert [r["started_at"] for r in rows] == sorted(
        (r["started_at"] for r in rows), reverse=True
    )  # newest first
    cycles = [line for line in lines if line.get("outcome") in ("ok", "quiet", "failed")]
    assert len(cycles) >= len(rows)  # one line per cycle, logged or quiet
    assert all(
        {"sheet", "rows_read", "problems", "cells_written", "requests", "duration_s"} <= set(c)
        for c in cycles
    )
    assert any(line["message"].startswith("signal SIGTERM") for line in lines)
    assert any("lease released" in line["message"] for line in lines)
    assert emu.values(sid, LEASE_TITLE) == [["key", "value"]]  # given back on the way out
    # no cell values: the amounts typed are quoted as 'x1', 'x2', ... where a message names them (a bare
    # "x1" would also match the random spreadsheet id, which the log may name: 1 run in ~100 failed so)
    typed = re.compile(r"""['"「]x\d+['"」]""")
    assert not any(typed.search(line["message"]) or "Acme" in line["message"] for line in lines)


def strings(node: object) -> list[str]:
    if isinstance(node, dict):
        if "stringValue" in node:
            return [node["stringValue"]]
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return []


def lease_holders(body: object) -> set[str]:
    """The holder written into the lease tab by a batchUpdate (the cell after the 'holder' key cell)."""
    found = strings(body)
    return {found[i + 1] for i, text in enumerate(found[:-1]) if text == "holder"}


@pytest.mark.real_clock  # serve sleeps in threading.Event.wait, which never returns under libfaketime
def test_two_serve_processes_on_one_sheet_never_overlap_a_cycle(emu, key, tmp_path, spawn):
    sid = new_sheet(emu)
    keep_editing(emu, sid)
    # Two machines: each its own folder (so not the same lock file); only the lease keeps them apart.
    first = start_serve(spawn, write_config(tmp_path / "a", emu, key, sid))
    wait_for(lambda: len(sync_log(emu, sid)) >= 2, "the first instance's cycles")
    second = start_serve(spawn, write_config(tmp_path / "b", emu, key, sid))
    try:
        wait_for(lambda: len(sync_log(emu, sid)) >= 6, "more cycles while both run")
    finally:
        code_a, lines_a = stop(first)
    try:
        before = len(sync_log(emu, sid))
        wait_for(lambda: len(sync_log(emu, sid)) >= before + 3, "the second instance taking over")
    finally:
        code_b, lines_b = stop(second)
    assert code_a == 0
    assert code_b == 0
    assert any("held by" in line["message"] for line in lines_b), "the second one said who holds the sheet"
    holder_a = next(
        line["message"].split(" as ")[-1] for line in lines_a if line["message"].startswith("serving")
    )
    holder_b = next(
        line["message"].split(" as ")[-1] for line in lines_b if line["message"].startswith("serving")
    )
    # Every write request carries the lease of the instance that made it: first only A's, then only B's.
    writers = []
    for record in emu.requests:
        if record.endpoint == "spreadsheets.batchUpdate":
            found = lease_holders(record.body)
            assert len(found) <= 1
            if found:
                writers.append(found.pop())
    assert writers[0] == holder_a and writers[-1] == holder_b
    switch = writers.index(holder_b)
    assert set(writers[:switch]) == {holder_a} and set(writers[switch:]) == {holder_b}
    rows = list(reversed(sync_log(emu, sid)))  # oldest first
    instances = [r["holder"] for r in rows]
    assert set(instances) == {holder_a, holder_b}
    assert instances == sorted(instances, key=lambda h: h == holder_b), (
        "A's cycles, then B's, never interleaved"
    )
