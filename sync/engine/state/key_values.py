"""`_sfa_state`: key/value rows — the id high-water marks (`next_id.D` …) and the layout version."""

from __future__ import annotations

from typing import Any

from sheets_schema.tabs import STATE
from sync.core.changes import CellValue
from sync.core.snapshot import TabData

TAB = STATE


def state_rows(values: dict[str, CellValue]) -> tuple[tuple[CellValue, ...], ...]:
    return (("key", "value"), *((k, values[k]) for k in sorted(values)))


def read_state(tab: TabData | None) -> dict[str, Any]:
    if tab is None:
        return {}
    return {str(row[0]): (row[1] if len(row) > 1 else None) for row in tab.rows[1:] if row and row[0]}
