"""A worksheet part's <sheetData> as its <row> elements, each as the bytes it was written with.

sync.stores.xlsx_splice cuts a big sheet down to the rows a write touches and later puts the rows it left
out back, byte for byte. It needs only where each row starts and ends and its number, never the cells'
meaning, so rows are found by their tags: `<row` cannot occur in cell text (XML escapes `<`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from openpyxl.utils.cell import column_index_from_string, get_column_letter

_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")
_SHEET_DATA_END = b"</sheetData>"
# a row's start tag up to its number: one search per row (a row without a number is told by the count)
_NUMBERED_ROW = re.compile(rb"""<row\b[^>]*?\sr=["'](\d+)["']""")
_DIMENSION = re.compile(rb"""<dimension\s+ref=["']([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?["']\s*/>""")
# A cell whose value openpyxl reads as something other than None or "": a formula, a number, a boolean
# or an error (a <v> in a cell that is not a shared string), or inline text that is not empty. A shared
# string may be "" (its text is elsewhere): it does not count, so such a row is never taken for the last.
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_SHARED_STRING = re.compile(rb"""\st=["']s["']""")
_FILLED = re.compile(rb"<f[\s>/]|<v>[^<]|<t(?:\s[^>]*)?>[^<]")


class UnknownLayout(Exception):
    """The part is not written the way this module reads it (a prefixed namespace, rows without numbers)."""


@dataclass(frozen=True)
class SheetRows:
    xml: bytes
    start: int  # where the rows begin (just after <sheetData>)
    end: int  # where they end (at </sheetData>)
    numbers: list[int]  # each row's number, ascending
    offsets: list[int]  # where each row starts; a row ends where the next one starts (or at `end`)

    def row(self, index: int) -> bytes:
        stop = self.offsets[index + 1] if index + 1 < len(self.offsets) else self.end
        return self.xml[self.offsets[index] : stop]

    def index_of_offset(self, offset: int) -> int:
        """The row that holds the byte at `offset` (inside the rows)."""
        return bisect_right(self.offsets, offset) - 1

    def with_rows(self, rows: list[bytes]) -> bytes:
        return self.xml[: self.start] + b"".join(rows) + self.xml[self.end :]

    def last_filled(self) -> int:
        """The number of the last row with a cell openpyxl reads as filled (0 if none)."""
        for index in range(len(self.numbers) - 1, -1, -1):
            for cell in _CELL.finditer(self.row(index)):
                inside = cell.group(2)
                if inside and not _SHARED_STRING.search(cell.group(1)) and _FILLED.search(inside):
                    return self.numbers[index]
        return 0


def sheet_rows(xml: bytes) -> SheetRows:
    found = _SHEET_DATA.search(xml)
    if found is None:
        raise UnknownLayout("no <sheetData>")
    if found.group(1):  # <sheetData/>: no rows; written as an empty pair so that rows can go in
        xml = xml[: found.start()] + b"<sheetData></sheetData>" + xml[found.end() :]
        start = found.start() + len(b"<sheetData>")
        return SheetRows(xml, start, start, [], [])
    # found, not matched: a lazy match to the end tag would step through every byte of the rows
    start, end = found.end(), xml.find(_SHEET_DATA_END, found.end())
    if end < 0:
        raise UnknownLayout("no </sheetData>")
    numbers, offsets = [], []
    for tag in _NUMBERED_ROW.finditer(xml, start, end):
        numbers.append(int(tag.group(1)))
        offsets.append(tag.start())
    if len(offsets) != xml.count(b"<row", start, end):
        raise UnknownLayout("a row without its number")
    if offsets and xml[start : offsets[0]].strip():
        raise UnknownLayout("something other than rows in <sheetData>")
    if any(b >= a for a, b in zip(numbers[1:], numbers, strict=False)):
        raise UnknownLayout("rows out of order")
    return SheetRows(xml, offsets[0] if offsets else start, end, numbers, offsets)


def dimension(xml: bytes) -> tuple[int, int, int, int] | None:
    """The <dimension> as (first row, first column, last row, last column), 1-based."""
    found = _DIMENSION.search(xml)
    if found is None:
        return None
    first_col, first_row = column_index_from_string(found.group(1).decode()), int(found.group(2))
    if found.group(3) is None:
        return first_row, first_col, first_row, first_col
    return first_row, first_col, int(found.group(4)), column_index_from_string(found.group(3).decode())


def with_dimension(xml: bytes, area: tuple[int, int, int, int]) -> bytes:
    first_row, first_col, last_row, last_col = area
    ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
    return _DIMENSION.sub(f'<dimension ref="{ref}"/>'.encode(), xml, count=1)
