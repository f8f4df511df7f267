"""Security pass: formula injection, secrets and personal data in logs, the key file, the scope, protected
ranges, hostile sizes and malformed API answers, and a timeout on every network call."""

from __future__ import annotations

import csv
import json
import logging
import os
import threading
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from openpyxl import load_workbook
from tenacity import wait_none

from sheets_schema.tabs import INPUT_TABS
from sync.config_file import load_config
from sync.errors import NotifyError, SfaSyncError, StoreError
from sync.jobs.cycle import run_cycle
from sync.jobs.import_csv import run_import
from sync.jobs.remind import run_reminders
from sync.jobs.setup import initialise, make_demo
from sync.notify.chat import ChatNotifier
from sync.notify.email import EmailNotifier
from sync.stores.google import GoogleStore
from sync.stores.google_auth import SCOPES, load_credentials
from sync.stores.xlsx import XlsxStore
from tests.notify_servers import SilentServer, SmtpServer, WebhookServer, self_signed
from tests.sheets import tab
from tests.stores import SA, StoreMaker

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
INJECTIONS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://evil.example","x")',
]


def hostile_sheet() -> dict:
    """Every text a person types (and that derived columns and generated tabs copy) is formula-looking."""
    evil = iter(INJECTIONS * 20)
    team = [{"name": next(evil), "email": "sato@example.com", "role": "Rep", "active": True}]
    name = team[0]["name"]
    leads = [
        {
            "lead_id": "L-1",
            "company": next(evil),
            "contact": next(evil),
            "industry": next(evil),
            "region": next(evil),
            "lead_source": next(evil),
            "campaign": next(evil),
            "assigned_caller": name,
        }
    ]
    calls = [
        {
            "lead_id": "L-1",
            "called_at": "2026-11-20 10:00",
            "caller": name,
            "result": "Appointment",
            "appointment_date": "2026-11-30",
            "notes": next(evil),
        }
    ]
    deals = [
        {
            "deal_id": "D-1",
            "lead_id": "L-1",
            "deal_name": next(evil),
            "company": next(evil),
            "owner": name,
            "stage": "Proposal",
            "amount": next(evil),
            "close_date": "2026-11-01",
            "notes": next(evil),
        },
        {
            "deal_id": "D-2",
            "lead_id": "L-1",
            "deal_name": next(evil),
            "owner": name,
            "stage": "Lost",
            "lost_reason": next(evil),
            "close_date": "2026-11-01",
        },
    ]
    tasks = [
        {"task_id": "T-1", "deal_id": "D-1", "title": next(evil), "owner": name, "due_date": "2026-11-29"}
    ]
    rows = {"team": team, "leads": leads, "calls": calls, "deals": deals, "tasks": tasks}
    return {spec.en: tab(spec, *rows[spec.key]) for spec in INPUT_TABS}


def import_hostile_leads(store, config, tmp_path: Path) -> None:
    path = tmp_path / "hot.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Company", "Contact", "Email", "Campaign"])
        writer.writerows(
            [f"{value} Co {i}", value, f"lead{i}@example.com", value] for i, value in enumerate(INJECTIONS)
        )
    report = run_import(store, config, "leads", path, TODAY)
    assert report.added and not report.rejected


