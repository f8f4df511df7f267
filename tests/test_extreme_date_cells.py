"""An out-of-range date held as a date cell of a workbook (not typed as text) is said the same way as a
typed one: the date, the range both stores hold and the fix. 1899-12-30 is serial 0, which openpyxl reads
back as the time of day 00:00 (any other time of day is a time someone typed, not a date); 9999-12-31 reads back as a date-time at midnight (no time part to show)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sync.jobs.cycle import run_cycle
from tests.stores import StoreMaker
from tests.test_review import deal_cell, sheet

TODAY = date(2026, 11, 30)
SAID = {
    "en": "I2: '{day}' is outside the dates the sheet accepts (1950-01-01 to 2199-12-31); check the year",
    "ja": "I2: 「{day}」 は受け付ける日付の範囲(1950-01-01〜2199-12-31)の外です。年を確認してください",
}


@pytest.mark.parametrize("locale", ["en", "ja"])
@pytest.mark.parametrize(
    "cell, day",
    [
        (date(1899, 12, 30), "1899-12-30"),
        (datetime(1949, 12, 31, 12, 30), "1949-12-31 12:30"),
        (date(9999, 12, 31), "9999-12-31"),
        (date(1949, 12, 31), "1949-12-31"),
    ],
    ids=str,
)
def test_an_out_of_range_date_cell_of_a_workbook_names_the_date_and_the_range(tmp_path, cell, day, locale):
    deal = {"deal_id": "D-1", "deal_name": "Big", "owner": "Sato", "stage": "Proposal", "close_date": cell}
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(sheet(locale, deals=[deal]), locale=locale)
    run_cycle(store, config, TODAY)
    said = deal_cell(store, 1, "errors") or ""
    assert SAID[locale].format(day=day) in said, said
    assert "00:00:00" not in said
