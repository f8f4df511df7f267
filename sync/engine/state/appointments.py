"""`_sfa_appointments`: the appointment calls already turned into a deal and a task (each only once)."""

from __future__ import annotations

from datetime import date

from rules.appointments import Handled
from rules.book import key_of
from sheets_schema.tabs import HANDLED_CALLS
from sync.core.changes import CellValue
from sync.core.snapshot import TabData
from sync.engine.state.table import as_date, as_text, records

TAB = HANDLED_CALLS


HANDLED_COLUMNS = ("call_id", "deal_id", "task_id", "handled_on")


def read_handled(tab: TabData | None) -> dict[str, Handled]:
    handled = {}
    for record in records(tab, HANDLED_COLUMNS):
        call_id = str(record["call_id"])
        handled[key_of(call_id) or call_id] = Handled(
            call_id,
            as_text(record.get("deal_id")),
            as_text(record.get("task_id")),
            as_date(record.get("handled_on")) or date.min,
        )
    return handled


def handled_row(entry: Handled) -> tuple[CellValue, ...]:
    return (entry.call_id, entry.deal_id, entry.task_id, entry.handled_on)
