"""A ChangeSet as Sheets API v4 batchUpdate requests: typed values, grouped runs, 2 MB chunks.

Values are typed (stringValue for text, so that "=1+1" stays text; numberValue with a date format for
dates). Requests are ordered so that any prefix of the chunks leaves a sheet the next cycle converges
from: new tabs and grid growth first; appended rows together with the state tab that records them, last.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reports.table import PLAIN, CellLook
from sheets_schema.a1 import column_letter as _column_letter
from sheets_schema.parsing import date_to_serial
from sync.core.changes import (
    CAPTURE_TAB,
    Capture,
    CellValue,
    CellWrite,
    ChangeSet,
    NoteWrite,
    OpenCells,
    PatchedRow,
    TabContent,
    TabLayout,
    TabOpening,
    TabPatch,
)
from sync.stores.google_charts import chart_requests, delete_chart_requests

MAX_REQUEST_BYTES = 2_000_000  # Google's recommended ceiling for one request
VALUE_FIELDS = "userEnteredValue,userEnteredFormat.numberFormat"
PROTECTION_MARK = "sfa-sync: service-owned"
GREY = {"red": 0.93, "green": 0.93, "blue": 0.93}
FLAGGED = {"red": 0.99, "green": 0.89, "blue": 0.84}
HEADER_BLUE = {"red": 0.87, "green": 0.92, "blue": 0.97}
DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
ROWS_PER_SLICE = 500  # rows of a service-owned tab per updateCells request
OWNED_FIELDS = "userEnteredValue,userEnteredFormat,dataValidation"  # a service-owned cell, written whole
PIXELS_PER_CHAR, PIXEL_PADDING = 7, 5  # a column `width` characters wide (as Excel counts them), in pixels


def cell_data(value: CellValue) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, datetime):
        return _dated(value, "DATE_TIME", "yyyy-mm-dd hh:mm")
    if isinstance(value, date):
        return _dated(value, "DATE", "yyyy-mm-dd")
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def _dated(value: date, kind: str, pattern: str) -> dict[str, Any]:
    return {
        "userEnteredValue": {"numberValue": date_to_serial(value)},
        "userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}},
    }


@dataclass
class SheetInfo:
    sheet_id: int
    rows: int
    cols: int
    protected_ids: list[int] = field(default_factory=list)  # our protected ranges (by description)
    chart_ids: list[int] = field(default_factory=list)  # charts on the tab (generated tabs: all ours)


@dataclass
class Plan:
    """Request groups in order; a group is never split across two batchUpdate calls."""

    groups: list[list[dict[str, Any]]] = field(default_factory=list)

    def add(self, *requests: dict[str, Any]) -> None:
        if requests:
            self.groups.append(list(requests))


def build_requests(
    changes: ChangeSet,
    sheets: dict[str, SheetInfo],
    editor: str | None,
    after: dict[str, SheetInfo] | None = None,
) -> list[list[dict]]:
    """The batchUpdate request lists, each at most 2 MB, in the order they must be sent. `after`, if given,
    receives the tabs as they will be once the requests are applied (new ones with their ids)."""
    sheets = {
        title: SheetInfo(i.sheet_id, i.rows, i.cols, list(i.protected_ids), list(i.chart_ids))
        for title, i in sheets.items()
    }
    builder = _Builder(sheets, editor)
    builder.plan.add(*builder.captures(changes.captures))  # first: what the cells hold as the write lands
    for title in changes.new_tabs:
        builder.add_sheet(title)
    builder.plan.add(*_grow_grids(changes, sheets))
    for run in _cell_runs(changes.cells, sheets):
        builder.plan.add(run)
    for note in changes.notes:
        builder.plan.add(_note(note, sheets))
    for content in changes.tabs:
        for request in builder.owned_tab(content):
            builder.plan.add(request)  # generated tabs may be split between requests (see _owned_tab)
    for patch in changes.patches:
        builder.plan.add(*builder.patched_tab(patch))  # one group: the shifts never land without their rows
    for opening in changes.openings:  # after the rows moved: the holes are where the rows are now
        builder.plan.add(*_opening(opening, sheets[opening.title]))
    for layout in changes.layouts:
        builder.plan.add(*_layout(layout, sheets[layout.tab], editor))
    builder.plan.add(*(_append(a.values, sheets[a.tab].sheet_id) for a in changes.appends))
    # Last, each group whole in one request: rows created with the ledger recording them, a deal's state with
    # its history. Whatever request is lost before one, the next cycle plans the same from the same state.
    for group in changes.groups:
        requests = [r for content in group.tabs for r in builder.owned_tab(content)]
        for patch in group.patches:
            requests += builder.patched_tab(patch)
        requests += [_append(a.values, sheets[a.tab].sheet_id) for a in group.appends]
        requests += _cell_runs(group.cells, sheets)
        requests += [_note(note, sheets) for note in group.notes]  # notes on the rows just appended
        builder.plan.add(*requests)
    if after is not None:
        after.update(builder.sheets)
    return chunk(builder.plan.groups)


def _note(note: NoteWrite, sheets: dict[str, SheetInfo]) -> dict:
    return {
        "updateCells": {
            "start": {"sheetId": sheets[note.tab].sheet_id, "rowIndex": note.row, "columnIndex": note.col},
            "rows": [{"values": [{"note": note.text} if note.text else {}]}],
            "fields": "note",
        }
    }


class _Builder:
    def __init__(self, sheets: dict[str, SheetInfo], editor: str | None) -> None:
        self.sheets, self.editor, self.plan = sheets, editor, Plan()
        self.next_id = max((i.sheet_id for i in sheets.values()), default=0) + 1

    def add_sheet(self, title: str) -> None:
        if title in self.sheets:
            return
        self.sheets[title] = SheetInfo(self.next_id, DEFAULT_ROWS, DEFAULT_COLS)
        self.plan.add(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": self.next_id,
                        "title": title,
                        "gridProperties": {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLS},
                    }
                }
            }
        )
        self.next_id += 1

    def captures(self, captures: list[Capture]) -> list[dict]:
        """The capture tab emptied, then each block copied into it (values only), side by side."""
        sized = [(c, self.sheets[c.tab]) for c in captures if c.tab in self.sheets]
        cut = [(c, i, min(c.height, i.rows - c.top), min(c.width, i.cols - c.left)) for c, i in sized]
        blocks = [(c, i, height, width) for c, i, height, width in cut if height > 0 and width > 0]
        if not blocks:
            return []
        rows = max(height for _, _, height, _ in blocks)
        cols = sum(width for _, _, _, width in blocks)
        out = self._capture_tab(rows, cols)
        left = 0
        for capture, info, height, width in blocks:
            out.append(
                {
                    "copyPaste": {
                        "source": _span(info.sheet_id, capture.top, capture.left, height, width),
                        "destination": _span(self.sheets[CAPTURE_TAB].sheet_id, 0, left, height, width),
                        "pasteType": "PASTE_VALUES",
                    }
                }
            )
            left += capture.width  # (the layout of capture_columns, even when a block was cut at the grid)
        return out

    def _capture_tab(self, rows: int, cols: int) -> list[dict]:
        info = self.sheets.get(CAPTURE_TAB)
        out: list[dict] = []
        if info is None:
            info = self.sheets[CAPTURE_TAB] = SheetInfo(self.next_id, rows, cols)
            self.next_id += 1
            grid = {"rowCount": rows, "columnCount": cols}
            out.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": info.sheet_id,
                            "title": CAPTURE_TAB,
                            "hidden": True,
                            "gridProperties": grid,
                        }
                    }
                }
            )
            if self.editor:
                out.append(_protect({"sheetId": info.sheet_id}, self.editor))
            return out
        if rows > info.rows or cols > info.cols:
            info.rows, info.cols = max(info.rows, rows), max(info.cols, cols)
            out.append(
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": info.sheet_id,
                            "gridProperties": {"rowCount": info.rows, "columnCount": info.cols},
                        },
                        "fields": "gridProperties(rowCount,columnCount)",
                    }
                }
            )
        out.append({"updateCells": {"range": {"sheetId": info.sheet_id}, "fields": "userEnteredValue"}})
        return out

    def owned_tab(self, content: TabContent) -> list[dict]:
        out: list[dict] = []
        self.next_id = _owned_tab(content, self.sheets, self.next_id, self.editor, out)
        return out

    def patched_tab(self, patch: TabPatch) -> list[dict]:
        """A patch's requests, all in one request group: if the rows were moved and their new content did
        not land (an interruption between two requests), empty rows inside the Manager Review's table would
        hide the decisions below them. A patch too large for one request is a rewrite instead."""
        info = self.sheets[patch.title]
        rows_before = info.rows
        requests = _patch(patch, info)
        if sum(len(json.dumps(r)) + 2 for r in requests) <= MAX_REQUEST_BYTES - 10_000:
            return requests
        info.rows = rows_before
        return self.owned_tab(patch.content)


def chunk(groups: list[list[dict]], limit: int = MAX_REQUEST_BYTES - 100) -> list[list[dict]]:
    batches: list[list[dict]] = []
    current: list[dict] = []
    size = 0
    for group in groups:
        # Measured as the HTTP body is sent (json with ASCII escapes), with the ", " between requests.
        group_size = sum(len(json.dumps(r)) + 2 for r in group)
        if current and size + group_size > limit:
            batches.append(_merge_appends(current))
            current, size = [], 0
        current += group
        size += group_size
    if current:
        batches.append(_merge_appends(current))
    return batches


def _merge_appends(requests: list[dict]) -> list[dict]:
    """Neighbouring appendCells to the same sheet become one request (a batch is atomic either way). The
    merged request's rows grow in place (a list of its own: the requests given are not changed), so merging
    N appends costs O(N), not the O(N²) of concatenating ever longer lists."""
    merged: list[dict] = []
    copied = False  # whether merged[-1] is a request of our own (one given is never changed)
    for request in requests:
        previous = merged[-1].get("appendCells") if merged else None
        current = request.get("appendCells")
        if (
            previous
            and current
            and previous["sheetId"] == current["sheetId"]
            and previous["fields"] == current["fields"]
        ):
            if not copied:
                merged[-1] = {"appendCells": {**previous, "rows": list(previous["rows"])}}
                copied = True
            merged[-1]["appendCells"]["rows"].extend(current["rows"])
        else:
            merged.append(request)
            copied = False
    return merged


def _grow_grids(changes: ChangeSet, sheets: dict[str, SheetInfo]) -> list[dict]:
    need_rows: dict[str, int] = defaultdict(int)
    need_cols: dict[str, int] = defaultdict(int)
    grouped = [cell for group in changes.groups for cell in group.cells]  # (e.g. the review's Decision cells)
    written: list[CellWrite | NoteWrite] = [*changes.cells, *changes.notes, *grouped]
    for cell in written:
        need_rows[cell.tab] = max(need_rows[cell.tab], cell.row + 1)
        need_cols[cell.tab] = max(need_cols[cell.tab], cell.col + 1)
    for append in changes.appends:
        need_cols[append.tab] = max(need_cols[append.tab], len(append.values))
    for patch in changes.patches:  # (rows: a patch inserts the rows it needs)
        need_cols[patch.title] = max([need_cols[patch.title], *(len(row.values) for row in patch.rows)])
    for layout in changes.layouts:
        need_rows[layout.tab] = max(need_rows[layout.tab], layout.max_rows)
        need_cols[layout.tab] = max([need_cols[layout.tab], *(c.col + 1 for c in layout.columns)])
    requests = []
    for title in sorted(set(need_rows) | set(need_cols)):
        info = sheets[title]
        for dimension, need, have in (
            ("ROWS", need_rows[title], info.rows),
            ("COLUMNS", need_cols[title], info.cols),
        ):
            if need > have:
                requests.append(
                    {
                        "appendDimension": {
                            "sheetId": info.sheet_id,
                            "dimension": dimension,
                            "length": need - have,
                        }
                    }
                )
                if dimension == "ROWS":
                    info.rows = need
                else:
                    info.cols = need
    return requests


def _cell_runs(cells: list[CellWrite], sheets: dict[str, SheetInfo]) -> list[dict]:
    """Cells grouped into runs of consecutive rows in one column: one updateCells per run."""
    by_column: dict[tuple[str, int], dict[int, CellValue]] = defaultdict(dict)
    for cell in cells:
        by_column[(cell.tab, cell.col)][cell.row] = cell.value
    requests = []
    for (tab, col), values in by_column.items():
        rows = sorted(values)
        start = previous = rows[0]
        run: list[CellValue] = []
        for row in rows:
            if row != previous + 1 and run:
                requests.append(_update(sheets[tab].sheet_id, start, col, run))
                start, run = row, []
            run.append(values[row])
            previous = row
        requests.append(_update(sheets[tab].sheet_id, start, col, run))
    return requests


def _update(sheet_id: int, row: int, col: int, values: list[CellValue]) -> dict:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
            "rows": [{"values": [cell_data(v)]} for v in values],
            "fields": VALUE_FIELDS,
        }
    }


def _append(values: tuple[CellValue, ...], sheet_id: int) -> dict:
    return {
        "appendCells": {
            "sheetId": sheet_id,
            "rows": [{"values": [cell_data(v) for v in values]}],
            "fields": VALUE_FIELDS,
        }
    }


def _owned_tab(
    content: TabContent, sheets: dict[str, SheetInfo], next_id: int, editor: str | None, out: list[dict]
) -> int:
    rows = max(len(content.rows) + 1, 2)
    cols = max([1, *(len(r) for r in content.rows)])
    info = sheets.get(content.title)
    if info is None:
        info = sheets[content.title] = SheetInfo(next_id, rows, cols)
        next_id += 1
        out.append(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": info.sheet_id,
                        "title": content.title,
                        "hidden": content.hidden,
                        "gridProperties": {
                            "rowCount": rows,
                            "columnCount": cols,
                            "frozenRowCount": content.look.frozen(content.header_rows),
                        },
                    }
                }
            }
        )
        if editor:
            out.append(_protect({"sheetId": info.sheet_id}, editor, _holes(content.open_cells, info)))
    else:
        info.rows, info.cols = max(info.rows, rows), max(info.cols, cols)
        out.append(
            {
                "updateSheetProperties": {
                    "properties": {
                        "sheetId": info.sheet_id,
                        "hidden": content.hidden,
                        "gridProperties": {
                            "rowCount": info.rows,
                            "columnCount": info.cols,
                            "frozenRowCount": content.look.frozen(content.header_rows),
                        },
                    },
                    "fields": "hidden,gridProperties(rowCount,columnCount,frozenRowCount)",
                }
            }
        )
    bold_rows = set(content.bold_rows)
    grid_rows = []
    for index, row in enumerate(content.rows):
        style = "header" if index < content.header_rows else "bold" if index in bold_rows else ""
        grid_rows.append(_styled_row(row, style, content, index))
    # The whole sheet as the range: every cell not in `rows` is cleared, so old rows never linger. A large
    # tab is written in slices of rows, each its own request, so a split write can put them in several
    # batches (a generated tab left half-written by an interruption is rebuilt whole by the next cycle).
    first = grid_rows[:ROWS_PER_SLICE]
    out.append(
        {
            "updateCells": {
                "range": {"sheetId": info.sheet_id},
                "rows": first,
                "fields": OWNED_FIELDS,
            }
        }
    )
    for start in range(ROWS_PER_SLICE, len(grid_rows), ROWS_PER_SLICE):
        out.append(
            {
                "updateCells": {
                    "start": {"sheetId": info.sheet_id, "rowIndex": start, "columnIndex": 0},
                    "rows": grid_rows[start : start + ROWS_PER_SLICE],
                    "fields": OWNED_FIELDS,
                }
            }
        )
    out += column_widths(info, content.column_widths)
    out += delete_chart_requests(info.chart_ids)  # the tab's charts are drawn anew with its content
    info.chart_ids = []
    out += chart_requests(info.sheet_id, content.charts)
    return next_id


STYLES: dict[str, dict[str, Any]] = {
    "header": {"textFormat": {"bold": True}, "backgroundColor": HEADER_BLUE},
    "bold": {"textFormat": {"bold": True}},
    "": {},
}


def _styled_row(row: tuple[CellValue, ...], style: str, content: TabContent, index: int) -> dict[str, Any]:
    """A row of a service-owned tab, each cell with its whole format and validation (written with
    userEnteredFormat and dataValidation: what is not given is reset, so a row that was a section title or
    a flagged deal before is plain now). The row's look comes from the tab's Look, by its place in the new
    content: a row moved by a patch is written with the look of where it lands."""
    look = STYLES[style]
    width = max(len(row), content.look.row_end(index))
    values = []
    for col in range(width):
        data = cell_data(row[col] if col < len(row) else None)
        own = _cell_look(content.look.cell(index, col))
        if look or own:
            data = {**data, "userEnteredFormat": {**data.get("userEnteredFormat", {}), **look, **own}}
        validation = _validation(content.look.cell(index, col))
        if validation:
            data["dataValidation"] = validation
        values.append(data)
    return {"values": values}


def _cell_look(look: CellLook) -> dict[str, Any]:
    """A cell's Look as userEnteredFormat (dates keep the date format cell_data gives them)."""
    if look is PLAIN:
        return {}
    out: dict[str, Any] = {}
    if look.number_format:
        out["numberFormat"] = {"type": "NUMBER", "pattern": look.number_format}
    if look.wrap:
        out["wrapStrategy"] = "WRAP"
    if look.top:
        out["verticalAlignment"] = "TOP"
    if look.bold:
        out["textFormat"] = {"bold": True}
    if look.fill:
        out["backgroundColor"] = _colour(look.fill)
    return out


