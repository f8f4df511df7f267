"""From a tab's raw grid to parsed rows: headers matched by name, each row validated by its model.

Nothing here drops a row or raises on bad input: problems are collected with the cell they belong to.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from sheets_schema.a1 import a1, quote_tab
from sheets_schema.columns import Kind
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Message
from sheets_schema.models import MODELS, Row, cell_parsers
from sheets_schema.parsing import CellParseError, EmptyResult, is_blank, parse_text
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import TabSpec

# Google Sheets refuses cells longer than this; longer text cannot round-trip. A store may hold less
# (Excel: 32,767), and says so in its Snapshot; parse_tab takes the store's limit.
MAX_CELL_CHARS = 50_000


@dataclass(frozen=True)
class CellProblem:
    tab: str  # the tab's title as it is in the sheet
    row: int  # 0-based grid row (0 = header row)
    col: int | None  # 0-based column, None when the problem is the whole row or tab
    message: Message

    @property
    def cell(self) -> str:
        return a1(self.row, self.col) if self.col is not None else str(self.row + 1)

    def render(self, locale: Locale, with_tab: bool = True) -> str:
        place = (
            self.cell
            if self.col is not None
            else (f"row {self.row + 1}" if locale == "en" else f"{self.row + 1}行目")
        )
        if with_tab:
            place = f"{quote_tab(self.tab)}!{place}"
        return f"{place}: {self.message.render(locale)}"


@dataclass
class HeaderMap:
    spec: TabSpec
    title: str
    columns: dict[str, int]  # column key -> 0-based index of its (first) header cell
    width: int  # number of header cells in use (index of the last non-empty header + 1)
    problems: list[CellProblem] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not self.missing_required

    def missing(self, keys: Sequence[str]) -> list[str]:
        return [k for k in keys if k not in self.columns]


def match_headers(spec: TabSpec, title: str, header_row: Sequence[Any], locale: Locale) -> HeaderMap:
    by_name = {name: column for column in spec.columns for name in column.names()}
    columns: dict[str, int] = {}
    seen: dict[str, list[int]] = {}
    width = 0
    for index, raw in enumerate(header_row):
        if is_blank(raw):
            continue
        width = index + 1
        column = by_name.get(_header_name(raw))
        if column is None:
            continue  # a column people added: kept, ignored
        seen.setdefault(column.key, []).append(index)
        columns.setdefault(column.key, index)
    header = HeaderMap(spec, title, columns, width)
    for key, places in seen.items():
        if len(places) > 1:
            cells = ", ".join(a1(0, p) for p in places)
            label = spec.column(key).label(locale)
            header.problems.append(
                CellProblem(
                    title, 0, places[1], Message("duplicate_header", {"column": label, "cells": cells})
                )
            )
    for column in spec.columns:
        if column.required and column.key not in columns:
            header.missing_required.append(column.key)
            header.problems.append(
                CellProblem(title, 0, None, Message("missing_column", {"column": column.label(locale)}))
            )
    return header


def _header_name(raw: object) -> str:
    # "Stage *" or "金額(円)" are still the same column: drop a trailing marker or unit in brackets.
    name = fold(str(raw)).rstrip("*").strip()
    for opening, closing in (("(", ")"), ("(", ")")):
        if name.endswith(closing) and opening in name:
            bare = name[: name.rindex(opening)].strip()
            if bare:
                return bare
    return name


M = TypeVar("M", bound=Row, covariant=True)


@dataclass(slots=True)
class ParsedRow(Generic[M]):
    index: int  # 0-based grid row
    model: M  # the tab's Row model, with bad cells as None
    problems: list[CellProblem]
    appended: bool = False  # a row the service creates in this cycle (e.g. appointment -> deal)


@dataclass
class ParsedTab:
    spec: TabSpec
    header: HeaderMap
    rows: list[ParsedRow[Any]]  # of the model MODELS[spec.key] (rules.book.Book.rows says which)

    @property
    def title(self) -> str:
        return self.header.title

    @property
    def problems(self) -> list[CellProblem]:
        return [p for row in self.rows for p in row.problems]


# a row's cells as read -> its model and the cells' types
_Known = dict[tuple[Any, ...], tuple[Any, tuple[type, ...]]]


class KnownRows:
    """Rows that parsed without a problem in the previous cycle, by their cells. A long-running service
    (`serve`) keeps one per sheet: between two cycles a few rows change, and the others are taken as they
    were instead of parsed again. Only the last cycle's rows are kept, so it holds at most one sheet's rows.
    A value's type is part of its key (True == 1 in Python, not in a sheet)."""

    def __init__(self) -> None:
        self._tabs: dict[Any, _Known] = {}
        self._previous: dict[Any, _Known] = {}

    def begin_cycle(self) -> None:
        self._previous, self._tabs = self._tabs, {}

    def end_cycle(self) -> None:
        """The rows of the cycle before are no longer needed: only this cycle's are kept until the next."""
        self._previous = {}

    def swap(self, fingerprint: Any) -> tuple[_Known, _Known]:
        """The rows known for a tab parsed the same way (same columns, same pipeline), and where to keep
        this cycle's."""
        fresh: _Known = {}
        self._tabs[fingerprint] = fresh
        return self._previous.get(fingerprint, {}), fresh

    def __len__(self) -> int:
        """Rows held (between cycles: the last cycle's)."""
        return sum(len(rows) for tabs in (self._tabs, self._previous) for rows in tabs.values())


