"""Commands that do more than one cycle: init, demo. I/O lives here, decisions in plan/layout/cycle."""

from __future__ import annotations

from datetime import date

from sheets_schema.rows import match_headers
from sheets_schema.tabs import INPUT_TABS
from sync.core.changes import ChangeSet, RowAppend
from sync.core.config import Config
from sync.demo.workbook import demo_rows
from sync.engine.analyse import locate_input_tabs
from sync.engine.layout import header_fixes, plan_init
from sync.engine.sheet_locale import with_sheet_locale
from sync.errors import ConfigError, SheetLayoutError
from sync.jobs.cycle import CycleReport, local_today, run_cycle
from sync.stores import Snapshot, open_store
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


def make_demo(config: Config, force: bool = False, today: date | None = None) -> CycleReport:
    """A demo workbook: set up, filled with the demo team's rows as people would type them, then synced.

    `today` (default: the configured zone's date) is the day the demo's six months of history end on.
    """
    path = config.store.path
    if path.exists():
        if not force:
            raise ConfigError(f"{path}: already exists; pass --force to replace it or choose another --out")
        path.unlink()
    initialise(config)
    store = open_store(config)
    today = today or local_today(config)
    store.write(typed_rows(store.read(), demo_rows(config.locale, today), config))
    return run_cycle(open_store(config), config, today)


def typed_rows(snapshot: Snapshot, rows: dict[str, list[dict]], config: Config) -> ChangeSet:
    """Rows given as {column key: value} per tab, appended under the sheet's own headers."""
    changes = ChangeSet()
    tabs, _ = locate_input_tabs(snapshot)
    for spec in INPUT_TABS:
        tab = tabs[spec.key]
        header = match_headers(spec, tab.title, tab.rows[0], config.locale)
        width = max(header.columns.values()) + 1
        for row in rows[spec.key]:
            values: list = [None] * width
            for key, value in row.items():
                values[header.columns[key]] = value
            changes.appends.append(RowAppend(tab.title, tuple(values)))
    return changes
