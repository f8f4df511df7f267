"""Rendering a Spreadsheet resource (spreadsheets.get / create / includeSpreadsheetInResponse)."""

from __future__ import annotations

import copy
from typing import Any

from .cellvalues import effective_value, format_value
from .grid import Box, resolve
from .masks import filter_by_mask, parse_mask
from .model import Cell, Sheet, Spreadsheet

DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
    },
}


def _typed(value: Any, formula: str | None = None) -> dict:
    if formula is not None:
        return {"formulaValue": formula}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    if isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "/0!", "A")):
        return {"errorValue": {"type": "ERROR", "message": value}}
    return {"stringValue": value}


def cell_data(sheet: Sheet, cell: Cell | None) -> dict:
    if cell is None:
        return {}
    out: dict[str, Any] = {}
    if cell.has_value():
        out["userEnteredValue"] = _typed(cell.value, cell.formula)
        value = effective_value(sheet, cell)
        out["effectiveValue"] = _typed(value)
        out["formattedValue"] = format_value(value, cell.number_format)
    if cell.fmt:
        out["userEnteredFormat"] = copy.deepcopy(cell.fmt)
    if cell.note:
        out["note"] = cell.note
    if cell.validation:
        out["dataValidation"] = copy.deepcopy(cell.validation)
    return out


def grid_data(box: Box) -> dict:
    sheet = box.sheet
    rows: list[dict] = []
    for r in range(box.r0, min(box.r1, sheet.rows)):
        values = [cell_data(sheet, sheet.cell(r, c)) for c in range(box.c0, min(box.c1, sheet.cols))]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {}
    if box.r0:
        out["startRow"] = box.r0
    if box.c0:
        out["startColumn"] = box.c0
    if rows:
        out["rowData"] = rows
    return out


def sheet_resource(ss: Spreadsheet, sheet: Sheet, data: list[Box] | None) -> dict:
    out: dict[str, Any] = {"properties": copy.deepcopy(sheet.props)}
    if not out["properties"].get("hidden"):
        out["properties"].pop("hidden", None)
    if data is not None:
        out["data"] = [grid_data(b) for b in data]
    if sheet.protected_ranges:
        out["protectedRanges"] = [_protected_out(sheet, p) for p in sheet.protected_ranges]
    if sheet.conditional_formats:
        out["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
    if sheet.charts:
        out["charts"] = copy.deepcopy(sheet.charts)
    return out


def _protected_out(sheet: Sheet, pr: dict) -> dict:
    out = copy.deepcopy(pr)
    for rng in [out.setdefault("range", {}), *out.get("unprotectedRanges", [])]:
        if sheet.sheet_id:
            rng["sheetId"] = sheet.sheet_id
        else:
            rng.pop("sheetId", None)
    out["requestingUserCanEdit"] = True
    return out


def spreadsheet_resource(
    ss: Spreadsheet,
    *,
    ranges: list[str] | None = None,
    include_grid: bool = False,
    fields: str | None = None,
    base_url: str = "",
) -> dict:
    if fields and "data" in fields:
        include_grid = True
    data_by_sheet: dict[int, list[Box]] = {}
    if ranges:
        for text in ranges:
            box = resolve(ss, text)
            data_by_sheet.setdefault(box.sheet.sheet_id, []).append(box)
    sheets = []
    for sheet in ss.ordered():
        if ranges and sheet.sheet_id not in data_by_sheet:
            continue
        boxes = None
        if include_grid:
            boxes = data_by_sheet.get(sheet.sheet_id) or [Box(sheet, 0, 0, sheet.rows, sheet.cols)]
        sheets.append(sheet_resource(ss, sheet, boxes))
    props = copy.deepcopy(ss.props)
    props.setdefault("defaultFormat", copy.deepcopy(DEFAULT_FORMAT))
    doc = {
        "spreadsheetId": ss.spreadsheet_id,
        "properties": props,
        "sheets": sheets,
        "spreadsheetUrl": f"{base_url}/spreadsheets/d/{ss.spreadsheet_id}/edit",
    }
    if fields:
        doc = filter_by_mask(doc, parse_mask(fields))
    return doc