def test_formula_looking_text_stays_text_in_every_tab_on_xlsx(emu, tmp_path):
    store, config = StoreMaker("xlsx", tmp_path, lambda: emu)(hostile_sheet())
    import_hostile_leads(store, config, tmp_path)
    run_cycle(store, config, TODAY)
    run_cycle(XlsxStore(store.path), config, TODAY)
    workbook = load_workbook(store.path)
    formulas = [
        f"{ws.title}!{cell.coordinate}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    seen = {cell.value for ws in workbook.worksheets for row in ws.iter_rows() for cell in row}
    assert "=1+1" in seen and "@SUM(1,1)" in seen  # kept as the text people typed


def test_formula_looking_text_stays_text_in_every_tab_on_google(emu, tmp_path):
    store, config = StoreMaker("google", tmp_path, lambda: emu)(hostile_sheet())
    import_hostile_leads(store, config, tmp_path)
    emu.reset_counters()
    run_cycle(store, config, TODAY)
    bodies = json.dumps([r.body for r in emu.requests if r.endpoint == "spreadsheets.batchUpdate"])
    assert "=1+1" in bodies and "formulaValue" not in bodies
    sheet = emu.spreadsheet(store.spreadsheet_id)
    formulas = [(s.title, at) for s in sheet.sheets for at, cell in s.cells.items() if cell.formula]
    assert formulas == []


# ------------------------------------------------------------------------------------------------ logs

SMTP_PASSWORD = "s3cret-pass-XYZ"  # the password tests/notify_servers.py accepts
WEBHOOK_PATH = "/v1/spaces/AAAA-secret-space/messages?key=KEY-0123456789&token=TOKEN-abcdef"


def test_a_full_demo_run_and_remind_logs_no_credential_and_no_personal_data(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    certificate = self_signed(tmp_path)
    with SmtpServer("starttls", certificate) as smtp, WebhookServer() as hook:
        webhook = hook.url + WEBHOOK_PATH
        monkeypatch.setenv("SFA_SYNC_SMTP_PASSWORD", SMTP_PASSWORD)
        monkeypatch.setenv("SFA_SYNC_CHAT_WEBHOOK", webhook)
        config = load_config(
            None,
            **{
                "store.path": str(tmp_path / "demo.xlsx"),
                "reminders.email.enabled": True,
                "reminders.email.host": "127.0.0.1",
                "reminders.email.port": smtp.port,
                "reminders.email.user": "sfa-sync@example.com",
                "reminders.chat.enabled": True,
            },
        )
        make_demo(config, today=TODAY)  # the demo ends on the day the reminders run (NOW), not the machine's
        run_cycle(XlsxStore(config.store.path), config, TODAY)
        notifiers = [
            EmailNotifier(config.reminders.email, tls_context=certificate.client_context(), attempts=1),
            ChatNotifier(config.reminders.chat, attempts=1),
        ]
        outcome = run_reminders(XlsxStore(config.store.path), config, NOW, notifiers=notifiers)
        assert outcome.sent and smtp.inbox.logins and hook.posts
    leads = XlsxStore(config.store.path).read().tabs["Leads"].rows
    labels = [str(h) for h in leads[0]]
    personal = {
        str(row[labels.index(name)])
        for row in leads[1:]
        for name in ("Contact", "Email", "Phone")
        if labels.index(name) < len(row) and row[labels.index(name)] not in (None, "")
    }
    team = {str(row[0]) for row in XlsxStore(config.store.path).read().tabs["Team"].rows[1:] if row}
    personal -= team  # reps' names are logged on purpose ("sent email to …"); a lead may share one by chance
    assert len(personal) > 100
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]  # (aiosmtpd: the test's server)
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in ours)
    assert caplog.records  # the scan saw the run's log lines
    secrets = [SMTP_PASSWORD, webhook, WEBHOOK_PATH, "KEY-0123456789", "TOKEN-abcdef", "AAAA-secret-space"]
    assert [s for s in secrets if s in text] == []
    assert sorted(p for p in personal if len(p) >= 5 and p in text) == []


