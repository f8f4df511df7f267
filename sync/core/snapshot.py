"""What a store reads: every tab's values (a Snapshot of TabData), and what a write reports back.

The vocabulary the engine and the stores share, below both: the engine plans from a Snapshot, a store
produces one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheets_schema.rows import MAX_CELL_CHARS
from sync.core.changes import CellValue, OpenCells


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
