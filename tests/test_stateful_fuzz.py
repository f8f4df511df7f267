"""Whole-system stateful fuzzing: random sequences of what people do to the sheet, interleaved with cycles,
with the DESIGN.md invariants checked after every cycle.

People (rules): add a row of random valid, garbage or formula-looking cells; edit a cell; delete a row;
sort a tab; insert a blank row; rename a header to its Japanese (or English) name; move a column; delete a
generated tab; the next day comes. The service (rule `cycle`) runs one cycle, and then:

- every cell a person typed (person-owned and extra columns, headers) is exactly as they left it; the
  only person cell the service may fill is the empty id of a row with content;
- no row is dropped;
- every id the service assigns is new: unique in its column, and never one it assigned before (even if
  that row was deleted since);
- every garbage cell is named (A1) in its row's Errors column;
- a second cycle writes nothing (convergence).

MemoryStore for most examples; the same machine on a real .xlsx file (people's edits saved with
openpyxl) with fewer. SFA_RELIABILITY_RUNS scales the number of examples (default: CI size).
"""

from __future__ import annotations

import copy
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from rules.book import key_of
from sheets_schema.a1 import a1
from sheets_schema.columns import Column, Kind
from sheets_schema.parsing import is_blank
from sheets_schema.rows import match_headers
from sheets_schema.tabs import GENERATED_TABS, INPUT_TABS, TabSpec
from sync.config import Config
from sync.cycle import run_cycle
from sync.stores.base import TabData
from sync.stores.memory import MemoryStore
from sync.stores.xlsx import XlsxStore, set_value
from tests.sheets import header, tab

RUNS = int(os.environ.get("SFA_RELIABILITY_RUNS", "100"))
REPORT = os.environ.get("SFA_RELIABILITY_REPORT")
DAY0 = date(2026, 11, 2)
SPECS = {spec.en: spec for spec in INPUT_TABS}

TEAM = [
    {"name": "Sato", "email": "sato@example.com", "role": "Rep", "active": True},
    {"name": "Ito", "email": "ito@example.com", "role": "Manager", "active": True},
]
LEADS = [{"lead_id": "L-1", "company": "Acme", "contact": "Ken Mori", "assigned_caller": "Sato"}]
CALLS = [
    {
        "lead_id": "L-1",
        "called_at": "2026-11-01 10:00",
        "caller": "Sato",
        "result": "Appointment",
        "appointment_date": "2026-11-10",
    }
]

VALID: dict[Kind, list[Any]] = {
    Kind.ID: ["X-1", "X-2", "L-1", "D-000001"],
    Kind.TEXT: ["Acme", "株式会社テスト", "Sato", "Ito", "L-1", "Ken Mori"],
    Kind.DATE: ["2026-11-20", "2026/12/5", "2026年11月28日", datetime(2026, 11, 3)],
    Kind.DATETIME: ["2026-11-20 10:00", datetime(2026, 11, 3, 9, 30)],
    Kind.AMOUNT: [1200000, "1,200,000", "120万円"],
    Kind.INT: [50, "1,000"],
    Kind.EMAIL: ["buyer@example.com"],
    Kind.BOOL: ["TRUE", "FALSE", True],
    Kind.STAGE: ["Proposal", "受注", "Lost", "Appointment"],
}
# Values that are wrong for their column whatever else the row holds: each must be named in the row's Errors.
GARBAGE: dict[Kind, list[Any]] = {
    Kind.DATE: ["2026/13/45", "tomorrow"],
    Kind.DATETIME: ["soon-ish"],
    Kind.AMOUNT: ["12O,000", "abc"],
    Kind.INT: ["lots"],
    Kind.EMAIL: ["x at example"],
    Kind.STAGE: ["Maybe"],
    Kind.CHOICE: ["???"],
}
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","x")',
    "+81 3 1234",
    "-5 items",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
GARBAGE_VALUES = {value for values in GARBAGE.values() for value in values}


