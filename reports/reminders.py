"""The Reminders tab: open tasks overdue, due today or due soon, grouped by owner. Pure; `today` is a parameter.

Rebuilt every cycle. One row per task, sorted by owner, then due date, then task id, so that each rep's
tasks sit together and the most urgent come first. Days left is negative for overdue tasks.
"""

from __future__ import annotations

from datetime import date

from reports.table import Cell, Report
from rules.book import Book
from rules.reminders import DueTask, due_tasks
from sheets_schema.choices import TASK_TYPES
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue

KIND_LABELS: dict[str, tuple[str, str]] = {
    "overdue": ("Overdue", "期限超過"),
    "due_today": ("Due today", "本日期限"),
    "due_soon": ("Due soon", "期限間近"),
}
say = Catalogue(KIND_LABELS).say

COLUMNS: tuple[tuple[str, str, str, int], ...] = (  # key, English, Japanese, width
    ("owner", "Owner", "担当者", 14),
    ("kind", "Kind", "区分", 12),
    ("due_date", "Due date", "期日", 12),
    ("days_left", "Days left", "残り日数", 10),
    ("task", "Task", "タスク", 30),
    ("type", "Type", "種別", 14),
    ("deal", "Deal", "商談", 24),
    ("company", "Company", "会社名", 24),
    ("task_id", "Task ID", "タスクID", 12),
)


def label(pair: tuple[str, str], locale: Locale) -> str:
    return pair[1] if locale == "ja" else pair[0]


def kind_label(kind: str, locale: Locale) -> str:
    return say(kind, locale)


def type_label(task: DueTask, locale: Locale) -> str | None:
    return TASK_TYPES.get(task.type).label(locale) if task.type else None


def header(locale: Locale) -> tuple[str, ...]:
    return tuple(label((en, ja), locale) for _key, en, ja, _width in COLUMNS)


def task_row(task: DueTask, locale: Locale) -> tuple[Cell, ...]:
    return (
        task.owner,
        kind_label(task.kind, locale),
        task.due_date,
        task.days_left,
        task.title,
        type_label(task, locale),
        task.deal_name,
        task.company,
        task.task_id,
    )


def reminders_report(book: Book, today: date, locale: Locale, due_soon_days: int) -> Report:
    rows = tuple(task_row(task, locale) for task in due_tasks(book, today, due_soon_days))
    return Report(
        rows=(header(locale), *rows),
        header_rows=1,
        column_widths=tuple(width for *_names, width in COLUMNS),
    )
