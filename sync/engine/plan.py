"""Change planning: the desired state of every service-owned cell, diffed against what was read.

Only derived cells, empty id cells, empty header cells, our own notes and service-owned tabs are ever
written; the plan never contains a cell a person typed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from reports.table import PLAIN
from rules.cycle_rules import Derivation
from sheets_schema.columns import Column, Kind
from sheets_schema.locale import Locale
from sheets_schema.messages import say
from sheets_schema.parsing import date_to_serial, is_blank
from sheets_schema.rows import MAX_CELL_CHARS, CellProblem, HeaderMap, ParsedRow
from sheets_schema.stages import Pipeline
from sync.core.changes import CellValue, CellWrite, ChangeSet, NoteWrite, RowAppend, TabContent, TabOpening
from sync.core.snapshot import TabData
from sync.engine.patch import patch_cells, row_patch

NOTE_PREFIX = "sfa-sync: "
MAX_ERROR_TEXT = 2_000


def is_our_note(text: str | None) -> bool:
    return text is not None and text.startswith(NOTE_PREFIX)


def same_value(current: Any, desired: CellValue) -> bool:
    """Equal as the sheet shows them: "" is empty, a date equals its serial number or datetime."""
    if type(current) is type(desired) and current == desired:
        return (
            True  # most cells hold what they should: the cheap answer first (and True == 1 is not met here)
        )
    if is_blank(current) and is_blank(desired):
        return True
    if is_blank(current) or is_blank(desired):
        return False
    if isinstance(desired, date):
        desired_serial = _serial(desired)
        if isinstance(current, date):
            return abs(date_to_serial(current) - desired_serial) < 1e-6
        if isinstance(current, int | float) and not isinstance(current, bool):
            return abs(float(current) - desired_serial) < 1e-6
        return False
    if isinstance(desired, bool) or isinstance(current, bool):
        return current is desired
    if isinstance(desired, int | float):
        return isinstance(current, int | float) and abs(float(current) - float(desired)) < 1e-9
    return isinstance(current, str) and current == desired


@lru_cache(maxsize=65_536)
def _serial(value: date) -> float:
    return date_to_serial(value)  # derived dates repeat down a tab (today, last activity, due dates)


@dataclass
class InputTabPlan:
    tab: TabData
    header: HeaderMap
    problems: list[CellProblem]  # every problem on this tab (parsing + rules)
    appended: list[ParsedRow] = field(default_factory=list)  # rows the service creates on this tab
    pipeline: Pipeline = field(default_factory=Pipeline)
    locale: Locale = "en"
    max_cell_chars: int = MAX_CELL_CHARS  # the store's; longer text copied into a derived cell is cut


def plan_input_tab(
    plan: InputTabPlan,
    derivation: Derivation,
    locale: Locale,
    changes: ChangeSet,
    created: ChangeSet | None = None,
) -> int | None:
    """Plans the tab's service-owned cells, and the rows it creates (into `created`); returns where its id
    column is (None: the tab has none)."""
    spec, tab = plan.header.spec, plan.tab
    positions = _service_positions(plan, locale, changes)
    id_col = positions.pop(spec.id_key, None) if spec.id_key else None
    values = derivation.values.get(spec.key, {})
    errors = _errors_by_row(plan.problems, locale)
    appended = {row.index for row in plan.appended}
    nothing: dict[str, Any] = {}
    places, limit, grid, writes = list(positions.items()), plan.max_cell_chars, tab.rows, changes.cells
    for row in range(1, max(len(grid), 1)):
        if row in appended:
            continue  # an empty row at the end that a created row will fill: written whole, with the append
        desired = values.get(row, nothing)
        have = grid[row]
        width = len(have)
        for key, col in places:
            value = errors.get(row) if key == "errors" else desired.get(key)
            current = have[col] if col < width else None
            if type(value) is str and len(value) > limit:
                value = cut_to_fit(value, limit, locale)
            elif type(current) is type(value) and current == value:
                continue  # most cells hold what they should: the cheap answer, without a call
            if not same_value(current, value):
                writes.append(CellWrite(tab.title, row, col, value))
    for row, new_id in derivation.new_ids.get(spec.key, {}).items():
        if id_col is not None and is_blank(tab.cell(row, id_col)):  # an id goes only into an empty cell
            changes.cells.append(CellWrite(tab.title, row, id_col, new_id))
    if id_col is not None:
        positions[spec.id_key or ""] = id_col
    for added in plan.appended:
        cells = dict(values.get(added.index, {})) | {"errors": errors.get(added.index)}
        (created or changes).appends.append(
            RowAppend(tab.title, _appended_values(plan, added, positions, cells))
        )
    _plan_notes(plan, locale, changes, created or changes, appended)
    return id_col


def _appended_values(
    plan: InputTabPlan, row: ParsedRow, positions: dict[str, int], derived: dict[str, Any]
) -> tuple[CellValue, ...]:
    """A new row as a person would have typed it (choices as labels in the sheet's language), with its
    derived cells already filled in, so the next cycle has nothing left to write."""
    header = plan.header
    cells: dict[int, CellValue] = {}
    for column in header.spec.person_columns:
        if column.key in header.columns:
            cells[header.columns[column.key]] = _typed_label(
                column, getattr(row.model, column.key), plan.pipeline, plan.locale
            )
    for key, col in positions.items():
        if key != header.spec.id_key:
            value = derived.get(key)
            if type(value) is str and len(value) > plan.max_cell_chars:
                value = cut_to_fit(value, plan.max_cell_chars, plan.locale)
            cells[col] = value
    width = max(cells) + 1 if cells else 0
    return tuple(cells.get(col) for col in range(width))


def cut_to_fit(text: str, limit: int, locale: Locale) -> str:
    """Text copied into a derived cell, cut to what the store's cell holds, and saying so at its end (a
    store would refuse the write, or Excel cut the text silently when opening the workbook)."""
    mark = say("cut_text", locale, length=f"{len(text):,}")
    return text[: limit - len(mark)] + mark


def fit_rows(
    rows: tuple[tuple[CellValue, ...], ...], limit: int, locale: Locale
) -> tuple[tuple[CellValue, ...], ...]:
    """A generated tab's rows with each text longer than the store's cells cut to fit (see cut_to_fit)."""
    return tuple(
        tuple(cut_to_fit(v, limit, locale) if type(v) is str and len(v) > limit else v for v in row)
        if any(type(v) is str and len(v) > limit for v in row)
        else row
        for row in rows
    )


def _typed_label(column: Column, value: Any, pipeline: Pipeline, locale: Locale) -> CellValue:
    if value is None:
        return None
    if column.kind is Kind.STAGE:
        return pipeline.choices.get(value).label(locale)
    if column.kind is Kind.CHOICE and column.choices is not None:
        return column.choices.get(value).label(locale)
    return value


def last_used_row(tab: TabData) -> int:
    for index in range(len(tab.rows) - 1, -1, -1):
        if any(not is_blank(v) for v in tab.rows[index]):
            return index
    return 0


def _service_positions(plan: InputTabPlan, locale: Locale, changes: ChangeSet) -> dict[str, int]:
    """Where the id and derived columns are; a missing one gets a header in the first empty cell on the right."""
    header, tab = plan.header, plan.tab
    wanted = [c for c in header.spec.columns if c.derived or c.key == header.spec.id_key]
    positions = {c.key: header.columns[c.key] for c in wanted if c.key in header.columns}
    # Right of every header and of every typed cell, so that a new column never lands on a person's data.
    next_free = max(header.width, widest_row(tab))
    for column in wanted:
        if column.key not in positions:
            positions[column.key] = next_free
            changes.cells.append(CellWrite(tab.title, 0, next_free, column.label(locale)))
            next_free += 1
    return positions


def widest_row(tab: TabData) -> int:
    widest = 0
    for row in tab.rows:
        for col in range(len(row) - 1, -1, -1):
            if not is_blank(row[col]):
                widest = max(widest, col + 1)
                break
    return widest


def _errors_by_row(problems: list[CellProblem], locale: Locale) -> dict[int, str]:
    by_row: dict[int, list[CellProblem]] = defaultdict(list)
    for problem in problems:
        if problem.row > 0:
            by_row[problem.row].append(problem)
    texts = {}
    for row, found in by_row.items():
        found.sort(key=lambda p: p.col if p.col is not None else -1)
        text = "; ".join(p.render(locale, with_tab=False) for p in found)
        texts[row] = text if len(text) <= MAX_ERROR_TEXT else text[: MAX_ERROR_TEXT - 1] + "…"
    return texts


def _plan_notes(
    plan: InputTabPlan, locale: Locale, changes: ChangeSet, created: ChangeSet, appended: set[int]
) -> None:
    """Notes on bad cells; those on rows created this cycle go with the rows (after them, in their group)."""
    wanted: dict[tuple[int, int], list[str]] = defaultdict(list)
    for problem in plan.problems:
        if problem.col is not None:
            wanted[(problem.row, problem.col)].append(problem.message.render(locale))
    title, notes = plan.tab.title, plan.tab.notes
    for (row, col), messages in wanted.items():
        text = NOTE_PREFIX + "\n".join(messages)
        current = notes.get((row, col))
        if current is not None and not is_our_note(current):
            continue  # a person's note: the error column still says it, the note stays theirs
        if current != text:
            (created if row in appended else changes).notes.append(NoteWrite(title, row, col, text))
    for (row, col), current in notes.items():
        if is_our_note(current) and (row, col) not in wanted:
            changes.notes.append(NoteWrite(title, row, col, None))


def plan_owned_tab(current: TabData | None, desired: TabContent, changes: ChangeSet) -> None:
    """A service-owned tab's content (see _plan_owned_content), and the cells of it open to people."""
    _plan_owned_content(current, desired, changes)
    _plan_open_cells(current, desired, changes)


