from __future__ import annotations

import gspread
import pytest

from tests.sheets_emulator import SheetsEmulator


def test_open_read_and_batch_update(emu: SheetsEmulator, gc: gspread.Client, sid: str) -> None:
    sh = gc.open_by_key(sid)
    ws = sh.worksheet("Deals")
    assert ws.get_all_values() == [
        ["Deal ID", "Stage", "Amount"],
        ["D-1", "Won", "100"],
        ["D-2", "Lost", "50"],
    ]
    ws.batch_update(
        [{"range": "B2:C2", "values": [["Open", 120]]}, {"range": "A4", "values": [["D-3"]]}],
        value_input_option="USER_ENTERED",
    )
    assert emu.values(sid, "Deals") == [
        ["Deal ID", "Stage", "Amount"],
        ["D-1", "Open", 120],
        ["D-2", "Lost", 50],
        ["D-3"],
    ]
    assert ws.get_all_records()[0] == {"Deal ID": "D-1", "Stage": "Open", "Amount": 120}
    ws.append_row(["D-4", "Won", 10])
    assert emu.values(sid, "Deals")[-1] == ["D-4", "Won", 10]


def test_worksheets_formulas_notes_and_errors(emu: SheetsEmulator, gc: gspread.Client, sid: str) -> None:
    sh = gc.open_by_key(sid)
    ws = sh.add_worksheet("Notes", rows=5, cols=3)
    ws.update_acell("A1", "=2*21")
    assert ws.acell("A1").value == "42"
    assert ws.acell("A1", value_render_option="FORMULA").value == "=2*21"
    ws.insert_note("B1", "hello")
    assert ws.get_note("B1") == "hello"
    assert [w.title for w in sh.worksheets()] == ["Deals", "Notes"]
    with pytest.raises(gspread.exceptions.WorksheetNotFound):
        sh.worksheet("Missing")
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("no-such-spreadsheet")
