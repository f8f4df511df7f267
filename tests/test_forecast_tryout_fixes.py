"""Fixes from the independent tryout of the Forecast tab on the demo (issue 19): each against pandas over
the hand-made history of tests/forecast_history.py."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import tests.forecast_history as hand_made
from reports.deal_history import deal_histories, history_since
from reports.forecast import accuracy_rows, say
from sheets_schema.stages import Pipeline
from tests.forecast_history import (
    PROBABILITY,
    TODAY,
    book,
    deals_frame,
    events,
    events_frame,
    value_at_start_of,
)
from tests.forecast_history import states as remembered

MONTHS = 5
D = date.fromisoformat
# won in October but not in its month-start forecast: the close date had passed on Oct 1; created later
OUTSIDE_DEALS = [
    ("D-13", "Aoki", "won", 1_200_000, D("2026-09-25"), D("2026-08-25"), D("2026-10-12")),
    ("D-14", "Baba", "won", 450_000, D("2026-10-25"), D("2026-10-05"), D("2026-10-25")),
]
OUTSIDE_EVENTS = [
    (D("2026-10-12"), "D-13", "stage", "quotation", "won"),
    (D("2026-10-25"), "D-14", "stage", "proposal", "won"),
]


@pytest.fixture
def outside(monkeypatch):
    monkeypatch.setattr(hand_made, "DEALS", [*hand_made.DEALS, *OUTSIDE_DEALS])
    monkeypatch.setattr(hand_made, "EVENTS", [*hand_made.EVENTS, *OUTSIDE_EVENTS])


LATER = date(2026, 12, 18)  # November is a past month: D-3 won in it


def _outside_forecast(first: date) -> tuple[int, float]:
    """(deals, amount) won in the month starting `first` that were not in that month's start forecast:
    not open then with an amount and a close date in the month (close date passed, or created later)."""
    deals, log = deals_frame(), events_frame()
    last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
    then = pd.DataFrame(
        {f: value_at_start_of(first, deals, log, f) for f in ("stage", "amount", "close_date")}
    )
    existed = deals.set_index("deal").created < first
    then["p"] = then.stage.map(PROBABILITY)
    in_forecast = (
        existed
        & then.p.notna()
        & then.amount.notna()
        & then.close_date.notna()
        & then.close_date.between(first, last)
    )
    won = deals[(deals.stage == "won") & deals.closed.between(first, last)].set_index("deal")
    outside = won[~in_forecast.reindex(won.index, fill_value=False)]
    return len(outside), outside.amount.sum()


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_accuracy_note_says_how_much_won_came_from_deals_not_in_the_start_forecast(locale, outside):
    rows = accuracy_rows(
        deal_histories(book(), remembered(), events()),
        LATER,
        locale,
        Pipeline(),
        MONTHS,
        history_since(events()),
    )
    checked = 0
    for row in rows:
        if row[1] is None:
            continue
        first = date.fromisoformat(f"{row[0]}-01")
        n, amount = _outside_forecast(first)
        if n:
            checked += 1
            assert row[5] == say("x_outside_forecast", locale, amount=f"¥{amount:,.0f}", n=n)
        else:
            assert row[5] == ""
    assert checked, "the hand-made history has a month with won deals outside its start forecast"
    october = next(r for r in rows if r[0] == "2026-10")
    assert _outside_forecast(D("2026-10-01")) == (2, 1_650_000)
    assert "1,650,000" in october[5] and "2" in october[5]


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_accuracy_measure_is_explained_in_words(locale):
    assert "month-start forecast" in say("fc_accuracy_explained", "en")
    assert say("fc_accuracy_explained", locale)


def test_a_deal_won_and_reopened_within_the_window_is_listed_as_reopened():
    from reports.pipeline_changes import deal_changes

    # D-6: proposal, won on 2026-11-02, reopened to proposal on 2026-11-14; the window from 2026-10-30
    changes = deal_changes(deal_histories(book(), remembered(), events()), TODAY, 20, Pipeline())
    d6 = [c for c in changes if c.history.key == "d-6"]
    assert [c.kinds for c in d6] == [("reopened",)]
