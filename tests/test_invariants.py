"""Property: after a cycle every person-owned cell is exactly as before, and every bad cell is reported.

Sheets are generated with random valid and invalid cells; which cells are invalid is known from how
they were generated (an oracle independent of the parsers).
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sheets_schema.a1 import a1
from sheets_schema.tabs import DEALS, INPUT_TABS
from sync.config_file import load_config
from sync.core.config import Config
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import initialise
from sync.stores.memory import MemoryStore
from sync.stores.xlsx import XlsxStore, set_value
from tests.sheets import header

TODAY = date(2026, 11, 28)

VALID = {
    "text": st.sampled_from(
        ["Acme", "株式会社テスト", "=not a formula", "+81 3", "-", "@home", "🚀 deal", "x" * 300]
    ),
    "stage": st.sampled_from(["Proposal", "proposal", "提案", "受注", "Lost", " WON "]),
    "amount": st.sampled_from([1200000, "1,200,000", "¥1,200,000", "1,200,000円", "120万円", 0, 99.5]),
    "date": st.sampled_from(["2026-11-28", "2026/1/5", "2026年11月28日", datetime(2026, 3, 1), 46354]),
}
INVALID = {
    "stage": st.sampled_from(["Maybe", "won?", "12"]),
    "amount": st.sampled_from(["abc", "12O,000", "-5", "万"]),
    "date": st.sampled_from(["2026/13/45", "tomorrow", "31/12/2026", 5]),
}
KIND = {
    "deal_name": "text",
    "company": "text",
    "owner": "text",
    "notes": "text",
    "lost_reason": "text",
    "stage": "stage",
    "amount": "amount",
    "close_date": "date",
}
REQUIRED = ("deal_name", "stage")


@st.composite
def deal_rows(draw):
    """Rows of {column key: value} and the set of (row, column key) that must be reported."""
    rows, bad = [], set()
    for index in range(1, draw(st.integers(0, 7)) + 1):
        row = {}
        for key, kind in KIND.items():
            choice = draw(
                st.sampled_from(["blank", "valid", "invalid"] if kind in INVALID else ["blank", "valid"])
            )
            if choice == "valid":
                row[key] = draw(VALID[kind])
            elif choice == "invalid":
                row[key] = draw(INVALID[kind])
                bad.add((index, key))
        if row and draw(st.booleans()):
            row["deal_id"] = f"X-{index}"  # an id typed by a person
        if row:
            bad |= {(index, key) for key in REQUIRED if key not in row}
        rows.append(row)
    return rows, bad


def grid_of(rows: list[dict]) -> list[list]:
    keys = [c.key for c in DEALS.columns]
    return [header(DEALS)] + [[row.get(k) for k in keys] for row in rows]


def person_cells(grid: list[list]) -> list[list]:
    person = [i for i, c in enumerate(DEALS.columns) if c.person_owned]
    return [[(line[i] if i < len(line) else None) for i in person] for line in grid[1:]]


def _content(person: list) -> bool:
    """A row with something typed beside its id (an amount of 0 is content: `any()` would say no)."""
    return any(v is not None for v in person[1:])


def reported(problems) -> set[tuple[int, str]]:
    keys = [c.key for c in DEALS.columns]
    return {(p.row, keys[p.col]) for p in problems if p.tab == "Deals"}


@settings(max_examples=150, deadline=None)
@given(deal_rows())
def test_memory_store_keeps_person_cells_and_reports_every_bad_cell(generated):
    rows, bad = generated
    grid = grid_of(rows)
    store = MemoryStore({spec.en: [header(spec)] for spec in INPUT_TABS} | {"Deals": copy.deepcopy(grid)})
    report = run_cycle(store, Config(), TODAY)
    after = store.tabs["Deals"].rows
    before_person, after_person = person_cells(grid), person_cells(after)
    for index, (was, now) in enumerate(zip(before_person, after_person, strict=True), start=1):
        if was[0] is None and any(v is not None for v in was[1:]):
            assert (
                now[0]
                == f"D-{1 + sum(1 for r in before_person[: index - 1] if r[0] is None and _content(r)):06d}"
            )
            now = [
                None,
                *now[1:],
            ]  # the only person cell the service may fill: an empty id of a row with content
        assert now == was
    assert reported(report.analysis.problems) == bad
    errors_col = len(DEALS.columns) - 1
    for row, key in bad:
        assert a1(row, [c.key for c in DEALS.columns].index(key)) in after[row][errors_col]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal_rows())
def test_xlsx_store_keeps_person_cells_and_reports_every_bad_cell(generated):
    rows, bad = generated
    with TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        config = load_config(None, **{"store.path": str(path)})
        initialise(config)
        wb = load_workbook(path)
        for r, line in enumerate(grid_of(rows)[1:], start=2):
            for c, value in enumerate(line, start=1):
                if value is not None:
                    set_value(wb["Deals"].cell(r, c), value)
        wb.save(path)
        before = person_cells(XlsxStore(path).read().tabs["Deals"].rows)
        report = run_cycle(XlsxStore(path), config, TODAY)
        after = person_cells(XlsxStore(path).read().tabs["Deals"].rows)
        for was, now in zip(before, after, strict=False):
            assert now[1:] == was[1:]
            assert was[0] is None or now[0] == was[0]
        assert reported(report.analysis.problems) == bad
