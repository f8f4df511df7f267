"""The Call List's words, as a rep reads them: its reasons column is named as on Leads, and the line shown
while the score is hidden reads as one sentence (the try-out saw "The fit score is not shown (Not shown —
not enough history …)")."""

from __future__ import annotations

from sheets_schema.tabs import CALL_LIST
from tests.test_fit_score import _rows, _synced, history


def test_the_reasons_column_has_the_leads_tabs_name():
    rows = _rows(_synced(history(160, signal=True)), CALL_LIST.title("en"))
    assert rows[2][3] == "Fit reasons"


def test_the_hidden_score_line_is_one_sentence():
    rows = _rows(_synced(history(12, signal=True)), CALL_LIST.title("en"))
    line = rows[1][0]
    assert line.startswith("Fit score: Not shown — not enough history: 12 closed deals")
    assert line.endswith("Until it is shown, each caller's leads are listed longest waiting first")
    assert line.count("Not shown") == 1 and "not shown (" not in line
