"""All the rules of one cycle over the parsed workbook: new ids, derived columns, cross-tab problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules import derived
from rules.book import Book
from rules.ids import assign_ids
from rules.references import reference_problems
from sheets_schema.locale import Locale
from sheets_schema.rows import CellProblem, ParsedTab


@dataclass
class Derivation:
    new_ids: dict[str, dict[int, str]] = field(default_factory=dict)  # tab key -> grid row -> id
    next_ids: dict[str, int] = field(default_factory=dict)  # id prefix -> next number
    values: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=dict
    )  # tab key -> row -> col -> value
    problems: list[CellProblem] = field(default_factory=list)  # beyond those found while parsing


def derive(
    book: Book,
    today: date,
    locale: Locale,
    remembered_next_ids: dict[str, int],
    remembered_values: dict[str, dict[int, dict[str, Any]]],
) -> Derivation:
    """`remembered_values` are the derived cells as read (tab key -> row -> col -> value), for values
    the service keeps once set, such as a deal's created-on date."""
    result = Derivation()
    for key, tab in book.tabs.items():
        if tab.spec.id_prefix and tab.spec.id_key:
            assigned = assign_ids(tab, remembered_next_ids.get(tab.spec.id_prefix, 1))
            result.new_ids[key] = assigned.new_ids
            result.next_ids[tab.spec.id_prefix] = assigned.next_number
            result.problems += assigned.problems
            _adopt_new_ids(tab, tab.spec.id_key, assigned.new_ids)
    result.problems += reference_problems(book, locale)
    result.values = {
        "leads": {r.index: derived.lead_values(book, r.model, locale) for r in book.rows("leads")},
        "calls": {r.index: derived.call_values(book, r.model, locale) for r in book.rows("calls")},
        "deals": {
            r.index: derived.deal_values(
                book, r.model, _created_on(remembered_values, r.index, today), today, locale
            )
            for r in book.rows("deals")
        },
        "tasks": {r.index: derived.task_values(r.model, today, locale) for r in book.rows("tasks")},
        "team": {r.index: {} for r in book.rows("team")},
    }
    return result


def _adopt_new_ids(tab: ParsedTab, id_key: str, new_ids: dict[int, str]) -> None:
    """Rows see their new ids in this same cycle, so that what refers to them is right at once."""
    for row in tab.rows:
        if row.index in new_ids:
            row.model = row.model.model_copy(update={id_key: new_ids[row.index]})


def _created_on(remembered: dict[str, dict[int, dict[str, Any]]], index: int, today: date) -> date:
    return derived.remembered_date(remembered.get("deals", {}).get(index, {}).get("created_on"), today)
