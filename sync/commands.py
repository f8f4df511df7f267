"""Commands that do more than one cycle: init, demo. I/O lives here, decisions in plan/layout/cycle."""

from __future__ import annotations

from sync.changes import ChangeSet, RowAppend
from sync.config import Config
from sync.cycle import CycleReport, local_today, run_cycle
from sync.errors import ConfigError
from sync.layout import plan_init
from sync.stores import open_store
from sync.stores.xlsx import XlsxStore


def initialise(config: Config) -> int:
    """Set the sheet up; returns the number of cells written (0 when it already was)."""
    store = open_store(config)
    if isinstance(store, XlsxStore) and not store.exists():
        store.create_empty()
    snapshot = store.read()
    changes = plan_init(snapshot, config.locale, config.pipeline.to_pipeline())
    if changes.is_empty():
        return 0
    return store.write(changes).cells


def make_demo(config: Config, force: bool = False) -> CycleReport:
    from sync.demo_data import demo_rows

    path = config.store.path
    if path.exists():
        if not force:
            raise ConfigError(f"{path}: already exists; pass --force to replace it or choose another --out")
        path.unlink()
    initialise(config)
    store = open_store(config)
    snapshot = store.read()
    today = local_today(config)
    rows = demo_rows(config.locale, today)
    changes = ChangeSet()
    from sheets_schema.rows import match_headers
    from sheets_schema.tabs import INPUT_TABS
    from sync.cycle import locate_input_tabs

    tabs, _ = locate_input_tabs(snapshot)
    for spec in INPUT_TABS:
        tab = tabs[spec.key]
        header = match_headers(spec, tab.title, tab.rows[0], config.locale)
        width = max(header.columns.values()) + 1
        for row in rows[spec.key]:
            values = [None] * width
            for key, value in row.items():
                values[header.columns[key]] = value
            changes.appends.append(RowAppend(tab.title, tuple(values)))
    store.write(changes)
    return run_cycle(open_store(config), config, today)
