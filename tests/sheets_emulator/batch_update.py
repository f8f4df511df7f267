"""spreadsheets:batchUpdate request handlers. The caller applies them to a snapshot (all-or-nothing)."""

from __future__ import annotations

import copy
import random
from typing import Any

from .cellvalues import effective_value
from .errors import ApiError, bad_request
from .grid import Box, check_protection, check_sheet_protection, grid_range_box
from .masks import apply_masked, mask_paths, normalize_colors, prune
from .model import Cell, Sheet, Spreadsheet, new_sheet_props
from .ranges import format_range


class Ctx:
    def __init__(self, ss: Spreadsheet, caller: str | None, index: int, kind: str):
        self.ss, self.caller, self.index, self.kind = ss, caller, index, kind

    def invalid(self, message: str) -> ApiError:
        return bad_request(f"Invalid requests[{self.index}].{self.kind}: {message}")

    def box(self, gr: dict) -> Box:
        try:
            box = grid_range_box(self.ss, gr)
        except ApiError:
            raise self.invalid(f"No grid with id: {gr.get('sheetId', 0)}") from None
        return box

    def bounded(self, gr: dict) -> Box:
        box = self.box(gr)
        sheet = box.sheet
        if box.r1 > sheet.rows or box.c1 > sheet.cols:
            raise self.invalid(
                f"Range ({format_range(sheet.title, box.r0, box.c0, box.r1, box.c1)}) exceeds grid limits. "
                f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
            )
        return box


def apply_requests(ss: Spreadsheet, requests: list[dict], caller: str | None) -> list[dict]:
    replies = []
    for i, request in enumerate(requests):
        kinds = [k for k, v in request.items() if v is not None]
        if len(kinds) != 1:
            raise bad_request(f"Invalid requests[{i}]: exactly one request kind must be set.")
        kind = kinds[0]
        handler = HANDLERS.get(kind)
        if handler is None:
            raise bad_request(
                f"Invalid requests[{i}].{kind}: request kind not modelled by the Sheets emulator."
            )
        replies.append(handler(Ctx(ss, caller, i, kind), request[kind]) or {})
    return replies


# ------------------------------------------------------------------ sheets


def add_sheet(ctx: Ctx, body: dict) -> dict:
    ss = ctx.ss
    props = body.get("properties") or {}
    title = props.get("title") or _free_title(ss)
    if title in ss.titles():
        raise ctx.invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ss.next_sheet_id()
    elif any(s.sheet_id == sheet_id for s in ss.sheets):
        raise ctx.invalid(f"A sheet with id {sheet_id} already exists.")
    gp = props.get("gridProperties") or {}
    new = new_sheet_props(
        sheet_id, title, len(ss.sheets), gp.get("rowCount", 1000), gp.get("columnCount", 26)
    )
    for key, value in props.items():
        if key not in ("sheetId", "title", "index", "gridProperties"):
            new[key] = copy.deepcopy(value)
    new["gridProperties"].update({k: v for k, v in gp.items()})
    sheet = Sheet(new)
    ss.sheets.append(sheet)
    _move(ss, sheet, props.get("index", len(ss.sheets) - 1))
    ss.check_cell_limit()
    return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}


def _free_title(ss: Spreadsheet) -> str:
    n = len(ss.sheets) + 1
    while f"Sheet{n}" in ss.titles():
        n += 1
    return f"Sheet{n}"


def _move(ss: Spreadsheet, sheet: Sheet, index: int) -> None:
    order = [s for s in ss.ordered() if s is not sheet]
    order.insert(max(0, min(index, len(order))), sheet)
    for i, s in enumerate(order):
        s.props["index"] = i


def delete_sheet(ctx: Ctx, body: dict) -> None:
    ss = ctx.ss
    sheet_id = body.get("sheetId", 0)
    sheet = next((s for s in ss.sheets if s.sheet_id == sheet_id), None)
    if sheet is None:
        raise ctx.invalid(f"No sheet with id: {sheet_id}")
    if not [s for s in ss.sheets if s is not sheet and not s.props.get("hidden")]:
        raise ctx.invalid("You can't remove all the visible sheets in a document.")
    check_sheet_protection(ss, sheet, ctx.caller)
    ss.sheets.remove(sheet)
    ss.renumber()


