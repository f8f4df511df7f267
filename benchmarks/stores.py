"""Stores used by the benchmark only (no product code is changed).

`FastMemoryStore` is MemoryStore without its test-only costs: read() copies rows shallowly instead of a
deepcopy of the whole book, and write() finds an input tab's last row once per write instead of once per
appended row (MemoryStore.apply_changes is quadratic in appended rows x tab rows: 71 s of a 100 s first
sync at M, measured; a test store's cost, not the service's). It builds the history of a sheet.

`ReplayStore` answers read() from the exact bytes the Sheets API returned (spreadsheets.get with the
store's field mask + values:batchGet), doing what GoogleStore.read does with them (json.loads, the tab
list, hidden flags, notes) and nothing else, so that a cycle on it costs parse + compute, no network.
"""

from __future__ import annotations

import json
from typing import Any

from sync.core.changes import ChangeSet
from sync.core.snapshot import Snapshot, TabData, WriteResult
from sync.stores.google import _notes
from sync.stores.memory import MemoryStore, _put, apply_notes, apply_patch


class FastMemoryStore(MemoryStore):
    def read(self) -> Snapshot:
        self.reads += 1
        tabs = {
            t: TabData(t, [list(r) for r in d.rows], d.hidden, dict(d.notes)) for t, d in self.tabs.items()
        }
        return Snapshot(tabs, version=self.version)

    def write(self, changes: ChangeSet) -> WriteResult:
        fast_apply(self.tabs, changes, {})
        self.version += 1
        self.writes += 1
        return WriteResult(requests=1, cells=changes.cell_count)


def _last_row(tab: TabData) -> int:
    for i in range(len(tab.rows) - 1, 0, -1):
        if any(v not in (None, "") for v in tab.rows[i]):
            return i
    return 0


def fast_apply(tabs: dict[str, TabData], changes: ChangeSet, last: dict[str, int]) -> None:
    """memory.apply_changes, same result, linear time."""
    for title in changes.new_tabs:
        tabs.setdefault(title, TabData(title, []))
    for cell in changes.cells:
        _put(tabs[cell.tab], cell.row, cell.col, cell.value)
        last.pop(cell.tab, None)
    apply_notes(tabs, changes.notes)
    for append in changes.appends:
        tab = tabs[append.tab]
        row = last[append.tab] + 1 if append.tab in last else _last_row(tab) + 1
        _put(tab, row, 0, None)
        tab.rows[row] = list(append.values)
        last[append.tab] = row
    for content in changes.tabs:
        tabs[content.title] = TabData(content.title, [list(r) for r in content.rows], hidden=content.hidden)
        last.pop(content.title, None)
    for patch in changes.patches:
        apply_patch(tabs[patch.title], patch)
        last.pop(patch.title, None)
    for group in changes.groups:
        fast_apply(tabs, group, last)


class ReplayStore:
    """read() replays recorded Sheets API answers; write() counts what it was asked to write."""

    def __init__(self, meta: bytes, values: bytes) -> None:
        self.meta, self.values = meta, values
        self.reads = 0
        self.written: list[ChangeSet] = []

    edited_live = False  # nobody types into a replay: no write window to guard

    def describe(self) -> str:
        return "replayed Google answers"

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        return {title: tab for title, tab in self.read().tabs.items() if title in titles}

    def requests_made(self) -> int | None:
        return None

    def read(self) -> Snapshot:
        self.reads += 1
        meta: dict[str, Any] = json.loads(self.meta)
        kept = [
            (s["properties"]["title"], bool(s["properties"].get("hidden")), _notes(s)) for s in meta["sheets"]
        ]
        timezone = meta.get("properties", {}).get("timeZone")
        del meta  # as GoogleStore.read: the metadata's grid data goes before the values arrive
        answer: dict[str, Any] = json.loads(self.values)
        values = [vr.get("values", []) for vr in answer.get("valueRanges", [])]
        tabs = {
            title: TabData(title, rows, hidden, notes)
            for (title, hidden, notes), rows in zip(kept, values, strict=True)
        }
        return Snapshot(tabs, timezone=timezone)

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]] | None = None) -> bool:
        return True

    def write(self, changes: ChangeSet) -> WriteResult:
        self.written.append(changes)
        return WriteResult(requests=1, cells=changes.cell_count)
