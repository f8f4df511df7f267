"""The process log's line for a cycle and the Sync Log row the same cycle writes give the same figures
(issue 14, item 13): cells written, requests and duration up to the write, which is all the row can know
(it is written in that write). What the cycle did after it (the put-back on a live sheet) is in the line
too, labelled "in all". On a real .xlsx workbook, with `serve --once`'s Service."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from reports.sync_log import read_log
from sheets_schema.tabs import INPUT_TABS
from sync.service.loop import Service
from sync.stores.xlsx import XlsxStore
from tests.sheets import tab
from tests.stores import StoreMaker

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
DEALS = [{"deal_name": "Acme", "stage": "Proposal", "owner": "Sato", "amount": 100}]


def test_the_log_line_gives_the_sync_log_rows_figures(tmp_path, caplog):
    grids = {spec.en: tab(spec, *(DEALS if spec.key == "deals" else [])) for spec in INPUT_TABS}
    _store, config = StoreMaker("xlsx", tmp_path, lambda: None)(
        grids, **{"service.backups_dir": str(tmp_path / "backups"), "reminders.at": "23:59"}
    )
    with caplog.at_level(logging.INFO, logger="sync.service.loop"):
        Service(config, once=True, clock=lambda: NOW).run_once()
    [line] = [r for r in caplog.records if getattr(r, "outcome", None) == "ok"]
    [row] = read_log(XlsxStore(config.store.path).read().tabs["Sync Log"].rows)
    assert (line.cells_written, line.requests) == (row["cells_written"], row["requests"]), line.getMessage()
    assert round(line.duration_s, 1) == row["duration_s"]
    message = line.getMessage()
    assert f"cells written {row['cells_written']};" in message and f"requests {row['requests']};" in message
    assert line.requests_in_all == line.requests, "nothing follows the write on a workbook"
    assert line.duration_in_all_s >= line.duration_s
