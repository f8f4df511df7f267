"""Pipeline rules and the Manager Review: history, stalled and neglected deals, appointment -> deal.
Tables of small sheets in, expected flags and derived cells out — on every store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sheets_schema.parsing import parse_date
from sheets_schema.tabs import DEALS, INPUT_TABS, LEADS, TASKS
from sync.core.config import Config
from sync.jobs.cycle import local_today, run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker, values

DAY0 = date(2026, 11, 2)
TEAM_ROWS = [
    {"name": "Sato", "email": "sato@example.com", "role": "Rep", "active": True},
    {"name": "Ito", "email": "ito@example.com", "role": "Rep", "active": False},
]


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def sheet(locale: str = "en", **rows) -> dict:
    """The five input tabs, named and headed in `locale` (a Japanese sheet for a Japanese config)."""
    return {spec.title(locale): tab(spec, *rows.get(spec.key, []), locale=locale) for spec in INPUT_TABS}


def sheet_locale(store) -> str:
    """The language the store's sheet is in, as the service takes it (from its tab names)."""
    return "ja" if DEALS.title("ja") in store.read().tabs else "en"


def column(store, spec, key: str) -> list:
    locale = sheet_locale(store)
    grid = values(store, spec.title(locale))
    col = [str(h) for h in grid[0]].index(spec.column(key).label(locale))
    return [(row[col] if col < len(row) else None) for row in grid[1:]]


def as_date(value):
    return parse_date(value) if value not in (None, "") else None


def deal_cell(store, row: int, key: str):
    value = column(store, DEALS, key)[row - 1]
    return as_date(value) if DEALS.column(key).kind in ("date",) else value


def set_cell(store, spec, row: int, key: str, value) -> None:
    """A person edits a cell (row 1 = first data row), on whichever store."""
    locale = sheet_locale(store)
    title = spec.title(locale)
    grid = values(store, title)
    col = [str(h) for h in grid[0]].index(spec.column(key).label(locale))
    if hasattr(store, "edit"):
        store.edit(title, row, col, value)
    elif hasattr(store, "path"):
        from openpyxl import load_workbook

        from sync.stores.xlsx import set_value

        wb = load_workbook(store.path)
        set_value(wb[title].cell(row + 1, col + 1), value)
        wb.save(store.path)
    else:
        store_emulator(store).person_set(store.spreadsheet_id, title, f"{chr(65 + col)}{row + 1}", value)


def store_emulator(store):
    return store._emulator  # set by the google fixture below


# ----------------------------------------------------------------------------------------------- flags


def flags_after(make, deal: dict, today: date, tasks=(), config=None, first_day: date | None = None):
    store, settings = make(sheet(team=TEAM_ROWS, deals=[deal], tasks=list(tasks)), **(config or {}))
    run_cycle(store, settings, first_day or today)
    if first_day and first_day != today:
        run_cycle(store, settings, today)
    return deal_cell(store, 1, "health"), store


BASE = {
    "deal_id": "D-1",
    "deal_name": "Acme",
    "owner": "Sato",
    "stage": "Proposal",
    "amount": 100,
    "close_date": "2026-12-31",
}
OPEN_TASK = {"deal_id": "D-1", "title": "Call", "owner": "Sato", "due_date": "2026-12-20"}


@pytest.mark.parametrize(
    ("deal", "days", "expected"),
    [
        (BASE, 21, None),  # exactly at the Proposal limit (21 days): not yet stalled
        (BASE, 22, "stalled 22 days in Proposal (limit 21)"),
        (BASE, 43, "stalled 43 days in Proposal, over twice the limit of 21"),
        ({**BASE, "stage": "Won"}, 400, None),  # closed deals carry no flags
        ({**BASE, "owner": None}, 0, "no owner"),
        ({**BASE, "owner": None, "appointment_by": "Sato"}, 0, "no owner assigned after Sato's appointment"),
        ({**BASE, "owner": "Ito"}, 0, "owner Ito is inactive"),
        ({**BASE, "owner": "Kato"}, 0, "owner Kato is not in Team"),
        ({**BASE, "amount": None}, 0, "no amount at Proposal"),
        ({**BASE, "amount": None, "stage": "First visit"}, 0, None),  # amounts are expected from Proposal on
        ({**BASE, "close_date": "2026-11-01"}, 0, "close date 2026-11-01 has passed"),
        ({**BASE, "close_date": None}, 0, "no close date"),
        ({**BASE, "stage": "Maybe"}, 0, "stage is missing or unknown"),
    ],
)
def test_flags_on_open_deals(make, deal, days, expected):
    health, _ = flags_after(make, deal, DAY0 + timedelta(days=days), tasks=[OPEN_TASK], first_day=DAY0)
    flags = [f for f in (health or "").split("; ") if f and not f.startswith("no activity")]
    assert ("; ".join(flags) or None) == expected


