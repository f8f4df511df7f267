"""The hidden state tabs: what the service remembers between cycles, as plain tables in the sheet itself,
so that the service is stateless and can run anywhere. Reading them and planning their changes (only
the rows that changed are written; new rows are appended)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from reports.manager_review import Decision
from rules.appointments import Handled
from rules.book import key_of
from rules.facts import DealFacts
from rules.history import ChangeEvent, DealState
from sheets_schema.parsing import CellParseError, is_blank, parse_amount, parse_date
from sync.core.changes import CellValue, CellWrite, ChangeSet, RowAppend, TabContent
from sync.core.snapshot import TabData
from sync.engine.plan import same_value

DEAL_COLUMNS = (
    "deal_id",
    "stage",
    "amount",
    "close_date",
    "owner",
    "created_on",
    "stage_since",
    "last_progress_on",
    "close_date_pushes",
    "closed_on",
    "stage_before_close",
)
EVENT_COLUMNS = ("observed_on", "deal_id", "field", "old", "new")
HANDLED_COLUMNS = ("call_id", "deal_id", "task_id", "handled_on")
ARCHIVE_COLUMNS = ("deal_id", "decision", "note", "archived_on")


@lru_cache(maxsize=65_536)  # the state tabs' dates repeat (a day per row); True == 1 give the same None here
def _date(value: Any) -> date | None:
    try:
        return parse_date(value)
    except CellParseError:
        return None


def _text(value: Any) -> str | None:
    return None if is_blank(value) else str(value)


def _records(tab: TabData | None, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    if tab is None or not tab.rows:
        return []
    header = [str(h) for h in tab.rows[0]]
    places = {name: header.index(name) for name in columns if name in header}
    return [
        {name: (row[i] if i < len(row) else None) for name, i in places.items()}
        for row in tab.rows[1:]
        if row and not is_blank(row[0])
    ]


def read_deal_states(tab: TabData | None) -> dict[str, DealState]:
    states = {}
    for record in _records(tab, DEAL_COLUMNS):
        deal_id = str(record["deal_id"])
        try:
            amount = parse_amount(record.get("amount"))
        except CellParseError:
            amount = None
        facts = DealFacts(
            deal_id,
            created_on=_date(record.get("created_on")),
            closed_on=_date(record.get("closed_on")),
            stage_before_close=_text(record.get("stage_before_close")),
            stage_since=_date(record.get("stage_since")),
            close_date_pushes=int(record.get("close_date_pushes") or 0),
            last_progress_on=_date(record.get("last_progress_on")),
        )
        states[key_of(deal_id) or deal_id] = DealState(
            deal_id,
            _text(record.get("stage")),
            amount,
            _date(record.get("close_date")),
            _text(record.get("owner")),
            facts,
        )
    return states


def deal_state_row(state: DealState) -> tuple[CellValue, ...]:
    facts = state.facts or DealFacts(state.deal_id)
    return (
        state.deal_id,
        state.stage,
        state.amount,
        state.close_date,
        state.owner,
        facts.created_on,
        facts.stage_since,
        facts.last_progress_on,
        facts.close_date_pushes,
        facts.closed_on,
        facts.stage_before_close,
    )


def read_handled(tab: TabData | None) -> dict[str, Handled]:
    handled = {}
    for record in _records(tab, HANDLED_COLUMNS):
        call_id = str(record["call_id"])
        handled[key_of(call_id) or call_id] = Handled(
            call_id,
            _text(record.get("deal_id")),
            _text(record.get("task_id")),
            _date(record.get("handled_on")) or date.min,
        )
    return handled


def handled_row(entry: Handled) -> tuple[CellValue, ...]:
    return (entry.call_id, entry.deal_id, entry.task_id, entry.handled_on)


def read_archive(tab: TabData | None) -> dict[str, Decision]:
    """Managers' decisions and notes on deals that left the review list."""
    return {
        key_of(str(r["deal_id"])) or "": Decision(r.get("decision"), r.get("note"))
        for r in _records(tab, ARCHIVE_COLUMNS)
    }


def archive_row(key: str, decision: Decision, today: date) -> tuple[CellValue, ...]:
    return (key.upper(), decision.decision, decision.note, today)


def event_row(event: ChangeEvent) -> tuple[CellValue, ...]:
    return (event.observed_on, event.deal_id, event.field, _plain(event.old), _plain(event.new))


def _plain(value: Any) -> CellValue:
    return value if value is None or isinstance(value, str | int | float | date) else str(value)


class StateTable:
    """A hidden state tab of rows keyed by their first cell. Changed cells are written in place, new rows
    appended; rows of keys no longer wanted stay (history is kept). A missing tab is created with the main
    changes: rows that go with the main changes are written as part of its content (an append to a tab
    that does not exist yet would fail: stores apply appends before whole tabs); rows in a later group
    are appended after it."""

    def __init__(
        self, title: str, columns: tuple[str, ...], current: TabData | None, main: ChangeSet
    ) -> None:
        self.title = title
        self.main = main
        self.current = current if current is not None and current.rows else None
        if self.current is None:
            self.created = TabContent(title, (columns,), hidden=True)
            main.tabs.append(self.created)
            self.where: dict[str | None, int] = {}
        else:
            self.where = {
                key_of(str(row[0])): index
                for index, row in enumerate(self.current.rows)
                if index and row and not is_blank(row[0])
            }

    def put(self, key: str, values: tuple[CellValue, ...], target: ChangeSet) -> None:
        index = self.where.get(key)
        if index is None or self.current is None:
            self.append(values, target)
            return
        for col, value in enumerate(values):
            if not same_value(self.current.cell(index, col), value):
                target.cells.append(CellWrite(self.title, index, col, value))

    def append(self, values: tuple[CellValue, ...], target: ChangeSet) -> None:
        if self.current is None and target is self.main:
            self._add_to_created(values)
        else:
            target.appends.append(RowAppend(self.title, values))

    def _add_to_created(self, values: tuple[CellValue, ...]) -> None:
        grown = replace(self.created, rows=(*self.created.rows, values))
        self.main.tabs[self.main.tabs.index(self.created)] = grown
        self.created = grown
