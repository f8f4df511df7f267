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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sheets_schema.a1 import a1
from sheets_schema.columns import Kind
from sheets_schema.locale import Locale
from sheets_schema.parsing import is_blank, serial_to_datetime
from sheets_schema.rows import HeaderMap, match_headers
from sheets_schema.tabs import INPUT_TABS, TabSpec, find_tab
from sync.core.changes import CellValue, CellWrite, ChangeSet, RowAppend
from sync.core.config import Config
from sync.core.snapshot import Snapshot, TabData
from sync.engine.analyse import locate_input_tabs
from sync.engine.plan import same_value
from sync.engine.row_matching import AmbiguousRows, match_rows
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


def _typed(rows: list[list[CellValue]], header: HeaderMap) -> list[list[CellValue]]:
    """Serial numbers in date columns (Google) as dates, so that they restore as dates anywhere."""
    kinds = {header.columns[c.key]: c.kind for c in header.spec.columns if c.key in header.columns}
    out = [list(rows[0])] if rows else []
    for row in rows[1:]:
        line = list(row)
        for col, value in enumerate(line):
            kind = kinds.get(col)
            if (
                kind in (Kind.DATE, Kind.DATETIME)
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ):
                line[col] = _from_serial(value, kind)
        out.append(line)
    return out


def _from_serial(value: float, kind: Kind) -> date | datetime:
    moment = serial_to_datetime(value)
    whole_day = moment.time() == datetime.min.time()
    return moment.date() if kind is Kind.DATE and whole_day else moment


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
            "rows": [[encode(v) for v in row] for row in _typed(tab.rows, header)],
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


# -- restoring -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Overwrite:
    tab: str
    cell: str  # A1, where it is now
    now: CellValue
    backup: CellValue

    def line(self, locale: Locale) -> str:
        if locale == "ja":
            return f"{self.tab}!{self.cell}: 現在 {_show(self.now, locale)}、バックアップ {_show(self.backup, locale)}"
        return f"{self.tab}!{self.cell}: now {_show(self.now, locale)}, backup {_show(self.backup, locale)}"


@dataclass(frozen=True)
class Ambiguous:
    """Rows sharing an id that all differ from the backup: which is which is a guess (see row_matching)."""

    tab: str
    rows: AmbiguousRows
    would_write: tuple[Overwrite, ...]  # what the guess writes
    paired: bool  # the person asked for the guess (--pair-duplicates): it is in the plan

    def lines(self, locale: Locale = "en") -> list[str]:
        if locale == "ja":
            return self._lines_ja()
        where = (
            f"{self.tab}: {self.rows.key} is on rows {_row_numbers(self.rows.backup_rows)} of the backup "
            f"and rows {_row_numbers(self.rows.sheet_rows)} of the sheet, all edited since: ambiguous"
        )
        if self.paired:
            pairs = ", ".join(f"backup row {b + 1} onto row {s + 1}" for b, s in self.rows.guess)
            return [f"{where}; paired by likeness (--pair-duplicates): {pairs}"]
        lines = [
            f"{where}, so nothing is written for them; add --pair-duplicates to restore each backup row "
            "onto the sheet row most like it:"
        ]
        lines += [f"  would write {o.line('en')}" for o in self.would_write]
        lines += [
            f"  would append backup row {row + 1} (no sheet row left for it)" for row in self.rows.deleted
        ]
        return lines

    def _lines_ja(self) -> list[str]:
        where = (
            f"{self.tab}: {self.rows.key} はバックアップの {_row_numbers(self.rows.backup_rows)} 行目とシートの "
            f"{_row_numbers(self.rows.sheet_rows)} 行目にあり、どれもバックアップ後に編集されています(あいまい)"
        )
        if self.paired:
            pairs = "、".join(f"バックアップ {b + 1} 行目 → {s + 1} 行目" for b, s in self.rows.guess)
            return [f"{where}。似ている行どうしで対応付けました(--pair-duplicates): {pairs}"]
        lines = [
            f"{where}。そのため書き込みません。--pair-duplicates を付けると、バックアップの各行を"
            "いちばん似ているシートの行に戻します:"
        ]
        lines += [f"  書き込み予定 {o.line('ja')}" for o in self.would_write]
        lines += [
            f"  バックアップ {row + 1} 行目を追加予定(対応するシートの行がありません)"
            for row in self.rows.deleted
        ]
        return lines


