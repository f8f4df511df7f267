"""The Manager Review's "act on these first" list: with more than 10 flagged deals, the tab starts with the
5 of them with the most value at risk (amount × stage probability × severity / 5), then the full list as
before. Small books and hand-made health in, the short list's rows out; the short list never has a
Decision or Manager note cell (a deal's Decision lives in one place, the full list, carried by deal id)."""

from __future__ import annotations

from datetime import date

import pytest

from reports.manager_review import (
    REVIEW_LABELS,
    Decision,
    find_deal_table,
    manager_review_report,
    read_decisions,
)
from rules.flags import DealHealth, Flag
from sheets_schema.tabs import DEALS, MANAGER_REVIEW
from sync.core.config import Config
from sync.engine.analyse import read_book
from sync.jobs.cycle import run_cycle
from tests.sheets import memory_store
from tests.stores import StoreMaker, values
from tests.test_review import set_cell, sheet

TODAY = date(2026, 11, 30)
PIPELINE = Config().pipeline.to_pipeline()
SEVERITY_CODE = {4: "owner_empty", 2: "no_next_task"}  # flags without parameters, by their severity


def review(deals, locale="en", decisions=None, limit=None):
    """deals: (deal id, stage, amount, severity) rows; every deal is flagged with that severity."""
    rows = [
        {
            "deal_id": d,
            "deal_name": f"Deal {d}",
            "company": "Co",
            "owner": "Sato",
            "stage": stage,
            "amount": amount,
        }
        for d, stage, amount, _ in deals
    ]
    book = read_book(memory_store(locale, deals=rows).read(), Config(locale=locale)).book
    severity = {d: s for d, _, _, s in deals}
    health = {
        row.index: DealHealth((Flag(SEVERITY_CODE[severity[row.model.deal_id]]),), 3, 3)
        for row in book.rows("deals")
    }
    return manager_review_report(book, health, decisions or {}, PIPELINE, TODAY, locale, limit).report


def short_list(report, locale="en"):
    """(deal id, value at risk) of the short list, in order; None when the tab has none."""
    rows = [list(r) for r in report.rows]
    header = REVIEW_LABELS["value_at_risk"][locale == "ja"]
    found = [i for i, r in enumerate(rows) if header in r]
    if not found:
        return None
    (at,) = found
    risk = rows[at].index(header)
    out = []
    for row in rows[at + 1 :]:
        if len(row) <= 1:  # the rule line under the list, or the blank row
            break
        out.append((row[0], row[risk]))
    return out


def filler(n, start=100):
    """`n` small flagged deals (value at risk 0.1 × 1000 × 2/5 = 40 each) to pass the threshold."""
    return [(f"F-{start + i}", "Appointment", 1000, 2) for i in range(n)]


@pytest.mark.parametrize(
    ("deals", "expected"),
    [
        pytest.param(
            [
                ("D-1", "Negotiation", 10_000_000, 2),  # 10M × 0.8 × 2/5 = 3.2M
                ("D-2", "Appointment", 50_000_000, 4),  # 50M × 0.1 × 4/5 = 4M: the largest amount, early
                ("D-3", "Quotation", 5_000_000, 4),  # 5M × 0.6 × 4/5 = 2.4M
                ("D-4", "Proposal", 1_000_000, 4),  # 1M × 0.4 × 4/5 = 320k
                ("D-5", "First visit", 2_000_000, 2),  # 2M × 0.2 × 2/5 = 160k
                *filler(7),
            ],
            [("D-2", 4_000_000), ("D-1", 3_200_000), ("D-3", 2_400_000), ("D-4", 320_000), ("D-5", 160_000)],
            id="ranked by value at risk, not by severity alone",
        ),
        pytest.param(
            [
                ("T-b", "Proposal", 2_000_000, 2),  # 320k, severity 2, larger amount
                ("T-a", "Negotiation", 1_000_000, 2),  # 320k, severity 2
                ("T-c", "Proposal", 1_000_000, 4),  # 320k, severity 4: first among equals
                ("T-d", "Negotiation", 1_000_000, 2),  # 320k: same as T-a, the deal id decides
                *filler(8),
            ],
            [("T-c", 320_000), ("T-b", 320_000), ("T-a", 320_000), ("T-d", 320_000), ("F-100", 40)],
            id="ties by severity, then amount, then deal id",
        ),
        pytest.param(
            [
                ("N-1", "Negotiation", None, 4),  # no amount: nothing to rank by
                ("N-2", None, 9_000_000, 4),  # no stage: no probability
                *filler(9),
            ],
            [("F-100", 40), ("F-101", 40), ("F-102", 40), ("F-103", 40), ("F-104", 40)],
            id="deals without an amount or a stage come last",
        ),
        pytest.param(
            [
                ("N-1", "Negotiation", None, 4),
                ("N-2", None, 9_000_000, 4),
                *[(f"M-{i}", "Negotiation", None, 2) for i in range(9)],
            ],
            [("N-2", None), ("N-1", None), ("M-0", None), ("M-1", None), ("M-2", None)],
            id="when none has a value: severity, then amount, then deal id",
        ),
    ],
)
def test_act_first_list_ranks_by_value_at_risk(deals, expected):
    assert short_list(review(deals)) == expected


