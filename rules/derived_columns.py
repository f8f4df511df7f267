"""Derived (service-owned) columns of the input tabs. Pure: parsed rows and `today` in, values out."""

from __future__ import annotations

from datetime import date, datetime
from operator import attrgetter

from rules.book import Book, key_of
from sheets_schema.choices import CALL_RESULTS, CLOSED_TASK_STATUSES
from sheets_schema.locale import Locale
from sheets_schema.messages import say
from sheets_schema.models import Call, Deal, Lead, Task
from sheets_schema.parsing import CellParseError, parse_date

Value = str | int | float | date | None  # a derived cell (datetime is a date)
Values = dict[str, Value]  # column key -> value


def is_open_task(task: Task) -> bool:
    return task.status not in CLOSED_TASK_STATUSES


def lead_values(book: Book, lead: Lead, locale: Locale) -> Values:
    calls = book.calls_by_lead.get(key_of(lead.lead_id) or "", [])
    dated = [c for c in calls if c.called_at]
    last = max(dated, key=attrgetter("called_at"), default=None)  # every one set
    deals = book.deals_by_lead.get(key_of(lead.lead_id) or "", [])
    return {
        "calls_made": len(calls) if lead.lead_id else None,
        "last_call_at": last.called_at if last else None,
        "last_result": CALL_RESULTS.get(last.result).label(locale) if last and last.result else None,
        "deal_id": ", ".join(d.deal_id for d in deals if d.deal_id) or None,
    }


def call_values(book: Book, call: Call, locale: Locale) -> Values:
    leads = book.leads_by_id.get(key_of(call.lead_id) or "", [])
    return {"company": leads[0].company if leads else None}


def deal_values(
    book: Book, deal: Deal, created_on: date, today: date, locale: Locale, activity: date | None = None
) -> Values:
    """`activity`: the deal's last activity when the caller knows better (its remembered progress)."""
    tasks = book.tasks_by_deal.get(key_of(deal.deal_id) or "", [])
    open_tasks = sorted((t for t in tasks if is_open_task(t) and t.due_date), key=attrgetter("due_date"))
    undated_open = [t for t in tasks if is_open_task(t) and not t.due_date]
    next_task = open_tasks[0] if open_tasks else None
    return {
        "created_on": created_on,
        "days_since_created": (today - created_on).days,
        "days_since_activity": (today - (activity or last_activity(book, deal, created_on))).days,
        "open_tasks": len(open_tasks) + len(undated_open),
        "next_task_due": next_task.due_date if next_task else None,
        "next_task": next_task.title if next_task else None,
        "owner_check": owner_check(book, deal.owner, locale),
    }


def last_activity(book: Book, deal: Deal, created_on: date) -> date:
    """The latest of: the deal's creation, a call on its lead, a task of the deal completed."""
    moments: list[date] = [created_on]
    for call in book.calls_by_lead.get(key_of(deal.lead_id) or "", []) if deal.lead_id else []:
        if call.called_at:
            moments.append(call.called_at.date())
    for task in book.tasks_by_deal.get(key_of(deal.deal_id) or "", []) if deal.deal_id else []:
        if task.completed_on:
            moments.append(task.completed_on)
    return max(moments)


def owner_check(book: Book, owner: str | None, locale: Locale) -> str | None:
    if not book.has("team"):
        return None  # no Team tab to check against
    if not owner:
        return say("owner_empty", locale)
    member = book.member(owner)
    if member is None:
        return say("owner_unknown", locale)
    if member.active is False:
        return say("owner_inactive", locale)
    return say("owner_ok", locale)


def task_values(task: Task, today: date, locale: Locale) -> Values:
    if not is_open_task(task) or task.due_date is None:
        return {"days_to_due": None, "overdue": None}
    days = (task.due_date - today).days
    word = say("overdue", locale) if days < 0 else say("due_today", locale) if days == 0 else None
    return {"days_to_due": days, "overdue": word}


def remembered_date(value: object, fallback: date) -> date:
    """A date the service wrote earlier (e.g. created on), kept as long as it still parses."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_date(value) or fallback
    except CellParseError:
        return fallback
