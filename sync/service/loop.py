"""The service: the sync cycle on a schedule, for one or several sheets, one instance at a time per sheet.

    tick      every service.interval_minutes (the `schedule` library), each sheet in a bounded thread pool
    lock      a file lock per sheet (this machine), then the lease in the sheet (every machine)
    cycle     run_cycle with `before_write`: the lease renewal, the Sync Log row and a backup of the
              input tabs ride with the cycle's ONE write; a quiet cycle writes nothing
    lease     a quiet sheet renews its lease by itself only when less than half of its time is left
    failure   logged, a Sync Log row in a separate small write (best effort), retried with backoff
    reminders once a day at reminders.at, after the cycle, under the same lease
    stop      SIGTERM / SIGINT: the running cycle finishes, the lease is released, exit 0

Every Google request of the process goes through one RequestBudget (a token bucket), so that several
sheets together stay under Google's per-minute quotas.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import schedule

from reports.sync_log import LogEntry, sync_log_rows
from reports.table import Look
from sheets_schema.rows import KnownRows
from sheets_schema.tabs import SYNC_LOG
from sync.core.changes import ChangeSet, TabContent
from sync.core.config import Config
from sync.core.snapshot import Snapshot, TabData, WriteResult
from sync.engine.analyse import Analysis
from sync.engine.sheet_locale import LocaleMismatchError, with_sheet_locale
from sync.engine.state.lease import LEASE_TITLE, lease_content
from sync.errors import ConfigError, SfaSyncError
from sync.jobs.backups import save_backup, sheet_folder
from sync.jobs.cycle import CycleReport, local_today, run_cycle
from sync.jobs.remind import is_reminder_time, run_reminders
from sync.service.lease import FileLock, LeaseKeeper, SheetBusy, new_holder
from sync.stores import open_store
from sync.stores.base import Store

log = logging.getLogger("sync.service.loop")
MAX_BACKOFF_TICKS = 16


def utc_now() -> datetime:
    return datetime.now(UTC)


# -- the request budget ----------------------------------------------------------------------------------
class RequestBudget:
    """A token bucket shared by every sheet of the process: `per_minute` requests a minute sustained, with
    bursts of at most a sixth of that, so that no 60-second window sees more than 7/6 x per_minute (50 ->
    58, under Google's 60 per user per minute). Takers that find it empty sleep for their share."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, per_minute / 6)
        self.tokens = self.capacity
        self.clock, self.sleep = clock, sleep
        self.updated = clock()
        self.lock = threading.Lock()
        self.waited = 0.0

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def take(self, n: float = 1) -> float:
        """Reserve n requests; sleeps until they are covered. Returns the seconds waited."""
        with self.lock:
            self._refill()
            self.tokens -= n
            wait = -self.tokens / self.rate if self.tokens < 0 else 0.0
            self.waited += wait
        if wait:
            self.sleep(wait)
        return wait

    def debit(self, n: float) -> None:
        """Requests already made beyond what was taken (retries): the next takers wait for them."""
        if n > 0:
            with self.lock:
                self._refill()
                self.tokens -= n


class BudgetedStore:
    """Any Store, with every request of it paid from a RequestBudget. It also keeps the last snapshot it
    read, and can hand out a snapshot read just before (`prime`) so that the cycle does not read twice."""

    def __init__(self, inner: Store, budget: RequestBudget | None) -> None:
        self.inner = inner
        self.budget = budget if inner.requests_made() is not None else None  # local files have no quota
        self.calls = 0
        self.last_snapshot: Snapshot | None = None
        self._primed: Snapshot | None = None

    @property
    def edited_live(self) -> bool:
        return self.inner.edited_live

    def requests_made(self) -> int | None:
        return self.inner.requests_made()

    def requests(self) -> int:
        """Requests made through this wrapper: the API's count where there is one, else the calls."""
        made = self.inner.requests_made()
        return made if made is not None else self.calls

    def _paid(self, estimate: int, call: Callable[[], Any]) -> Any:
        self.calls += 1
        if self.budget is None:
            return call()
        self.budget.take(estimate)
        before = self.requests()
        try:
            return call()
        finally:
            self.budget.debit(self.requests() - before - estimate)

    def describe(self) -> str:
        return self.inner.describe()

    def prime(self, snapshot: Snapshot) -> None:
        self._primed = snapshot

    def read(self) -> Snapshot:
        if self._primed is not None:
            snapshot, self._primed = self._primed, None
        else:
            snapshot = self._paid(2, self.inner.read)
        self.last_snapshot = snapshot
        return snapshot

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        return self._paid(1, lambda: self.inner.read_tabs(titles))

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]]) -> bool:
        return self._paid(1 if keys else 0, lambda: self.inner.unchanged_since(snapshot, keys))

    def write(self, changes: ChangeSet) -> WriteResult:
        return self._paid(1, lambda: self.inner.write(changes))


