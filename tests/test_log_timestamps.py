"""`serve`'s log lines carry their time in the configured zone with its UTC offset (ISO 8601), text and
JSON alike, whatever zone the server runs in (issue 14, item 13)."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner

from sheets_schema.tabs import INPUT_TABS
from sync.cli.service_commands import serve
from sync.service.logs import setup_logging
from tests.sheets import tab
from tests.stores import StoreMaker

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "stamp"),
    [("Asia/Tokyo", "2026-11-30T10:00:00.000+09:00"), ("UTC", "2026-11-30T01:00:00.000+00:00")],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_log_line_says_its_time_with_the_zones_offset(fmt, zone, stamp):
    stream = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        handler = setup_logging(fmt, stream=stream, zone=ZoneInfo(zone))
        try:
            logging.getLogger("sync.service.loop").info("main: nothing changed")
        finally:
            logging.getLogger().removeHandler(handler)
    line = stream.getvalue().rstrip()
    if fmt == "json":
        assert json.loads(line)["time"] == stamp
    else:
        assert line == f"{stamp} INFO sync.service.loop: main: nothing changed"


def test_serve_logs_in_the_configured_zone(tmp_path):
    _store, settings = StoreMaker("xlsx", tmp_path, lambda: None)({spec.en: tab(spec) for spec in INPUT_TABS})
    path = tmp_path / "sfa-sync.toml"
    path.write_text(
        f'timezone = "Asia/Tokyo"\n[store]\nkind = "xlsx"\npath = "{settings.store.path}"\n'
        f'[service]\nbackups_dir = "{tmp_path / "saved"}"\n[reminders]\nat = "23:59"\n',
        encoding="utf-8",
    )
    with time_machine.travel(NOW, tick=False):
        done = CliRunner().invoke(serve, ["--config", str(path), "--once"])
    logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers if h.get_name() != "sfa-sync"]
    assert done.exit_code == 0, done.output
    lines = [line for line in done.stderr.splitlines() if " INFO " in line]
    assert lines and all(line.startswith("2026-11-30T10:00:00.000+09:00 ") for line in lines), lines