def update_sheet_properties(ctx: Ctx, body: dict) -> None:
    ss = ctx.ss
    props = body.get("properties") or {}
    fields = body.get("fields")
    if not fields:
        raise ctx.invalid("At least one field must be updated, but fields is empty.")
    sheet_id = props.get("sheetId", 0)
    sheet = next((s for s in ss.sheets if s.sheet_id == sheet_id), None)
    if sheet is None:
        raise ctx.invalid(f"No grid with id: {sheet_id}")
    new_index = props.get("index", sheet.props["index"])
    updated = copy.deepcopy(sheet.props)
    apply_masked(updated, props, fields, protected=("sheetId", "sheetType"))
    heads = {p[0] for p in mask_paths(fields)}
    for one, other in (("tabColorStyle", "tabColor"), ("tabColor", "tabColorStyle")):
        if one in heads and one not in updated:  # clearing one form of the colour clears both
            updated.pop(other, None)
    updated = normalize_colors(updated)
    updated["sheetId"] = sheet_id
    title = updated.get("title")
    if not title:
        raise ctx.invalid("Sheet title must not be empty.")
    if title != sheet.title and title in ss.titles():
        raise ctx.invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')
    gp = updated.setdefault("gridProperties", {})
    gp.setdefault("rowCount", sheet.rows)
    gp.setdefault("columnCount", sheet.cols)
    if gp["rowCount"] < 1 or gp["columnCount"] < 1:
        raise ctx.invalid("Sheet must have at least one row and column.")
    if gp.get("frozenRowCount", 0) >= gp["rowCount"] or gp.get("frozenColumnCount", 0) >= gp["columnCount"]:
        raise ctx.invalid("You can't freeze all visible rows/columns on the sheet.")
    if updated.get("hidden") and not [s for s in ss.sheets if s is not sheet and not s.props.get("hidden")]:
        raise ctx.invalid("You can't hide all visible sheets in a document.")
    for key in ("frozenRowCount", "frozenColumnCount"):
        if gp.get(key) == 0:
            gp.pop(key)
    index = updated.pop("index", None)
    sheet.props = {**updated, "index": sheet.props["index"]}
    sheet.set_grid(gp["rowCount"], gp["columnCount"])
    if any(p[0] == "index" or p == ["*"] for p in mask_paths(fields)):
        _move(ss, sheet, new_index if index is not None else 0)
    ss.check_cell_limit()


def update_spreadsheet_properties(ctx: Ctx, body: dict) -> None:
    fields = body.get("fields")
    if not fields:
        raise ctx.invalid("At least one field must be updated, but fields is empty.")
    apply_masked(ctx.ss.props, body.get("properties") or {}, fields)
    if not ctx.ss.props.get("title"):
        raise ctx.invalid("Spreadsheet title must not be empty.")


# ------------------------------------------------------------------ cells


def _apply_cell(sheet: Sheet, r: int, c: int, data: dict, fields: str) -> None:
    cell = sheet.ensure(r, c)
    paths = mask_paths(fields)
    if ["*"] in paths:
        paths = [["userEnteredValue"], ["userEnteredFormat"], ["note"], ["dataValidation"]]
    for path in paths:
        head = path[0]
        if head == "userEnteredValue":
            _set_entered(cell, data.get("userEnteredValue"))
        elif head == "note":
            cell.note = data.get("note") or None
        elif head == "dataValidation":
            cell.validation = copy.deepcopy(data.get("dataValidation")) or None
        elif head == "userEnteredFormat":
            fmt = copy.deepcopy(cell.fmt or {})
            apply_masked(fmt, data.get("userEnteredFormat") or {}, ".".join(path[1:]) or "*")
            cell.fmt = normalize_colors(fmt) or None
        # other fields (hyperlink, textFormatRuns, effective*) are accepted and ignored
    sheet.drop_if_empty(r, c)


