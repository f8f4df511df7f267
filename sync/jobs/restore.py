"""`restore`: put person-owned values of the input tabs back from a backup.

read -> plan (sync/engine/restore.py) -> the person confirms what would be overwritten -> a backup of the
sheet as it is now (a restore can be undone like any write) -> verify and write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sheets_schema.messages import Catalogue
from sync.core.config import Config
from sync.core.snapshot import TabData
from sync.engine.restore import RestorePlan, plan_restore
from sync.engine.sheet_locale import with_sheet_locale
from sync.jobs.backups import save_backup
from sync.jobs.progress import Progress, quiet
from sync.jobs.write import write_unless_moved
from sync.stores.base import Store

RESTORE_TEXT = Catalogue(
    {
        "dry_run": ("dry run: nothing was written", "ドライラン: 何も書き込んでいません"),
        "nothing": ("nothing written", "何も書き込んでいません"),
        "confirm": (
            "Overwrite the {n} cell(s) listed above with the backup's values?",
            "上の {n} セルをバックアップの値で上書きしますか?",
        ),
        "moved": (
            "rows moved while the restore was being planned; nothing was written — run it again",
            "復元の準備中に行が動きました。何も書き込んでいません — もう一度実行してください",
        ),
        "restored": (
            "restored: {n} cell(s) written; the sheet as it was just before: backup {name}",
            "復元しました: {n} セルを書き込みました。直前の状態はバックアップ {name} にあります",
        ),
    }
)


@dataclass
class RestoreOutcome:
    plan: RestorePlan
    config: Config  # with the sheet's own language
    cells: int = 0
    undo: Path | None = None  # the backup of the sheet just before the restore wrote

    def last_line(self, dry_run: bool) -> str:
        locale = self.config.locale
        if self.undo is not None:
            return RESTORE_TEXT.say("restored", locale, n=self.cells, name=self.undo.name)
        return RESTORE_TEXT.say("dry_run" if dry_run else "nothing", locale)


def run_restore(
    store: Store,
    config: Config,
    saved: dict[str, TabData],
    *,
    only: str | None,
    pair_duplicates: bool,
    dry_run: bool,
    show: Callable[[RestorePlan, Config], None],
    confirm: Callable[[RestorePlan, Config], bool],
    now: datetime,
    progress: Progress = quiet,
) -> RestoreOutcome:
    """`show` gets the plan as soon as it is made (its lines say what would be written, in the config's
    language); `confirm` is asked before cells a person edited since the backup are overwritten, and
    declining writes nothing. `progress` is told each step (read, check, backup, write) as it begins."""
    progress("read")
    snapshot = store.read()
    config = with_sheet_locale(config, snapshot)  # say it in the sheet's language
    progress("check")
    plan = plan_restore(saved, snapshot, config, only, pair_duplicates)
    outcome = RestoreOutcome(plan, config)
    show(plan, config)
    if dry_run or plan.changes.is_empty() or (plan.overwrites and not confirm(plan, config)):
        return outcome

    def backup_first() -> None:  # the sheet as it is now: a restore can be undone like any write
        progress("backup")
        outcome.undo = save_backup(snapshot, config, now)
        progress("write")

    moved = RESTORE_TEXT.say("moved", config.locale)
    outcome.cells = write_unless_moved(store, snapshot, plan.changes, plan.keys, moved, backup_first).cells
    return outcome
