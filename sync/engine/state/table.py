"""A hidden state tab of rows keyed by their first cell, and reading its cells back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from rules.book import key_of
from sheets_schema.parsing import CellParseError, is_blank, parse_date
from sync.core.changes import CellValue, CellWrite, ChangeSet, RowAppend, TabContent
from sync.core.snapshot import TabData
from sync.engine.plan import same_value


@lru_cache(maxsize=65_536)  # the state tabs' dates repeat (a day per row); True == 1 give the same None here
def as_date(value: Any) -> date | None:
    try:
        return parse_date(value)
    except CellParseError:
        return None


def as_text(value: Any) -> str | None:
    return None if is_blank(value) else str(value)


def records(tab: TabData | None, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    if tab is None or not tab.rows:
        return []
    header = [str(h) for h in tab.rows[0]]
    places = {name: header.index(name) for name in columns if name in header}
    return [
        {name: (row[i] if i < len(row) else None) for name, i in places.items()}
        for row in tab.rows[1:]
        if row and not is_blank(row[0])
    ]


def plain_value(value: Any) -> CellValue:
    return value if value is None or isinstance(value, str | int | float | date) else str(value)


class StateTable:
    """A hidden state tab of rows keyed by their first cell. Changed cells are written in place, new rows
    appended; rows of keys no longer wanted stay (history is kept). A missing tab is created with the main
    changes: rows that go with the main changes are written as part of its content (an append to a tab
    that does not exist yet would fail: stores apply appends before whole tabs); rows in a later group
    are appended after it."""

    def __init__(
        self, title: str, columns: tuple[str, ...], current: TabData | None, main: ChangeSet
    ) -> None:
        self.title = title
        self.main = main
        self.current = current if current is not None and current.rows else None
        if self.current is None:
            self.created = TabContent(title, (columns,), hidden=True)
            main.tabs.append(self.created)
            self.where: dict[str | None, int] = {}
        else:
            self.where = {
                key_of(str(row[0])): index
                for index, row in enumerate(self.current.rows)
                if index and row and not is_blank(row[0])
            }

    def put(self, key: str, values: tuple[CellValue, ...], target: ChangeSet) -> None:
        index = self.where.get(key)
        if index is None or self.current is None:
            self.append(values, target)
            return
        for col, value in enumerate(values):
            if not same_value(self.current.cell(index, col), value):
                target.cells.append(CellWrite(self.title, index, col, value))

    def append(self, values: tuple[CellValue, ...], target: ChangeSet) -> None:
        if self.current is None and target is self.main:
            self._add_to_created(values)
        else:
            target.appends.append(RowAppend(self.title, values))

    def _add_to_created(self, values: tuple[CellValue, ...]) -> None:
        grown = replace(self.created, rows=(*self.created.rows, values))
        self.main.tabs[self.main.tabs.index(self.created)] = grown
        self.created = grown