def _set_entered(cell: Cell, value: dict | None) -> None:
    cell.formula = None
    cell.value = None
    if not value:
        return
    if value.get("formulaValue") is not None:
        cell.formula = value["formulaValue"]
    elif value.get("numberValue") is not None:
        number = value["numberValue"]
        cell.value = int(number) if float(number).is_integer() and abs(number) < 1e15 else float(number)
    elif value.get("boolValue") is not None:
        cell.value = bool(value["boolValue"])
    elif value.get("stringValue") is not None:
        cell.value = value["stringValue"] if value["stringValue"] != "" else None
    elif value.get("errorValue") is not None:
        cell.value = "#ERROR!"


def update_cells(ctx: Ctx, body: dict) -> None:
    fields = body.get("fields")
    if not fields:
        raise ctx.invalid("At least one field must be updated, but fields is empty.")
    rows = body.get("rows") or []
    if body.get("range") is not None:
        box = ctx.bounded(body["range"])
        explicit = False
    else:
        start = body.get("start") or {}
        height = len(rows)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        box = ctx.bounded(
            {
                "sheetId": start.get("sheetId", 0),
                "startRowIndex": r0,
                "endRowIndex": r0 + height,
                "startColumnIndex": c0,
                "endColumnIndex": c0 + width,
            }
        )
        explicit = True
    check_protection(ctx.ss, box, ctx.caller)
    for r in range(box.r0, box.r1):
        row = rows[r - box.r0].get("values") or [] if r - box.r0 < len(rows) else []
        for c in range(box.c0, box.c1):
            j = c - box.c0
            if j < len(row):
                _apply_cell(box.sheet, r, c, row[j] or {}, fields)
            elif not explicit:
                _apply_cell(box.sheet, r, c, {}, fields)


def append_cells(ctx: Ctx, body: dict) -> None:
    fields = body.get("fields")
    if not fields:
        raise ctx.invalid("At least one field must be updated, but fields is empty.")
    sheet = ctx.box({"sheetId": body.get("sheetId", 0)}).sheet
    start = sheet.data_extent()[0]
    rows = body.get("rows") or []
    width = max((len(r.get("values") or []) for r in rows), default=0)
    sheet.set_grid(max(sheet.rows, start + len(rows)), max(sheet.cols, width))
    ctx.ss.check_cell_limit()
    check_protection(ctx.ss, Box(sheet, start, 0, start + max(len(rows), 1), max(width, 1)), ctx.caller)
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            _apply_cell(sheet, start + i, j, data or {}, fields)


def repeat_cell(ctx: Ctx, body: dict) -> None:
    fields = body.get("fields")
    if not fields:
        raise ctx.invalid("At least one field must be updated, but fields is empty.")
    box = ctx.bounded(body.get("range") or {})
    check_protection(ctx.ss, box, ctx.caller)
    data = body.get("cell") or {}
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            _apply_cell(box.sheet, r, c, data, fields)


def set_data_validation(ctx: Ctx, body: dict) -> None:
    box = ctx.bounded(body.get("range") or {})
    check_protection(ctx.ss, box, ctx.caller)
    rule = body.get("rule")
    if rule and not (rule.get("condition") or {}).get("type"):
        raise ctx.invalid("Data validation rule must have a condition type.")
    for r in range(box.r0, box.r1):
        for c in range(box.c0, box.c1):
            cell = box.sheet.ensure(r, c)
            cell.validation = copy.deepcopy(rule) if rule else None
            box.sheet.drop_if_empty(r, c)


# ------------------------------------------------------------------ protection / formats / charts


def add_protected_range(ctx: Ctx, body: dict) -> dict:
    pr = prune(copy.deepcopy(body.get("protectedRange") or {})) or {}
    rng = pr.get("range") or {}
    box = ctx.bounded(rng)
    pr["range"] = {k: v for k, v in rng.items() if k != "sheetId"}
    _keep_unprotected(ctx, box.sheet, pr)
    pr["protectedRangeId"] = pr.get("protectedRangeId") or random.randint(1, 2**31 - 1)
    pr.pop("requestingUserCanEdit", None)
    users = list((pr.get("editors") or {}).get("users", []))
    if not pr.get("warningOnly") and ctx.caller and ctx.caller not in users:
        users.append(ctx.caller)
    pr["editors"] = {"users": users} if users else {}
    box.sheet.protected_ranges.append(pr)
    out = _protected_reply(box.sheet, pr)
    return {"addProtectedRange": {"protectedRange": out}}


