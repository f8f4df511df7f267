from __future__ import annotations

from tests.emulator.conftest import SA, Raw
from tests.sheets_emulator import SheetsEmulator


def _bu(raw: Raw, sid: str, *requests: dict, **extra: object):
    return raw("POST", f"/v4/spreadsheets/{sid}:batchUpdate", json={"requests": list(requests), **extra})


def test_batch_update_is_all_or_nothing(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    before = emu.values(sid, "Deals")
    r = _bu(
        raw,
        sid,
        {"addSheet": {"properties": {"title": "Archive"}}},
        {
            "updateCells": {
                "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 1},
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "Open"}}]}],
                "fields": "userEnteredValue",
            }
        },
        {"deleteSheet": {"sheetId": 999}},
    )
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Invalid requests[2].deleteSheet: No sheet with id: 999"
    assert emu.values(sid, "Deals") == before
    assert emu.spreadsheet(sid).titles() == ["Deals"]


def test_replies_and_include_spreadsheet(raw: Raw, sid: str) -> None:
    r = _bu(
        raw,
        sid,
        {"addSheet": {"properties": {"title": "Archive", "gridProperties": {"rowCount": 10}}}},
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        },
        includeSpreadsheetInResponse=True,
    )
    body = r.json()
    props = body["replies"][0]["addSheet"]["properties"]
    assert (props["title"], props["index"], props["gridProperties"]) == (
        "Archive",
        1,
        {"rowCount": 10, "columnCount": 26},
    )
    assert body["replies"][1] == {}
    sheets = body["updatedSpreadsheet"]["sheets"]
    assert sheets[0]["properties"]["gridProperties"]["frozenRowCount"] == 1


def test_update_cells_typed_values_dates_and_formats(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    cells = [
        {
            "userEnteredValue": {"numberValue": 45292},
            "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}},
        },
        {"userEnteredValue": {"boolValue": True}},
        {"userEnteredValue": {"formulaValue": "=C2*2"}},
    ]
    r = _bu(
        raw,
        sid,
        {
            "updateCells": {
                "start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 3},
                "rows": [{"values": cells}],
                "fields": "userEnteredValue,userEnteredFormat",
            }
        },
    )
    assert r.status_code == 200, r.text
    assert emu.values(sid, "Deals", render="FORMATTED_VALUE")[1] == [
        "D-1",
        "Won",
        "100",
        "2024-01-01",
        "TRUE",
        "200",
    ]
    assert emu.values(sid, "Deals")[1][3:] == [45292, True, 200]


def test_protected_range_blocks_other_editors(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    emu.protect(sid, "Deals", "A1:C1", editors=["boss@example.com"])
    r = raw(
        "PUT", f"/v4/spreadsheets/{sid}/values/Deals!B1", valueInputOption="RAW", json={"values": [["x"]]}
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"].startswith("You are trying to edit a protected cell or object.")
    assert r.json()["error"]["status"] == "PERMISSION_DENIED"
    assert (
        raw(
            "PUT",
            f"/v4/spreadsheets/{sid}/values/Deals!B2",
            valueInputOption="RAW",
            json={"values": [["ok"]]},
        ).status_code
        == 200
    )
    emu.share(sid, "boss@example.com")
    boss = Raw(emu, "boss@example.com")
    assert (
        boss(
            "PUT",
            f"/v4/spreadsheets/{sid}/values/Deals!B1",
            valueInputOption="RAW",
            json={"values": [["Phase"]]},
        ).status_code
        == 200
    )


def test_add_and_delete_protected_range_via_api(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    r = _bu(
        raw,
        sid,
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1}}
            }
        },
    )
    pr = r.json()["replies"][0]["addProtectedRange"]["protectedRange"]
    assert pr["editors"] == {"users": [SA]}
    other = Raw(emu, "intruder@example.com")
    emu.share(sid, "intruder@example.com")
    assert (
        other("POST", f"/v4/spreadsheets/{sid}/values:batchClear", json={"ranges": ["Deals!A1"]}).status_code
        == 403
    )
    assert (
        _bu(raw, sid, {"deleteProtectedRange": {"protectedRangeId": pr["protectedRangeId"]}}).status_code
        == 200
    )
    assert (
        other("POST", f"/v4/spreadsheets/{sid}/values:batchClear", json={"ranges": ["Deals!A1"]}).status_code
        == 200
    )


def test_dimensions_sort_validation_and_append(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    r = _bu(
        raw,
        sid,
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}}},
        {
            "sortRange": {
                "range": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 4},
                "sortSpecs": [{"dimensionIndex": 2, "sortOrder": "ASCENDING"}],
            }
        },
        {
            "setDataValidation": {
                "range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2},
                "rule": {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Won"}]}},
            }
        },
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 2, "endIndex": 3}
            }
        },
    )
    assert r.status_code == 200, r.text
    assert emu.values(sid, "Deals") == [["Deal ID", "Stage"], [], ["D-2", "Lost"], ["D-1", "Won"]]
    assert emu.spreadsheet(sid).sheets[0].cols == 25
    r = raw(
        "POST",
        f"/v4/spreadsheets/{sid}/values/Deals!A3:append",
        valueInputOption="RAW",
        json={"values": [["D-9", "Won"]]},
    )
    assert r.json()["tableRange"] == "Deals!A3:B4"
    assert r.json()["updates"]["updatedRange"] == "Deals!A5:B5"
