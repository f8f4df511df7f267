"""Small sheets for tests: build input tabs by column name, read cells back by column name."""

from __future__ import annotations

from typing import Any

from sheets_schema.locale import Locale
from sheets_schema.tabs import INPUT_TABS, TabSpec
from sync.stores.memory import MemoryStore


def header(spec: TabSpec, locale: Locale = "en") -> list[str]:
    return [c.label(locale) for c in spec.columns]


def tab(spec: TabSpec, *rows: dict[str, Any], locale: Locale = "en") -> list[list[Any]]:
    """A tab with the full header and one row per dict of {column key: value}."""
    keys = [c.key for c in spec.columns]
    grid: list[list[Any]] = [header(spec, locale)]
    for row in rows:
        unknown = set(row) - set(keys)
        assert not unknown, f"no such column on {spec.key}: {unknown}"
        grid.append([row.get(k) for k in keys])
    return grid


def memory_store(locale: Locale = "en", **tabs: list[dict[str, Any]]) -> MemoryStore:
    """A memory store with all five input tabs (empty unless given)."""
    grids = {}
    for spec in INPUT_TABS:
        grids[spec.title(locale)] = tab(spec, *tabs.get(spec.key, []), locale=locale)
    return MemoryStore(grids)


# the old name, for tests written on other branches before the rename (a store, not a rules.book.Book):
# drop it once those are merged
book = memory_store


def cell(store: MemoryStore, spec: TabSpec, row: int, key: str, locale: Locale = "en") -> Any:
    """The value of column `key` in data row `row` (1 = first data row), found by header name."""
    grid = store.tabs[spec.title(locale)].rows
    labels = [str(h) for h in grid[0]]
    col = labels.index(spec.column(key).label(locale))
    line = grid[row] if row < len(grid) else []
    return line[col] if col < len(line) else None
