"""What the issue-15 try-out found still in English (or in pydantic's words) on a Japanese sheet: the
workbook's own messages under --locale ja, an import on a Japanese workbook without --locale, a time
setting in the wrong form."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sync.cli.main  # noqa: F401  (builds the group before the command modules)
from sync.config_file import load_config
from sync.errors import AccessError, ConfigError, WorkbookLockedError
from sync.stores.xlsx import XlsxStore


@pytest.fixture
def sheet(tmp_path):
    """A Japanese workbook, set up by init."""
    from sync.jobs.setup import initialise

    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"locale": "ja", "store.kind": "xlsx", "store.path": str(path)}))
    return path


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("en", "'9am' is not in the form the setting takes; write e.g. \"09:00\""),
        ("ja", "'9am' は設定の形式ではありません"),
    ],
)
def test_a_time_of_day_in_the_wrong_form_says_what_to_write(tmp_path, locale, said):
    path = tmp_path / "sfa-sync.toml"
    path.write_text(f'locale = "{locale}"\n[reminders]\nat = "9am"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert said in str(raised.value) and "String should match" not in str(raised.value)


@pytest.mark.parametrize(
    ("locale", "missing", "open_elsewhere"),
    [
        ("en", "workbook not found", "is open in Excel or LibreOffice"),
        ("ja", "ブックが見つかりません", "Excel か LibreOffice で開かれています"),
    ],
)
def test_the_workbooks_own_messages_speak_the_users_language(
    sheet, tmp_path, locale, missing, open_elsewhere
):
    with pytest.raises(AccessError, match=missing):
        XlsxStore(tmp_path / "nowhere.xlsx", locale).read()
    (sheet.parent / f"~${sheet.name}").write_text("")
    with pytest.raises(WorkbookLockedError, match=open_elsewhere):
        XlsxStore(sheet, locale).write(_one_cell(sheet))


def _one_cell(path: Path):
    from sync.core.changes import CellWrite, ChangeSet

    return ChangeSet(cells=[CellWrite("リード", 1, 1, "x")])


def test_an_import_on_a_japanese_sheet_speaks_japanese_without_a_flag(sheet, tmp_path):
    from sync.cli.import_command import import_group

    csv = tmp_path / "hot.csv"
    csv.write_text("会社名,担当者名\n株式会社テスト,山田\n", encoding="utf-8")
    done = CliRunner().invoke(import_group, ["leads", str(csv), "--workbook", str(sheet), "--dry-run"])
    assert done.exit_code == 0, done.output
    assert "ドライラン: 何も書き込んでいません" in done.output
    assert "added" not in done.output and "dry run" not in done.output, done.output
