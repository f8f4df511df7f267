"""The reminder job: one digest per owner per run, by email and/or chat, each delivered once.

    read      one read of the store; parse with read_book; today in the team's time zone
    digests   rules.reminders: open tasks overdue / due today / due soon, one digest per owner
    ledger    the hidden tab _sfa_reminders: what was delivered (task id, kind, due date, channel)
    send      per owner, per channel, only what the ledger does not have yet
    record    write the ledger after each owner's digest

Why write the ledger after each owner (and not once at the end): the only way to lose the record of a
delivery is a crash (or a failed ledger write) between a send and the following ledger write. With one
write per owner that window holds at most one digest, which the next run sends again — at-least-once,
and exactly once barring that crash. A single write at the end would repeat every digest of the run
after a crash in the middle. Recording *before* sending is not an option: a crash after the record
would lose the reminder. The cost is one write request per owner who got something, on a job that runs
once a day, well inside Google's 60 writes a minute. If a ledger write fails, the job stops there
(raising the store's error) rather than send more digests it cannot record.

Both channels of one owner go out before that owner's ledger write, so a crash there repeats that
owner's digest on the channels it had reached — still "that one digest".

The job never edits input tabs, so it cannot disturb what people type; it rewrites only its own tab.
It should run after the cycle's write (the cycle assigns task ids; tasks without one are not reminded
yet) and under the same lease as the cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rules.reminders import Digest, Ledger, digests, due_tasks, pending, pruned
from sheets_schema.locale import Locale
from sync.core.changes import CellValue, ChangeSet, TabContent
from sync.core.config import Config
from sync.engine.analyse import read_book
from sync.engine.sheet_locale import with_sheet_locale
from sync.engine.state.reminder_ledger import LEDGER_TITLE, ledger_rows, read_ledger
from sync.errors import NotifyError
from sync.jobs.cycle import local_today
from sync.notify.base import Notifier
from sync.stores.base import Store

log = logging.getLogger(__name__)


EMAIL_PROBLEMS = {  # (English, Japanese), each after the owner's name
    "not_in_team": (
        "is not on the Team tab; add them there with an email",
        "はチームタブにいません。メールアドレスと一緒に追加してください",
    ),
    "inactive": ("is marked inactive on the Team tab", "はチームタブで無効になっています"),
    "no_email": (
        "has no email on the Team tab; add one",
        "はチームタブにメールアドレスがありません。追加してください",
    ),
    "bad_email": (
        "has an email on the Team tab that is not an address; fix it",
        "のチームタブのメールアドレスが正しくありません。直してください",
    ),
}


NO_CHANNEL = "none"  # the channel of a dry run's digest when no channel is configured


@dataclass(frozen=True)
class Delivery:
    owner: str
    channel: str
    tasks: int


@dataclass(frozen=True)
class Failure:
    owner: str
    channel: str
    reason: str  # safe to log and show: no password, webhook URL or personal data of leads


@dataclass
class ReminderOutcome:
    today: date
    sent: list[Delivery] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Failure] = field(default_factory=list)  # owners who cannot be reached on a channel
    # dry run: (channel, digest) not sent; channel NO_CHANNEL when none is configured
    planned: list[tuple[str, Digest]] = field(default_factory=list)
    ledger_writes: int = 0
    locale: Locale = "en"  # the sheet's language, for what the run says

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self, locale: Locale | None = None) -> list[str]:
        """One line per event, for the command line in the sheet's language (`locale`: another one, e.g.
        English for the process log)."""
        if (locale or self.locale) == "ja":
            lines = [f"リマインダー: {d.owner} に {d.channel} で送信(タスク {d.tasks} 件)" for d in self.sent]
            lines += [
                f"リマインダー: {f.owner} への {f.channel} の送信に失敗: {without_subject(f.reason, f.owner)}"
                for f in self.failures
            ]
            lines += [
                f"リマインダー: {s.owner} への {s.channel} は送れません: {s.reason}" for s in self.skipped
            ]
            nothing = "リマインダー: 送るものはありません"
        else:
            lines = [f"reminders: sent {d.channel} to {d.owner} ({tasks(d.tasks)})" for d in self.sent]
            lines += [
                f"reminders: FAILED {f.channel} to {f.owner}: {without_subject(f.reason, f.owner)}"
                for f in self.failures
            ]
            lines += [f"reminders: skipped {s.channel} to {s.owner}: {s.reason}" for s in self.skipped]
            nothing = "reminders: nothing to send"
        if not lines and not self.planned:
            lines.append(nothing)
        return lines


def tasks(count: int) -> str:
    """'1 task', '2 tasks'."""
    return f"{count} task" if count == 1 else f"{count} tasks"


def is_reminder_time(config: Config, now: datetime, last_run_day: date | None) -> bool:
    """For the service loop: run the job once a day, at the first check at or after reminders.at (local
    time). `last_run_day` is the local day it last ran (kept in memory; after a restart the job runs once
    more that day, which sends nothing twice thanks to the ledger)."""
    local = now.astimezone(config.zone)
    hour, minute = (int(part) for part in config.reminders.at.split(":"))
    return local.date() != last_run_day and (local.hour, local.minute) >= (hour, minute)


def default_notifiers(config: Config) -> list[Notifier]:
    from sync.notify.chat import ChatNotifier
    from sync.notify.email import EmailNotifier

    found: list[Notifier] = []
    if config.reminders.email.enabled:
        found.append(EmailNotifier(config.reminders.email))
    if config.reminders.chat.enabled:
        found.append(ChatNotifier(config.reminders.chat))
    return found


def run_reminders(
    store: Store,
    config: Config,
    now: datetime,
    dry_run: bool = False,
    notifiers: Sequence[Notifier] | None = None,
) -> ReminderOutcome:
    """Send each owner the reminders not yet delivered; record them in the ledger tab (not when dry_run)."""
    snapshot = store.read()
    config = with_sheet_locale(config, snapshot)  # reminders in the sheet's language
    locale: Locale = config.locale
    today = local_today(config, now)
    outcome = ReminderOutcome(today, locale=locale)
    book = read_book(snapshot, config).book
    current = snapshot.tabs.get(LEDGER_TITLE)
    ledger = pruned(read_ledger(current), book, today)
    channels = list(default_notifiers(config) if notifiers is None else notifiers)
    stamp = now.astimezone(config.zone).isoformat(timespec="seconds")
    written = current.rows if current is not None else None
    for digest in digests(book, due_tasks(book, today, config.reminders.due_soon_days)):
        if dry_run and not channels:  # show what is due all the same: the reason to configure a channel
            outcome.planned.append((NO_CHANNEL, digest))
            continue
        delivered = False
        for notifier in channels:
            part = pending(digest, ledger, notifier.channel)
            if part is None:
                continue
            if notifier.channel == "email" and part.email_problem:
                english, japanese = EMAIL_PROBLEMS[part.email_problem]
                reason = f"{part.owner} {japanese if locale == 'ja' else english}"
                outcome.skipped.append(Failure(part.owner, notifier.channel, reason))
                log.warning(
                    "reminders: %s %s: no email sent (%s stay due)",
                    part.owner,
                    english,
                    tasks(len(part.tasks)),
                )
                continue
            if dry_run:
                outcome.planned.append((notifier.channel, part))
                continue
            if _send(notifier, part, locale, outcome):
                for task in part.tasks:
                    ledger.record(task, notifier.channel, stamp)
                delivered = True
        if delivered:
            written = _write_ledger(store, ledger, outcome)
    if not dry_run and not _same_rows(written, ledger_rows(ledger)):
        _write_ledger(store, ledger, outcome)  # pruning only, or the ledger tab does not exist yet
    return outcome


def _send(notifier: Notifier, digest: Digest, locale: Locale, outcome: ReminderOutcome) -> bool:
    try:
        notifier.send(digest, locale)
    except NotifyError as failed:
        outcome.failures.append(Failure(digest.owner, notifier.channel, str(failed)))
        log.error("reminders: %s", failed)
        return False
    outcome.sent.append(Delivery(digest.owner, notifier.channel, len(digest.tasks)))
    n = len(digest.tasks)
    log.info(
        "reminders: sent %s to %s (%d %s)", notifier.channel, digest.owner, n, "task" if n == 1 else "tasks"
    )
    return True


def without_subject(reason: str, owner: str) -> str:
    """A notifier's error starts with what it was sending ("email to Sato: …"); the outcome's line names
    the channel and the owner already ("FAILED email to Sato: …"), so that part is said once."""
    subject, colon, rest = reason.partition(": ")
    return rest if colon and owner in subject else reason


def _write_ledger(store: Store, ledger: Ledger, outcome: ReminderOutcome) -> list[list[Any]]:
    rows = ledger_rows(ledger)
    store.write(ChangeSet(tabs=[TabContent(LEDGER_TITLE, rows, hidden=True)]))
    outcome.ledger_writes += 1
    return [list(r) for r in rows]


def _same_rows(current: list[list[Any]] | None, desired: tuple[tuple[CellValue, ...], ...]) -> bool:
    if current is None:
        return False
    trimmed = [_trim(list(r)) for r in current]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed == [_trim(list(r)) for r in desired]


def _trim(row: list[Any]) -> list[Any]:
    while row and row[-1] in (None, ""):
        row.pop()
    return [str(v) for v in row]