def _colour(hex_rgb: str) -> dict[str, float]:
    red, green, blue = (int(hex_rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 3), "green": round(green, 3), "blue": round(blue, 3)}


def _validation(look: CellLook) -> dict[str, Any] | None:
    """A dropdown that shows the list and still accepts other text (strict false)."""
    if not look.options:
        return None
    return {
        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": o} for o in look.options]},
        "strict": False,
        "showCustomUi": True,
    }


def column_widths(info: SheetInfo, widths: tuple[int, ...]) -> list[dict]:
    """One updateDimensionProperties per run of columns of the same width."""
    requests: list[dict] = []
    shown = widths[: info.cols]
    start = 0
    for end in range(1, len(shown) + 1):
        if end == len(shown) or shown[end] != shown[start]:
            requests.append(
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": info.sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": start,
                            "endIndex": end,
                        },
                        "properties": {"pixelSize": shown[start] * PIXELS_PER_CHAR + PIXEL_PADDING},
                        "fields": "pixelSize",
                    }
                }
            )
            start = end
    return requests


def _patch(patch: TabPatch, info: SheetInfo) -> list[dict]:
    """The row shifts (insertDimension / deleteDimension, in order), then the rewritten rows: one updateCells
    per run of consecutive rows, at most ROWS_PER_SLICE rows each."""
    shifts = []
    for shift in patch.shifts:
        if shift.count > 0:  # inherit from the row after: a new row under the header must not turn blue
            span = {
                "sheetId": info.sheet_id,
                "dimension": "ROWS",
                "startIndex": shift.at,
                "endIndex": shift.at + shift.count,
            }
            shifts.append({"insertDimension": {"range": span, "inheritFromBefore": False}})
            info.rows += shift.count
        else:
            if shift.at - shift.count >= info.rows:  # Sheets refuses to delete every non-frozen row: keep one
                shifts.append(
                    {"appendDimension": {"sheetId": info.sheet_id, "dimension": "ROWS", "length": 1}}
                )
                info.rows += 1
            span = {
                "sheetId": info.sheet_id,
                "dimension": "ROWS",
                "startIndex": shift.at,
                "endIndex": shift.at - shift.count,
            }
            shifts.append({"deleteDimension": {"range": span}})
            info.rows += shift.count
    writes = []
    run: list[PatchedRow] = []
    for row in [*patch.rows, None]:
        if run and (row is None or row.row != run[-1].row + 1 or len(run) == ROWS_PER_SLICE):
            writes.append(
                {
                    "updateCells": {
                        "start": {"sheetId": info.sheet_id, "rowIndex": run[0].row, "columnIndex": 0},
                        "rows": [_styled_row(r.values, r.style, patch.content, r.row) for r in run],
                        "fields": OWNED_FIELDS,
                    }
                }
            )
            run = []
        if row is not None:
            run.append(row)
    return shifts + writes + _patched_look(patch, info)


