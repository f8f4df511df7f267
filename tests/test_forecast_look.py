"""Number formats a manager reads on the Forecast and Win-Loss tabs, found while looking at the demo in
LibreOffice: a count under a header that only mentions a percentage is a count, and the Forecast tab's
"what changed" table by owner gets its formats like every other table."""

from __future__ import annotations

import pytest

from reports.forecast_tab import forecast_report
from reports.pipeline_changes import say as say_ch
from reports.presentation import COUNT_FORMAT, RATE_FORMAT, present
from reports.table import Report
from sheets_schema.stages import Pipeline
from sync.core.config import ForecastConfig
from tests import forecast_history as history


def _format_at(report: Report, row: int, col: int) -> str | None:
    found = [
        f.number_format
        for f in report.look.formats
        if f.number_format and f.row <= row < f.end_row and f.col <= col < f.end_col
    ]
    return found[-1] if found else None


@pytest.mark.parametrize(
    ("header", "value", "wanted"),
    [
        ("上位25%", 3, COUNT_FORMAT),  # "the top 25%": owners, deals, days; not a rate
        ("Top 25%", 34, COUNT_FORMAT),
        ("受注率(%)", 44.1, RATE_FORMAT),
        ("Win rate (%)", 44.1, RATE_FORMAT),
        ("95% CI low (%)", 26.4, RATE_FORMAT),
        ("受注率(%・完了商談比)", 35.6, RATE_FORMAT),
    ],
)
def test_a_percentage_format_only_under_a_header_whose_unit_is_percent(header, value, wanted):
    report = Report((("Title",), ("Measure", header), ("Owners", value)), bold_rows=(0, 1))
    assert _format_at(present(report, "ja", "¥#,##0", ()), 2, 1) == wanted


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_changes_by_owner_show_counts_and_money_formatted(locale):
    report = forecast_report(
        history.book(),
        history.states(),
        history.events(),
        history.TODAY,
        locale,
        Pipeline(),
        ForecastConfig(),
        5,
    )
    shown = present(report, locale, "¥#,##0", ())
    heading = next(i for i, r in enumerate(shown.rows) if r and r[0] == say_ch("ch_by_owner", locale))
    first = heading + 2  # under the header
    assert isinstance(shown.rows[first][2], int) and shown.rows[first][3]
    assert _format_at(shown, first, 2) == COUNT_FORMAT
    assert _format_at(shown, first, 3) == "¥#,##0"
