"""Extreme dates settle: a date both stores can hold round-trips (the second cycle writes nothing, the
hidden history does not grow); a date outside what they can hold is a problem of its cell, said in the
cell's row with the accepted range."""

from __future__ import annotations

from datetime import date

import pytest

from sheets_schema.parsing import date_to_serial
from sheets_schema.tabs import DEALS, INPUT_TABS
from sync.jobs.cycle import run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker, values

TODAY = date(2026, 11, 30)


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def sheet(close_date) -> dict:
    deal = {
        "deal_id": "D-1",
        "deal_name": "Big",
        "owner": "Sato",
        "stage": "Proposal",
        "close_date": close_date,
    }
    rows = {"deals": [deal]}
    return {spec.en: tab(spec, *rows.get(spec.key, [])) for spec in INPUT_TABS}


def errors(store) -> str:
    grid = values(store, DEALS.en)
    col = [str(h) for h in grid[0]].index(DEALS.column("errors").en)
    return str(grid[1][col]) if col < len(grid[1]) and grid[1][col] else ""


def hidden_rows(store) -> int:
    snapshot = store.read()
    return sum(len(t.rows) for t in snapshot.tabs.values() if t.title.startswith("_sfa"))


OUT_OF_RANGE = [
    "1899-12-30",  # serial 0: read back from .xlsx as a time of day
    "1899/12/31",
    "1900-01-01",  # Excel's 1900 leap-year bug shifts the days before 1900-03-01
    "1949-12-31",
    "2200-01-01",
    "9999-12-31",  # Google's serial 2958465
    "0001-01-01",
    "10000-01-01",
    date(1899, 12, 30),  # typed as a date (memory; a date cell on xlsx and Google)
    date(9999, 12, 31),
]
IN_RANGE = [
    "1950-01-01",
    "2026-12-24",
    "2199-12-31",
    "2199/12/31 23:59",
    date(1950, 1, 1),
    date(2199, 12, 31),
]


@pytest.mark.parametrize("close_date", OUT_OF_RANGE + IN_RANGE, ids=str)
def test_a_close_date_settles_after_one_cycle(make, close_date):
    if make.kind == "google" and isinstance(close_date, date):
        close_date = date_to_serial(close_date)  # a date cell, as Google reads it back (SERIAL_NUMBER)
    store, config = make(sheet(close_date))
    run_cycle(store, config, TODAY)
    hidden = hidden_rows(store)
    second = run_cycle(store, config, TODAY)
    assert not second.wrote, second.analysis.changes
    assert hidden_rows(store) == hidden
    third = run_cycle(store, config, TODAY)
    assert not third.wrote


@pytest.mark.parametrize("close_date", ["1899-12-30", "1899/12/31", "9999-12-31", "2200-01-01"])
def test_a_date_outside_what_the_stores_hold_is_a_problem_of_its_cell(make, close_date):
    store, config = make(sheet(close_date))
    run_cycle(store, config, TODAY)
    said = errors(store)
    assert f"I2: '{close_date}' is outside the dates the sheet accepts (1950-01-01 to 2199-12-31)" in said


def test_the_range_is_said_in_japanese():
    from sheets_schema.parsing import CellParseError, parse_date

    with pytest.raises(CellParseError) as raised:
        parse_date("1899-12-30")
    said = raised.value.message("ja").render("ja")
    assert "1899-12-30" in said and "範囲(1950-01-01〜2199-12-31)の外" in said