@dataclass(frozen=True)
class Restored:
    """A row deleted since the backup, appended back."""

    tab: str
    key: CellValue  # its id (or Team name), as the backup has it
    backup_row: int  # 0-based grid row in the backup

    def line(self, locale: Locale) -> str:
        if locale == "ja":
            key = self.key if not is_blank(self.key) else "(IDなし)"
            return (
                f"{self.tab}: {key}(バックアップの {self.backup_row + 1} 行目)はバックアップ後に削除されました。"
                "タブの末尾に新しい行として戻します"
            )
        key = self.key if not is_blank(self.key) else "(no id)"
        return (
            f"{self.tab}: {key} (row {self.backup_row + 1} of the backup) was deleted since the backup; it comes "
            "back as a new row at the end of the tab"
        )


@dataclass
class RestorePlan:
    changes: ChangeSet = field(default_factory=ChangeSet)
    restored_rows: dict[str, int] = field(default_factory=dict)  # tab -> rows appended back
    restored: list[Restored] = field(default_factory=list)  # those rows, one by one
    overwrites: list[Overwrite] = field(default_factory=list)  # person cells edited since the backup
    ambiguous: list[Ambiguous] = field(default_factory=list)  # duplicate ids: written only if paired
    skipped: list[str] = field(default_factory=list)  # why some tabs or rows cannot be restored
    keys: dict[str, list[int]] = field(default_factory=dict)  # tab -> key columns, for the verify read

    def lines(self, locale: Locale = "en") -> list[str]:
        """What the restore does, in the sheet's language: one line per row or cell it writes."""
        ja = locale == "ja"
        lines = [line for group in self.ambiguous for line in group.lines(locale)]
        for tab, n in self.restored_rows.items():
            if n:
                lines.append(
                    f"{tab}: 削除された {n} 行を戻します" if ja else f"{tab}: {n} deleted row(s) come back"
                )
                lines += [r.line(locale) for r in self.restored if r.tab == tab]
        lines += [o.line(locale) for o in self.overwrites]
        lines += [(f"対象外: {reason}" if ja else f"skipped: {reason}") for reason in self.skipped]
        if ja:
            return lines or ["戻すものはありません: シートにはバックアップの値がすべてあります"]
        return lines or ["nothing to restore: the sheet already has every value of the backup"]


def _show(value: CellValue, locale: Locale = "en") -> str:
    if is_blank(value):
        return "(空)" if locale == "ja" else "(empty)"
    return repr(value.isoformat() if isinstance(value, date) else value)


def plan_restore(
    backup: dict[str, TabData],
    snapshot: Snapshot,
    config: Config,
    only: str | None = None,
    pair_duplicates: bool = False,
) -> RestorePlan:
    """`pair_duplicates`: also write the guessed pairing of rows that share an id (see row_matching)."""
    plan = RestorePlan()
    current, _ = locate_input_tabs(snapshot)
    wanted = find_tab(only) if only else None
    if only and wanted is None:
        raise ConfigError(
            f"--tab {only}: not an input tab; use one of "
            + ", ".join(spec.title(config.locale) for spec in INPUT_TABS)
        )
    for title, saved in backup.items():
        spec = find_tab(title)
        if spec is None or (wanted is not None and spec.key != wanted.key):
            continue
        tab = current.get(spec.key)
        if tab is None:
            plan.skipped.append(
                f"{title}: シートにこのタブがありません。先に作成してください(sfa-sync init)"
                if config.locale == "ja"
                else f"{title}: the tab is not in the sheet any more; create it (sfa-sync init) first"
            )
            continue
        _plan_tab(spec, saved, tab, config, plan, pair_duplicates)
    return plan


def _key_column(spec: TabSpec) -> str:
    return spec.id_key or "name"


