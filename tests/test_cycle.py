"""One cycle on small sheets: tables of sheets in, expected cells out (memory store)."""

from __future__ import annotations

import contextlib
import threading
from datetime import date, datetime

import pytest

from sheets_schema.tabs import CALLS, DEALS, LEADS, TASKS, TEAM
from sync.core.config import Config
from sync.engine.plan import NOTE_PREFIX
from sync.jobs.cycle import run_cycle
from tests.sheets import cell, memory_store

TODAY = date(2026, 11, 28)
EN = Config()
JA = Config(locale="ja")

TEAM_ROWS = [
    {"name": "Sato", "email": "sato@example.com", "role": "Rep", "active": True},
    {"name": "Suzuki", "email": "suzuki@example.com", "role": "Rep", "active": False},
]


def cycle(store, config=EN, today=TODAY):
    return run_cycle(store, config, today)


def test_ids_go_into_empty_id_cells_only_and_continue_the_sequence():
    store = memory_store(
        leads=[
            {"lead_id": "L-000041", "company": "A"},
            {"company": "B"},
            {"lead_id": "MY-7", "company": "C"},
            {"company": "D"},
        ]
    )
    cycle(store)
    assert [cell(store, LEADS, r, "lead_id") for r in (1, 2, 3, 4)] == [
        "L-000041",
        "L-000042",
        "MY-7",
        "L-000043",
    ]


def test_a_deleted_rows_id_is_never_reused():
    store = memory_store(
        deals=[{"deal_name": "A", "stage": "Proposal"}, {"deal_name": "B", "stage": "Proposal"}]
    )
    cycle(store)
    assert cell(store, DEALS, 2, "deal_id") == "D-000002"
    store.tabs["Deals"].rows.pop(2)  # a person deletes the last deal
    store.tabs["Deals"].rows.append([None, None, "C", None, None, None, "Won"])
    cycle(store)
    assert cell(store, DEALS, 2, "deal_id") == "D-000003"


def test_duplicate_ids_are_flagged_not_fixed():
    store = memory_store(
        deals=[
            {"deal_id": "D-1", "deal_name": "A", "stage": "Won"},
            {"deal_id": "d-1", "deal_name": "B", "stage": "Won"},
        ]
    )
    report = cycle(store)
    assert [cell(store, DEALS, r, "deal_id") for r in (1, 2)] == ["D-1", "d-1"]
    assert (
        cell(store, DEALS, 1, "errors")
        == "A2: D-1 is also the id of row 3; give one of them a new id (or clear it and the service assigns one)"
    )
    assert "A3: d-1 is also the id of row 2" in cell(store, DEALS, 2, "errors")
    assert len(report.analysis.problems) == 2


@pytest.mark.parametrize(
    ("deal", "errors"),
    [
        (
            {"deal_name": "X", "stage": "Proposal", "amount": "abc"},
            "H2: 'abc' is not an amount; use e.g. 1200000, 1,200,000, ¥1,200,000 or 120万円",
        ),
        (
            {"deal_name": "X", "stage": "Proposal", "close_date": "2026/13/45"},
            "I2: '2026/13/45' is not a real calendar date; check the month and day",
        ),
        (
            {"deal_name": "X", "stage": "Maybe"},
            "G2: 'Maybe' is not a known stage; choose one of: Appointment / First visit / Proposal / Quotation / Negotiation / Won / Lost",
        ),
        ({"deal_name": "X"}, "G2: Stage is empty; fill it in"),
        ({"deal_name": "X", "stage": "受注", "amount": "120万円"}, None),
        (
            {"deal_name": "X", "stage": "won", "lead_id": "L-404"},
            "B2: lead L-404 is not on the Leads tab; check the lead id",
        ),
    ],
)
def test_bad_cells_are_reported_at_the_cell(deal, errors):
    store = memory_store(deals=[deal])
    cycle(store)
    assert cell(store, DEALS, 1, "errors") == errors
    assert cell(store, DEALS, 1, "deal_name") == "X"  # the row is kept


def test_errors_render_in_japanese():
    store = memory_store("ja", deals=[{"deal_name": "X", "stage": "提案", "amount": "abc"}])
    cycle(store, JA)
    assert (
        cell(store, DEALS, 1, "errors", "ja")
        == "H2: 「abc」 は金額ではありません。1200000、1,200,000、¥1,200,000、120万円 のように入力してください"
    )


def test_a_bad_cell_gets_a_note_that_goes_away_when_fixed():
    store = memory_store(deals=[{"deal_name": "X", "stage": "Proposal", "amount": "abc"}])
    cycle(store)
    assert store.tabs["Deals"].notes[(1, 7)].startswith(NOTE_PREFIX)
    store.edit("Deals", 1, 7, "1,000")
    cycle(store)
    assert (1, 7) not in store.tabs["Deals"].notes
    assert cell(store, DEALS, 1, "errors") is None


