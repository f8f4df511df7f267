"""Service-owned tabs whose rows move (a deal climbs the Manager Review, a task leaves the Reminders) are
written as row shifts plus the rows that are new, not rewritten: the result must show exactly the new
content, with each row's look (header / bold section title / plain), on every store."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sync.core.changes import ChangeSet, TabContent
from sync.core.snapshot import TabData
from sync.engine.patch import row_key, row_patch
from sync.engine.plan import plan_owned_tab
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
    "one deal climbs to the top": (
        deals(*LONG),
        [deals(*LONG)[25], *deals(*LONG)[:25], *deals(*LONG)[26:]],
        3,
    ),
    "one deal leaves the list": (deals(*LONG), deals(*LONG)[:10] + deals(*LONG)[11:], 0),
    "one deal joins in the middle": (
        deals(*LONG),
        [*deals(*LONG)[:10], ("New", "Won", 5), *deals(*LONG)[10:]],
        3,
    ),
    "one amount changes in place": (
        deals(*LONG),
        [*deals(*LONG)[:5], ("Deal 5", "Proposal", 7), *deals(*LONG)[6:]],
        1,
    ),
    "the list empties": (deals(*LONG), [], 4),  # (a rewrite of the title and header is cheaper)
}


@pytest.mark.parametrize("name", CASES)
def test_moved_rows_are_shifted_and_only_new_rows_written(name):
    before, after, most = CASES[name]
    rows, changes = applied(content(*before), content(*after))
    assert shows(rows) == shows(content(*after).rows)
    assert changes.cell_count <= most, (changes.cell_count, changes)


def test_a_tab_ending_with_a_blank_row_does_not_grow_a_row_each_cycle():
    """Report sections end with a blank row; the store may keep it or trim it. Either way a patch must not
    insert one more blank row every time."""
    before = content(*deals(*LONG), ())
    after = content(deals(*LONG)[25], *deals(*LONG)[:25], *deals(*LONG)[26:], ())
    for kept in (True, False):
        rows = [list(r) for r in before.rows] if kept else [list(r) for r in before.rows[:-1]]
        tab = TabData(TITLE, rows)
        changes = ChangeSet()
        plan_owned_tab(tab, after, changes)
        [patch] = changes.patches
        apply_patch(tab, patch)
        assert len(tab.rows) == len(rows), kept
        again = ChangeSet()
        plan_owned_tab(tab, after, again)
        assert again.is_empty(), kept


def test_a_patch_that_would_change_nothing_is_never_chosen():
    """A date read back where its serial number is wanted: the cells differ as same_value sees them, the
    rows do not as the patch sees them; an empty patch would make every cycle write nothing, forever."""
    from datetime import datetime

    changes = ChangeSet()
    plan_owned_tab(
        TabData(TITLE, [["Head", "N"], ["a", datetime(2026, 12, 1)]]),
        TabContent(TITLE, (("Head", "N"), ("a", 46357))),
        changes,
    )
    assert not changes.patches and changes.cells


def test_when_too_many_rows_come_and_go_the_tab_is_rewritten_not_aligned():
    from sync.engine.patch import MAX_MOVED_ROWS

    many = [(f"T-{i}", "x", i) for i in range(2 * MAX_MOVED_ROWS + 10)]
    before, after = content(*many), content(*many[::2])  # every other row gone: slow for difflib
    assert row_patch([list(r) for r in before.rows], after) is None
    changes = ChangeSet()
    plan_owned_tab(TabData(TITLE, [list(r) for r in before.rows]), after, changes)
    assert changes.tabs == [after] and not changes.patches


def fixed(*names):
    return [(name, "Proposal", 100) for name in names]


FIRST, SECOND = [f"A{i}" for i in range(10)], [f"B{i}" for i in range(10)]


def test_a_section_title_that_moves_is_shifted_with_its_look_and_the_rows_written_are_plain():
    before = content(("Overdue",), *fixed(*FIRST), ("Due today",), *fixed(*SECOND), bold=(2, 13))
    after = content(("Overdue",), *fixed(*FIRST[1:]), ("Due today",), *fixed("N", *SECOND), bold=(2, 12))
    tab = TabData(TITLE, [list(r) for r in before.rows])
    changes = ChangeSet()
    plan_owned_tab(tab, after, changes)
    [patch] = changes.patches
    styles = {row.row: row.style for row in patch.rows}
    assert 12 not in styles, "the title row moves up with the row deleted above it: not written"
    assert styles == {13: ""}  # N, the new row, plain
    apply_patch(tab, patch)
    assert shows(tab.rows) == shows(after.rows)


CELL = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["a", "b", "c", "Won"]),
    st.integers(0, 3),
    st.just(True),
    st.just(date(2026, 11, 28)),
)
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
    before = content(("Overdue",), *fixed(*FIRST), ("Due today",), *fixed(*SECOND), bold=(2, 13))
    after = content(
        ("Overdue",),
        *fixed(*FIRST[1:]),
        ("Due today",),
        ("X", date(2026, 12, 1), 1),
        *fixed(*SECOND),
        bold=(2, 12),
    )
    path = tmp_path / "book.xlsx"
    store = XlsxStore(path)
    store.create_empty()
    store.write(ChangeSet(tabs=[before]))
    changes = ChangeSet()
    plan_owned_tab(store.read().tabs[TITLE], after, changes)
    assert changes.patches and not changes.tabs
    store.write(changes)
    ws = load_workbook(path)[TITLE]
    got = [tuple(c.value for c in row) for row in ws.iter_rows(max_col=3)]
    assert shows(got) == shows(after.rows)
    assert [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).font.bold] == [1, 2, 3, 13]
    assert ws.cell(14, 2).is_date and ws.cell(15, 3).number_format == "General"


def test_on_google_a_patch_goes_in_one_request_with_its_rows_or_is_a_rewrite_when_too_large():
    """Rows moved without their new content would leave empty rows in the Manager Review's table, hiding the
    managers' decisions below them from the next cycle: shifts and rows are never split between requests."""
    from sync.stores.google_requests import SheetInfo, build_requests

    big_rows = [(f"D-{i}", "x" * 1_500) for i in range(1_500)]
    small = content(("Deal", "Note"))
    filler = ChangeSet(tabs=[TabContent("Other", tuple((f"r{i}", "y" * 900) for i in range(1_800)))])
    patch = row_patch([list(r) for r in small.rows], content(*big_rows[:600]))
    assert patch is not None and patch.shifts and patch.rows
    changes = ChangeSet(tabs=filler.tabs, patches=[patch])
    batches = build_requests(changes, {TITLE: SheetInfo(7, 10, 3), "Other": SheetInfo(8, 2000, 3)}, None)
    assert len(batches) > 1
    holding = [
        i
        for i, batch in enumerate(batches)
        for r in batch
        if r.get("insertDimension", {}).get("range", {}).get("sheetId") == 7
        or r.get("updateCells", {}).get("start", {}).get("sheetId") == 7
    ]
    assert len(set(holding)) == 1, "the patch's shifts and rows in one request"
    huge = row_patch([list(r) for r in small.rows], content(*big_rows))
    [*_, last] = build_requests(ChangeSet(patches=[huge]), {TITLE: SheetInfo(7, 10, 3)}, None)
    assert not any("insertDimension" in r for batch in [last] for r in batch), (
        "too large: rewritten in slices"
    )


def test_on_google_a_patch_that_empties_a_full_grid_keeps_one_row_since_sheets_refuses_to_delete_them_all():
    from sync.stores.google_requests import SheetInfo, build_requests

    before = content(*deals(*LONG))
    patch = row_patch([list(r) for r in before.rows], content())
    [batch] = build_requests(ChangeSet(patches=[patch]), {TITLE: SheetInfo(7, len(before.rows), 3)}, None)
    kinds = [next(iter(request)) for request in batch]
    assert kinds == ["appendDimension", "deleteDimension"]
    assert batch[1]["deleteDimension"]["range"] == {
        "sheetId": 7,
        "dimension": "ROWS",
        "startIndex": 2,
        "endIndex": len(before.rows),
    }