def _plan_open_cells(current: TabData | None, desired: TabContent, changes: ChangeSet) -> None:
    """Where people may type in the tab, when the store protects it and that changed. When rows move (a
    patch), Google moves the protection's holes with them: they are set again, after the move, in the same
    write. (A new tab is created with its open cells.)"""
    if current is None or current.open_cells is None:
        return
    moved = any(patch.title == desired.title and patch.shifts for patch in changes.patches)
    if moved or current.open_cells != desired.open_cells:
        changes.openings.append(TabOpening(desired.title, desired.open_cells))


def _plan_owned_content(current: TabData | None, desired: TabContent, changes: ChangeSet) -> None:
    """A service-owned tab, written the cheapest way that gets it right: nothing when it shows the same;
    the cells that changed; or, when rows moved (a deal climbed the review, a task left the reminders),
    the rows deleted and inserted and only the rows whose content is new (see sync.engine.patch). Rewritten whole
    when it is new or when most of it changed. Cell writes do not carry bold formatting, so they are not
    used when a section title moved; rows are not moved under charts (their ranges point at rows)."""
    if current is None or current.hidden != desired.hidden:
        changes.tabs.append(desired)
        return
    cells = _changed_cells(current, desired)
    if not cells:
        return
    ways: list[tuple[int, Callable[[], None]]] = []  # (cells written, how)
    if (
        not _bold_moved(current, desired)
        and not (desired.charts and _used_rows(current.rows) != _used_rows(desired.rows))
        and not _has_own_look(desired, cells)
    ):
        ways.append((len(cells), lambda: changes.cells.extend(cells)))
    patch = row_patch(current.rows, desired)
    if patch is not None and any(shift.at <= _last_chart_row(desired) for shift in patch.shifts):
        patch = None  # rows are not moved under charts (their ranges point at rows); below them, they may
    if (
        patch is not None and not patch.is_empty()
    ):  # (empty: the two see the same, e.g. a date and its serial)
        ways.append((patch_cells(patch) + 3 * len(patch.shifts), lambda: changes.patches.append(patch)))
    cheapest = min(ways, key=lambda way: way[0], default=None)
    if cheapest is None or cheapest[0] * 2 > sum(len(row) for row in desired.rows):
        changes.tabs.append(desired)
    else:
        cheapest[1]()


