"""The lease rules and the file lock."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from sync.core.changes import ChangeSet
from sync.core.snapshot import Snapshot, TabData
from sync.engine.state.lease import LEASE_TITLE, Lease, lease_content, read_lease
from sync.service.lease import FileLock, LeaseKeeper

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def snapshot_with(lease: Lease | None) -> Snapshot:
    content = lease_content(lease)
    return Snapshot({LEASE_TITLE: TabData(LEASE_TITLE, [list(r) for r in content.rows], hidden=True)})


def test_who_holds_the_sheet():
    me = LeaseKeeper("me:1:aa", 10)
    assert me.owner_in(Snapshot({}), NOW) is None  # no tab: free
    assert me.owner_in(snapshot_with(None), NOW) is None  # released: free
    other = Lease("far:2:bb", NOW + timedelta(minutes=1), NOW)
    assert me.owner_in(snapshot_with(other), NOW) == other
    assert me.owner_in(snapshot_with(other), NOW + timedelta(minutes=2)) is None  # expired
    assert me.owner_in(snapshot_with(Lease("me:1:aa", NOW + timedelta(minutes=5))), NOW) is None  # ours
    here = socket.gethostname()
    alive = Lease(f"{here}:{os.getppid()}:cc", NOW + timedelta(minutes=5), NOW)
    assert me.owner_in(snapshot_with(alive), NOW) == alive  # a live process of this host holds it


def test_claim_keeps_the_acquired_time_and_round_trips():
    me = LeaseKeeper("me:1:aa", 10)
    changes = ChangeSet()
    me.claim(
        snapshot_with(Lease("me:1:aa", NOW + timedelta(minutes=1), NOW - timedelta(hours=1))), changes, NOW
    )
    [content] = changes.tabs
    lease = read_lease(TabData(LEASE_TITLE, [list(r) for r in content.rows]))
    assert lease == Lease("me:1:aa", NOW + timedelta(minutes=10), NOW - timedelta(hours=1))


def test_the_file_lock_keeps_a_second_holder_out(tmp_path):
    first, second = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock")
    assert first.acquire()
    assert not second.acquire()
    assert second.holder_pid() == str(os.getpid())
    first.release()
    assert second.acquire()
    second.release()