def test_a_persons_note_is_never_replaced():
    store = memory_store(deals=[{"deal_name": "X", "stage": "Proposal", "amount": "abc"}])
    store.tabs["Deals"].notes[(1, 7)] = "ask Sato about this"
    cycle(store)
    assert store.tabs["Deals"].notes[(1, 7)] == "ask Sato about this"
    assert "not an amount" in cell(store, DEALS, 1, "errors")


def test_derived_columns_across_tabs():
    store = memory_store(
        team=TEAM_ROWS,
        leads=[{"lead_id": "L-1", "company": "Acme"}, {"lead_id": "L-2", "company": "Beta"}],
        calls=[
            {"lead_id": "L-1", "called_at": "2026/11/20 10:00", "caller": "Sato", "result": "No answer"},
            {
                "lead_id": "L-1",
                "called_at": "2026/11/25 15:00",
                "caller": "Sato",
                "result": "Appointment",
                "appointment_date": "2026/12/01",
            },
        ],
        deals=[
            {
                "deal_id": "D-1",
                "lead_id": "L-1",
                "deal_name": "Acme deal",
                "owner": "Sato",
                "stage": "Appointment",
            },
            {"deal_id": "D-2", "deal_name": "No owner", "stage": "Proposal"},
            {"deal_id": "D-3", "deal_name": "Gone", "owner": "Suzuki", "stage": "Proposal"},
            {"deal_id": "D-4", "deal_name": "Who", "owner": "Tanaka", "stage": "Proposal"},
        ],
        tasks=[
            {
                "deal_id": "D-1",
                "type": "First visit",
                "title": "Visit Acme",
                "owner": "Sato",
                "due_date": "2026/12/01",
                "status": "Open",
            },
            {
                "deal_id": "D-1",
                "title": "Send deck",
                "owner": "Sato",
                "due_date": "2026/11/27",
                "status": "Open",
            },
            {
                "deal_id": "D-1",
                "title": "Old",
                "owner": "Sato",
                "due_date": "2026/11/01",
                "status": "Done",
                "completed_on": "2026/11/26",
            },
            {"deal_id": "D-1", "title": "Today", "owner": "Sato", "due_date": "2026/11/28"},
        ],
    )
    cycle(store)
    assert [cell(store, LEADS, 1, k) for k in ("calls_made", "last_call_at", "last_result", "deal_id")] == [
        2,
        datetime(2026, 11, 25, 15, 0),
        "Appointment",
        "D-1",
    ]
    assert [cell(store, LEADS, 2, k) for k in ("calls_made", "last_call_at", "deal_id")] == [0, None, None]
    assert cell(store, CALLS, 1, "company") == "Acme"
    assert cell(store, DEALS, 1, "created_on") == date(
        2026, 11, 25
    )  # first seen: the day of the appointment call
    assert cell(store, DEALS, 1, "days_since_activity") == 2  # the task completed on 11-26
    assert [
        cell(store, DEALS, 1, k) for k in ("open_tasks", "next_task_due", "next_task", "owner_check")
    ] == [3, date(2026, 11, 27), "Send deck", "OK"]
    assert [cell(store, DEALS, r, "owner_check") for r in (2, 3, 4)] == [
        "no owner",
        "inactive",
        "not in Team",
    ]
    assert [cell(store, TASKS, r, "days_to_due") for r in (1, 2, 3, 4)] == [3, -1, None, 0]
    assert [cell(store, TASKS, r, "overdue") for r in (1, 2, 3, 4)] == [None, "overdue", None, "due today"]


def test_created_on_is_kept_and_days_count_from_it():
    store = memory_store(deals=[{"deal_id": "D-1", "deal_name": "A", "stage": "Proposal"}])
    cycle(store, today=date(2026, 11, 1))
    cycle(store, today=date(2026, 11, 28))
    assert cell(store, DEALS, 1, "created_on") == date(2026, 11, 1)
    assert cell(store, DEALS, 1, "days_since_created") == 27
    assert cell(store, DEALS, 1, "days_since_activity") == 27


def test_people_not_on_the_team_are_reported_where_they_are_typed():
    store = memory_store(
        team=TEAM_ROWS,
        tasks=[{"deal_id": None, "lead_id": None, "title": "x", "owner": "Nobody", "due_date": "2026/12/1"}],
    )
    cycle(store)
    errors = cell(store, TASKS, 1, "errors")
    assert "B2: a task needs a deal id or a lead id" in errors
    assert "F2: Nobody is not on the Team tab; add them there or fix the name" in errors


def test_blank_rows_between_data_are_skipped_and_kept():
    store = memory_store(leads=[{"company": "A"}, {}, {}, {"company": "B"}])
    report = cycle(store)
    assert report.analysis.rows_read["Leads"] == 2
    assert cell(store, LEADS, 2, "lead_id") is None and cell(store, LEADS, 4, "lead_id") == "L-000002"
    assert cell(store, LEADS, 2, "errors") is None


