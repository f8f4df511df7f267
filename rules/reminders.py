"""Which open tasks are due for a reminder, grouped into one digest per owner. Pure: `today` is a parameter.

A task is reminded when it is open, has a task id, an owner and a due date, and is

    overdue    due date before today
    due_today  due date is today
    due_soon   due within `due_soon_days` days after today (1..N)

Tasks without an id, owner or due date are skipped here: the cycle flags them in their row.

Delivered once — the ledger key is (task id, kind, due date, channel):
- once per kind per due date: a task reminded as due_soon is reminded again when it becomes due_today and
  again when it becomes overdue. That is what sales teams expect from "notify tasks near their due date":
  a heads-up, a same-day nudge and an overdue alert — but never the same alert twice.
- overdue is reminded once (not every day) for a given due date: a rep who ignores it sees it on the
  Reminders tab and in the Manager Review, not in a daily mail they learn to ignore.
- the due date is part of the key: a task whose due date moves is reminded again for the new date.
- the channel is part of the key: email and chat are delivered (and retried) independently, so a chat
  outage never makes an email go out twice and vice versa.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from rules.book import Book, key_of
from rules.derived_columns import is_open_task
from sheets_schema.models import Deal, Task

T = TypeVar("T")

KINDS = ("overdue", "due_today", "due_soon")

LedgerKey = tuple[str, str, str, str]  # (folded task id, kind, due date ISO, channel)


@dataclass(frozen=True)
class DueTask:
    task_id: str  # as typed
    kind: str  # one of KINDS
    due_date: date
    days_left: int  # negative when overdue
    title: str | None
    type: str | None  # TASK_TYPES key
    owner: str  # the owner's name (the Team tab's spelling when found there)
    deal_id: str | None
    deal_name: str | None
    company: str | None

    def key(self, channel: str) -> LedgerKey:
        return ledger_key(self.task_id, self.kind, self.due_date, channel)


@dataclass(frozen=True)
class Digest:
    """One owner's reminders for one run: sent as one message per channel."""

    owner: str
    email: str | None  # None: the owner is not on the Team tab, or has no valid email there
    team: str | None
    tasks: tuple[DueTask, ...]
    email_problem: str | None = None  # "not_in_team" / "no_email" / "bad_email" / "inactive"

    def by_kind(self, kind: str) -> tuple[DueTask, ...]:
        return tuple(t for t in self.tasks if t.kind == kind)


@dataclass
class Ledger:
    """What was delivered: ledger key -> when (ISO text). Order of insertion is kept for stable output."""

    sent: dict[LedgerKey, str] = field(default_factory=dict)
    display_ids: dict[str, str] = field(default_factory=dict)  # folded id -> id as typed

    def has(self, key: LedgerKey) -> bool:
        return key in self.sent

    def record(self, task: DueTask, channel: str, when: str) -> None:
        key = task.key(channel)
        self.sent[key] = when
        self.display_ids[key[0]] = task.task_id


def ledger_key(task_id: str, kind: str, due: date, channel: str) -> LedgerKey:
    return (key_of(task_id) or "", kind, due.isoformat(), channel)


def kind_of(due: date, today: date, due_soon_days: int) -> str | None:
    days = (due - today).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "due_today"
    if days <= due_soon_days:
        return "due_soon"
    return None


def due_tasks(book: Book, today: date, due_soon_days: int) -> list[DueTask]:
    """Open tasks that are overdue, due today or due soon; sorted by owner, due date, task id."""
    found = []
    for row in book.rows("tasks"):
        task = row.model
        if not (task.task_id and task.owner and task.due_date) or not is_open_task(task):
            continue
        kind = kind_of(task.due_date, today, due_soon_days)
        if kind is None:
            continue
        found.append(_due_task(book, task, kind, today))
    return sorted(found, key=lambda t: (key_of(t.owner) or "", t.due_date, key_of(t.task_id) or ""))


