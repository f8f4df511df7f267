"""Every hidden state tab can be created in the same write as its first rows, on every store.

The first time a manager's Decision had to be archived (typed, and the deal left the review the same
cycle) the append to `_sfa_review_archive` came before the tab's creation: every cycle then failed until
the Decision was deleted. Here each state tab in turn does not exist when the cycle that gives it its first
rows runs: the cycle must succeed, the tab must hold those rows, and the next cycle must write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from reports.manager_review import find_deal_table
from sheets_schema.tabs import CALLS, DEAL_EVENTS, DEAL_STATES, DEALS, HANDLED_CALLS, REVIEW_ARCHIVE, STATE
from sync.engine.state.lease import LEASE_TITLE
from sync.engine.state.reminder_ledger import LEDGER_TITLE
from sync.jobs.remind import run_reminders
from sync.service.loop import Service
from tests.sheets import tab
from tests.stores import StoreMaker, values

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
TEAM = [{"name": "Sato", "email": "sato@example.com", "role": "Rep", "active": True}]
LEADS = [{"lead_id": "L-1", "company": "Beta", "assigned_caller": "Sato"}]
DEAL = {"deal_name": "Acme", "owner": "Sato", "stage": "Proposal", "amount": 100, "close_date": "2026-12-31"}
DEALS_ROWS = [{**DEAL, "deal_id": "D-1"}, {**DEAL, "deal_id": "D-2"}]
TASKS = [{"task_id": "T-1", "deal_id": "D-2", "title": "Call", "owner": "Sato", "due_date": "2026-12-02"}]


# What each tab holds after the cycle that gave it its first rows: a check on its data rows.
FIRST_ROWS = {
    STATE.en: lambda rows: any(str(r[0]).startswith("next_id.") for r in rows),
    DEAL_STATES.en: lambda rows: any(r[:2] == ["D-1", "won"] for r in rows),
    DEAL_EVENTS.en: lambda rows: any(r[1:] == ["D-1", "stage", "proposal", "won"] for r in rows),
    HANDLED_CALLS.en: lambda rows: len(rows) >= 1,
    REVIEW_ARCHIVE.en: lambda rows: any(r[:2] == ["D-1", "Close as lost"] for r in rows),
    LEASE_TITLE: lambda rows: any(r[0] == "holder" for r in rows),
    LEDGER_TITLE: lambda rows: any("T-1" in r for r in rows),
}


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


class Chat:
    channel = "chat"

    def __init__(self) -> None:
        self.sent: list[object] = []

    def send(self, digest: object, locale: str) -> None:
        self.sent.append(digest)


@pytest.mark.parametrize("missing", list(FIRST_ROWS))
def test_a_state_tab_that_does_not_exist_yet_is_created_with_its_first_rows(make, tmp_path, missing):
    grids = {
        "Team": tab_of("team", TEAM),
        "Leads": tab_of("leads", LEADS),
        "Calls": tab_of("calls", []),
        "Deals": tab_of("deals", DEALS_ROWS),
        "Tasks": tab_of("tasks", TASKS),
    }
    store, config = make(
        grids,
        **{
            "service.backups_dir": str(tmp_path / "backups"),
            "reminders.at": "23:59",
            # the Sheets quota is the emulator's, not Google's: a real 50-a-minute budget only makes this wait
            "service.requests_per_minute": 300,
        },
    )
    clock = Clock()
    service = Service(config, clock=clock, open_store_=lambda _config: store, holder="here:1:aaaa")
    try:
        [first] = service.tick()
        assert first is not None and first.outcome == "ok"
        # the manager decides on D-1, which is then won (it leaves the review); a new deal and an
        # appointment come in; and the tab under test is not there (an older sheet, or never needed yet)
        _type_decision(store, "D-1", "Close as lost")
        _set(store, DEALS.en, 1, DEALS.column("stage").en, "Won")
        _set(store, DEALS.en, 3, DEALS.column("deal_name").en, "Gamma")
        _set(store, DEALS.en, 3, DEALS.column("stage").en, "Proposal")
        _set(store, CALLS.en, 1, CALLS.column("lead_id").en, "L-1")
        _set(store, CALLS.en, 1, CALLS.column("called_at").en, "2026-11-30 10:00")
        _set(store, CALLS.en, 1, CALLS.column("caller").en, "Sato")
        _set(store, CALLS.en, 1, CALLS.column("result").en, "Appointment")
        _delete_tab(store, missing)
        clock.now += timedelta(days=1)
        [second] = service.tick()
        assert second is not None and second.outcome == "ok", second and second.error
        run_reminders(store, config, clock.now, notifiers=[Chat()])
        rows = values(store, missing)
        assert rows and rows[0], f"{missing} has no header"
        assert FIRST_ROWS[missing]([list(r) for r in rows[1:]]), rows
        clock.now += timedelta(minutes=config.service.interval_minutes)
        [third] = service.tick()
        assert third is not None and third.outcome == "quiet", "the sheet settles after the first rows"
    finally:
        service.close()


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def tab_of(key: str, rows: list[dict]) -> list[list[object]]:
    from sheets_schema.tabs import INPUT_TABS

    spec = next(s for s in INPUT_TABS if s.key == key)
    return tab(spec, *rows)


def _type_decision(store, deal_id: str, decision: str) -> None:
    rows = values(store, "Manager Review")
    place = find_deal_table(rows)
    assert place is not None
    row = next(i for i, r in enumerate(rows) if i > place.header_row and r and r[0] == deal_id)
    _put(store, "Manager Review", row, place.columns["decision"], decision)


def _set(store, title: str, row: int, header: str, value: object) -> None:
    col = [str(h) for h in values(store, title)[0]].index(header)
    _put(store, title, row, col, value)


def _put(store, title: str, row: int, col: int, value: object) -> None:
    """A person types into a cell (0-based row and column), on whichever store."""
    if hasattr(store, "edit"):
        store.edit(title, row, col, value)
    elif hasattr(store, "path"):
        workbook = load_workbook(store.path)
        workbook[title].cell(row + 1, col + 1).value = value
        workbook.save(store.path)
    else:
        a1 = f"{chr(65 + col)}{row + 1}"
        store._emulator.person_set(store.spreadsheet_id, title, a1, value)


def _delete_tab(store, title: str) -> None:
    if hasattr(store, "edit"):
        store.tabs.pop(title, None)
    elif hasattr(store, "path"):
        workbook = load_workbook(store.path)
        if title in workbook.sheetnames:
            del workbook[title]
            workbook.save(store.path)
    else:
        emu = store._emulator
        with emu.state.lock:
            spreadsheet = emu.spreadsheet(store.spreadsheet_id)
            spreadsheet.sheets[:] = [s for s in spreadsheet.sheets if s.title != title]