def parse_tab(
    spec: TabSpec,
    header: HeaderMap,
    grid: Sequence[Sequence[Any]],
    pipeline: Pipeline,
    locale: Locale,
    known: KnownRows | None = None,
    limit: int = MAX_CELL_CHARS,
) -> ParsedTab:
    """Every row of the tab with content, parsed; `known` (see KnownRows) spares parsing unchanged rows.
    `limit`: the most characters a cell of the store holds."""
    person = [(c, header.columns[c.key]) for c in spec.person_columns if c.key in header.columns]
    if known is None:
        return ParsedTab(
            spec,
            header,
            _parse_rows(spec, header, grid, range(1, len(grid)), person, pipeline, locale, limit),
        )
    # keyed by the whole row as read (building a tuple of the person cells would cost what parsing does);
    # a row whose derived cells changed is parsed again, which is rare after its first cycle
    previous, fresh = known.swap((spec.key, tuple((c.key, i) for c, i in person), pipeline.stages))
    reused: list[ParsedRow[Row]] = []
    todo: list[int] = []
    for index in range(1, len(grid)):
        cells = tuple(grid[index])
        hit = previous.get(cells)
        if hit is not None and hit[1] == tuple(map(type, cells)):
            reused.append(ParsedRow(index, hit[0], []))
            fresh[cells] = hit
        else:
            todo.append(index)
    parsed = _parse_rows(spec, header, grid, todo, person, pipeline, locale, limit)
    for row in parsed:
        if not row.problems:
            cells = tuple(grid[row.index])
            fresh[cells] = (row.model, tuple(map(type, cells)))
    rows = reused + parsed
    rows.sort(key=attrgetter("index"))
    return ParsedTab(spec, header, rows)


def _parse_rows(
    spec: TabSpec,
    header: HeaderMap,
    grid: Sequence[Sequence[Any]],
    indices: Sequence[int],
    person: list[tuple[Any, int]],
    pipeline: Pipeline,
    locale: Locale,
    limit: int = MAX_CELL_CHARS,
) -> list[ParsedRow[Row]]:
    """Column by column: each distinct value of a column is parsed once (statuses, owners and dates repeat
    down a tab), and a row whose cells all parse is built without a second pass through Pydantic. Rows with
    a cell that does not parse, an empty required cell or an over-long cell go through Pydantic, which
    says what is wrong with each cell. Blank rows are skipped, never an error."""
    model = MODELS[spec.key]
    parsers = cell_parsers(model, pipeline)
    keys = [c.key for c, _ in person]
    lines = [grid[i] for i in indices]
    columns = []
    flagged: set[int] = set()  # positions in `lines` for the slow path
    shortest = min(map(len, lines), default=0)
    for column, place in person:
        cells = (
            list(map(itemgetter(place), lines))  # every line reaches the column: taken in one C loop
            if place < shortest
            else [line[place] if place < len(line) else None for line in lines]
        )
        columns.append(cells)
        flagged |= _parse_column(parsers[column.key], cells, column.required, limit)
    width = len(keys)
    everything = set(keys) == set(model.model_fields)
    empty = dict.fromkeys(model.model_fields)
    slow: list[ParsedRow[Row]] = []
    places: list[int] = []  # the grid rows built on the fast path, and their cells
    good: list[tuple[Any, ...]] = []
    for position, values in enumerate(zip(*columns, strict=True)):
        if position in flagged:
            line = lines[position]
            raw = {c.key: (line[i] if i < len(line) else None) for c, i in person}
            if not all(is_blank(v) or type(v) is EmptyResult for v in raw.values()):
                slow.append(_parse_row(spec, header, model, indices[position], raw, pipeline, locale, limit))
            continue
        # not a blank row: all None, or "" where a formula's result is empty (EmptyResult: a formula dragged
        # down the tab is not a row of data)
        none = values.count(None)
        if none != width and none + values.count("") != width:
            places.append(indices[position])
            good.append(values)
    fields: Iterator[dict[str, Any]] = map(dict, map(partial(zip, keys), good))
    models = model.trusted_many(fields if everything else (empty | f for f in fields))
    rows = [ParsedRow(index, row, []) for index, row in zip(places, models, strict=True)]
    if slow:
        rows += slow
        rows.sort(key=attrgetter("index"))
    return rows


