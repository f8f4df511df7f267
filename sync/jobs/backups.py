"""Backups of the input tabs, taken before each write, and restoring person-owned values from one.

A backup is the values of the input tabs exactly as the cycle read them: gzip JSON, file mode 0600 (it
holds leads' names and phone numbers), one folder per sheet, named by the UTC time it was taken. Dates
are stored as ISO text with a type tag ({"$date": "2026-11-28"}) so they come back as dates; Google's
serial numbers in date columns are turned into dates on the way in.

Restore plans only person-owned cells of input tabs (found by header name, in either language). Rows are
matched by id (Team: by name) and content, so that duplicate, missing and newly filled ids never put one
row's values on another (sync/row_matching.py). A row whose id is gone from the sheet comes back as an
appended row, as it was; a row whose person-owned cells differ is listed, cell by cell, before anything is
overwritten; rows sharing an id that all changed are listed as ambiguous and written only with
--pair-duplicates. Derived columns are left to the next cycle.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sheets_schema.rows import match_headers
from sheets_schema.tabs import INPUT_TABS
from sync.core.changes import CellValue
from sync.core.config import Config
from sync.core.snapshot import Snapshot, TabData
from sync.engine.analyse import locate_input_tabs
from sync.engine.restore import typed_rows
from sync.errors import ConfigError
from sync.stores.google import spreadsheet_id

SUFFIX = ".json.gz"
STAMP = "%Y%m%dT%H%M%S%fZ"
FORMAT_VERSION = 1


def sheet_key(config: Config) -> str:
    """A short, file-name-safe name for the sheet: the spreadsheet id, or the workbook's name + a hash of its path."""
    if config.store.kind == "google":
        return re.sub(r"[^A-Za-z0-9_-]", "_", spreadsheet_id(config.store.spreadsheet or ""))
    path = config.store.path.resolve()
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', path.stem)}-{digest}"


def backups_root(config: Config) -> Path:
    folder = config.service.backups_dir
    if not folder.is_absolute() and config.source is not None:
        folder = config.source.parent / folder
    return folder


def sheet_folder(config: Config) -> Path:
    return backups_root(config) / sheet_key(config)


# -- saving ----------------------------------------------------------------------------------------------
def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def decode(value: Any) -> CellValue:
    if isinstance(value, dict):
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value


def backup_document(snapshot: Snapshot, config: Config, taken_at: datetime) -> dict:
    tabs, _ = locate_input_tabs(snapshot)
    saved = {}
    for spec in INPUT_TABS:
        tab = tabs.get(spec.key)
        if tab is None:
            continue
        header = match_headers(spec, tab.title, tab.rows[0] if tab.rows else [], config.locale)
        saved[tab.title] = {
            "kind": spec.key,
            "rows": [[encode(v) for v in row] for row in typed_rows(tab.rows, header)],
        }
    return {"version": FORMAT_VERSION, "taken_at": taken_at.astimezone(UTC).isoformat(), "tabs": saved}


def save_backup(snapshot: Snapshot, config: Config, now: datetime) -> Path:
    """Write the backup (0600, in a 0700 folder), then apply the retention rules."""
    folder = sheet_folder(config)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = now.astimezone(UTC).strftime(STAMP)
    path = folder / f"{name}{SUFFIX}"
    data = gzip.compress(
        json.dumps(backup_document(snapshot, config, now), ensure_ascii=False).encode("utf-8")
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    prune(folder, config.service.backups_keep, config.service.backups_max_age_days, now)
    return path


def prune(folder: Path, keep: int, max_age_days: int, now: datetime) -> list[Path]:
    """Delete backups beyond the newest `keep` and those older than `max_age_days`; returns what went."""
    found = _backups_in(folder)
    oldest = now.astimezone(UTC) - timedelta(days=max_age_days)
    gone = [b.path for i, b in enumerate(found) if i >= keep or b.taken_at < oldest]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


# -- listing and loading -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # UTC

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(SUFFIX)


def _backups_in(folder: Path) -> list[BackupInfo]:
    """Newest first."""
    found = []
    for path in folder.glob(f"*{SUFFIX}") if folder.is_dir() else []:
        try:
            taken = datetime.strptime(path.name.removesuffix(SUFFIX), STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue  # not one of ours
        found.append(BackupInfo(path, taken))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def list_backups(config: Config) -> list[BackupInfo]:
    return _backups_in(sheet_folder(config))


def find_backup(config: Config, name: str) -> Path:
    """A backup by its name (as `sfa-sync backups` lists it) or by path."""
    path = Path(name)
    if path.is_file():
        return path
    candidate = sheet_folder(config) / f"{name.removesuffix(SUFFIX)}{SUFFIX}"
    if candidate.is_file():
        return candidate
    raise ConfigError(f"{name}: no such backup in {sheet_folder(config)}; `sfa-sync backups` lists them")


def load_backup(path: Path) -> dict[str, TabData]:
    """The input tabs of a backup, values decoded (dates as dates)."""
    try:
        document = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except (OSError, ValueError) as bad:
        raise ConfigError(f"{path}: not a readable sfa-sync backup ({bad})") from None
    return {
        title: TabData(title, [[decode(v) for v in row] for row in tab["rows"]])
        for title, tab in document.get("tabs", {}).items()
    }


def row_counts(path: Path) -> dict[str, int]:
    return {title: max(len(tab.rows) - 1, 0) for title, tab in load_backup(path).items()}
