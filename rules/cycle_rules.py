"""All the rules of one cycle over the parsed workbook: new ids, rows the service creates, derived
columns, deal history and health, cross-tab problems. Pure: what was read and remembered in, what to
show and remember out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rules import derived_columns
from rules.appointments import Handled, appointments_to_deals
from rules.book import Book, key_of
from rules.facts import DealFacts
from rules.fit_model import FitAssessment, FitSettings, Learned, assess, lead_fit
from rules.flags import DealHealth, FlagLimits, deal_health
from rules.history import ChangeEvent, DealState, first_estimate, observe
from rules.ids import assign_ids
from rules.references import reference_problems
from sheets_schema.locale import Locale
from sheets_schema.models import Deal, Row
from sheets_schema.rows import CellProblem, ParsedRow, ParsedTab, empty_required_cells
from sheets_schema.stages import Pipeline


@dataclass
class Memory:
    """What the service remembers between cycles (hidden state tabs and its own derived cells)."""

    next_ids: dict[str, int] = field(default_factory=dict)  # id prefix -> next number
    derived: dict[str, dict[int, dict[str, object]]] = field(
        default_factory=dict
    )  # tab -> row -> col -> cell
    deals: dict[str, DealState] = field(default_factory=dict)  # deal key -> last known state
    handled: dict[str, Handled] = field(default_factory=dict)  # appointment call key -> what was created
    fit: Learned | None = None  # what the fit score learned last time, and from which history


@dataclass(frozen=True)
class Settings:
    pipeline: Pipeline
    thresholds: FlagLimits
    appointment_to_deal: bool = True
    fit: FitSettings = field(default_factory=FitSettings)


@dataclass
class Derivation:
    new_ids: dict[str, dict[int, str]] = field(default_factory=dict)  # tab key -> grid row -> id
    next_ids: dict[str, int] = field(default_factory=dict)  # id prefix -> next number
    values: dict[str, dict[int, derived_columns.Values]] = field(
        default_factory=dict
    )  # tab key -> row -> col -> value
    problems: list[CellProblem] = field(default_factory=list)  # beyond those found while parsing
    appended: dict[str, list[ParsedRow[Row]]] = field(default_factory=dict)  # tab key -> rows to append
    deals: dict[str, DealState] = field(default_factory=dict)  # deal key -> state to remember
    events: list[ChangeEvent] = field(default_factory=list)
    handled: dict[str, Handled] = field(default_factory=dict)
    health: dict[int, DealHealth] = field(default_factory=dict)  # Deals grid row -> health
    fit: FitAssessment | None = None  # the lead fit score, validated on this cycle's closed deals

    @property
    def facts(self) -> dict[str, DealFacts]:
        return {key: state.facts for key, state in self.deals.items() if state.facts is not None}


def derive(
    book: Book,
    today: date,
    locale: Locale,
    memory: Memory,
    settings: Settings,
    next_rows: dict[str, int] | None = None,
) -> Derivation:
    """`next_rows`: per tab key, the grid row where an appended row will land (after the last used row)."""
    result = Derivation(deals=dict(memory.deals), handled=dict(memory.handled))
    for key, tab in book.tabs.items():
        if tab.spec.id_prefix and tab.spec.id_key:
            assigned = assign_ids(tab, memory.next_ids.get(tab.spec.id_prefix, 1))
            result.new_ids[key] = assigned.new_ids
            result.next_ids[tab.spec.id_prefix] = assigned.next_number
            result.problems += assigned.problems
            _adopt_new_ids(tab, tab.spec.id_key, assigned.new_ids)
    created_on: dict[str, date] = {}
    if settings.appointment_to_deal and book.has("deals") and book.has("tasks") and book.has("calls"):
        created_on = _create_from_appointments(book, result, memory, settings, locale, today, next_rows or {})
    created_deals = {key_of(h.deal_id) or "": h.call_id for h in result.handled.values() if h.deal_id}
    result.problems += reference_problems(book, locale, created_deals)
    result.values = {
        "leads": {r.index: derived_columns.lead_values(book, r.model, locale) for r in book.rows("leads")},
        "calls": {r.index: derived_columns.call_values(book, r.model, locale) for r in book.rows("calls")},
        "tasks": {r.index: derived_columns.task_values(r.model, today, locale) for r in book.rows("tasks")},
        "team": {r.index: {} for r in book.rows("team")},
        "deals": {},
    }
    for row in book.rows("deals"):
        result.values["deals"][row.index] = _deal_row(
            book, row, result, memory, settings, created_on, today, locale
        )
    # after the deals: the score learns from the closed-on dates their history now knows
    # (result.fit.learned is what to remember: the same as memory.fit when the history has not changed)
    result.fit = assess(book, result.facts, today, settings.pipeline, settings.fit, memory.fit)
    for lead in book.rows("leads"):
        result.values["leads"][lead.index] |= lead_fit(result.fit, lead.model, locale)
    return result


def _create_from_appointments(
    book: Book,
    result: Derivation,
    memory: Memory,
    settings: Settings,
    locale: Locale,
    today: date,
    next_rows: dict[str, int],
) -> dict[str, date]:
    automation = appointments_to_deals(
        book,
        memory.handled,
        result.next_ids.get("D", 1),
        result.next_ids.get("T", 1),
        settings.pipeline,
        locale,
        today,
    )
    result.handled = automation.ledger
    result.next_ids["D"], result.next_ids["T"] = automation.next_deal, automation.next_task
    for key, models in (("deals", automation.deals), ("tasks", automation.tasks)):
        start = next_rows.get(key, len(book.rows(key)) + 1)
        tab = book.tabs[key]
        rows = [
            ParsedRow(start + i, model, empty_required_cells(tab, start + i, model, locale), appended=True)
            for i, model in enumerate(models)
        ]
        book.tabs[key].rows.extend(rows)
        result.appended[key] = rows
    book.refresh()
    return automation.created_on


def unreadable_cells(tab: ParsedTab, row: ParsedRow[Row]) -> dict[str, str]:
    """Column key -> cell (A1) of the row's cells that hold a value that cannot be read (not blank ones)."""
    keys = {col: key for key, col in tab.header.columns.items()}
    return {keys[p.col]: p.cell for p in row.problems if p.col in keys and p.message.code != "empty_required"}