def examples(default: int) -> int:
    return max(3, default * RUNS // 100)


def values_for(column: Column) -> st.SearchStrategy[Any]:
    choices: list[Any] = list(VALID.get(column.kind, []))
    if column.choices is not None:
        choices += [*column.choices.labels("en"), *column.choices.labels("ja")]
    options = [st.sampled_from(choices)] if choices else []
    if column.kind in GARBAGE:
        options.append(st.sampled_from(GARBAGE[column.kind]))
    if column.kind in (Kind.TEXT, Kind.ID):
        options.append(st.sampled_from(FORMULAS))
    options.append(st.just(None))
    return st.one_of(options)


def blank(value: Any) -> bool:
    return is_blank(value)


class Sheet:
    """The machine's view of one store: read the tabs, let a person change them, save them back."""

    def tabs(self) -> dict[str, TabData]:
        raise NotImplementedError

    def save(self, tabs: dict[str, TabData], removed: list[str]) -> None:
        raise NotImplementedError


class MemorySheet(Sheet):
    def __init__(self, grids: dict[str, list[list[Any]]]) -> None:
        self.store = MemoryStore(grids)

    def tabs(self) -> dict[str, TabData]:
        return copy.deepcopy(self.store.tabs)

    def save(self, tabs: dict[str, TabData], removed: list[str]) -> None:
        self.store.tabs = tabs
        self.store.version += 1


class XlsxSheet(Sheet):
    def __init__(self, grids: dict[str, list[list[Any]]], path: Path) -> None:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in grids.items():
            sheet = workbook.create_sheet(title)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        set_value(sheet.cell(r, c), value)
        workbook.save(path)
        self.path = path
        self.store = XlsxStore(path)

    def tabs(self) -> dict[str, TabData]:
        return XlsxStore(self.path).read().tabs

    def save(self, tabs: dict[str, TabData], removed: list[str]) -> None:
        """As a person saving in Excel: the changed tabs' cells and comments, other tabs untouched."""
        workbook = load_workbook(self.path)
        for title in removed:
            workbook.remove(workbook[title])
        for title in SPECS:
            if title not in tabs:
                continue
            sheet = workbook[title]
            sheet.delete_rows(1, sheet.max_row + 1)
            for r, row in enumerate(tabs[title].rows, start=1):
                for c, value in enumerate(row, start=1):
                    if not blank(value):
                        set_value(sheet.cell(r, c), value)
            for (r, c), text in tabs[title].notes.items():
                author = "sfa-sync" if text.startswith("sfa-sync: ") else "a person"
                sheet.cell(r + 1, c + 1).comment = Comment(text, author)
        workbook.save(self.path)


class PeopleAndService(RuleBasedStateMachine):
    """People edit the input tabs at random; the service runs cycles; invariants hold after each cycle."""

    sheet: Sheet

    def make_sheet(self, grids: dict[str, list[list[Any]]]) -> Sheet:
        return MemorySheet(grids)

    @initialize()
    def setup(self) -> None:
        grids = {spec.en: [header(spec)] for spec in INPUT_TABS}
        grids |= {
            "Team": tab(SPECS["Team"], *TEAM),
            "Leads": tab(SPECS["Leads"], *LEADS),
            "Calls": tab(SPECS["Calls"], *CALLS),
        }
        self.sheet = self.make_sheet(grids)
        self.config: Config = Config()
        self.today = DAY0
        self.assigned: dict[str, set[str]] = {title: set() for title in SPECS}
        self.cycles = 0
        self.edits = 0

    # -- what people do ------------------------------------------------------------------------------

    def edit(self, change) -> None:  # type: ignore[no-untyped-def]
        tabs = self.sheet.tabs()
        removed = change(tabs) or []
        self.sheet.save(tabs, removed)
        self.edits += 1
        FIGURES["edits"] += 1

    @staticmethod
    def columns(tab_data: TabData, spec: TabSpec) -> dict[int, Column]:
        """Position -> column of the tab's person-owned columns, found by their header as it is now."""
        found = match_headers(spec, tab_data.title, tab_data.rows[0] if tab_data.rows else [], "en")
        return {col: spec.column(key) for key, col in found.columns.items() if not spec.column(key).derived}

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)))
    def add_row(self, data: st.DataObject, title: str) -> None:
        spec = SPECS[title]

        def change(tabs: dict[str, TabData]) -> None:
            columns = self.columns(tabs[title], spec)
            row: list[Any] = []
            for col, column in sorted(columns.items()):
                value = data.draw(values_for(column), label=f"{title}.{column.key}")
                while len(row) <= col:
                    row.append(None)
                row[col] = value
            rows = tabs[title].rows
            while len(rows) > 1 and not any(not blank(v) for v in rows[-1]):
                rows.pop()
            rows.append(row)

        self.edit(change)

    def pick_row(self, data: st.DataObject, title: str) -> int | None:
        rows = self.sheet.tabs()[title].rows
        return data.draw(st.integers(1, len(rows) - 1), label="row") if len(rows) > 1 else None

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)))
    def edit_cell(self, data: st.DataObject, title: str) -> None:
        row = self.pick_row(data, title)
        if row is None:
            return
        columns = self.columns(self.sheet.tabs()[title], SPECS[title])
        if not columns:
            return
        col = data.draw(st.sampled_from(sorted(columns)), label="column")
        value = data.draw(values_for(columns[col]), label="value")

        def change(tabs: dict[str, TabData]) -> None:
            line = tabs[title].rows[row]
            while len(line) <= col:
                line.append(None)
            line[col] = value

        self.edit(change)

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)))
    def type_formula_looking_text(self, data: st.DataObject, title: str) -> None:
        row = self.pick_row(data, title)
        columns = self.columns(self.sheet.tabs()[title], SPECS[title])
        text = [c for c, column in columns.items() if column.kind is Kind.TEXT]
        if row is None or not text:
            return
        col = data.draw(st.sampled_from(sorted(text)), label="column")
        value = data.draw(st.sampled_from(FORMULAS), label="formula")

        def change(tabs: dict[str, TabData]) -> None:
            line = tabs[title].rows[row]
            while len(line) <= col:
                line.append(None)
            line[col] = value

        self.edit(change)

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)))
    def delete_row(self, data: st.DataObject, title: str) -> None:
        row = self.pick_row(data, title)
        if row is None:
            return

        def change(tabs: dict[str, TabData]) -> None:
            move_rows(tabs[title], [r for r in range(len(tabs[title].rows)) if r != row])

        self.edit(change)

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)))
    def insert_blank_row(self, data: st.DataObject, title: str) -> None:
        row = self.pick_row(data, title)
        if row is None:
            return

        def change(tabs: dict[str, TabData]) -> None:
            order: list[int | None] = list(range(len(tabs[title].rows)))
            order.insert(row, None)
            move_rows(tabs[title], order)

        self.edit(change)

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)), descending=st.booleans())
    def sort_rows(self, data: st.DataObject, title: str, descending: bool) -> None:
        width = len(self.sheet.tabs()[title].rows[0])
        col = data.draw(st.integers(0, max(width - 1, 0)), label="sort column")

        def change(tabs: dict[str, TabData]) -> None:
            rows = tabs[title].rows
            used = [r for r in range(1, len(rows)) if any(not blank(v) for v in rows[r])]

            def key(r: int) -> tuple[bool, str]:
                value = rows[r][col] if col < len(rows[r]) else None
                return (blank(value), str(value))

            ordered = sorted(used, key=key, reverse=descending)
            move_rows(tabs[title], [0, *ordered])

        self.edit(change)

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)))
    def rename_header(self, data: st.DataObject, title: str) -> None:
        spec = SPECS[title]
        tab_data = self.sheet.tabs()[title]
        found = match_headers(spec, title, tab_data.rows[0], "en")
        if not found.columns:
            return
        key = data.draw(st.sampled_from(sorted(found.columns)), label="column")
        column = spec.column(key)
        label = column.ja if tab_data.rows[0][found.columns[key]] != column.ja else column.en

        def change(tabs: dict[str, TabData]) -> None:
            tabs[title].rows[0][found.columns[key]] = label

        self.edit(change)

    @rule(data=st.data(), title=st.sampled_from(sorted(SPECS)))
    def move_column(self, data: st.DataObject, title: str) -> None:
        width = max(len(r) for r in self.sheet.tabs()[title].rows)
        if width < 2:
            return
        source = data.draw(st.integers(0, width - 1), label="from")
        target = data.draw(st.integers(0, width - 1), label="to")

        def change(tabs: dict[str, TabData]) -> None:
            order: list[int] = list(range(width))
            order.insert(target, order.pop(source))
            move_columns(tabs[title], order)

        self.edit(change)

    @rule(data=st.data())
    def delete_a_generated_tab(self, data: st.DataObject) -> None:
        present = [t.en for t in GENERATED_TABS if t.en in self.sheet.tabs()]
        if not present:
            return
        title = data.draw(st.sampled_from(present), label="generated tab")

        def change(tabs: dict[str, TabData]) -> list[str]:
            del tabs[title]
            return [title]

        self.edit(change)

    @rule()
    def next_day(self) -> None:
        self.today += timedelta(days=1)

    # -- the service ---------------------------------------------------------------------------------

    @rule()
    def cycle(self) -> None:
        before = self.sheet.tabs()
        report = run_cycle(self.sheet.store, self.config, self.today)
        after = self.sheet.tabs()
        self.cycles += 1
        FIGURES["cycles"] += 1
        for title, spec in SPECS.items():
            if title in before:
                self.check_tab(spec, before[title], after[title])
        again = run_cycle(self.sheet.store, self.config, self.today)
        assert not again.wrote, (
            f"a second cycle wrote again: {again.analysis.changes.cells[:5]} "
            f"{[t.title for t in again.analysis.changes.tabs]}"
        )
        assert report.attempts == 1

    def check_tab(self, spec: TabSpec, before: TabData, after: TabData) -> None:
        title = spec.en
        found = match_headers(spec, title, before.rows[0] if before.rows else [], "en")
        derived = {col for key, col in found.columns.items() if spec.column(key).derived}
        id_col = found.columns.get(spec.id_key) if spec.id_key else None
        person = {col for key, col in found.columns.items() if not spec.column(key).derived}
        for r, line in enumerate(before.rows):
            has_content = any(not blank(v) for c, v in enumerate(line) if c in person)
            for c, value in enumerate(line):
                if c in derived:
                    continue
                now = after.cell(r, c)
                if blank(value):
                    if r == 0 or c not in person:
                        continue  # a new derived column's header may land in an empty header cell
                    if c == id_col and has_content:
                        continue  # the one person cell the service fills
                    assert blank(now), (
                        f"{title}!{a1(r, c)}: the service wrote {now!r} into a person's empty cell"
                    )
                    continue
                assert now == value and type(now) is type(value), (
                    f"{title}!{a1(r, c)}: a person typed {value!r}, the sheet now shows {now!r}"
                )
        if not found.usable:
            return
        self.check_ids(spec, before, after, id_col)
        self.check_errors(spec, after)

    def check_ids(self, spec: TabSpec, before: TabData, after: TabData, id_col: int | None) -> None:
        if id_col is None:
            return
        column = [
            key_of(str(after.cell(r, id_col)))
            for r in range(1, len(after.rows))
            if not blank(after.cell(r, id_col))
        ]
        for r in range(1, len(after.rows)):
            new = after.cell(r, id_col)
            if blank(new) or not blank(before.cell(r, id_col)):
                continue
            key = key_of(str(new))
            assert column.count(key) == 1, (
                f"{spec.en}!{a1(r, id_col)}: the service assigned {new}, a duplicate"
            )
            assert key not in self.assigned[spec.en], f"{spec.en}!{a1(r, id_col)}: {new} was assigned before"
            self.assigned[spec.en].add(key)

    def check_errors(self, spec: TabSpec, after: TabData) -> None:
        found = match_headers(spec, spec.en, after.rows[0], "en")
        errors_col = found.columns.get("errors")
        kinds = {col: spec.column(key).kind for key, col in found.columns.items()}
        for r in range(1, len(after.rows)):
            for c, value in enumerate(after.rows[r]):
                if isinstance(value, str) and value in GARBAGE.get(kinds.get(c), ()):  # type: ignore[arg-type]
                    text = str(after.cell(r, errors_col) or "") if errors_col is not None else ""
                    assert a1(r, c) in text, (
                        f"{spec.en}!{a1(r, c)}: {value!r} is not reported (Errors: {text!r})"
                    )
                    FIGURES["bad_cells_checked"] += 1

    @invariant()
    def headers_of_input_tabs_stay(self) -> None:
        tabs = self.sheet.tabs() if hasattr(self, "sheet") else {}
        for title in SPECS:
            assert title in tabs, f"the input tab {title} disappeared"


