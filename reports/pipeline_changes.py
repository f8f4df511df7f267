"""What changed in the pipeline in the last N days (the Forecast tab's third section).

Pure: deal histories in, rows out. The window is the last `days` days, today included. Each deal is
compared as it stood when the window began with how it stands now (net change: a close date pushed twice
is one push, from the first date to the last; a stage moved forward and back again is no move). A deal
created in the window is "created" (and won or lost if it is closed now). Kinds, per deal:
created, moved forward, moved back (both between open stages, by pipeline order), won, lost, reopened
(closed -> open), close date pushed / pulled in, amount up / down. The amount of a kind is the deal's
amount now, except amount up / down: the size of the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reports.deal_history import DealHistory, Values
from reports.table import Cell
from rules.history import ChangeEvent
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
from sheets_schema.stages import Pipeline

KINDS = (
    "created",
    "forward",
    "back",
    "won",
    "lost",
    "reopened",
    "pushed",
    "pulled_in",
    "amount_up",
    "amount_down",
)
CHANGE_LABELS: dict[str, tuple[str, str]] = {
    "ch_title": (
        "What changed in the last {n} days ({first} to {last})",
        "直近 {n} 日間の変化({first}〜{last})",
    ),
    "ch_by_owner": ("By owner", "担当者別"),
    "ch_deals": ("The deals, before -> after", "商談ごとの変化(前 -> 後)"),
    "ch_none": ("no deal changed in these days", "この期間に変化した商談はありません"),
    "created": ("Created", "新規作成"),
    "forward": ("Moved forward", "前進"),
    "back": ("Moved back", "後退"),
    "won": ("Won", "受注"),
    "lost": ("Lost", "失注"),
    "reopened": ("Reopened", "再開"),
    "pushed": ("Close date pushed", "完了予定日の延期"),
    "pulled_in": ("Close date pulled in", "完了予定日の前倒し"),
    "amount_up": ("Amount up", "金額増"),
    "amount_down": ("Amount down", "金額減"),
    "owner": ("Owner", "担当者"),
    "change": ("Change", "変化"),
    "deals": ("Deals", "商談数"),
    "amount": ("Amount", "金額"),
    "total": ("Total", "合計"),
    "blank": ("(blank)", "(空欄)"),
    "deal_id": ("Deal ID", "商談ID"),
    "deal_name": ("Deal name", "商談名"),
    "what": ("What changed", "変化の内容"),
    "stage_before": ("Stage before", "変更前ステージ"),
    "stage_after": ("Stage after", "変更後ステージ"),
    "amount_before": ("Amount before", "変更前金額"),
    "amount_after": ("Amount after", "変更後金額"),
    "close_before": ("Close date before", "変更前完了予定日"),
    "close_after": ("Close date after", "変更後完了予定日"),
    "pushes": ("Close date pushes in these days", "期間内の延期回数"),
}
say = Catalogue(CHANGE_LABELS).say


@dataclass(frozen=True)
class DealChange:
    history: DealHistory
    before: Values | None  # None: created in the window
    kinds: tuple[str, ...]
    pushes: int  # close date moved later, counted per change seen in the window

    def amount_of(self, kind: str) -> float:
        now = self.history.now.amount
        if kind in ("amount_up", "amount_down"):
            was = self.before.amount if self.before else None
            return abs((now or 0) - (was or 0))
        return now or 0


def window(today: date, days: int) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today


def deal_changes(
    histories: Sequence[DealHistory], today: date, days: int, pipeline: Pipeline
) -> list[DealChange]:
    first, last = window(today, days)
    found = []
    for history in histories:
        created = history.created_on is not None and first <= history.created_on <= last
        seen = history.changes_between(first, last)
        if not created and not seen:
            continue
        before = None if created else history.at_start_of(first)
        kinds = _kinds(before, history.now, pipeline)
        if not kinds and _closed_and_reopened(seen, pipeline):  # back where it began, but it was closed
            kinds = ("reopened",)
        pushes = sum(
            1
            for e in seen
            if e.field == "close_date"
            and isinstance(e.old, date)
            and isinstance(e.new, date)
            and e.new > e.old
        )
        if kinds:
            found.append(DealChange(history, before, kinds, pushes))
    return found


def _closed_and_reopened(seen: Sequence[ChangeEvent], pipeline: Pipeline) -> bool:
    """Whether the deal went to a closed stage and back out of it within the window."""
    stages = [pipeline.find(str(e.new)) for e in seen if e.field == "stage" and e.new is not None]
    return any(s is not None and s.closed for s in stages[:-1])


def _kinds(before: Values | None, now: Values, pipeline: Pipeline) -> tuple[str, ...]:
    kinds = []
    was, is_ = (pipeline.find(before.stage) if before else None), pipeline.find(now.stage)
    if before is None:
        kinds.append("created")
    if is_ is not None and is_.closed and (before is None or (was is not None and was.key != is_.key)):
        kinds.append("won" if is_.won else "lost")
    elif was is not None and is_ is not None and was.key != is_.key:
        if was.closed:
            kinds.append("reopened")
        else:
            order = [s.key for s in pipeline.stages]
            kinds.append("forward" if order.index(is_.key) > order.index(was.key) else "back")
    if before is not None and before.close_date and now.close_date and before.close_date != now.close_date:
        closing = kinds and kinds[-1] in (
            "won",
            "lost",
        )  # the close date set to the closing day: the win is the change
        if now.close_date > before.close_date:
            kinds.append("pushed")
        elif not closing:
            kinds.append("pulled_in")
    if before is not None and before.amount is not None and now.amount is not None:
        if now.amount > before.amount:
            kinds.append("amount_up")
        elif now.amount < before.amount:
            kinds.append("amount_down")
    return tuple(kinds)


def owner_rows(changes: Sequence[DealChange], locale: Locale) -> list[tuple[Cell, ...]]:
    """(owner, change, deals, amount) for every owner and kind seen, owners by name, then the totals."""
    rows: list[tuple[Cell, ...]] = []
    owners = sorted({_owner(c, locale) for c in changes})
    for owner in [*owners, None]:
        mine = [c for c in changes if owner is None or _owner(c, locale) == owner]
        for kind in KINDS:
            having = [c for c in mine if kind in c.kinds]
            if having:
                name = say("total", locale) if owner is None else owner
                rows.append((name, say(kind, locale), len(having), sum(c.amount_of(kind) for c in having)))
    return rows


def deal_rows(changes: Sequence[DealChange], locale: Locale, pipeline: Pipeline) -> list[tuple[Cell, ...]]:
    """One row per changed deal, by owner, then in the Deals tab's order."""
    ordered = sorted(changes, key=lambda c: _owner(c, locale))  # stable: the sheet's order within an owner
    return [
        (
            c.history.deal.deal_id,
            c.history.deal.deal_name,
            _owner(c, locale),
            ", ".join(say(k, locale) for k in c.kinds),
            _stage_label(c.before.stage if c.before else None, pipeline, locale),
            _stage_label(c.history.now.stage, pipeline, locale),
            c.before.amount if c.before else None,
            c.history.now.amount,
            c.before.close_date if c.before else None,
            c.history.now.close_date,
            c.pushes,
        )
        for c in ordered
    ]


def _owner(change: DealChange, locale: Locale) -> str:
    return change.history.now.owner or say("blank", locale)


def _stage_label(key: str | None, pipeline: Pipeline, locale: Locale) -> str | None:
    stage = pipeline.find(key)
    if stage is None:
        return key
    return stage.ja if locale == "ja" else stage.en
