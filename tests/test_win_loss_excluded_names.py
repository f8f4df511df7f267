"""Win-Loss's "Excluded from the figures" names the deals it left out, so that a person can find and fix
them (a count alone — "closed before created 1" — leaves 8,800 imported deals to search by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.test_win_loss_truths import BEFORE_CREATED, build, deal, facts_of, section

IDS = [f"D-{n}" for n in range(1, 9)]


@pytest.mark.parametrize(
    "before, named",
    [
        (["D-2"], "D-2"),
        (IDS[:5], "D-1, D-2, D-3, D-4, D-5"),
        (IDS, "D-1, D-2, D-3, D-4, D-5 … and 3 more"),
    ],
)
def test_the_deals_closed_before_they_were_created_are_named(before, named):
    deals = [deal(d, "Won", amount=1000) for d in IDS]
    facts = facts_of(
        [
            (d, date(2026, 11, 10), date(2026, 11, 1) if d in before else date(2026, 11, 20), "negotiation")
            for d in IDS
        ]
    )
    table = section(build(deals, facts), "Excluded from the figures")
    assert list(table.columns) == ["Reason", "Count", "Deals"]
    row = table[table["Reason"] == BEFORE_CREATED["en"]].iloc[0]
    assert (row["Count"], row["Deals"]) == (len(before), named)


def test_japanese_names_them_too_and_a_deal_without_an_id_by_its_row():
    deals = [deal("D-1", "Won", amount=1000), {**deal(None, "Lost"), "deal_name": "x"}]
    facts = facts_of([("D-1", date(2026, 11, 10), date(2026, 11, 1), "negotiation")])
    table = section(build(deals, facts, "ja"), "集計から除外したもの")
    named = dict(zip(table.iloc[:, 0], table.iloc[:, 2], strict=True))
    assert named[BEFORE_CREATED["ja"]] == "D-1"
    assert "3 行目" in named["完了日も完了予定日もない完了商談"]
