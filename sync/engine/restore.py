"""Restoring person-owned values from a backup, planned without I/O: the backup's input tabs and the sheet as
read now in, the cells to write back and the rows to append (with what each overwrites) out.

Rows are matched by id and content (sync/engine/row_matching.py); rows sharing an id that all changed since
are ambiguous and planned only when the person asks (--pair-duplicates). sync/jobs/restore.py runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

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


def typed_rows(rows: list[list[CellValue]], header: HeaderMap) -> list[list[CellValue]]:
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
        lines += [f"  (付けた場合の書き込み) {o.line('ja')}" for o in self.would_write]
        lines += [
            f"  (付けた場合) バックアップ {row + 1} 行目を追加(対応するシートの行がありません)"
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
    current = typed_rows(tab.rows, now)  # Google's serial dates as dates, as the backup holds them
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