_UNPARSED, _UNSEEN = object(), object()


def _parse_column(parse: Any, cells: list[Any], required: bool, limit: int = MAX_CELL_CHARS) -> set[int]:
    """Replaces each cell by its parsed value, in place; returns the rows where the cell does not parse, is
    over-long, or is required and blank (that last may be a blank row: the caller decides)."""
    if parse is parse_text:
        return _parse_text_column(cells, required, limit)
    memo: dict[Any, Any] = {}
    flagged: set[int] = set()
    for row, value in enumerate(cells):
        if value is None:
            if required:
                flagged.add(row)
            continue
        # a str stands for itself; other values are keyed with their type, as True == 1 == 1.0 in a dict
        # (and with their time zone: 09:00+09:00 == 00:00 UTC, but each reads as its own wall time)
        key = value if type(value) is str else (type(value), value, getattr(value, "tzinfo", None))
        parsed = memo.get(key, _UNSEEN)
        if parsed is _UNSEEN:
            try:
                parsed = parse(value)
            except CellParseError:
                parsed = _UNPARSED
            if type(value) is str and len(value) > limit:
                parsed = _UNPARSED
            memo[key] = parsed
        if parsed is _UNPARSED:
            flagged.add(row)
            cells[row] = None
        else:
            cells[row] = parsed
            if parsed is None and required:
                flagged.add(row)
    return flagged


def _parse_text_column(cells: list[Any], required: bool, limit: int) -> set[int]:
    """_parse_column for a text column, whose cells are mostly distinct (ids, names, notes): a str is
    parse_text's `value.strip()`, or None when blank (str.strip and str.isspace agree on what is white
    space), without a memo of every text; any other value goes through parse_text itself."""
    flagged: set[int] = set()
    for row, value in enumerate(cells):
        if type(value) is str:
            if len(value) > limit:
                flagged.add(row)
                cells[row] = None
                continue
            text = value.strip()
            if text:
                cells[row] = text
                continue
            cells[row] = None
        elif value is not None:
            try:
                parsed = parse_text(value)
            except CellParseError:
                flagged.add(row)
                cells[row] = None
                continue
            cells[row] = parsed
            if parsed is not None:
                continue
        if required:
            flagged.add(row)
    return flagged


def empty_required_cells(tab: ParsedTab, index: int, model: Any, locale: Locale) -> list[CellProblem]:
    """For a row the service builds itself (no cells to parse): the required cells it leaves empty."""
    return [
        CellProblem(
            tab.title,
            index,
            tab.header.columns[column.key],
            Message("empty_required", {"column": column.label(locale)}),
        )
        for column in tab.spec.person_columns
        if column.required and column.key in tab.header.columns and getattr(model, column.key) is None
    ]


def _parse_row(
    spec: TabSpec,
    header: HeaderMap,
    model: type[Row],
    index: int,
    values: dict[str, Any],
    pipeline: Pipeline,
    locale: Locale,
    limit: int = MAX_CELL_CHARS,
) -> ParsedRow[Row]:
    problems: list[CellProblem] = []
    context = {"pipeline": pipeline}
    try:
        parsed = model.model_validate(values, context=context)
    except ValidationError as invalid:
        bad = set()
        for error in invalid.errors():
            key = str(error["loc"][0])
            bad.add(key)
            cause = (error.get("ctx") or {}).get("error")
            message = (
                cause.message(locale)
                if isinstance(cause, CellParseError)
                else Message(
                    "not_date" if spec.column(key).kind in (Kind.DATE, Kind.DATETIME) else "not_amount",
                    {"value": repr(values[key])},
                )
            )
            problems.append(CellProblem(header.title, index, header.columns[key], message))
        parsed = model.model_validate({k: v for k, v in values.items() if k not in bad}, context=context)
    for column in spec.person_columns:
        if column.key not in header.columns:
            continue
        value = values.get(column.key)
        if column.required and is_blank(value):
            label = column.label(locale)
            problems.append(
                CellProblem(
                    header.title,
                    index,
                    header.columns[column.key],
                    Message("empty_required", {"column": label}),
                )
            )
        elif isinstance(value, str) and len(value) > limit:
            problems.append(
                CellProblem(
                    header.title,
                    index,
                    header.columns[column.key],
                    Message(
                        "too_long",
                        {"column": column.label(locale), "length": len(value), "limit": f"{limit:,}"},
                    ),
                )
            )
    return ParsedRow(index, parsed, problems)