def _last_chart_row(desired: TabContent) -> int:
    """The last row any chart of the tab reads or sits at (-1: no chart); rows below it may move."""
    rows = [-1]
    for chart in desired.charts:
        ranges = (chart.categories, *chart.series, *(chart.interval or ()))
        rows += [chart.anchor_row, *(r.last_row for r in ranges), *(r.title_row or 0 for r in ranges)]
    return max(rows)


def _has_own_look(desired: TabContent, cells: list[CellWrite]) -> bool:
    """A cell with a look of its own (a format, a fill, a dropdown: see reports.presentation) is written with
    its whole row (a patch), which carries the look: a cell write carries only the value."""
    return any(desired.look.cell(cell.row, cell.col) != PLAIN for cell in cells)


def _bold_moved(current: TabData, desired: TabContent) -> bool:
    """A section title (bold) row is not where it was: its bold formatting must move with it. (Header rows
    stay at the top: a changed title keeps its look.)"""
    return any(
        not _same_row(current.rows[r] if r < len(current.rows) else [], desired.rows[r])
        for r in desired.bold_rows
        if r < len(desired.rows)
    )


def _same_row(have: list[Any], want: tuple[CellValue, ...]) -> bool:
    return all(
        same_value(have[c] if c < len(have) else None, want[c] if c < len(want) else None)
        for c in range(max(len(have), len(want)))
    )


def _used_rows(rows: Any) -> int:
    """Rows up to the last one holding a value (stores leave trailing empty rows out)."""
    for index in range(len(rows) - 1, -1, -1):
        if any(not is_blank(v) for v in rows[index]):
            return index + 1
    return 0


def _changed_cells(current: TabData, desired: TabContent) -> list[CellWrite]:
    cells = []
    for r in range(max(len(current.rows), len(desired.rows))):
        have = current.rows[r] if r < len(current.rows) else []
        want = desired.rows[r] if r < len(desired.rows) else ()
        for c in range(max(len(have), len(want))):
            value = want[c] if c < len(want) else None
            if not same_value(have[c] if c < len(have) else None, value):
                cells.append(CellWrite(desired.title, r, c, value))
    return cells


def remembered_derived(tab: TabData, header: HeaderMap) -> dict[int, dict[str, Any]]:
    columns = [(c.key, header.columns[c.key]) for c in header.spec.derived_columns if c.key in header.columns]
    return {
        row: {key: (line[col] if col < len(line) else None) for key, col in columns}
        for row, line in enumerate(tab.rows)
        if row > 0
    }
