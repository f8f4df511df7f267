"""The one way a job writes: only if the rows it planned on are still where they were.

Every job reads once, plans without I/O (sync/engine/), and then writes through here: a cheap verify read of
the key columns just before the one write, so that a row a person moved, inserted or deleted meanwhile
never receives what was planned for another. The sync cycle re-plans instead of stopping
(sync/jobs/cycle.py); the other jobs stop, and say so.
"""

from __future__ import annotations

from collections.abc import Callable

from sync.core.changes import ChangeSet
from sync.core.snapshot import Snapshot, WriteResult
from sync.errors import WriteConflictError
from sync.stores.base import Store


def write_unless_moved(
    store: Store,
    snapshot: Snapshot,
    changes: ChangeSet,
    keys: dict[str, list[int]],
    moved: str,
    just_before: Callable[[], object] | None = None,
) -> WriteResult:
    """Write `changes`, planned on `snapshot`, unless rows moved since (`keys`: per tab, the columns that
    identify its rows). `moved`: what to tell the person when they did — nothing is written then.
    `just_before` runs between the verify and the write (e.g. the backup that makes a restore undoable)."""
    if not store.unchanged_since(snapshot, keys):
        raise WriteConflictError(moved)
    if just_before is not None:
        just_before()
    return store.write(changes)