def _protected_reply(sheet: Sheet, pr: dict) -> dict:
    out = copy.deepcopy(pr)
    for rng in [out["range"], *out.get("unprotectedRanges", [])]:
        if sheet.sheet_id:
            rng["sheetId"] = sheet.sheet_id
    out["requestingUserCanEdit"] = True
    return out


def _keep_unprotected(ctx: Ctx, sheet: Sheet, pr: dict) -> None:
    """unprotectedRanges, stored like `range` (without the sheetId): holes in a protected *sheet* only."""
    holes = pr.get("unprotectedRanges") or []
    if not holes:
        pr.pop("unprotectedRanges", None)
        return
    if set(pr["range"]) - {"sheetId"}:
        raise ctx.invalid("Unprotected ranges are only supported on protected sheets.")
    for hole in holes:
        if hole.get("sheetId", 0) != sheet.sheet_id:
            raise ctx.invalid("Unprotected ranges must be on the protected sheet.")
        ctx.box(hole)  # valid bounds
    pr["unprotectedRanges"] = [{k: v for k, v in hole.items() if k != "sheetId"} for hole in holes]


def update_protected_range(ctx: Ctx, body: dict) -> None:
    fields = body.get("fields")
    if not fields:
        raise ctx.invalid("At least one field must be updated, but fields is empty.")
    wanted = body.get("protectedRange") or {}
    sheet, pr = _protected_range(ctx, wanted.get("protectedRangeId"))
    updated = _protected_reply(sheet, pr)
    apply_masked(updated, wanted, fields, protected=("protectedRangeId", "requestingUserCanEdit"))
    updated.pop("requestingUserCanEdit", None)
    rng = updated.get("range") or {}
    if ctx.box(rng).sheet is not sheet:
        raise ctx.invalid("A protected range cannot be moved to another sheet.")
    updated["range"] = {k: v for k, v in rng.items() if k != "sheetId"}
    _keep_unprotected(ctx, sheet, updated)
    sheet.protected_ranges[sheet.protected_ranges.index(pr)] = updated


def _protected_range(ctx: Ctx, pid: Any) -> tuple[Sheet, dict]:
    """The protected range with this id, if the caller may change it (owner or one of its editors)."""
    for sheet in ctx.ss.sheets:
        for pr in sheet.protected_ranges:
            if pr.get("protectedRangeId") == pid:
                users = (pr.get("editors") or {}).get("users", [])
                if ctx.caller != ctx.ss.owner and ctx.caller not in users and not pr.get("warningOnly"):
                    raise ApiError(403, "The caller does not have permission")
                return sheet, pr
    raise ctx.invalid(f"No protected range with id: {pid}")


def delete_protected_range(ctx: Ctx, body: dict) -> None:
    sheet, pr = _protected_range(ctx, body.get("protectedRangeId"))
    sheet.protected_ranges.remove(pr)


