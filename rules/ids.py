"""Ids for rows that have content but no id. Never overwrite one; flag duplicates, never "fix" them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sheets_schema.messages import Message
from sheets_schema.models import Row
from sheets_schema.rows import CellProblem, ParsedRow, ParsedTab

ID_DIGITS = 6


def format_id(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{ID_DIGITS}d}"


def id_number(prefix: str, text: str) -> int | None:
    """The number of an id of the prefix ("L-000042" -> 42): the prefix, a hyphen and digits, trimmed.
    Digits as a regular expression's \\d has them (any Unicode decimal digit, str.isdecimal; int() reads
    them all), without a regular expression: it runs for every row of every tab."""
    text = text.strip()
    head = len(prefix) + 1
    if text.startswith(prefix) and text[head - 1 : head] == "-" and text[head:].isdecimal():
        return int(text[head:])
    return None


@dataclass
class IdAssignment:
    new_ids: dict[int, str]  # grid row -> id to write into its empty id cell
    next_number: int  # the high-water mark to remember, so that a deleted row's id is never reused
    problems: list[CellProblem]


def assign_ids(tab: ParsedTab, remembered_next: int = 1) -> IdAssignment:
    prefix = tab.spec.id_prefix
    key = tab.spec.id_key
    assert prefix and key, f"{tab.spec.key} has no id column"
    column = tab.header.columns.get(key)
    existing = [(row.index, getattr(row.model, key)) for row in tab.rows if getattr(row.model, key)]
    numbers = [n for _, text in existing if (n := id_number(prefix, text)) is not None]
    next_number = max([remembered_next, *(n + 1 for n in numbers)])
    new_ids: dict[int, str] = {}
    for row in tab.rows:
        if _empty_id_cell(row, key, column):
            new_ids[row.index] = format_id(prefix, next_number)
            next_number += 1
    return IdAssignment(new_ids, next_number, _duplicates(tab, existing, column))


def _empty_id_cell(row: ParsedRow[Row], key: str, column: int | None) -> bool:
    """No id, and nothing in the cell: not a cell that cannot be read (a formula whose result is not stored)
    nor a formula whose result is empty (read as "", not None), which are a person's."""
    if getattr(row.model, key) is not None:
        return False
    return not any(p.col == column and p.message.code != "empty_required" for p in row.problems)


def _duplicates(tab: ParsedTab, existing: list[tuple[int, str]], column: int | None) -> list[CellProblem]:
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    keys = [text.strip().casefold() for _, text in existing]
    for (index, _), key in zip(existing, keys, strict=True):
        rows_by_id[key].append(index)
    problems = []
    for (index, text), key in zip(existing, keys, strict=True):
        same = rows_by_id[key]
        if len(same) > 1:
            others = [r for r in same if r != index]
            other = ", ".join(str(r + 1) for r in others)
            problems.append(
                CellProblem(tab.title, index, column, Message("duplicate_id", {"id": text, "other": other}))
            )
    return problems
