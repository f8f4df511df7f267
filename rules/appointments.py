"""Appointment -> deal (step 2 of the guide): a call with result Appointment whose lead has no deal gets a
new deal (lead, company, appointment by = the caller, owner from the lead's assignment — or empty, and then
flagged — first open stage) and a first-visit task due on the appointment date.

Idempotent by source call id: a ledger (hidden state tab) remembers every appointment call handled, so a
deal is never created twice, and never again after a person deletes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from rules.book import Book, key_of
from rules.ids import format_id
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
from sheets_schema.models import Call, Deal, Task
from sheets_schema.stages import Pipeline

TASK_TITLES: dict[str, tuple[str, str]] = {"first_visit": ("First visit: {company}", "初訪: {company}")}
say = Catalogue(TASK_TITLES).say


@dataclass(frozen=True)
class Handled:
    """An appointment call the service has dealt with: what it created (None: a deal already existed)."""

    call_id: str
    deal_id: str | None
    task_id: str | None
    handled_on: date


@dataclass
class Automation:
    deals: list[Deal] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    created_on: dict[str, date] = field(default_factory=dict)  # new deal id -> the appointment call's day
    ledger: dict[str, Handled] = field(default_factory=dict)  # call key -> entry (all, old and new)
    next_deal: int = 1
    next_task: int = 1


def appointments_to_deals(
    book: Book,
    ledger: Mapping[str, Handled],
    next_deal: int,
    next_task: int,
    pipeline: Pipeline,
    locale: Locale,
    today: date,
) -> Automation:
    result = Automation(ledger=dict(ledger), next_deal=next_deal, next_task=next_task)
    leads_with_deal = set(book.deals_by_lead)
    for row in book.rows("calls"):
        call = row.model
        if call.result != "appointment" or not call.call_id or not call.lead_id:
            continue
        key = key_of(call.call_id) or ""
        entry = result.ledger.get(key)
        if entry is not None:
            _task_once_dated(book, result, key, entry, call, locale)
            continue
        lead_key = key_of(call.lead_id) or ""
        if lead_key in leads_with_deal:
            result.ledger[key] = Handled(call.call_id, None, None, today)
            continue
        leads_with_deal.add(lead_key)
        deal_id = format_id("D", result.next_deal)
        deal = _new_deal(book, call, deal_id, pipeline)
        result.next_deal += 1
        result.deals.append(deal)
        result.created_on[deal_id] = call.called_at.date() if call.called_at else today
        task = _first_visit(deal, call, result, locale)
        result.ledger[key] = Handled(call.call_id, deal.deal_id, task.task_id if task else None, today)
    return result


def _new_deal(book: Book, call: Call, deal_id: str, pipeline: Pipeline) -> Deal:
    leads = book.leads_by_id.get(key_of(call.lead_id) or "", [])
    lead = leads[0] if leads else None
    company = lead.company if lead else None
    return Deal.model_construct(
        **(
            dict.fromkeys(Deal.model_fields)
            | {
                "deal_id": deal_id,
                "lead_id": call.lead_id,
                "deal_name": company or call.lead_id,
                "company": company,
                "owner": lead.assigned_caller if lead else None,
                "appointment_by": call.caller,
                "stage": pipeline.first_open.key,
            }
        )
    )


def _first_visit(deal: Deal, call: Call, result: Automation, locale: Locale) -> Task | None:
    if call.appointment_date is None:
        return None  # created once the appointment date is filled in
    task = Task.model_construct(
        **(
            dict.fromkeys(Task.model_fields)
            | {
                "task_id": format_id("T", result.next_task),
                "deal_id": deal.deal_id,
                "lead_id": deal.lead_id,
                "type": "first_visit",
                "title": say("first_visit", locale, company=deal.company or deal.deal_name),
                "owner": deal.owner or call.caller,
                "due_date": call.appointment_date,
                "status": "open",
            }
        )
    )
    result.next_task += 1
    result.tasks.append(task)
    return task


def _task_once_dated(
    book: Book, result: Automation, key: str, entry: Handled, call: Call, locale: Locale
) -> None:
    """A deal created earlier without a first-visit task (no appointment date then) gets it once dated."""
    if entry.deal_id is None or entry.task_id is not None or call.appointment_date is None:
        return
    deals = book.deals_by_id.get(key_of(entry.deal_id) or "", [])
    if not deals:
        return  # a person deleted the deal: leave it deleted
    task = _first_visit(deals[0], call, result, locale)
    if task is not None:
        result.ledger[key] = replace(entry, task_id=task.task_id)