# -- one sheet -------------------------------------------------------------------------------------------
def backoff_ticks(failures: int) -> int:
    """Ticks to wait after `failures` failed cycles in a row: 1, 2, 4, 8, 16, 16, ..."""
    return min(2 ** max(failures - 1, 0), MAX_BACKOFF_TICKS)


def sync_log_tab(snapshot: Snapshot | None) -> TabData | None:
    if snapshot is None:
        return None
    return snapshot.tabs.get(SYNC_LOG.en) or snapshot.tabs.get(SYNC_LOG.ja)


@dataclass
class SheetService:
    """The service's state for one sheet; `tick()` runs one cycle (or waits for the sheet)."""

    name: str
    config: Config
    holder: str
    once: bool = False
    budget: RequestBudget | None = None
    clock: Callable[[], datetime] = utc_now
    open: Callable[[Config], Store] = open_store
    store: BudgetedStore | None = None
    quiet: int = 0  # quiet cycles since the last logged row
    failures: int = 0  # failed cycles in a row
    retry_at: datetime | None = None
    last_reminder_day: date | None = None
    pending: list[LogEntry] = field(default_factory=list)  # rows not yet in the sheet (newest first)
    log_rows: list[list[Any]] = field(default_factory=list)  # the Sync Log as we last saw or wrote it
    cycles: int = 0
    known: KnownRows = field(
        default_factory=KnownRows
    )  # rows of the last cycle: unchanged ones not parsed again

    def __post_init__(self) -> None:
        self.lease = LeaseKeeper(self.holder, self.config.service.lease_minutes)
        self.lock = FileLock(sheet_folder(self.config) / "serve.lock")

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.config.service.interval_minutes)

    # -- the tick ----------------------------------------------------------------------------------
    def tick(self) -> LogEntry | None:
        """One cycle. Returns its Sync Log entry (None: skipped or waiting). In --once mode errors and a
        busy sheet are raised; in serve mode they are logged and the loop goes on."""
        now = self.clock()
        if self.retry_at is not None and now < self.retry_at:
            log.info(
                "%s: waiting after %d failed cycle(s); next try at %s",
                self.name,
                self.failures,
                self.retry_at.isoformat(timespec="seconds"),
                extra={"sheet": self.name, "outcome": "backoff"},
            )
            return None
        try:
            self._take_lock()
            return self._cycle(now)
        except SheetBusy as busy:
            log.info(
                "%s: %s; %s",
                self.name,
                busy,
                "exiting" if self.once else "waiting",
                extra={"sheet": self.name, "outcome": "busy"},
            )
            if self.once:
                raise
            return None

    def _take_lock(self) -> None:
        if not self.lock.acquire():
            raise SheetBusy(
                f"another sfa-sync process on this machine (pid {self.lock.holder_pid()}) serves this "
                f"sheet (lock file {self.lock.path})"
            )

    def _store(self) -> BudgetedStore:
        if self.store is None:
            self.store = BudgetedStore(self.open(self.config), self.budget)
        return self.store

    def _cycle(self, now: datetime) -> LogEntry | None:
        started, t0 = now, time.monotonic()
        store: BudgetedStore | None = None
        before = 0
        try:
            store = self._store()
            before = store.requests()
            snapshot = store.read()
            # the sheet's language, before anything (the Sync Log row included) is written in another
            self.config = with_sheet_locale(self.config, snapshot)
            self._remember_log(snapshot)
            other = self.lease.owner_in(snapshot, now)
            if other is not None:
                self.lease.held_until = None
                raise SheetBusy(f"the sheet is held by {other.describe()}")
            if self.once or self.lease.is_ours(snapshot):
                store.prime(snapshot)
            else:
                self._acquire(store, snapshot, now)
            context = _CycleContext(started, t0, before)
            report = run_cycle(
                store,
                self.config,
                local_today(self.config, now),
                before_write=lambda snap, analysis: self._before_write(snap, analysis, context),
                known=self.known,
            )
        except (SheetBusy, LocaleMismatchError):
            raise  # busy: waiting (or exit 8); a locale the sheet contradicts: a config error, exit 2
        except Exception as failed:  # a bad cycle never kills the loop
            return self._failed(failed, started, t0, before, store)
        entry = self._finished(report, context, store)
        if not self.once:
            self._maybe_remind()
        return entry

    def _acquire(self, store: BudgetedStore, snapshot: Snapshot, now: datetime) -> None:
        """Take a free lease: write it, read it back (two racers: the read shows who won)."""
        changes = ChangeSet()
        self.lease.claim(snapshot, changes, now)
        store.write(changes)
        confirm = store.read()
        if not self.lease.is_ours(confirm):
            other = self.lease.owner_in(confirm, now)
            raise SheetBusy(f"the sheet was taken by {other.describe() if other else 'another instance'}")
        self.lease.wrote(now)
        log.info(
            "%s: lease taken by %s", self.name, self.holder, extra={"sheet": self.name, "outcome": "lease"}
        )

    def _before_write(self, snapshot: Snapshot, analysis: Analysis, context: _CycleContext) -> None:
        now = self.clock()
        self._remember_log(snapshot)
        planned_cells = analysis.changes.cell_count  # before the lease and this row join: see run_cycle
        self.lease.claim(snapshot, analysis.changes, now)  # raises SheetBusy: nothing is written
        if LEASE_TITLE in snapshot.tabs:
            analysis.keys[LEASE_TITLE] = [0, 1]  # a takeover just before the write makes the cycle plan again
        try:
            save_backup(snapshot, self.config, now)
        except OSError as failed:
            raise ConfigError(
                f"{sheet_folder(self.config)}: cannot save the backup taken before each write "
                f"({failed.strerror}); fix service.backups_dir — nothing was written"
            ) from None
        store = self.store
        # the requests up to and including the write this row goes in: those made so far, the verify read
        # (when there are keys to check) and the write itself; what follows the write it cannot know
        to_come = (1 if analysis.keys else 0) + 1
        requests = (store.requests() - context.before + to_come) if store else 0
        entry = self._entry(
            context.started,
            time.monotonic() - context.t0,
            "ok",
            analysis,
            cells=planned_cells,
            requests=requests,
        )
        context.entry = entry
        rows = sync_log_rows(
            [entry, *self.pending], self.log_rows, self.config.locale, self.config.service.log_keep
        )
        context.log_rows = [list(r) for r in rows]
        analysis.changes.tabs.append(self._log_content(rows))

    def _finished(self, report: CycleReport, context: _CycleContext, store: BudgetedStore | None) -> LogEntry:
        requests = store.requests() - context.before if store else 0
        duration = time.monotonic() - context.t0
        self.failures, self.retry_at = 0, None
        self.cycles += 1
        outcome = "ok" if report.wrote else "quiet"
        entry = self._entry(
            context.started,
            duration,
            outcome,
            report.analysis,
            cells=report.cells_written,  # the same figure as the Sync Log row's (see run_cycle)
            requests=requests,
        )
        if report.wrote and context.entry is not None:
            entry = context.entry  # the figures of the Sync Log row, which went in the write
        in_all = (requests, duration)  # the whole cycle, the put-back after the write included
        if report.wrote:
            self.lease.wrote(self.clock())
            self.quiet, self.pending = 0, []
            if context.log_rows is not None:
                self.log_rows = context.log_rows
        else:
            self.quiet += 1
            self._renew_if_due(store)
        self._log_line(entry, in_all=in_all)
        return entry

    def _renew_if_due(self, store: BudgetedStore | None) -> None:
        """A quiet sheet: the lease alone, in a small write, when less than half of its time is left."""
        now = self.clock()
        if self.once or store is None or store.last_snapshot is None or not self.lease.needs_renewal(now):
            return
        changes = ChangeSet()
        try:
            self.lease.claim(store.last_snapshot, changes, now)
            store.write(changes)
        except SfaSyncError as failed:
            log.warning(
                "%s: could not renew the lease (%s); the next cycle tries again",
                self.name,
                failed,
                extra={"sheet": self.name},
            )
            return
        self.lease.wrote(now)

    def _failed(
        self, failed: Exception, started: datetime, t0: float, before: int, store: BudgetedStore | None
    ) -> LogEntry:
        self.failures += 1
        self.retry_at = started + self.interval * backoff_ticks(self.failures) - timedelta(seconds=0.5)
        if self.failures == 1:
            self.retry_at = None  # the first failure is retried at the very next tick
        message = describe_error(failed)
        requests = store.requests() - before if store else 0
        entry = LogEntry(
            started.astimezone(self.config.zone),
            time.monotonic() - t0,
            "failed",
            self.holder,
            requests=requests,
            quiet_before=self.quiet,
            error=message,
        )
        self._log_line(entry, exc_info=not isinstance(failed, SfaSyncError))
        self._write_log_row(entry, store)
        if self.once:
            raise failed
        return entry

    def _write_log_row(self, entry: LogEntry, store: BudgetedStore | None) -> None:
        """Best effort, and only while this instance holds the sheet; what cannot be written now goes with
        the next write."""
        if store is None or self.lease.held_until is None or self.lease.held_until <= self.clock():
            self.pending.insert(0, entry)
            return
        rows = sync_log_rows(
            [entry, *self.pending], self.log_rows, self.config.locale, self.config.service.log_keep
        )
        try:
            store.write(ChangeSet(tabs=[self._log_content(rows)]))
        except Exception as also:
            self.pending.insert(0, entry)
            log.warning(
                "%s: the Sync Log row could not be written either (%s); it goes with the next write",
                self.name,
                describe_error(also),
                extra={"sheet": self.name},
            )
            return
        self.pending, self.quiet = [], 0
        self.log_rows = [list(r) for r in rows]

    def _maybe_remind(self) -> None:
        now = self.clock()
        if not is_reminder_time(self.config, now, self.last_reminder_day) or self.store is None:
            return
        self.last_reminder_day = now.astimezone(self.config.zone).date()
        t0 = time.monotonic()
        try:
            outcome = run_reminders(self.store, self.config, now)
        except Exception as failed:
            log.error(
                "%s: the reminder job failed: %s",
                self.name,
                describe_error(failed),
                extra={"sheet": self.name},
            )
            return
        lines = outcome.lines("en")  # the process log is English, whatever the sheet's language
        log.info("%s: %s", self.name, "; ".join(lines), extra={"sheet": self.name, "outcome": "reminders"})
        if outcome.sent or outcome.failures:
            sent = f"{len(outcome.sent)} sent, {len(outcome.failures)} failed"
            entry = LogEntry(
                now.astimezone(self.config.zone),
                time.monotonic() - t0,
                "reminders",
                self.holder,
                reminders=sent,
                error="; ".join(f"{f.channel} to {f.owner}: {f.reason}" for f in outcome.failures) or None,
            )
            self._write_log_row(entry, self.store)

    # -- helpers ------------------------------------------------------------------------------------
    def _entry(
        self, started: datetime, duration: float, outcome: str, analysis: Analysis, cells: int, requests: int
    ) -> LogEntry:
        return LogEntry(
            started.astimezone(self.config.zone),
            duration,
            outcome,
            self.holder,
            rows_read=dict(analysis.rows_read),
            problems=len(analysis.all_problems),
            cells_written=cells,
            rows_created=analysis.rows_created,
            requests=requests,
            quiet_before=self.quiet,
        )

    def _log_content(self, rows: tuple[tuple[Any, ...], ...]) -> TabContent:
        return TabContent(
            SYNC_LOG.title(self.config.locale),
            rows,
            column_widths=(22, 10, 14, 40, 10, 12, 12, 18, 10, 12, 28, 60),
            look=Look(landscape=True),  # (a log: its header frozen, its columns as set here)
        )

    def _remember_log(self, snapshot: Snapshot) -> None:
        tab = sync_log_tab(snapshot)
        self.log_rows = [list(r) for r in tab.rows] if tab is not None else []

    def _log_line(
        self, entry: LogEntry, exc_info: bool = False, in_all: tuple[int, float] | None = None
    ) -> None:
        """`entry`: the figures of the cycle's Sync Log row (requests and duration up to its write);
        `in_all`: the requests and seconds of the whole cycle, logged beside them when given."""
        read = sum(entry.rows_read.values())
        fields = {
            "sheet": self.name,
            "outcome": entry.outcome,
            "rows_read": read,
            "problems": entry.problems,
            "cells_written": entry.cells_written,
            "rows_created": entry.rows_created,
            "requests": entry.requests,
            "duration_s": round(entry.duration_s, 2),
        }
        if entry.error:
            fields["error"] = entry.error
            log.error(
                "%s: cycle FAILED: %s (requests %d, %.1fs)",
                self.name,
                entry.error,
                entry.requests,
                entry.duration_s,
                extra=fields,
                exc_info=exc_info,
            )
            return
        requests_in_all, duration_in_all = in_all or (entry.requests, entry.duration_s)
        fields |= {"requests_in_all": requests_in_all, "duration_in_all_s": round(duration_in_all, 2)}
        wrote = entry.outcome == "ok"
        log.info(
            "%s: %s; rows read %d; problems %d; cells written %d; rows created %d; requests %d; %.1fs%s",
            self.name,
            "wrote" if wrote else "nothing changed",
            read,
            entry.problems,
            entry.cells_written,
            entry.rows_created,
            entry.requests,
            entry.duration_s,
            # the Sync Log row is written in the write: its figures stop there; the cycle's go on
            f" (as in the Sync Log row: to its write; in all: requests {requests_in_all}, {duration_in_all:.1f}s)"
            if wrote
            else "",
            extra=fields,
        )

    def release(self) -> None:
        """Clean exit: give the lease back (if ours) and drop the file lock."""
        store = self.store
        try:
            if store is not None and self.lease.held_until is not None and store.last_snapshot is not None:
                now = self.clock()
                if self.lease.owner_in(store.last_snapshot, now) is None:
                    store.write(ChangeSet(tabs=[lease_content(None)]))
                    log.info(
                        "%s: lease released", self.name, extra={"sheet": self.name, "outcome": "released"}
                    )
        except Exception as failed:
            log.warning(
                "%s: could not release the lease (%s); it expires by itself",
                self.name,
                describe_error(failed),
                extra={"sheet": self.name},
            )
        finally:
            self.lease.held_until = None
            self.lock.release()


