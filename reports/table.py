"""What a report builder returns: a plain table for a generated tab, plus the charts to draw on it.

Builders are pure: data in (parsed rows, facts, `today`), a Report out. The cycle turns a Report into
the tab's content; each store draws the charts natively (openpyxl charts in xlsx, addChart on Google).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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
class Report:
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 1  # rows frozen and styled as headers at the top
    bold_rows: tuple[int, ...] = ()  # more rows shown in bold: section titles and their column headers
    column_widths: tuple[int, ...] = ()
    charts: tuple[ChartSpec, ...] = field(default_factory=tuple)
    # blocks people type into, (first row, end row, first column, end column), ends exclusive
    open_cells: tuple[tuple[int, int, int, int], ...] = ()
