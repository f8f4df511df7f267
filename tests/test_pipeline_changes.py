"""What changed in the last 7 days, and the funnel, on the hand-made history (tests/forecast_history.py):
every figure against an independent pandas computation."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pandas as pd

from reports.deal_history import deal_histories, history_since
from reports.funnel import funnel_rows
from reports.pipeline_changes import deal_changes, deal_rows, owner_rows
from sheets_schema.stages import Pipeline
from tests.forecast_history import (
    ORDER,
    TODAY,
    book,
    deals_frame,
    events,
    events_frame,
    states,
    value_at_start_of,
)

DAYS = 7
FIRST = TODAY - timedelta(days=DAYS - 1)  # 2026-11-12


def _histories():
    return deal_histories(book(), states(), events())


def _expected_kinds() -> dict[str, list[str]]:
    deals, log = deals_frame().set_index("deal"), events_frame()
    before = pd.DataFrame(
        {f: value_at_start_of(FIRST, deals.reset_index(), log, f) for f in ("stage", "amount", "close_date")}
    )
    touched = set(log[log.day.between(FIRST, TODAY)].deal) | set(
        deals.index[deals.created.between(FIRST, TODAY)]
    )
    found = {}
    for deal in sorted(touched):
        now, was = deals.loc[deal], before.loc[deal]
        kinds = []
        created = FIRST <= now.created <= TODAY
        if created:
            kinds.append("Created")
        if now.stage in ("won", "lost") and (created or was.stage != now.stage):
            kinds.append("Won" if now.stage == "won" else "Lost")
        elif not created and was.stage != now.stage:
            if was.stage in ("won", "lost"):
                kinds.append("Reopened")
            else:
                kinds.append(
                    "Moved forward" if ORDER.index(now.stage) > ORDER.index(was.stage) else "Moved back"
                )
        if not created and pd.notna(was.close_date) and pd.notna(now.close) and was.close_date != now.close:
            kinds.append("Close date pushed" if now.close > was.close_date else "Close date pulled in")
        if not created and pd.notna(was.amount) and pd.notna(now.amount) and was.amount != now.amount:
            kinds.append("Amount up" if now.amount > was.amount else "Amount down")
        if kinds:
            found[deal] = kinds
    return found


def test_each_changed_deal_is_listed_before_and_after():
    rows = deal_rows(deal_changes(_histories(), TODAY, DAYS, Pipeline()), "en", Pipeline())
    expected = _expected_kinds()
    assert {r[0]: r[3].split(", ") for r in rows} == expected
    by_id = {r[0]: r for r in rows}
    assert by_id["D-1"][4:] == (
        "Quotation",
        "Negotiation",
        1_000_000,
        1_000_000,
        date(2026, 11, 10),
        date(2026, 11, 25),
        2,
    )
    assert by_id["D-2"][4:8] == ("Quotation", "Proposal", 600_000, 500_000)
    assert by_id["D-6"][4:6] == ("Won", "Proposal")  # won on 11-02, reopened in the window
    assert by_id["D-11"][4:] == (None, "First visit", None, 600_000, None, date(2026, 12, 20), 0)
    assert "D-5" not in by_id  # its change was before the window
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)  # by owner


def test_counts_and_amounts_per_owner_against_pandas():
    rows = owner_rows(deal_changes(_histories(), TODAY, DAYS, Pipeline()), "en")
    deals = deals_frame().set_index("deal")
    log = events_frame()
    amount_before = value_at_start_of(FIRST, deals.reset_index(), log, "amount")
    flat = pd.DataFrame(
        [(deal, kind) for deal, kinds in _expected_kinds().items() for kind in kinds],
        columns=["deal", "kind"],
    )
    flat["owner"] = flat.deal.map(deals.owner)
    change = (deals.amount - amount_before.astype(float)).abs()
    flat["amount"] = [
        change[d]
        if k in ("Amount up", "Amount down")
        else (deals.amount[d] if pd.notna(deals.amount[d]) else 0)
        for d, k in zip(flat.deal, flat.kind, strict=True)
    ]
    grouped = (
        pd.concat([flat, flat.assign(owner="~Total")])
        .groupby(["owner", "kind"])
        .agg(deals=("deal", "size"), amount=("amount", "sum"))
    )
    got = {(("~Total" if o == "Total" else o), k): (n, a) for o, k, n, a in rows}
    assert got == {key: (int(v.deals), v.amount) for key, v in grouped.iterrows()}


def test_a_week_without_changes_lists_nothing():
    later = TODAY + timedelta(days=30)
    assert deal_changes(_histories(), later, DAYS, Pipeline()) == []


def _spells_frame() -> pd.DataFrame:
    """Every stay in a stage, from the log: the first from creation (if watched) or unknown, then one per
    stage change."""
    deals, log = deals_frame().set_index("deal"), events_frame()
    since = log.day.min()
    stages = log[log.field == "stage"].sort_values("day", kind="stable")
    lines = []
    for deal, now in deals.iterrows():
        mine = stages[stages.deal == deal]
        first_stage = mine.old.iloc[0] if len(mine) else now.stage
        starts = [now.created if now.created >= since else None, *mine.day]
        names = [first_stage, *mine.new]
        ends = [*mine.day, None]
        nexts = [*mine.new, None]
        lines += list(zip([deal] * len(names), names, starts, ends, nexts, strict=True))
    return pd.DataFrame(lines, columns=["deal", "stage", "start", "end", "next"])


def test_funnel_against_pandas():
    excluded: Counter[str] = Counter()
    rows = funnel_rows(_histories(), TODAY, "en", Pipeline(), history_since(events()), excluded)
    spells = _spells_frame()
    spells = spells[~spells.stage.isin(["won", "lost"])]
    for row, key in zip(rows, ORDER[:5], strict=True):
        mine = spells[spells.stage == key]
        ended = mine[mine.end.notna()]
        forward = ended.next.map(
            lambda n, k=key: n == "won" or (n != "lost" and ORDER.index(n) > ORDER.index(k))
        )
        lost = (ended.next == "lost").sum()
        days = pd.Series(
            [(e - s).days for s, e in zip(ended.start, ended.end, strict=True) if s is not None], dtype=float
        )
        on = int(forward.sum())
        assert row[1:6] == (len(mine), on, lost, len(ended) - on - lost, int(mine.end.isna().sum()))
        assert row[6] == (round(days.median(), 1) if len(days) else None)
        assert row[7] == (round(days.quantile(0.9), 1) if len(days) else None)
        assert row[8] == (round(100 * on / len(ended), 1) if len(ended) else None)
    assert rows[3][4] == 1  # Quotation: D-2 moved back from it to Proposal
    assert excluded["x_unknown_start"] > 0
