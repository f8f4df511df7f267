"""Flags on open deals — stalled (停滞), neglected (放置), close date passed or pushed, owner problems,
amount missing — with a severity and a suggested action for the manager. Pure; `today` a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from rules.book import Book, key_of
from rules.derived_columns import is_open_task
from rules.facts import DealFacts
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
from sheets_schema.models import Deal
from sheets_schema.stages import Pipeline, Stage

LABELS: dict[str, tuple[str, str]] = {
    "stalled": ("stalled {days} days in {stage} (limit {limit})", "{stage}で{days}日停滞(上限{limit}日)"),
    "stalled_long": (
        "stalled {days} days in {stage}, over twice the limit of {limit}",
        "{stage}で{days}日停滞(上限{limit}日の2倍超)",
    ),
    "no_next_task": ("no open next task", "次のタスクなし"),
    "tasks_unlinked": (
        "its tasks cannot be found: the deal id in {cell} cannot be read",
        "商談ID({cell})が読み取れないため、タスクを確認できません",
    ),
    "no_activity": ("no activity for {days} days", "{days}日間活動なし"),
    "close_date_passed": ("close date {date} has passed", "完了予定日 {date} を過ぎています"),
    "close_date_missing": ("no close date", "完了予定日が未入力"),
    "close_date_unreadable": ("close date in {cell} cannot be read", "完了予定日({cell})が読み取れません"),
    "pushed": ("close date pushed {count} times", "完了予定日が{count}回延期"),
    "owner_empty": ("no owner", "担当者未設定"),
    "owner_not_assigned": (
        "no owner assigned after {caller}'s appointment",
        "{caller}のアポ後に担当者が未割当",
    ),
    "owner_unknown": ("owner {owner} is not in Team", "担当者 {owner} がチームにいません"),
    "owner_inactive": ("owner {owner} is inactive", "担当者 {owner} は無効です"),
    "amount_missing": ("no amount at {stage}", "{stage}なのに金額が未入力"),
    "amount_unreadable": ("amount in {cell} cannot be read", "金額({cell})が読み取れません"),
    "owner_unreadable": ("owner in {cell} cannot be read", "担当者({cell})が読み取れません"),
    "stage_unknown": ("stage is missing or unknown", "ステージが未入力か不明"),
}
ACTIONS: dict[str, tuple[str, str]] = {
    "consider_lost": ("consider closing as lost", "失注としてクローズを検討"),
    "fix_stage": ("fix the stage", "ステージを修正"),
    "assign_owner": ("assign an owner", "担当者を割り当て"),
    "update_close_date": ("update the close date", "完了予定日を更新"),
    "set_next_task": ("set a next task", "次のタスクを登録"),
    "review_with_owner": ("review progress with the owner", "担当者と進捗を確認"),
    "enter_amount": ("enter the amount", "金額を入力"),
    "fix_deal_id": ("fix the deal id cell", "商談IDのセルを修正"),
}
say_flag = Catalogue(LABELS).say
say_action = Catalogue(ACTIONS).say
# Most severe first; the suggested action is the first one that applies.
SEVERITY = {
    "stalled_long": 5,
    "stage_unknown": 4,
    "owner_empty": 4,
    "owner_not_assigned": 4,
    "owner_unknown": 4,
    "owner_inactive": 4,
    "owner_unreadable": 4,
    "close_date_passed": 3,
    "stalled": 3,
    "no_activity": 3,
    "no_next_task": 2,
    "tasks_unlinked": 2,
    "pushed": 2,
    "close_date_missing": 1,
    "close_date_unreadable": 1,
    "amount_missing": 1,
    "amount_unreadable": 1,
}
ACTION_FOR = (
    ("stalled_long", "consider_lost"),
    ("stage_unknown", "fix_stage"),
    ("owner_empty", "assign_owner"),
    ("owner_not_assigned", "assign_owner"),
    ("owner_unknown", "assign_owner"),
    ("owner_inactive", "assign_owner"),
    ("owner_unreadable", "assign_owner"),
    ("close_date_passed", "update_close_date"),
    ("tasks_unlinked", "fix_deal_id"),
    ("no_next_task", "set_next_task"),
    ("stalled", "review_with_owner"),
    ("no_activity", "set_next_task"),
    ("pushed", "review_with_owner"),
    ("close_date_missing", "update_close_date"),
    ("close_date_unreadable", "update_close_date"),
    ("amount_missing", "enter_amount"),
    ("amount_unreadable", "enter_amount"),
)


@dataclass(frozen=True)
class Flag:
    code: str
    params: tuple[tuple[str, str | int], ...] = ()

    def render(self, locale: Locale) -> str:
        return say_flag(self.code, locale, **dict(self.params))


class FlagLimits(Protocol):
    """What the flags are measured against: the [thresholds] config section (sync.core.config.Thresholds) is
    one; the rules read only these."""

    @property
    def neglect_days(self) -> int: ...

    @property
    def close_date_pushes(self) -> int: ...

    @property
    def amount_required_from(self) -> str | None: ...


@dataclass(frozen=True)
class DealHealth:
    flags: tuple[Flag, ...]
    days_in_stage: int | None
    days_since_activity: int
    unreadable: tuple[tuple[str, str], ...] = ()  # (field, cell) of the deal's cells that cannot be read

    @property
    def severity(self) -> int:
        return max((SEVERITY[f.code] for f in self.flags), default=0)

    def action(self, locale: Locale) -> str | None:
        codes = {f.code for f in self.flags}
        for flag, action in ACTION_FOR:
            if flag in codes:
                return say_action(action, locale)
        return None

    def text(self, locale: Locale) -> str | None:
        return "; ".join(f.render(locale) for f in self.flags) or None


def deal_health(
    book: Book,
    deal: Deal,
    facts: DealFacts,
    last_activity: date,
    today: date,
    pipeline: Pipeline,
    limits: FlagLimits,
    locale: Locale,
    unreadable: Mapping[str, str] | None = None,
) -> DealHealth:
    """The flags of one deal; closed deals have none. `unreadable`: field -> the cell (A1) whose value
    cannot be read; such a field is named as unreadable, not as missing."""
    stage = pipeline.find(deal.stage)
    days_in_stage = (today - facts.stage_since).days if facts.stage_since else None
    idle = (today - last_activity).days
    if stage is not None and stage.closed:
        return DealHealth((), days_in_stage, idle)
    flags: list[Flag] = []
    if stage is None:
        flags.append(Flag("stage_unknown"))
    else:
        flags += _stall(stage, days_in_stage, locale)
        flags += _amount(deal, stage, pipeline, limits, locale)
    flags += _neglect(book, deal, idle, limits)
    flags += _close_date(deal, facts, today, limits, (unreadable or {}).get("close_date"))
    flags += _owner(book, deal)
    flags = _unreadable_not_missing(flags, unreadable or {})
    flags.sort(key=lambda f: -SEVERITY[f.code])
    return DealHealth(tuple(flags), days_in_stage, idle, tuple(sorted((unreadable or {}).items())))


# a flag that says a value is missing -> the field, and the flag that says its cell cannot be read instead
_MISSING = {  # flag -> (the field whose unreadable cell explains it, the flag that says so)
    "no_next_task": ("deal_id", "tasks_unlinked"),  # tasks are linked by the deal id
    "amount_missing": ("amount", "amount_unreadable"),
    "owner_empty": ("owner", "owner_unreadable"),
    "owner_not_assigned": ("owner", "owner_unreadable"),
}


def _unreadable_not_missing(flags: list[Flag], unreadable: Mapping[str, str]) -> list[Flag]:
    """A value that is there but cannot be read (a formula whose result is not stored) is not missing."""
    out = []
    for flag in flags:
        field, instead = _MISSING.get(flag.code, ("", ""))
        out.append(Flag(instead, (("cell", unreadable[field]),)) if field in unreadable else flag)
    return out


def _stall(stage: Stage, days: int | None, locale: Locale) -> list[Flag]:
    if not stage.stall_days or days is None or days <= stage.stall_days:
        return []  # exactly at the limit is not yet stalled
    code = "stalled_long" if days > 2 * stage.stall_days else "stalled"
    name = stage.ja if locale == "ja" else stage.en
    return [Flag(code, (("days", days), ("stage", name), ("limit", stage.stall_days)))]


def _neglect(book: Book, deal: Deal, idle: int, limits: FlagLimits) -> list[Flag]:
    flags = []
    tasks = book.tasks_by_deal.get(key_of(deal.deal_id) or "", []) if deal.deal_id else []
    if not any(is_open_task(t) for t in tasks):
        flags.append(Flag("no_next_task"))
    if idle >= limits.neglect_days:
        flags.append(Flag("no_activity", (("days", idle),)))
    return flags


def _close_date(
    deal: Deal, facts: DealFacts, today: date, limits: FlagLimits, unreadable_cell: str | None
) -> list[Flag]:
    flags = []
    if deal.close_date is None and unreadable_cell is not None:
        flags.append(Flag("close_date_unreadable", (("cell", unreadable_cell),)))
    elif deal.close_date is None:
        flags.append(Flag("close_date_missing"))
    elif deal.close_date < today:
        flags.append(Flag("close_date_passed", (("date", deal.close_date.isoformat()),)))
    if facts.close_date_pushes >= limits.close_date_pushes:
        flags.append(Flag("pushed", (("count", facts.close_date_pushes),)))
    return flags


def _owner(book: Book, deal: Deal) -> list[Flag]:
    if not deal.owner:
        if deal.appointment_by:
            return [Flag("owner_not_assigned", (("caller", deal.appointment_by),))]
        return [Flag("owner_empty")]
    if not book.rows("team"):
        return []
    member = book.member(deal.owner)
    if member is None:
        return [Flag("owner_unknown", (("owner", deal.owner),))]
    if member.active is False:
        return [Flag("owner_inactive", (("owner", deal.owner),))]
    return []


def _amount(deal: Deal, stage: Stage, pipeline: Pipeline, limits: FlagLimits, locale: Locale) -> list[Flag]:
    if deal.amount is not None or not limits.amount_required_from:
        return []
    order = [s.key for s in pipeline.stages]
    if limits.amount_required_from not in order or stage.key not in order:
        return []
    if order.index(stage.key) >= order.index(limits.amount_required_from):
        return [Flag("amount_missing", (("stage", stage.ja if locale == "ja" else stage.en),))]
    return []