def test_a_second_cycle_writes_nothing():
    store = memory_store(
        team=TEAM_ROWS, leads=[{"company": "A"}], deals=[{"deal_name": "X", "stage": "??", "amount": "abc"}]
    )
    first = cycle(store)
    second = cycle(store)
    assert first.wrote and not second.wrote
    assert store.writes == 1


def test_a_missing_required_column_skips_the_tab_and_writes_nothing_to_it():
    store = memory_store(deals=[{"deal_name": "X", "stage": "Won"}])
    grid = store.tabs["Deals"].rows
    for row in grid:
        del row[6]  # a person deleted the Stage column
    before = [list(r) for r in grid]
    report = cycle(store)
    assert store.tabs["Deals"].rows == before
    assert [p.render("en") for p in report.analysis.tab_problems] == [
        "Deals!row 1: column Stage is missing from the header row; add it (any position) — this tab was skipped"
    ]


def test_missing_derived_columns_are_added_right_of_everything_people_typed():
    store = memory_store()
    store.tabs["Tasks"].rows = [
        ["Title", "Owner", "Due date", "My notes"],
        ["Call", "Sato", "2026/12/01", "x", None, "stray"],
    ]
    cycle(store)
    header = store.tabs["Tasks"].rows[0]
    assert header[:4] == ["Title", "Owner", "Due date", "My notes"]
    assert header[4] is None and header[5] is None  # column F holds a person's stray value: skipped
    assert header[6:] == ["Task ID", "Days to due", "Overdue", "Errors"]
    assert store.tabs["Tasks"].rows[1][:6] == ["Call", "Sato", "2026/12/01", "x", None, "stray"]


def test_columns_can_be_reordered_and_renamed_to_japanese():
    store = memory_store()
    store.tabs["Deals"].rows = [
        ["メモ", "ステージ", "商談名", "金額"],
        ["note", "受注", "A社案件", "¥1,200,000"],
    ]
    cycle(store)
    assert store.tabs["Deals"].rows[1][:4] == ["note", "受注", "A社案件", "¥1,200,000"]
    assert store.tabs["Deals"].rows[0][4:6] == ["Deal ID", "Created on"]
    assert cell(store, DEALS, 1, "deal_id") == "D-000001"


def test_text_that_looks_like_a_formula_is_written_as_text():
    store = memory_store(
        leads=[{"lead_id": "L-1", "company": '=HYPERLINK("http://x")'}],
        calls=[{"lead_id": "L-1", "called_at": "2026/11/1", "caller": "a", "result": "No answer"}],
    )
    cycle(store)
    assert cell(store, CALLS, 1, "company") == '=HYPERLINK("http://x")'


def test_team_duplicates_and_bad_emails():
    store = memory_store(team=[{"name": "Sato", "email": "bad"}, {"name": "sato"}])
    cycle(store)
    assert cell(store, TEAM, 1, "errors") == "B2: 'bad' is not an email address; use name@example.com"
    assert cell(store, TEAM, 2, "errors") == "A3: sato is listed twice (row 2); names must be unique"


def test_a_huge_cell_emoji_and_japanese_text_survive():
    big = "営業🚀" * 25_000
    store = memory_store(deals=[{"deal_name": "案件🚀", "stage": "提案", "notes": big}])
    cycle(store)
    assert cell(store, DEALS, 1, "notes") == big
    assert "has 75000 characters" in cell(store, DEALS, 1, "errors")


def test_a_second_tab_of_the_same_kind_is_named_with_the_fix():
    store = memory_store()
    store.tabs["商談"] = store.tabs["Deals"].__class__("商談", [["商談名", "ステージ"], ["A社", "受注"]])
    report = cycle(store)
    assert (
        "'商談'!row 1: tabs Deals and 商談 are both a Deals tab; rename or delete 商談 — Deals is used"
        in [p.render("en") for p in report.analysis.tab_problems]
    )
    assert store.tabs["商談"].rows == [["商談名", "ステージ"], ["A社", "受注"]]  # nothing written to it


def test_the_garbage_collector_paused_for_a_cycle_is_running_again_after_it_even_when_it_fails():
    import gc

    from sync.jobs.cycle import cyclic_gc_paused

    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with contextlib.suppress(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("a failing cycle")
    assert gc.isenabled()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    during_b_alone = []

    def sheet_a():  # two sheets served in threads: A starts, B starts, A ends while B still runs
        with cyclic_gc_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def sheet_b():
        a_in.wait(5)
        with cyclic_gc_paused():
            b_in.set()
            a_out.wait(5)
            during_b_alone.append(gc.isenabled())

    threads = [threading.Thread(target=sheet_a), threading.Thread(target=sheet_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert during_b_alone == [False], "still paused while a cycle runs"
    assert gc.isenabled(), "and running again once none does"
    gc.disable()  # a host program that runs with the collector off keeps it off
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
