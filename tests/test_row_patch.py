"""Service-owned tabs whose rows move (a deal climbs the Manager Review, a task leaves the Reminders) are
written as row shifts plus the rows that are new, not rewritten: the result must show exactly the new
content, with each row's look (header / bold section title / plain), on every store."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sync.changes import ChangeSet, TabContent
from sync.patch import row_key, row_patch
from sync.plan import plan_owned_tab
from sync.stores.base import TabData
from sync.stores.memory import MemoryStore, apply_patch
from sync.stores.xlsx import XlsxStore

TITLE = "Review"
HEAD = ("Deal", "Stage", "Amount")


def content(*rows, bold=()) -> TabContent:
    return TabContent(TITLE, (("Manager Review",), HEAD, *rows), header_rows=2, bold_rows=tuple(bold))


def deals(*names):
    return [(name, "Proposal", 100 * (i + 1)) for i, name in enumerate(names)]


def applied(current: TabContent, desired: TabContent) -> tuple[list[list], ChangeSet]:
    tab = TabData(TITLE, [list(r) for r in current.rows])
    changes = ChangeSet()
    plan_owned_tab(tab, desired, changes)
    store = MemoryStore({TITLE: [list(r) for r in current.rows]})
    store.write(changes)
    return store.tabs[TITLE].rows, changes


def shows(rows) -> list[tuple]:
    keys = [row_key(r) for r in rows]
    while keys and not keys[-1]:
        keys.pop()
    return keys


LONG = [f"Deal {i}" for i in range(40)]
CASES = {
    # name: (current rows, desired rows, the most cells the write may carry)
    "one deal climbs to the top": (deals(*LONG), [deals(*LONG)[25], *deals(*LONG)[:25], *deals(*LONG)[26:]], 3),
    "one deal leaves the list": (deals(*LONG), deals(*LONG)[:10] + deals(*LONG)[11:], 0),
    "one deal joins in the middle": (deals(*LONG), [*deals(*LONG)[:10], ("New", "Won", 5), *deals(*LONG)[10:]], 3),
    "one amount changes in place": (deals(*LONG), [*deals(*LONG)[:5], ("Deal 5", "Proposal", 7), *deals(*LONG)[6:]], 1),
    "the list empties": (deals(*LONG), [], 0),
}


@pytest.mark.parametrize("name", CASES)
def test_moved_rows_are_shifted_and_only_new_rows_written(name):
    before, after, most = CASES[name]
    rows, changes = applied(content(*before), content(*after))
    assert shows(rows) == shows(content(*after).rows)
    assert changes.cell_count <= most, (changes.cell_count, changes)
    assert not changes.tabs, "not rewritten whole"


def test_a_section_title_that_moves_is_shifted_with_its_look_and_the_rows_written_are_plain():
    before = content(("Overdue",), *deals("A", "B", "C"), ("Due today",), *deals("D"), bold=(2, 6))
    after = content(("Overdue",), *deals("A", "B"), ("Due today",), *deals("C", "D"), bold=(2, 5))
    tab = TabData(TITLE, [list(r) for r in before.rows])
    changes = ChangeSet()
    plan_owned_tab(tab, after, changes)
    [patch] = changes.patches
    styles = {row.row: row.style for row in patch.rows}
    assert 5 not in styles, "the title row moves up with the deleted row above it: not written"
    assert styles == {6: "", 7: ""}  # C and D, whose amounts changed
    memory = TabData(TITLE, [list(r) for r in before.rows])
    apply_patch(memory, patch)
    assert shows(memory.rows) == shows(after.rows)


CELL = st.one_of(st.none(), st.just(""), st.sampled_from(["a", "b", "c", "Won"]), st.integers(0, 3),
                 st.just(True), st.just(date(2026, 11, 28)))
ROW = st.lists(CELL, max_size=4).map(tuple)


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=12), st.lists(ROW, max_size=12), st.data())
def test_any_patch_turns_the_old_rows_into_the_new(old, new, data):
    bold = tuple(data.draw(st.sets(st.integers(2, max(2, len(new) + 1)))))
    desired = content(*new, bold=[b for b in bold if b < len(new) + 2])
    current = TabData(TITLE, [list(r) for r in content(*old).rows])
    patch = row_patch(current.rows, desired)
    apply_patch(current, patch)
    assert shows(current.rows) == shows(desired.rows)
    for row in patch.rows:  # each written row carries the look it has in the new content
        expected = "header" if row.row < 2 else "bold" if row.row in desired.bold_rows else ""
        assert row.style == expected


def test_an_xlsx_tab_patched_shows_the_new_rows_with_their_look(tmp_path):
    before = content(("Overdue",), *deals("A", "B", "C"), ("Due today",), *deals("D"), bold=(2, 6))
    after = content(("Overdue",), *deals("A", "B"), ("Due today",), ("X", date(2026, 12, 1), 1),
                    *deals("C", "D"), bold=(2, 5))
    path = tmp_path / "book.xlsx"
    store = XlsxStore(path)
    store.create_empty()
    first = ChangeSet(tabs=[before])
    store.write(first)
    changes = ChangeSet()
    plan_owned_tab(store.read().tabs[TITLE], after, changes)
    assert changes.patches and not changes.tabs
    store.write(changes)
    ws = load_workbook(path)[TITLE]
    got = [tuple(c.value for c in row) for row in ws.iter_rows(max_col=3)]
    assert shows(got) == shows(after.rows)
    assert [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).font.bold] == [1, 2, 3, 6]
    assert ws.cell(7, 2).is_date and ws.cell(8, 3).number_format == "General"


def test_on_google_a_patch_that_empties_a_full_grid_keeps_one_row_since_sheets_refuses_to_delete_them_all():
    from sync.stores.google_requests import SheetInfo, build_requests

    before = content(*deals(*LONG))
    patch = row_patch([list(r) for r in before.rows], content())
    [batch] = build_requests(ChangeSet(patches=[patch]), {TITLE: SheetInfo(7, len(before.rows), 3)}, None)
    kinds = [next(iter(request)) for request in batch]
    assert kinds == ["appendDimension", "deleteDimension"]
    assert batch[1]["deleteDimension"]["range"] == {"sheetId": 7, "dimension": "ROWS", "startIndex": 2,
                                                   "endIndex": len(before.rows)}
