"""The Forecast tab's first two sections: what the team will close, and how good that forecast has been.

Pure: the deal histories (reports/deal_history.py), the team, `today` and the pipeline in, table rows out.

1. Forecast, for this month, the next two months and this calendar quarter, per owner and in total:
   won so far (deals now in a won stage whose closed-on is in the period), and over the open deals whose
   close date is in the period: commit (stages whose configured probability is at least
   `commit_probability`), best case (all of them) and weighted pipeline (amount x the stage's
   probability, rounded to the yen). A person's target is the Team tab's Monthly target times the months
   of the period; attainment = won / target, gap = what is left to win (never below 0). The total row
   has a target only when every owner shown has one (a partial sum would read as the team's target).
2. Accuracy: for each of the last `accuracy_months` months, the weighted pipeline of the open deals with a
   close date in that month, as they stood at the month's first day (rebuilt from the change log), against
   what was won in it. And calibration: for each open stage, of the deals seen in it that are now closed,
   the share won, with its 95% Wilson interval, beside the configured probability; never from fewer than
   `min_segment` closed deals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from reports.deal_history import DealHistory
from reports.stats import add_months, as_percent, month_label, month_start, percent, wilson
from reports.table import Cell
from rules.book import Book, key_of
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
from sheets_schema.stages import Pipeline

FORECAST_LABELS: dict[str, tuple[str, str]] = {
    "fc_title": ("Forecast (as of {today})", "売上予測({today} 時点)"),
    "fc_forecast": ("Forecast by period and owner", "期間・担当者別の予測"),
    "fc_commit_note": (
        "Commit: open deals in stages with a probability of {p}% or more; best case: every open deal whose "
        "close date is in the period; weighted: amount x stage probability",
        "コミット: 確度 {p}% 以上のステージの進行中商談 / ベストケース: 完了予定日が期間内の進行中商談すべて / "
        "加重: 金額 × ステージ確度",
    ),
    "this_month": ("This month ({month})", "今月({month})"),
    "next_month": ("Next month ({month})", "来月({month})"),
    "month_after": ("Month after ({month})", "再来月({month})"),
    "this_quarter": ("This quarter ({first} to {last})", "今四半期({first}〜{last})"),
    "period": ("Period", "期間"),
    "owner": ("Owner", "担当者"),
    "total": ("Total", "合計"),
    "blank": ("(blank)", "(空欄)"),
    "won_so_far": ("Won so far", "受注済"),
    "commit": ("Commit", "コミット"),
    "best_case": ("Best case", "ベストケース"),
    "weighted": ("Weighted pipeline", "加重パイプライン"),
    "target": ("Target", "目標"),
    "attainment": ("Attainment (%)", "達成率(%)"),
    "gap": ("Gap to target", "目標までの残り"),
    "no_target": (
        "No Monthly target on the Team tab for: {names} (type one in the Team tab's Monthly target column)",
        "チームタブに月間目標がありません: {names}(チームタブの「月間目標」列に入力してください)",
    ),
    "fc_by_month": ("Won, commit and best case by month (total)", "月別 受注・コミット・ベストケース(合計)"),
    "month": ("Month", "月"),
    "chart_forecast": ("Won, commit and best case by month", "月別 受注・コミット・ベストケース"),
    "fc_accuracy": (
        "Forecast accuracy: weighted pipeline at each month's start against what was won",
        "予測精度: 各月初時点の加重パイプラインと実際の受注",
    ),
    "forecast_at_start": ("Weighted forecast at month start", "月初時点の加重予測"),
    "best_at_start": ("Best case at month start", "月初時点のベストケース"),
    "won_in_month": ("Won in the month", "当月の受注"),
    "won_vs_forecast": ("Won / forecast (%)", "受注 / 予測(%)"),
    "note": ("Note", "注記"),
    "x_outside_forecast": (
        "{amount} of the won came from {n} deals not in the month-start forecast (close date passed or "
        "created later)",
        "受注のうち {amount} は月初時点の予測に入っていない {n} 件の商談から(完了予定日が過ぎていた、または"
        "月初より後に作成)",
    ),
    "fc_accuracy_explained": (
        "The month-start forecast counts the deals open on the month's first day with a close date in the "
        "month; deals won in the month whose close date had already passed, or created later, are not in it, "
        "so won / forecast can exceed 100% (the Note says by how much)",
        "月初時点の予測は、月初日に進行中で完了予定日がその月内の商談を数えます。完了予定日が既に過ぎていた商談や"
        "月初より後に作成された商談が当月に受注されても予測には入らないため、受注 / 予測が 100% を超えることが"
        "あります(その額は注記に記載)",
    ),
    "no_history": (
        "no change history yet for this month's start (the service began watching on {since})",
        "この月初時点の変更履歴がありません(履歴の開始は {since})",
    ),
    "no_history_at_all": ("no change history yet", "変更履歴はまだありません"),
    "fc_calibration": (
        "Stage probabilities: configured against what happened (deals seen in the stage, now closed)",
        "ステージ確度: 設定値と実績(そのステージにあった商談のうち完了したもの)",
    ),
    "stage": ("Stage", "ステージ"),
    "configured": ("Configured (%)", "設定値(%)"),
    "closed_deals": ("Closed deals", "完了商談数"),
    "won": ("Won", "受注"),
    "actual": ("Actual win rate (%)", "実績の受注率(%)"),
    "ci_low": ("95% CI low (%)", "95%信頼区間 下限(%)"),
    "ci_high": ("95% CI high (%)", "95%信頼区間 上限(%)"),
    "too_few": (
        "too few to judge: {n} closed, at least {minimum} needed",
        "件数不足で判断不可: 完了 {n} 件(最低 {minimum} 件必要)",
    ),
    "x_open_no_amount": (
        "open deals without an amount (not in commit, best case or weighted)",
        "金額のない進行中商談(コミット・ベストケース・加重に不算入)",
    ),
    "x_open_no_close_date": (
        "open deals without a close date (in no period)",
        "完了予定日のない進行中商談(どの期間にも入りません)",
    ),
    "x_open_overdue": (
        "open deals whose close date is before every period shown (update the close date)",
        "完了予定日がどの表示期間よりも前の進行中商談(完了予定日を更新してください)",
    ),
    "x_won_no_amount": ("won deals without an amount", "金額のない受注商談"),
    "x_no_stage": ("deals without a known stage", "ステージ不明の商談"),
}
say = Catalogue(FORECAST_LABELS).say


class ForecastSettings(Protocol):
    """What the Forecast tab reads from the config's [forecast] section (sync.core.config.ForecastConfig)."""

    @property
    def commit_probability(self) -> float: ...
    @property
    def changes_days(self) -> int: ...
    @property
    def accuracy_months(self) -> int: ...


