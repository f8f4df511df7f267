"""The cycle without I/O: snapshot in, Analysis (the ChangeSet and what it was planned from) out.

parse -> rules -> reports -> plan. sync/jobs/cycle.py wraps it with the store: one read, a cheap verify
just before the one write, a bounded re-plan when people moved rows in between.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher

from reports.fit_section import call_list_report
from reports.forecast_tab import forecast_report
from reports.manager_review import find_deal_table, manager_review_report, read_decisions
from reports.marketing_feedback import marketing_feedback_report
from reports.presentation import decision_options, present
from reports.reminders import reminders_report
from reports.table import Report
from reports.win_loss import win_loss_report
from rules.book import Book, key_of
from rules.cycle_rules import Derivation, Memory, Settings, derive
from rules.fit_model import FitAssessment, FitSettings
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Message
from sheets_schema.parsing import is_blank
from sheets_schema.rows import CellProblem, HeaderMap, KnownRows, match_headers, parse_tab
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import (
    CALL_LIST,
    DEAL_EVENTS,
    DEAL_STATES,
    FIT_CACHE,
    FORECAST,
    GENERATED_TABS,
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
from sync.core.changes import (
    CellValue,
    ChangeSet,
    OpenCells,
    TabContent,
)
from sync.core.config import Config
from sync.core.snapshot import Snapshot, TabData
from sync.engine.plan import (
    InputTabPlan,
    fit_rows,
    last_used_row,
    plan_input_tab,
    plan_owned_tab,
    remembered_derived,
)
from sync.engine.state.appointments import HANDLED_COLUMNS, handled_row, read_handled
from sync.engine.state.deals import DEAL_COLUMNS, deal_state_row, read_deal_states
from sync.engine.state.events import EVENT_COLUMNS, event_row, read_events
from sync.engine.state.fit_cache import fit_content, read_fit
from sync.engine.state.key_values import read_state, state_rows
from sync.engine.state.review_archive import ARCHIVE_COLUMNS, archive_row, read_archive
from sync.engine.state.table import StateTable


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
    rows_added: dict[str, int] = field(default_factory=dict)  # tab title -> rows this cycle appends to it
    locale: Locale = "en"  # the language the sheet is in (and the cycle wrote in)
    review: TabContent | None = None  # the Manager Review as planned
    skipped: dict[str, list[Message]] = field(default_factory=dict)  # input tabs skipped: the notices to show

    @property
    def all_problems(self) -> list[CellProblem]:
        return self.tab_problems + self.problems


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
    # spec key -> the notices naming what to fix, for a tab skipped (header unusable) or missing
    skipped: dict[str, list[Message]] = field(default_factory=dict)


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
    look_alikes = look_alike_tabs(snapshot, tabs, locale)
    for spec in INPUT_TABS:
        tab = tabs.get(spec.key)
        other = look_alikes.get(spec.key)
        if tab is None or other is not None:
            read.tab_problems.append(_missing_tab(spec, tab, other, locale))
            read.skipped[spec.key] = [_missing_notice(spec, tab, other, locale)]
            continue
        header = match_headers(spec, tab.title, tab.rows[0] if tab.rows else [], locale)
        if not header.usable:  # a required column is missing: skip the tab, write nothing to it
            read.tab_problems += header.problems
            read.skipped[spec.key] = [
                _header_notice(spec, tab, header, key, locale) for key in header.missing_required
            ]
            continue
        read.headers[spec.key] = header
        read.book.tabs[spec.key] = parse_tab(
            spec, header, tab.rows, pipeline, locale, known, snapshot.max_cell_chars
        )
    return read


def analyse(
    snapshot: Snapshot, config: Config, today: date, known: KnownRows | None = None, learner: str = ""
) -> Analysis:
    """`learner`: the versions of the libraries that learn the fit score (sync.jobs.cycle.learner_versions):
    what was learned under others is learned again."""
    locale: Locale = config.locale
    read = read_book(snapshot, config, known)
    book, tabs, headers = read.book, read.tabs, read.headers
    analysis = Analysis(
        ChangeSet(), tab_problems=read.tab_problems, book=book, skipped=read.skipped, locale=locale
    )
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
        # what the service wrote earlier and reads back: only the Deals tab's Created on (see rules.cycle_rules)
        derived={
            key: remembered_derived(tabs[key], header) for key, header in headers.items() if key == "deals"
        },
        deals=read_deal_states(snapshot.tabs.get(DEAL_STATES.en)),
        handled=read_handled(snapshot.tabs.get(HANDLED_CALLS.en)),
        fit=read_fit(snapshot.tabs.get(FIT_CACHE.en)),
    )
    next_rows = {key: last_used_row(tabs[key]) + 1 for key in headers}
    derivation = derive(book, today, locale, memory, settings_from(config, learner), next_rows)
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
    analysis.rows_added = {headers[key].title: len(rows) for key, rows in derivation.appended.items() if rows}
    _plan_state(snapshot, state, derivation, analysis.changes, created)
    _plan_generated(snapshot, analysis, config, today)
    if not created.is_empty():
        analysis.changes.groups.insert(0, created)
    return analysis


def settings_from(config: Config, learner: str = "") -> Settings:
    """`learner`: the versions of the fit score's learning libraries (see analyse)."""
    limits = config.thresholds
    return Settings(
        config.pipeline.to_pipeline(),
        limits,
        config.automation.appointment_to_deal,
        FitSettings(**config.fit.model_dump(), learner=learner),
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
    _plan_fit(snapshot, derivation, changes)
    for key, deal in derivation.deals.items():
        if key.startswith("#row"):
            continue  # no readable id (a formula's): the state tab, keyed by id, could never find it again
        group = ChangeSet()  # a deal's remembered state and the events that moved it land together
        deals.put(key, deal_state_row(deal), group)
        for event in events_by_deal.get(key, []):
            events.append(event_row(event), group)
        if not group.is_empty():
            changes.groups.append(group)


def _plan_fit(snapshot: Snapshot, derivation: Derivation, changes: ChangeSet) -> None:
    """What the fit score learned, remembered for the next cycle: written only when it differs from what the
    tab holds (an unchanged history writes nothing). Nothing learned (too little history), nothing written;
    a figure too long for a cell (a very long category) is not remembered: it is learned every cycle."""
    learned = derivation.fit.learned if derivation.fit is not None else None
    if learned is None:
        return
    rows = fit_content(learned)
    if any(isinstance(c, str) and len(c) > snapshot.max_cell_chars for row in rows for c in row):
        return
    plan_owned_tab(snapshot.tabs.get(FIT_CACHE.en), TabContent(FIT_CACHE.en, rows, hidden=True), changes)


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
    fit = derivation.fit or FitAssessment(0, 0, None, None, config.fit.min_closed)
    builders: tuple[tuple[OwnedTab, Callable[[], Report]], ...] = (
        (MANAGER_REVIEW, lambda: _plan_review(snapshot, analysis, config, pipeline, today)),
        (REMINDERS, lambda: reminders_report(book, today, locale, config.reminders.due_soon_days)),
        (CALL_LIST, lambda: call_list_report(book, fit, today, locale)),
        (FORECAST, lambda: _plan_forecast(snapshot, analysis, config, pipeline, today)),
        (
            MARKETING_FEEDBACK,
            lambda: marketing_feedback_report(
                book, facts, today, locale, config.reports, pipeline=pipeline, fit=fit
            ),
        ),
        (
            WIN_LOSS,
            lambda: win_loss_report(
                book, facts, today, locale, pipeline, config.reports, fit=(fit, config.fit.min_category)
            ),
        ),
    )
    for tab, build in builders:
        skipped = [key for key in DEPENDS_ON[tab.key] if key in analysis.skipped]
        if skipped:
            held = held_content(
                owned_tab(snapshot, tab), tab.title(locale), skipped, analysis.skipped, locale
            )
            plan_owned_tab(snapshot.tabs.get(held.title), held, analysis.changes)
            continue
        report = present(
            build(), locale, config.reports.money_format, decision_options(config.reports.decisions, locale)
        )
        content = TabContent(
            tab.title(locale),
            fit_rows(report.rows, snapshot.max_cell_chars, locale),
            header_rows=report.header_rows,
            bold_rows=report.bold_rows,
            column_widths=report.column_widths,
            charts=report.charts,
            open_cells=tuple(OpenCells(*block) for block in report.open_cells),
            look=report.look,
        )
        current = snapshot.tabs.get(content.title)
        plan_owned_tab(current, content, analysis.changes)
        if tab is MANAGER_REVIEW:
            analysis.review = content


def _plan_forecast(
    snapshot: Snapshot, analysis: Analysis, config: Config, pipeline: Pipeline, today: date
) -> Report:
    """The Forecast tab over the whole change log: what earlier cycles logged, and this cycle's changes."""
    events = read_events(snapshot.tabs.get(DEAL_EVENTS.en)) + analysis.derivation.events
    return forecast_report(
        analysis.book,
        analysis.derivation.deals,
        events,
        today,
        config.locale,
        pipeline,
        config.forecast,
        config.reports.min_segment,
    )


# The input tabs each generated tab is built from: while one of them is skipped, the tab is held.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    MANAGER_REVIEW.key: ("deals", "tasks", "team"),
    FORECAST.key: ("deals", "team"),
    REMINDERS.key: ("tasks", "deals", "team"),
    CALL_LIST.key: ("leads", "calls", "deals"),
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
        "fit": ("deals",),  # learned from the closed deals
        "fit_why": ("deals",),
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
NOTICE_MARK = ("⚠ Not updated:", "⚠ 未更新:")  # how each held notice (sheets_schema/messages.py) starts


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


def _header_notice(spec: TabSpec, tab: TabData, header: HeaderMap, key: str, locale: Locale) -> Message:
    """What the held tabs say about a required column missing from `tab`: which header to rename, if one
    looks like it was renamed, else which header to add."""
    name = spec.column(key).label(locale)
    found = renamed_header(header, tab, name)
    params: dict[str, object] = {"tab": tab.title, "column": name}
    return (
        Message("held_rename_header", params | {"found": found})
        if found
        else Message("held_add_header", params)
    )


def renamed_header(header: HeaderMap, tab: TabData, name: str) -> str | None:
    """The header cell naming no column of the tab that is closest to `name`: most likely it was renamed."""
    used = set(header.columns.values())
    unmatched = [
        str(raw).strip() for col, raw in enumerate(tab.rows[0]) if col not in used and not is_blank(raw)
    ]
    if not unmatched:
        return None
    return max(unmatched, key=lambda h: SequenceMatcher(None, h.lower(), name.lower()).ratio())


def held_content(
    current: TabData | None,
    title: str,
    skipped: list[str],
    why: dict[str, list[Message]],
    locale: Locale,
) -> TabContent:
    """A generated tab kept as it was, under a notice row naming the skipped tab(s) and what to fix. The
    notice has a row of its own above the tab's title or header (which it never replaces), and goes when
    the tab is rebuilt."""
    notice = " ".join(message.render(locale) for key in skipped for message in why[key])
    rows = [tuple(r) for r in current.rows] if current is not None else []
    shift = 1  # the rows move down under the notice row ...
    if rows and is_notice_row(rows[0]):  # ... unless held last cycle too: one notice, not one per cycle
        rows, shift = rows[1:], 0
    # the cells managers type into (Decision, Manager note) stay open where their rows are now
    opened = current.open_cells if current is not None and current.open_cells else ()
    open_cells = tuple(replace(b, row=b.row + shift, end_row=_moved(b.end_row, shift)) for b in opened)
    return TabContent(title, ((notice,), *rows), open_cells=open_cells)


def _moved(row: int | None, shift: int) -> int | None:
    return None if row is None else row + shift


def is_notice_row(row: Sequence[CellValue]) -> bool:
    first = row[0] if row else None
    return isinstance(first, str) and first.startswith(NOTICE_MARK) and all(is_blank(v) for v in row[1:])


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


def look_alike_tabs(snapshot: Snapshot, found: dict[str, TabData], locale: Locale) -> dict[str, TabData]:
    """For each input tab that is missing or empty, a tab of another name that has all of its required
    columns and holds rows: most likely the same tab, renamed (reading the empty one, or creating one, would
    read as every deal gone)."""
    known = {tab.title for tab in found.values()}
    unknown = [
        tab
        for title, tab in snapshot.tabs.items()
        if title not in known
        and not tab.hidden
        and not any(fold(title) in generated.names() for generated in GENERATED_TABS)
        and tab.rows
        and last_used_row(tab) > 0
    ]
    alike: dict[str, TabData] = {}
    for spec in INPUT_TABS:
        tab = found.get(spec.key)
        if tab is not None and last_used_row(tab) > 0:
            continue
        matching = [t for t in unknown if match_headers(spec, t.title, t.rows[0], locale).usable]
        if matching:
            alike[spec.key] = max(matching, key=last_used_row)
    return alike


def _missing_tab(spec: TabSpec, tab: TabData | None, other: TabData | None, locale: Locale) -> CellProblem:
    title = spec.title(locale) if tab is None else tab.title
    if other is None:
        return CellProblem(title, 0, None, Message("missing_tab", {"tab": title}))
    code = "renamed_tab" if tab is None else "empty_tab_look_alike"
    return CellProblem(
        title, 0, None, Message(code, {"tab": title, "found": other.title, "rows": last_used_row(other)})
    )


def _missing_notice(spec: TabSpec, tab: TabData | None, other: TabData | None, locale: Locale) -> Message:
    title = spec.title(locale) if tab is None else tab.title
    if other is None:
        return Message("held_missing_tab", {"tab": title})
    code = "held_renamed_tab" if tab is None else "held_empty_look_alike"
    return Message(code, {"tab": title, "found": other.title, "rows": last_used_row(other)})
