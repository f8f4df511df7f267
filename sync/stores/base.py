"""The store interface: the cycle reads a Snapshot and writes a ChangeSet, and knows nothing else."""

from __future__ import annotations

from typing import Protocol, TypeGuard

from sync.core.changes import ChangeSet
from sync.core.snapshot import Snapshot, TabData, WriteResult


class Store(Protocol):
    def describe(self) -> str:
        """Where the data lives, safe to print (no credentials)."""
        ...

    def read(self) -> Snapshot:
        """Every tab's values in one go."""
        ...

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]]) -> bool:
        """True when rows were not moved, inserted or deleted since `snapshot` was read (cheap check).
        `keys`: per tab title, the columns that identify rows (id and required columns)."""
        ...

    def write(self, changes: ChangeSet) -> WriteResult:
        """Apply all changes atomically, or raise and change nothing."""
        ...


class LiveStore(Store, Protocol):
    """A store people edit while the service writes (Google Sheets): after a write that assigned ids the
    cycle reads some tabs again, to put back an id that landed on a row moved in the meantime."""

    edited_live: bool

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        """These tabs' values, read now."""
        ...


def is_edited_live(store: Store) -> TypeGuard[LiveStore]:
    return bool(getattr(store, "edited_live", False))
