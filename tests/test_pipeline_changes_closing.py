"""What changed: a deal closed in the window whose close date was set to the closing day is "Won" (or
"Lost"), not also "Close date pulled in" — the try-out counted 3 of 5 pulled-in deals that were just wins.
A close date pulled in on an open deal, or pushed when a deal closed late, still counts."""

from __future__ import annotations

from datetime import date

import pytest

from reports.deal_history import Values
from reports.pipeline_changes import _kinds
from sheets_schema.stages import Pipeline

PIPELINE = Pipeline()


@pytest.mark.parametrize(
    ("before", "now", "kinds"),
    [
        (Values("proposal", 100, date(2026, 12, 20)), Values("won", 100, date(2026, 11, 28)), ("won",)),
        (Values("negotiation", 100, date(2026, 12, 20)), Values("lost", 100, date(2026, 11, 27)), ("lost",)),
        (Values("proposal", 100, date(2026, 12, 20)), Values("proposal", 100, date(2026, 12, 1)), ("pulled_in",)),
        (Values("proposal", 100, date(2026, 11, 20)), Values("won", 100, date(2026, 11, 28)), ("won", "pushed")),
        (Values("proposal", 100, date(2026, 12, 20)), Values("quotation", 90, date(2026, 12, 10)),
         ("forward", "pulled_in", "amount_down")),
    ],
)  # fmt: skip
def test_closing_is_the_change_not_a_pulled_in_close_date(before, now, kinds):
    assert _kinds(before, now, PIPELINE) == kinds