def _patched_look(patch: TabPatch, info: SheetInfo) -> list[dict]:
    """What the tab's look says beyond its cells, as it is for the new content: rows moved, so the main
    table's header may be higher or lower; new text may be wider."""
    requests = column_widths(info, patch.content.column_widths)
    if patch.content.look.frozen_rows is None:
        return requests  # (the header rows: they never move)
    frozen = min(patch.content.look.frozen_rows, info.rows - 1)
    properties = {"sheetId": info.sheet_id, "gridProperties": {"frozenRowCount": frozen}}
    update = {"properties": properties, "fields": "gridProperties.frozenRowCount"}
    return [{"updateSheetProperties": update}, *requests]


def _span(sheet_id: int, top: int, left: int, height: int, width: int) -> dict:
    return {
        "sheetId": sheet_id,
        "startRowIndex": top,
        "endRowIndex": top + height,
        "startColumnIndex": left,
        "endColumnIndex": left + width,
    }


def _protect(
    grid_range: dict[str, Any], editor: str, holes: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Only the service account edits the range; `holes` (of a protected whole tab) are open to every
    editor of the spreadsheet."""
    protected: dict[str, Any] = {
        "range": grid_range,
        "description": PROTECTION_MARK,
        "editors": {"users": [editor]},
    }
    if holes:
        protected["unprotectedRanges"] = holes
    return {"addProtectedRange": {"protectedRange": protected}}


def _holes(cells: tuple[OpenCells, ...], info: SheetInfo) -> list[dict[str, Any]]:
    holes: list[dict[str, Any]] = []
    for block in cells:
        hole = {
            "sheetId": info.sheet_id,
            "startRowIndex": block.row,
            "startColumnIndex": block.col,
            "endColumnIndex": block.end_col,
        }
        if block.end_row is not None:
            hole["endRowIndex"] = block.end_row
        holes.append(hole)
    return holes


def _opening(opening: TabOpening, info: SheetInfo) -> list[dict[str, Any]]:
    """The service's protection of the whole tab, with the holes people type into set anew."""
    return [
        {
            "updateProtectedRange": {
                "protectedRange": {"protectedRangeId": pid, "unprotectedRanges": _holes(opening.cells, info)},
                "fields": "unprotectedRanges",
            }
        }
        for pid in info.protected_ids
    ]


def _layout(layout: TabLayout, info: SheetInfo, editor: str | None) -> list[dict]:
    sheet = info.sheet_id
    requests: list[dict] = [{"deleteProtectedRange": {"protectedRangeId": pid}} for pid in info.protected_ids]
    requests.append(
        {
            "updateSheetProperties": {
                "properties": {"sheetId": sheet, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        }
    )
    if layout.highlight_col is not None:  # flagged rows (e.g. Deals' Health not empty) stand out
        flag = _column_letter(layout.highlight_col)
        width = max(c.col for c in layout.columns) + 1
        requests.append(
            {
                "addConditionalFormatRule": {
                    "index": 0,
                    "rule": {
                        "ranges": [
                            {
                                "sheetId": sheet,
                                "startRowIndex": 1,
                                "endRowIndex": layout.max_rows,
                                "startColumnIndex": 0,
                                "endColumnIndex": width,
                            }
                        ],
                        "booleanRule": {
                            "condition": {
                                "type": "CUSTOM_FORMULA",
                                "values": [{"userEnteredValue": f"=LEN(${flag}2)>0"}],
                            },
                            "format": {"backgroundColor": FLAGGED},
                        },
                    },
                }
            }
        )
    for column in layout.columns:
        header = {
            "sheetId": sheet,
            "startRowIndex": 0,
            "endRowIndex": 1,
            "startColumnIndex": column.col,
            "endColumnIndex": column.col + 1,
        }
        body = {**header, "startRowIndex": 1, "endRowIndex": layout.max_rows}
        fill = GREY if column.derived else HEADER_BLUE
        requests.append(
            {
                "repeatCell": {
                    "range": header,
                    "cell": {
                        "userEnteredFormat": {
                            "textFormat": {"bold": True, "italic": column.derived},
                            "backgroundColor": fill,
                        }
                    },
                    "fields": "userEnteredFormat(textFormat,backgroundColor)",
                }
            }
        )
        if column.derived:
            requests.append(
                {
                    "repeatCell": {
                        "range": body,
                        "cell": {"userEnteredFormat": {"backgroundColor": GREY}},
                        "fields": "userEnteredFormat.backgroundColor",
                    }
                }
            )
            if editor:  # the whole column, however far the sheet grows (no endRowIndex)
                column_range = {k: v for k, v in header.items() if k != "endRowIndex"}
                requests.append(_protect(column_range, editor))
        if column.options:
            requests.append(
                {
                    "setDataValidation": {
                        # the whole column (no endRowIndex), replacing what an earlier init set there
                        "range": {k: v for k, v in body.items() if k != "endRowIndex"},
                        "rule": {
                            "condition": {
                                "type": "ONE_OF_LIST",
                                "values": [{"userEnteredValue": o} for o in column.options],
                            },
                            "strict": False,
                            "showCustomUi": True,
                        },
                    }
                }
            )
    return requests