def add_conditional_format_rule(ctx: Ctx, body: dict) -> None:
    rule = copy.deepcopy(body.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise ctx.invalid("Conditional format rule must have at least one range.")
    sheet = ctx.box(ranges[0]).sheet
    index = body.get("index", 0)
    sheet.conditional_formats.insert(index, rule)


def add_chart(ctx: Ctx, body: dict) -> dict:
    chart = copy.deepcopy(body.get("chart") or {})
    chart.setdefault("chartId", random.randint(1, 2**31 - 1))
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet_id = anchor.get("sheetId", (chart.get("position") or {}).get("sheetId", 0))
    ctx.box({"sheetId": sheet_id}).sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def delete_embedded_object(ctx: Ctx, body: dict) -> None:
    object_id = body.get("objectId")
    for sheet in ctx.ss.sheets:
        for chart in sheet.charts:
            if chart.get("chartId") == object_id:
                sheet.charts.remove(chart)
                return
    raise ctx.invalid(f"No object with id {object_id}")


# ------------------------------------------------------------------ dimensions


def shift_rows(ss: Spreadsheet, sheet: Sheet, start: int, count: int) -> None:
    """Insert ``count`` empty rows before row ``start`` (negative count deletes rows start..start-count)."""
    _shift(sheet, 0, start, count)
    sheet.set_grid(rows=sheet.rows + count)
    ss.check_cell_limit()


def _shift(sheet: Sheet, axis: int, start: int, count: int) -> None:
    moved: dict[tuple[int, int], Cell] = {}
    for key, cell in sheet.cells.items():
        pos = key[axis]
        if count < 0 and start <= pos < start - count:
            continue
        if pos >= start:
            pos += count
        moved[(pos, key[1]) if axis == 0 else (key[0], pos)] = cell
    sheet.cells = moved
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {
        (i + count if i >= start else i): v
        for i, v in meta.items()
        if not (count < 0 and start <= i < start - count)
    }
    meta.clear()
    meta.update(shifted)
    lo, hi = ("startRowIndex", "endRowIndex") if axis == 0 else ("startColumnIndex", "endColumnIndex")
    for pr in sheet.protected_ranges:  # protected ranges and their holes move with the cells
        for rng in [pr.get("range", {}), *pr.get("unprotectedRanges", [])]:
            for key in (lo, hi):
                if key in rng and rng[key] >= start:
                    rng[key] = max(start, rng[key] + count) if count < 0 else rng[key] + count


def _dim(ctx: Ctx, rng: dict) -> tuple[Sheet, int, int, int]:
    sheet = ctx.box({"sheetId": rng.get("sheetId", 0)}).sheet
    axis = 0 if rng.get("dimension") == "ROWS" else 1
    if rng.get("dimension") not in ("ROWS", "COLUMNS"):
        raise ctx.invalid("dimension must be ROWS or COLUMNS.")
    limit = sheet.rows if axis == 0 else sheet.cols
    start, end = rng.get("startIndex", 0), rng.get("endIndex", limit)
    if start < 0 or end <= start:
        raise ctx.invalid("endIndex must be greater than startIndex.")
    return sheet, axis, start, end


def insert_dimension(ctx: Ctx, body: dict) -> None:
    sheet, axis, start, end = _dim(ctx, body.get("range") or {})
    limit = sheet.rows if axis == 0 else sheet.cols
    if start > limit:
        raise ctx.invalid(f"startIndex [{start}] is after the last {'row' if axis == 0 else 'column'}.")
    _shift(sheet, axis, start, end - start)
    if axis == 0:
        sheet.set_grid(rows=sheet.rows + end - start)
    else:
        sheet.set_grid(cols=sheet.cols + end - start)
    ctx.ss.check_cell_limit()


def append_dimension(ctx: Ctx, body: dict) -> None:
    sheet = ctx.box({"sheetId": body.get("sheetId", 0)}).sheet
    length = body.get("length", 0)
    if length < 1:
        raise ctx.invalid("length must be positive.")
    if body.get("dimension") == "ROWS":
        sheet.set_grid(rows=sheet.rows + length)
    else:
        sheet.set_grid(cols=sheet.cols + length)
    ctx.ss.check_cell_limit()


def delete_dimension(ctx: Ctx, body: dict) -> None:
    sheet, axis, start, end = _dim(ctx, body.get("range") or {})
    limit = sheet.rows if axis == 0 else sheet.cols
    end = min(end, limit)
    if start == 0 and end >= limit:
        what = "rows" if axis == 0 else "columns"
        raise ctx.invalid(f"You can't delete all the {what} on the sheet.")
    box = Box(sheet, start, 0, end, sheet.cols) if axis == 0 else Box(sheet, 0, start, sheet.rows, end)
    check_protection(ctx.ss, box, ctx.caller)
    _shift(sheet, axis, start, -(end - start))
    if axis == 0:
        sheet.set_grid(rows=limit - (end - start))
    else:
        sheet.set_grid(cols=limit - (end - start))


def update_dimension_properties(ctx: Ctx, body: dict) -> None:
    fields = body.get("fields")
    if not fields:
        raise ctx.invalid("At least one field must be updated, but fields is empty.")
    sheet, axis, start, end = _dim(ctx, body.get("range") or {})
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    for i in range(start, end):
        entry = meta.setdefault(i, {})
        apply_masked(entry, body.get("properties") or {}, fields)


def _sort_key(sheet: Sheet, cell: Cell | None) -> tuple:
    if cell is None or not cell.has_value():
        return (1, 0, 0)  # blanks always last
    value = effective_value(sheet, cell)
    if isinstance(value, bool):
        rank, key = 2, int(value)
    elif isinstance(value, (int, float)):
        rank, key = 0, value
    else:
        rank, key = 1, str(value).lower()
    return (0, rank, key)


def sort_range(ctx: Ctx, body: dict) -> None:
    box = ctx.bounded(body.get("range") or {})
    check_protection(ctx.ss, box, ctx.caller)
    sheet = box.sheet
    rows = [{c: sheet.cells.get((r, c)) for c in range(box.c0, box.c1)} for r in range(box.r0, box.r1)]
    for spec in reversed(body.get("sortSpecs") or []):
        col = spec.get("dimensionIndex", 0)
        desc = spec.get("sortOrder") == "DESCENDING"
        filled = [r for r in rows if r.get(col) is not None and r[col].has_value()]
        blank = [r for r in rows if not (r.get(col) is not None and r[col].has_value())]
        filled.sort(key=lambda row, col=col: _sort_key(sheet, row.get(col))[1:], reverse=desc)
        rows = filled + blank
    for i, row in enumerate(rows):
        for c, cell in row.items():
            if cell is None:
                sheet.cells.pop((box.r0 + i, c), None)
            else:
                sheet.cells[(box.r0 + i, c)] = cell


def copy_paste(ctx: Ctx, body: dict) -> None:
    """Copies the source range onto the destination's top-left corner, as it is at that point of the batch
    (no tiling of a larger destination). PASTE_VALUES pastes what the cells show (formula results as
    values); any other paste type copies the cells whole."""
    source = ctx.bounded(body.get("source") or {})
    target = ctx.box(body.get("destination") or {})
    height, width = source.r1 - source.r0, source.c1 - source.c0
    span = ctx.bounded(
        {
            "sheetId": target.sheet.sheet_id,
            "startRowIndex": target.r0,
            "endRowIndex": target.r0 + height,
            "startColumnIndex": target.c0,
            "endColumnIndex": target.c0 + width,
        }
    )
    check_protection(ctx.ss, span, ctx.caller)
    values_only = body.get("pasteType") == "PASTE_VALUES"
    copied = {
        (r, c): source.sheet.cells.get((source.r0 + r, source.c0 + c))
        for r in range(height)
        for c in range(width)
    }
    for (r, c), cell in copied.items():
        at = (target.r0 + r, target.c0 + c)
        if cell is None or not cell.has_value():
            if values_only and at in target.sheet.cells:
                target.sheet.cells[at].value, target.sheet.cells[at].formula = None, None
                target.sheet.drop_if_empty(*at)
            elif not values_only:
                target.sheet.cells.pop(at, None)
        elif values_only:
            pasted = target.sheet.ensure(*at)
            pasted.value, pasted.formula = effective_value(source.sheet, cell), None
        else:
            target.sheet.cells[at] = copy.deepcopy(cell)


HANDLERS: dict[str, Any] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateCells": update_cells,
    "appendCells": append_cells,
    "repeatCell": repeat_cell,
    "setDataValidation": set_data_validation,
    "addProtectedRange": add_protected_range,
    "updateProtectedRange": update_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addConditionalFormatRule": add_conditional_format_rule,
    "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object,
    "insertDimension": insert_dimension,
    "appendDimension": append_dimension,
    "deleteDimension": delete_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "sortRange": sort_range,
    "copyPaste": copy_paste,
}