@dataclass(frozen=True)
class Period:
    label: str
    first: date
    last: date
    months: int


def periods(today: date, locale: Locale) -> list[Period]:
    """This month, the next two, and this calendar quarter."""
    found = []
    for offset, key in enumerate(("this_month", "next_month", "month_after")):
        first = add_months(month_start(today), offset)
        found.append(Period(say(key, locale, month=month_label(first)), first, _month_end(first), 1))
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last = _month_end(add_months(quarter, 2))
    found.append(
        Period(
            say("this_quarter", locale, first=month_label(quarter), last=month_label(last)), quarter, last, 3
        )
    )
    return found


def _month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


def closed_on(history: DealHistory) -> date | None:
    """When a closed deal closed: the change history's day, else its Close date column (as Win-Loss does)."""
    return history.closed_on or history.now.close_date


@dataclass
class _Figures:
    won: float = 0
    commit: float = 0
    best: float = 0
    weighted: float = 0


def forecast_rows(
    histories: Sequence[DealHistory],
    book: Book,
    today: date,
    locale: Locale,
    pipeline: Pipeline,
    commit_probability: float,
    excluded: Counter[str],
) -> tuple[list[tuple[Cell, ...]], list[str]]:
    """Rows of (period, owner, won, commit, best case, weighted, target, attainment %, gap), owners by name
    then the total, for each period; and the owners shown without a target."""
    shown = periods(today, locale)
    _count_excluded(histories, pipeline, min(p.first for p in shown), excluded)
    targets = _targets(book)
    rows: list[tuple[Cell, ...]] = []
    candidates = {_owner(h, locale) for h in histories} | {
        name for name, target, active in targets.values() if active and target is not None
    }
    by_owner: dict[str, list[DealHistory]] = {}
    for history in histories:
        by_owner.setdefault(_owner(history, locale), []).append(history)
    by_period = [
        {o: _period_figures(by_owner.get(o, []), p, pipeline, commit_probability) for o in candidates}
        for p in shown
    ]
    owners = sorted(  # owners with a figure somewhere, or a target
        o
        for o in candidates
        if _target_of(targets, o) is not None or any(_Figures() != figures[o] for figures in by_period)
    )
    # the deals without an owner are the team's: no person is missing a target for them
    missing = [o for o in owners if _target_of(targets, o) is None and o != say("blank", locale)]
    for period, figures in zip(shown, by_period, strict=True):
        for owner in owners:
            target = _target_of(targets, owner)
            rows.append(
                _line(period, owner, figures[owner], None if target is None else target * period.months)
            )
        total = _Figures(
            *(
                sum(getattr(figures[o], name) for o in owners)
                for name in ("won", "commit", "best", "weighted")
            )
        )
        total_target = (
            None
            if missing or not owners
            else sum((_target_of(targets, o) or 0) * period.months for o in owners)
        )
        rows.append(_line(period, say("total", locale), total, total_target))
    return rows, missing


