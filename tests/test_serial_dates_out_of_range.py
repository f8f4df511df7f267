"""A date cell outside the range both stores hold says so with the date, on Google too, where a date cell
reads as its serial number (found by the issue-14 try-out: "'2958465' is not a date")."""

from __future__ import annotations

import pytest

from sheets_schema.parsing import CellParseError, parse_date


@pytest.mark.parametrize(
    ("serial", "code", "shown"),
    [
        (2958465, "date_out_of_range", "9999-12-31"),  # 9999-12-31 typed into a date cell on Google
        (0, "date_out_of_range", "1899-12-30"),  # a spreadsheet's day zero
        (1, "date_out_of_range", "1899-12-31"),
        (109575, "date_out_of_range", "2200-01-01"),  # the day after the last accepted date
        (12, "not_date", "12"),  # a small number was typed as a number, not a date
        (-3, "not_date", "-3"),
        (2958466, "not_date", "2958466"),  # past 9999-12-31: no date at all
    ],
)
def test_a_serial_outside_the_range_names_the_date(serial, code, shown):
    with pytest.raises(CellParseError) as raised:
        parse_date(serial)
    assert raised.value.code == code
    assert shown in raised.value.message("en").render("en")
    assert shown in raised.value.message("ja").render("ja")
