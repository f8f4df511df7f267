"""One sync cycle: read -> parse -> rules -> plan -> verify -> write.

`analyse` is the whole cycle without I/O (snapshot in, changes out); `run_cycle` wraps it with the
store: one read, a cheap verify just before the one write, and a bounded re-plan when people moved
rows in between.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from reports.manager_review import Decision, find_deal_table, manager_review_report, read_decisions
from reports.marketing_feedback import marketing_feedback_report
from reports.reminders import reminders_report
from reports.table import Report
from reports.win_loss import win_loss_report
from rules.book import Book, key_of
from rules.derive import Derivation, Memory, Settings, derive
from rules.flags import Thresholds
from sheets_schema.locale import Locale
from sheets_schema.messages import Message
from sheets_schema.rows import CellProblem, HeaderMap, KnownRows, match_headers, parse_tab
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import (
    DEAL_EVENTS,
    DEAL_STATES,
    HANDLED_CALLS,
    INPUT_TABS,
    MANAGER_REVIEW,
    MARKETING_FEEDBACK,
    REMINDERS,
    REVIEW_ARCHIVE,
    STATE,
    WIN_LOSS,
    OwnedTab,
    TabSpec,
    find_tab,
)
from sync.changes import (
    CAPTURE_TAB,
    Capture,
    CellValue,
    CellWrite,
    ChangeSet,
    OpenCells,
    TabContent,
    capture_columns,
)
from sync.config import Config
from sync.errors import AmbiguousWriteError, WriteConflictError
from sync.plan import (
    InputTabPlan,
    fit_rows,
    last_used_row,
    plan_input_tab,
    plan_owned_tab,
    read_state,
    remembered_derived,
    state_rows,
)
from sync.repair import misplaced_decision_repairs, misplaced_id_repairs
from sync.sheet_locale import with_sheet_locale
from sync.state import (
    ARCHIVE_COLUMNS,
    DEAL_COLUMNS,
    EVENT_COLUMNS,
    HANDLED_COLUMNS,
    StateTable,
    archive_row,
    deal_state_row,
    event_row,
    handled_row,
    read_archive,
    read_deal_states,
    read_handled,
)
from sync.stores.base import LiveStore, Snapshot, Store, TabData, is_edited_live

MAX_PLAN_ATTEMPTS = 3


@dataclass
class Analysis:
    changes: ChangeSet
    keys: dict[str, list[int]] = field(default_factory=dict)  # tab title -> columns that identify rows
    id_columns: dict[str, int] = field(default_factory=dict)  # tab title -> where its ids are
    person_columns: dict[str, list[int]] = field(default_factory=dict)  # tab title -> person-owned columns
    rows_read: dict[str, int] = field(default_factory=dict)  # tab title -> data rows with content
    problems: list[CellProblem] = field(default_factory=list)  # cell and row problems, all tabs
    tab_problems: list[CellProblem] = field(default_factory=list)  # whole tabs skipped or missing
    book: Book = field(default_factory=Book)  # the parsed rows, with this cycle's new ids
    derivation: Derivation = field(default_factory=Derivation)
    rows_created: int = 0
    review: TabContent | None = None  # the Manager Review as planned
    skipped: dict[str, list[CellProblem]] = field(default_factory=dict)  # input tabs skipped, and why

    @property
    def all_problems(self) -> list[CellProblem]:
        return self.tab_problems + self.problems


@dataclass
class CycleReport:
    analysis: Analysis
    wrote: bool
    attempts: int
    cells_written: int = 0  # the sheet's cells this cycle changed (not the service's lease and Sync Log)
    write_requests: int = 0


def locate_input_tabs(snapshot: Snapshot) -> tuple[dict[str, TabData], list[CellProblem]]:
    """Input tabs by spec key, found by name in either language; a second tab of the same kind is reported."""
    found: dict[str, TabData] = {}
    problems = []
    for title, tab in snapshot.tabs.items():
        spec = find_tab(title)
        if spec is None:
            continue
        if spec.key in found:
            problems.append(
                CellProblem(
                    title,
                    0,
                    None,
                    Message(
                        "duplicate_tab", {"kind": spec.en, "first": found[spec.key].title, "second": title}
                    ),
                )
            )
            continue
        found[spec.key] = tab
    return found, problems


@dataclass
class ReadBook:
    """The input tabs of a snapshot, located by name, their headers matched and rows parsed."""

    book: Book
    tabs: dict[str, TabData]  # spec key -> the tab as read
    headers: dict[str, HeaderMap]  # spec key -> header map (usable tabs only)
    tab_problems: list[CellProblem]
    skipped: dict[str, list[CellProblem]] = field(default_factory=dict)  # spec key -> why (header unusable)


def read_book(snapshot: Snapshot, config: Config, known: KnownRows | None = None) -> ReadBook:
    """`known`: the rows of the previous cycle, kept by a long-running service (see KnownRows)."""
    locale: Locale = config.locale
    if known is not None:
        known.begin_cycle()
    try:
        return _read_book(snapshot, config, locale, known)
    finally:
        if known is not None:
            known.end_cycle()


def _read_book(snapshot: Snapshot, config: Config, locale: Locale, known: KnownRows | None) -> ReadBook:
    pipeline = config.pipeline.to_pipeline()
    tabs, duplicate_tabs = locate_input_tabs(snapshot)
    read = ReadBook(Book(), tabs, {}, list(duplicate_tabs))
    for spec in INPUT_TABS:
        tab = tabs.get(spec.key)
        if tab is None:
            read.tab_problems.append(_missing_tab(spec, locale))
            continue
        header = match_headers(spec, tab.title, tab.rows[0] if tab.rows else [], locale)
        if not header.usable:  # a required column is missing: skip the tab, write nothing to it
            read.tab_problems += header.problems
            read.skipped[spec.key] = [p for p in header.problems if p.message.code == "missing_column"]
            continue
        read.headers[spec.key] = header
        read.book.tabs[spec.key] = parse_tab(
            spec, header, tab.rows, pipeline, locale, known, snapshot.max_cell_chars
        )
    return read


def analyse(snapshot: Snapshot, config: Config, today: date, known: KnownRows | None = None) -> Analysis:
    locale: Locale = config.locale
    read = read_book(snapshot, config, known)
    book, tabs, headers = read.book, read.tabs, read.headers
    analysis = Analysis(ChangeSet(), tab_problems=read.tab_problems, book=book, skipped=read.skipped)
    for key, header in headers.items():
        spec, title = header.spec, header.title
        analysis.person_columns[title] = sorted(
            header.columns[c.key]
            for c in spec.person_columns
            if c.key in header.columns and c.key != spec.id_key
        )
        analysis.keys[title] = sorted(
            header.columns[c.key]
            for c in spec.columns
            if (c.required or c.key == spec.id_key) and c.key in header.columns
        )
        analysis.rows_read[title] = len(book.tabs[key].rows)
    state = read_state(snapshot.tabs.get(STATE.en))
    memory = Memory(
        next_ids={
            k.removeprefix("next_id."): int(v)
            for k, v in state.items()
            if k.startswith("next_id.") and isinstance(v, int | float)
        },
        # what the service wrote earlier and reads back: only the Deals tab's Created on (see rules.derive)
        derived={
            key: remembered_derived(tabs[key], header) for key, header in headers.items() if key == "deals"
        },
        deals=read_deal_states(snapshot.tabs.get(DEAL_STATES.en)),
        handled=read_handled(snapshot.tabs.get(HANDLED_CALLS.en)),
    )
    next_rows = {key: last_used_row(tabs[key]) + 1 for key in headers}
    derivation = derive(book, today, locale, memory, settings_from(config), next_rows)
    keep_values_from_skipped_tabs(derivation, tabs, headers, set(read.skipped))
    analysis.derivation = derivation
    problems_by_tab: dict[str, list[CellProblem]] = {key: list(h.problems) for key, h in headers.items()}
    for key, parsed in book.tabs.items():
        problems_by_tab[key] += parsed.problems
    titles = {header.title: key for key, header in headers.items()}
    for problem in derivation.problems:
        problems_by_tab[titles[problem.tab]].append(problem)
    pipeline = config.pipeline.to_pipeline()
    created = ChangeSet()  # rows the service creates, with the state that records them: all or nothing
    for key, header in headers.items():
        plan = InputTabPlan(
            tabs[key],
            header,
            problems_by_tab[key],
            derivation.appended.get(key, []),
            pipeline,
            locale,
            snapshot.max_cell_chars,
        )
        id_col = plan_input_tab(plan, derivation, locale, analysis.changes, created)
        if id_col is not None:
            analysis.id_columns[tabs[key].title] = id_col
        analysis.problems += sorted(problems_by_tab[key], key=lambda p: (p.row, p.col or 0))
    analysis.rows_created = sum(len(rows) for rows in derivation.appended.values())
    _plan_state(snapshot, state, derivation, analysis.changes, created)
    _plan_generated(snapshot, analysis, config, today)
    if not created.is_empty():
        analysis.changes.groups.insert(0, created)
    return analysis


def settings_from(config: Config) -> Settings:
    limits = config.thresholds
    return Settings(
        config.pipeline.to_pipeline(),
        Thresholds(limits.neglect_days, limits.close_date_pushes, limits.amount_required_from),
        config.automation.appointment_to_deal,
    )


def _plan_state(
    snapshot: Snapshot, state: dict, derivation: Derivation, changes: ChangeSet, created: ChangeSet
) -> None:
    """`created` is the group that carries the rows created this cycle: the id sequences and the ledger of
    handled appointment calls land with them, or not at all."""
    tabs = snapshot.tabs
    new_state = dict(state) | {f"next_id.{prefix}": n for prefix, n in derivation.next_ids.items()}
    if new_state != state or STATE.en not in tabs:
        plan_owned_tab(tabs.get(STATE.en), TabContent(STATE.en, state_rows(new_state), hidden=True), created)
    handled = StateTable(HANDLED_CALLS.en, HANDLED_COLUMNS, tabs.get(HANDLED_CALLS.en), changes)
    for key, entry in derivation.handled.items():
        handled.put(key, handled_row(entry), created)
    deals = StateTable(DEAL_STATES.en, DEAL_COLUMNS, tabs.get(DEAL_STATES.en), changes)
    events = StateTable(DEAL_EVENTS.en, EVENT_COLUMNS, tabs.get(DEAL_EVENTS.en), changes)
    events_by_deal: dict[str, list] = {}
    for event in derivation.events:
        events_by_deal.setdefault(key_of(event.deal_id) or "", []).append(event)
    for key, deal in derivation.deals.items():
        if key.startswith("#row"):
            continue  # no readable id (a formula's): the state tab, keyed by id, could never find it again
        group = ChangeSet()  # a deal's remembered state and the events that moved it land together
        deals.put(key, deal_state_row(deal), group)
        for event in events_by_deal.get(key, []):
            events.append(event_row(event), group)
        if not group.is_empty():
            changes.groups.append(group)


def owned_tab(snapshot: Snapshot, tab: OwnedTab) -> TabData | None:
    """A service-owned tab under its name in either language (the sheet may have switched)."""
    return snapshot.tabs.get(tab.en) or snapshot.tabs.get(tab.ja)


def _plan_generated(snapshot: Snapshot, analysis: Analysis, config: Config, today: date) -> None:
    """The tabs managers, reps and marketing read, rebuilt from this cycle's rows; written only if changed.
    A tab that depends on an input tab the cycle had to skip is not rebuilt (it would read as an all-clear):
    it keeps what it showed, under a notice naming the skipped tab."""
    locale, book, derivation = config.locale, analysis.book, analysis.derivation
    pipeline = config.pipeline.to_pipeline()
    facts = derivation.facts
    builders: tuple[tuple[OwnedTab, Callable[[], Report]], ...] = (
        (MANAGER_REVIEW, lambda: _plan_review(snapshot, analysis, config, pipeline, today)),
        (REMINDERS, lambda: reminders_report(book, today, locale, config.reminders.due_soon_days)),
        (
            MARKETING_FEEDBACK,
            lambda: marketing_feedback_report(book, facts, today, locale, config.reports, pipeline=pipeline),
        ),
        (WIN_LOSS, lambda: win_loss_report(book, facts, today, locale, pipeline, config.reports)),
    )
    for tab, build in builders:
        skipped = [key for key in DEPENDS_ON[tab.key] if key in analysis.skipped]
        if skipped:
            held = held_content(
                owned_tab(snapshot, tab), tab.title(locale), skipped, analysis.skipped, locale
            )
            plan_owned_tab(snapshot.tabs.get(held.title), held, analysis.changes)
            continue
        report = build()
        content = TabContent(
            tab.title(locale),
            fit_rows(report.rows, snapshot.max_cell_chars, locale),
            header_rows=report.header_rows,
            bold_rows=report.bold_rows,
            column_widths=report.column_widths,
            charts=report.charts,
            open_cells=tuple(OpenCells(*block) for block in report.open_cells),
        )
        current = snapshot.tabs.get(content.title)
        plan_owned_tab(current, content, analysis.changes)
        if tab is MANAGER_REVIEW:
            analysis.review = content


# The input tabs each generated tab is built from: while one of them is skipped, the tab is held.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    MANAGER_REVIEW.key: ("deals", "tasks", "team"),
    REMINDERS.key: ("tasks", "deals", "team"),
    MARKETING_FEEDBACK.key: ("leads", "calls", "deals"),
    WIN_LOSS.key: ("deals", "leads"),
}
# Derived columns computed from another input tab: while that tab is skipped, they keep their last values.
DERIVED_FROM: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": {
        "calls_made": ("calls",),
        "last_call_at": ("calls",),
        "last_result": ("calls",),
        "deal_id": ("deals",),
    },
    "calls": {"company": ("leads",)},
    "deals": {
        "days_since_activity": ("calls", "tasks"),
        "open_tasks": ("tasks",),
        "next_task_due": ("tasks",),
        "next_task": ("tasks",),
        "owner_check": ("team",),
        "health": ("tasks", "team", "calls"),
    },
}
NOTICE = (
    "⚠ Not updated: the {tabs} tab was skipped ({why}); this tab shows what it showed before — fix the "
    "header and the next cycle updates it",
    "⚠ 未更新: {tabs}タブを読み込めませんでした({why})。このタブは前回の内容のままです — 見出しを直すと次回の同期で更新されます",
)


def keep_values_from_skipped_tabs(
    derivation: Derivation, tabs: dict[str, TabData], headers: dict[str, HeaderMap], skipped: set[str]
) -> None:
    """Derived cells computed from a skipped tab keep what they show (not cleared as if it had no rows)."""
    for key, header in headers.items():
        kept = [
            (column, header.columns[column])
            for column, sources in DERIVED_FROM.get(key, {}).items()
            if skipped.intersection(sources) and column in header.columns
        ]
        if not kept:
            continue
        tab, by_row = tabs[key], derivation.values.setdefault(key, {})
        for row in range(1, len(tab.rows)):
            by_row[row] = dict(by_row.get(row, {})) | {column: tab.cell(row, col) for column, col in kept}


def held_content(
    current: TabData | None,
    title: str,
    skipped: list[str],
    why: dict[str, list[CellProblem]],
    locale: Locale,
) -> TabContent:
    """A generated tab kept as it was, its first cell replaced by a notice naming the skipped tab(s)."""
    names = ", ".join(_spec(key).title(locale) for key in skipped)
    reasons = "; ".join(p.render(locale) for key in skipped for p in why[key])
    notice = NOTICE[1 if locale == "ja" else 0].format(tabs=names, why=reasons)
    rows: list[tuple[CellValue, ...]] = [tuple(r) for r in current.rows] if current is not None else []
    if not rows:
        return TabContent(title, ((notice,),))
    rows[0] = (notice, *rows[0][1:])
    return TabContent(title, tuple(rows))


def _plan_review(
    snapshot: Snapshot, analysis: Analysis, config: Config, pipeline: Pipeline, today: date
) -> Report:
    """The Manager Review, carrying the manager's Decision and note by deal id; a decision whose deal left
    the list goes to a hidden archive, and comes back if the deal returns."""
    locale = config.locale
    current = owned_tab(snapshot, MANAGER_REVIEW)
    archive_tab = snapshot.tabs.get(REVIEW_ARCHIVE.en)
    archived = read_archive(archive_tab)
    typed = read_decisions(current.rows) if current else {}
    review = manager_review_report(
        analysis.book,
        analysis.derivation.health,
        archived | typed,
        pipeline,
        today,
        locale,
        config.thresholds.review_limit,
    )
    archive = StateTable(REVIEW_ARCHIVE.en, ARCHIVE_COLUMNS, archive_tab, analysis.changes) if typed else None
    for key, decision in typed.items():
        if key not in review.shown and archive is not None and archived.get(key) != decision:
            archive.put(key, archive_row(key, decision, today), analysis.changes)
    if current is not None:
        place = find_deal_table(current.rows)
        if place is not None:  # what the manager types here is checked again just before the write
            analysis.keys[current.title] = sorted(place.columns.values())
    return review.report


def _missing_tab(spec: TabSpec, locale: Locale) -> CellProblem:
    return CellProblem(spec.title(locale), 0, None, Message("missing_tab", {"tab": spec.title(locale)}))


def local_today(config: Config, now: datetime | None = None) -> date:
    """Today where the team works (config timezone), not where the server runs."""
    moment = now.astimezone(config.zone) if now else datetime.now(config.zone)
    return moment.date()


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


def _archive(decisions: dict[str, Decision], tab: TabData | None, today: date, changes: ChangeSet) -> None:
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


def _writes_tab(changes: ChangeSet, title: str) -> bool:
    return (
        any(cell.tab == title for cell in changes.cells)
        or any(content.title == title for content in changes.tabs)
        or any(patch.title == title for patch in changes.patches)
    )


PUT_BACK_ATTEMPTS = 2


def put_back_after_write(store: LiveStore, snapshot: Snapshot, analysis: Analysis, today: date) -> int:
    """After a write on a store people edit meanwhile: read again, and put back what people typed in the
    instant before the write — an id a new id landed on, a Decision its deal moved away from (sync.repair).
    The put-back is checked like the write (rows may move again); if they keep moving it is left out,
    and the row meant for a new id gets one in the next cycle. Returns the write requests made."""
    changes = analysis.changes
    if not changes.captures:
        return 0
    review = analysis.review
    reviewed = review is not None and any(c.tab == review.title for c in changes.captures)
    archived = REVIEW_ARCHIVE.en in snapshot.tabs or any(t.title == REVIEW_ARCHIVE.en for t in changes.tabs)
    titles = [*dict.fromkeys(c.tab for c in changes.captures), CAPTURE_TAB]
    titles += [REVIEW_ARCHIVE.en] if reviewed and archived else []
    keys = {title: cols for title, cols in analysis.keys.items() if title in titles}
    for _ in range(PUT_BACK_ATTEMPTS):
        after = store.read_tabs(titles)
        repairs = _put_back(snapshot, analysis, after, today)
        if repairs.is_empty():
            return 0
        if store.unchanged_since(Snapshot(after), keys):
            return store.write(repairs).requests
    return 0


def _put_back(snapshot: Snapshot, analysis: Analysis, after: dict[str, TabData], today: date) -> ChangeSet:
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
            _archive(left_list, after.get(REVIEW_ARCHIVE.en), today, repairs)
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


class _CollectorPause:
    """The collector is process-wide and sheets may be served in threads: it is paused while any cycle runs,
    and resumed (if it was running before the first) when the last one ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.resume = False

    @contextmanager
    def held(self) -> Iterator[None]:
        with self.lock:
            if self.depth == 0:
                self.resume = gc.isenabled()
                gc.disable()
            self.depth += 1
        try:
            yield
        finally:
            with self.lock:
                self.depth -= 1
                if self.depth == 0 and self.resume:
                    gc.enable()


