"""One instance at a time per sheet: a lease in the sheet (stops two machines) and a file lock (stops two
processes on one machine, cheaply, before any request is made).

The lease is the hidden tab `_sfa_lease` (key/value rows: holder, expires_at, acquired_at). The holder is
`host:pid:token`. A lease is free when the tab is absent or empty, when it has expired, or when it was
left by a process of this host that is no longer running (a crashed or cron-run instance need not wait
for the expiry). The Sheets API has no compare-and-swap, so taking a lease is: write it, read it back,
and see who won. Every writing cycle renews it in the cycle's own write, and only after checking, in
the snapshot that cycle read, that the lease is still ours; the lease cells also join the columns the
store re-reads just before the write, so a takeover in between makes the cycle plan again and stop.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from sync.core.changes import ChangeSet
from sync.core.snapshot import Snapshot
from sync.engine.state.lease import LEASE_TITLE, Lease, lease_content, read_lease
from sync.errors import WriteConflictError


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class SheetBusy(WriteConflictError):
    """Another instance holds the sheet (its lease, or this machine's lock file). Nothing was written."""


def is_process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class LeaseKeeper:
    """What one instance knows about its lease on one sheet."""

    holder: str
    minutes: float
    held_until: datetime | None = None  # set while we hold it (as we last wrote it)

    def owner_in(self, snapshot: Snapshot, now: datetime) -> Lease | None:
        """Who holds the sheet in this snapshot: None when it is ours or free to take."""
        lease = read_lease(snapshot.tabs.get(LEASE_TITLE))
        if (
            lease is None
            or lease.holder == self.holder
            or lease.expires_at <= now
            or self._left_behind(lease)
        ):
            return None
        return lease

    def _left_behind(self, lease: Lease) -> bool:
        """A lease of this host whose process is gone (a crash, or the previous cron run): free to take.
        Same host and pid but another token: an earlier life of this very process id (containers)."""
        if lease.host != socket.gethostname() or lease.pid is None:
            return False
        return lease.pid == os.getpid() or is_process_gone(lease.pid)

    def is_ours(self, snapshot: Snapshot) -> bool:
        lease = read_lease(snapshot.tabs.get(LEASE_TITLE))
        return lease is not None and lease.holder == self.holder

    def claim(self, snapshot: Snapshot, changes: ChangeSet, now: datetime) -> None:
        """Put our lease (new or renewed) into `changes`, or raise SheetBusy if someone else holds it."""
        other = self.owner_in(snapshot, now)
        if other is not None:
            self.held_until = None
            raise SheetBusy(f"the sheet is held by {other.describe()}; this instance wrote nothing")
        current = read_lease(snapshot.tabs.get(LEASE_TITLE))
        acquired = current.acquired_at if current is not None and current.holder == self.holder else now
        changes.tabs.append(
            lease_content(Lease(self.holder, now + timedelta(minutes=self.minutes), acquired))
        )

    def wrote(self, now: datetime) -> None:
        self.held_until = now + timedelta(minutes=self.minutes)

    def needs_renewal(self, now: datetime) -> bool:
        """Quiet cycles renew the lease by itself only when less than half of its time is left."""
        return self.held_until is None or self.held_until - now < timedelta(minutes=self.minutes / 2)


class FileLock:
    """fcntl.flock on a file: held until release() or the process ends (the kernel drops it on a crash)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def holder_pid(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
