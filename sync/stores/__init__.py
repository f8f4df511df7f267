"""Stores: where the sheet lives. One interface (base.Store), three implementations."""

from __future__ import annotations

from sync.core.config import Config
from sync.core.snapshot import Snapshot, TabData, WriteResult
from sync.stores.base import Store


def open_store(config: Config) -> Store:
    if config.store.kind == "google":
        from sync.stores.google import GoogleStore

        return GoogleStore.from_config(config)
    from sync.stores.xlsx import XlsxStore

    return XlsxStore(config.store.path, config.locale)


__all__ = ["Snapshot", "Store", "TabData", "WriteResult", "open_store"]
