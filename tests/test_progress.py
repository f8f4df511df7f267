"""Progress on long work (issue 17, item 5): the jobs report their steps, the command line draws click's
progress bar from them on a terminal's stderr, and says nothing at all on a pipe or with JSON logs."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_schema.tabs import INPUT_TABS
from sync.cli.progress import STEP_WORDS, step_progress
from sync.cli.sheet_commands import demo
from sync.config_file import load_config
from sync.jobs.cycle import run_cycle
from sync.jobs.import_csv import run_import
from sync.jobs.progress import STEPS
from sync.jobs.restore import run_restore
from sync.jobs.setup import make_demo
from sync.stores.memory import MemoryStore
from tests.sheets import tab

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 30)
LEAD = {"company": "Kato Works", "contact": "Ken Kato", "email": "ken@kato.example", "lead_source": "Web"}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def empty_sheet() -> dict:
    return {spec.en: tab(spec) for spec in INPUT_TABS}


def steps_of(job) -> list[str]:
    told: list[str] = []
    job(told.append)
    return told


# ---------------------------------------------------------------------------------------------- the jobs


def test_a_cycle_reports_read_check_write_in_order():
    store = MemoryStore(
        {spec.en: tab(spec, LEAD) if spec.key == "leads" else tab(spec) for spec in INPUT_TABS}
    )
    config = load_config(None)
    assert steps_of(lambda p: run_cycle(store, config, TODAY, progress=p)) == ["read", "check", "write"]
    assert steps_of(lambda p: run_cycle(store, config, TODAY, progress=p)) == ["read", "check"]  # no write


def test_an_import_reports_its_steps(tmp_path):
    csv = tmp_path / "hot.csv"
    csv.write_text("company,contact,email\nKato Works,Ken Kato,ken@kato.example\n", encoding="utf-8")
    store, config = MemoryStore(empty_sheet()), load_config(None)
    told = steps_of(lambda p: run_import(store, config, "leads", csv, TODAY, source="Web", progress=p))
    assert told == ["read", "check", "write"]


def test_a_dry_run_restore_reports_read_and_check():
    store, config = MemoryStore(empty_sheet()), load_config(None)
    saved = {spec.en: _tab_data(spec) for spec in INPUT_TABS}
    told = steps_of(
        lambda p: run_restore(
            store,
            config,
            saved,
            only=None,
            pair_duplicates=False,
            dry_run=True,
            show=lambda plan, config: None,
            confirm=lambda plan, config: True,
            now=datetime(2026, 11, 30, 9, tzinfo=UTC),
            progress=p,
        )
    )
    assert told == ["read", "check"]


def _tab_data(spec):
    from sync.core.snapshot import TabData

    return TabData(spec.en, tab(spec, LEAD) if spec.key == "leads" else tab(spec))


def test_the_demo_reports_every_step_once_in_order(tmp_path):
    config = load_config(None, **{"store.kind": "xlsx", "store.path": str(tmp_path / "demo.xlsx")})
    told = steps_of(lambda p: make_demo(config, today=TODAY, progress=p))
    assert told == ["generate", "setup", "type", "history", "read", "check", "write"]
    assert [s for s in STEPS if s in told] == told


def test_every_step_has_words_in_both_languages():
    for step in STEPS:
        assert STEP_WORDS.say(step, "en") and STEP_WORDS.say(step, "ja") != STEP_WORDS.say(step, "en")


# ---------------------------------------------------------------------------------------------- the bar


@pytest.mark.parametrize(
    ("locale", "words"), [("en", "checking every row"), ("ja", "すべての行を確認中")], ids=["en", "ja"]
)
def test_on_a_terminal_the_bar_moves_through_the_steps_and_ends_full(locale, words):
    terminal = Terminal()
    with step_progress(("read", "check", "write"), locale, stream=terminal) as progress:
        progress("read")
        progress("check")
        drawn = terminal.getvalue()
    assert words in drawn and " 33%" in drawn
    assert "100%" in terminal.getvalue().split("\r")[-1] and terminal.getvalue().endswith("\n")


def test_a_pause_ends_the_line_and_the_next_step_carries_on_from_there():
    terminal = Terminal()
    with step_progress(("read", "check", "backup", "write"), "en", stream=terminal) as progress:
        progress("check")
        progress.pause()
        paused = terminal.getvalue()
        progress("write")
    assert paused.endswith("\n") and " 25%" in paused
    assert " 75%" in terminal.getvalue()[len(paused) :]


def test_a_failed_job_leaves_the_bar_where_it_was():
    terminal = Terminal()
    with pytest.raises(RuntimeError), step_progress(("read", "check"), "en", stream=terminal) as progress:
        progress("check")
        raise RuntimeError("the store failed")
    assert "100%" not in terminal.getvalue() and terminal.getvalue().endswith("\n")


@pytest.mark.parametrize(
    ("stream", "log_format"),
    [(io.StringIO(), "text"), (Terminal(), "json")],
    ids=["not a terminal", "--log-format json"],
)
def test_silent_on_a_pipe_and_with_json_logs(stream, log_format):
    with step_progress(("read", "check", "write"), "en", log_format, stream=stream) as progress:
        for step in ("read", "check", "write"):
            progress(step)
        progress.pause()
    assert stream.getvalue() == ""


def test_the_demo_command_prints_no_bar_when_not_on_a_terminal(tmp_path):
    out = tmp_path / "demo.xlsx"
    done = CliRunner().invoke(demo, ["--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stderr == ""
    assert done.stdout.startswith(f"{out}: rows read:")


def test_the_demo_command_draws_the_bar_on_a_real_terminal(tmp_path):
    """stderr on a pseudo-terminal (the pty module), stdout on a pipe: the bar on the one, the summary alone
    on the other."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync", "demo", "--out", str(tmp_path / "demo.xlsx")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    drawn = _read_all(leader)
    stdout, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    assert "reading the sheet" in drawn and "100%" in drawn, drawn
    assert "\r" not in stdout and "reading the sheet" not in stdout and "Demo workbook ready" in stdout


def _read_all(fd: int) -> str:
    chunks = []
    while select.select([fd], [], [], 120)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")