def test_neglected_no_next_task_and_no_activity(make):
    health, _ = flags_after(make, BASE, DAY0 + timedelta(days=14), first_day=DAY0)
    assert health == "no activity for 14 days; no open next task"


def test_a_stage_changed_today_starts_the_stage_clock_again(make):
    store, config = make(sheet(team=TEAM_ROWS, deals=[BASE], tasks=[OPEN_TASK]))
    run_cycle(store, config, DAY0)
    set_cell(store, DEALS, 1, "stage", "Quotation")
    today = DAY0 + timedelta(days=30)
    run_cycle(store, config, today)
    assert deal_cell(store, 1, "days_in_stage") == 0
    assert as_date(deal_cell(store, 1, "stage_since")) == today
    assert as_date(deal_cell(store, 1, "last_progress_on")) == today


def test_history_across_simulated_days_and_a_restart_changes_nothing(make):
    store, config = make(sheet(team=TEAM_ROWS, deals=[BASE], tasks=[OPEN_TASK]))
    timeline = [  # day offset, column, new value
        (3, "stage", "Quotation"),
        (5, "close_date", "2027-01-31"),  # pushed later: 1
        (9, "close_date", "2027-01-15"),  # pulled earlier: not a push
        (12, "close_date", "2027-02-28"),  # pushed: 2
        (15, "amount", 150),
        (20, "stage", "Lost"),
        (25, "stage", "Negotiation"),  # reopened
    ]
    run_cycle(store, config, DAY0)
    for offset, key, value in timeline:
        set_cell(store, DEALS, 1, key, value)
        run_cycle(store, config, DAY0 + timedelta(days=offset))
    today = DAY0 + timedelta(days=30)
    run_cycle(store, config, today)
    assert deal_cell(store, 1, "close_date_pushes") == 2
    assert as_date(deal_cell(store, 1, "stage_since")) == DAY0 + timedelta(days=25)
    assert deal_cell(store, 1, "days_in_stage") == 5
    assert deal_cell(store, 1, "closed_on") in (None, "")  # reopened after lost
    events = [row[2:5] for row in values(store, "_sfa_events")[1:]]
    assert [e[0] for e in events] == [
        "stage",
        "close_date",
        "close_date",
        "close_date",
        "amount",
        "stage",
        "stage",
    ]
    assert events[-2][1:] == ["Quotation", "lost"] or events[-2][1:] == ["quotation", "lost"]
    before = values(store, "Deals")
    assert not run_cycle(
        store, config, today
    ).wrote  # the same day again, as after a restart: nothing to write
    assert values(store, "Deals") == before


def test_lost_records_closed_on_and_the_stage_before(make):
    store, config = make(sheet(team=TEAM_ROWS, deals=[BASE], tasks=[OPEN_TASK]))
    run_cycle(store, config, DAY0)
    set_cell(store, DEALS, 1, "stage", "失注")
    run_cycle(store, config, DAY0 + timedelta(days=4))
    assert as_date(deal_cell(store, 1, "closed_on")) == DAY0 + timedelta(days=4)
    state = values(store, "_sfa_deals")
    header = state[0]
    assert state[1][header.index("stage_before_close")] == "proposal"


def test_today_is_the_teams_local_day_across_midnight():
    config = Config(timezone="Asia/Tokyo")
    assert local_today(config, datetime(2026, 11, 27, 15, 30, tzinfo=UTC)) == date(2026, 11, 28)
    assert local_today(config, datetime(2026, 11, 27, 14, 59, tzinfo=UTC)) == date(2026, 11, 27)


# ----------------------------------------------------------------------------------- appointment -> deal

LEAD = {"lead_id": "L-1", "company": "Acme", "assigned_caller": "Sato"}
APPOINTMENT = {
    "call_id": "C-1",
    "lead_id": "L-1",
    "called_at": "2026-11-01 10:00",
    "caller": "Sato",
    "result": "Appointment",
    "appointment_date": "2026-11-10",
}


def test_an_appointment_becomes_a_deal_and_a_first_visit_task_once(make):
    store, config = make(sheet(team=TEAM_ROWS, leads=[LEAD], calls=[APPOINTMENT]))
    report = run_cycle(store, config, DAY0)
    assert report.analysis.rows_created == 2
    assert column(store, DEALS, "deal_id") == ["D-000001"]
    assert column(store, DEALS, "appointment_by") == ["Sato"] and column(store, DEALS, "owner") == ["Sato"]
    assert column(store, DEALS, "stage") == ["Appointment"]
    assert as_date(column(store, DEALS, "created_on")[0]) == date(2026, 11, 1)
    assert column(store, TASKS, "type") == ["First visit"]
    assert as_date(column(store, TASKS, "due_date")[0]) == date(2026, 11, 10)
    assert column(store, LEADS, "deal_id") == ["D-000001"]
    assert not run_cycle(store, config, DAY0).wrote  # the new rows came with their derived cells: converged
    run_cycle(store, config, DAY0 + timedelta(days=1))
    assert column(store, DEALS, "deal_id") == ["D-000001"]  # never created twice


