"""Restoring a date into a workbook gives its cell the date format the workbook uses for that column (or
yyyy-mm-dd), not a date-time format: the backup of an .xlsx holds its dates as date-times at midnight."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from sheets_schema.tabs import DEALS
from sync.engine.restore import plan_restore
from tests.stores import StoreMaker
from tests.test_restore_matching import backup_of, deal, sheet

CLOSE = [c.key for c in DEALS.columns].index("close_date") + 1


def with_close_dates(*days: date) -> dict:
    return sheet(*(deal(f"D-00000{i}", f"Deal {i}") | {"close_date": d} for i, d in enumerate(days, start=1)))


def close_date_cells(path):
    deals = load_workbook(path)["Deals"]
    return [
        (deals.cell(r, CLOSE).value, deals.cell(r, CLOSE).number_format) for r in range(2, deals.max_row + 1)
    ]


@pytest.mark.parametrize("column_format", ["yyyy-mm-dd", "yyyy/mm/dd", "m/d/yyyy"])
def test_a_restored_date_keeps_the_date_format_of_its_column(tmp_path, column_format):
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(
        with_close_dates(date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3))
    )
    workbook = load_workbook(store.path)
    for r in range(2, 5):
        workbook["Deals"].cell(r, CLOSE).number_format = column_format  # the team's own date format
    workbook.save(store.path)
    saved, config = backup_of(store, config, tmp_path / "saved")
    workbook = load_workbook(store.path)
    workbook["Deals"].cell(2, CLOSE).value = None  # a person clears a close date (its format stays)
    workbook["Deals"].delete_rows(3)  # and deletes the second deal
    workbook.save(store.path)
    plan = plan_restore(saved, store.read(), config, "Deals")
    store.write(plan.changes)
    assert close_date_cells(store.path) == [
        (datetime(2026, 12, 1), column_format),  # written back into its cell
        (datetime(2026, 12, 3), column_format),
        (datetime(2026, 12, 2), column_format),  # the deleted row, appended below
    ]


def test_a_restored_date_without_a_format_to_follow_is_a_plain_date(tmp_path):
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(with_close_dates(date(2026, 12, 1)))
    saved, config = backup_of(store, config, tmp_path / "saved")
    workbook = load_workbook(store.path)
    workbook["Deals"].delete_rows(2)
    workbook.save(store.path)
    store.write(plan_restore(saved, store.read(), config, "Deals").changes)
    assert close_date_cells(store.path) == [(datetime(2026, 12, 1), "yyyy-mm-dd")]
