"""A hand-made deal history for the Forecast tab's tests: deals as they are now, what the service
remembers about them, and the change log; and the same as pandas frames, for independent computations.

Edges in it: D-1's close date pushed twice in the window and moved forward; D-2 moved back and its amount
down; D-6 won and reopened; D-7 lost; D-8 without an amount; D-9 without a close date; D-10 overdue this month (but in
the quarter) and without an owner; D-11 created in the window; Chen has no Monthly target; September has no data at all,
July and August are before the history began.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from rules.book import Book
from rules.facts import DealFacts
from rules.history import ChangeEvent, DealState, TrackedValue
from sync.core.config import Config
from sync.engine.analyse import read_book
from tests.sheets import memory_store

TODAY = date(2026, 11, 18)
D = date.fromisoformat

# deal id, owner, stage now, amount, close date, created on, closed on
DEALS = [
    ("D-1", "Aoki", "negotiation", 1_000_000, D("2026-11-25"), D("2026-08-01"), None),
    ("D-2", "Aoki", "proposal", 500_000, D("2026-12-10"), D("2026-09-01"), None),
    ("D-3", "Aoki", "won", 800_000, D("2026-11-05"), D("2026-09-20"), D("2026-11-06")),
    ("D-4", "Baba", "quotation", 2_000_000, D("2027-01-15"), D("2026-10-10"), None),
    ("D-5", "Baba", "won", 300_000, D("2026-10-20"), D("2026-07-01"), D("2026-10-20")),
    ("D-6", "Baba", "proposal", 700_000, D("2026-11-28"), D("2026-10-01"), None),
    ("D-7", "Chen", "lost", 400_000, D("2026-11-16"), D("2026-08-10"), D("2026-11-16")),
    ("D-8", "Chen", "first_visit", None, D("2026-12-01"), D("2026-11-01"), None),
    ("D-9", "Chen", "appointment", 100_000, None, D("2026-11-03"), None),
    ("D-10", None, "quotation", 250_000, D("2026-10-15"), D("2026-09-15"), None),
    ("D-12", "Chen", "proposal", 300_000, D("2026-12-05"), D("2026-10-20"), None),
    ("D-11", "Aoki", "first_visit", 600_000, D("2026-12-20"), D("2026-11-15"), None),
]
# observed on, deal id, field, old, new
EVENTS: list[tuple[date, str, str, TrackedValue, TrackedValue]] = [
    (D("2026-08-20"), "D-1", "stage", "appointment", "first_visit"),
    (D("2026-09-10"), "D-1", "stage", "first_visit", "proposal"),
    (D("2026-10-05"), "D-1", "stage", "proposal", "quotation"),
    (D("2026-10-05"), "D-1", "close_date", D("2026-10-25"), D("2026-11-10")),
    (D("2026-11-13"), "D-1", "stage", "quotation", "negotiation"),
    (D("2026-11-13"), "D-1", "close_date", D("2026-11-10"), D("2026-11-20")),
    (D("2026-11-17"), "D-1", "close_date", D("2026-11-20"), D("2026-11-25")),
    (D("2026-10-10"), "D-2", "stage", "proposal", "quotation"),
    (D("2026-11-16"), "D-2", "stage", "quotation", "proposal"),
    (D("2026-11-16"), "D-2", "amount", 600_000, 500_000),
    (D("2026-11-06"), "D-3", "stage", "negotiation", "won"),
    (D("2026-11-12"), "D-4", "amount", 1_500_000, 2_000_000),
    (D("2026-11-12"), "D-4", "close_date", D("2027-02-01"), D("2027-01-15")),
    (D("2026-10-20"), "D-5", "stage", "negotiation", "won"),
    (D("2026-11-02"), "D-6", "stage", "proposal", "won"),
    (D("2026-11-14"), "D-6", "stage", "won", "proposal"),
    (D("2026-11-16"), "D-7", "stage", "quotation", "lost"),
    (D("2026-11-16"), "D-11", "stage", "appointment", "first_visit"),
]
TEAM: list[dict[str, Any]] = [
    {"name": "Aoki", "role": "rep", "target": 1_000_000},
    {"name": "Baba", "role": "rep", "target": 1_500_000},
    {"name": "Chen", "role": "rep"},
    {"name": "Dana", "role": "manager"},
]


def book() -> Book:
    rows = [
        {
            "deal_id": i,
            "deal_name": f"Deal {i}",
            "owner": owner,
            "stage": stage,
            "amount": amount,
            "close_date": close,
        }
        for i, owner, stage, amount, close, _, _ in DEALS
    ]
    return read_book(memory_store(deals=rows, team=TEAM).read(), Config()).book


def states() -> dict[str, DealState]:
    return {
        i.lower(): DealState(
            i, stage, amount, close, owner, DealFacts(i, created_on=created, closed_on=closed)
        )
        for i, owner, stage, amount, close, created, closed in DEALS
    }


def events() -> list[ChangeEvent]:
    return [ChangeEvent(*e) for e in EVENTS]


def deals_frame() -> pd.DataFrame:
    frame = pd.DataFrame(DEALS, columns=["deal", "owner", "stage", "amount", "close", "created", "closed"])
    frame["owner"] = frame["owner"].fillna("(blank)")
    return frame


def events_frame() -> pd.DataFrame:
    return pd.DataFrame(EVENTS, columns=["day", "deal", "field", "old", "new"])


PROBABILITY = {"appointment": 0.1, "first_visit": 0.2, "proposal": 0.4, "quotation": 0.6, "negotiation": 0.8}
ORDER = ["appointment", "first_visit", "proposal", "quotation", "negotiation", "won", "lost"]


def value_at_start_of(day: date, frame: pd.DataFrame, log: pd.DataFrame, field: str) -> pd.Series:
    """Each deal's `field` as the day began: the old value of its first change seen on or after the day,
    else its value now (another way round than undoing changes one by one)."""
    column = {"stage": "stage", "amount": "amount", "close_date": "close", "owner": "owner"}[field]
    later = log[(log["field"] == field) & (log["day"] >= day)].sort_values("day", kind="stable")
    first_old = later.groupby("deal")["old"].first()
    return (
        frame.set_index("deal")[column]
        .astype(object)
        .where(~frame.set_index("deal").index.isin(first_old.index), first_old)
    )
