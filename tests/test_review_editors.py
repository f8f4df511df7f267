"""A manager who does not own the sheet types Decisions on Google (issue 14, item 10).

The Manager Review is protected so that only the service account edits what it generates; the Decision and
Manager note cells of its deal table are left open to the sheet's editors. Played over real HTTP against the
emulator with a second account, shared as Editor, that is neither the owner nor the service account.
"""

from __future__ import annotations

from datetime import date, timedelta

import gspread
import pytest
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError

from sheets_schema.a1 import column_letter
from sync.jobs.cycle import run_cycle
from tests.sheets_emulator import SheetsEmulator, gspread_client
from tests.stores import StoreMaker, values
from tests.test_review import BASE, TEAM_ROWS, sheet

DAY0 = date(2026, 11, 2)
MANAGER = "manager@test-proj.iam.gserviceaccount.com"
REVIEW = "Manager Review"


def manager_sheet(emu: SheetsEmulator, store, tmp_path) -> gspread.Worksheet:
    """The Manager Review as the manager's own account sees it (an Editor of the spreadsheet)."""
    emu.share(store.spreadsheet_id, MANAGER, "writer")
    key = emu.write_service_account_key(tmp_path / "manager.json", client_email=MANAGER)
    creds = Credentials.from_service_account_file(
        str(key), scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    return gspread_client(creds, emu.url).open_by_key(store.spreadsheet_id).worksheet(REVIEW)


def table_place(rows: list[list]) -> tuple[int, int]:
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Deal ID")
    return header, rows[header].index("Decision")


def a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row + 1}"


def review_with_deals(emu, tmp_path, count: int = 4):
    deals = [{**BASE, "deal_id": f"D-{i}", "amount": 100 * i} for i in range(1, count + 1)]
    store, config = StoreMaker("google", tmp_path, lambda: emu)(sheet(team=TEAM_ROWS, deals=deals))
    run_cycle(store, config, DAY0)  # no tasks: every deal is flagged "no open next task"
    return store, config


def test_an_editor_types_a_decision_and_a_note_and_the_service_keeps_them(emu, tmp_path):
    store, config = review_with_deals(emu, tmp_path)
    rows = values(store, REVIEW)
    _, decision = table_place(rows)
    target = next(i for i, r in enumerate(rows) if r and r[0] == "D-2")
    ws = manager_sheet(emu, store, tmp_path)
    ws.update([["Close as lost", "Talked to Sato"]], a1(target, decision), raw=True)
    run_cycle(store, config, DAY0 + timedelta(days=1))
    after = values(store, REVIEW)
    row = next(r for r in after if r and r[0] == "D-2")
    assert row[decision : decision + 2] == ["Close as lost", "Talked to Sato"]


@pytest.mark.parametrize(
    "where",
    [
        "deal id",  # the generated columns of the table stay the service's
        "header",  # the table's header row (Decision / Manager note labels) too
        "title",  # the tab's title row
    ],
)
def test_an_editor_cannot_type_into_what_the_service_generates(emu, tmp_path, where):
    store, _ = review_with_deals(emu, tmp_path)
    header, decision = table_place(values(store, REVIEW))
    cell = {"deal id": a1(header + 1, 0), "header": a1(header, decision), "title": "A1"}[where]
    ws = manager_sheet(emu, store, tmp_path)
    with pytest.raises(APIError) as refused:
        ws.update([["typed"]], cell, raw=True)
    assert refused.value.response.status_code == 403
    assert "protected cell" in str(refused.value)


def test_decisions_typed_by_an_editor_follow_their_deals_while_the_list_moves(emu, tmp_path):
    store, config = review_with_deals(emu, tmp_path, count=5)
    rows = values(store, REVIEW)
    _, decision = table_place(rows)
    ws = manager_sheet(emu, store, tmp_path)
    for deal in ("D-1", "D-4"):
        target = next(i for i, r in enumerate(rows) if r and r[0] == deal)
        ws.update([[f"decided {deal}"]], a1(target, decision), raw=True)
    deals = values(store, "Deals")
    amount = deals[0].index("Amount")
    emu.person_set(store.spreadsheet_id, "Deals", a1(1, amount), 100_000)  # D-1 climbs to the top
    for day in (1, 2):
        run_cycle(store, config, DAY0 + timedelta(days=day))
        after = values(store, REVIEW)
        typed = {r[0]: r[decision] for r in after if r and str(r[0]).startswith("D-") and len(r) > decision}
        assert {k: v for k, v in typed.items() if v} == {"D-1": "decided D-1", "D-4": "decided D-4"}
    # and the manager can still type on the rows as they are now
    after = values(store, REVIEW)
    target = next(i for i, r in enumerate(after) if r and r[0] == "D-5")
    ws.update([["decided D-5"]], a1(target, decision + 1), raw=True)


def test_a_review_protected_by_an_older_version_is_opened_to_editors(emu, tmp_path):
    """A sheet whose Manager Review was protected whole (before this fix) is opened by the next cycle."""
    store, config = review_with_deals(emu, tmp_path)
    ss = emu.spreadsheet(store.spreadsheet_id)
    for pr in ss.by_title(REVIEW).protected_ranges:
        pr.pop("unprotectedRanges", None)
    run_cycle(store, config, DAY0)  # the same day: nothing else to write
    rows = values(store, REVIEW)
    header, decision = table_place(rows)
    manager_sheet(emu, store, tmp_path).update([["ok"]], a1(header + 1, decision), raw=True)
    run_cycle(store, config, DAY0)  # (the first Decision creates the hidden archive tab)
    store.counts.writes = 0
    run_cycle(store, config, DAY0)
    assert store.counts.writes == 0  # settled: the protection is not written again