def test_a_google_cycle_logs_neither_the_private_key_nor_the_bearer_token(emu, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    store, config = StoreMaker("google", tmp_path, lambda: emu)(hostile_sheet())
    run_cycle(store, config, TODAY)
    key = json.loads(Path(config.store.credentials).read_text())
    token = store.http.session.credentials.token
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert token and token not in text
    body = "".join(key["private_key"].splitlines()[1:-1])
    assert body[:40] not in text and key["private_key_id"] not in text


# ------------------------------------------------------------------------------------------------ the key file


def test_a_key_file_readable_by_others_is_warned_about(emu, tmp_path, caplog):
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    os.chmod(key, 0o600)
    with caplog.at_level(logging.WARNING):
        load_credentials(key)
    assert not [r for r in caplog.records if "readable by other users" in r.getMessage()]
    os.chmod(key, 0o644)
    with caplog.at_level(logging.WARNING):
        load_credentials(key)
    assert [r for r in caplog.records if f"chmod 600 {key}" in r.getMessage()]


def test_only_the_spreadsheets_scope_is_requested(emu, tmp_path):
    assert SCOPES == ["https://www.googleapis.com/auth/spreadsheets"]
    store, config = StoreMaker("google", tmp_path, lambda: emu)(hostile_sheet())
    run_cycle(store, config, TODAY)
    assert emu.requested_scopes and {tuple(s) for _, s in emu.requested_scopes} == {tuple(SCOPES)}


# ------------------------------------------------------------------------------------------------ protection


def rep_can_write(emu, sid: str, title: str, a1: str) -> bool:
    token = emu.issue_token("rep@example.com")
    url = f"{emu.url}/v4/spreadsheets/{sid}/values/'{title}'!{a1}?valueInputOption=RAW"
    answer = requests.put(
        url, json={"values": [["typed by a rep"]]}, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return answer.status_code == 200


def test_generated_and_state_tabs_and_derived_columns_are_protected_for_the_service_account_only(
    emu, tmp_path
):
    sid = emu.create_spreadsheet("Empty", {"Sheet1": []}, shared_with=[SA, "rep@example.com"])
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    config = load_config(
        None,
        **{
            "store.kind": "google",
            "store.spreadsheet": sid,
            "store.credentials": str(key),
            "store.endpoint": emu.url,
        },
    )
    initialise(config)
    store = GoogleStore.from_config(config)
    run_cycle(store, config, TODAY)
    titles = [s.title for s in emu.spreadsheet(sid).ordered()]
    owned = [
        t
        for t in titles
        if t.startswith("_sfa_")
        or t in ("Manager Review", "Reminders", "Marketing Feedback", "Win-Loss Analysis")
    ]
    assert len(owned) >= 6
    assert [t for t in owned if rep_can_write(emu, sid, t, "A1")] == []
    assert rep_can_write(emu, sid, "Deals", "C2")  # a person's column
    assert not rep_can_write(emu, sid, "Deals", "L2")  # Created on: derived


def test_derived_columns_are_protected_below_row_2000(emu, tmp_path):
    sid = emu.create_spreadsheet("Empty", {"Sheet1": []}, shared_with=[SA, "rep@example.com"], rows=3000)
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    config = load_config(
        None,
        **{
            "store.kind": "google",
            "store.spreadsheet": sid,
            "store.credentials": str(key),
            "store.endpoint": emu.url,
        },
    )
    initialise(config)
    assert not rep_can_write(emu, sid, "Deals", "L2500")


# ------------------------------------------------------------------------------------------------ hostile input


class Junk:
    """A Sheets API that answers junk: `body` with `status` to every API request."""

    def __init__(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        junk = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(junk.status)
                self.send_header("Content-Type", junk.content_type)
                self.send_header("Content-Length", str(len(junk.body)))
                self.end_headers()
                self.wfile.write(junk.body)

            do_POST = do_GET

            def log_message(self, format, *args) -> None:
                pass

        self.status, self.body, self.content_type = status, body, content_type
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Junk:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


MALFORMED = {
    "not json": (200, b"<html><body>Service Unavailable</body></html>", "text/html"),
    "truncated json": (200, b'{"sheets": [{"properties": {"sheetId": 0, "ti', "application/json"),
    "html error page": (502, b"<html><body>502 Bad Gateway</body></html>", "text/html"),
    "json of another shape": (200, b'{"sheets": [{"nothing": "here"}]}', "application/json"),
    "json list": (200, b"[1, 2, 3]", "application/json"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_api_answer_ends_in_a_clear_store_error(emu, tmp_path, case):
    status, body, kind = MALFORMED[case]
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)  # tokens from the emulator
    credentials, email = load_credentials(key)
    with Junk(status, body, kind) as junk:
        store = GoogleStore("sheet-id", credentials, email, endpoint=junk.url, attempts=2, wait=wait_none())
        with pytest.raises(SfaSyncError) as raised:
            store.read()
    assert isinstance(raised.value, StoreError), repr(raised.value)
    assert "sheet-id" in str(raised.value)


def test_an_oversized_cell_is_reported_and_the_workbook_stays_valid(emu, tmp_path):
    huge = "9" * 20_000 + "x"  # not an amount, and a cell far larger than any message should quote
    store, config = StoreMaker("xlsx", tmp_path, lambda: emu)(
        {
            spec.en: tab(
                spec,
                *([{"deal_name": "Big", "stage": "Proposal", "amount": huge}] if spec.key == "deals" else []),
            )
            for spec in INPUT_TABS
        }
    )
    report = run_cycle(store, config, TODAY)
    assert [p.cell for p in report.analysis.problems if p.tab == "Deals"] == ["H2"]
    snapshot = XlsxStore(store.path).read()
    deals = snapshot.tabs["Deals"]
    assert deals.rows[1][7] == huge
    assert all(len(text) <= 32_767 for text in deals.notes.values())  # Excel's limit for a cell or comment
    assert all(len(str(v)) <= 32_767 for row in deals.rows for v in row)


# ------------------------------------------------------------------------------------------------ timeouts


def test_a_sheets_api_slower_than_the_timeout_ends_in_a_store_error(emu, tmp_path):
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    sid = emu.create_spreadsheet("Team", {"Deals": [["Deal ID"]]}, shared_with=[SA])
    credentials, email = load_credentials(key)
    store = GoogleStore(
        sid, credentials, email, endpoint=emu.url, attempts=2, wait=wait_none(), timeout=(1, 0.3)
    )
    emu.inject_delay("spreadsheets.get", seconds=1.5, times=None)
    try:
        with pytest.raises(StoreError, match="could not be reached"):
            store.read()
    finally:
        emu.clear_faults()


def test_the_token_endpoint_has_a_timeout_too(tmp_path, emu):
    with SilentServer() as silent:
        key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
        info = json.loads(key.read_text())
        info["token_uri"] = f"http://127.0.0.1:{silent.port}/token"
        key.write_text(json.dumps(info))
        os.chmod(key, 0o600)
        credentials, email = load_credentials(key)
        store = GoogleStore(
            "sheet-id", credentials, email, endpoint=emu.url, attempts=1, wait=wait_none(), timeout=(1, 0.3)
        )
        with pytest.raises(SfaSyncError):
            store.read()


def test_smtp_and_webhook_calls_time_out_into_a_notify_error(tmp_path):
    from sync.core.config import ChatConfig, EmailConfig

    with SilentServer() as silent:
        email = EmailNotifier(
            EmailConfig(enabled=True, host="127.0.0.1", port=silent.port, security="none", timeout=0.3),
            attempts=1,
        )
        chat = ChatNotifier(
            ChatConfig(enabled=True, timeout=0.3),
            env={"SFA_SYNC_CHAT_WEBHOOK": f"http://127.0.0.1:{silent.port}/hook"},
            attempts=1,
        )
        from rules.reminders import Digest

        digest = Digest(owner="Sato", email="sato@example.com", team=None, tasks=())
        for notifier in (email, chat):
            with pytest.raises(NotifyError, match=r"did not answer in time|closed the connection"):
                notifier.send(digest, "en")
