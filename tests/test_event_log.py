"""The change log read back from `_sfa_events`: each value by its field's type, as either store returns it
(dates as dates, datetimes, serial numbers or text; amounts as numbers or text); rows a person spoiled are
left out, not read as a change."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rules.history import ChangeEvent
from sync.core.snapshot import TabData
from sync.engine.state.events import EVENT_COLUMNS, event_row, read_events

DAY = date(2026, 11, 12)
EVENTS = [
    ChangeEvent(DAY, "D-1", "stage", "proposal", "quotation"),
    ChangeEvent(DAY, "D-1", "amount", 1_500_000, 2_000_000),
    ChangeEvent(DAY, "D-1", "close_date", date(2026, 12, 1), None),
    ChangeEvent(DAY, "D-2", "owner", None, "Aoki"),
]


def test_what_event_row_writes_reads_back_the_same():
    tab = TabData("_sfa_events", [list(EVENT_COLUMNS), *(list(event_row(e)) for e in EVENTS)])
    assert read_events(tab) == EVENTS


@pytest.mark.parametrize(
    ("day", "old", "new"),
    [
        (datetime(2026, 11, 12), datetime(2026, 12, 1), "2026-12-05"),  # xlsx: dates read back as datetimes
        (46338, 46357, 46361),  # Google: serial numbers (SERIAL_NUMBER rendering)
        ("2026-11-12", "2026/12/01", "2026-12-05"),
    ],
)
def test_dates_in_any_form_a_store_returns(day, old, new):
    tab = TabData("_sfa_events", [list(EVENT_COLUMNS), [day, "D-1", "close_date", old, new]])
    assert read_events(tab) == [ChangeEvent(DAY, "D-1", "close_date", date(2026, 12, 1), date(2026, 12, 5))]


def test_rows_that_do_not_read_as_a_change_are_left_out():
    rows = [
        list(EVENT_COLUMNS),
        ["not a day", "D-1", "stage", "proposal", "won"],
        [DAY, "D-1", "colour", "red", "blue"],  # not a tracked field
        [DAY, "D-1", "amount", "lots", 100],  # the old amount unreadable: unknown, the change kept
        [None, None, None, None, None],
    ]
    assert read_events(TabData("_sfa_events", rows)) == [ChangeEvent(DAY, "D-1", "amount", None, 100)]
