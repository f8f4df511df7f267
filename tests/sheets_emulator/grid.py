"""Resolving A1 ranges against a spreadsheet's grid, and the protected-range check."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ApiError, bad_request
from .model import Sheet, Spreadsheet
from .ranges import format_range, parse_a1, quote_title

PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove "
    "protection if you need to edit."
)


@dataclass
class Box:
    sheet: Sheet
    r0: int
    c0: int
    r1: int  # exclusive
    c1: int  # exclusive
    open_rows: bool = False
    open_cols: bool = False

    def a1(self) -> str:
        return format_range(self.sheet.title, self.r0, self.c0, self.r1, self.c1)


def resolve(ss: Spreadsheet, text: str, *, for_write: bool = False) -> Box:
    """Bound a request range by the grid. Reads beyond the grid are 400 like Google; writes may extend."""
    a1 = parse_a1(text, ss.titles())
    sheet = ss.by_title(a1.title)
    r0 = a1.r0 if a1.r0 is not None else 0
    c0 = a1.c0 if a1.c0 is not None else 0
    r1 = a1.r1 if a1.r1 is not None else sheet.rows
    c1 = a1.c1 if a1.c1 is not None else sheet.cols
    box = Box(sheet, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1), a1.r1 is None, a1.c1 is None)
    if not for_write and (box.r1 > sheet.rows or box.c1 > sheet.cols):
        raise bad_request(
            f"Range ({quote_title(sheet.title)}!{box.a1().partition('!')[2]}) exceeds grid limits. "
            f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
        )
    return box


def grid_range_box(ss: Spreadsheet, gr: dict) -> Box:
    """GridRange (sheetId + optional indexes) to a Box; missing bounds are unbounded."""
    sheet = ss.by_id(gr.get("sheetId", 0))
    r0, r1 = gr.get("startRowIndex", 0), gr.get("endRowIndex", sheet.rows)
    c0, c1 = gr.get("startColumnIndex", 0), gr.get("endColumnIndex", sheet.cols)
    if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
        raise bad_request("Invalid requests[0]: GridRange has invalid bounds.")
    return Box(sheet, r0, c0, r1, c1)


def check_protection(ss: Spreadsheet, box: Box, caller: str | None) -> None:
    """403 when the caller edits a cell that a protected range keeps from them: inside its range and not in
    one of its unprotectedRanges (a protected sheet's holes, open to every editor of the spreadsheet)."""
    if caller is not None and caller == ss.owner:
        return
    edited = (box.r0, box.c0, box.r1, box.c1)
    for pr in box.sheet.protected_ranges:
        if pr.get("warningOnly"):
            continue
        if caller in (pr.get("editors") or {}).get("users", []):
            continue
        holes = [span(u) for u in pr.get("unprotectedRanges") or []]
        if _uncovered(_overlap(edited, span(pr.get("range", {}))), holes):
            raise ApiError(403, PROTECTED_MESSAGE)


Span = tuple[int, int, int, int]  # r0, c0, r1, c1 (exclusive ends)
UNBOUNDED = 10**9  # a GridRange without an end reaches however far the sheet grows


def span(gr: dict) -> Span:
    return (
        gr.get("startRowIndex", 0),
        gr.get("startColumnIndex", 0),
        gr.get("endRowIndex", UNBOUNDED),
        gr.get("endColumnIndex", UNBOUNDED),
    )


def _overlap(a: Span, b: Span) -> Span:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _uncovered(area: Span, holes: list[Span]) -> bool:
    """Is some cell of `area` in none of `holes`? (rectangle subtraction, one hole at a time)"""
    r0, c0, r1, c1 = area
    if r0 >= r1 or c0 >= c1:
        return False
    if not holes:
        return True
    hole, rest = _overlap(area, holes[0]), holes[1:]
    h0, hc0, h1, hc1 = hole
    if h0 >= h1 or hc0 >= hc1:
        return _uncovered(area, rest)
    pieces = [(r0, c0, h0, c1), (h1, c0, r1, c1), (h0, c0, h1, hc0), (h0, hc1, h1, c1)]
    return any(_uncovered(piece, rest) for piece in pieces)


def check_sheet_protection(ss: Spreadsheet, sheet: Sheet, caller: str | None) -> None:
    check_protection(ss, Box(sheet, 0, 0, max(sheet.rows, 1), max(sheet.cols, 1)), caller)
