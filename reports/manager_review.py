"""The Manager Review tab (step 5 of the guide): per owner, the open pipeline and how much of it needs
attention; then every flagged deal — stalled (停滞), neglected (放置), close date passed or pushed, owner
or amount missing — most severe first, then largest, each with a suggested action. The last two columns
(Decision, Manager note) belong to the manager: they are carried over by deal id every time the tab is
rebuilt. Pure: rows, health and decisions in; a Report out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from reports.labels import TabBuilder
from reports.table import Cell, Report
from rules.book import Book, key_of
from rules.derived_columns import is_open_task
from rules.flags import DealHealth
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Catalogue
from sheets_schema.models import Deal
from sheets_schema.stages import Pipeline

REVIEW_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Manager Review — {day}", "マネージャーレビュー — {day}"),
    "legend": (  # how reports/presentation.py shows the severity
        "Severity: 5–4 high (red rows), 3 medium (orange), 2–1 low (yellow). "
        "Decision: pick from the list or type your own.",
        "重要度: 5〜4 高(赤の行)、3 中(橙)、2〜1 低(黄)。判断: リストから選ぶか自由に入力してください。",
    ),
    "by_owner": ("Pipeline by owner", "担当者別パイプライン"),
    "flagged": ("Deals that need attention (most severe first)", "要対応の商談(重要度順)"),
    "none_flagged": ("No deal needs attention.", "要対応の商談はありません。"),
    "more_flagged": (
        "… and {count} more flagged deals, less severe: filter the Deals tab by Health",
        "… ほか {count} 件の要対応の商談(重要度の低いもの): 商談タブをヘルスで絞り込んでください",
    ),
    "owner": ("Owner", "担当者"),
    "open_deals": ("Open deals", "進行中の商談"),
    "pipeline": ("Pipeline amount", "パイプライン金額"),
    "weighted": ("Weighted pipeline", "加重パイプライン"),
    "flagged_deals": ("Flagged deals", "要対応の商談"),
    "overdue_tasks": ("Overdue tasks", "期限超過タスク"),
    "total": ("Total", "合計"),
    "no_owner": ("(no owner)", "(担当者なし)"),
    "unreadable": ("cannot be read ({cell})", "読み取れません({cell})"),  # a Deals cell, e.g. a formula's
    "deal_id": ("Deal ID", "商談ID"),
    "deal": ("Deal", "商談名"),
    "company": ("Company", "会社名"),
    "stage": ("Stage", "ステージ"),
    "amount": ("Amount", "金額"),
    "close_date": ("Close date", "完了予定日"),
    "days_in_stage": ("Days in stage", "ステージ滞留日数"),
    "days_idle": ("Days since activity", "最終活動からの日数"),
    "severity": ("Severity", "重要度"),
    "flags": ("Flags", "フラグ"),
    "action": ("Suggested action", "推奨アクション"),
    "decision": ("Decision", "判断"),
    "note": ("Manager note", "マネージャーメモ"),
}
say = Catalogue(REVIEW_LABELS).say
DEAL_COLUMNS = (
    "deal_id",
    "deal",
    "company",
    "owner",
    "stage",
    "amount",
    "close_date",
    "days_in_stage",
    "days_idle",
    "severity",
    "flags",
    "action",
    "decision",
    "note",
)
MANAGER_COLUMNS = ("decision", "note")
WIDTHS = (12, 28, 22, 14, 14, 14, 12, 12, 12, 9, 48, 28, 18, 36)


@dataclass(frozen=True)
class Decision:
    decision: Cell = None
    note: Cell = None

    @property
    def empty(self) -> bool:
        return self.decision in (None, "") and self.note in (None, "")


@dataclass(frozen=True)
class ReviewPlace:
    """Where the flagged-deal table is in a Manager Review tab as read (0-based)."""

    header_row: int
    columns: dict[str, int]  # deal_id, decision, note -> column


def find_deal_table(rows: Sequence[Sequence[Cell]]) -> ReviewPlace | None:
    """Finds the flagged-deal table by its header labels, in either language (the sheet may have switched)."""
    wanted = {
        key: {fold(REVIEW_LABELS[key][0]), fold(REVIEW_LABELS[key][1])}
        for key in ("deal_id", *MANAGER_COLUMNS)
    }
    for index, row in enumerate(rows):
        names = [fold(str(v)) if v not in (None, "") else "" for v in row]
        columns = {
            key: names.index(next(iter(labels & set(names))))
            for key, labels in wanted.items()
            if labels & set(names)
        }
        if len(columns) == len(wanted):
            return ReviewPlace(index, columns)
    return None


def read_decisions(rows: Sequence[Sequence[Cell]]) -> dict[str, Decision]:
    """The manager's Decision and Manager note per deal, as typed into the tab."""
    place = find_deal_table(rows)
    if place is None:
        return {}
    found = {}
    for row in rows[place.header_row + 1 :]:

        def cell(key: str, row: Sequence[Cell] = row) -> Cell:
            col = place.columns[key]
            return row[col] if col < len(row) else None

        deal_id = cell("deal_id")
        if deal_id in (None, ""):
            break  # the end of the table
        decision = Decision(cell("decision"), cell("note"))
        if not decision.empty:
            found[key_of(str(deal_id)) or ""] = decision
    return found


