"""Invariants of the Forecast tab's figures over random histories (Hypothesis): every figure possible."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.deal_history import DealHistory, Values
from reports.forecast import forecast_rows
from reports.funnel import funnel_rows
from rules.book import Book
from rules.history import ChangeEvent
from sheets_schema.models import Deal
from sheets_schema.stages import Pipeline

TODAY = date(2026, 11, 18)
STAGES = [s.key for s in Pipeline().stages]
days = st.integers(0, 200).map(lambda n: TODAY - timedelta(days=n))


@st.composite
def history(draw: st.DrawFn, number: int) -> DealHistory:
    created = draw(days)
    moves = sorted(draw(st.lists(st.tuples(days, st.sampled_from(STAGES)), max_size=6)))
    moves = [(d, s) for d, s in moves if d >= created]
    stages = [draw(st.sampled_from(STAGES)), *(s for _, s in moves)]
    events = tuple(
        ChangeEvent(d, f"D-{number}", "stage", old, new)
        for (d, new), old in zip(moves, stages, strict=False)
        if old != new
    )
    amount = draw(st.none() | st.integers(0, 10_000_000))
    close = draw(st.none() | st.integers(-60, 120).map(lambda n: TODAY + timedelta(days=n)))
    stage = str(events[-1].new) if events else stages[0]
    now = Values(stage, amount, close, draw(st.sampled_from(["A", "B", None])))
    closed_on = draw(st.none() | days)
    deal = Deal(deal_id=f"D-{number}", owner=now.owner)
    return DealHistory(f"d-{number}", deal, now, created, closed_on, events)


histories = st.integers(0, 12).flatmap(lambda n: st.tuples(*(history(i) for i in range(n))))


@settings(max_examples=30, deadline=None)
@given(histories, days, st.floats(0, 1))
def test_funnel_stays_add_up_and_no_day_count_is_negative(found, since, commit):
    rows = funnel_rows(list(found), TODAY, "en", Pipeline(), since, Counter())
    for _, entered, on, lost, back, still, median, p90, conversion in rows:
        assert entered == on + lost + back + still
        assert median is None or 0 <= median <= (p90 if p90 is not None else median)
        assert conversion is None or 0 <= conversion <= 100


@settings(max_examples=30, deadline=None)
@given(histories, st.floats(0, 1))
def test_commit_and_weighted_never_exceed_best_case(found, commit):
    rows, _ = forecast_rows(list(found), Book(), TODAY, "en", Pipeline(), commit, Counter())
    for _, _, won, committed, best, weighted, *_ in rows:
        assert 0 <= committed <= best
        assert 0 <= weighted <= round(best)
        assert won + weighted <= best + won
        assert won >= 0