def _deal_row(
    book: Book,
    row: ParsedRow[Deal],
    result: Derivation,
    memory: Memory,
    settings: Settings,
    created_on: dict[str, date],
    today: date,
    locale: Locale,
) -> derived_columns.Values:
    deal = row.model
    key = key_of(deal.deal_id) or f"#row{row.index}"
    previous = memory.deals.get(key)
    created = _created_on(
        memory,
        row.index,
        previous,
        created_on.get(deal.deal_id or ""),
        estimate_created_on(book, deal, today),
    )
    activity = derived_columns.last_activity(book, deal, created)
    unreadable = unreadable_cells(book.tabs["deals"], row)
    state, events = observe(
        previous,
        deal,
        first_estimate(deal, created, activity, today, settings.pipeline),
        today,
        settings.pipeline,
        frozenset(unreadable),
    )
    if key in result.deals and result.deals[key] is not previous:
        state, events = result.deals[key], []  # a duplicated id: the first row of it keeps the history
    result.deals[key] = state
    result.events.extend(events)
    facts = state.facts or DealFacts(deal.deal_id or "")
    if facts.last_progress_on and facts.last_progress_on > activity:
        activity = facts.last_progress_on
    health = deal_health(
        book, deal, facts, activity, today, settings.pipeline, settings.thresholds, locale, unreadable
    )
    result.health[row.index] = health
    values = derived_columns.deal_values(book, deal, created, today, locale, activity)
    values |= {
        "stage_since": facts.stage_since,
        "days_in_stage": health.days_in_stage,
        "last_progress_on": facts.last_progress_on,
        "close_date_pushes": facts.close_date_pushes,
        "closed_on": facts.closed_on,
        "health": health.text(locale),
    }
    return values


def _created_on(
    memory: Memory, index: int, previous: DealState | None, created_now: date | None, estimate: date
) -> date:
    """The Created on cell as the service wrote it; else what the history remembers; else the estimate."""
    if created_now is not None:
        return created_now
    fallback = (
        previous.facts.created_on if previous and previous.facts and previous.facts.created_on else estimate
    )
    return derived_columns.remembered_date(
        memory.derived.get("deals", {}).get(index, {}).get("created_on"), fallback
    )


def estimate_created_on(book: Book, deal: Deal, today: date) -> date:
    """A deal first seen by the service (typed by a person, or a sheet synced for the first time) was most
    likely created when its appointment was made: the day of the lead's first appointment call, else today."""
    calls = book.calls_by_lead.get(key_of(deal.lead_id) or "", []) if deal.lead_id else []
    days = [c.called_at.date() for c in calls if c.result == "appointment" and c.called_at]
    return min([d for d in days if d <= today], default=today)


def _adopt_new_ids(tab: ParsedTab, id_key: str, new_ids: dict[int, str]) -> None:
    """Rows see their new ids in this same cycle, so that what refers to them is right at once."""
    for row in tab.rows:
        if row.index in new_ids:
            row.model = row.model.model_copy(update={id_key: new_ids[row.index]})
