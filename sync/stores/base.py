"""The store interface: the cycle reads a Snapshot and writes a ChangeSet, and knows nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, TypeGuard

from sheets_schema.rows import MAX_CELL_CHARS
from sync.core.changes import CellValue, ChangeSet, OpenCells


@dataclass
class TabData:
    title: str
    rows: list[list[CellValue]]  # rows[0] is the header row; trailing empty cells/rows may be trimmed
    hidden: bool = False
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> note text, if known
    # the cells of a service-owned tab open to people, as the store protects it; None: the store does not
    # protect this tab (xlsx, memory, a Google tab without the service's protection)
    open_cells: tuple[OpenCells, ...] | None = None

    def cell(self, row: int, col: int) -> CellValue:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class Snapshot:
    tabs: dict[str, TabData]  # keyed by the exact tab title
    timezone: str | None = None  # the spreadsheet's own time zone, where the store knows it
    version: object = None  # store-specific marker used by verify() (file mtime, key columns, ...)
    max_cell_chars: int = MAX_CELL_CHARS  # the most characters one cell of the store holds


@dataclass
class WriteResult:
    requests: int = 0
    cells: int = 0


class Store(Protocol):
    def describe(self) -> str:
        """Where the data lives, safe to print (no credentials)."""
        ...

    def read(self) -> Snapshot:
        """Every tab's values in one go."""
        ...

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]]) -> bool:
        """True when rows were not moved, inserted or deleted since `snapshot` was read (cheap check).
        `keys`: per tab title, the columns that identify rows (id and required columns)."""
        ...

    def write(self, changes: ChangeSet) -> WriteResult:
        """Apply all changes atomically, or raise and change nothing."""
        ...


class LiveStore(Store, Protocol):
    """A store people edit while the service writes (Google Sheets): after a write that assigned ids the
    cycle reads some tabs again, to put back an id that landed on a row moved in the meantime."""

    edited_live: bool

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        """These tabs' values, read now."""
        ...


def is_edited_live(store: Store) -> TypeGuard[LiveStore]:
    return bool(getattr(store, "edited_live", False))
