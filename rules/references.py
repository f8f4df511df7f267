"""Checks across tabs: ids that point nowhere, people who are not on the Team tab."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from rules.book import Book, key_of
from rules.derived_columns import is_open_task
from sheets_schema.a1 import quote_tab
from sheets_schema.locale import Locale
from sheets_schema.messages import Message
from sheets_schema.models import Call, Deal, Row, Task, TeamMember
from sheets_schema.rows import CellProblem, ParsedRow
from sheets_schema.tabs import DEALS, LEADS, TEAM

PEOPLE_COLUMNS = {
    "leads": ("assigned_caller",),
    "calls": ("caller",),
    "deals": ("appointment_by",),
    "tasks": ("owner",),
}


def reference_problems(
    book: Book, locale: Locale, created_deals: Mapping[str, str] | None = None
) -> list[CellProblem]:
    """`created_deals`: deal key -> the appointment call the service created that deal from (its ledger),
    so that a task of such a deal, deleted since, says so."""
    problems: list[CellProblem] = []
    for call in book.rows("calls"):
        problems += _lead_exists(book, "calls", call, locale)
    for deal in book.rows("deals"):
        if deal.model.lead_id:
            problems += _lead_exists(book, "deals", deal, locale)
    unreadable = _unreadable_deal_ids(book) if book.has("deals") else ""
    for task in book.rows("tasks"):
        problems += _task_target(book, task, locale, created_deals or {}, unreadable)
    if book.rows("team"):  # an empty Team tab is a team that has not been set up yet: nothing to check
        on_team: dict[str, bool] = {}  # name as typed -> a member: a few names repeat down every tab
        for tab, columns in PEOPLE_COLUMNS.items():
            for row in book.rows(tab):
                problems += _people_known(book, tab, row, columns, locale, on_team)
    problems += _duplicate_names(book)
    return problems


def _problem(
    book: Book, tab_key: str, row: ParsedRow[Row], column: str, code: str, **params: object
) -> CellProblem:
    parsed = book.tabs[tab_key]
    return CellProblem(parsed.title, row.index, parsed.header.columns.get(column), Message(code, params))


def _lead_exists(
    book: Book, tab: str, row: ParsedRow[Call | Deal | Task], locale: Locale
) -> list[CellProblem]:
    lead_id = row.model.lead_id
    if not book.has("leads") or not lead_id or key_of(lead_id) in book.leads_by_id:
        return []
    return [_problem(book, tab, row, "lead_id", "unknown_lead", id=lead_id, tab=LEADS.title(locale))]


def _task_target(
    book: Book, row: ParsedRow[Task], locale: Locale, created_deals: Mapping[str, str], unreadable: str
) -> list[CellProblem]:
    """`unreadable`: the Deals cells whose deal id cannot be read (see _unreadable_deal_ids)."""
    task = row.model
    if not task.deal_id and not task.lead_id:
        return [_problem(book, "tasks", row, "deal_id", "task_without_target")]
    problems = []
    if task.deal_id and book.has("deals") and (key_of(task.deal_id) or "") not in book.deals_by_id:
        problems += _missing_deal(
            book, row, locale, created_deals.get(key_of(task.deal_id) or ""), unreadable
        )
    if task.lead_id:
        problems += _lead_exists(book, "tasks", row, locale)
    return problems


def _missing_deal(
    book: Book, row: ParsedRow[Task], locale: Locale, call: str | None, unreadable: str
) -> list[CellProblem]:
    """A deal the service created and a person deleted: restore it, or cancel the task (a closed task of a
    deleted deal is left alone). Any other missing deal is an id to check, unless a deal id on the Deals tab
    cannot be read: it may be this one."""
    task, tab = row.model, DEALS.title(locale)
    if unreadable:  # one of them may be this task's deal: not an orphan on that basis
        return [
            _problem(
                book,
                "tasks",
                row,
                "deal_id",
                "deal_id_unreadable",
                id=task.deal_id,
                tab=tab,
                cells=unreadable,
            )
        ]
    if call is None:
        return [_problem(book, "tasks", row, "deal_id", "unknown_deal", id=task.deal_id, tab=tab)]
    if not is_open_task(task):
        return []
    return [_problem(book, "tasks", row, "deal_id", "deleted_deal", id=task.deal_id, tab=tab, call=call)]


def _unreadable_deal_ids(book: Book) -> str:
    """The Deals cells (Deals!A2, …) whose deal id cannot be read (a formula whose result is not stored)."""
    deals = book.tabs["deals"]
    column = deals.header.columns.get("deal_id")
    cells = [
        f"{quote_tab(deals.title)}!{p.cell}"
        for row in deals.rows
        for p in row.problems
        if p.col == column and p.message.code != "empty_required"
    ]
    return ", ".join(cells[:3]) + (", …" if len(cells) > 3 else "")


def _people_known(
    book: Book,
    tab: str,
    row: ParsedRow[Row],
    columns: tuple[str, ...],
    locale: Locale,
    on_team: dict[str, bool],
) -> list[CellProblem]:
    """`on_team`: the names looked up so far in this cycle's Team tab, and whether each is on it."""
    problems = []
    for column in columns:
        name = getattr(row.model, column)
        if not name:
            continue
        known = on_team.get(name)
        if known is None:
            known = on_team[name] = book.member(name) is not None
        if not known:
            problems.append(
                _problem(book, tab, row, column, "unknown_person", name=name, tab=TEAM.title(locale))
            )
    return problems


def _duplicate_names(book: Book) -> list[CellProblem]:
    rows_by_name: dict[str, list[ParsedRow[TeamMember]]] = defaultdict(list)
    for row in book.rows("team"):
        if row.model.name:
            rows_by_name[key_of(row.model.name) or ""].append(row)
    problems = []
    for rows in rows_by_name.values():
        for row in rows[1:]:
            problems.append(
                _problem(
                    book, "team", row, "name", "duplicate_name", name=row.model.name, other=rows[0].index + 1
                )
            )
    return problems
