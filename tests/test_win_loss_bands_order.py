"""Win-Loss's deal-size (and company-size) rows go in band order, smallest first, whatever the counts:
"under $530", "$530-3.6K", "$3.6K-5.7K", "$5.7K+" — not the largest count first."""

from __future__ import annotations

from datetime import date

import pytest

from sync.core.config import ReportsConfig
from tests.test_win_loss_truths import build, deal, facts_of, section

# counts per band: the largest band has the most deals, the smallest band the fewest
AMOUNTS = [500_000] + [2_000_000] * 2 + [7_000_000] * 3 + [20_000_000] * 4


def deals_of(amounts):
    ids = [f"D-{n}" for n in range(1, len(amounts) + 1)]
    deals = [
        deal(d, "Won" if n % 2 else "Lost", amount=a)
        for n, (d, a) in enumerate(zip(ids, amounts, strict=True))
    ]
    facts = facts_of([(d, date(2026, 9, 1), date(2026, 10, 1), "proposal") for d in ids])
    return deals, facts


def rows_of(table, segment):
    return list(table[table.iloc[:, 0] == segment].iloc[:, 1])


@pytest.mark.parametrize(
    "locale, reports, segment, order",
    [
        ("en", None, "Deal size", ["under ¥1M", "¥1M-5M", "¥5M-10M", "¥10M+"]),
        ("ja", None, "商談規模", ["100万円未満", "100万〜500万円", "500万〜1,000万円", "1,000万円以上"]),
        (
            "en",
            ReportsConfig(min_segment=1, currency="USD", deal_size_bands=(1_000_000, 5_000_000, 10_000_000)),
            "Deal size",
            ["under $1M", "$1M-5M", "$5M-10M", "$10M+"],
        ),
    ],
)
def test_deal_size_rows_go_smallest_band_first(locale, reports, segment, order):
    deals, facts = deals_of(AMOUNTS)
    title = "By segment (last 12 months)" if locale == "en" else "セグメント別(直近 12 か月)"
    table = section(build(deals, facts, locale, reports=reports), title)
    assert rows_of(table, segment) == order


def test_an_unknown_amount_comes_after_the_bands():
    deals, facts = deals_of([*AMOUNTS, None, None, None, None, None])
    table = section(build(deals, facts), "By segment (last 12 months)")
    assert rows_of(table, "Deal size") == ["under ¥1M", "¥1M-5M", "¥5M-10M", "¥10M+", "(unknown)"]
