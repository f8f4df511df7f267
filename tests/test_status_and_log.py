"""What `status` and the service's log say about a cycle: a `serve --once` run gives its lease back, every
time is shown in the configured zone (labelled), and the log line's "cells written" is the Sync Log's."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import time_machine
from click.testing import CliRunner

from reports.sync_log import COLUMNS, read_log
from sheets_schema.tabs import INPUT_TABS
from sync.cli.service_commands import serve, status
from sync.config_file import load_config
from sync.engine.state.lease import LEASE_TITLE, Lease, lease_content, read_lease
from sync.service.loop import Service
from tests.sheets import memory_store, tab
from tests.stores import StoreMaker

DEALS = [{"deal_name": "Acme", "stage": "Proposal", "owner": "Sato", "amount": 100}]
NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo


@pytest.fixture
def config(tmp_path):
    return load_config(None, **{"service.backups_dir": str(tmp_path / "backups"), "reminders.at": "23:59"})


def test_a_once_run_gives_its_lease_back_when_it_exits(config):
    store = memory_store(deals=DEALS)
    Service(config, once=True, clock=lambda: NOW, open_store_=lambda _c: store).run_once()
    assert read_log(store.tabs["Sync Log"].rows)[0]["outcome"] == "OK", "the cycle wrote"
    assert read_lease(store.tabs[LEASE_TITLE]) is None, "released: the next run anywhere may start"


def test_status_after_serve_once_says_the_lease_is_free(tmp_path):
    _store, settings = StoreMaker("xlsx", tmp_path, lambda: None)(
        {spec.en: tab(spec, *(DEALS if spec.key == "deals" else [])) for spec in INPUT_TABS}
    )
    path = tmp_path / "sfa-sync.toml"
    path.write_text(
        f'[store]\nkind = "xlsx"\npath = "{settings.store.path}"\n'
        f'[service]\nbackups_dir = "{tmp_path / "saved"}"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(serve, ["--config", str(path), "--once"]).exit_code == 0
    shown = runner.invoke(status, ["--config", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "lease: free" in shown.output and "held by" not in shown.output, shown.output


def _log_row(started_at: str) -> list:
    values = {"started_at": started_at, "outcome": "OK", "cells_written": 4}
    return [values.get(key) for key, _, _ in COLUMNS]


@pytest.mark.parametrize(
    "zone, lease_until, first, second",
    [
        ("Asia/Tokyo", "until 2026-11-30 10:15:00 JST", "2026-11-30 09:58:00 JST", "2026-11-30 09:00:00 JST"),
        ("UTC", "until 2026-11-30 01:15:00 UTC", "2026-11-30 00:58:00 UTC", "2026-11-30 00:00:00 UTC"),
    ],
)
def test_status_shows_every_time_in_the_configured_zone(tmp_path, zone, lease_until, first, second):
    grids = {spec.en: tab(spec) for spec in INPUT_TABS}
    grids[LEASE_TITLE] = [list(r) for r in lease_content(Lease("far:1:aaaa", NOW.replace(minute=15))).rows]
    grids["Sync Log"] = [
        [en for _, en, _ in COLUMNS],
        _log_row("2026-11-30T09:58:00+09:00"),  # written in the team's zone
        _log_row("2026-11-30T00:00:00+00:00"),  # written by an instance configured for UTC
    ]
    _store, settings = StoreMaker("xlsx", tmp_path, lambda: None)(grids)
    runner = CliRunner()
    with time_machine.travel(NOW, tick=False):
        shown = _status(runner, tmp_path, settings.store.path, zone)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert f"times in {zone}" in lines[0], lines
    assert "lease: held by far:1:aaaa " + lease_until in shown.output, shown.output
    assert lines[-2].strip().startswith(first) and lines[-1].strip().startswith(second), lines
    assert "+00:00" not in shown.output and "+09:00" not in shown.output, shown.output


def _status(runner, tmp_path, workbook, zone):
    path = tmp_path / "sfa-sync.toml"
    path.write_text(f'timezone = "{zone}"\n[store]\nkind = "xlsx"\npath = "{workbook}"\n', encoding="utf-8")
    return runner.invoke(status, ["--config", str(path)])


def test_the_log_line_and_the_sync_log_give_the_same_cells_written(config, caplog):
    store = memory_store(deals=DEALS)
    with caplog.at_level(logging.INFO, logger="sync.service.loop"):
        Service(config, once=True, clock=lambda: NOW, open_store_=lambda _c: store).run_once()
    [line] = [r for r in caplog.records if getattr(r, "outcome", None) == "ok"]
    [logged] = read_log(store.tabs["Sync Log"].rows)
    assert line.cells_written == logged["cells_written"] > 0
    assert f"cells written {logged['cells_written']};" in line.getMessage()
