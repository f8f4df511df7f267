"""Putting back what people typed in the instant of a write: an id a new id landed on, a Decision that
stayed behind when the Manager Review's rows moved.

A write addresses rows by position. If a person inserts, deletes or sorts rows in the instant between
the verify read and the write, an id meant for a new row can land on a neighbouring row — one whose id
a person typed. Right after a write that assigned ids (on a store people edit live), the cycle reads
again and finds such rows by their content: each person row is recognised by its person-owned cells
other than the id, and gets back the id it had when the cycle read it. The row that was meant to get
the new id simply gets one in the next cycle; an id that landed on a row emptied meanwhile is cleared.
An id cell a person typed into after the verify read, just before the write, is known from the copy the
write made of it as it landed (sync.core.changes.Capture): the person's id goes back, a person's id always wins.

The Manager Review is rebuilt by position, so a Decision typed in that instant would stay on its row while
another deal moves onto it. The write copies the review's table as it lands and writes every Decision and
Manager note cell itself; so afterwards a Decision that differs from the plan was typed after the write,
beside the deal shown then, and one that differs in the copy was typed before it, for the deal beside it
then: that one is put beside its deal again (or archived, if its deal left the list).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from reports.manager_review import Decision, find_deal_table
from rules.book import key_of
from sheets_schema.parsing import is_blank
from sync.core.changes import CellValue, CellWrite
from sync.core.snapshot import TabData


def fingerprint(tab: TabData, row: int, columns: list[int]) -> tuple[Any, ...]:
    return tuple("" if is_blank(v := tab.cell(row, c)) else v for c in columns)


def misplaced_id_repairs(
    before: TabData,
    after: TabData,
    id_col: int,
    person_cols: list[int],
    written: dict[int, str],
    at_write: dict[int, CellValue] | None = None,
) -> list[CellWrite]:
    """`written`: row -> id this cycle wrote into `before`'s empty id cells; `at_write`: row -> what those
    cells held as the write landed, where the store could tell."""
    ids_before: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for row in range(1, len(before.rows)):
        ids_before[fingerprint(before, row, person_cols)].append(before.cell(row, id_col))
    intended = {new_id: row for row, new_id in written.items()}
    repairs = []
    for row in range(1, len(after.rows)):
        now = after.cell(row, id_col)
        if not isinstance(now, str) or now not in intended:  # the ids written are text
            continue
        typed = (at_write or {}).get(intended[now])
        if not is_blank(typed):  # a person's id was in the cell as the write landed: it wins
            if typed != now:
                repairs.append(CellWrite(after.title, row, id_col, typed))
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


Rows = list[list[CellValue]]


def _decision(row: list[CellValue], decision_col: int, note_col: int) -> Decision:
    def cell(col: int) -> CellValue:
        value = row[col] if col < len(row) else None
        return None if is_blank(value) else value

    return Decision(cell(decision_col), cell(note_col))


def review_table(rows: Rows) -> dict[str, tuple[int, Decision]]:
    """Deal key -> (row, Decision and Manager note as shown there, empty ones too) of a Manager Review."""
    place = find_deal_table(rows)
    if place is None:
        return {}
    deal_col, decision_col, note_col = (place.columns[k] for k in ("deal_id", "decision", "note"))
    found: dict[str, tuple[int, Decision]] = {}
    for index in range(place.header_row + 1, len(rows)):
        row = rows[index]
        deal_id = row[deal_col] if deal_col < len(row) else None
        if is_blank(deal_id):
            break  # the end of the table
        found.setdefault(key_of(str(deal_id)) or "", (index, _decision(row, decision_col, note_col)))
    return found


def misplaced_decision_repairs(
    title: str, before: Rows, at_write: Rows, desired: Rows, after: Rows
) -> tuple[list[CellWrite], dict[str, Decision]]:
    """Rows of the Manager Review as read (`before`), as the write landed (`at_write`), as written (`desired`)
    and as read back (`after`). Returns the cells that put a Decision typed in the instant before the write
    beside its deal again, and the Decisions so typed for deals that left the list (for the archive)."""
    was, then = review_table(before), review_table(at_write)
    typed = {k: d for k, (_, d) in then.items() if k in was and d != was[k][1]}
    wanted, now = review_table(desired), review_table(after)
    place = find_deal_table(desired)
    cells: list[CellWrite] = []
    left: dict[str, Decision] = {}
    for key, decision in typed.items():
        if key not in wanted:
            left[key] = decision
            continue
        row, planned = wanted[key]
        if place is None or now.get(key) != (row, planned):
            continue  # someone typed there after the write, beside the deal shown then: theirs stands
        for name, value in (("decision", decision.decision), ("note", decision.note)):
            if value != getattr(planned, name):
                cells.append(CellWrite(title, row, place.columns[name], value))
    return cells, left
