"""The Sync Log tab builder: newest first, trimmed, headers found in either language."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from reports.sync_log import LogEntry, header, read_log, sync_log_rows

JST = timezone(timedelta(hours=9))


def entry(minute: int, outcome: str = "ok", **extra) -> LogEntry:
    return LogEntry(datetime(2026, 11, 28, 9, minute, tzinfo=JST), 1.25, outcome, "host:1:ab", **extra)


def test_newest_first_and_trimmed_to_keep():
    rows = sync_log_rows([entry(0)], [], "en", keep=2)
    for minute in (1, 2):
        rows = sync_log_rows([entry(minute)], rows, "en", keep=2)
    assert len(rows) == 3
    assert [r["started_at"] for r in read_log(rows)] == [
        "2026-11-28T09:02:00+09:00",
        "2026-11-28T09:01:00+09:00",
    ]


def test_a_switch_of_language_keeps_the_rows_and_reorders_by_header_name():
    old = sync_log_rows([entry(0, "failed", error="Google answered 500")], [], "en", keep=10)
    rows = sync_log_rows([entry(1, rows_read={"Deals": 3}, cells_written=7)], old, "ja", keep=10)
    assert rows[0] == header("ja")
    newest, older = read_log(rows)
    assert newest["outcome"] == "成功" and newest["rows_read"] == "Deals 3" and newest["cells_written"] == 7
    assert older["outcome"] == "FAILED" and older["error"] == "Google answered 500"
