"""The instant of a write on a store people edit meanwhile (Google Sheets): what the write copies as it
lands, and, from the copy read back afterwards, what to put back where people typed.

guard_write_window adds the captures to the plan; plan_put_back turns the cells read after the write into
the repairs (sync/engine/repair.py); sync/jobs/cycle.py does the reading and writing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reports.manager_review import Decision, find_deal_table
from sheets_schema.tabs import REVIEW_ARCHIVE
from sync.core.changes import (
    CAPTURE_TAB,
    Capture,
    CellValue,
    CellWrite,
    ChangeSet,
    TabContent,
    capture_columns,
)
from sync.core.snapshot import Snapshot, TabData
from sync.engine.analyse import Analysis
from sync.engine.repair import misplaced_decision_repairs, misplaced_id_repairs
from sync.engine.state.review_archive import ARCHIVE_COLUMNS, archive_row
from sync.engine.state.table import StateTable


def written_ids(analysis: Analysis) -> dict[str, dict[int, str]]:
    written: dict[str, dict[int, str]] = {}
    for cell in analysis.changes.cells:
        if cell.row > 0 and analysis.id_columns.get(cell.tab) == cell.col:
            written.setdefault(cell.tab, {})[cell.row] = str(cell.value)
    return written


def guard_write_window(snapshot: Snapshot, analysis: Analysis) -> None:
    """For a store people edit while it writes: the write copies, as it lands, the cells a person may have
    typed into since the verify read (the id cells about to get an id, the Manager Review's table), and
    writes every Decision and Manager note cell of the review itself, so that afterwards each one that
    differs from the plan was typed after the write (see put_back_after_write)."""
    changes = analysis.changes
    for title, ids in written_ids(analysis).items():
        changes.captures.append(Capture(title, 0, analysis.id_columns[title], max(ids) + 1, 1))
    review = analysis.review
    current = snapshot.tabs.get(review.title) if review is not None else None
    if review is None or current is None or not _writes_tab(changes, review.title):
        return
    was, will = find_deal_table(current.rows), find_deal_table([list(row) for row in review.rows])
    if was is None or will is None:
        return
    top = was.header_row + 1
    if len(current.rows) > top:
        changes.captures.append(
            Capture(review.title, top, 0, len(current.rows) - top, max(was.columns.values()) + 1)
        )
    if any(content.title == review.title for content in changes.tabs):
        return  # rewritten whole: every cell of it is written
    moved = any(patch.title == review.title for patch in changes.patches)  # (rows beyond the new end: gone)
    end = len(review.rows) if moved else max(len(current.rows), len(review.rows))
    # Only rows that will show another deal than they show now: a Decision typed on a row that keeps its
    # deal is beside that deal whatever the write does, so writing its cell again would buy nothing and
    # cost two cells a row of the list on every write of the review.
    rows = [
        row
        for row in range(min(top, will.header_row + 1), end)
        if _deal_shown(current.rows, row, was.columns["deal_id"])
        != _deal_shown(review.rows, row, will.columns["deal_id"])
    ]
    written = changes.group()  # applied after any row shifts: at the places of the new content
    for col in (will.columns["decision"], will.columns["note"]):
        for row in rows:
            if row != will.header_row:
                line = review.rows[row] if row < len(review.rows) else ()
                written.cells.append(
                    CellWrite(review.title, row, col, line[col] if col < len(line) else None)
                )


def _deal_shown(rows: Sequence[Sequence[CellValue]], row: int, col: int) -> CellValue:
    line = rows[row] if row < len(rows) else ()
    return line[col] if col < len(line) else None


def _writes_tab(changes: ChangeSet, title: str) -> bool:
    return (
        any(cell.tab == title for cell in changes.cells)
        or any(content.title == title for content in changes.tabs)
        or any(patch.title == title for patch in changes.patches)
    )


def plan_put_back(
    snapshot: Snapshot, analysis: Analysis, after: dict[str, TabData], today: date
) -> ChangeSet:
    changes, review = analysis.changes, analysis.review
    written = written_ids(analysis)
    repairs = ChangeSet()
    for capture, left in zip(changes.captures, capture_columns(changes.captures), strict=True):
        block = [list(row[left : left + capture.width]) for row in after[CAPTURE_TAB].rows[: capture.height]]
        before = snapshot.tabs[capture.tab]
        if review is not None and capture.tab == review.title:
            at_write = [list(row) for row in before.rows[: capture.top]] + block
            cells, left_list = misplaced_decision_repairs(
                review.title, before.rows, at_write, [list(r) for r in review.rows], after[review.title].rows
            )
            repairs.cells += cells
            archive_decisions(left_list, after.get(REVIEW_ARCHIVE.en), today, repairs)
        else:
            typed = {row: line[0] for row, line in enumerate(block) if line}
            repairs.cells += misplaced_id_repairs(
                before,
                after[capture.tab],
                analysis.id_columns[capture.tab],
                analysis.person_columns[capture.tab],
                written[capture.tab],
                typed,
            )
    return repairs


def archive_decisions(
    decisions: dict[str, Decision], tab: TabData | None, today: date, changes: ChangeSet
) -> None:
    """Decisions typed for deals that left the review list, into the archive (created with them if new)."""
    if not decisions:
        return
    rows = [archive_row(key, decision, today) for key, decision in decisions.items()]
    if tab is None:
        changes.tabs.append(TabContent(REVIEW_ARCHIVE.en, (ARCHIVE_COLUMNS, *rows), hidden=True))
        return
    archive = StateTable(REVIEW_ARCHIVE.en, ARCHIVE_COLUMNS, tab, changes)
    for key, row in zip(decisions, rows, strict=True):
        archive.put(key, row, changes)
