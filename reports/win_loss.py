"""The Win-Loss Analysis tab: which leads win, and what the reps who win do differently (steps 4 and 6).

Pure: book, facts, `today` and the pipeline in, a Report with its charts out. Closed deals are those
whose stage is a won or lost stage of the pipeline. Their closed-on date comes from the change history
(facts); without one, from the deal's Close date column; without either the deal is counted in the
excluded section. A note row says where the dates came from (see `_source`). Days to close = closed-on
minus the creation date the history knows; a deal closed before it was created has none (counted in
the excluded section), so that no day count is negative. The window is the last `win_loss_months`
months by closed-on date, today included (0: all time); when nothing closed in it, the window's tables
show all time and say so. Rates are percentages with one decimal; see reports/stats.py for the
conventions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from reports.fit_section import fit_section
from reports.labels import TabBuilder, say
from reports.presentation import CURRENCY_FORMATS
from reports.stats import (
    COMPANY_SIZE,
    DEAL_SIZE,
    FULL_RATE,
    YEN_EDGES,
    Bands,
    ReportSettings,
    add_months,
    amount_bands,
    as_percent,
    median,
    month_label,
    months_between,
    percent,
    quantile_edges,
    total,
    wilson,
)
from reports.table import Cell, ChartSpec, Report, Series
from rules.book import Book, key_of
from rules.facts import DealFacts
from rules.fit_model import FitAssessment
from sheets_schema.choices import CLOSED_TASK_STATUSES
from sheets_schema.columns import Column
from sheets_schema.locale import Locale, fold
from sheets_schema.models import Deal, Lead, Task
from sheets_schema.rows import ParsedRow
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import DEALS, LEADS

CHART_ROWS = 18  # rows a chart covers; the next chart starts below it
_PlacedChart = tuple[
    int, Callable[[int, int], ChartSpec]
]  # the row of its section, and how to draw it at (row, col)


@dataclass(frozen=True)
class Closed:
    """A closed deal with what the analysis needs about it."""

    deal: Deal
    lead: Lead | None
    won: bool
    closed_on: date
    created_on: date | None
    source: str = "src_history"  # where closed_on came from: a label key (see _source)

    @property
    def days(self) -> int | None:
        """Days from creation to close; None when unknown, or impossible (closed before it was created)."""
        if self.created_on is None or self.closed_on < self.created_on:
            return None
        return (self.closed_on - self.created_on).days

    @property
    def amount(self) -> int | float | None:
        return self.deal.amount


@dataclass(frozen=True)
class Segment:
    key: str  # label key, or the extra column's own name
    value: Callable[[Closed], str]
    order: tuple[str, ...] = ()  # bands: their values smallest first (the rest, e.g. unknown, after them)


def win_loss_report(
    book: Book,
    facts: Mapping[str, DealFacts],
    today: date,
    locale: Locale,
    pipeline: Pipeline,
    config_reports: ReportSettings,
    fit: tuple[FitAssessment, int] | None = None,  # the fit score's validation, and its min_category
) -> Report:
    months = config_reports.win_loss_months
    start = add_months(today, -months)  # exclusive: the window is (start, today]
    excluded: Counter[str] = Counter()
    named: dict[str, list[ParsedRow[Deal]]] = {}  # reason -> the deals it left out
    closed, _ = _closed_deals(book, facts, today, pipeline, excluded, named)
    recent = [c for c in closed if c.closed_on > start] if months else closed
    sheet = TabBuilder(locale)
    sheet.add(say("wl_title", locale, today=today.isoformat()))
    if months:
        first = (start + timedelta(days=1)).isoformat()
        sheet.add(say("wl_window", locale, first=first, last=today.isoformat(), n=months))
    else:
        sheet.add(say("wl_window_all", locale, last=today.isoformat()))
    sheet.add(_source_note(closed, locale))
    # An empty recent window (an imported history, a quiet year) would leave every table below empty:
    # they show all time instead, and their titles say so.
    fallback = bool(months) and not recent and bool(closed)
    if fallback:
        sheet.add(say("wl_window_empty", locale, n=months))
    window = closed if fallback else recent
    months = -months if fallback else months  # below: > 0 the recent window, 0 all time, < 0 the fallback
    sheet.add()
    _overall(sheet, recent, closed, months)
    segments = _segments(book, locale, config_reports.extra_segments, excluded, len(window))
    segments += _team_segments(book, locale)
    segments = [
        _deal_size(s, closed, config_reports, locale) if s.key == "seg_deal_size" else s for s in segments
    ]
    charts: list[_PlacedChart] = []
    overall_rate = _rate(window)
    profile = _by_segment(sheet, window, segments, months, config_reports.min_segment, overall_rate, charts)
    _lost_reasons(sheet, window, months, charts)
    _stage_before(sheet, window, facts, pipeline, months)
    _by_month(sheet, window, today if months > 0 else None, charts)
    owners = _rep_behaviour(sheet, book, window, pipeline, months, excluded)
    _quartiles(sheet, owners)
    _profile(sheet, profile, overall_rate, months)
    if fit is not None:
        fit_section(sheet, *fit)
    sheet.excluded(
        {_excluded_label(reason, locale): n for reason, n in excluded.items()},
        {
            _excluded_label(reason, locale): [_deal_named(r, locale) for r in rows]
            for reason, rows in named.items()
        },
    )
    return Report(
        tuple(sheet.rows),
        header_rows=1,
        bold_rows=tuple(sheet.bold),
        column_widths=(24, 22, *([13] * 8)),
        charts=_place(charts, sheet.width() + 1),
    )


# ---------------------------------------------------------------------------------------- the deals
def _closed_deals(
    book: Book,
    facts: Mapping[str, DealFacts],
    today: date,
    pipeline: Pipeline,
    excluded: Counter[str],
    named: dict[str, list[ParsedRow[Deal]]] | None = None,
) -> tuple[list[Closed], int]:
    won = {s.key for s in pipeline.stages if s.won}
    lost = {s.key for s in pipeline.stages if s.lost}
    closed: list[Closed] = []
    from_column = 0
    named = {} if named is None else named

    def exclude(reason: str, row: ParsedRow[Deal], when: bool = True) -> None:
        if when:
            excluded[reason] += 1
            named.setdefault(reason, []).append(row)

    for row in book.rows("deals"):
        deal = row.model
        if deal.stage is None:
            exclude("x_no_stage", row)
            continue
        if deal.stage not in won | lost:
            continue
        known = facts.get(key_of(deal.deal_id) or "")
        closed_on = known.closed_on if known else None
        fallback = closed_on is None
        if fallback:
            closed_on = deal.close_date
        if closed_on is None:
            exclude("x_closed_no_date", row)
            continue
        if closed_on > today:
            exclude("x_closed_future", row)
            continue
        from_column += fallback
        created_on = known.created_on if known else None
        exclude("x_no_created", row, created_on is None)
        exclude("x_closed_before_created", row, created_on is not None and closed_on < created_on)
        lead = _lead_of(book, deal)
        exclude("x_deals_no_lead", row, lead is None)
        exclude("x_won_no_amount", row, deal.stage in won and deal.amount is None)
        source = _source(deal, known, fallback)
        closed.append(Closed(deal, lead, deal.stage in won, closed_on, created_on, source))
    return closed, from_column


def _source(deal: Deal, known: DealFacts | None, from_column: bool) -> str:
    """Where a closed-on date came from. The history records the stage before the close only when it saw
    the stage change (rules/history.py); a deal it first saw already closed got the Close date column's
    date if there was one, else the day of its last activity."""
    if from_column or known is None:
        return "src_column"
    if known.stage_before_close is not None:
        return "src_history"
    return "src_column" if known.closed_on == deal.close_date else "src_first_seen"


def _source_note(closed: list[Closed], locale: Locale) -> str:
    counts = Counter(c.source for c in closed)
    parts = [
        say(key, locale, n=f"{counts[key]:,}")
        for key in ("src_history", "src_column", "src_first_seen")
        if counts[key]
    ]
    if not parts:
        return say("wl_source_none", locale)
    return say("wl_source", locale, parts=say("src_separator", locale).join(parts))


def _lead_of(book: Book, deal: Deal) -> Lead | None:
    found = book.leads_by_id.get(key_of(deal.lead_id) or "")
    return found[0] if found else None


def _rate(deals: list[Closed]) -> float | None:
    return sum(c.won for c in deals) / len(deals) if deals else None


def _won_amount(deals: Iterable[Closed]) -> int | float:
    return total(c.amount for c in deals if c.won)


# ---------------------------------------------------------------------------------------- sections
def _overall(sheet: TabBuilder, window: list[Closed], closed: list[Closed], months: int) -> None:
    locale = sheet.locale
    header = [
        say(k, locale)
        for k in ("period", "closed", "won", "lost", "win_rate", "won_amount", "days_won", "days_lost")
    ]

    def line(name: str, deals: list[Closed]) -> tuple[Cell, ...]:
        won = sum(c.won for c in deals)
        return (
            name,
            len(deals),
            won,
            len(deals) - won,
            percent(won, len(deals)),
            _won_amount(deals),
            median(c.days for c in deals if c.won and c.days is not None),
            median(c.days for c in deals if not c.won and c.days is not None),
        )

    sheet.section(
        say("wl_overall", locale),
        header,
        [
            *([line(say("window", locale, n=abs(months)), window)] if months else []),
            line(say("all_time", locale), closed),
        ],
    )


def _scoped(key: str, locale: Locale, months: int) -> str:
    """A title of the window's tables. `months`: > 0 the last N months; 0 all time (configured); < 0 all
    time because nothing closed in the last -N months (win_loss_report)."""
    if months > 0:
        return say(key, locale, n=months)
    scope = say("scope_empty", locale, n=-months) if months else say("scope_all", locale)
    return say(f"{key}_all", locale, scope=scope)


def _segments(
    book: Book, locale: Locale, extra: tuple[str, ...], excluded: Counter[str], window_size: int
) -> list[Segment]:
    blank, no_lead = say("blank", locale), say("no_lead", locale)

    def from_lead(attribute: str) -> Callable[[Closed], str]:
        return lambda c: no_lead if c.lead is None else (_text(getattr(c.lead, attribute)) or blank)

    def from_deal(attribute: str) -> Callable[[Closed], str]:
        return lambda c: _text(getattr(c.deal, attribute)) or blank

    segments = [
        Segment("seg_lead_source", from_lead("lead_source")),
        Segment("seg_campaign", from_lead("campaign")),
        Segment("seg_industry", from_lead("industry")),
        Segment(
            "seg_company_size",
            lambda c: no_lead if c.lead is None else (COMPANY_SIZE.band(c.lead.employees, locale) or blank),
            COMPANY_SIZE.order(locale),
        ),
        Segment("seg_region", from_lead("region")),
        Segment("seg_owner", lambda c: c.deal.owner or blank),
        Segment(
            "seg_caller",
            lambda c: c.deal.appointment_by or (c.lead.assigned_caller if c.lead else None) or blank,
        ),
        Segment(
            "seg_deal_size",
            lambda c: DEAL_SIZE.band(c.amount, locale) or say("unknown", locale),
            DEAL_SIZE.order(locale),
        ),
    ]
    for name in extra:
        found = _extra_column(name)
        if found is None:
            excluded[f"x_unknown_segment:{name}"] += window_size
            continue
        tab, column = found
        if tab == "deals":
            segments.append(Segment(column.label(locale), from_deal(column.key)))
        else:
            segments.append(Segment(column.label(locale), from_lead(column.key)))
    return segments


def _team_segments(book: Book, locale: Locale) -> list[Segment]:
    """Manager and team (or regional office) of the deal's owner, from the owner's Team row: only those
    the Team tab fills in somewhere (an empty column would be one value, '(blank)', for every deal)."""
    blank, no_row = say("blank", locale), say("no_team_row", locale)

    def from_team(attribute: str) -> Callable[[Closed], str]:
        def value(c: Closed) -> str:
            if not c.deal.owner:
                return blank
            member = book.member(c.deal.owner)
            return no_row if member is None else (_text(getattr(member, attribute)) or blank)

        return value

    filled = {a for a in ("manager", "team") for row in book.rows("team") if getattr(row.model, a)}
    return [Segment(f"seg_{a}", from_team(a)) for a in ("manager", "team") if a in filled]


def _deal_size(segment: Segment, closed: list[Closed], settings: ReportSettings, locale: Locale) -> Segment:
    bands = deal_size_bands(settings, [c.amount for c in closed if c.amount is not None])
    unknown = say("unknown", locale)
    return Segment(segment.key, lambda c: bands.band(c.amount, locale) or unknown, bands.order(locale))


def deal_size_bands(settings: ReportSettings, amounts: list[float]) -> Bands:
    """The configured edges; or the quartiles of the closed deals' amounts (all time, so that every table
    bands alike) when asked for, or by default in any currency but yen, whose default is ¥1M/5M/10M."""
    configured, currency = settings.deal_size_bands, settings.currency
    if isinstance(configured, tuple):
        edges = configured
    elif configured is None and currency == "JPY":
        edges = YEN_EDGES
    else:
        edges = quantile_edges(amounts)
    symbol = CURRENCY_FORMATS.get(currency, "").split("#")[0]  # "$#,##0" -> "$"
    return amount_bands(tuple(edges), symbol, currency == "JPY")


def _extra_column(name: str) -> tuple[str, Column] | None:
    wanted = fold(name)
    for spec in (DEALS, LEADS):
        for column in spec.person_columns:
            if wanted in column.names():
                return spec.key, column
    return None


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _segment_label(segment: Segment, locale: Locale) -> str:
    return say(segment.key, locale) if segment.key.startswith("seg_") else segment.key


def _by_segment(
    sheet: TabBuilder,
    window: list[Closed],
    segments: list[Segment],
    months: int,
    minimum: int,
    overall: float | None,
    charts: list[_PlacedChart],
) -> list[tuple[str, str, int, int, float]]:
    locale = sheet.locale
    header = [
        say(k, locale)
        for k in (
            "segment",
            "value",
            "deals",
            "won",
            "win_rate",
            "ci_low",
            "ci_high",
            "days_to_close",
            "won_amount",
            "judgement",
        )
    ]
    body: list[tuple[Cell, ...]] = []
    profile = []
    source_rows: tuple[int, int] | None = None
    left_out = 0
    first_body = sheet.next_row + 2
    for segment in segments:
        groups: dict[str, list[Closed]] = {}
        for c in window:
            groups.setdefault(segment.value(c), []).append(c)
        name = _segment_label(segment, locale)
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        if segment.order:  # bands read in size order, whatever their counts
            rank = {value: i for i, value in enumerate(segment.order)}
            ordered.sort(key=lambda item: rank.get(item[0], len(rank)))
        if segment.key == "seg_lead_source":
            # largest first, so the values with enough deals to judge are the first rows: the chart's range
            judged = sum(1 for _, deals in ordered if len(deals) >= minimum)
            left_out = len(ordered) - judged
            if judged:
                source_rows = (first_body + len(body), first_body + len(body) + judged - 1)
        for value, deals in ordered:
            won = sum(c.won for c in deals)
            low, high = wilson(won, len(deals)) or (None, None)
            few = len(deals) < minimum
            body.append(
                (
                    name,
                    value,
                    len(deals),
                    won,
                    percent(won, len(deals)),
                    as_percent(low),
                    as_percent(high),
                    median(c.days for c in deals if c.days is not None),
                    _won_amount(deals),
                    say("too_few", locale) if few else "",
                )
            )
            if not few and overall is not None and low is not None and low > overall:
                profile.append((name, value, len(deals), won, low))
    title, first, _ = sheet.section(_scoped("wl_segments", locale, months), header, body)
    if source_rows:
        charts.append((title, _win_rate_chart(source_rows, first - 1, left_out, minimum, locale)))
    return profile


def _win_rate_chart(
    rows: tuple[int, int], header: int, left_out: int, minimum: int, locale: Locale
) -> Callable[[int, int], ChartSpec]:
    """Win rate by lead source over the values with enough deals to judge (a 3-deal source at 100 % is no
    evidence), with the 95 % interval the table shows, on a 0-100 % axis."""
    first, last = rows
    title = (
        say("chart_win_left_out", locale, left=left_out, n=minimum)
        if left_out
        else say("chart_win_by_source", locale)
    )
    return lambda row, col: ChartSpec(
        title,
        "column",
        Series(1, first, last),
        (Series(4, first, last, title_row=header),),
        row,
        col,
        y_title="%",
        value_range=(0, FULL_RATE),
        interval=(Series(5, first, last, title_row=header), Series(6, first, last, title_row=header)),
    )


def _lost_reasons(sheet: TabBuilder, window: list[Closed], months: int, charts: list[_PlacedChart]) -> None:
    locale = sheet.locale
    lost = [c for c in window if not c.won]
    groups: dict[str, list[Closed]] = {}
    for c in lost:
        groups.setdefault(c.deal.lost_reason or say("blank", locale), []).append(c)
    body = [
        (reason, len(deals), percent(len(deals), len(lost)), total(c.amount for c in deals))
        for reason, deals in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    header = [say(k, locale) for k in ("lost_reason", "deals", "share", "amount")]
    title, first, last = sheet.section(_scoped("wl_lost_reasons", locale, months), header, body)
    if body:
        charts.append(
            (
                title,
                lambda row, col: ChartSpec(
                    say("chart_lost_reasons", locale),
                    "pie",
                    Series(0, first, last),
                    (Series(1, first, last, title_row=first - 1),),
                    row,
                    col,
                ),
            )
        )


def _stage_before(
    sheet: TabBuilder, window: list[Closed], facts: Mapping[str, DealFacts], pipeline: Pipeline, months: int
) -> None:
    locale = sheet.locale
    lost = [c for c in window if not c.won]
    stages: Counter[str] = Counter()
    for c in lost:
        known = facts.get(key_of(c.deal.deal_id) or "")
        stages[_stage_label(pipeline, known.stage_before_close if known else None, locale)] += 1
    order = {s.label: i for i, s in enumerate(_labelled(pipeline, locale))}
    body = [
        (stage, n, percent(n, len(lost)))
        for stage, n in sorted(stages.items(), key=lambda item: (order.get(item[0], 99), item[0]))
    ]
    header = [say(k, locale) for k in ("stage", "deals", "share")]
    sheet.section(_scoped("wl_stage_before", locale, months), header, body)


@dataclass(frozen=True)
class _Labelled:
    key: str
    label: str


def _labelled(pipeline: Pipeline, locale: Locale) -> list[_Labelled]:
    return [_Labelled(s.key, s.ja if locale == "ja" else s.en) for s in pipeline.stages]


def _stage_label(pipeline: Pipeline, key: str | None, locale: Locale) -> str:
    if key is None:
        return say("unknown", locale)
    for stage in _labelled(pipeline, locale):
        if stage.key == key:
            return stage.label
    return key


def _by_month(
    sheet: TabBuilder, window: list[Closed], until: date | None, charts: list[_PlacedChart]
) -> None:
    """From the first month a deal closed in, to `until`'s month (the recent window: months without a
    close are news) or, over all time, to the last month with a close (not years of empty rows)."""
    locale = sheet.locale
    body = []
    days = [c.closed_on for c in window]
    for month in months_between(min(days), until or max(days)) if days else []:
        deals = [c for c in window if (c.closed_on.year, c.closed_on.month) == (month.year, month.month)]
        won = sum(c.won for c in deals)
        body.append((month_label(month), len(deals), won, percent(won, len(deals)), _won_amount(deals)))
    header = [say(k, locale) for k in ("month", "closed", "won", "win_rate", "won_amount")]
    title, first, last = sheet.section(say("wl_months", locale), header, body)
    if not body:
        return
    charts.append(
        (
            title,
            lambda row, col: ChartSpec(
                say("chart_won_by_month", locale),
                "column",
                Series(0, first, last),
                (Series(4, first, last, title_row=first - 1),),
                row,
                col,
                y_title=say("won_amount", locale),
            ),
        )
    )


# ---------------------------------------------------------------------------------------- reps
@dataclass
class OwnerFigures:
    name: str
    closed: list[Closed]
    tasks: int
    first_visit_days: list[int]
    gaps: list[int]
    open_deals: int
    open_with_next: int

    @property
    def won(self) -> int:
        return sum(c.won for c in self.closed)


def _rep_behaviour(
    sheet: TabBuilder,
    book: Book,
    window: list[Closed],
    pipeline: Pipeline,
    months: int,
    excluded: Counter[str],
) -> list[OwnerFigures]:
    locale = sheet.locale
    blank = say("blank", locale)
    owners: dict[str, OwnerFigures] = {}

    def figures(name: str | None) -> OwnerFigures:
        shown = name or blank
        return owners.setdefault(key_of(shown) or shown, OwnerFigures(shown, [], 0, [], [], 0, 0))

    for c in window:
        mine = figures(c.deal.owner)
        mine.closed.append(c)
        tasks = book.tasks_by_deal.get(key_of(c.deal.deal_id) or "", [])
        mine.tasks += len(tasks)
        visits = [
            t.completed_on for t in tasks if t.type == "first_visit" and t.status == "done" and t.completed_on
        ]
        if visits and c.created_on and min(visits) < c.created_on:
            excluded["x_visit_before_created"] += 1  # one of the two dates is wrong: no negative days
        elif visits and c.created_on:
            mine.first_visit_days.append((min(visits) - c.created_on).days)
        mine.gaps += _gaps(_activity_days(book, c, tasks))
    closing = {s.key for s in pipeline.stages if s.closed}
    for row in book.rows("deals"):
        deal = row.model
        if deal.stage is None or deal.stage in closing:
            continue
        mine = figures(deal.owner)
        mine.open_deals += 1
        tasks = book.tasks_by_deal.get(key_of(deal.deal_id) or "", [])
        mine.open_with_next += any(t.status not in CLOSED_TASK_STATUSES for t in tasks)
    ranked = sorted(owners.values(), key=lambda o: (-len(o.closed), o.name))
    header = [
        say(k, locale)
        for k in (
            "owner",
            "closed",
            "won",
            "win_rate",
            "tasks_per_deal",
            "days_first_visit",
            "days_between",
            "open_deals",
            "next_task_share",
        )
    ]
    sheet.section(_scoped("wl_reps", locale, months), header, [(o.name, *_owner_cells(o)) for o in ranked])
    return [o for o in ranked if o.closed]


def _activity_days(book: Book, c: Closed, tasks: Sequence[Task]) -> list[date]:
    """Days something happened on a closed deal: tasks done, and calls to its lead since it was created."""
    days = {t.completed_on for t in tasks if t.status == "done" and t.completed_on}
    if c.created_on and c.deal.lead_id:
        for call in book.calls_by_lead.get(key_of(c.deal.lead_id) or "", []):
            if call.called_at and call.called_at.date() >= c.created_on:
                days.add(call.called_at.date())
    return sorted(days)


def _gaps(days: list[date]) -> list[int]:
    return [(b - a).days for a, b in pairwise(days)]


def _owner_cells(group: OwnerFigures) -> tuple[Cell, ...]:
    n = len(group.closed)
    return (
        n,
        group.won,
        percent(group.won, n),
        round(group.tasks / n, 1) if n else None,
        median(group.first_visit_days),
        median(group.gaps),
        group.open_deals,
        percent(group.open_with_next, group.open_deals),
    )


def _quartiles(sheet: TabBuilder, owners: list[OwnerFigures]) -> None:
    """Owners ranked by win rate: the top quarter (rounded up) against the others, pooled."""
    locale = sheet.locale
    if len(owners) < 2:
        return
    ranked = sorted(owners, key=lambda o: (-o.won / len(o.closed), -len(o.closed), o.name))
    cut = math.ceil(len(ranked) / 4)
    top, rest = _pooled(ranked[:cut]), _pooled(ranked[cut:])
    measures = (
        "owners",
        "closed",
        "won",
        "win_rate",
        "tasks_per_deal",
        "days_first_visit",
        "days_between",
        "open_deals",
        "next_task_share",
    )
    body = [
        (say(m, locale), a, b)
        for m, a, b in zip(
            measures, (cut, *_owner_cells(top)), (len(ranked) - cut, *_owner_cells(rest)), strict=True
        )
    ]
    header = [say(k, locale) for k in ("measure", "top_quartile", "the_rest")]
    sheet.section(say("wl_quartile", locale), header, body)


def _pooled(groups: list[OwnerFigures]) -> OwnerFigures:
    return OwnerFigures(
        "",
        [c for g in groups for c in g.closed],
        sum(g.tasks for g in groups),
        [d for g in groups for d in g.first_visit_days],
        [d for g in groups for d in g.gaps],
        sum(g.open_deals for g in groups),
        sum(g.open_with_next for g in groups),
    )


def _profile(
    sheet: TabBuilder, profile: list[tuple[str, str, int, int, float]], overall: float | None, months: int
) -> None:
    locale = sheet.locale
    ordered = sorted(profile, key=lambda p: (-p[4], p[0], p[1]))
    body: list[tuple[Cell, ...]] = [
        (
            say(
                "profile_line",
                locale,
                segment=segment,
                value=value,
                rate=f"{100 * won / n:.0f}",
                n=n,
                overall=f"{100 * (overall or 0):.0f}",
            ),
        )
        for segment, value, n, won, _ in ordered
    ] or [(say("no_profile", locale),)]
    sheet.add(_scoped("wl_profile", locale, months))
    for line in body:
        sheet.add(*line)
    sheet.add()


def _deal_named(row: ParsedRow[Deal], locale: Locale) -> str:
    """A deal as a person finds it on the Deals tab: its id, or its row when it has none."""
    return row.model.deal_id or say("row_n", locale, n=row.index + 1)


def _excluded_label(reason: str, locale: Locale) -> str:
    if reason.startswith("x_unknown_segment:"):
        return say("x_unknown_segment", locale, name=reason.split(":", 1)[1])
    return say(reason, locale)


def _place(charts: list[_PlacedChart], col: int) -> tuple[ChartSpec, ...]:
    """Charts beside their tables, to the right; each one below the previous so that none overlap."""
    placed, free_row = [], 0
    for row, make in charts:
        row = max(row, free_row)
        placed.append(make(row, col))
        free_row = row + CHART_ROWS
    return tuple(placed)
