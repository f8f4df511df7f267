"""spreadsheets.values.* endpoints: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from typing import Any

from .cellvalues import parse_user_entered, render, set_raw
from .errors import bad_request
from .grid import Box, check_protection, resolve
from .model import Sheet, Spreadsheet
from .ranges import index_to_col


def _opt(params: dict, name: str, default: str) -> str:
    value = params.get(name)
    return value if value else default


def read_box(box: Box, params: dict) -> dict:
    value_opt = _opt(params, "valueRenderOption", "FORMATTED_VALUE")
    dt_opt = _opt(params, "dateTimeRenderOption", "SERIAL_NUMBER")
    major = _opt(params, "majorDimension", "ROWS")
    sheet = box.sheet
    # Only the part of the box that holds values can render non-empty; the rest would be trimmed anyway.
    rows, cols = sheet.data_extent()
    grid = [
        [render(sheet, sheet.cell(r, c), value_opt, dt_opt) for c in range(box.c0, min(box.c1, cols))]
        for r in range(box.r0, min(box.r1, rows))
    ]
    if major == "COLUMNS":
        grid = [list(col) for col in zip(*grid, strict=True)] if grid else []
    for line in grid:
        while line and line[-1] == "":
            line.pop()
    while grid and not grid[-1]:
        grid.pop()
    out: dict[str, Any] = {"range": box.a1(), "majorDimension": major}
    if grid:
        out["values"] = grid
    return out


def values_get(ss: Spreadsheet, range_text: str, params: dict) -> dict:
    return read_box(resolve(ss, range_text), params)


def values_batch_get(ss: Spreadsheet, params: dict) -> dict:
    ranges = params.get("ranges") or []
    if isinstance(ranges, str):
        ranges = [ranges]
    return {"spreadsheetId": ss.spreadsheet_id, "valueRanges": [values_get(ss, r, params) for r in ranges]}


def _require_input_option(option: str | None) -> str:
    if not option:
        raise bad_request("'valueInputOption' is required but not specified")
    return option


def _matrix(body: dict) -> list[list[Any]]:
    rows = [list(row) if isinstance(row, list) else [row] for row in (body.get("values") or [])]
    if body.get("majorDimension") == "COLUMNS":
        width = max((len(r) for r in rows), default=0)
        rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
    return rows


def write_matrix(
    ss: Spreadsheet, box: Box, rows: list[list[Any]], input_option: str, caller: str | None, requested: str
) -> dict:
    """Write ``rows`` at the box's top-left corner; grows the grid when needed (like Google)."""
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    result: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if height == 0 or width == 0:
        result["updatedRange"] = box.a1()
        return result
    if not box.open_rows and box.r0 + height > box.r1 and box.r1 - box.r0 > 0 and ":" in requested:
        raise bad_request(
            f"Requested writing within range [{requested}], but tried writing to row [{box.r0 + height}]"
        )
    if not box.open_cols and box.c0 + width > box.c1 and ":" in requested:
        raise bad_request(
            f"Requested writing within range [{requested}], but tried writing to column "
            f"[{index_to_col(box.c0 + width - 1)}]"
        )
    sheet = box.sheet
    target = Box(sheet, box.r0, box.c0, box.r0 + height, box.c0 + width)
    grow_rows = max(sheet.rows, target.r1)
    grow_cols = max(sheet.cols, target.c1)
    if (grow_rows, grow_cols) != (sheet.rows, sheet.cols):
        sheet.set_grid(grow_rows, grow_cols)
        ss.check_cell_limit()
    check_protection(ss, target, caller)
    cells, touched_rows, touched_cols = 0, set(), set()
    for i, row in enumerate(rows):
        for j, raw in enumerate(row):
            if raw is None:  # null means "leave this cell alone" and is not counted
                continue
            cells += 1
            touched_rows.add(i)
            touched_cols.add(j)
            _store(sheet, box.r0 + i, box.c0 + j, raw, input_option)
    result.update(
        updatedRange=target.a1(),
        updatedRows=len(touched_rows),
        updatedColumns=len(touched_cols),
        updatedCells=cells,
    )
    return result


def _store(sheet: Sheet, r: int, c: int, raw: Any, input_option: str) -> None:
    if isinstance(raw, (dict, list)):
        raise bad_request(f"Invalid values[{r}][{c}]: {type(raw).__name__}_value")
    cell = sheet.ensure(r, c)
    if input_option == "USER_ENTERED":
        parse_user_entered(raw, cell)
    else:
        set_raw(raw, cell)
    sheet.drop_if_empty(r, c)


def _with_data(ss: Spreadsheet, result: dict, params: dict, prefix: str = "response") -> dict:
    if str(params.get("includeValuesInResponse", "")).lower() == "true" and "updatedRange" in result:
        opts = {
            "valueRenderOption": params.get(f"{prefix}ValueRenderOption") or "FORMATTED_VALUE",
            "dateTimeRenderOption": params.get(f"{prefix}DateTimeRenderOption") or "SERIAL_NUMBER",
        }
        result["updatedData"] = read_box(resolve(ss, result["updatedRange"]), opts)
    return result


