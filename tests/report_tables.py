"""Reading a generated tab the way a person does in the tests: the table under a section title."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def table_under(rows: Sequence[Sequence[object]], title: str) -> pd.DataFrame:
    """The table under a section title: its header row as columns, rows down to the next blank row (an
    empty row, or one of empty cells as a store reads it back)."""
    rows = [list(r) for r in rows]
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    header = rows[start + 1]
    body = []
    for line in rows[start + 2 :]:
        if not any(cell not in (None, "") for cell in line):
            break
        body.append(line[: len(header)] + [None] * (len(header) - len(line)))
    return pd.DataFrame(body, columns=header, dtype=object)


def section(report, title: str) -> pd.DataFrame:
    """table_under for a report builder's result (its .rows)."""
    return table_under(report.rows, title)
