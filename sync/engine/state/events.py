"""`_sfa_events`: the log of every observed change of stage, amount, close date and owner."""

from __future__ import annotations

from rules.history import TRACKED, ChangeEvent, TrackedValue
from sheets_schema.parsing import CellParseError, parse_amount
from sheets_schema.tabs import DEAL_EVENTS
from sync.core.changes import CellValue
from sync.core.snapshot import TabData
from sync.engine.state.table import as_date, as_text, plain_value, records

TAB = DEAL_EVENTS


EVENT_COLUMNS = ("observed_on", "deal_id", "field", "old", "new")


def event_row(event: ChangeEvent) -> tuple[CellValue, ...]:
    return (event.observed_on, event.deal_id, event.field, plain_value(event.old), plain_value(event.new))


def read_events(tab: TabData | None) -> list[ChangeEvent]:
    """The log as event_row wrote it, each value read back by its field's type; a row whose day or field
    cannot be read is left out (the log is the service's own: only a person editing it makes one)."""
    events = []
    for record in records(tab, EVENT_COLUMNS):
        day, name = as_date(record.get("observed_on")), as_text(record.get("field"))
        if day is None or name not in TRACKED:
            continue
        events.append(
            ChangeEvent(
                day,
                str(record["deal_id"]),
                name,
                _value(name, record.get("old")),
                _value(name, record.get("new")),
            )
        )
    return events


def _value(name: str, cell: object) -> TrackedValue:
    if name == "close_date":
        return as_date(cell)
    if name == "amount":
        try:
            return parse_amount(cell)
        except CellParseError:
            return None
    return as_text(cell)
