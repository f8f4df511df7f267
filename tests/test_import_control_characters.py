"""Control characters and NUL in a CSV: the row that has them is rejected with its line and reason, the
rest import (a workbook cannot hold them: openpyxl refused the whole write with IllegalCharacterError)."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from sheets_schema.tabs import DEALS, LEADS
from sync.cli.main import cli
from sync.config_file import load_config
from sync.core.changes import CellWrite, ChangeSet
from sync.engine.analyse import read_book
from sync.jobs.import_csv import run_import
from sync.jobs.setup import initialise
from sync.stores.memory import MemoryStore
from sync.stores.xlsx import XlsxStore
from tests.sheets import header

TODAY = date(2026, 11, 30)
HEADER = "Company,Contact,Email\n"


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"store.path": str(path)}))
    return path


def leads(path):
    config = load_config(None, **{"store.path": str(path)})
    return [r.model.company for r in read_book(XlsxStore(path).read(), config).book.rows("leads")]


@pytest.mark.parametrize(
    "bad, shown",
    [
        ("Nul\x00 Ltd", "U+0000"),
        ("Bell\x07 Inc", "U+0007"),
        ("Escape\x1b[31m Co", "U+001B"),
        ("Form\x0cfeed KK", "U+000C"),
    ],
)
def test_a_row_with_a_control_character_is_rejected_and_the_others_import(workbook, tmp_path, bad, shown):
    csv = tmp_path / "hot.csv"
    csv.write_text(
        HEADER + "Good One,Yamada,a@example.com\n" + f"{bad},Sato,b@example.com\n" + "Good Two,Ito,\n"
    )
    result = CliRunner().invoke(
        cli, ["import", "leads", str(csv), "--workbook", str(workbook)], standalone_mode=False
    )
    assert result.exception is None, result.output
    assert "added 2, skipped 0 as duplicates, rejected 1" in result.output
    assert f"line 3: rejected — Company: contains a control character ({shown})" in result.output
    assert leads(workbook) == ["Good One", "Good Two"]


def test_tabs_and_line_breaks_inside_a_quoted_cell_are_kept(workbook, tmp_path):
    csv = tmp_path / "hot.csv"
    csv.write_text(HEADER + '"Multi\nline\tCo",Yamada,a@example.com\n')
    report = run_import(
        XlsxStore(workbook), load_config(None, **{"store.path": str(workbook)}), "leads", csv, TODAY
    )
    assert not report.rejected
    assert leads(workbook) == ["Multi\nline\tCo"]


def test_the_rejection_is_said_in_japanese_too(tmp_path):
    store = MemoryStore({LEADS.title("ja"): [header(LEADS, "ja")], DEALS.title("ja"): [header(DEALS, "ja")]})
    csv = tmp_path / "hot.csv"
    csv.write_text("会社名,担当者名\n" + "株式会社\x00テスト,山田\n")
    report = run_import(store, load_config(None, locale="ja"), "leads", csv, TODAY)
    assert report.rejected == [
        (2, "会社名: 制御文字 (U+0000) が含まれています。削除してから取り込んでください")
    ]


def test_a_control_character_in_a_value_written_to_a_workbook_cannot_crash_the_save(workbook):
    store = XlsxStore(workbook)
    store.read()
    store.write(ChangeSet(cells=[CellWrite("Leads", 1, 1, "Copied\x00 text\x1b")]))
    assert XlsxStore(workbook).read().tabs["Leads"].cell(1, 1) == "Copied\ufffd text\ufffd"