def _due_task(book: Book, task: Task, kind: str, today: date) -> DueTask:
    assert task.task_id and task.owner and task.due_date, "due_tasks passes only tasks with all three"
    deal = _first(book.deals_by_id.get(key_of(task.deal_id) or "")) if task.deal_id else None
    member = book.member(task.owner)
    return DueTask(
        task_id=task.task_id,
        kind=kind,
        due_date=task.due_date,
        days_left=(task.due_date - today).days,
        title=task.title,
        type=task.type,
        owner=(member.name if member is not None and member.name else task.owner),
        deal_id=task.deal_id,
        deal_name=deal.deal_name if deal is not None else None,
        company=_company(book, task, deal),
    )


def _company(book: Book, task: Task, deal: Deal | None) -> str | None:
    """The deal's company; else the company of the deal's lead; else of the task's own lead."""
    if deal is not None and deal.company:
        return deal.company
    for lead_id in (deal.lead_id if deal is not None else None, task.lead_id):
        lead = _first(book.leads_by_id.get(key_of(lead_id) or "")) if lead_id else None
        if lead is not None and lead.company:
            return lead.company
    return None


def _first(items: list[T] | None) -> T | None:
    return items[0] if items else None


def digests(book: Book, tasks: Iterable[DueTask]) -> list[Digest]:
    """One digest per owner (owners compared trimmed, case- and width-insensitive), sorted by owner."""
    grouped: dict[str, list[DueTask]] = {}
    for task in tasks:
        grouped.setdefault(key_of(task.owner) or "", []).append(task)
    result = []
    for owner_key in sorted(grouped):
        owned = grouped[owner_key]
        email, problem = owner_email(book, owned[0].owner)
        member = book.member(owned[0].owner)
        team = member.team if member is not None else None
        result.append(Digest(owned[0].owner, email, team, tuple(owned), problem))
    return result


def owner_email(book: Book, owner: str) -> tuple[str | None, str | None]:
    """(email, None) when the owner can be mailed, else (None, why): not_in_team, inactive, no_email, bad_email."""
    if not book.has("team"):
        return None, "not_in_team"
    for row in book.rows("team"):
        member = row.model
        if key_of(member.name) != key_of(owner):
            continue
        if member.active is False:
            return None, "inactive"
        if member.email:
            return member.email, None
        bad = any(p.message.code == "not_email" for p in row.problems)
        return None, "bad_email" if bad else "no_email"
    return None, "not_in_team"


def pending(digest: Digest, ledger: Ledger, channel: str) -> Digest | None:
    """The part of a digest not yet delivered on `channel`; None when everything was."""
    unsent = tuple(t for t in digest.tasks if not ledger.has(t.key(channel)))
    return replace(digest, tasks=unsent) if unsent else None


def still_useful(key: LedgerKey, tasks_by_id: Mapping[str, Sequence[Task]], today: date) -> bool:
    """Whether a ledger entry can still stop a reminder, i.e. must be kept.

    An entry is dropped when its task is gone, done or cancelled, or now has another due date, or when its
    kind can no longer come back (due_soon / due_today for a date already past). An entry for an open
    overdue task is kept however old: dropping it would send that overdue reminder again. So the ledger
    stays bounded by the open tasks (at most one overdue entry each per channel, plus the upcoming ones).
    """
    task_id, kind, due_iso, _channel = key
    for task in tasks_by_id.get(task_id, []):
        if not is_open_task(task) or task.due_date is None or task.due_date.isoformat() != due_iso:
            continue
        if kind == "overdue" or (kind == "due_today" and task.due_date >= today):
            return True
        if kind == "due_soon" and task.due_date > today:
            return True
    return False


def pruned(ledger: Ledger, book: Book, today: date) -> Ledger:
    """The ledger without the entries that can no longer matter (see `still_useful`)."""
    if not book.has("tasks"):
        return ledger  # the Tasks tab could not be read this time: forget nothing
    tasks_by_id: dict[str, list[Task]] = {}
    for row in book.rows("tasks"):
        if row.model.task_id:
            tasks_by_id.setdefault(key_of(row.model.task_id) or "", []).append(row.model)
    keep = {k: v for k, v in ledger.sent.items() if still_useful(k, tasks_by_id, today)}
    return Ledger(keep, {k[0]: ledger.display_ids.get(k[0], k[0]) for k in keep})
