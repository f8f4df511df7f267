"""The same small sheet on each store — memory, a real .xlsx file, Google over the local emulator — so that
rule tests run unchanged on all of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from tenacity import wait_none

from sync.config_file import load_config
from sync.core.config import Config
from sync.stores.google import GoogleStore
from sync.stores.memory import MemoryStore
from sync.stores.xlsx import XlsxStore, set_value
from tests.sheets_emulator import SheetsEmulator

SA = "sync@test-proj.iam.gserviceaccount.com"
Grids = dict[str, list[list[Any]]]


class StoreMaker:
    """Makes a store holding `grids`, and a config pointing at it (same one for every cycle)."""

    def __init__(self, kind: str, tmp_path: Path, emulator: Callable[[], SheetsEmulator]) -> None:
        self.kind, self.tmp_path, self._emulator = kind, tmp_path, emulator
        self._google: GoogleStore | None = None

    def __call__(self, grids: Grids, **config: Any) -> tuple[Any, Config]:
        if self.kind == "memory":
            return MemoryStore(grids), load_config(None, **config)
        if self.kind == "xlsx":
            path = self.tmp_path / f"sheet-{len(list(self.tmp_path.glob('*.xlsx')))}.xlsx"
            workbook = Workbook()
            workbook.remove(workbook.active)
            for title, rows in grids.items():
                sheet = workbook.create_sheet(title)
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row, start=1):
                        if value is not None:
                            set_value(sheet.cell(r, c), value)
            workbook.save(path)
            return XlsxStore(path), load_config(None, **{"store.path": str(path), **config})
        emu = self._emulator()
        key = self.tmp_path / "key.json"
        if not key.exists():
            emu.write_service_account_key(key, client_email=SA)
        sid = emu.create_spreadsheet("Team", grids, shared_with=[SA], value_input="RAW")
        settings = load_config(
            None,
            **{
                "store.kind": "google",
                "store.spreadsheet": sid,
                "store.credentials": str(key),
                "store.endpoint": emu.url,
                **config,
            },
        )
        store = GoogleStore.from_config(settings)
        store.wait = wait_none()
        store._emulator = emu  # type: ignore[attr-defined]  # for tests that play a person editing the sheet
        return store, settings


def values(store: Any, title: str) -> list[list[Any]]:
    """A tab's values as the store reads them."""
    return store.read().tabs[title].rows
