"""What a report builder returns: a plain table for a generated tab, plus the charts to draw on it.

Builders are pure: data in (parsed rows, facts, `today`), a Report out. The cycle turns a Report into
the tab's content; each store draws the charts natively (openpyxl charts in xlsx, addChart on Google).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Literal

Cell = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Series:
    """One data series: a column of the table, from `first_row` to `last_row` (0-based, inclusive);
    `title_row` is the row holding its name (usually the section's header row)."""

    col: int
    first_row: int
    last_row: int
    title_row: int | None = None


@dataclass(frozen=True)
class ChartSpec:
    title: str
    kind: Literal["column", "bar", "line", "pie"]
    categories: Series  # the labels (x axis / pie slices)
    series: tuple[Series, ...]
    anchor_row: int  # where the chart's top-left corner goes (0-based cell)
    anchor_col: int
    y_title: str | None = None
    percent: bool = False  # values are shares (0..1)
    # the value axis, fixed (e.g. 0..100 for rates), so that a bar's height reads the same on every chart
    value_range: tuple[float, float] | None = None
    # a 95 % interval per category, (low, high) columns: drawn as marks on each bar (both stores can
    # draw a line series with markers only over a column chart; neither takes error bars from cells alike)
    interval: tuple[Series, Series] | None = None


@dataclass(frozen=True)
class Format:
    """How a block of cells looks, rows `row` to `end_row` and columns `col` to `end_col` (ends exclusive).
    A later block overrides an earlier one where both say something."""

    row: int
    end_row: int
    col: int
    end_col: int
    number_format: str | None = None  # an Excel/Sheets pattern: "¥#,##0", "0.0\"%\"", "yyyy-mm-dd"
    wrap: bool = False
    bold: bool = False
    fill: str | None = None  # background colour, "RRGGBB"
    options: tuple[str, ...] = ()  # a dropdown of these, that still accepts other text
    top: bool = False  # aligned to the top (a row some of whose text wraps)


@dataclass(frozen=True)
class CellLook:
    """What one cell gets from the Formats that cover it."""

    number_format: str | None = None
    wrap: bool = False
    bold: bool = False
    fill: str | None = None
    options: tuple[str, ...] = ()
    top: bool = False


PLAIN = CellLook()


@dataclass(frozen=True)
class Look:
    """The presentation of a generated tab, the same for every store: cell formats, frozen rows, print set-up.
    Cells carry their own look (no range-wide rules), so that rows moved by a patch take it along."""

    formats: tuple[Format, ...] = ()
    frozen_rows: int | None = None  # None: the tab's header rows
    landscape: bool = False  # printed landscape, one page wide (stores that have a print set-up)
    # (row, lines): rows whose wrapped text needs more than one line, for stores that do not fit row heights
    # to their text themselves (an .xlsx file as Excel and LibreOffice open it; Google fits them)
    row_lines: tuple[tuple[int, int], ...] = ()

    def cell(self, row: int, col: int) -> CellLook:
        return self._cells.get((row, col), PLAIN)

    def cells(self) -> list[tuple[int, int, CellLook]]:
        """Every cell with a look of its own, (row, column, look), row by row."""
        return [(row, col, look) for (row, col), look in sorted(self._cells.items())]

    def row_end(self, row: int) -> int:
        """One past the last column of `row` with a look of its own (0 if none)."""
        return self._row_ends.get(row, 0)

    @cached_property
    def _row_ends(self) -> dict[int, int]:
        ends: dict[int, int] = {}
        for row, col in self._cells:
            ends[row] = max(ends.get(row, 0), col + 1)
        return ends

    def frozen(self, header_rows: int) -> int:
        return header_rows if self.frozen_rows is None else self.frozen_rows

    @cached_property
    def _cells(self) -> dict[tuple[int, int], CellLook]:
        found: dict[tuple[int, int], CellLook] = {}
        for block in self.formats:
            for row in range(block.row, block.end_row):
                for col in range(block.col, block.end_col):
                    found[(row, col)] = _over(found.get((row, col), PLAIN), block)
        return found


def _over(look: CellLook, block: Format) -> CellLook:
    return CellLook(
        block.number_format or look.number_format,
        block.wrap or look.wrap,
        block.bold or look.bold,
        block.fill or look.fill,
        block.options or look.options,
        block.top or look.top,
    )


@dataclass(frozen=True)
class Report:
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 1  # rows frozen and styled as headers at the top
    bold_rows: tuple[int, ...] = ()  # more rows shown in bold: section titles and their column headers
    column_widths: tuple[int, ...] = ()
    charts: tuple[ChartSpec, ...] = field(default_factory=tuple)
    # blocks people type into, (first row, end row, first column, end column), ends exclusive
    open_cells: tuple[tuple[int, int, int, int], ...] = ()
    look: Look = field(default_factory=Look)
