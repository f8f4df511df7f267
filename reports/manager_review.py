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
from rules.flags import SEVERITY, DealHealth
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
    "act_first": (
        "Act on these first: the {shown} of {count} flagged deals with the most value at risk",
        "最優先で対応: 要対応の商談 {count} 件のうちリスク金額の大きい {shown} 件",
    ),
    "act_first_rule": (
        "Value at risk = amount × stage probability × severity / {top}; deals without an amount or a known "
        "stage come last. Type Decisions in the full list below.",
        "リスク金額 = 金額 × ステージ確度 × 重要度 / {top}。金額またはステージ不明の商談は最後。"
        "判断は下の一覧に入力してください。",
    ),
    "value_at_risk": ("Value at risk", "リスク金額"),
    # not "Deal ID": whatever looks for the deal table by that header finds the full list, never this one
    "ranked_deal_id": ("Deal ID (by risk)", "商談ID(リスク順)"),
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
# the short list: the full list's columns (so the tab's column widths fit both) but the manager's, whose
# cells are carried by deal id from the full list only; then the figure it is ranked by
ACT_FIRST_COLUMNS = (*(k for k in DEAL_COLUMNS if k not in MANAGER_COLUMNS), "value_at_risk")
ACT_FIRST_HEADER = ("ranked_deal_id", *ACT_FIRST_COLUMNS[1:])
RANK_AFTER = 10  # with more flagged deals than this, the tab starts with the short list
ACT_FIRST = 5  # deals on the short list
TOP_SEVERITY = max(SEVERITY.values())
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
    flagged = sorted(
        (
            (row, health[row.index])
            for row in book.rows("deals")
            if row.index in health and health[row.index].flags
        ),
        key=lambda item: (-item[1].severity, -(item[0].model.amount or 0), item[0].model.deal_id or ""),
    )
    listed = flagged[:limit] if limit is not None else flagged
    if len(flagged) > RANK_AFTER:
        _act_first(sheet, [(row.model, h) for row, h in listed], len(flagged), pipeline)
    sheet.section(
        say("by_owner", locale),
        [
            say(k, locale)
            for k in ("owner", "open_deals", "pipeline", "weighted", "flagged_deals", "overdue_tasks")
        ],
        _owner_rows(book, health, pipeline, today, locale),
    )
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


def value_at_risk(deal: Deal, health: DealHealth, pipeline: Pipeline) -> float | None:
    """What the pipeline expects from the deal (amount × stage probability), scaled by how serious its flags
    are; None when the amount or the stage is not known (then there is nothing to rank it by)."""
    stage = pipeline.find(deal.stage)
    if deal.amount is None or stage is None:
        return None
    return deal.amount * stage.probability * health.severity / TOP_SEVERITY


def ranked_by_risk(
    deals: Sequence[tuple[Deal, DealHealth]], pipeline: Pipeline
) -> list[tuple[Deal, DealHealth, float | None]]:
    """Most value at risk first; ties by severity, then amount, then deal id; unknown values last."""

    def order(item: tuple[Deal, DealHealth, float | None]) -> tuple[bool, float, int, float, str]:
        deal, health, risk = item
        return (risk is None, -(risk or 0), -health.severity, -(deal.amount or 0), deal.deal_id or "")

    return sorted(((d, h, value_at_risk(d, h, pipeline)) for d, h in deals), key=order)


def _act_first(
    sheet: TabBuilder, listed: Sequence[tuple[Deal, DealHealth]], count: int, pipeline: Pipeline
) -> None:
    """The short list: no Decision or Manager note cells (a deal's Decision has one place, the full list)."""
    locale = sheet.locale
    top = ranked_by_risk(listed, pipeline)[:ACT_FIRST]
    # a titled table as every other (bold title, bold header: reports/presentation.py formats it so), the
    # rule it is ranked by right under it
    sheet.bold.append(sheet.add(say("act_first", locale, shown=len(top), count=count)))
    sheet.bold.append(sheet.add(*(say(k, locale) for k in ACT_FIRST_HEADER)))
    for deal, health, risk in top:
        cells = dict(zip(DEAL_COLUMNS, _deal_row(deal, health, {}, pipeline, locale), strict=True))
        cells["value_at_risk"] = None if risk is None else round(risk)
        sheet.add(*(cells[k] for k in ACT_FIRST_COLUMNS))
    sheet.add()  # the table ends here (a line of text inside it would be wrapped into one narrow cell)
    sheet.add(say("act_first_rule", locale, top=TOP_SEVERITY))
    sheet.add()


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
