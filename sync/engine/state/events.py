"""`_sfa_events`: the log of every observed change of stage, amount, close date and owner."""

from __future__ import annotations

from rules.history import ChangeEvent
from sheets_schema.tabs import DEAL_EVENTS
from sync.core.changes import CellValue
from sync.engine.state.table import plain_value

TAB = DEAL_EVENTS


EVENT_COLUMNS = ("observed_on", "deal_id", "field", "old", "new")


def event_row(event: ChangeEvent) -> tuple[CellValue, ...]:
    return (event.observed_on, event.deal_id, event.field, plain_value(event.old), plain_value(event.new))
