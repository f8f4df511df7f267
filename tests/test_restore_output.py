"""What `restore` tells the admin: a row deleted since the backup is named by its id and backup row, like
the overwritten cells are, and the whole output is in the sheet's language (issue 14, item 13)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from sheets_schema.tabs import INPUT_TABS
from sync.cli.service_commands import restore
from sync.engine.restore import plan_restore
from sync.jobs.backups import save_backup
from tests.sheets import tab
from tests.stores import StoreMaker
from tests.test_restore_matching import A28, C3, TAKEN, backup_of, edited

ENGLISH = re.compile(r"\b(now|backup|deleted|dry run|written|rows?|comes? back|nothing)\b")


def sheet(*deals: dict, locale: str = "en") -> dict:
    return {
        spec.title(locale): tab(spec, *(deals if spec.key == "deals" else []), locale=locale)
        for spec in INPUT_TABS
    }


@pytest.mark.parametrize("kind", ["memory", "xlsx"])
def test_a_deleted_row_is_named_by_its_id_and_backup_row(kind, tmp_path):
    make = StoreMaker(kind, tmp_path, lambda: None)
    old, config = make(sheet(A28, C3))
    saved, config = backup_of(old, config, tmp_path / "saved")
    store, _ = make(sheet(A28))  # D-000003, row 3 of the backup, was deleted since
    lines = plan_restore(saved, store.read(), config, "Deals").lines()
    assert (
        "Deals: D-000003 (row 3 of the backup) was deleted since the backup; it comes back as a new row "
        "at the end of the tab" in lines
    ), lines


@pytest.mark.parametrize("told", [["--locale", "ja"], []], ids=["--locale ja", "the sheet's locale"])
def test_restore_speaks_japanese_on_a_japanese_sheet(tmp_path, told):
    make = StoreMaker("xlsx", tmp_path, lambda: None)
    old, config = make(sheet(A28, C3, locale="ja"), locale="ja")
    saved_config = config.model_copy(
        update={"service": config.service.model_copy(update={"backups_dir": tmp_path / "saved"})}
    )
    taken = save_backup(old.read(), saved_config, TAKEN)
    _store, now_config = make(sheet(edited(A28, amount=1), locale="ja"), locale="ja")
    (tmp_path / "sfa-sync.toml").write_text(
        f'[store]\nkind = "xlsx"\npath = "{now_config.store.path}"\n'
        f'[service]\nbackups_dir = "{tmp_path / "saved"}"\n',
        encoding="utf-8",
    )
    options = ["--config", str(tmp_path / "sfa-sync.toml"), *told, str(taken), "--tab", "商談"]
    dry = CliRunner().invoke(restore, [*options, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert (
        "商談: D-000003(バックアップの 3 行目)はバックアップ後に削除されました。タブの末尾に新しい行として戻します"
        in lines
    )
    assert "商談!H2: 現在 1、バックアップ 1000" in lines, lines
    assert "ドライラン: 何も書き込んでいません" in lines, lines
    assert not [line for line in lines if ENGLISH.search(line)], lines
    done = CliRunner().invoke(restore, [*options, "--yes"])
    assert done.exit_code == 0, done.output
    assert re.match(r"復元しました: \d+ セルを書き込みました。", done.output.splitlines()[-1]), done.output
    assert not ENGLISH.search(done.output), done.output
