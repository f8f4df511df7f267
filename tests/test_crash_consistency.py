"""Crash consistency: the service is killed with SIGKILL at random points of a cycle or of the reminder job,
on a real .xlsx file and on Google (the local emulator), and after every kill the sheet must be whole.

A fork server (tests/crash_child.py) runs each cycle in a child process; the parent kills it
- after a random delay (anywhere: reading, planning, verifying, writing, sending),
- on Google, as the child's n-th API request reaches the emulator (emu.on_request), either before the
  request is applied or while it is (the child dies without an answer),
- on .xlsx, at a chosen point of the save: while the k-th part of the temporary zip is written, just
  before the os.replace that publishes it, or just after,
- in the reminder job, as the SMTP server (aiosmtpd on loopback) receives the k-th digest, or while
  the ledger is saved.

After each kill: the workbook opens; every tab is exactly as before the cycle or as after a clean cycle
(values, notes, hidden state); a new cycle converges to the clean result and a second one writes
nothing; no id is duplicated (an appointment never becomes two deals); for reminders, every digest of
a clean run was received, at most one digest was received twice, and the ledger ends as in a clean run.

Runs: SFA_RELIABILITY_RUNS (default 100, split between the stores and the reminder job); the seed is
SFA_RELIABILITY_SEED (default 9). SFA_RELIABILITY_REPORT=path appends the figures as JSON lines.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from openpyxl import Workbook
from tenacity import wait_none

from rules.book import key_of
from sheets_schema.rows import match_headers
from sheets_schema.tabs import INPUT_TABS
from sync.config_file import load_config
from sync.core.changes import ChangeSet, RowAppend
from sync.core.config import Config
from sync.core.snapshot import Snapshot
from sync.demo.workbook import DemoSize, demo_rows
from sync.engine.analyse import analyse, locate_input_tabs
from sync.engine.state.reminder_ledger import LEDGER_TITLE
from sync.jobs.cycle import run_cycle
from sync.jobs.remind import run_reminders
from sync.jobs.setup import initialise
from sync.notify.email import EmailNotifier
from sync.stores import open_store
from sync.stores.google import GoogleStore
from sync.stores.xlsx import XlsxStore
from tests.notify_servers import free_port
from tests.sheets import header as header_row
from tests.sheets_emulator import SheetsEmulator

pytestmark = pytest.mark.heavy  # a long harness on fixed dates: not rerun under the shifted clock

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
SA = "sync@test-proj.iam.gserviceaccount.com"
SIZE = DemoSize(reps=5, leads=24, calls=60, deals=10, tasks=40, months=2)
RUNS = int(os.environ.get("SFA_RELIABILITY_RUNS", "100"))
SEED = int(os.environ.get("SFA_RELIABILITY_SEED", "9"))
REPORT = os.environ.get("SFA_RELIABILITY_REPORT")
ROOT = Path(__file__).resolve().parent.parent
SHARE = {"xlsx": 0.4, "google": 0.4, "remind": 0.2}


def runs_for(kind: str) -> int:
    return max(5, round(RUNS * SHARE[kind]))


def record(figures: dict[str, Any]) -> None:
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(figures, sort_keys=True) + "\n")
    print(json.dumps(figures, sort_keys=True))


# ------------------------------------------------------------------------------------------- the fork server


class ForkServer:
    """tests/crash_child.py: runs each job in a fresh child and says how it ended."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_child"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def start(self, job: dict[str, Any]) -> int:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())["pid"]

    def ended(self) -> dict[str, Any]:
        assert self.process.stdout
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def forks():
    server = ForkServer()
    yield server
    server.close()


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already reaped: it finished first
        os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(path: Path, pid: int, seconds: float = 30) -> bool:
    """True once `path` exists; False if the child ended (or the time ran out) first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive(pid):
        if path.exists():
            return True
        time.sleep(0.001)
    return False


def last_phase(progress: Path) -> str:
    lines = progress.read_text(encoding="utf-8").splitlines() if progress.exists() else []
    return lines[-1] if lines else "start"


# ------------------------------------------------------------------------------------------- the sheet


def seed_sheet(config: Config, bad_cells: bool = True, init: bool = True) -> None:
    """A small demo-like sheet (with bad cells, rows without ids, appointment calls), set up by init or
    (Google: init's 2,000 formatted rows make every emulated read slow) with the header rows only."""
    if init:
        initialise(config)
    elif config.store.kind == "xlsx":
        workbook = Workbook()
        workbook.remove(workbook.active)
        for spec in INPUT_TABS:
            workbook.create_sheet(spec.en).append(header_row(spec))
        workbook.save(config.store.path)
    store = open_store(config)
    tabs, _ = locate_input_tabs(store.read())
    changes = ChangeSet()
    rows = demo_rows("en", TODAY, size=SIZE, bad_cells=bad_cells)
    rows["calls"].append(
        {
            "lead_id": rows["leads"][0]["lead_id"],
            "called_at": datetime(2026, 11, 27, 10, 0),
            "caller": rows["team"][1]["name"],
            "result": "Appointment",
            "appointment_date": date(2026, 12, 3),
        }
    )  # becomes a deal and a first-visit task
    for spec in INPUT_TABS:
        tab = tabs[spec.key]
        header = match_headers(spec, tab.title, tab.rows[0], config.locale)
        width = max(header.columns.values()) + 1
        for row in rows[spec.key]:
            values: list[Any] = [None] * width
            for key, value in row.items():
                values[header.columns[key]] = value
            changes.appends.append(RowAppend(tab.title, tuple(values)))
    store.write(changes)


def grid(snapshot: Snapshot) -> dict[str, tuple]:
    """Every tab as the store reads it: values, notes, hidden."""
    return {title: (tab.rows, sorted(tab.notes.items()), tab.hidden) for title, tab in snapshot.tabs.items()}


def mixed(now: dict, before: dict, after: dict) -> str:
    """Which tabs are as before, which as after, which neither (for a failure message)."""

    def state(title: str) -> str:
        got = now.get(title)
        return "/".join(
            name for name, ref in (("before", before), ("after", after)) if ref.get(title) == got
        ) or ("missing" if got is None else "neither")

    return ", ".join(f"{title}: {state(title)}" for title in sorted(set(now) | set(before) | set(after)))


def duplicate_ids(config: Config, snapshot: Snapshot) -> list[str]:
    """Ids that appear twice in an id column (the demo types one duplicate on purpose: compare with it)."""
    found = []
    tabs, _ = locate_input_tabs(snapshot)
    for spec in INPUT_TABS:
        if not spec.id_key or spec.key not in tabs:
            continue
        tab = tabs[spec.key]
        header = match_headers(spec, tab.title, tab.rows[0], config.locale)
        col = header.columns[spec.id_key]
        ids = [key_of(str(row[col])) for row in tab.rows[1:] if col < len(row) and row[col] not in (None, "")]
        found += [f"{tab.title}:{i}" for i, n in Counter(ids).items() if n > 1]
    return found


def converges(config: Config, snapshot: Snapshot) -> bool:
    return analyse(snapshot, config, TODAY).changes.is_empty()


class Reference:
    """The sheet before a cycle and after a clean one, to compare every killed run with."""

    def __init__(self, config: Config, store: Any) -> None:
        self.config = config
        first = store.read()
        self.before = grid(first)
        self.typed_twice = duplicate_ids(config, first)
        run_cycle(store, config, TODAY)
        done = store.read()
        self.after = grid(done)
        assert self.after != self.before and converges(config, done)
        assert duplicate_ids(config, done) == self.typed_twice

    def check(self, store: Any, tally: Tally, what: str) -> None:
        """The sheet is as before or as after; the next cycle ends as a clean one, and a second writes nothing."""
        snapshot = store.read()  # (on .xlsx: the workbook opens)
        now = grid(snapshot)
        assert now in (self.before, self.after), (
            f"{what}: the sheet is neither as before nor as after: {mixed(now, self.before, self.after)}"
        )
        tally.landed["after" if now == self.after else "before"] += 1
        if now == self.before:
            run_cycle(store, self.config, TODAY)
            snapshot = store.read()
        recovered = grid(snapshot)
        tally.lost += recovered != self.after
        tally.duplicated += duplicate_ids(self.config, snapshot) != self.typed_twice
        assert recovered == self.after, f"{what}: the next cycle did not converge to the clean result"
        assert converges(self.config, snapshot), f"{what}: a second cycle would write again"


class Tally:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.runs = 0
        self.kills = 0
        self.finished_first = 0
        self.by_phase: Counter[str] = Counter()
        self.by_mode: Counter[str] = Counter()
        self.landed: Counter[str] = Counter()  # before / after
        self.lost = 0
        self.duplicated = 0
        self.repeats = 0
        self.stray_temp_files = 0

    def figures(self) -> dict[str, Any]:
        return {
            "harness": "crash",
            "store": self.kind,
            "runs": self.runs,
            "kills": self.kills,
            "finished_before_kill": self.finished_first,
            "kills_by_phase": dict(self.by_phase),
            "kills_by_mode": dict(self.by_mode),
            "sheet_after_kill": dict(self.landed),
            "lost": self.lost,
            "duplicated": self.duplicated,
            "reminder_repeats": self.repeats,
            "stray_temp_files": self.stray_temp_files,
        }


def run_killed(
    forks: ForkServer, job: dict[str, Any], arm: Callable[[int], None], tally: Tally, mode: str, tmp: Path
) -> str:
    progress = tmp / "progress.txt"
    progress.unlink(missing_ok=True)
    job["progress"] = str(progress)
    pid = forks.start(job)
    arm(pid)
    ended = forks.ended()
    phase = last_phase(progress)
    assert not phase.startswith("error"), f"the child failed on its own: {phase}"
    tally.runs += 1
    if ended["signal"] == signal.SIGKILL:
        tally.kills += 1
        tally.by_mode[mode] += 1
        tally.by_phase[phase] += 1
    else:
        assert ended["code"] == 0 and phase == "done", ended
        tally.finished_first += 1
    return phase


def delay_arm(seconds: float) -> Callable[[int], None]:
    def arm(pid: int) -> None:
        time.sleep(seconds)
        kill(pid)

    return arm


def marker_arm(marker: Path) -> Callable[[int], None]:
    def arm(pid: int) -> None:
        if wait_for(marker, pid):
            kill(pid)

    return arm


def clean_seconds(forks: ForkServer, job: dict[str, Any], tmp: Path, restore: Callable[[], None]) -> float:
    """How long a whole run takes in a child (the span random delays are drawn from): the faster of two."""
    spans = []
    for _ in range(2):
        restore()
        started = time.monotonic()
        forks.start({**job, "progress": str(tmp / "clean.txt")})
        assert forks.ended()["code"] == 0, (tmp / "clean.txt").read_text()
        spans.append(time.monotonic() - started)
    return min(spans)


# ------------------------------------------------------------------------------------------- .xlsx


def count_zip_parts(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return len(archive.namelist())


def test_a_cycle_killed_anywhere_on_xlsx_leaves_the_workbook_before_or_after_and_converges(forks, tmp_path):
    path = tmp_path / "team.xlsx"
    config = load_config(None, **{"store.path": str(path)})
    seed_sheet(config)
    base = tmp_path / "base.xlsx"
    shutil.copyfile(path, base)
    reference = Reference(config, XlsxStore(path))
    parts = count_zip_parts(path)

    def restore() -> None:
        shutil.copyfile(base, path)

    job = {"kind": "cycle", "config": {"store.path": str(path)}, "today": TODAY.isoformat()}
    span = clean_seconds(forks, job, tmp_path, restore)
    rng = random.Random(SEED)
    tally = Tally("xlsx")
    for run in range(runs_for("xlsx")):
        restore()
        marker = tmp_path / f"marker-{run}"
        mode = rng.choice(["delay", "delay", "writestr", "replace-before", "replace-after"])
        hook = None
        if mode == "delay":
            arm = delay_arm(rng.uniform(0, span))
        else:
            hook = {
                "type": mode,
                "marker": str(marker),
                "k": rng.randint(1, parts) if mode == "writestr" else 1,
            }
            arm = marker_arm(marker)
        run_killed(forks, {**job, "hook": hook}, arm, tally, mode, tmp_path)
        stray = list(tmp_path.glob(".team.xlsx.*.tmp"))
        tally.stray_temp_files += len(stray)
        for temp in stray:
            temp.unlink()
        reference.check(XlsxStore(path), tally, f"run {run} ({mode})")
    record(tally.figures())
    assert tally.kills >= tally.runs // 2
    assert tally.lost == 0 and tally.duplicated == 0


# ------------------------------------------------------------------------------------------- Google


class InFlight:
    """Counts the emulator's requests being handled. A killed child's last request may still be applied
    after the child is dead (its bytes were already in the socket): the parent waits for it to settle
    before looking at the sheet, as a person opening the sheet a moment later would."""

    def __init__(self, emu: SheetsEmulator) -> None:
        self.lock = threading.Lock()
        self.count = 0
        handle = emu.handle

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.count += 1
            try:
                return handle(*args, **kwargs)
            finally:
                with self.lock:
                    self.count -= 1

        emu.handle = counted  # type: ignore[method-assign]

    def settle(self) -> None:
        time.sleep(0.02)  # bytes already sent by the dead child reach the handler
        deadline = time.monotonic() + 30
        while self.count and time.monotonic() < deadline:
            time.sleep(0.002)
        assert not self.count, "the emulator is still busy with the killed child's request"


@pytest.fixture(scope="module")
def emu():
    with SheetsEmulator() as emulator:
        emulator.in_flight = InFlight(emulator)  # type: ignore[attr-defined]
        yield emulator


def request_arm(emu: SheetsEmulator, n: int, unapplied: bool) -> Callable[[int], None]:
    """Kill the child as its n-th API request reaches the emulator: the request is then applied (the child
    dies waiting for the answer) or, `unapplied`, refused (it dies before anything landed)."""
    target: dict[str, int] = {}
    ready = threading.Event()

    def on_nth(emulator: SheetsEmulator, endpoint: str) -> None:
        ready.wait(10)
        if unapplied:
            emulator.inject(endpoint, status=503, times=1)
        kill(target["pid"])

    emu.on_request(n, on_nth)

    def arm(pid: int) -> None:
        target["pid"] = pid
        ready.set()

    return arm


def test_a_cycle_killed_anywhere_on_google_leaves_the_sheet_before_or_after_and_converges(
    forks, emu, tmp_path
):
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    sid = emu.create_spreadsheet(
        "Team", {spec.en: [header_row(spec)] for spec in INPUT_TABS}, shared_with=[SA], rows=200, cols=30
    )
    settings = {
        "store.kind": "google",
        "store.spreadsheet": sid,
        "store.credentials": str(key),
        "store.endpoint": emu.url,
    }
    config = load_config(None, **settings)
    seed_sheet(config, init=False)
    store = GoogleStore.from_config(config)
    store.wait = wait_none()
    base = emu.spreadsheet(sid).snapshot()

    def restore() -> None:
        with emu.state.lock:
            emu.state.spreadsheets[sid] = base.snapshot()
        emu.clear_hooks()
        emu.clear_faults()
        emu.reset_counters()

    reference = Reference(config, store)
    job = {"kind": "cycle", "config": settings, "today": TODAY.isoformat()}
    span = clean_seconds(forks, job, tmp_path, restore)
    requests_per_cycle = emu.count() - emu.count("oauth2.token")
    rng = random.Random(SEED + 1)
    tally = Tally("google")
    for run in range(runs_for("google")):
        restore()
        mode = rng.choice(["delay", "request", "request-unapplied"])
        if mode == "delay":
            arm = delay_arm(rng.uniform(0, span))
        else:
            arm = request_arm(emu, rng.randint(1, requests_per_cycle), unapplied=mode == "request-unapplied")
        run_killed(forks, {**job, "hook": None}, arm, tally, mode, tmp_path)
        emu.in_flight.settle()
        emu.clear_hooks()
        emu.clear_faults()
        reference.check(store, tally, f"run {run} ({mode})")
    record(tally.figures())
    assert tally.kills >= tally.runs // 2
    assert tally.lost == 0 and tally.duplicated == 0


# ------------------------------------------------------------------------------------------- reminders


class KillingInbox:
    """aiosmtpd handler: keeps every digest; can kill the sender as the k-th one arrives (it is kept: the
    server has it, the sender never hears so)."""

    def __init__(self) -> None:
        self.received: list[str] = []  # recipient of each message
        self.kill_at: int | None = None
        self.pid: int | None = None

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        if self.kill_at is not None and len(self.received) == self.kill_at and self.pid:
            kill(self.pid)
        return "250 Message accepted"


def ledger_rows(path: Path) -> list[list[Any]]:
    tab = XlsxStore(path).read().tabs.get(LEDGER_TITLE)
    return tab.rows if tab else []


def test_the_reminder_job_killed_anywhere_loses_no_reminder_and_repeats_at_most_one_digest(forks, tmp_path):
    inbox = KillingInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _reminders_under_kills(forks, tmp_path, inbox, port)
    finally:
        controller.stop()


def _reminders_under_kills(forks: ForkServer, tmp_path: Path, inbox: KillingInbox, port: int) -> None:
    path = tmp_path / "team.xlsx"
    settings = {
        "store.path": str(path),
        "reminders.email.enabled": True,
        "reminders.email.host": "127.0.0.1",
        "reminders.email.port": port,
        "reminders.email.security": "none",
    }
    config = load_config(None, **settings)
    seed_sheet(config, bad_cells=False, init=False)
    run_cycle(XlsxStore(path), config, TODAY)  # the cycle gives every task its id first
    base = tmp_path / "base.xlsx"
    shutil.copyfile(path, base)
    inputs = {spec.en: XlsxStore(path).read().tabs[spec.en].rows for spec in INPUT_TABS}

    def remind() -> None:
        run_reminders(
            XlsxStore(path), config, NOW, notifiers=[EmailNotifier(config.reminders.email, attempts=1)]
        )

    remind()
    expected = Counter(inbox.received)
    clean_ledger = ledger_rows(path)
    assert len(expected) >= 2 and all(n == 1 for n in expected.values()), expected

    def restore() -> None:
        shutil.copyfile(base, path)
        inbox.received.clear()
        inbox.kill_at = inbox.pid = None

    job = {"kind": "remind", "config": settings, "now": NOW.isoformat()}
    span = clean_seconds(forks, job, tmp_path, restore)
    rng = random.Random(SEED + 2)
    tally = Tally("xlsx-reminders")
    for run in range(runs_for("remind")):
        restore()
        marker = tmp_path / f"marker-{run}"
        mode = rng.choice(["delay", "smtp", "ledger-save"])
        hook = None
        if mode == "delay":
            arm = delay_arm(rng.uniform(0, span))
        elif mode == "smtp":
            inbox.kill_at = rng.randint(1, sum(expected.values()))

            def arm(pid: int) -> None:
                inbox.pid = pid

        else:
            hook = {
                "type": rng.choice(["replace-before", "replace-after"]),
                "marker": str(marker),
                "k": rng.randint(1, len(expected)),
            }
            arm = marker_arm(marker)
        inbox.pid = None
        run_killed(forks, {**job, "hook": hook}, arm, tally, mode, tmp_path)
        inbox.kill_at = None
        assert {spec.en: XlsxStore(path).read().tabs[spec.en].rows for spec in INPUT_TABS} == inputs
        recorded = ledger_rows(path)
        assert all(row in clean_ledger for row in recorded[1:]), (
            f"run {run}: a ledger entry no clean run makes"
        )
        delivered_before = set(inbox.received)
        remind()
        got = Counter(inbox.received)
        lost = [who for who in expected if got[who] == 0]
        repeats = sum(n - 1 for n in got.values() if n > 1)
        tally.lost += len(lost)
        tally.repeats += repeats
        assert not lost, f"run {run} ({mode}): digests never delivered to {lost}"
        assert repeats <= 1, (
            f"run {run} ({mode}): {repeats} digests repeated (received before the kill: "
            f"{sorted(delivered_before)})"
        )
        assert ledger_rows(path) == clean_ledger, f"run {run} ({mode}): the ledger differs from a clean run's"
        inbox.received.clear()
        remind()
        assert inbox.received == [], f"run {run} ({mode}): a third run sent again"
    record(tally.figures())
    assert tally.kills >= tally.runs // 2
    assert tally.lost == 0


def test_a_save_killed_before_it_is_published_leaves_no_temporary_file_once_the_next_cycle_ran(
    forks, tmp_path
):
    path = tmp_path / "team.xlsx"
    config = load_config(None, **{"store.path": str(path)})
    seed_sheet(config, init=False)
    marker = tmp_path / "marker"
    job = {
        "kind": "cycle",
        "config": {"store.path": str(path)},
        "today": TODAY.isoformat(),
        "hook": {"type": "replace-before", "marker": str(marker), "k": 1},
    }
    run_killed(forks, job, marker_arm(marker), Tally("xlsx"), "replace-before", tmp_path)
    run_cycle(XlsxStore(path), config, TODAY)
    assert list(tmp_path.glob(".team.xlsx.*.tmp")) == []
