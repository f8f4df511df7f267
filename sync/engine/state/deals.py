"""`_sfa_deals`: the last known stage, amount, close date and owner of each deal, and its facts."""

from __future__ import annotations

from rules.book import key_of
from rules.facts import DealFacts
from rules.history import DealState
from sheets_schema.parsing import CellParseError, parse_amount
from sheets_schema.tabs import DEAL_STATES
from sync.core.changes import CellValue
from sync.core.snapshot import TabData
from sync.engine.state.table import as_date, as_text, records

TAB = DEAL_STATES


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


def read_deal_states(tab: TabData | None) -> dict[str, DealState]:
    states = {}
    for record in records(tab, DEAL_COLUMNS):
        deal_id = str(record["deal_id"])
        try:
            amount = parse_amount(record.get("amount"))
        except CellParseError:
            amount = None
        facts = DealFacts(
            deal_id,
            created_on=as_date(record.get("created_on")),
            closed_on=as_date(record.get("closed_on")),
            stage_before_close=as_text(record.get("stage_before_close")),
            stage_since=as_date(record.get("stage_since")),
            close_date_pushes=int(record.get("close_date_pushes") or 0),
            last_progress_on=as_date(record.get("last_progress_on")),
        )
        states[key_of(deal_id) or deal_id] = DealState(
            deal_id,
            as_text(record.get("stage")),
            amount,
            as_date(record.get("close_date")),
            as_text(record.get("owner")),
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
