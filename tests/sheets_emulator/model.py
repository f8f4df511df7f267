"""In-memory spreadsheet state: spreadsheets, sheets (tabs) and typed cells."""

from __future__ import annotations

import copy
import random
import string
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request

CELL_LIMIT = 10_000_000
DEFAULT_ROWS, DEFAULT_COLS = 1000, 26


@dataclass
class Cell:
    """One cell. ``value`` is str | float | int | bool | None; ``formula`` holds "=..." text if any."""

    value: Any = None
    formula: str | None = None
    note: str | None = None
    fmt: dict | None = None  # userEnteredFormat (numberFormat lives here)
    validation: dict | None = None

    def is_empty(self) -> bool:
        return (
            self.value is None
            and self.formula is None
            and not self.note
            and not self.fmt
            and not self.validation
        )

    def has_value(self) -> bool:
        return self.value is not None or self.formula is not None

    @property
    def number_format(self) -> dict | None:
        return (self.fmt or {}).get("numberFormat")


@dataclass
class Sheet:
    props: dict  # Google-shaped SheetProperties
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    row_meta: dict[int, dict] = field(default_factory=dict)
    col_meta: dict[int, dict] = field(default_factory=dict)
    protected_ranges: list[dict] = field(default_factory=list)
    conditional_formats: list[dict] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)

    @property
    def sheet_id(self) -> int:
        return self.props["sheetId"]

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def rows(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def set_grid(self, rows: int | None = None, cols: int | None = None) -> None:
        gp = self.props["gridProperties"]
        if rows is not None:
            gp["rowCount"] = rows
        if cols is not None:
            gp["columnCount"] = cols
        self.cells = {k: v for k, v in self.cells.items() if k[0] < self.rows and k[1] < self.cols}

    def cell(self, r: int, c: int) -> Cell | None:
        return self.cells.get((r, c))

    def ensure(self, r: int, c: int) -> Cell:
        cell = self.cells.get((r, c))
        if cell is None:
            cell = self.cells[(r, c)] = Cell()
        return cell

    def drop_if_empty(self, r: int, c: int) -> None:
        cell = self.cells.get((r, c))
        if cell is not None and cell.is_empty():
            del self.cells[(r, c)]

    def data_extent(self) -> tuple[int, int]:
        """(rows, cols) spanned by cells that hold a value."""
        keys = [k for k, v in self.cells.items() if v.has_value()]
        if not keys:
            return 0, 0
        return max(k[0] for k in keys) + 1, max(k[1] for k in keys) + 1


def new_sheet_props(
    sheet_id: int, title: str, index: int, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS
) -> dict:
    return {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    }


def new_id(length: int = 44) -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "1" + "".join(random.choice(alphabet) for _ in range(length - 1))


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    props: dict
    sheets: list[Sheet]
    owner: str
    permissions: dict[str, str] = field(default_factory=dict)  # email -> "writer" | "reader"
    created_time: str = "2024-01-01T00:00:00.000Z"
    modified_time: str = "2024-01-01T00:00:00.000Z"

    def ordered(self) -> list[Sheet]:
        return sorted(self.sheets, key=lambda s: s.props["index"])

    def titles(self) -> list[str]:
        return [s.title for s in self.ordered()]

    def by_title(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise bad_request(f"Unable to parse range: {title}")

    def by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        raise bad_request(f"Invalid requests[0]: No grid with id: {sheet_id}")

    def next_sheet_id(self) -> int:
        used = {s.sheet_id for s in self.sheets}
        while True:
            candidate = random.randint(1, 2**31 - 1)
            if candidate not in used:
                return candidate

    def renumber(self) -> None:
        for i, s in enumerate(self.ordered()):
            s.props["index"] = i

    def total_cells(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)

    def check_cell_limit(self) -> None:
        if self.total_cells() > CELL_LIMIT:
            raise bad_request(
                f"This action would increase the number of cells in the workbook above the limit of "
                f"{CELL_LIMIT} cells."
            )

    def role(self, email: str | None) -> str | None:
        if email is None:
            return None
        if email == self.owner:
            return "owner"
        return self.permissions.get(email)

    def snapshot(self) -> Spreadsheet:
        """A working copy for an all-or-nothing batchUpdate. Cells are copied one level deep (their format
        dicts are replaced, never mutated, by the handlers), which keeps big sheets fast."""
        memo: dict[int, Any] = {}
        for sheet in self.sheets:
            memo[id(sheet.cells)] = {key: copy.copy(cell) for key, cell in sheet.cells.items()}
        return copy.deepcopy(self, memo)


def check_access(ss: Spreadsheet | None, email: str | None, write: bool) -> Spreadsheet:
    if ss is None:
        raise ApiError(404, "Requested entity was not found.")
    role = ss.role(email)
    if role is None or (write and role == "reader"):
        raise ApiError(403, "The caller does not have permission")
    return ss