def _plan_tab(
    spec: TabSpec, saved: TabData, tab: TabData, config: Config, plan: RestorePlan, pair_duplicates: bool
) -> None:
    then = match_headers(spec, saved.title, saved.rows[0] if saved.rows else [], config.locale)
    now = match_headers(spec, tab.title, tab.rows[0] if tab.rows else [], config.locale)
    key = _key_column(spec)
    if key not in then.columns or key not in now.columns:
        label = spec.column(key).label(config.locale)
        plan.skipped.append(
            f"{tab.title}: 行を対応付ける「{label}」列がありません"
            if config.locale == "ja"
            else f"{tab.title}: no {label} column to match rows by"
        )
        return
    places = _person_places(spec, then, now, saved, tab)
    plan.keys[tab.title] = [now.columns[key]]
    current = _typed(tab.rows, now)  # Google's serial dates as dates, as the backup holds them
    id_place = (then.columns[key], now.columns[key])
    match = match_rows(saved.rows, current, places, places.index(id_place))
    # a matched row keeps its id: it is what matched it (or the id the service filled in since the backup)
    values = [place for place in places if place != id_place]
    for old, new in match.pairs:
        plan.overwrites += _overwrites(tab.title, saved.rows[old], current, new, values, plan.changes)
    deleted = list(match.deleted)
    for group in match.ambiguous:
        plan.ambiguous.append(_ambiguous(tab.title, group, saved, current, values, pair_duplicates))
        if pair_duplicates:
            deleted += group.deleted
            for old, new in group.guess:
                plan.overwrites += _overwrites(tab.title, saved.rows[old], current, new, values, plan.changes)
    for old in sorted(deleted):
        plan.changes.appends.append(RowAppend(tab.title, _appended(saved.rows[old], places)))
        plan.restored.append(Restored(tab.title, _cell(saved.rows[old], id_place[0]), old))
    plan.restored_rows[tab.title] = len(deleted)
    if match.unplaced:
        label, rows = spec.column(key).label(config.locale), _row_numbers(match.unplaced)
        plan.skipped.append(
            f"{tab.title}: バックアップの {rows} 行目は「{label}」が空で、シートに元のままの行がないため、"
            "対応付けられません"
            if config.locale == "ja"
            else f"{tab.title}: {len(match.unplaced)} row(s) of the backup had no {label} and are not in the "
            f"sheet as they were (backup row(s) {rows}); they cannot be matched"
        )


def _overwrites(
    title: str,
    backup_row: list[CellValue],
    current: list[list[CellValue]],
    index: int,
    places: list[tuple[int, int]],
    changes: ChangeSet | None,
) -> list[Overwrite]:
    """The person-owned cells of sheet row `index` that differ from the backup's row, planned into `changes`."""
    found = []
    for old_col, new_col in places:
        value = backup_row[old_col] if old_col < len(backup_row) else None
        present = current[index][new_col] if new_col < len(current[index]) else None
        if not _same(present, value):
            if changes is not None:
                changes.cells.append(CellWrite(title, index, new_col, value))
            found.append(Overwrite(title, a1(index, new_col), present, value))
    return found


def _ambiguous(
    title: str,
    group: AmbiguousRows,
    saved: TabData,
    current: list[list[CellValue]],
    places: list[tuple[int, int]],
    paired: bool,
) -> Ambiguous:
    would = [
        o for old, new in group.guess for o in _overwrites(title, saved.rows[old], current, new, places, None)
    ]
    return Ambiguous(title, group, tuple(would), paired)


def _row_numbers(rows: list[int] | tuple[int, ...]) -> str:
    return ", ".join(str(r + 1) for r in rows)


def _person_places(
    spec: TabSpec, then: HeaderMap, now: HeaderMap, saved: TabData, tab: TabData
) -> list[tuple[int, int]]:
    """(column in the backup, column in the sheet) of every person-owned cell: the spec's person columns (the id
    included) by key, and columns people added, by identical header text."""
    places = [
        (then.columns[c.key], now.columns[c.key])
        for c in spec.person_columns
        if c.key in then.columns and c.key in now.columns
    ]
    known_then = set(then.columns.values())
    known_now = set(now.columns.values())
    now_extra = {
        str(h).strip(): i
        for i, h in enumerate(tab.rows[0] if tab.rows else [])
        if i not in known_now and not is_blank(h)
    }
    for i, h in enumerate(saved.rows[0] if saved.rows else []):
        if i not in known_then and not is_blank(h) and str(h).strip() in now_extra:
            places.append((i, now_extra[str(h).strip()]))
    return places


def _cell(row: list[CellValue], col: int) -> CellValue:
    return row[col] if col < len(row) else None


def _appended(row: list[CellValue], places: list[tuple[int, int]]) -> tuple[CellValue, ...]:
    cells = {new: (row[old] if old < len(row) else None) for old, new in places}
    width = max(cells) + 1 if cells else 0
    return tuple(cells.get(col) for col in range(width))


def _same(current: CellValue, value: CellValue) -> bool:
    return same_value(current, value)
