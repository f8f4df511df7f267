"""`_sfa_reminders`: every reminder delivered (task, kind, due date, channel, when), so each is sent once."""

from __future__ import annotations

from datetime import date, datetime

from rules.reminders import KINDS, Ledger, ledger_key
from sheets_schema.tabs import REMINDER_LEDGER
from sync.core.changes import CellValue
from sync.core.snapshot import TabData

TAB = REMINDER_LEDGER
LEDGER_TITLE = TAB.en


LEDGER_HEADER = ("task_id", "kind", "due_date", "channel", "sent_at")


def ledger_rows(ledger: Ledger) -> tuple[tuple[CellValue, ...], ...]:
    """Header, then one row per delivery, sorted (stable content: an unchanged ledger is not rewritten).
    Every value is text (dates as ISO) so that no store turns them into serial numbers or dates."""
    body = sorted(
        (ledger.display_ids.get(key[0], key[0]), key[1], key[2], key[3], when)
        for key, when in ledger.sent.items()
    )
    return (LEDGER_HEADER, *body)


def read_ledger(tab: TabData | None) -> Ledger:
    """The ledger as written by ledger_rows; rows that do not read as an entry are ignored."""
    ledger = Ledger()
    if tab is None:
        return ledger
    for row in tab.rows[1:]:
        values = [*row, None, None, None, None, None][:5]
        task_id, kind, due, channel, when = values
        day = _as_date(due)
        if not task_id or kind not in KINDS or day is None or not channel:
            continue
        key = ledger_key(str(task_id), str(kind), day, str(channel))
        ledger.sent[key] = "" if when is None else str(when)
        ledger.display_ids[key[0]] = str(task_id)
    return ledger


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
