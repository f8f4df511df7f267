"""`_sfa_review_archive`: managers' decisions and notes on deals that left the Manager Review list."""

from __future__ import annotations

from datetime import date

from reports.manager_review import Decision
from rules.book import key_of
from sheets_schema.tabs import REVIEW_ARCHIVE
from sync.core.changes import CellValue
from sync.core.snapshot import TabData
from sync.engine.state.table import records

TAB = REVIEW_ARCHIVE


ARCHIVE_COLUMNS = ("deal_id", "decision", "note", "archived_on")


def read_archive(tab: TabData | None) -> dict[str, Decision]:
    """Managers' decisions and notes on deals that left the review list."""
    return {
        key_of(str(r["deal_id"])) or "": Decision(r.get("decision"), r.get("note"))
        for r in records(tab, ARCHIVE_COLUMNS)
    }


def archive_row(key: str, decision: Decision, today: date) -> tuple[CellValue, ...]:
    return (key.upper(), decision.decision, decision.note, today)
