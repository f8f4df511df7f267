"""One sync cycle against a store: read -> analyse -> verify -> write (-> put back).

One read, a cheap verify just before the one write, and a bounded re-plan when people moved rows in
between; `analyse` (sync/engine/analyse.py) is everything in between, without I/O.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import metadata

from sheets_schema.messages import Catalogue
from sheets_schema.rows import KnownRows
from sheets_schema.tabs import REVIEW_ARCHIVE
from sync.core.changes import CAPTURE_TAB
from sync.core.config import Config
from sync.core.snapshot import Snapshot
from sync.engine.analyse import Analysis, analyse
from sync.engine.sheet_locale import with_sheet_locale
from sync.engine.write_window import guard_write_window, plan_put_back
from sync.errors import AmbiguousWriteError, WriteConflictError
from sync.jobs.progress import Progress, quiet
from sync.stores.base import Store

MAX_PLAN_ATTEMPTS = 3


@dataclass
class CycleReport:
    analysis: Analysis
    wrote: bool
    attempts: int
    cells_written: int = 0  # the sheet's cells this cycle changed (not the service's lease and Sync Log)


@cache
def learner_versions() -> str:
    """The versions of what learns the lead fit score, from the installed packages' metadata (not by
    importing them: that is what a remembered fit saves): what was learned is remembered under them."""
    found = []
    for name in ("scikit-learn", "scipy", "numpy"):
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}==?")
    return " ".join(found)


def local_today(config: Config, now: datetime | None = None) -> date:
    """Today where the team works (config timezone), not where the server runs."""
    moment = now.astimezone(config.zone) if now else datetime.now(config.zone)
    return moment.date()


PUT_BACK_ATTEMPTS = 2


def put_back_after_write(store: Store, snapshot: Snapshot, analysis: Analysis, today: date) -> int:
    """After a write on a store people edit meanwhile: read again, and put back what people typed in the
    instant before the write — an id a new id landed on, a Decision its deal moved away from (sync.engine.repair).
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
        repairs = plan_put_back(snapshot, analysis, after, today)
        if repairs.is_empty():
            return 0
        if store.unchanged_since(Snapshot(after), keys):
            return store.write(repairs).requests
    return 0


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
    progress: Progress = quiet,
) -> CycleReport:
    """One cycle. `before_write` may add to the plan (e.g. the service's Sync Log row and lease renewal),
    so that they land in the cycle's one write; it is called only when the cycle writes. `known`: the rows
    of the previous cycle, kept by a long-running service, so that unchanged rows are not parsed again.
    `progress` is told each step (read, check, write) as it begins."""
    with cyclic_gc_paused():
        return _run_cycle(store, config, today, dry_run, before_write, known, progress)


# exit 8: what happened, that nothing is lost, and what to do
GAVE_UP = Catalogue(
    {
        "moving": (
            "{where}: rows kept moving, or writes did not complete, while the service was about to write "
            "({attempts} attempts); nothing was written and nothing is lost — run it again in a minute "
            "(`sfa-sync serve` retries by itself); if it keeps happening, ask people to stop sorting or "
            "moving rows for a moment, and check that no other sfa-sync runs on this sheet",
            "{where}: 書き込もうとする間に行の移動が続いたか、書き込みが完了しませんでした({attempts} 回試行)。"
            "何も書き込んでおらず、失われたものはありません — 1 分ほどしてからもう一度実行してください"
            "(`sfa-sync serve` は自動で再試行します)。続く場合は、しばらく行の並べ替えや移動を止めてもらい、"
            "このシートで他の sfa-sync が動いていないか確認してください",
        ),
    }
)


def _run_cycle(
    store: Store,
    config: Config,
    today: date,
    dry_run: bool,
    before_write: Callable[[Snapshot, Analysis], None] | None,
    known: KnownRows | None,
    progress: Progress,
) -> CycleReport:
    for attempt in range(1, MAX_PLAN_ATTEMPTS + 1):
        progress("read")
        snapshot = store.read()
        config = with_sheet_locale(config, snapshot)  # a Japanese sheet stays Japanese (sync/sheet_locale.py)
        progress("check")
        analysis = analyse(snapshot, config, today, known, learner_versions())
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
        if store.edited_live:  # people type while it writes: copy what they may type (put back after)
            guard_write_window(snapshot, analysis)
        progress("write")
        try:
            result = store.write(analysis.changes)
        except AmbiguousWriteError:
            continue  # it may have landed: read again, and the plan holds only what is still missing
        if store.edited_live:
            result.requests += put_back_after_write(store, snapshot, analysis, today)
        return CycleReport(analysis, True, attempt, cells)
    raise WriteConflictError(
        GAVE_UP.say("moving", config.locale, where=store.describe(), attempts=MAX_PLAN_ATTEMPTS)
    )