FIGURES = {"cycles": 0, "edits": 0, "bad_cells_checked": 0}


def test_an_appointment_call_with_an_unknown_lead_converges_in_one_cycle():
    """A call with result Appointment whose lead id is not on Leads (or whose caller is not on Team) becomes
    a deal and a first-visit task; the rows are appended without their Errors, so the NEXT cycle writes
    'lead L-404 is not on the Leads tab' (or 'X is not on the Team tab') into both, with notes: the cycle
    does not converge in one run (invariant: a repeated cycle writes nothing)."""
    store = MemoryStore(
        {spec.en: [header(spec)] for spec in INPUT_TABS}
        | {
            "Team": tab(SPECS["Team"], *TEAM),
            "Leads": tab(SPECS["Leads"], *LEADS),
            "Calls": tab(SPECS["Calls"], {**CALLS[0], "lead_id": "L-404"}),
        }
    )
    first = run_cycle(store, Config(), DAY0)
    assert first.analysis.rows_created == 2
    second = run_cycle(store, Config(), DAY0)
    assert not second.wrote, [c.value for c in second.analysis.changes.cells]


def move_rows(tab_data: TabData, order: list[int | None]) -> None:
    """Reorder (None: a new blank row); notes move with their rows, as in a spreadsheet."""
    rows = tab_data.rows
    tab_data.rows = [list(rows[r]) if r is not None and r < len(rows) else [] for r in order]
    where = {old: new for new, old in enumerate(order) if old is not None}
    tab_data.notes = {(where[r], c): text for (r, c), text in tab_data.notes.items() if r in where}


