"""The store interface: the cycle reads a Snapshot and writes a ChangeSet, and knows nothing else."""

from __future__ import annotations

from typing import Protocol

from sync.core.changes import ChangeSet
from sync.core.snapshot import Snapshot, TabData, WriteResult


class Store(Protocol):
    """Everything the cycle, the service, the jobs and doctor ask of a store; nothing is reached around it."""

    @property
    def edited_live(self) -> bool:
        """People type while the service writes (Google Sheets): the cycle copies the cells they may type
        into as the write lands, and after it reads some tabs again to put back what landed beside them."""
        ...

    def describe(self) -> str:
        """Where the data lives, safe to print (no credentials)."""
        ...

    def read(self) -> Snapshot:
        """Every tab's values in one go."""
        ...

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        """These tabs' values, read now (tabs that do not exist are left out)."""
        ...

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]]) -> bool:
        """True when rows were not moved, inserted or deleted since `snapshot` was read (cheap check).
        `keys`: per tab title, the columns that identify rows (id and required columns)."""
        ...

    def write(self, changes: ChangeSet) -> WriteResult:
        """Apply all changes atomically, or raise and change nothing."""
        ...

    def requests_made(self) -> int | None:
        """API requests made so far, retries included; None for a store without a request quota (a file)."""
        ...
