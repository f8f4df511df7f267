"""A service-owned tab brought to its new content by moving rows (see TabPatch).

The Manager Review and the Reminders are sorted lists: when one deal climbs the review or one task leaves
the reminders, every row between shifts by one, and a cell-by-cell diff would rewrite all of them. Aligned
as sequences of rows (difflib, the same matching `diff` uses), the change is a deleted and an inserted row.
"""

from __future__ import annotations

from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from sheets_schema.parsing import date_to_serial
from sync.core.changes import PatchedRow, RowShift, TabContent, TabPatch


def cell_key(value: Any) -> Any:
    """A cell as the sheet shows it, comparable between what was read and what is wanted: blank is None,
    a date is its serial number, a number is a float (5 == 5.0), TRUE is not 1."""
    kind = type(value)
    if value is None or kind is str:
        return value if value and not value.isspace() else None
    if kind is bool:
        return ("bool", value)
    if kind is int or kind is float:
        return round(float(value), 9)
    if isinstance(value, date):
        return round(_serial(value), 9)
    return value


@lru_cache(maxsize=65_536)
def _serial(value: date) -> float:
    return date_to_serial(value)


def row_key(row: Any) -> tuple[Any, ...]:
    """A row as the sheet shows it: trailing empty cells dropped, dates as serial numbers."""
    key = [cell_key(value) for value in row]
    while key and key[-1] is None:
        key.pop()
    return tuple(key)


def row_style(desired: TabContent, index: int) -> str:
    if index < desired.header_rows:
        return "header"
    return "bold" if index in desired.bold_rows else ""


# Beyond this many rows gone or new, rewriting the tab costs about as much, and aligning long lists with
# many scattered changes is what difflib does slowly.
MAX_MOVED_ROWS = 2_000


def row_patch(current: list[list[Any]], desired: TabContent) -> TabPatch | None:
    """Shifts and rewritten rows that turn `current` into `desired`; None when too many rows come and go for
    a patch to pay (the tab is rewritten instead)."""
    have = _content_keys(current)
    want = _content_keys(desired.rows)  # trailing empty rows are not content: stores may or may not keep them
    if len(set(have) - set(want)) > MAX_MOVED_ROWS or len(set(want) - set(have)) > MAX_MOVED_ROWS:
        return None
    width = max((len(row) for row in desired.rows), default=0)
    shifts: list[RowShift] = []
    rows: list[PatchedRow] = []
    offset = 0  # rows inserted minus rows deleted so far, above the opcode at hand

    def write(j: int, width: int) -> None:
        values = tuple(desired.rows[j]) + (None,) * (width - len(desired.rows[j]))
        rows.append(PatchedRow(j, values, row_style(desired, j)))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, have, want, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):  # rewritten in place, wide enough to clear what the old row had
            write(j1 + k, max(len(current[i1 + k]), len(desired.rows[j1 + k])))
        extra_old, extra_new = (i2 - i1) - paired, (j2 - j1) - paired
        at = i1 + offset + paired
        if extra_old:
            shifts.append(RowShift(at, -extra_old))
            offset -= extra_old
        if extra_new:
            shifts.append(RowShift(at, extra_new))
            offset += extra_new
            for j in range(j1 + paired, j2):
                write(j, width)  # the whole width: a new row takes the look of its neighbour, reset it
    rows.sort(key=lambda row: row.row)
    return TabPatch(desired.title, tuple(shifts), tuple(rows), desired)


def _content_keys(rows: Any) -> list[tuple[Any, ...]]:
    keys = [row_key(row) for row in rows]
    while keys and not keys[-1]:
        keys.pop()
    return keys


def patch_cells(patch: TabPatch) -> int:
    return sum(len(row.values) for row in patch.rows)