def _line(period: Period, owner: str, f: _Figures, target: float | None) -> tuple[Cell, ...]:
    return (
        period.label,
        owner,
        f.won,
        f.commit,
        f.best,
        round(f.weighted),
        target,
        None if target is None else percent(f.won, target),
        None if target is None else max(target - f.won, 0),
    )


def _owner(history: DealHistory, locale: Locale) -> str:
    return history.now.owner or say("blank", locale)


def _targets(book: Book) -> dict[str, tuple[str, float | None, bool]]:
    """Name as typed, Monthly target and whether active, by name as compared everywhere (trimmed, case- and
    width-folded); the first row of a repeated name. A person who left keeps the target typed for them
    (their deals are still theirs), but is not shown for it alone."""
    targets: dict[str, tuple[str, float | None, bool]] = {}
    for row in book.rows("team"):
        member = row.model
        if member.name:
            targets.setdefault(
                key_of(member.name) or "", (member.name, member.target, member.active is not False)
            )
    return targets


def _target_of(targets: dict[str, tuple[str, float | None, bool]], owner: str) -> float | None:
    found = targets.get(key_of(owner) or "")
    return found[1] if found else None


def _period_figures(
    histories: Sequence[DealHistory], period: Period, pipeline: Pipeline, commit_probability: float
) -> _Figures:
    """The figures of one owner's deals in one period."""
    figures = _Figures()
    for history in histories:
        stage = pipeline.find(history.now.stage)
        if stage is None:
            continue
        amount = history.now.amount
        if stage.won:
            day = closed_on(history)
            if day is not None and period.first <= day <= period.last and amount is not None:
                figures.won += amount
            continue
        close = history.now.close_date
        if stage.lost or amount is None or close is None or not period.first <= close <= period.last:
            continue
        figures.best += amount
        figures.weighted += amount * stage.probability
        if stage.probability >= commit_probability:
            figures.commit += amount
    return figures


def _count_excluded(
    histories: Sequence[DealHistory], pipeline: Pipeline, earliest: date, excluded: Counter[str]
) -> None:
    for history in histories:
        stage = pipeline.find(history.now.stage)
        if stage is None:
            excluded["x_no_stage"] += 1
        elif stage.won:
            excluded["x_won_no_amount"] += history.now.amount is None
        elif not stage.lost:
            excluded["x_open_no_amount"] += history.now.amount is None
            close = history.now.close_date
            excluded["x_open_no_close_date"] += close is None
            excluded["x_open_overdue"] += close is not None and close < earliest


