"""A protected sheet with holes (ProtectedRange.unprotectedRanges), as the Sheets API reference describes it:
"the list of unprotected ranges within a protected sheet; unprotected ranges are only supported on protected
sheets". Cells in a hole are open to every editor of the spreadsheet; the rest only to the protection's
editors (and the owner). updateProtectedRange changes the holes; they move with inserted and deleted rows."""

from __future__ import annotations

import pytest

from tests.emulator.conftest import Raw
from tests.sheets_emulator import SheetsEmulator

EDITOR = "manager@example.com"
HOLE = {
    "sheetId": 0,
    "startRowIndex": 1,
    "endRowIndex": 3,
    "startColumnIndex": 1,
    "endColumnIndex": 2,
}  # B2:B3


def _bu(raw: Raw, sid: str, *requests: dict):
    return raw("POST", f"/v4/spreadsheets/{sid}:batchUpdate", json={"requests": list(requests)})


def _protect_sheet(raw: Raw, sid: str, holes: list[dict]) -> int:
    answer = _bu(
        raw,
        sid,
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "unprotectedRanges": holes}}},
    )
    assert answer.status_code == 200, answer.text
    protected = answer.json()["replies"][0]["addProtectedRange"]["protectedRange"]
    assert protected.get("unprotectedRanges", []) == [_on_sheet_0(hole) for hole in holes]
    return protected["protectedRangeId"]


def _on_sheet_0(grid_range: dict) -> dict:
    return {k: v for k, v in grid_range.items() if k != "sheetId"}  # (id 0 is a proto3 default: left out)


def _editor_writes(emu: SheetsEmulator, sid: str, a1: str, grid: tuple[int, int] = (1, 1)) -> int:
    """The editor types "x" into every cell of `a1` (`grid`: its rows and columns)."""
    emu.share(sid, EDITOR)
    return (
        Raw(emu, EDITOR)(
            "PUT",
            f"/v4/spreadsheets/{sid}/values/Deals!{a1}",
            valueInputOption="RAW",
            json={"values": [["x"] * grid[1]] * grid[0]},
        )
    ).status_code


@pytest.mark.parametrize(
    ("a1", "status"),
    [
        ("B2", 200),  # in the hole
        ("B3", 200),
        ("B4", 403),  # below it
        ("A2", 403),  # beside it
        ("B3:C3", 403),  # partly in it
        ("B1", 403),
    ],
)
def test_an_editor_types_only_into_the_holes(
    emu: SheetsEmulator, raw: Raw, sid: str, a1: str, status: int
) -> None:
    _protect_sheet(raw, sid, [HOLE])
    grid = (1, 2) if ":" in a1 else (1, 1)
    assert _editor_writes(emu, sid, a1, grid) == status


def test_two_holes_side_by_side_cover_a_range_together(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    right = {**HOLE, "startColumnIndex": 2, "endColumnIndex": 3}
    _protect_sheet(raw, sid, [HOLE, right])
    assert _editor_writes(emu, sid, "B2:C3", (2, 2)) == 200
    assert _editor_writes(emu, sid, "B2:D3", (2, 3)) == 403


def test_holes_are_refused_on_a_protected_range_that_is_not_a_sheet(raw: Raw, sid: str) -> None:
    answer = _bu(
        raw,
        sid,
        {
            "addProtectedRange": {
                "protectedRange": {"range": {"sheetId": 0, "endRowIndex": 5}, "unprotectedRanges": [HOLE]}
            }
        },
    )
    assert answer.status_code == 400
    assert "only supported on protected sheets" in answer.json()["error"]["message"]


def test_update_protected_range_sets_the_holes(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    pid = _protect_sheet(raw, sid, [])
    assert _editor_writes(emu, sid, "B2") == 403
    moved = {**HOLE, "startRowIndex": 3, "endRowIndex": 4}
    update = {
        "protectedRange": {"protectedRangeId": pid, "unprotectedRanges": [moved]},
        "fields": "unprotectedRanges",
    }
    assert _bu(raw, sid, {"updateProtectedRange": update}).status_code == 200
    assert _editor_writes(emu, sid, "B4") == 200
    assert _editor_writes(emu, sid, "B2") == 403
    got = raw("GET", f"/v4/spreadsheets/{sid}", fields="sheets.protectedRanges")
    assert got.json()["sheets"][0]["protectedRanges"][0]["unprotectedRanges"] == [_on_sheet_0(moved)]


def test_update_protected_range_is_checked(emu: SheetsEmulator, raw: Raw, sid: str) -> None:
    pid = _protect_sheet(raw, sid, [HOLE])
    no_fields = _bu(raw, sid, {"updateProtectedRange": {"protectedRange": {"protectedRangeId": pid}}})
    assert no_fields.status_code == 400
    unknown = _bu(
        raw,
        sid,
        {"updateProtectedRange": {"protectedRange": {"protectedRangeId": 1}, "fields": "description"}},
    )
    assert unknown.status_code == 400
    assert "No protected range with id" in unknown.json()["error"]["message"]
    typo = _bu(
        raw,
        sid,
        {"updateProtectedRange": {"protectedRange": {"protectedRangeId": pid, "holes": []}, "fields": "*"}},
    )
    assert typo.status_code == 400  # checked against the discovery document
    emu.share(sid, EDITOR)
    by_editor = Raw(emu, EDITOR)(
        "POST",
        f"/v4/spreadsheets/{sid}:batchUpdate",
        json={
            "requests": [
                {
                    "updateProtectedRange": {
                        "protectedRange": {"protectedRangeId": pid},
                        "fields": "unprotectedRanges",
                    }
                }
            ]
        },
    )
    assert by_editor.status_code == 403  # only the protection's editors change it


@pytest.mark.parametrize(
    ("shift", "open_cell", "closed_cell"),
    [
        (
            {
                "insertDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                }
            },
            "B4",
            "B2",
        ),
        (
            {
                "deleteDimension": {
                    "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                }
            },
            "B1",
            "B3",
        ),
    ],
)
def test_holes_move_with_the_rows(
    emu: SheetsEmulator, raw: Raw, sid: str, shift: dict, open_cell: str, closed_cell: str
) -> None:
    _protect_sheet(raw, sid, [HOLE])
    assert _bu(raw, sid, shift).status_code == 200
    assert _editor_writes(emu, sid, open_cell) == 200
    assert _editor_writes(emu, sid, closed_cell) == 403
