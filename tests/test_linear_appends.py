"""Appending N rows costs O(N) on every store: the last used row of a tab is found once per write, not once
per appended row (import, demo, restore and a first sync append thousands of rows, and each deal's state
lands in a group of its own). Counted, not timed: the cells or rows each store looks at to find where the
next row goes, and the rows copied while the Google store merges appends into one request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sync.core.changes import CellWrite, ChangeSet, RowAppend
from sync.stores.google_requests import chunk
from sync.stores.memory import MemoryStore
from sync.stores.xlsx import XlsxStore

EXISTING = 50  # rows already in the tab


def appends(n: int, shape: str) -> ChangeSet:
    """n rows appended to "Log": all at the top level, one group each (a deal's state and its history), or
    one group each with a cell written into the tab just before (a state row updated, another added)."""
    changes = ChangeSet()
    for i in range(n):
        row = RowAppend("Log", (f"id-{i}", i, "x"))
        if shape == "top":
            changes.appends.append(row)
        else:
            group = changes.group()
            if shape == "cells+groups":
                group.cells.append(CellWrite("Log", 1 + i % EXISTING, 2, f"seen {i}"))
            group.appends.append(row)
    return changes


SHAPES = ["top", "groups", "cells+groups"]


class CountingRows(list):
    """A tab's rows that count how many rows are looked at (iterated or indexed)."""

    looked_at = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingRows.looked_at += len(self)
        return super().__iter__()

    def __reversed__(self):  # type: ignore[no-untyped-def]
        CountingRows.looked_at += len(self)
        return super().__reversed__()

    def __getitem__(self, index: Any) -> Any:
        CountingRows.looked_at += 1
        return super().__getitem__(index)


def memory_cost(n: int, shape: str) -> int:
    store = MemoryStore({"Log": [["id", "n", "note"], *([f"old-{i}", i, "y"] for i in range(EXISTING))]})
    store.tabs["Log"].rows = CountingRows(store.tabs["Log"].rows)
    CountingRows.looked_at = 0
    store.write(appends(n, shape))
    rows = store.tabs["Log"].rows
    assert list.__getitem__(rows, EXISTING + n)[0] == f"id-{n - 1}"  # (list's own: not counted)
    return CountingRows.looked_at


def xlsx_cost(n: int, shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    path = tmp_path / f"log-{n}-{shape}.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Log"
    for row in [["id", "n", "note"], *([f"old-{i}", i, "y"] for i in range(EXISTING))]:
        sheet.append(row)
    workbook.save(path)
    store = XlsxStore(path)
    store.read()
    looked_at = [0]
    max_row, max_column = Worksheet.max_row, Worksheet.max_column

    def counted(prop: property) -> property:
        def get(ws: Worksheet) -> int:
            looked_at[0] += len(ws._cells)  # openpyxl finds a sheet's extent by looking at every cell
            return prop.fget(ws)  # type: ignore[misc]

        return property(get)

    monkeypatch.setattr(Worksheet, "max_row", counted(max_row))
    monkeypatch.setattr(Worksheet, "max_column", counted(max_column))
    store.write(appends(n, shape))
    monkeypatch.undo()
    assert store.read().tabs["Log"].rows[EXISTING + n][0] == f"id-{n - 1}"
    return looked_at[0]


@pytest.mark.parametrize("shape", SHAPES)
def test_memory_store_appends_in_linear_time(shape):
    small, large = memory_cost(100, shape), memory_cost(400, shape)
    assert large <= 5 * small, f"4x the rows cost {large / small:.1f}x the rows looked at (linear: 4x)"


@pytest.mark.parametrize("shape", SHAPES)
def test_xlsx_store_appends_in_linear_time(shape, tmp_path, monkeypatch):
    small = xlsx_cost(100, shape, tmp_path, monkeypatch)
    large = xlsx_cost(400, shape, tmp_path, monkeypatch)
    assert large <= 5 * small, f"4x the rows cost {large / small:.1f}x the cells looked at (linear: 4x)"


class CountingList(list):
    """appendCells rows that count how many rows are copied (concatenated, iterated or sliced)."""

    copied = 0

    def __add__(self, other: Any) -> CountingList:
        CountingList.copied += len(self) + len(other)
        return CountingList([*list.__iter__(self), *list.__iter__(other)])

    def __iter__(self):  # type: ignore[no-untyped-def]
        CountingList.copied += len(self)
        return super().__iter__()

    def __getitem__(self, index: Any) -> Any:
        CountingList.copied += len(range(len(self))[index]) if isinstance(index, slice) else 1
        return super().__getitem__(index)


def google_cost(n: int) -> int:
    requests = [
        {"appendCells": {"sheetId": 7, "rows": CountingList([{"values": [i]}]), "fields": "userEnteredValue"}}
        for i in range(n)
    ]
    CountingList.copied = 0
    (batch,) = chunk([requests])
    assert [r["values"][0] for r in list.__iter__(batch[0]["appendCells"]["rows"])] == list(range(n))
    return CountingList.copied


def test_google_store_merges_appends_in_linear_time():
    small, large = google_cost(200), google_cost(800)
    assert large <= 5 * small, f"4x the rows cost {large / small:.1f}x the rows copied (linear: 4x)"
