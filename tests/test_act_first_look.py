"""The "Act on these first" list is formatted like every table of the tab (found by the issue-15 try-out:
its amounts read 2930000 and its flags were cut, on both stores and in both languages)."""

from __future__ import annotations

import pytest

from reports.manager_review import REVIEW_LABELS
from tests.test_review_ranking import filler, review
from tests.test_tab_presentation import look_of


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_short_list_has_money_severity_and_a_bold_header(locale):
    report = look_of(review([("D-1", "Negotiation", 10_000_000, 4), *filler(10)], locale=locale), locale)
    rows = [list(r) for r in report.rows]
    header_row = next(i for i, r in enumerate(rows) if REVIEW_LABELS["value_at_risk"][locale == "ja"] in r)
    header = rows[header_row]
    first = header_row + 1
    assert rows[first][0] == "D-1"
    look = report.look
    for key in ("amount", "value_at_risk"):
        col = header.index(REVIEW_LABELS[key][locale == "ja"])
        assert look.cell(first, col).number_format == "¥#,##0", key
    severity = look.cell(first, header.index(REVIEW_LABELS["severity"][locale == "ja"])).number_format
    assert severity is not None and ("high" in severity or "高" in severity)
    assert look.cell(header_row, 0).bold