@dataclass(frozen=True)
class Review:
    report: Report
    shown: frozenset[str]  # deal keys on the flagged list


def manager_review_report(
    book: Book,
    health: Mapping[int, DealHealth],
    decisions: Mapping[str, Decision],
    pipeline: Pipeline,
    today: date,
    locale: Locale,
    limit: int | None = None,
) -> Review:
    """`limit`: at most this many flagged deals are listed (the most severe); the rest are counted in a line,
    and stay visible on the Deals tab (Health column, highlighted rows)."""
    sheet = TabBuilder(locale)
    sheet.add(say("title", locale, day=today.isoformat()))
    sheet.add(say("legend", locale))  # (in the row left blank under the title)
    sheet.section(
        say("by_owner", locale),
        [
            say(k, locale)
            for k in ("owner", "open_deals", "pipeline", "weighted", "flagged_deals", "overdue_tasks")
        ],
        _owner_rows(book, health, pipeline, today, locale),
    )
    flagged = sorted(
        (
            (row, health[row.index])
            for row in book.rows("deals")
            if row.index in health and health[row.index].flags
        ),
        key=lambda item: (-item[1].severity, -(item[0].model.amount or 0), item[0].model.deal_id or ""),
    )
    listed = flagged[:limit] if limit is not None else flagged
    body: list[tuple[Cell, ...]] = [_deal_row(row.model, h, decisions, pipeline, locale) for row, h in listed]
    if not body:
        body = [(say("none_flagged", locale),)]
    _, first, last = sheet.section(say("flagged", locale), [say(k, locale) for k in DEAL_COLUMNS], body)
    if len(flagged) > len(listed):
        sheet.add(say("more_flagged", locale, count=len(flagged) - len(listed)))
    shown = frozenset(key_of(row.model.deal_id) or "" for row, _ in listed)
    report = Report(
        tuple(sheet.rows),
        header_rows=1,
        bold_rows=tuple(sheet.bold),
        column_widths=WIDTHS,
        open_cells=_manager_cells(first, last) if listed else (),
    )
    return Review(report, shown)


def _manager_cells(first: int, last: int) -> tuple[tuple[int, int, int, int], ...]:
    """The Decision and Manager note cells of the listed deals: the manager's, so open to them."""
    columns = [DEAL_COLUMNS.index(key) for key in MANAGER_COLUMNS]
    return ((first, last + 1, min(columns), max(columns) + 1),)


def _owner_rows(
    book: Book, health: Mapping[int, DealHealth], pipeline: Pipeline, today: date, locale: Locale
) -> list[tuple[Cell, ...]]:
    figures: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0, 0])
    names: dict[str, str] = {}
    for row in book.rows("deals"):
        deal = row.model
        stage = pipeline.find(deal.stage)
        if stage is not None and stage.closed:
            continue
        owner = deal.owner or say("no_owner", locale)
        key = key_of(owner) or ""
        names.setdefault(key, owner)
        line = figures[key]
        line[0] += 1
        line[1] += deal.amount or 0
        line[2] += (deal.amount or 0) * (stage.probability if stage else 0)
        line[3] += 1 if row.index in health and health[row.index].flags else 0
    for task_row in book.rows("tasks"):
        task = task_row.model
        if task.owner and is_open_task(task) and task.due_date and task.due_date < today:
            key = key_of(task.owner) or ""
            names.setdefault(key, task.owner)
            figures[key][4] += 1
    rows: list[tuple[Cell, ...]] = [
        (names[k], int(v[0]), _money(v[1]), _money(v[2]), int(v[3]), int(v[4]))
        for k, v in sorted(figures.items(), key=lambda item: -item[1][1])
    ]
    totals = [sum(v[i] for v in figures.values()) for i in range(5)]
    rows.append(
        (
            say("total", locale),
            int(totals[0]),
            _money(totals[1]),
            _money(totals[2]),
            int(totals[3]),
            int(totals[4]),
        )
    )
    return rows


def _deal_row(
    deal: Deal, health: DealHealth, decisions: Mapping[str, Decision], pipeline: Pipeline, locale: Locale
) -> tuple[Cell, ...]:
    stage = pipeline.find(deal.stage)
    decision = decisions.get(key_of(deal.deal_id) or "", Decision())
    unreadable = dict(health.unreadable)

    def shown(key: str) -> Cell:
        """The deal's value; for a cell that cannot be read, that it cannot (empty would say it is missing)."""
        value = getattr(deal, key)
        return (
            say("unreadable", locale, cell=unreadable[key]) if value is None and key in unreadable else value
        )

    return (
        deal.deal_id,
        deal.deal_name,
        deal.company,
        shown("owner"),
        (stage.ja if locale == "ja" else stage.en) if stage else None,
        shown("amount"),
        shown("close_date"),
        health.days_in_stage,
        health.days_since_activity,
        health.severity,
        health.text(locale),
        health.action(locale),
        decision.decision,
        decision.note,
    )


def _money(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)
