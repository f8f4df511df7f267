from __future__ import annotations

from tests.emulator.conftest import Raw
from tests.sheets_emulator import SheetsEmulator


def test_unknown_field_is_400_with_googles_shape(raw: Raw, sid: str) -> None:
    r = raw("POST", f"/v4/spreadsheets/{sid}:batchUpdate", json={"requests": [{"foo": {}}]})
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["status"] == "INVALID_ARGUMENT"
    assert (
        err["message"]
        == "Invalid JSON payload received. Unknown name \"foo\" at 'requests[0]': Cannot find field."
    )
    assert err["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert err["details"][0]["fieldViolations"][0]["field"] == "requests[0]"


def test_unknown_nested_field_and_bad_enum(raw: Raw, sid: str) -> None:
    r = raw(
        "POST",
        f"/v4/spreadsheets/{sid}:batchUpdate",
        json={
            "requests": [
                {"updateSheetProperties": {"properties": {"sheetId": 0, "colour": 1}, "fields": "x"}}
            ]
        },
    )
    assert r.status_code == 400
    assert (
        "Unknown name \"colour\" at 'requests[0].update_sheet_properties.properties'"
        in r.json()["error"]["message"]
    )
    r = raw(
        "PUT",
        f"/v4/spreadsheets/{sid}/values/Deals!A1",
        json={"values": [["x"]], "majorDimension": "DIAGONAL"},
        valueInputOption="RAW",
    )
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith("Invalid value at 'data.major_dimension'")


def test_bad_query_enum_and_missing_value_input_option(raw: Raw, sid: str) -> None:
    r = raw("GET", f"/v4/spreadsheets/{sid}/values/Deals", valueRenderOption="PRETTY")
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Invalid value at 'value_render_option' (TYPE_ENUM), \"PRETTY\""
    r = raw("PUT", f"/v4/spreadsheets/{sid}/values/Deals!A1", json={"values": [["x"]]})
    assert r.status_code == 400
    assert "valueInputOption" in r.json()["error"]["message"]


def test_unknown_sheet_unknown_spreadsheet_and_not_shared(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    r = raw("GET", f"/v4/spreadsheets/{sid}/values/'Nope'!A1")
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Unable to parse range: 'Nope'!A1"
    r = raw("GET", "/v4/spreadsheets/doesnotexist")
    assert (r.status_code, r.json()["error"]["status"]) == (404, "NOT_FOUND")
    private = emu.create_spreadsheet(title="private")
    r = raw("GET", f"/v4/spreadsheets/{private}")
    assert r.status_code == 403
    assert r.json()["error"] == {
        "code": 403,
        "message": "The caller does not have permission",
        "status": "PERMISSION_DENIED",
    }


def test_range_quoting_and_unbounded_ranges(emu: SheetsEmulator, raw: Raw) -> None:
    sid = emu.create_spreadsheet(
        tabs={"商談": [["a", "b"], ["c"]], "O'Brien deals": [["x"]], "Sheet1": []},
        shared_with=["sync@test-proj.iam.gserviceaccount.com"],
    )
    r = raw("GET", f"/v4/spreadsheets/{sid}/values/'商談'!A:C")
    assert r.json() == {"range": "'商談'!A1:C1000", "majorDimension": "ROWS", "values": [["a", "b"], ["c"]]}
    r = raw("GET", f"/v4/spreadsheets/{sid}/values/'O''Brien deals'")
    assert r.json()["range"] == "'O''Brien deals'!A1:Z1000"
    r = raw("GET", f"/v4/spreadsheets/{sid}/values/Sheet1!2:5")
    assert r.json() == {"range": "Sheet1!A2:Z5", "majorDimension": "ROWS"}
    r = raw("GET", f"/v4/spreadsheets/{sid}/values/'商談'!A1:B2", majorDimension="COLUMNS")
    assert r.json()["values"] == [["a", "c"], ["b"]]


def test_trimming_types_and_update_counts(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    r = raw(
        "PUT",
        f"/v4/spreadsheets/{sid}/values/Deals!A5",
        valueInputOption="USER_ENTERED",
        json={"values": [["D-3", "", "2024-03-01", "=1+2", True, ""], ["", "", "", "", "", ""]]},
    )
    assert r.json() == {
        "spreadsheetId": sid,
        "updatedRange": "Deals!A5:F6",
        "updatedRows": 2,
        "updatedColumns": 6,
        "updatedCells": 12,
    }
    got = raw(
        "GET", f"/v4/spreadsheets/{sid}/values/Deals!A4:G7", valueRenderOption="UNFORMATTED_VALUE"
    ).json()
    assert got["values"] == [[], ["D-3", "", 45352, 3, True]]
    got = raw("GET", f"/v4/spreadsheets/{sid}/values/Deals!A5:E5").json()
    assert got["values"] == [["D-3", "", "2024-03-01", "3", "TRUE"]]
    got = raw("GET", f"/v4/spreadsheets/{sid}/values/Deals!A5:E5", valueRenderOption="FORMULA").json()
    assert got["values"] == [["D-3", "", 45352, "=1+2", True]]


def test_grid_limits(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    r = raw(
        "PUT",
        f"/v4/spreadsheets/{sid}/values/Deals!AA1001",
        valueInputOption="RAW",
        json={"values": [["far"]]},
    )
    assert r.status_code == 200
    props = raw("GET", f"/v4/spreadsheets/{sid}").json()["sheets"][0]["properties"]["gridProperties"]
    assert props == {"rowCount": 1001, "columnCount": 27}
    body = {
        "requests": [
            {
                "updateCells": {
                    "start": {"sheetId": 0, "rowIndex": 1001, "columnIndex": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                    "fields": "userEnteredValue",
                }
            }
        ]
    }
    r = raw("POST", f"/v4/spreadsheets/{sid}:batchUpdate", json=body)
    assert r.status_code == 400
    assert "exceeds grid limits" in r.json()["error"]["message"]
    r = raw("GET", f"/v4/spreadsheets/{sid}/values/Deals!A1:A2000")
    assert r.status_code == 400


def test_ten_million_cell_limit(raw: Raw, sid: str) -> None:
    body = {
        "requests": [
            {
                "addSheet": {
                    "properties": {"title": "Huge", "gridProperties": {"rowCount": 400000, "columnCount": 26}}
                }
            }
        ]
    }
    r = raw("POST", f"/v4/spreadsheets/{sid}:batchUpdate", json=body)
    assert r.status_code == 400
    assert "10000000" in r.json()["error"]["message"]


def test_fields_mask_notes_and_grid_data(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    body = {
        "requests": [
            {
                "updateCells": {
                    "range": {
                        "sheetId": 0,
                        "startRowIndex": 1,
                        "endRowIndex": 2,
                        "startColumnIndex": 1,
                        "endColumnIndex": 2,
                    },
                    "rows": [{"values": [{"note": "check"}]}],
                    "fields": "note",
                }
            }
        ]
    }
    assert raw("POST", f"/v4/spreadsheets/{sid}:batchUpdate", json=body).status_code == 200
    r = raw("GET", f"/v4/spreadsheets/{sid}", fields="sheets.data.rowData.values.note", ranges="Deals!A1:C2")
    assert r.json() == {
        "sheets": [
            {"data": [{"rowData": [{"values": [{}, {}, {}]}, {"values": [{}, {"note": "check"}, {}]}]}]}
        ]
    }
    r = raw("GET", f"/v4/spreadsheets/{sid}", includeGridData="true", ranges="Deals!C2")
    cell = r.json()["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredValue"] == {"numberValue": 100} and cell["effectiveValue"] == {"numberValue": 100}
    r = raw("GET", f"/v4/spreadsheets/{sid}", fields="sheets(properties(title,index))")
    assert r.json() == {"sheets": [{"properties": {"title": "Deals", "index": 0}}]}