@dataclass
class _CycleContext:
    started: datetime
    t0: float
    before: int
    entry: LogEntry | None = None
    log_rows: list[list[Any]] | None = None


def describe_error(failed: BaseException) -> str:
    if isinstance(failed, SfaSyncError):
        return str(failed)
    return f"internal error: {type(failed).__name__}: {failed} — a bug; please report it"


# -- the process -----------------------------------------------------------------------------------------
class Service:
    """All sheets of one config, ticked together; `serve()` until SIGTERM/SIGINT, or `run_once()`."""

    def __init__(
        self,
        config: Config,
        once: bool = False,
        clock: Callable[[], datetime] = utc_now,
        open_store_: Callable[[Config], Store] = open_store,
        holder: str | None = None,
    ) -> None:
        self.config = config
        self.holder = holder or new_holder()
        self.budget = RequestBudget(config.service.requests_per_minute)
        self.sheets = [
            SheetService(name, sheet_config, self.holder, once, self.budget, clock, open_store_)
            for name, sheet_config in config.per_sheet()
        ]
        self.stop = threading.Event()
        self.ticks = 0
        self._pool: ThreadPoolExecutor | None = None

    def tick(self) -> list[LogEntry | None]:
        self.ticks += 1
        if len(self.sheets) == 1:
            return [self.sheets[0].tick()]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                self.config.service.max_concurrent_sheets, thread_name_prefix="sheet"
            )
        return list(self._pool.map(lambda sheet: sheet.tick(), self.sheets))

    def run_once(self) -> None:
        """Each sheet once (cron). The first error is raised after every sheet had its turn. A sheet whose
        cycle wrote (and so renewed the lease) gets its lease back at once, in one small write: the next
        run, on any machine, need not wait for it to expire, and `status` does not show a holder gone."""
        errors: list[Exception] = []
        try:
            for sheet in self.sheets:
                try:
                    sheet.tick()
                except SfaSyncError as failed:
                    errors.append(failed)
        finally:
            for sheet in self.sheets:
                sheet.release()
        if errors:
            raise errors[0]

    def close(self) -> None:
        """Give back every lease this process holds and its file locks."""
        for sheet in self.sheets:
            sheet.release()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def request_stop(self, signum: int | None = None, _frame: object = None) -> None:
        if signum is not None:
            log.info("signal %s: finishing the current cycle, then stopping", signal.Signals(signum).name)
        self.stop.set()

    def serve(self, max_ticks: int | None = None) -> None:
        """Tick now and every interval until stopped (or after max_ticks, for tests)."""
        previous = (
            {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
            if threading.current_thread() is threading.main_thread()
            else {}
        )
        scheduler = schedule.Scheduler()
        seconds = self.config.service.interval_minutes * 60  # a float (tests run sub-second intervals)
        scheduler.every(seconds).seconds.do(self.tick)  # type: ignore[arg-type]  # schedule says int; floats work
        log.info(
            "serving %d sheet(s) every %s minute(s) as %s",
            len(self.sheets),
            self.config.service.interval_minutes,
            self.holder,
        )
        try:
            self.tick()
            while not self.stop.is_set() and (max_ticks is None or self.ticks < max_ticks):
                scheduler.run_pending()
                idle = scheduler.idle_seconds
                self.stop.wait(min(max(idle if idle is not None else 1.0, 0.01), 1.0))
        finally:
            self.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            log.info("stopped after %d tick(s)", self.ticks)
