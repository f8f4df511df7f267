"""An in-memory store for tests: plain grids, with the same contract as the real stores."""

from __future__ import annotations

import copy
from collections.abc import Callable

from sync.core.changes import CellValue, ChangeSet, NoteWrite, TabPatch
from sync.core.snapshot import Snapshot, TabData, WriteResult


class MemoryStore:
    def __init__(self, tabs: dict[str, list[list[CellValue]]] | None = None) -> None:
        self.tabs: dict[str, TabData] = {
            title: TabData(title, [list(r) for r in rows]) for title, rows in (tabs or {}).items()
        }
        self.version = 0
        self.reads = 0
        self.writes = 0
        self.before_write: Callable[[], None] | None = None  # tests: "a person edits now"

    edited_live = False

    def describe(self) -> str:
        return "memory store"

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        return {title: tab for title, tab in self.read().tabs.items() if title in titles}

    def requests_made(self) -> int | None:
        return None

    def read(self) -> Snapshot:
        self.reads += 1
        return Snapshot(copy.deepcopy(self.tabs), version=self.version)

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]] | None = None) -> bool:
        if self.before_write is not None:
            self.before_write()
        return snapshot.version == self.version

    def edit(self, title: str, row: int, col: int, value: CellValue) -> None:
        """A person types into a cell."""
        _put(self.tabs[title], row, col, value)
        self.version += 1

    def write(self, changes: ChangeSet) -> WriteResult:
        tabs = copy.deepcopy(self.tabs)  # all or nothing: apply to a copy, then swap
        apply_changes(tabs, changes)
        self.tabs = tabs
        self.version += 1
        self.writes += 1
        return WriteResult(requests=1, cells=changes.cell_count)

    def values(self, title: str) -> list[list[CellValue]]:
        return self.tabs[title].rows


def apply_changes(
    tabs: dict[str, TabData], changes: ChangeSet, next_row: dict[str, int] | None = None
) -> None:
    """`next_row`: where each tab's next appended row goes, as far as this write knows it (kept up to date
    as cells land, and shared with the groups), so that appending N rows costs O(N), not O(N x rows)."""
    next_row = {} if next_row is None else next_row
    for title in changes.new_tabs:
        tabs.setdefault(title, TabData(title, []))
    for cell in changes.cells:
        _put(tabs[cell.tab], cell.row, cell.col, cell.value)
        _track_next_row(next_row, cell.tab, cell.row, cell.value)
    apply_notes(tabs, changes.notes)
    for append in changes.appends:
        tab = tabs[append.tab]
        if append.tab not in next_row:  # after the last row holding a value, as Sheets' appendCells does
            last = max((i for i, r in enumerate(tab.rows) if any(v not in (None, "") for v in r)), default=0)
            next_row[append.tab] = last + 1
        row = next_row[append.tab]
        _put(tab, row, 0, None)
        tab.rows[row] = list(append.values)
        next_row[append.tab] = row + 1
    for content in changes.tabs:
        tabs[content.title] = TabData(content.title, [list(r) for r in content.rows], hidden=content.hidden)
        next_row.pop(content.title, None)
    for patch in changes.patches:
        apply_patch(tabs[patch.title], patch)
        next_row.pop(patch.title, None)
    for group in changes.groups:
        apply_changes(tabs, group, next_row)


def _track_next_row(next_row: dict[str, int], tab: str, row: int, value: CellValue) -> None:
    """A value written at or below the next row moves it down; emptying a cell of the last row may move it
    up, so it is looked for again."""
    if tab not in next_row:
        return
    if value not in (None, ""):
        next_row[tab] = max(next_row[tab], row + 1)
    elif row == next_row[tab] - 1:
        del next_row[tab]


def apply_notes(tabs: dict[str, TabData], writes: list[NoteWrite]) -> None:
    for note in writes:
        notes = tabs[note.tab].notes
        if note.text is None:
            notes.pop((note.row, note.col), None)
        else:
            notes[(note.row, note.col)] = note.text


def apply_patch(tab: TabData, patch: TabPatch) -> None:
    for shift in patch.shifts:
        while len(tab.rows) < shift.at:
            tab.rows.append([])
        if shift.count > 0:
            tab.rows[shift.at : shift.at] = [[] for _ in range(shift.count)]
        else:
            del tab.rows[shift.at : shift.at - shift.count]
    for row in patch.rows:
        _put(tab, row.row, 0, None)
        tab.rows[row.row] = list(row.values)


def _put(tab: TabData, row: int, col: int, value: CellValue) -> None:
    while len(tab.rows) <= row:
        tab.rows.append([])
    line = tab.rows[row]
    while len(line) <= col:
        line.append(None)
    line[col] = value
