"""Commands that do more than one cycle: init, demo. I/O lives here, decisions in plan/layout/cycle."""

from __future__ import annotations

from datetime import date

from rules.facts import DealFacts
from rules.history import ChangeEvent, DealState
from sheets_schema.parsing import CellParseError, parse_amount
from sheets_schema.rows import match_headers
from sheets_schema.tabs import DEAL_EVENTS, DEAL_STATES, INPUT_TABS
from sync.core.changes import CellWrite, ChangeSet, TabContent
from sync.core.config import Config
from sync.demo.workbook import DealHistory, DemoBook, DemoSize, demo_book
from sync.engine.analyse import locate_input_tabs
from sync.engine.layout import header_fixes, plan_init
from sync.engine.sheet_locale import with_sheet_locale
from sync.engine.state.deals import DEAL_COLUMNS, deal_state_row
from sync.engine.state.events import EVENT_COLUMNS, event_row
from sync.errors import ConfigError, SheetLayoutError
from sync.jobs.cycle import CycleReport, local_today, run_cycle
from sync.jobs.progress import Progress, quiet
from sync.stores import Snapshot, Store, open_store
from sync.stores.xlsx import XlsxStore


def initialise(config: Config) -> int:
    """Set the sheet up; returns the number of cells written (0 when it already was). A tab with rows that
    lacks a required column is not given an empty one: the error says which header to rename."""
    store = open_store(config)
    if isinstance(store, XlsxStore) and not store.exists():
        store.create_empty()
    snapshot = store.read()
    config = with_sheet_locale(config, snapshot)  # init on a Japanese sheet adds Japanese tabs, not copies
    changes = plan_init(snapshot, config.locale, config.pipeline.to_pipeline())
    written = 0 if changes.is_empty() else store.write(changes).cells
    fixes = header_fixes(snapshot, config.locale)
    if fixes:
        rest = (
            "init set up everything else; run it again after that"
            if config.locale == "en"
            else "それ以外は設定しました。直してから再度 init を実行してください"
        )
        raise SheetLayoutError(f"{store.describe()}: " + "; ".join(fixes) + f" — {rest}")
    return written


def make_demo(
    config: Config,
    force: bool = False,
    today: date | None = None,
    size: DemoSize | None = None,
    progress: Progress = quiet,
) -> CycleReport:
    """A demo workbook: set up, filled with the demo team's rows as people would type them, then synced.

    `today` (default: the configured zone's date) is the day the demo's months of history end on;
    `size` how many rows each tab gets (default: the small demo; sync.demo.sizes names S, M and L).
    """
    today = today or local_today(config)
    book = type_demo_rows(config, today, size or DemoSize(), force, progress)
    progress("history")
    open_store(config).write(past_cycles(book.history, book.rows["deals"]))
    return run_cycle(open_store(config), config, today, progress=progress)


def type_demo_rows(
    config: Config, today: date, size: DemoSize, force: bool = False, progress: Progress = quiet
) -> DemoBook:
    """The demo workbook as its people typed it, before any sync: set up, and the rows under the headers
    (the benchmark's first sync starts here)."""
    path = config.store.path
    if path.exists():
        if not force:
            raise ConfigError(f"{path}: already exists; pass --force to replace it or choose another --out")
        path.unlink()
    progress("generate")
    book = demo_book(config.locale, today, size=size)
    progress("setup")
    initialise(config)
    store = open_store(config)
    progress("type")
    store.write(typed_rows(store.read(), book.rows, config))
    return book


def fill_demo(store: Store, config: Config, today: date) -> None:
    """The demo team's rows, as people typed them, and the hidden history of its past cycles, written to
    a `store` already set up (init); the demo's cycle is the caller's."""
    book = demo_book(config.locale, today)
    store.write(typed_rows(store.read(), book.rows, config))
    store.write(past_cycles(book.history, book.rows["deals"]))


def past_cycles(history: tuple[DealHistory, ...], deal_rows: list[dict]) -> ChangeSet:
    """The hidden history tabs as if the service had synced the demo team every day: each deal's stage,
    amount and close date changes in _sfa_events and its last known values in _sfa_deals. Why seed them
    rather than run a cycle per simulated day: a day's cycle needs the sheet as it was that day, which the
    demo does not keep, and months of cycles would take minutes; the seeded rows are exactly what those
    cycles write, so stage since, stage before lost, days in stage, past forecasts and the week's changes
    read as in a team that has used the service."""
    states = [deal_state_row(_state(h, deal_rows[h.row])) for h in history]
    events = sorted(
        (*_stage_events(history), *_value_events(history)),
        key=lambda e: (e.observed_on, e.deal_id),  # stable: a deal's same-day changes keep their order
    )
    return ChangeSet(
        tabs=[
            TabContent(DEAL_STATES.en, (DEAL_COLUMNS, *states), hidden=True),
            TabContent(DEAL_EVENTS.en, (EVENT_COLUMNS, *(event_row(e) for e in events)), hidden=True),
        ]
    )


def _stage_events(history: tuple[DealHistory, ...]) -> list[ChangeEvent]:
    return [
        ChangeEvent(day, h.deal_id, "stage", old, new)
        for h in history
        for (_, old), (day, new) in zip(h.stages, h.stages[1:], strict=False)
    ]


def _value_events(history: tuple[DealHistory, ...]) -> list[ChangeEvent]:
    """The amount and close date changes, typed as the cycle logs them (a number, a date)."""
    return [
        ChangeEvent(day, h.deal_id, name, _tracked(old), _tracked(new))
        for h in history
        for day, name, old, new in h.changes
    ]


def _tracked(value: object) -> float | date | None:
    return value if isinstance(value, int | float | date) else None


def _state(history: DealHistory, row: dict) -> DealState:
    since, stage = history.stages[-1]
    facts = DealFacts(
        history.deal_id,
        created_on=history.created_on,
        closed_on=history.closed_on,
        stage_before_close=history.stage_before_close,
        stage_since=since,
        last_progress_on=max([since, *(day for day, *_ in history.changes)]),
        close_date_pushes=sum(
            1
            for _, name, old, new in history.changes
            if name == "close_date" and isinstance(old, date) and isinstance(new, date) and new > old
        ),
    )
    close = row["close_date"] if isinstance(row["close_date"], date) else None
    return DealState(history.deal_id, stage, _amount(row["amount"]), close, row["owner"] or None, facts)


def _amount(cell: object) -> float | None:
    try:
        return parse_amount(cell)
    except CellParseError:
        return None  # a deliberately bad cell: the cycle keeps the last valid value, none here


def typed_rows(snapshot: Snapshot, rows: dict[str, list[dict]], config: Config) -> ChangeSet:
    """Rows given as {column key: value} per tab, typed under the sheet's own headers below its last row.
    Cells rather than row appends: a store finds a tab's end once per append (the xlsx store by scanning
    the tab), which made typing a demo of 100k rows quadratic; the cells land where the appends would."""
    changes = ChangeSet()
    tabs, _ = locate_input_tabs(snapshot)
    for spec in INPUT_TABS:
        tab = tabs[spec.key]
        header = match_headers(spec, tab.title, tab.rows[0], config.locale)
        below = len(tab.rows)  # a new demo's tabs hold their header row only
        for offset, row in enumerate(rows[spec.key]):
            changes.cells += [
                CellWrite(tab.title, below + offset, header.columns[key], value) for key, value in row.items()
            ]
    return changes
