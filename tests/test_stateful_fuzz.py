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
from datetime import date, datetime, time, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from reports.manager_review import Decision, find_deal_table
from rules.book import key_of
from sheets_schema.a1 import a1
from sheets_schema.columns import Column, Kind
from sheets_schema.parsing import is_blank
from sheets_schema.rows import match_headers
from sheets_schema.tabs import GENERATED_TABS, INPUT_TABS, MANAGER_REVIEW, REVIEW_ARCHIVE, TabSpec
from sync.core.config import Config
from sync.core.snapshot import TabData
from sync.engine.state.review_archive import read_archive
from sync.jobs.cycle import run_cycle
from sync.stores.memory import MemoryStore
from sync.stores.xlsx import XlsxStore, set_value
from tests.sheets import header, tab

pytestmark = pytest.mark.heavy  # a long harness on fixed dates: not rerun under the shifted clock

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
# Dates at the edges of what the stores hold (1950-01-01..2199-12-31 accepted): outside, a problem of the cell.
DATES_OUT_OF_RANGE: list[Any] = [
    "1899-12-30",  # serial 0 on .xlsx, read back as a time of day
    "1899-12-31",
    "1900-02-29",  # Excel's 1900 leap-year bug: a day that never was
    "1949-12-31",
    "2200-01-01",
    "9999-12-31",  # Google's last serial
    datetime(1899, 12, 30),
    datetime(1949, 12, 31, 23, 59),
    datetime(2200, 1, 1),
    datetime(9999, 12, 31),
]
DATES_IN_RANGE: list[Any] = ["1950-01-01", "2199-12-31", datetime(1950, 1, 1), datetime(2199, 12, 31, 23, 59)]
FIRST_DAY, LAST_DAY = date(1950, 1, 1), date(2199, 12, 31)
CONTROL_TEXT = ["Nul\x00 Ltd", "Bell\x07 Inc", "\x1b[31mRed Co", "Unit\x1fSep"]
DECISIONS = ["Close as lost", "Push to Q1", "要フォロー", "Call the CFO\nthen decide", None]
MANAGER_NOTES = ["Ito: ask for a discount", "価格再提示", None]


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
        review = tabs.get(MANAGER_REVIEW.en)
        if review is not None and MANAGER_REVIEW.en in workbook.sheetnames:
            self.type_changed_cells(workbook[MANAGER_REVIEW.en], review)
        workbook.save(self.path)

    def type_changed_cells(self, sheet: Any, tab_data: TabData) -> None:
        """A generated tab is typed into, not rewritten: only the cells the person changed."""
        was = XlsxStore(self.path).read().tabs[tab_data.title]
        for r, row in enumerate(tab_data.rows):
            for c, value in enumerate(row):
                if value != was.cell(r, c):
                    sheet.cell(r + 1, c + 1).value = None
                    if not blank(value):
                        set_value(sheet.cell(r + 1, c + 1), value)


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
        self.decisions: dict[str, Decision] = {}  # deal key -> what a manager last typed for it
        self.edits_at_last_cycle = -1
        self.history_rows = 0

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
        if title == MANAGER_REVIEW.en:  # the person deleted what was typed there; the archive stays
            archived = read_archive(self.sheet.tabs().get(REVIEW_ARCHIVE.en))
            self.decisions = {k: d for k, d in self.decisions.items() if archived.get(k) == d and not d.empty}

    def type_into(self, title: str, row: int, col: int, value: Any) -> None:
        def change(tabs: dict[str, TabData]) -> None:
            line = tabs[title].rows[row]
            while len(line) <= col:
                line.append(None)
            line[col] = value

        self.edit(change)

    def cells_of_kind(self, data: st.DataObject, kinds: tuple[Kind, ...]) -> tuple[str, int, int] | None:
        title = data.draw(st.sampled_from(sorted(SPECS)), label="tab")
        row = self.pick_row(data, title)
        columns = self.columns(self.sheet.tabs()[title], SPECS[title])
        wanted = sorted(c for c, column in columns.items() if column.kind in kinds)
        if row is None or not wanted:
            return None
        return title, row, data.draw(st.sampled_from(wanted), label="column")

    @rule(data=st.data())
    def type_an_extreme_date(self, data: st.DataObject) -> None:
        place = self.cells_of_kind(data, (Kind.DATE, Kind.DATETIME))
        if place is not None:
            self.type_into(*place, data.draw(st.sampled_from(DATES_OUT_OF_RANGE + DATES_IN_RANGE)))
            FIGURES["extreme_dates"] += 1

    @rule(data=st.data())
    def type_control_characters(self, data: st.DataObject) -> None:
        """On a workbook the person's own save cannot hold them either (set_value replaces them, as the
        service's writes do); on memory they reach every rule and every generated tab."""
        place = self.cells_of_kind(data, (Kind.TEXT,))
        if place is not None:
            self.type_into(*place, data.draw(st.sampled_from(CONTROL_TEXT)))
            FIGURES["control_characters"] += 1

    @rule(data=st.data())
    def type_a_decision(self, data: st.DataObject) -> None:
        """A manager types a Decision and a Manager note (or clears them) beside a deal on Manager Review."""
        review = self.sheet.tabs().get(MANAGER_REVIEW.en)
        place = find_deal_table(review.rows) if review is not None else None
        if review is None or place is None:
            return
        rows = review_rows(review, place.header_row, place.columns["deal_id"])
        if not rows:
            return
        row = data.draw(st.sampled_from(rows), label="review row")
        typed = Decision(data.draw(st.sampled_from(DECISIONS)), data.draw(st.sampled_from(MANAGER_NOTES)))
        self.type_into(MANAGER_REVIEW.en, row, place.columns["decision"], typed.decision)
        self.type_into(MANAGER_REVIEW.en, row, place.columns["note"], typed.note)
        self.decisions[key_of(str(review.cell(row, place.columns["deal_id"]))) or ""] = typed

    @rule(data=st.data(), stage=st.sampled_from(["Won", "Lost", "受注", "失注"]))
    def close_a_reviewed_deal(self, data: st.DataObject, stage: str) -> None:
        """The deal a manager decided on leaves the review list: the first archive of its Decision."""
        keys = sorted(key for key, typed in self.decisions.items() if not typed.empty)
        if not keys:
            return
        key = data.draw(st.sampled_from(keys), label="decided deal")
        deals = self.sheet.tabs()["Deals"]
        found = match_headers(SPECS["Deals"], "Deals", deals.rows[0], "en").columns
        if "deal_id" not in found or "stage" not in found:
            return
        for r in range(1, len(deals.rows)):
            if key_of(str(deals.cell(r, found["deal_id"]))) == key:
                self.type_into("Deals", r, found["stage"], stage)

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
        self.check_decisions(after)
        self.check_history_settles(after)
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
                elif kinds.get(c) in (Kind.DATE, Kind.DATETIME) and outside_the_dates(value):
                    text = str(after.cell(r, errors_col) or "") if errors_col is not None else ""
                    assert a1(r, c) in text, (
                        f"{spec.en}!{a1(r, c)}: the date {value!r} is not reported (Errors: {text!r})"
                    )
                    FIGURES["bad_cells_checked"] += 1

    def check_decisions(self, after: dict[str, TabData]) -> None:
        """Each Decision and Manager note a manager typed is beside its deal on the review, or, when the deal
        left the list, in the hidden archive; one they cleared is not written back."""
        review = after.get(MANAGER_REVIEW.en)
        place = find_deal_table(review.rows) if review is not None else None
        shown: dict[str, list[Decision]] = {}
        if review is not None and place is not None:
            for r in review_rows(review, place.header_row, place.columns["deal_id"]):
                key = key_of(str(review.cell(r, place.columns["deal_id"]))) or ""
                line = Decision(
                    review.cell(r, place.columns["decision"]), review.cell(r, place.columns["note"])
                )
                shown.setdefault(key, []).append(
                    Decision(*(None if blank(v) else v for v in vars(line).values()))
                )
        archived = read_archive(after.get(REVIEW_ARCHIVE.en))
        for key, typed in self.decisions.items():
            if key in shown:
                assert typed in shown[key], f"{key}: the manager typed {typed}, the review shows {shown[key]}"
            elif not typed.empty:
                assert archived.get(key) == typed, (
                    f"{key}: {typed} is neither in the review nor in the archive"
                )
                FIGURES["archived_decisions"] += 1
            FIGURES["decisions_checked"] += 1

    def check_history_settles(self, after: dict[str, TabData]) -> None:
        """With no edit since the last cycle (days may pass), the hidden history gains no event."""
        rows = len(after["_sfa_events"].rows) if "_sfa_events" in after else 0
        if self.edits == self.edits_at_last_cycle:
            assert rows == self.history_rows, f"_sfa_events grew from {self.history_rows} to {rows} rows"
        self.edits_at_last_cycle, self.history_rows = self.edits, rows

    @invariant()
    def headers_of_input_tabs_stay(self) -> None:
        tabs = self.sheet.tabs() if hasattr(self, "sheet") else {}
        for title in SPECS:
            assert title in tabs, f"the input tab {title} disappeared"


FIGURES = {
    "cycles": 0,
    "edits": 0,
    "bad_cells_checked": 0,
    "extreme_dates": 0,
    "control_characters": 0,
    "decisions_checked": 0,
    "archived_decisions": 0,
}


def review_rows(review: TabData, header_row: int, id_col: int) -> list[int]:
    """The rows of the review's deal table (it ends at the first row without a deal id)."""
    rows = []
    for r in range(header_row + 1, len(review.rows)):
        if blank(review.cell(r, id_col)):
            break
        if "-" in str(review.cell(r, id_col)):  # not the "No deal needs attention." line of an empty table
            rows.append(r)
    return rows


def outside_the_dates(value: Any) -> bool:
    """A date the stores cannot both hold, as typed or as read back (.xlsx reads serial 0 as a time)."""
    if isinstance(value, str):
        return value in DATES_OUT_OF_RANGE
    if isinstance(value, datetime):
        return not FIRST_DAY <= value.date() <= LAST_DAY
    if isinstance(value, date):
        return not FIRST_DAY <= value <= LAST_DAY
    return isinstance(value, time)


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