def test_a_deleted_auto_deal_is_not_created_again(make):
    store, config = make(sheet(team=TEAM_ROWS, leads=[LEAD], calls=[APPOINTMENT]))
    run_cycle(store, config, DAY0)
    for key in [c.key for c in DEALS.columns]:  # a person clears the deal row
        set_cell(store, DEALS, 1, key, None)
    run_cycle(store, config, DAY0 + timedelta(days=1))
    run_cycle(store, config, DAY0 + timedelta(days=2))
    assert [d for d in column(store, DEALS, "deal_id") if d] == []


def test_no_owner_when_the_lead_has_no_assignment_and_it_is_flagged(make):
    store, config = make(
        sheet(team=TEAM_ROWS, leads=[{**LEAD, "assigned_caller": None}], calls=[APPOINTMENT])
    )
    run_cycle(store, config, DAY0)
    assert column(store, DEALS, "owner") == [None] or column(store, DEALS, "owner") == [""]
    assert "no owner assigned after Sato's appointment" in column(store, DEALS, "health")[0]


def test_appointment_to_deal_can_be_switched_off():
    from sync.stores.memory import MemoryStore

    store = MemoryStore(sheet(team=TEAM_ROWS, leads=[LEAD], calls=[APPOINTMENT]))
    run_cycle(store, Config.model_validate({"automation": {"appointment_to_deal": False}}), DAY0)
    assert column(store, DEALS, "deal_id") == []


def test_a_lead_with_a_deal_already_gets_none(make):
    existing = {"deal_id": "D-9", "lead_id": "L-1", "deal_name": "Acme", "owner": "Sato", "stage": "Proposal"}
    store, config = make(sheet(team=TEAM_ROWS, leads=[LEAD], calls=[APPOINTMENT], deals=[existing]))
    run_cycle(store, config, DAY0)
    assert column(store, DEALS, "deal_id") == ["D-9"]


# ------------------------------------------------------------------------------------- manager review


def review_rows(store, title="Manager Review"):
    return values(store, title)


def review_table(store) -> dict[str, list]:
    rows = review_rows(store)
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Deal ID")
    out = {}
    for row in rows[start + 1 :]:
        if not row or row[0] in (None, ""):
            break
        out[row[0]] = row
    return out


def test_the_review_lists_flagged_deals_most_severe_first_with_an_action(make):
    deals = [
        {**BASE, "deal_id": "D-1", "amount": 100},
        {**BASE, "deal_id": "D-2", "owner": None, "amount": 900},
        {**BASE, "deal_id": "D-3", "stage": "Won"},
        {**BASE, "deal_id": "D-4", "stage": "Maybe", "amount": 50},
    ]
    store, config = make(
        sheet(
            team=TEAM_ROWS,
            deals=deals,
            tasks=[{**OPEN_TASK, "deal_id": d} for d in ("D-1", "D-2", "D-3", "D-4")],
        )
    )
    run_cycle(store, config, DAY0)
    run_cycle(store, config, DAY0 + timedelta(days=50))
    table = review_table(store)
    # D-1 and D-2 are stalled beyond twice the limit (most severe): the larger amount first; then D-4
    assert list(table) == ["D-2", "D-1", "D-4"]
    header = next(r for r in review_rows(store) if r and r[0] == "Deal ID")
    action = header.index("Suggested action")
    assert table["D-1"][action] == "consider closing as lost"
    assert table["D-2"][action] == "consider closing as lost"
    assert table["D-4"][action] == "fix the stage"
    summary = {r[0]: r for r in review_rows(store) if r and r[0] in ("Sato", "(no owner)", "Total")}
    assert summary["Total"][1:3] == [3, 1050]  # open deals, pipeline amount (D-3 is won)


