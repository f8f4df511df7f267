"""Reminders over real servers on loopback: aiosmtpd for email, an HTTP server for the chat webhook.

We read what arrived: the right people, the right tasks, both locales; nothing twice; nothing lost when a
server refuses or times out; no password, webhook URL or lead phone/email in any log line.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from openpyxl import load_workbook
from tenacity import wait_none

from sync.cli.remind_command import remind
from sync.config_file import load_config
from sync.core.config import ChatConfig, Config, EmailConfig, RemindersConfig
from sync.engine.state.reminder_ledger import LEDGER_TITLE
from sync.jobs.cycle import run_cycle
from sync.jobs.remind import run_reminders
from sync.jobs.setup import initialise
from sync.notify.chat import ChatNotifier
from sync.notify.email import EmailNotifier
from sync.stores.xlsx import XlsxStore
from tests.notify_servers import SilentServer, SmtpServer, WebhookServer, free_port, self_signed
from tests.test_reminders import LEADS, NOW, TEAM, TODAY, store, task

PASSWORD = "s3cret-pass-XYZ"
HOOK_PATH = "/v1/spaces/AAAA/messages?key=KEY-1234&token=TOKEN-5678"
EAST_PATH = "/services/T000/B000/east-secret-0001"
LEAD_SECRETS = [value for lead in LEADS for value in (lead["email"], lead["phone"])]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def hook():
    with WebhookServer() as server:
        yield server


def email_config(port, security="none", **more):
    return EmailConfig(enabled=True, host="127.0.0.1", port=port, security=security, timeout=2, **more)


def mailer(config, certificate=None, env=None, attempts=2):
    context = certificate.client_context() if certificate else None
    return EmailNotifier(config, env or {}, tls_context=context, attempts=attempts, wait=wait_none())


def chatter(config, env, attempts=3):
    return ChatNotifier(config, env, attempts=attempts, wait=wait_none())


def config_for(locale="en", **reminders):
    return Config(locale=locale, reminders=RemindersConfig(**reminders))


# --- email ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "sato_subject", "sato_lines", "suzuki_lines"),
    [
        (
            "en",
            "[sfa-sync] Task reminders: 1 overdue, 1 due soon",
            [
                "Overdue (1)",
                "- 2026-11-25 (3 days overdue) task T-2 [Follow-up] — Acme rollout / Acme (T-2)",
                "Due soon (1)",
                "- 2026-11-29 (in 1 day) task T-1 [First visit] — Acme rollout / Acme (T-1)",
            ],
            [
                "Due today (1)",
                "- 2026-11-28 (today) task T-3 [Call] — Beta KK (T-3)",
                "- 2026-12-01 (in 3 days) task T-4 — Gamma pilot / Gamma (T-4)",
            ],
        ),
        (
            "ja",
            "[sfa-sync] タスクのリマインダー: 期限超過 1件、期限間近 1件",
            [
                "期限超過 (1)",
                "- 2026-11-25 (3日超過) task T-2 [フォローアップ] — Acme rollout / Acme (T-2)",
                "期限間近 (1)",
                "- 2026-11-29 (あと1日) task T-1 [初訪] — Acme rollout / Acme (T-1)",
            ],
            ["本日期限 (1)", "- 2026-11-28 (本日) task T-3 [電話] — Beta KK (T-3)"],
        ),
    ],
)
def test_each_owner_gets_one_email_with_their_tasks(smtp, locale, sato_subject, sato_lines, suzuki_lines):
    memory = store(locale=locale)
    outcome = run_reminders(memory, config_for(locale), NOW, notifiers=[mailer(email_config(smtp.port))])
    assert outcome.ok
    assert sorted(m.recipients[0] for m in smtp.inbox.messages) == ["sato@example.com", "suzuki@example.com"]
    [sato] = smtp.inbox.to("sato@example.com")
    assert sato.message["Subject"] == sato_subject
    assert sato.message["From"] == "sfa-sync@localhost"
    for line in sato_lines:
        assert line in sato.plain.splitlines()
    assert "task T-3" not in sato.plain  # Suzuki's task
    assert "<td>task T-1</td>" in sato.html and "<td>Acme rollout</td>" in sato.html
    [suzuki] = smtp.inbox.to("suzuki@example.com")
    for line in suzuki_lines:
        assert line in suzuki.plain.splitlines()
    run_reminders(
        memory, config_for(locale), NOW + timedelta(seconds=30), notifiers=[mailer(email_config(smtp.port))]
    )
    assert len(smtp.inbox.messages) == 2  # nothing twice


def test_starttls_with_login_and_the_password_from_the_environment(certificate, caplog):
    caplog.set_level(logging.DEBUG)
    with SmtpServer("starttls", certificate) as server:
        config = email_config(server.port, "starttls", user="sfa", password_env="TEST_SMTP_PW")
        notifier = mailer(config, certificate, env={"TEST_SMTP_PW": PASSWORD})
        outcome = run_reminders(store(), config_for(), NOW, notifiers=[notifier])
    assert outcome.ok
    assert server.inbox.logins == [("sfa", PASSWORD), ("sfa", PASSWORD)]
    assert len(server.inbox.messages) == 2
    assert PASSWORD not in caplog.text


def test_implicit_ssl(certificate):
    with SmtpServer("ssl", certificate) as server:
        outcome = run_reminders(
            store(), config_for(), NOW, notifiers=[mailer(email_config(server.port, "ssl"), certificate)]
        )
    assert outcome.ok and len(server.inbox.messages) == 2


def test_a_wrong_password_is_reported_without_the_password(certificate, caplog):
    caplog.set_level(logging.DEBUG)
    with SmtpServer("starttls", certificate) as server:
        config = email_config(server.port, "starttls", user="sfa", password_env="TEST_SMTP_PW")
        notifier = mailer(config, certificate, env={"TEST_SMTP_PW": "wrong-" + PASSWORD})
        outcome = run_reminders(store(), config_for(), NOW, notifiers=[notifier])
    assert [f.owner for f in outcome.failures] == ["Sato", "Suzuki"]
    assert outcome.failures[0].reason == (
        "email to Sato: the SMTP server refused the login of reminders.email.user (535) "
        f"(SMTP 127.0.0.1:{server.port}); the reminders stay due for the next run"
    )
    assert len(server.inbox.logins) == 4  # smtplib tries PLAIN, then LOGIN; once per owner: not retried
    assert PASSWORD not in caplog.text and all(PASSWORD not in f.reason for f in outcome.failures)


def test_a_missing_password_variable_names_the_variable():
    config = email_config(free_port(), user="sfa", password_env="TEST_SMTP_PW")
    outcome = run_reminders(store(), config_for(), NOW, notifiers=[mailer(config)])
    assert "environment variable TEST_SMTP_PW (the SMTP password for reminders.email.user) is not set" in (
        outcome.failures[0].reason
    )


def test_a_refusing_server_loses_nothing(caplog):
    port = free_port()  # nothing listens there yet
    memory = store()
    first = run_reminders(memory, config_for(), NOW, notifiers=[mailer(email_config(port))])
    assert [(f.owner, f.channel) for f in first.failures] == [("Sato", "email"), ("Suzuki", "email")]
    assert "the SMTP server refused the connection" in first.failures[0].reason
    assert "attempt 1 failed (the SMTP server refused the connection); retrying" in caplog.text
    with SmtpServer(port=port) as server:
        second = run_reminders(
            memory, config_for(), NOW + timedelta(minutes=5), notifiers=[mailer(email_config(port))]
        )
    assert second.ok and len(server.inbox.messages) == 2


def test_a_server_that_times_out_loses_nothing():
    memory = store(tasks=[task("T-1", "Sato", "2026-11-28")])
    with SilentServer() as silent:
        config = email_config(silent.port).model_copy(update={"timeout": 0.2})
        first = run_reminders(memory, config_for(), NOW, notifiers=[mailer(config)])
    assert "the SMTP server did not answer in time" in first.failures[0].reason
    with SmtpServer() as server:
        run_reminders(memory, config_for(), NOW, notifiers=[mailer(email_config(server.port))])
    assert [m.recipients for m in server.inbox.messages] == [["sato@example.com"]]


# --- chat ----------------------------------------------------------------------------------------------


def test_google_chat_digest_per_owner(hook):
    env = {"SFA_SYNC_CHAT_WEBHOOK": hook.url + HOOK_PATH}
    memory = store()
    outcome = run_reminders(memory, config_for(), NOW, notifiers=[chatter(ChatConfig(enabled=True), env)])
    assert outcome.ok
    assert [p.path for p in hook.posts] == [HOOK_PATH, HOOK_PATH]
    assert hook.texts() == [
        "*Tasks for Sato*\n*Overdue* (1)\n• 2026-11-25 (3 days overdue) task T-2 [Follow-up] — Acme rollout / Acme (T-2)\n"
        "*Due soon* (1)\n• 2026-11-29 (in 1 day) task T-1 [First visit] — Acme rollout / Acme (T-1)",
        "*Tasks for Suzuki*\n*Due today* (1)\n• 2026-11-28 (today) task T-3 [Call] — Beta KK (T-3)\n"
        "*Due soon* (1)\n• 2026-12-01 (in 3 days) task T-4 — Gamma pilot / Gamma (T-4)",
    ]
    assert set(hook.posts[0].payload) == {"text"}
    run_reminders(memory, config_for(), NOW, notifiers=[chatter(ChatConfig(enabled=True), env)])
    assert len(hook.posts) == 2


def test_slack_blocks_in_japanese_and_a_webhook_per_team(hook):
    config = ChatConfig(enabled=True, kind="slack", per_team={"east": "TEST_EAST_HOOK"})
    env = {"SFA_SYNC_CHAT_WEBHOOK": hook.url + HOOK_PATH, "TEST_EAST_HOOK": hook.url + EAST_PATH}
    run_reminders(store(locale="ja"), config_for("ja"), NOW, notifiers=[chatter(config, env)])
    by_path = {p.path: p.payload for p in hook.posts}
    assert by_path[EAST_PATH]["text"].startswith("*Satoさんのタスク*\n*期限超過* (1)")  # Sato is in East
    assert by_path[HOOK_PATH]["text"].startswith("*Suzukiさんのタスク*\n*本日期限* (1)")  # West: the default
    assert by_path[EAST_PATH]["blocks"] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": by_path[EAST_PATH]["text"]}}
    ]


def test_a_failing_webhook_is_retried_then_reported_and_sent_next_run(hook, caplog):
    caplog.set_level(logging.DEBUG)
    env = {"SFA_SYNC_CHAT_WEBHOOK": hook.url + HOOK_PATH}
    memory = store(tasks=[task("T-1", "Sato", "2026-11-28")])
    hook.fail_next = 1  # one 500, then fine: the retry delivers it
    assert run_reminders(memory, config_for(), NOW, notifiers=[chatter(ChatConfig(enabled=True), env)]).ok
    assert (hook.attempts, len(hook.posts)) == (2, 1)
    memory.edit("Tasks", 1, 6, "2026-11-29")  # moved: due again
    hook.fail_next, hook.fail_status = 10, 503
    failed = run_reminders(
        memory, config_for(), NOW, notifiers=[chatter(ChatConfig(enabled=True), env, attempts=3)]
    )
    assert failed.failures[0].reason == (
        "chat message for Sato: the webhook answered HTTP 503 (webhook from $SFA_SYNC_CHAT_WEBHOOK); "
        "the reminders stay due for the next run"
    )
    assert hook.attempts == 5
    hook.fail_next = 0
    run_reminders(memory, config_for(), NOW, notifiers=[chatter(ChatConfig(enabled=True), env)])
    assert [t.splitlines()[1] for t in hook.texts()] == ["*Due today* (1)", "*Due soon* (1)"]
    for secret in ("KEY-1234", "TOKEN-5678", "/v1/spaces/AAAA"):  # the host of a webhook is no secret
        assert secret not in caplog.text
    assert "***" in caplog.text  # urllib3's request line was logged, redacted


def test_a_revoked_webhook_is_not_retried(hook):
    env = {"SFA_SYNC_CHAT_WEBHOOK": hook.url + HOOK_PATH}
    hook.fail_next, hook.fail_status = 5, 404
    outcome = run_reminders(store(), config_for(), NOW, notifiers=[chatter(ChatConfig(enabled=True), env)])
    assert "HTTP 404; check the webhook" in outcome.failures[0].reason
    assert hook.attempts == 2  # one per owner


def test_an_unreachable_webhook_keeps_its_url_out_of_the_reason():
    url = f"http://127.0.0.1:{free_port()}{HOOK_PATH}"
    outcome = run_reminders(
        store(),
        config_for(),
        NOW,
        notifiers=[chatter(ChatConfig(enabled=True), {"SFA_SYNC_CHAT_WEBHOOK": url}, attempts=2)],
    )
    assert outcome.failures[0].reason == (
        "chat message for Sato: cannot connect to the webhook (webhook from $SFA_SYNC_CHAT_WEBHOOK); "
        "the reminders stay due for the next run"
    )


# --- the whole job: logs, config, CLI, xlsx ------------------------------------------------------------


def test_no_secret_or_lead_contact_in_any_log_line(smtp, hook, certificate, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SFA_SYNC_CHAT_WEBHOOK", hook.url + HOOK_PATH)
    team = [*TEAM[:2], {"name": "Tanaka", "email": "not-an-address", "active": True}]
    memory = store(
        team=team,
        tasks=[
            task("T-1", "Sato", "2026-11-28", deal_id="D-1"),
            task("T-2", "Tanaka", "2026-11-28", lead_id="L-2"),
        ],
    )
    config = config_for(email=email_config(smtp.port), chat=ChatConfig(enabled=True))
    outcome = run_reminders(memory, config, NOW)  # the notifiers the config describes
    assert [(d.owner, d.channel) for d in outcome.sent] == [
        ("Sato", "email"),
        ("Sato", "chat"),
        ("Tanaka", "chat"),
    ]
    assert "reminders: sent email to Sato (1 task)" in caplog.text
    logged = caplog.text + "\n".join(outcome.lines())
    for secret in [*LEAD_SECRETS, "KEY-1234", "TOKEN-5678", "/v1/spaces/AAAA", "not-an-address"]:
        assert secret not in logged


def test_remind_command_dry_run_prints_and_writes_nothing(tmp_path):
    path = workbook_with_tasks(tmp_path)
    before = path.read_bytes()
    result = invoke_at_now(remind, ["--workbook", str(path), "--dry-run"])
    assert result.output.splitlines()[0] == (  # the digest, and that no channel would carry it
        "--- Sato (1 task): would not be sent: no channel configured — set [reminders.email] or "
        "[reminders.chat]"
    )
    assert result.output.endswith(
        "reminders: no channel is enabled; set reminders.email.enabled = true and/or "
        "reminders.chat.enabled = true in the config\n"
    )
    toml = tmp_path / "sfa-sync.toml"
    toml.write_text('[reminders.email]\nenabled = true\nhost = "127.0.0.1"\nport = 9\n', encoding="utf-8")
    result = invoke_at_now(remind, ["--config", str(toml), "--workbook", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "--- would send email to Sato <sato@example.com> (" in result.output
    assert "- 2026-11-28 (today) Visit Acme [First visit] — Acme rollout / Acme (T-000001)" in result.output
    assert path.read_bytes() == before


def test_remind_command_sends_and_exits_9_on_failure(tmp_path, smtp, monkeypatch):
    path = workbook_with_tasks(tmp_path)
    toml = tmp_path / "sfa-sync.toml"
    toml.write_text(
        f'[store]\npath = "{path.name}"\n[reminders.email]\nenabled = true\nhost = "127.0.0.1"\n'
        f'port = {smtp.port}\nsecurity = "none"\n',
        encoding="utf-8",
    )
    result = invoke_at_now(remind, ["--config", str(toml)])
    assert result.exit_code == 0, result.output
    assert "reminders: sent email to Sato (1 task)" in result.output
    assert [m.recipients for m in smtp.inbox.messages] == [["sato@example.com"]]
    toml.write_text(toml.read_text().replace(str(smtp.port), str(free_port())), encoding="utf-8")
    load_workbook_rows_add_task(path)
    monkeypatch.setattr("sync.notify.base.DEFAULT_WAIT", wait_none())
    result = invoke_at_now(remind, ["--config", str(toml)])
    assert "reminders: FAILED email to Sato" in result.output
    assert result.exception is not None and result.exception.exit_code == 9


def invoke_at_now(command, args):
    """The CLI reads the clock for 'today'; the tests fix it at NOW (whatever the machine's date)."""
    with time_machine.travel(NOW, tick=False):
        return CliRunner().invoke(command, args)


def workbook_with_tasks(tmp_path: Path) -> Path:
    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"store.path": str(path)}))
    wb = load_workbook(path)
    wb["Team"].append(["Sato", "sato@example.com", "Rep", None, "East", True])
    wb["Leads"].append(["L-1", "Acme", "Buyer", None, "buyer@acme.example", "03-1111-2222"])
    wb["Deals"].append(["D-1", "L-1", "Acme rollout", None, "Sato", None, "Proposal"])
    today = TODAY
    wb["Tasks"].append(["T-000001", "D-1", None, "First visit", "Visit Acme", "Sato", today, "Open"])
    wb.save(path)
    return path


def load_workbook_rows_add_task(path: Path) -> None:
    wb = load_workbook(path)
    today = TODAY
    wb["Tasks"].append(["T-000002", "D-1", None, "Call", "Call Acme", "Sato", today, "Open"])
    wb.save(path)


def test_the_ledger_tab_is_hidden_in_the_xlsx_and_survives_a_cycle(tmp_path, smtp):
    path = workbook_with_tasks(tmp_path)
    config = load_config(None, **{"store.path": str(path)})
    now = NOW
    run_reminders(XlsxStore(path), config, now, notifiers=[mailer(email_config(smtp.port))])
    assert load_workbook(path)[LEDGER_TITLE].sheet_state == "hidden"
    run_cycle(XlsxStore(path), config, now.date())
    sheet = load_workbook(path)[LEDGER_TITLE]
    assert sheet.sheet_state == "hidden"
    assert [c.value for c in sheet[2]][:4] == ["T-000001", "due_today", now.date().isoformat(), "email"]
    again = run_reminders(XlsxStore(path), config, now, notifiers=[mailer(email_config(smtp.port))])
    assert again.sent == [] and len(smtp.inbox.messages) == 1
