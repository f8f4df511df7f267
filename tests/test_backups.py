"""Backups before each write (0600, gzip JSON, typed dates, retention) and restore: deleted rows come back
exactly, edits since are shown before they are overwritten, --dry-run writes nothing."""

from __future__ import annotations

import gzip
import json
import stat
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from sheets_schema.tabs import DEALS, INPUT_TABS
from sync.cli.service_commands import backups, restore
from sync.config_file import load_config
from sync.jobs.backups import list_backups, load_backup, prune, save_backup, sheet_folder
from sync.service.loop import Service
from sync.stores.google import GoogleStore
from tests.conftest import SA
from tests.sheets import tab

DEAL_ROWS = [
    {
        "deal_id": f"D-{i}",
        "deal_name": f"Deal {i}",
        "owner": "Sato",
        "stage": "Proposal",
        "amount": i * 1000,
        "close_date": "2026-12-01",
        "notes": f"note {i}",
    }
    for i in range(1, 8)
]


@pytest.fixture
def setup(emu, tmp_path):
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    tabs = {spec.en: tab(spec, *(DEAL_ROWS if spec.key == "deals" else [])) for spec in INPUT_TABS}
    sid = emu.create_spreadsheet("Team", tabs, shared_with=[SA], value_input="USER_ENTERED")
    path = tmp_path / "sfa-sync.toml"
    path.write_text(
        f'reminders.at = "23:59"\n[store]\nkind = "google"\nspreadsheet = "{sid}"\ncredentials = "{key}"\n'
        f'endpoint = "{emu.url}"\n[service]\nbackups_dir = "saved"\n',
        encoding="utf-8",
    )
    return sid, path


def person_values(emu, sid):
    grid = emu.values(sid, "Deals")
    width = len(DEALS.person_columns)
    return [row[:width] for row in grid]


def test_a_cycle_backs_up_the_input_tabs_as_read_private_and_typed(emu, setup):
    _sid, path = setup
    config = load_config(path)
    service = Service(config)
    try:
        service.tick()
    finally:
        service.close()
    [backup] = list_backups(config)
    assert backup.path.parent == sheet_folder(config) and backup.path.parent.parent == path.parent / "saved"
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    document = json.loads(gzip.decompress(backup.path.read_bytes()))
    assert document["tabs"]["Deals"]["rows"][1][8] == {
        "$date": "2026-12-01"
    }  # a serial from Google, typed back
    assert load_backup(backup.path)["Deals"].rows[1][8] == date(2026, 12, 1)


def test_retention_by_count_and_age(tmp_path):
    config = load_config(None, **{"service.backups_dir": str(tmp_path)})
    now = datetime(2026, 11, 28, tzinfo=UTC)
    from sync.core.snapshot import Snapshot

    for days in (0, 1, 2, 40):
        save_backup(Snapshot({}), config, now - timedelta(days=days))
    folder = sheet_folder(config)
    assert len(list(folder.glob("*.json.gz"))) == 4
    gone = prune(folder, keep=2, max_age_days=30, now=now)
    assert len(gone) == 2 and len(list(folder.glob("*.json.gz"))) == 2


def test_restore_brings_deleted_rows_back_exactly_and_dry_run_writes_nothing(emu, setup):
    sid, path = setup
    config = load_config(path)
    store = GoogleStore.from_config(config)
    taken = save_backup(store.read(), config, datetime.now(UTC))
    before = person_values(emu, sid)
    for row in (6, 4, 3):  # a rep deletes three rows (D-5, D-3, D-2) ...
        emu.person_delete_row(sid, "Deals", row)
    emu.person_set(sid, "Deals", "H2", "999")  # ... and edits an amount afterwards
    runner = CliRunner()
    listed = runner.invoke(backups, ["--config", str(path)])
    assert (
        listed.exit_code == 0
        and taken.name.removesuffix(".json.gz") in listed.output
        and "Deals 7" in listed.output
    )
    emu.reset_counters()
    dry = runner.invoke(restore, ["--config", str(path), taken.name, "--tab", "Deals", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Deals: 3 deleted row(s) come back" in dry.output
    assert "Deals!H2: now 999, backup 1000" in dry.output
    assert "dry run: nothing was written" in dry.output
    assert emu.count("spreadsheets.batchUpdate") == 0
    refused = runner.invoke(restore, ["--config", str(path), taken.name, "--tab", "Deals"], input="n\n")
    assert "Overwrite the 1 cell(s)" in refused.output and emu.count("spreadsheets.batchUpdate") == 0
    done = runner.invoke(restore, ["--config", str(path), taken.name, "--tab", "Deals", "--yes"])
    assert done.exit_code == 0, done.output
    assert emu.count("spreadsheets.batchUpdate") == 1  # one write
    after = person_values(emu, sid)
    assert after[0] == before[0]
    assert sorted(map(str, after[1:])) == sorted(
        map(str, before[1:])
    )  # the same rows, exactly; order: appended
    assert [r[0] for r in after[1:]] == ["D-1", "D-4", "D-6", "D-7", "D-2", "D-3", "D-5"]
    again = runner.invoke(restore, ["--config", str(path), taken.name, "--dry-run"])
    assert "nothing to restore" in again.output
