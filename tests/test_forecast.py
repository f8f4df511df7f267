"""The Forecast tab's forecast, accuracy and calibration on a hand-made history (tests/forecast_history.py):
every figure against an independent pandas computation."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest

from reports.deal_history import deal_histories, history_since
from reports.forecast import accuracy_rows, calibration_rows, forecast_rows
from reports.stats import wilson
from sheets_schema.stages import Pipeline
from sync.core.config import Config
from sync.engine.analyse import read_book
from tests.forecast_history import (
    PROBABILITY,
    TEAM,
    TODAY,
    book,
    deals_frame,
    events,
    events_frame,
    states,
    value_at_start_of,
)
from tests.sheets import memory_store

COMMIT = 0.6  # quotation and negotiation are commit
PERIODS = [  # label start, first day, last day, months
    ("This month", date(2026, 11, 1), date(2026, 11, 30), 1),
    ("Next month", date(2026, 12, 1), date(2026, 12, 31), 1),
    ("Month after", date(2027, 1, 1), date(2027, 1, 31), 1),
    ("This quarter", date(2026, 10, 1), date(2026, 12, 31), 3),
]


def _histories():
    return deal_histories(book(), states(), events())


def _forecast(locale="en"):
    excluded: Counter[str] = Counter()
    rows, missing = forecast_rows(_histories(), book(), TODAY, locale, Pipeline(), COMMIT, excluded)
    return rows, missing, excluded


def _expected_forecast() -> pd.DataFrame:
    deals = deals_frame()
    deals["p"] = deals["stage"].map(PROBABILITY)
    targets = {m["name"]: m.get("target") for m in TEAM}
    lines = []
    for label, first, last, months in PERIODS:
        won = deals[(deals.stage == "won") & deals.closed.between(first, last) & deals.amount.notna()]
        open_ = deals[deals.p.notna() & deals.amount.notna() & deals.close.notna()]
        open_ = open_[open_.close.between(first, last)]
        by_owner = pd.DataFrame(
            {
                "won": won.groupby("owner")["amount"].sum(),
                "commit": open_[open_.p >= COMMIT].groupby("owner")["amount"].sum(),
                "best": open_.groupby("owner")["amount"].sum(),
                "weighted": (open_.amount * open_.p).groupby(open_.owner).sum(),
            }
        )
        owners = sorted(set(deals.owner) | {n for n, t in targets.items() if t})
        by_owner = by_owner.reindex(owners).fillna(0)
        shown = [o for o in owners if targets.get(o) or by_owner.loc[o].sum() != 0 or _any_period(deals, o)]
        for owner in shown:
            target = targets.get(owner)
            lines.append((label, owner, *by_owner.loc[owner], target * months if target else None))
        lines.append(
            (label, "Total", *by_owner.loc[shown].sum(), None)
        )  # Chen has no target: no total target
    return pd.DataFrame(lines, columns=["period", "owner", "won", "commit", "best", "weighted", "target"])


def _any_period(deals: pd.DataFrame, owner: str) -> bool:
    """Has the owner a figure in any of the periods (the table shows only such owners, and those with targets)."""
    mine = deals[deals.owner == owner]
    for _, first, last, _ in PERIODS:
        won = (mine.stage == "won") & mine.closed.between(first, last) & mine.amount.notna()
        open_ = mine.stage.map(PROBABILITY).notna() & mine.amount.notna() & mine.close.between(first, last)
        if won.any() or open_.any():
            return True
    return False


def test_every_forecast_figure_against_pandas():
    rows, _, _ = _forecast()
    expected = _expected_forecast()
    assert len(rows) == len(expected)
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        period, owner, won, commit, best, weighted, target, attainment, gap = row
        assert str(period).startswith(want.period)
        assert owner == want.owner
        assert (won, commit, best) == (want.won, want.commit, want.best)
        assert weighted == round(want.weighted)
        if want.target is None or pd.isna(want.target):
            assert (target, attainment, gap) == (None, None, None)
        else:
            assert target == want.target
            assert attainment == round(100 * want.won / want.target, 1)
            assert gap == max(want.target - want.won, 0)


def test_the_shape_of_the_forecast_owners_targets_and_exclusions():
    rows, missing, excluded = _forecast()
    this_month = {r[1]: r for r in rows if str(r[0]).startswith("This month")}
    assert list(this_month) == ["(blank)", "Aoki", "Baba", "Chen", "Total"]  # Dana: no deals, no target
    assert this_month["Aoki"][2:6] == (800_000, 1_000_000, 1_000_000, 800_000)  # D-3 won; D-1 commit
    assert this_month["Baba"][2:6] == (0, 0, 700_000, 280_000)  # D-6 reopened: open again, not won
    assert this_month["Aoki"][6:] == (1_000_000, 80.0, 200_000)
    assert missing == ["Chen"]  # (blank): the deals without an owner, not a person
    assert excluded == Counter({"x_open_no_amount": 1, "x_open_no_close_date": 1})  # D-10 is in the quarter


def test_periods_are_labelled_in_japanese():
    rows, _, _ = _forecast("ja")
    assert rows[0][0] == "今月(2026-11)"
    assert rows[-1][0] == "今四半期(2026-10〜2026-12)"
    assert rows[-1][1] == "合計"


MONTHS = 4  # July to October 2026: July and August before the history began, September without data


def test_accuracy_against_pandas():
    deals, log = deals_frame(), events_frame()
    since = log.day.min()
    rows = accuracy_rows(_histories(), TODAY, "en", Pipeline(), MONTHS, history_since(events()))
    assert [r[0] for r in rows] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    for row in rows:
        first = date.fromisoformat(f"{row[0]}-01")
        last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
        if first < since:
            assert row[1:5] == (None, None, None, None)
            assert "began watching on 2026-08-20" in str(row[5])
            continue
        then = pd.DataFrame(
            {f: value_at_start_of(first, deals, log, f) for f in ("stage", "amount", "close_date")}
        )
        then = then[deals.set_index("deal").created < first]
        then["p"] = then.stage.map(PROBABILITY)
        open_ = then[then.p.notna() & then.amount.notna() & then.close_date.notna()]
        open_ = open_[open_.close_date.between(first, last)]
        won = deals[(deals.stage == "won") & deals.closed.between(first, last)].amount.sum()
        weighted = round((open_.amount * open_.p).sum())
        assert row[1:5] == (
            weighted,
            open_.amount.sum(),
            won,
            round(100 * won / weighted, 1) if weighted else None,
        )
    assert rows[2][1:5] == (0, 0, 0, None)  # September: nothing forecast, nothing won
    assert rows[3][1:4] == (790_000, 1_550_000, 300_000)


def test_accuracy_without_any_history_says_so():
    rows = accuracy_rows(deal_histories(book(), states(), []), TODAY, "ja", Pipeline(), 2, None)
    no_history = (None, None, None, None, "変更履歴はまだありません")
    assert rows == [("2026-09", *no_history), ("2026-10", *no_history)]


@pytest.mark.parametrize("minimum", [1, 2, 3])
def test_calibration_against_pandas(minimum):
    deals, log = deals_frame(), events_frame()
    stages = log[log.field == "stage"]
    seen = pd.concat(
        [
            stages[["deal", "old"]].rename(columns={"old": "stage"}),
            stages[["deal", "new"]].rename(columns={"new": "stage"}),
            deals[["deal", "stage"]],
        ]
    ).drop_duplicates()
    closed = deals[deals.stage.isin(["won", "lost"])].set_index("deal").stage
    seen = seen[seen.deal.isin(closed.index)]
    seen["won"] = seen.deal.map(closed) == "won"
    rows = calibration_rows(_histories(), "en", Pipeline(), minimum, history_since(events()))
    assert [r[0] for r in rows] == ["Appointment", "First visit", "Proposal", "Quotation", "Negotiation"]
    for row, key in zip(rows, PROBABILITY, strict=True):
        mine = seen[seen.stage == key]
        n, won = len(mine), int(mine.won.sum())
        assert row[1:4] == (100 * PROBABILITY[key], n, won)
        if n < minimum:
            assert row[4:7] == (None, None, None)
            assert row[7] == f"too few to judge: {n} closed, at least {minimum} needed"
        else:
            low, high = wilson(won, n)
            assert row[4:] == (round(100 * won / n, 1), round(100 * low, 1), round(100 * high, 1), "")


def test_a_person_who_left_keeps_their_target_for_their_deals_but_is_not_shown_for_it_alone():
    team = [{"name": "Eto", "active": False, "target": 500}, {"name": "Fuji", "active": False, "target": 700}]
    deal = {"deal_id": "D-1", "deal_name": "X", "owner": "eto", "stage": "proposal", "amount": 100}
    parsed = read_book(
        memory_store(deals=[{**deal, "close_date": "2026-11-20"}], team=team).read(), Config()
    ).book
    histories = deal_histories(parsed, {}, [])
    rows, missing = forecast_rows(histories, parsed, TODAY, "en", Pipeline(), COMMIT, Counter())
    assert [r[1:] for r in rows[:2]] == [
        ("eto", 0, 0, 100, 40, 500, 0.0, 500),
        ("Total", 0, 0, 100, 40, 500, 0.0, 500),
    ]
    assert missing == []