def test_a_managers_decision_survives_ten_cycles_while_the_list_changes(make):
    deals = [{**BASE, "deal_id": f"D-{i}", "amount": 100 * i} for i in range(1, 6)]
    store, config = make(sheet(team=TEAM_ROWS, deals=deals))  # no tasks: all flagged "no open next task"
    run_cycle(store, config, DAY0)
    rows = review_rows(store)
    header_row = next(i for i, r in enumerate(rows) if r and r[0] == "Deal ID")
    target = next(i for i, r in enumerate(rows) if r and r[0] == "D-3")
    decision_col = rows[header_row].index("Decision")
    _type_in_review(store, target, decision_col, "Close as lost")
    _type_in_review(store, target, decision_col + 1, "Talked to Sato 11/2")
    for day in range(1, 11):
        today = DAY0 + timedelta(days=day)
        if day == 3:  # D-3 gets a task: it leaves the list ...
            _add_task(store, "D-3")
        if day == 6:  # ... and comes back when the task is done
            _close_task(store)
        if day % 2:  # other deals come and go
            set_cell(store, DEALS, 1, "amount", 1000 + day)
        run_cycle(store, config, today)
        table = review_table(store)
        if 3 <= day < 6:
            assert "D-3" not in table
        else:
            assert table["D-3"][decision_col : decision_col + 2] == [
                "Close as lost",
                "Talked to Sato 11/2",
            ], day


def _type_in_review(store, row: int, col: int, value: str) -> None:
    if hasattr(store, "edit"):
        store.edit("Manager Review", row, col, value)
    elif hasattr(store, "path"):
        from openpyxl import load_workbook

        wb = load_workbook(store.path)
        wb["Manager Review"].cell(row + 1, col + 1).value = value
        wb.save(store.path)
    else:
        store_emulator(store).person_set(
            store.spreadsheet_id, "Manager Review", f"{chr(65 + col)}{row + 1}", value
        )


def _add_task(store, deal_id: str) -> None:
    grid = values(store, "Tasks")
    set_row = len(grid)
    for key, value in {
        "deal_id": deal_id,
        "title": "Call",
        "owner": "Sato",
        "due_date": "2026-12-20",
    }.items():
        set_cell(store, TASKS, set_row, key, value)


def _close_task(store) -> None:
    set_cell(store, TASKS, len(values(store, "Tasks")) - 1, "status", "Done")


def test_bad_input_stays_actionable_on_the_review(make):
    deals = [{"deal_id": "D-1", "deal_name": "Odd", "stage": "??", "amount": "abc", "lead_id": "L-404"}]
    tasks = [{"deal_id": "D-404", "title": "x", "owner": "Sato", "due_date": "2026-12-01"}]
    store, config = make(sheet(team=TEAM_ROWS, deals=deals, tasks=tasks))
    run_cycle(store, config, DAY0)
    errors = column(store, DEALS, "errors")[0]
    assert "'abc' is not an amount" in errors and "lead L-404 is not on the Leads tab" in errors
    assert "deal D-404 is not on the Deals tab" in column(store, TASKS, "errors")[0]
    assert "D-1" in review_table(store)


def test_the_review_lists_the_most_severe_up_to_the_limit_and_counts_the_rest():
    from sync.stores.memory import MemoryStore

    deals = [{**BASE, "deal_id": f"D-{i}", "amount": 100 * i} for i in range(1, 8)]
    store = MemoryStore(sheet(team=TEAM_ROWS, deals=deals))
    run_cycle(store, Config.model_validate({"thresholds": {"review_limit": 3}}), DAY0)
    assert list(review_table(store)) == ["D-7", "D-6", "D-5"]
    assert any(r and str(r[0]).startswith("… and 4 more flagged deals") for r in review_rows(store))


def test_an_appointment_without_a_caller_creates_rows_that_say_so_at_once():
    """Found by the full stateful fuzz run: the created task had no owner and got its Errors one cycle late."""
    from sync.stores.memory import MemoryStore

    call = {**APPOINTMENT, "call_id": None, "lead_id": "Acme", "called_at": "soon-ish", "caller": None}
    store = MemoryStore(sheet(calls=[call]))
    first = run_cycle(store, Config(), DAY0)
    assert first.analysis.rows_created == 2
    assert "Owner is empty" in column(store, TASKS, "errors")[0]
    assert not run_cycle(store, Config(), DAY0).wrote


def test_a_created_deal_fills_a_blank_row_left_at_the_end_and_converges(make):
    """Found by the full stateful fuzz run: a blank row after the last deal got the new deal's derived
    cells while the deal itself was appended below it."""
    grids = sheet(team=TEAM_ROWS, leads=[LEAD], calls=[APPOINTMENT])
    grids["Deals"].append([None] * len(DEALS.columns))  # a row a person inserted and left empty
    store, config = make(grids)
    run_cycle(store, config, DAY0)
    assert [d for d in column(store, DEALS, "deal_id") if d] == ["D-000001"]
    assert column(store, DEALS, "deal_id")[0] == "D-000001"
    assert not run_cycle(store, config, DAY0).wrote