def values_update(ss: Spreadsheet, range_text: str, params: dict, body: dict, caller: str | None) -> dict:
    option = _require_input_option(params.get("valueInputOption"))
    box = resolve(ss, range_text, for_write=True)
    result = write_matrix(ss, box, _matrix(body), option, caller, range_text)
    return _with_data(ss, result, params)


def values_batch_update(ss: Spreadsheet, body: dict, caller: str | None) -> dict:
    option = _require_input_option(body.get("valueInputOption"))
    params = {
        "includeValuesInResponse": str(body.get("includeValuesInResponse", "")),
        "responseValueRenderOption": body.get("responseValueRenderOption"),
        "responseDateTimeRenderOption": body.get("responseDateTimeRenderOption"),
    }
    responses, rows, cols, sheets, total = [], set(), set(), set(), 0
    for vr in body.get("data") or []:
        box = resolve(ss, vr.get("range", ""), for_write=True)
        res = _with_data(ss, write_matrix(ss, box, _matrix(vr), option, caller, vr.get("range", "")), params)
        responses.append(res)
        if "updatedRows" in res:
            sid = box.sheet.sheet_id
            sheets.add(sid)
            rows.update((sid, box.r0 + i) for i in range(res["updatedRows"]))
            cols.update((sid, box.c0 + j) for j in range(res["updatedColumns"]))
            total += res["updatedCells"]
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if responses:
        out.update(
            totalUpdatedRows=len(rows),
            totalUpdatedColumns=len(cols),
            totalUpdatedCells=total,
            totalUpdatedSheets=len(sheets),
            responses=responses,
        )
    return out


def find_table(box: Box) -> Box | None:
    """Google's append 'table' heuristic: the last block of adjacent non-empty cells touching the range."""
    sheet = box.sheet
    filled = {k for k, v in sheet.cells.items() if v.has_value()}
    seen: set[tuple[int, int]] = set()
    best: Box | None = None
    for start in sorted(filled):
        if start in seen:
            continue
        stack, comp = [start], []
        seen.add(start)
        while stack:
            r, c = stack.pop()
            comp.append((r, c))
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    nb = (r + dr, c + dc)
                    if nb in filled and nb not in seen:
                        seen.add(nb)
                        stack.append(nb)
        r0, r1 = min(p[0] for p in comp), max(p[0] for p in comp) + 1
        c0, c1 = min(p[1] for p in comp), max(p[1] for p in comp) + 1
        if r0 < box.r1 and box.r0 < r1 and c0 < box.c1 and box.c0 < c1:
            cand = Box(sheet, r0, c0, r1, c1)
            if best is None or (cand.r1, cand.c0) >= (best.r1, best.c0):
                best = cand
    return best


def values_append(ss: Spreadsheet, range_text: str, params: dict, body: dict, caller: str | None) -> dict:
    option = _require_input_option(params.get("valueInputOption"))
    box = resolve(ss, range_text, for_write=True)
    search = Box(box.sheet, box.r0, box.c0, min(box.r1, box.sheet.rows), min(box.c1, box.sheet.cols))
    table = find_table(search)
    out: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
    if table is not None:
        out["tableRange"] = table.a1()
        start_r, start_c = table.r1, table.c0
    else:
        start_r, start_c = box.r0, box.c0
    rows = _matrix(body)
    sheet = box.sheet
    if params.get("insertDataOption") == "INSERT_ROWS" and rows:
        from .batch_update import shift_rows

        shift_rows(ss, sheet, start_r, len(rows))
    target = Box(sheet, start_r, start_c, start_r + max(len(rows), 1), start_c + 1, True, True)
    out["updates"] = _with_data(ss, write_matrix(ss, target, rows, option, caller, ""), params)
    return out


def values_clear(ss: Spreadsheet, range_text: str, caller: str | None) -> dict:
    box = resolve(ss, range_text)
    clear_box(ss, box, caller)
    return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": box.a1()}


def clear_box(ss: Spreadsheet, box: Box, caller: str | None) -> None:
    check_protection(ss, box, caller)
    for (r, c), cell in list(box.sheet.cells.items()):
        if box.r0 <= r < box.r1 and box.c0 <= c < box.c1:
            cell.value = None
            cell.formula = None
            box.sheet.drop_if_empty(r, c)


def values_batch_clear(ss: Spreadsheet, body: dict, caller: str | None) -> dict:
    boxes = [resolve(ss, r) for r in body.get("ranges") or []]
    for box in boxes:
        clear_box(ss, box, caller)
    return {"spreadsheetId": ss.spreadsheet_id, "clearedRanges": [b.a1() for b in boxes]}