_COLLECTOR = _CollectorPause()


def cyclic_gc_paused() -> AbstractContextManager[None]:
    """A cycle allocates a few objects per cell of a sheet that may hold millions; as the heap grows, CPython's
    cyclic collector re-scans every live object again and again (about a third of a cycle's compute at 1.4M
    cells, measured). Reference counting still frees memory meanwhile; the collector resumes after."""
    return _COLLECTOR.held()


def run_cycle(
    store: Store,
    config: Config,
    today: date,
    dry_run: bool = False,
    before_write: Callable[[Snapshot, Analysis], None] | None = None,
    known: KnownRows | None = None,
) -> CycleReport:
    """One cycle. `before_write` may add to the plan (e.g. the service's Sync Log row and lease renewal),
    so that they land in the cycle's one write; it is called only when the cycle writes. `known`: the rows
    of the previous cycle, kept by a long-running service, so that unchanged rows are not parsed again."""
    with cyclic_gc_paused():
        return _run_cycle(store, config, today, dry_run, before_write, known)


def _run_cycle(
    store: Store,
    config: Config,
    today: date,
    dry_run: bool,
    before_write: Callable[[Snapshot, Analysis], None] | None,
    known: KnownRows | None,
) -> CycleReport:
    for attempt in range(1, MAX_PLAN_ATTEMPTS + 1):
        snapshot = store.read()
        config = with_sheet_locale(config, snapshot)  # a Japanese sheet stays Japanese (sync/sheet_locale.py)
        analysis = analyse(snapshot, config, today, known)
        if dry_run or analysis.changes.is_empty():
            return CycleReport(analysis, wrote=False, attempts=attempt)
        # "cells written" counts the sheet's cells the cycle changes, not the service's own bookkeeping
        # that before_write adds (the lease, the whole Sync Log tab): the Sync Log row, written with
        # them, can only know this figure, and the log line must say the same
        cells = analysis.changes.cell_count
        if before_write is not None:
            before_write(snapshot, analysis)
        if not store.unchanged_since(snapshot, analysis.keys):
            continue  # people moved rows since the read: plan again on what is there now
        if is_edited_live(store):  # people type while it writes: copy what they may type (put back after)
            guard_write_window(snapshot, analysis)
        try:
            result = store.write(analysis.changes)
        except AmbiguousWriteError:
            continue  # it may have landed: read again, and the plan holds only what is still missing
        if is_edited_live(store):
            result.requests += put_back_after_write(store, snapshot, analysis, today)
        return CycleReport(analysis, True, attempt, cells, result.requests)
    raise WriteConflictError(
        f"{store.describe()}: rows kept moving, or writes did not complete, while the service was about to write "
        f"({MAX_PLAN_ATTEMPTS} attempts); nothing is lost — the next cycle will try again"
    )


def _spec(key: str) -> TabSpec:
    return next(spec for spec in INPUT_TABS if spec.key == key)
