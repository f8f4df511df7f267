"""The Sync Log tab: one row per logged cycle, newest first, trimmed to the configured length.

Pure: the service gives the entry (times already taken) and the rows the tab holds now; this module
returns the rows the tab should hold. Times are written as ISO text with the UTC offset, so that they
read the same in Google Sheets, Excel and LibreOffice and sort as text.

A quiet cycle (nothing changed, nothing written) gets no row of its own: a sheet nobody touches costs
no write. The next logged row says how many quiet cycles came before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from reports.table import Cell
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Catalogue

# (key, English header, Japanese header)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("started_at", "Started at", "開始日時"),
    ("duration_s", "Duration (s)", "所要時間（秒）"),
    ("outcome", "Outcome", "結果"),
    ("rows_read", "Rows read", "読み込み行数"),
    ("problems", "Problems", "問題数"),
    ("cells_written", "Cells written", "書き込みセル数"),
    ("rows_created", "Rows created", "作成行数"),
    ("reminders", "Reminders", "リマインダー"),
    ("requests", "Requests", "リクエスト数"),
    ("quiet_before", "Quiet cycles before", "変更なしのサイクル数"),
    ("holder", "Instance", "実行インスタンス"),
    ("error", "Error", "エラー"),
)
KEYS = tuple(key for key, _, _ in COLUMNS)

OUTCOMES: dict[str, tuple[str, str]] = {
    "ok": ("OK", "成功"),
    "quiet": ("nothing changed", "変更なし"),
    "failed": ("FAILED", "失敗"),
    "reminders": ("reminders", "リマインダー送信"),
}
say = Catalogue(OUTCOMES).say


@dataclass(frozen=True)
class LogEntry:
    started_at: datetime  # aware, in the team's time zone
    duration_s: float
    outcome: str  # a key of OUTCOMES
    holder: str = ""
    rows_read: dict[str, int] = field(default_factory=dict)
    problems: int = 0
    cells_written: int = 0
    rows_created: int = 0
    reminders: str = ""
    requests: int = 0
    quiet_before: int = 0
    error: str | None = None


def header(locale: Locale) -> tuple[str, ...]:
    return tuple(ja if locale == "ja" else en for _, en, ja in COLUMNS)


def entry_row(entry: LogEntry, locale: Locale) -> tuple[Cell, ...]:
    values: dict[str, Cell] = {
        "started_at": entry.started_at.isoformat(timespec="seconds"),
        "duration_s": round(entry.duration_s, 1),
        "outcome": say(entry.outcome, locale) if entry.outcome in OUTCOMES else entry.outcome,
        "rows_read": ", ".join(f"{tab} {count}" for tab, count in entry.rows_read.items()),
        "problems": entry.problems,
        "cells_written": entry.cells_written,
        "rows_created": entry.rows_created,
        "reminders": entry.reminders,
        "requests": entry.requests,
        "quiet_before": entry.quiet_before,
        "holder": entry.holder,
        "error": entry.error or "",
    }
    return tuple(values[key] for key in KEYS)


def sync_log_rows(
    entries: Sequence[LogEntry], current: Sequence[Sequence[Cell]], locale: Locale, keep: int
) -> tuple[tuple[Cell, ...], ...]:
    """The whole tab: header, then `entries` (newest first), then the rows the tab held (their header
    dropped, columns put in today's order by header name), at most `keep` data rows."""
    old = [tuple(record.get(key) for key in KEYS) for record in read_log(current)]
    new = [entry_row(entry, locale) for entry in entries]
    return (header(locale), *(new + old)[:keep])


def read_log(rows: Sequence[Sequence[Cell]]) -> list[dict[str, Cell]]:
    """The data rows of a Sync Log tab as {column key: value}, headers matched in either language."""
    if not rows:
        return []
    names = {fold(en): key for key, en, _ in COLUMNS} | {fold(ja): key for key, _, ja in COLUMNS}
    places = {
        names[fold(str(h))]: i for i, h in enumerate(rows[0]) if h is not None and fold(str(h)) in names
    }
    records = []
    for row in rows[1:]:
        if not any(value not in (None, "") for value in row):
            continue
        records.append({key: (row[i] if i < len(row) else None) for key, i in places.items()})
    return records
