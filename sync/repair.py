"""Putting back an id that landed on the wrong row.

A write addresses rows by position. If a person inserts, deletes or sorts rows in the instant between
the verify read and the write, an id meant for a new row can land on a neighbouring row — one whose id
a person typed. Right after a write that assigned ids (on a store people edit live), the cycle reads
again and finds such rows by their content: each person row is recognised by its person-owned cells
other than the id, and gets back the id it had when the cycle read it. The row that was meant to get
the new id simply gets one in the next cycle; an id that landed on a row emptied meanwhile is cleared.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sheets_schema.parsing import is_blank
from sync.changes import CellWrite
from sync.stores.base import TabData


def fingerprint(tab: TabData, row: int, columns: list[int]) -> tuple[Any, ...]:
    return tuple("" if is_blank(v := tab.cell(row, c)) else v for c in columns)


def misplaced_id_repairs(
    before: TabData, after: TabData, id_col: int, person_cols: list[int], written: dict[int, str]
) -> list[CellWrite]:
    """`written`: row -> id this cycle wrote into `before`'s empty id cells."""
    ids_before: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in range(1, len(before.rows)):
        ids_before[fingerprint(before, row, person_cols)].append(before.cell(row, id_col))
    intended = {new_id: row for row, new_id in written.items()}
    repairs = []
    for row in range(1, len(after.rows)):
        now = after.cell(row, id_col)
        if not isinstance(now, str) or now not in intended:  # the ids written are text
            continue
        mine = fingerprint(after, row, person_cols)
        if mine == fingerprint(before, intended[now], person_cols):
            continue  # it landed on the row it was meant for
        candidates = set(ids_before.get(mine, []))
        if len(candidates) == 1:
            previous = candidates.pop()  # what this row's id cell held: a typed id, or empty
            repairs.append(CellWrite(after.title, row, id_col, None if is_blank(previous) else previous))
        elif not candidates and all(v == "" for v in mine):
            repairs.append(CellWrite(after.title, row, id_col, None))  # landed on a row emptied meanwhile
    return repairs