# ---------------------------------------------------------------------------------------- accuracy
def accuracy_rows(
    histories: Sequence[DealHistory],
    today: date,
    locale: Locale,
    pipeline: Pipeline,
    months: int,
    since: date | None,
) -> list[tuple[Cell, ...]]:
    """(month, weighted forecast at its start, best case at its start, won in it, won / forecast %, note)
    for each of the last `months` full months, oldest first."""
    rows: list[tuple[Cell, ...]] = []
    for back in range(months, 0, -1):
        first = add_months(month_start(today), -back)
        last = _month_end(first)
        if since is None or since > first:
            note = (
                say("no_history", locale, since=since.isoformat())
                if since
                else say("no_history_at_all", locale)
            )
            rows.append((month_label(first), None, None, None, None, note))
            continue
        weighted: float = 0
        best: float = 0  # an int while every amount is one, like the other sums
        forecast: set[str] = set()  # the deals in the month-start forecast
        for history in histories:
            then = history.at_start_of(first)
            stage = pipeline.find(then.stage) if then else None
            if (
                then is None
                or stage is None
                or stage.closed
                or then.amount is None
                or then.close_date is None
            ):
                continue
            if first <= then.close_date <= last:
                weighted += then.amount * stage.probability
                best += then.amount
                forecast.add(history.key)
        won = _won_between(histories, pipeline, first, last)
        rows.append(
            (
                month_label(first),
                round(weighted),
                best,
                won,
                percent(won, round(weighted)),
                _outside_note(histories, pipeline, first, last, forecast, locale),
            )
        )
    return rows


def _won_between(histories: Sequence[DealHistory], pipeline: Pipeline, first: date, last: date) -> float:
    return sum(history.now.amount or 0 for history in _won_in(histories, pipeline, first, last))


def _won_in(
    histories: Sequence[DealHistory], pipeline: Pipeline, first: date, last: date
) -> list[DealHistory]:
    """The deals won (with an amount) from `first` to `last`."""
    found = []
    for history in histories:
        stage = pipeline.find(history.now.stage)
        day = closed_on(history)
        if stage and stage.won and day and first <= day <= last and history.now.amount is not None:
            found.append(history)
    return found


def _outside_note(
    histories: Sequence[DealHistory],
    pipeline: Pipeline,
    first: date,
    last: date,
    forecast: set[str],
    locale: Locale,
) -> str:
    """How much of the month's won came from deals not in its start forecast: the reason won / forecast
    can read 277% without anything being wrong."""
    outside = [h for h in _won_in(histories, pipeline, first, last) if h.key not in forecast]
    if not outside:
        return ""
    amount = sum(h.now.amount or 0 for h in outside)
    return say("x_outside_forecast", locale, amount=f"¥{amount:,.0f}", n=len(outside))


def calibration_rows(
    histories: Sequence[DealHistory], locale: Locale, pipeline: Pipeline, minimum: int, since: date | None
) -> list[tuple[Cell, ...]]:
    """(stage, configured %, closed deals seen in it, won, actual %, CI low %, CI high %, note) per open stage."""
    closed = []  # (won, the stages it was seen in) of every deal closed now
    for history in histories:
        now = pipeline.find(history.now.stage)
        if now is not None and now.closed:
            closed.append((now.won, {spell.stage for spell in history.spells(since)}))
    rows: list[tuple[Cell, ...]] = []
    for stage in (s for s in pipeline.stages if not s.closed):
        outcomes = [won for won, seen in closed if stage.key in seen]
        n, won = len(outcomes), sum(outcomes)
        label = stage.ja if locale == "ja" else stage.en
        configured = as_percent(stage.probability)
        if n < minimum:
            rows.append(
                (label, configured, n, won, None, None, None, say("too_few", locale, n=n, minimum=minimum))
            )
            continue
        low, high = wilson(won, n) or (None, None)
        rows.append((label, configured, n, won, percent(won, n), as_percent(low), as_percent(high), ""))
    return rows
