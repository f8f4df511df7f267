"""The whole cycle on the Google store, over real HTTP against the local Sheets API emulator, through the
real google-auth service-account token flow. Request counts are asserted; no network beyond loopback."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path

import pytest
import requests
from tenacity import wait_none

from sheets_schema.tabs import DEALS, INPUT_TABS, LEADS
from sync.config_file import load_config
from sync.core.config import Config
from sync.errors import AccessError, QuotaError, SfaSyncError
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import initialise
from sync.stores.google import GoogleStore
from tests.conftest import SA
from tests.sheets import tab

TODAY = date(2026, 11, 28)

TEAM_ROWS = [{"name": "Sato", "email": "sato@example.com", "role": "Rep", "active": True}]
LEAD_ROWS = [{"lead_id": "L-1", "company": "=1+1 Holdings"}, {"company": "Beta"}]
DEAL_ROWS = [
    {
        "deal_id": "D-1",
        "lead_id": "L-1",
        "deal_name": "Acme",
        "owner": "Sato",
        "stage": "Proposal",
        "amount": "abc",
    },
    {
        "deal_name": "Beta deal",
        "owner": "Nobody",
        "stage": "受注",
        "amount": 500000,
        "close_date": "2026-11-01",
    },
]


def sheet(emu, **rows) -> str:
    tabs = {spec.en: tab(spec, *rows.get(spec.key, [])) for spec in INPUT_TABS}
    # RAW, as the tests type values the way a person's typed cell reads back (text stays text)
    return emu.create_spreadsheet("Team", tabs, shared_with=[SA], value_input="RAW")


def config_for(emu, key: Path, sid: str, **extra) -> Config:
    return load_config(
        None,
        **{
            "store.kind": "google",
            "store.spreadsheet": sid,
            "store.credentials": str(key),
            "store.endpoint": emu.url,
            **extra,
        },
    )


def store_for(config: Config) -> GoogleStore:
    store = GoogleStore.from_config(config)
    store.wait = wait_none()  # retries without sleeping in tests; the backoff itself is tenacity's
    return store


def cycle(emu, key, sid, **extra):
    config = config_for(emu, key, sid, **extra)
    return run_cycle(store_for(config), config, TODAY)


def column(emu, sid: str, spec, key: str) -> list:
    grid = emu.values(sid, spec.en)
    col = [str(h) for h in grid[0]].index(spec.column(key).en)
    return [(row[col] if col < len(row) else None) for row in grid[1:]]


def test_a_cycle_on_google_fills_ids_derived_columns_errors_and_notes(emu, key):
    sid = sheet(emu, team=TEAM_ROWS, leads=LEAD_ROWS, deals=DEAL_ROWS)
    report = cycle(emu, key, sid)
    assert report.wrote
    assert column(emu, sid, LEADS, "lead_id") == ["L-1", "L-000002"]
    assert column(emu, sid, DEALS, "deal_id") == ["D-1", "D-000002"]
    assert column(emu, sid, DEALS, "owner_check") == ["OK", "not in Team"]
    errors = column(emu, sid, DEALS, "errors")
    assert errors[0] == "H2: 'abc' is not an amount; use e.g. 1200000, 1,200,000, ¥1,200,000 or 120万円"
    assert emu.cell(sid, "Deals", "H2").note.startswith("sfa-sync: ")
    assert column(emu, sid, LEADS, "deal_id") == ["D-1", None]
    assert emu.requested_scopes and all(
        scopes == ["https://www.googleapis.com/auth/spreadsheets"] for _, scopes in emu.requested_scopes
    )


def test_request_counts_first_cycle_then_an_unchanged_sheet(emu, key):
    sid = sheet(emu, team=TEAM_ROWS, leads=LEAD_ROWS, deals=DEAL_ROWS)
    emu.reset_counters()
    cycle(emu, key, sid)
    assert emu.count("spreadsheets.batchUpdate") == 1
    # read (2) + verify before the write (1) + where the new ids landed (1, only in cycles that assign ids)
    assert emu.count("spreadsheets.get") + emu.count("values.batchGet") == 4
    emu.reset_counters()
    report = cycle(emu, key, sid)
    assert not report.wrote
    assert emu.count("spreadsheets.batchUpdate") == 0
    assert emu.count("spreadsheets.get") + emu.count("values.batchGet") <= 2
    assert emu.count() - emu.count("oauth2.token") == 2  # the token fetch is google-auth's, once per process


def test_one_edited_cell_in_a_big_sheet_is_one_small_write(emu, key):
    leads = [{"lead_id": f"L-{i}", "company": f"Company {i}"} for i in range(1, 3001)]
    sid = sheet(emu, leads=leads)
    cycle(emu, key, sid)
    emu.person_set(sid, "Leads", "H1500", "oops-not-a-number")  # Employees
    emu.reset_counters()
    cycle(emu, key, sid)
    assert emu.count("spreadsheets.batchUpdate") == 1
    [write] = [r for r in emu.requests if r.endpoint == "spreadsheets.batchUpdate"]
    written = sum(len(req["updateCells"]["rows"]) for req in write.body["requests"] if "updateCells" in req)
    assert written <= 3  # the error cell and the note (and nothing else)
    assert column(emu, sid, LEADS, "errors")[1498].startswith(
        "H1500: 'oops-not-a-number' is not a whole number"
    )


def test_values_are_typed_text_never_becomes_a_formula_and_dates_are_dates(emu, key):
    sid = sheet(
        emu,
        leads=LEAD_ROWS,
        calls=[{"lead_id": "L-1", "called_at": "2026-11-20 10:00", "caller": "Sato", "result": "No answer"}],
        deals=DEAL_ROWS,
    )
    cycle(emu, key, sid)
    company = emu.cell(sid, "Calls", "H2")
    assert company.value == "=1+1 Holdings" and not company.formula
    created = emu.values(sid, "Deals", render="FORMATTED_VALUE")[1][11]
    assert created == "2026-11-28"
    assert emu.values(sid, "Deals")[1][11] == 46354  # the serial number, unformatted


def test_init_on_google_is_one_write_and_idempotent(emu, key):
    sid = emu.create_spreadsheet("Empty", {"Sheet1": []}, shared_with=[SA])
    config = config_for(emu, key, sid, locale="ja")
    emu.reset_counters()
    assert initialise(config) > 0
    assert emu.count("spreadsheets.batchUpdate") == 1
    titles = [s.title for s in emu.spreadsheet(sid).ordered()]
    assert {"チーム", "リード", "架電履歴", "商談", "タスク", "_sfa_state"} <= set(titles)
    assert emu.values(sid, "商談")[0][:3] == ["商談ID", "リードID", "商談名"]
    assert emu.cell(sid, "商談", "G2").validation is not None
    deals = next(s for s in emu.spreadsheet(sid).ordered() if s.title == "商談")
    health = emu.values(sid, "商談")[0].index("ヘルス")
    formulas = [
        r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in deals.conditional_formats
    ]
    assert f"=LEN(${chr(65 + health)}2)>0" in formulas  # flagged deals stand out
    emu.reset_counters()
    assert initialise(config) == 0
    assert emu.count("spreadsheets.batchUpdate") == 0


def test_derived_columns_are_protected_so_only_the_service_account_edits_them(emu, key):
    sid = emu.create_spreadsheet("Empty", {"Sheet1": []}, shared_with=[SA, "rep@example.com"])
    initialise(config_for(emu, key, sid))
    deals = next(s for s in emu.spreadsheet(sid).ordered() if s.title == "Deals")
    assert deals.protected_ranges and all(p["editors"]["users"] == [SA] for p in deals.protected_ranges)
    rep = {"Authorization": f"Bearer {emu.issue_token('rep@example.com')}"}

    def rep_types(a1: str) -> int:
        url = f"{emu.url}/v4/spreadsheets/{sid}/values/Deals!{a1}?valueInputOption=RAW"
        return requests.put(url, json={"values": [["typed"]]}, headers=rep, timeout=5).status_code

    assert rep_types("C2") == 200  # Deal name: the rep's
    assert rep_types("L2") == 403  # Created on: the service's


def test_not_shared_says_share_it_with_the_service_account(emu, key):
    sid = sheet(emu)
    emu.unshare(sid, SA)
    with pytest.raises(AccessError, match=f"is not shared with {SA}; share it with {SA} as Editor"):
        cycle(emu, key, sid)


def test_api_not_enabled_says_enable_it(emu, key):
    sid = sheet(emu)
    emu.inject(
        "spreadsheets.get",
        status=403,
        reason="SERVICE_DISABLED",
        message=(
            "Google Sheets API has not been used in project 123456 before or it is disabled. Enable it by visiting "
            "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456 then retry."
        ),
    )
    with pytest.raises(
        AccessError, match="the Google Sheets API is not enabled for the service account's project"
    ):
        cycle(emu, key, sid)


def test_quota_exhausted_after_retries_says_so(emu, key):
    sid = sheet(emu)
    emu.inject("spreadsheets.get", status=429, times=None)
    with pytest.raises(QuotaError, match="quota is exhausted"):
        cycle(emu, key, sid)


def test_unknown_spreadsheet_says_check_the_id(emu, key):
    with pytest.raises(AccessError, match=r"not found; check store\.spreadsheet"):
        cycle(emu, key, "no-such-sheet")


def test_the_id_may_be_given_as_a_url(emu, key):
    sid = sheet(emu, leads=LEAD_ROWS)
    cycle(emu, key, f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0")
    assert column(emu, sid, LEADS, "lead_id")[1] == "L-000002"


def test_transient_read_failures_are_retried(emu, key):
    sid = sheet(emu, leads=LEAD_ROWS)
    emu.inject("values.batchGet", status=503, times=2)
    emu.inject("spreadsheets.get", status=429, times=1)
    assert cycle(emu, key, sid).wrote


def test_an_ambiguous_write_is_re_read_and_never_applied_twice(emu, key):
    sid = sheet(emu, leads=LEAD_ROWS, deals=DEAL_ROWS)
    emu.inject(
        "spreadsheets.batchUpdate", status=503, times=1, when="after"
    )  # applied, but the client sees 503
    report = cycle(emu, key, sid)
    assert report.attempts == 2
    assert column(emu, sid, LEADS, "lead_id") == ["L-1", "L-000002"]
    assert column(emu, sid, DEALS, "deal_id") == ["D-1", "D-000002"]
    emu.reset_counters()
    assert not cycle(emu, key, sid).wrote


def grid_state(emu, sid) -> dict:
    return {s.title: emu.values(sid, s.title) for s in emu.spreadsheet(sid).ordered()}


CALL_ROWS = [  # an appointment on a lead with no deal: the cycle appends a deal and a first-visit task
    {
        "call_id": "C-1",
        "lead_id": "L-000002",
        "called_at": "2026-11-20 10:00",
        "caller": "Sato",
        "result": "Appointment",
        "appointment_date": "2026-12-01",
    },
]


def test_with_30_percent_of_requests_failing_each_cycle_completes_or_changes_nothing(emu, key):
    rows = {"team": TEAM_ROWS, "leads": LEAD_ROWS, "deals": DEAL_ROWS, "calls": CALL_ROWS}
    clean = sheet(emu, **rows)
    cycle(emu, key, clean)
    expected = grid_state(emu, clean)
    assert len(expected["Deals"]) == 4  # the appointment became a deal
    for seed in range(12):
        sid = sheet(emu, **rows)
        before = grid_state(emu, sid)
        emu.fail_randomly(rate=0.3, seed=seed)
        with contextlib.suppress(SfaSyncError):
            cycle(emu, key, sid)
        emu.clear_faults()
        assert grid_state(emu, sid) in (before, expected), f"seed {seed}: a half-applied cycle"
        cycle(emu, key, sid)
        assert grid_state(emu, sid) == expected, f"seed {seed}: did not converge"


def test_a_change_set_over_2_mb_goes_in_the_fewest_chunks_and_an_interruption_loses_nothing(emu, key):
    deals = [{"deal_name": f"Deal {i}", "stage": "Proposal", "owner": "Nobody"} for i in range(4_000)]
    reference = sheet(emu, deals=deals)
    cycle(emu, key, reference)
    expected = grid_state(emu, reference)
    sid = sheet(emu, deals=deals)
    emu.reset_counters()
    emu.inject_drop_connection("spreadsheets.batchUpdate", times=None, skip=1)  # the second chunk never lands
    with pytest.raises(SfaSyncError):
        cycle(emu, key, sid)
    writes = [r for r in emu.requests if r.endpoint == "spreadsheets.batchUpdate"]
    assert len(writes) >= 2
    assert all(len(json.dumps(w.body).encode()) <= 2_000_000 for w in writes)
    emu.clear_faults()
    emu.reset_counters()
    cycle(emu, key, sid)
    sizes = [
        len(json.dumps(r.body).encode()) for r in emu.requests if r.endpoint == "spreadsheets.batchUpdate"
    ]
    assert grid_state(emu, sid) == expected
    assert sizes and all(size <= 2_000_000 for size in sizes)


def test_a_review_whose_rows_moved_is_patched_with_row_shifts_and_keeps_each_rows_look(emu, key):
    from sync.core.changes import ChangeSet, TabContent
    from sync.engine.plan import plan_owned_tab

    def review(*names: str, bold: tuple[int, ...]) -> TabContent:
        rows = [
            ("Overdue",) if n == "-" else ("Due today",) if n == "=" else (n, "Proposal", date(2026, 12, 1))
            for n in names
        ]
        return TabContent(
            "Review", (("Title",), ("Deal", "Stage", "Due"), *rows), header_rows=2, bold_rows=bold
        )

    before = review("-", *(f"D{i}" for i in range(30)), "=", "E1", bold=(2, 33))
    after = review("-", "D29", *(f"D{i}" for i in range(29)), "E0", "=", "E1", bold=(2, 34))
    sid = sheet(emu)
    store = store_for(config_for(emu, key, sid))
    store.write(ChangeSet(tabs=[before]))
    changes = ChangeSet()
    plan_owned_tab(store.read().tabs["Review"], after, changes)
    assert changes.patches and not changes.tabs and changes.cell_count <= 6  # D29 and E0, not 30 rows
    emu.reset_counters()
    store.write(changes)
    [write] = [r for r in emu.requests if r.endpoint == "spreadsheets.batchUpdate"]
    kinds = [next(iter(request)) for request in write.body["requests"]]
    assert "insertDimension" in kinds  # D29 moved up: a row inserted at the top (its old row now holds E0)
    assert emu.values(sid, "Review") == [
        [v if not isinstance(v, date) else 46357 for v in row] for row in after.rows
    ]
    bold = [
        r
        for r in range(len(after.rows))
        if ((emu.cell(sid, "Review", f"A{r + 1}").fmt or {}).get("textFormat") or {}).get("bold")
    ]
    assert bold == [0, 1, 2, 34]  # the section title moved down with its row; E0 written plain
    assert emu.cell(sid, "Review", "C4").fmt["numberFormat"]["type"] == "DATE"  # D29's due date, written anew