def move_columns(tab_data: TabData, order: list[int]) -> None:
    width = len(order)
    rows = []
    for line in tab_data.rows:
        padded = [*line, *([None] * (width - len(line)))]
        rows.append([padded[c] for c in order] + padded[width:])
    tab_data.rows = rows
    where = {old: new for new, old in enumerate(order)}
    tab_data.notes = {(r, where.get(c, c)): text for (r, c), text in tab_data.notes.items()}


class OnXlsx(PeopleAndService):
    def make_sheet(self, grids: dict[str, list[list[Any]]]) -> Sheet:
        self.folder = TemporaryDirectory()
        return XlsxSheet(grids, Path(self.folder.name) / "team.xlsx")

    def teardown(self) -> None:
        if hasattr(self, "folder"):
            self.folder.cleanup()


def report_figures(store: str) -> None:
    import json

    figures = {"harness": "stateful", "store": store, **FIGURES}
    print(json.dumps(figures))
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(figures, sort_keys=True) + "\n")
    for key in FIGURES:
        FIGURES[key] = 0


QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much]


class TestOnMemory(PeopleAndService.TestCase):  # type: ignore[name-defined]
    settings = settings(
        max_examples=examples(100), stateful_step_count=40, deadline=None, suppress_health_check=QUIET
    )

    @classmethod
    def teardown_class(cls) -> None:
        report_figures("memory")


class TestOnXlsx(OnXlsx.TestCase):  # type: ignore[name-defined]
    settings = settings(
        max_examples=examples(10), stateful_step_count=25, deadline=None, suppress_health_check=QUIET
    )

    @classmethod
    def teardown_class(cls) -> None:
        report_figures("xlsx")