def test_no_short_list_with_ten_flagged_deals_or_fewer():
    assert short_list(review(filler(10))) is None
    assert short_list(review(filler(11))) is not None


def test_the_short_list_comes_first_and_says_how_it_ranks():
    rows = review([("D-1", "Negotiation", 10_000_000, 2), *filler(10)]).rows
    assert rows[2] == ("Act on these first: the 5 of 11 flagged deals with the most value at risk",)
    assert rows[3][0] == "Deal ID (by risk)"  # its header right under its title, as every table's
    assert rows[4 + 5 + 1][0].startswith("Value at risk = amount × stage probability × severity / 5;")
    place = find_deal_table(rows)
    assert place is not None and place.header_row > 4 + 5  # the full list, below the short one


def test_japanese_short_list():
    report = review([("D-1", "Negotiation", 10_000_000, 2), *filler(10)], locale="ja")
    assert report.rows[2] == ("最優先で対応: 要対応の商談 11 件のうちリスク金額の大きい 5 件",)
    assert report.rows[4 + 5 + 1][0].startswith("リスク金額 = 金額 × ステージ確度 × 重要度 / 5。")
    assert short_list(report, "ja")[0] == ("D-1", 3_200_000)


def test_decisions_live_in_the_full_list_only():
    """The short list has no Decision column: a typed Decision shows once, beside its deal in the full list,
    and reading the tab back gives it for that deal (the short list is not mistaken for the table)."""
    deals = [("D-1", "Negotiation", 10_000_000, 2), *filler(10)]
    report = review(deals, decisions={"d-1": Decision("keep", "call Monday")})
    rows = [list(r) for r in report.rows]
    assert sum(1 for r in rows if "keep" in r) == 1
    assert not any(REVIEW_LABELS["decision"][0] in r for r in rows[: find_deal_table(rows).header_row])
    assert read_decisions(rows) == {"d-1": Decision("keep", "call Monday")}
    first, end, _, _ = report.open_cells[0]
    assert first == find_deal_table(rows).header_row + 1 and end - first == len(deals)


def test_the_short_list_ranks_only_deals_listed_below():
    """With a review limit, a deal the full list leaves out is not on the short list either (its Decision
    could not be typed on the tab)."""
    deals = [
        ("D-big", "Negotiation", 90_000_000, 2),
        *[(f"S-{i}", "Appointment", 1000, 4) for i in range(11)],
    ]
    listed = short_list(review(deals, limit=11))
    assert listed is not None and "D-big" not in {d for d, _ in listed}


# ------------------------------------------------------------------------------ through the cycle
@pytest.fixture(params=["xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def test_a_typed_decision_stays_with_its_deal_when_the_ranking_changes(make):
    """12 deals without an owner (flagged); the manager types a Decision for D-01 in the full list; D-12's
    amount grows so that it tops the short list: D-01's Decision is still beside D-01, once."""
    deals = [
        {
            "deal_id": f"D-{i:02d}",
            "deal_name": f"Deal {i}",
            "company": "Co",
            "stage": "Proposal",
            "amount": 1_000_000 * (13 - i),
            "close_date": "2026/12/20",
        }
        for i in range(1, 13)
    ]
    store, config = make(sheet(deals=deals))
    run_cycle(store, config, TODAY)
    assert short_list(_report_rows(store))[0][0] == "D-01"
    _type_decision(store, "D-01", "keep")
    set_cell(store, DEALS, 12, "amount", 90_000_000)
    run_cycle(store, config, TODAY)
    rows = _report_rows(store)
    assert short_list(rows)[0][0] == "D-12"
    assert read_decisions(rows.rows) == {"d-01": Decision("keep", None)}
    assert sum(1 for r in rows.rows if "keep" in r) == 1


class _Rows:
    def __init__(self, rows):
        self.rows = [tuple(r) for r in rows]


def _report_rows(store):
    return _Rows(values(store, MANAGER_REVIEW.en))


def _type_decision(store, deal_id, value):
    rows = values(store, MANAGER_REVIEW.en)
    place = find_deal_table(rows)
    row = next(i for i in range(place.header_row + 1, len(rows)) if rows[i][0] == deal_id)
    col = place.columns["decision"]
    if hasattr(store, "path"):
        from openpyxl import load_workbook

        workbook = load_workbook(store.path)
        workbook[MANAGER_REVIEW.en].cell(row + 1, col + 1).value = value
        workbook.save(store.path)
    else:
        store._emulator.person_set(
            store.spreadsheet_id, MANAGER_REVIEW.en, f"{chr(65 + col)}{row + 1}", value
        )
