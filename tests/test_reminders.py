"""Reminders: which tasks are due, the Reminders tab, and the job's delivered-once ledger (memory store).

Real SMTP and HTTP servers are in test_notify.py; here a recording notifier stands in for them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reports.reminders import reminders_report
from rules.reminders import digests, due_tasks
from sheets_schema.tabs import TASKS
from sync.core.config import Config, RemindersConfig
from sync.engine.analyse import read_book
from sync.engine.state.reminder_ledger import LEDGER_HEADER, LEDGER_TITLE
from sync.errors import NotifyError, StoreError
from sync.jobs.remind import is_reminder_time, run_reminders
from tests.sheets import memory_store

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=TOKYO)
EN = Config()
JA = Config(locale="ja")

TEAM = [
    {"name": "Sato", "email": "sato@example.com", "role": "Rep", "team": "East", "active": True},
    {"name": "Suzuki", "email": "suzuki@example.com", "role": "Rep", "team": "West", "active": True},
    {"name": "Tanaka", "role": "Rep", "active": True},  # no email
    {"name": "Ito", "email": "ito at example", "role": "Rep", "active": True},  # not an address
]
LEADS = [
    {"lead_id": "L-1", "company": "Acme", "email": "buyer@acme.example", "phone": "03-1111-2222"},
    {"lead_id": "L-2", "company": "Beta KK", "email": "boss@beta.example", "phone": "06-3333-4444"},
]
DEALS = [
    {"deal_id": "D-1", "lead_id": "L-1", "deal_name": "Acme rollout", "stage": "Proposal", "owner": "Sato"},
    {
        "deal_id": "D-2",
        "deal_name": "Gamma pilot",
        "company": "Gamma",
        "stage": "Negotiation",
        "owner": "Suzuki",
    },
]


def task(task_id, owner, due, **more):
    return {"task_id": task_id, "owner": owner, "due_date": due, "title": f"task {task_id}", **more}


TASK_ROWS = [
    task("T-1", "Sato", "2026-11-29", deal_id="D-1", type="First visit"),  # due soon (1 day)
    task("T-2", "sato", "2026-11-25", deal_id="D-1", type="Follow-up", status="In progress"),  # overdue
    task("T-3", "Suzuki", "2026-11-28", lead_id="L-2", type="Call"),  # due today, company via the lead
    task("T-4", "Suzuki", "2026-12-01", deal_id="D-2"),  # due soon (3 days, the default limit)
    task("T-5", "Suzuki", "2026-12-02", deal_id="D-2"),  # 4 days: not yet
    task("T-6", "Sato", "2026-11-20", status="Done"),  # done: never
    task("T-7", "Sato", "2026-11-20", status="Cancelled"),
    task(None, "Sato", "2026-11-27"),  # no id yet (the cycle assigns one): skipped
    task("T-9", "Sato", None),  # no due date: skipped
]


def store(tasks=TASK_ROWS, team=TEAM, locale="en"):
    return memory_store(locale, team=team, leads=LEADS, deals=DEALS, tasks=tasks)


def parsed(memory, config=EN):
    return read_book(memory.read(), config).book


# --- which tasks are due, the Reminders tab -----------------------------------------------------------

EXPECTED_EN = [
    ("Owner", "Kind", "Due date", "Days left", "Task", "Type", "Deal", "Company", "Task ID"),
    ("Sato", "Overdue", date(2026, 11, 25), -3, "task T-2", "Follow-up", "Acme rollout", "Acme", "T-2"),
    ("Sato", "Due soon", date(2026, 11, 29), 1, "task T-1", "First visit", "Acme rollout", "Acme", "T-1"),
    ("Suzuki", "Due today", date(2026, 11, 28), 0, "task T-3", "Call", None, "Beta KK", "T-3"),
    ("Suzuki", "Due soon", date(2026, 12, 1), 3, "task T-4", None, "Gamma pilot", "Gamma", "T-4"),
]
EXPECTED_JA = [
    ("担当者", "区分", "期日", "残り日数", "タスク", "種別", "商談", "会社名", "タスクID"),
    ("Sato", "期限超過", date(2026, 11, 25), -3, "task T-2", "フォローアップ", "Acme rollout", "Acme", "T-2"),
    ("Sato", "期限間近", date(2026, 11, 29), 1, "task T-1", "初訪", "Acme rollout", "Acme", "T-1"),
    ("Suzuki", "本日期限", date(2026, 11, 28), 0, "task T-3", "電話", None, "Beta KK", "T-3"),
    ("Suzuki", "期限間近", date(2026, 12, 1), 3, "task T-4", None, "Gamma pilot", "Gamma", "T-4"),
]


@pytest.mark.parametrize(("locale", "config", "expected"), [("en", EN, EXPECTED_EN), ("ja", JA, EXPECTED_JA)])
def test_reminders_tab_lists_due_open_tasks_grouped_by_owner(locale, config, expected):
    report = reminders_report(parsed(store(locale=locale), config), TODAY, locale, due_soon_days=3)
    assert list(report.rows) == expected
    assert report.header_rows == 1


@pytest.mark.parametrize(
    ("due_soon_days", "task_ids"),
    [(0, ["T-2", "T-3"]), (1, ["T-2", "T-1", "T-3"]), (4, ["T-2", "T-1", "T-3", "T-4", "T-5"])],
)
def test_due_soon_window_comes_from_config(due_soon_days, task_ids):
    assert [t.task_id for t in due_tasks(parsed(store()), TODAY, due_soon_days)] == task_ids


def test_no_tasks_due_gives_the_header_only():
    report = reminders_report(parsed(store(tasks=[])), TODAY, "en", due_soon_days=3)
    assert report.rows == (EXPECTED_EN[0],)


@pytest.mark.parametrize(
    ("owner", "email", "problem"),
    [
        ("Sato", "sato@example.com", None),
        ("Tanaka", None, "no_email"),
        ("Ito", None, "bad_email"),
        ("Nobody", None, "not_in_team"),
    ],
)
def test_digest_carries_the_owners_email_from_the_team_tab(owner, email, problem):
    memory = store(tasks=[task("T-1", owner, "2026-11-28")])
    [digest] = digests(parsed(memory), due_tasks(parsed(memory), TODAY, 3))
    assert (digest.owner, digest.email, digest.email_problem) == (owner, email, problem)


# --- the job: delivered once ---------------------------------------------------------------------------


class Recorder:
    """A notifier that remembers what it was asked to send; `failing` makes it raise NotifyError."""

    def __init__(self, channel="email"):
        self.channel = channel
        self.sent: list[tuple[str, tuple[str, ...]]] = []
        self.failing = False

    def send(self, digest, locale):
        if self.failing:
            raise NotifyError(f"{self.channel} for {digest.owner}: server down")
        self.sent.append((digest.owner, tuple(f"{t.task_id}:{t.kind}" for t in digest.tasks)))

    def take(self):
        sent, self.sent = self.sent, []
        return sent


def remind(memory, notifiers, now=NOW, config=EN, **options):
    return run_reminders(memory, config, now, notifiers=notifiers, **options)


def test_one_digest_per_owner_then_nothing_twice():
    memory, mail = store(), Recorder()
    outcome = remind(memory, [mail])
    assert mail.take() == [
        ("Sato", ("T-2:overdue", "T-1:due_soon")),
        ("Suzuki", ("T-3:due_today", "T-4:due_soon")),
    ]
    assert [(d.owner, d.channel, d.tasks) for d in outcome.sent] == [
        ("Sato", "email", 2),
        ("Suzuki", "email", 2),
    ]
    ledger = memory.tabs[LEDGER_TITLE]
    assert ledger.hidden
    assert ledger.rows[0] == list(LEDGER_HEADER)
    assert [r[:4] for r in ledger.rows[1:]] == [
        ["T-1", "due_soon", "2026-11-29", "email"],
        ["T-2", "overdue", "2026-11-25", "email"],
        ["T-3", "due_today", "2026-11-28", "email"],
        ["T-4", "due_soon", "2026-12-01", "email"],
    ]
    writes = memory.writes
    remind(memory, [mail])  # re-run
    remind(memory, [mail], now=NOW + timedelta(seconds=20))  # a second cycle in the same minute
    restarted = store()  # a restarted service: new store object, same sheet
    restarted.tabs = memory.read().tabs
    again = remind(restarted, [Recorder()])
    assert mail.take() == [] and again.sent == []
    assert memory.writes == writes and restarted.writes == 0  # nothing new: no ledger write either
    assert again.lines() == ["reminders: nothing to send"]


def test_a_task_is_reminded_once_per_kind_as_its_due_date_approaches():
    memory, mail = store(tasks=[task("T-1", "Sato", "2026-11-30")]), Recorder()
    days = [NOW + timedelta(days=n) for n in range(5)]  # 28th .. 2nd
    sent = []
    for day in days:
        remind(memory, [mail], now=day)
        sent.append(mail.take())
    assert sent == [
        [("Sato", ("T-1:due_soon",))],  # 28th: 2 days left
        [],  # 29th: still due soon, already said
        [("Sato", ("T-1:due_today",))],  # 30th
        [("Sato", ("T-1:overdue",))],  # 1st
        [],  # 2nd: overdue once, not every day
    ]
    assert [r[1] for r in memory.tabs[LEDGER_TITLE].rows[1:]] == ["overdue"]  # past kinds pruned


def edit_task(memory, row, key, value):
    grid = memory.tabs["Tasks"].rows
    memory.edit("Tasks", row, grid[0].index(TASKS.column(key).en), value)


def test_moving_the_due_date_reminds_again_and_done_stops_it():
    memory, mail = (
        store(tasks=[task("T-1", "Sato", "2026-11-28"), task("T-2", "Sato", "2026-11-28")]),
        Recorder(),
    )
    remind(memory, [mail])
    assert mail.take() == [("Sato", ("T-1:due_today", "T-2:due_today"))]
    edit_task(memory, 1, "due_date", "2026-11-29")  # moved to tomorrow
    edit_task(memory, 2, "status", "Done")
    remind(memory, [mail])
    assert mail.take() == [("Sato", ("T-1:due_soon",))]
    remind(memory, [mail], now=NOW + timedelta(days=3))  # T-1 now overdue; T-2 done: never again
    assert mail.take() == [("Sato", ("T-1:overdue",))]
    assert [r[0] for r in memory.tabs[LEDGER_TITLE].rows[1:]] == ["T-1"]  # T-2's entry pruned


def test_a_failed_send_is_reported_and_sent_on_the_next_run():
    memory, mail, chat = store(), Recorder("email"), Recorder("chat")
    chat.failing = True
    outcome = remind(memory, [mail, chat])
    assert [(f.owner, f.channel) for f in outcome.failures] == [("Sato", "chat"), ("Suzuki", "chat")]
    assert "reminders: FAILED chat to Sato: server down" in outcome.lines()
    assert len(mail.take()) == 2
    chat.failing = False
    outcome = remind(memory, [mail, chat])
    assert mail.take() == []  # email was delivered: not again
    assert chat.take() == [
        ("Sato", ("T-2:overdue", "T-1:due_soon")),
        ("Suzuki", ("T-3:due_today", "T-4:due_soon")),
    ]
    assert outcome.ok


def test_owners_without_a_usable_email_are_reported_and_still_get_chat():
    tasks = [
        task("T-1", "Tanaka", "2026-11-28"),
        task("T-2", "Ito", "2026-11-28"),
        task("T-3", "Nobody", "2026-11-28"),
    ]
    memory, mail, chat = store(tasks=tasks), Recorder("email"), Recorder("chat")
    outcome = remind(memory, [mail, chat])
    assert mail.take() == []
    assert [owner for owner, _ in chat.take()] == ["Ito", "Nobody", "Tanaka"]
    assert [s.reason for s in outcome.skipped] == [
        "Ito has an email on the Team tab that is not an address; fix it",
        "Nobody is not on the Team tab; add them there with an email",
        "Tanaka has no email on the Team tab; add one",
    ]
    assert outcome.ok  # a missing address is the sheet's problem, not a delivery failure


def test_dry_run_sends_and_writes_nothing():
    memory, mail = store(), Recorder()
    outcome = remind(memory, [mail], dry_run=True)
    assert mail.take() == [] and memory.writes == 0
    assert [(channel, d.owner, len(d.tasks)) for channel, d in outcome.planned] == [
        ("email", "Sato", 2),
        ("email", "Suzuki", 2),
    ]


class CrashingStore:
    """A store whose ledger writes fail from the n-th on (a crash between a send and its record)."""

    def __init__(self, inner, fail_from):
        self.inner, self.fail_from, self.calls = inner, fail_from, 0

    def read(self):
        return self.inner.read()

    def write(self, changes):
        self.calls += 1
        if self.calls >= self.fail_from:
            raise StoreError("disk gone")
        return self.inner.write(changes)


def test_a_crash_after_a_send_repeats_at_most_that_one_digest():
    memory, mail = store(), Recorder()
    with pytest.raises(StoreError):
        remind(CrashingStore(memory, fail_from=2), [mail])  # Sato recorded; Suzuki sent, record lost
    assert [owner for owner, _ in mail.take()] == ["Sato", "Suzuki"]
    remind(memory, [mail])
    assert mail.take() == [("Suzuki", ("T-3:due_today", "T-4:due_soon"))]  # only that one digest again


def test_the_ledger_is_kept_when_the_tasks_tab_cannot_be_read():
    memory, mail = store(), Recorder()
    remind(memory, [mail])
    ledger_rows = memory.tabs[LEDGER_TITLE].rows
    tasks_tab = memory.tabs.pop("Tasks")
    remind(memory, [mail])
    assert memory.tabs[LEDGER_TITLE].rows == ledger_rows
    memory.tabs["Tasks"] = tasks_tab
    remind(memory, [mail])
    assert mail.take() == [
        ("Sato", ("T-2:overdue", "T-1:due_soon")),
        ("Suzuki", ("T-3:due_today", "T-4:due_soon")),
    ]


def test_local_today_is_the_teams_day_not_the_servers():
    memory, mail = store(tasks=[task("T-1", "Sato", "2026-11-29")]), Recorder()
    utc_evening = datetime(2026, 11, 28, 16, 0, tzinfo=ZoneInfo("UTC"))  # already the 29th in Tokyo
    remind(memory, [mail], now=utc_evening)
    assert mail.take() == [("Sato", ("T-1:due_today",))]


def test_owner_names_match_like_the_sheet_does():
    memory = store(tasks=[task("T-1", " ＳＡＴＯ ", "2026-11-28")])  # full-width, padded
    [digest] = digests(parsed(memory), due_tasks(parsed(memory), TODAY, 3))
    assert (digest.owner, digest.email, digest.team) == ("Sato", "sato@example.com", "East")


@pytest.mark.parametrize(
    ("local_time", "last_run_day", "due"),
    [
        ("08:59", None, False),
        ("09:00", None, True),
        ("17:30", None, True),  # the service was down at 09:00: catch up
        ("09:05", TODAY, False),  # already ran today
        ("09:05", TODAY - timedelta(days=1), True),
    ],
)
def test_the_service_loop_runs_the_job_once_a_day_at_the_configured_local_time(local_time, last_run_day, due):
    config = Config(reminders=RemindersConfig(at="09:00"))
    hour, minute = map(int, local_time.split(":"))
    now = datetime(2026, 11, 28, hour, minute, tzinfo=TOKYO).astimezone(
        ZoneInfo("UTC")
    )  # server clock in UTC
    assert is_reminder_time(config, now, last_run_day) is due
