"""What a cycle wants to change: plain data, built by the planner, applied by a store in one write.

Coordinates are 0-based: row 0 is the header row (sheet row 1), column 0 is column A.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reports.table import Look
from sheets_schema.tabs import WRITE_CAPTURE

CellValue = str | int | float | bool | date | datetime | None
CAPTURE_TAB = WRITE_CAPTURE.en


@dataclass(frozen=True)
class CellWrite:
    """One value written into an existing row: a derived cell, an empty id cell or a header."""

    tab: str
    row: int
    col: int
    value: CellValue


@dataclass(frozen=True)
class NoteWrite:
    """A note (xlsx comment) of ours on a cell; text None removes our note.

    Stores never replace or remove a note that a person wrote.
    """

    tab: str
    row: int
    col: int
    text: str | None


@dataclass(frozen=True)
class RowAppend:
    """A new row after the last row of an input tab (rows the service creates, e.g. appointment -> deal)."""

    tab: str
    values: tuple[CellValue, ...]


@dataclass(frozen=True)
class OpenCells:
    """A block of a service-owned tab that people type into (the Manager Review's Decision and Manager note
    cells), rows `row` to `end_row` and columns `col` to `end_col`, ends exclusive. Google: a hole in the
    tab's protection, so that every editor of the sheet may type there; stores that do not protect tabs
    ignore it."""

    row: int
    end_row: int | None  # None: to the bottom of the tab
    col: int
    end_col: int


@dataclass(frozen=True)
class TabOpening:
    """The cells of a service-owned tab that are open to people, as they should be now (see OpenCells)."""

    title: str
    cells: tuple[OpenCells, ...]


@dataclass(frozen=True)
class TabContent:
    """The whole content of a service-owned tab (generated or state), replacing what was there."""

    title: str
    rows: tuple[tuple[CellValue, ...], ...]
    hidden: bool = False
    header_rows: int = 1
    bold_rows: tuple[int, ...] = ()
    column_widths: tuple[int, ...] = ()
    charts: tuple[Any, ...] = ()  # reports.table.ChartSpec, drawn natively by each store
    open_cells: tuple[OpenCells, ...] = ()  # where people type (the rest is the service's)
    look: Look = field(default_factory=Look)  # number formats, wrap, fills, dropdowns, frozen rows, print


@dataclass(frozen=True)
class RowShift:
    """Rows inserted (count > 0: that many empty rows before `at`) or deleted (count < 0: -count rows from
    `at`) in a service-owned tab."""

    at: int
    count: int


@dataclass(frozen=True)
class PatchedRow:
    """A row of a service-owned tab written whole: its values (padded with None to clear what was there)
    and its look, as TabContent gives it ("header", "bold" or "")."""

    row: int
    values: tuple[CellValue, ...]
    style: str = ""


@dataclass(frozen=True)
class TabPatch:
    """A service-owned tab brought to its new content by moving rows rather than rewriting them: when a
    deal climbs the Manager Review or a task leaves the Reminders, the rows between keep their content.
    The shifts apply first, in order, each where the previous left the rows; then the rows are written,
    at their places in the new content."""

    title: str
    shifts: tuple[RowShift, ...]
    rows: tuple[PatchedRow, ...]
    content: TabContent  # the whole new content: a store that rewrites anyway (xlsx), or a patch too
    # large for one request (Google), writes this instead

    def is_empty(self) -> bool:
        return not self.shifts and not self.rows


@dataclass(frozen=True)
class ColumnLayout:
    """How one input-tab column should look: dropdown, service-owned (greyed and protected), width."""

    tab: str
    col: int
    derived: bool
    options: tuple[str, ...] = ()
    number_format: str | None = None
    width: int | None = None


@dataclass(frozen=True)
class TabLayout:
    tab: str
    columns: tuple[ColumnLayout, ...]
    max_rows: int = 2000  # how far dropdowns and protection reach down
    highlight_col: int | None = None  # rows whose cell in this column is not empty are highlighted (flags)


@dataclass(frozen=True)
class Capture:
    """Cells copied, as they are at the instant the write lands, into the hidden CAPTURE_TAB: people type
    while the service writes, and what they typed in the instant between the last check and the write is
    known only from such a copy, made by the write itself. Blocks sit side by side from the capture tab's
    row 0 (see capture_columns). A store that nobody edits during its write ignores them."""

    tab: str
    top: int
    left: int
    height: int
    width: int


def capture_columns(captures: list[Capture]) -> list[int]:
    """Where each block starts in the capture tab."""
    starts, left = [], 0
    for capture in captures:
        starts.append(left)
        left += capture.width
    return starts


@dataclass
class ChangeSet:
    new_tabs: list[str] = field(default_factory=list)
    cells: list[CellWrite] = field(default_factory=list)
    notes: list[NoteWrite] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    tabs: list[TabContent] = field(default_factory=list)
    patches: list[TabPatch] = field(default_factory=list)  # applied after `tabs`
    layouts: list[TabLayout] = field(default_factory=list)
    openings: list[TabOpening] = field(default_factory=list)  # applied after `tabs` and `patches`
    # Changes that must land together (rows created + the ledger recording them; a deal's remembered state
    # + its history events), applied after everything above, in order. A store that splits a large write
    # never splits a group, so an interruption between requests leaves a state the next cycle converges from.
    groups: list[ChangeSet] = field(default_factory=list)
    captures: list[Capture] = field(default_factory=list)  # taken first, when the write lands (not a change)

    def is_empty(self) -> bool:
        mine = (
            self.new_tabs
            or self.cells
            or self.notes
            or self.appends
            or self.tabs
            or self.patches
            or self.layouts
            or self.openings
        )
        return not mine and all(group.is_empty() for group in self.groups)

    @property
    def cell_count(self) -> int:
        appended = sum(len(a.values) for a in self.appends)
        generated = sum(len(r) for t in self.tabs for r in t.rows)
        patched = sum(len(r.values) for p in self.patches for r in p.rows)
        return len(self.cells) + appended + generated + patched + sum(g.cell_count for g in self.groups)

    def group(self) -> ChangeSet:
        """A new group of changes that must land together."""
        self.groups.append(ChangeSet())
        return self.groups[-1]
