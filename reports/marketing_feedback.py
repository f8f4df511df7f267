"""The Marketing Feedback tab: what became of the leads marketing handed over, month by month.

Step 1 of the guide closes its loop here: per month of handover and lead source (and campaign), how
many leads were called, reached, got an appointment, became deals and were won — so that marketing
sends leads that turn into appointments. Pure: book, facts and `today` in, a Report out.

Definitions (the tests recompute each of them independently):
- a lead is *in the window* when its handover date falls in the last `months_back` months, this one
  included; leads without a handover date are counted in the excluded section;
- *called*: at least one call logged for the lead; *reached*: at least one call whose result reaches a
  person (sheets_schema.choices.REACHED_RESULTS); *appointment*: an appointment call result or a deal
  for the lead (an appointment becomes a deal);
- *days to first call*: first dated call minus the handover date, median over the called leads; a lead
  called before its handover date has no such figure (one of the dates is wrong) and is counted excluded;
- *deals created / won / won amount*: the lead's deals; *win rate*: won / (won + lost) deals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from reports.fit_section import feedback_section
from reports.labels import TabBuilder, say
from reports.stats import (
    FULL_RATE,
    ReportSettings,
    add_months,
    median,
    month_label,
    month_start,
    months_between,
    percent,
    total,
)
from reports.table import Cell, ChartSpec, Report, Series
from rules.book import Book, key_of
from rules.facts import DealFacts
from rules.fit_model import FitAssessment
from sheets_schema.choices import CALL_RESULTS, REACHED_RESULTS
from sheets_schema.locale import Locale
from sheets_schema.models import Call, Deal, Lead
from sheets_schema.stages import Pipeline

MAX_LISTED_LEADS = 200  # longer lists of waiting leads end with "… and N more"
TOP_SOURCES = 5  # at most this many lines on the appointment-rate chart, "other sources" one of them


@dataclass
class LeadLine:
    """One handed-over lead and what became of it."""

    lead: Lead
    handed_over_on: date  # the lead's, which every line has
    month: date
    source: str
    campaign: str
    calls: list[Call] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    appointment: bool = False
    days_to_first_call: int | None = None


def marketing_feedback_report(
    book: Book,
    facts: Mapping[str, DealFacts],
    today: date,
    locale: Locale,
    config_reports: ReportSettings,
    pipeline: Pipeline | None = None,
    fit: FitAssessment | None = None,  # the lead fit score: the fit of the leads handed over, when shown
) -> Report:
    pipeline = pipeline or Pipeline()
    first_month = add_months(month_start(today), -(config_reports.months_back - 1))
    excluded: Counter[str] = Counter()
    lines = _lead_lines(book, first_month, today, locale, excluded)
    sheet = TabBuilder(locale)
    sheet.add(
        say(
            "mf_title",
            locale,
            first=month_label(first_month),
            last=month_label(today),
            today=today.isoformat(),
        )
    )
    sheet.add()
    won, lost = _closing_stages(pipeline)
    header = [
        say(k, locale)
        for k in (
            "handed_over",
            "called",
            "reached",
            "appointments",
            "appointment_rate",
            "days_to_first_call",
            "deals_created",
            "won",
            "won_amount",
            "win_rate_closed",
        )
    ]
    by_month = _grouped(lines, lambda line: (month_label(line.month), line.source), won, lost)
    sheet.section(
        say("mf_by_month", locale),
        [say("month", locale), say("lead_source", locale), *header],
        [*by_month, (say("total", locale), "", *_figures(lines, won, lost))],
    )
    rates = _rate_by_source(sheet, lines)
    by_campaign = _grouped(lines, lambda line: (line.source, line.campaign), won, lost)
    sheet.section(
        say("mf_by_campaign", locale),
        [say("lead_source", locale), say("campaign", locale), *header],
        by_campaign,
    )
    if fit is not None:
        feedback_section(sheet, fit, [(line.month, line.source, line.lead) for line in lines])
    _result_section(sheet, lines)
    _waiting_section(sheet, lines, today, config_reports.not_called_after_days)
    _count_bad_deals(book, lines, won, excluded)
    sheet.excluded({say(reason, locale): n for reason, n in excluded.items()})
    widths = (18, 22, *([14] * len(header)))
    charts = (rates(sheet.width() + 1),) if rates else ()
    return Report(
        tuple(sheet.rows), header_rows=1, bold_rows=tuple(sheet.bold), column_widths=widths, charts=charts
    )


def _closing_stages(pipeline: Pipeline) -> tuple[set[str], set[str]]:
    return {s.key for s in pipeline.stages if s.won}, {s.key for s in pipeline.stages if s.lost}


def _lead_lines(
    book: Book, first_month: date, today: date, locale: Locale, excluded: Counter[str]
) -> list[LeadLine]:
    last_day = add_months(month_start(today), 1) - timedelta(days=1)
    lines = []
    known = set(book.leads_by_id)
    window_ids: set[str] = set()
    for row in book.rows("leads"):
        lead = row.model
        handed = lead.handed_over_on
        if handed is None:
            excluded["x_no_handover"] += 1
            continue
        if handed < first_month:
            excluded["x_leads_before"] += 1
            continue
        if handed > last_day:
            excluded["x_leads_after"] += 1
            continue
        line = LeadLine(
            lead,
            handed,
            month_start(handed),
            lead.lead_source or say("blank", locale),
            lead.campaign or say("blank", locale),
        )
        key = key_of(lead.lead_id)
        if key:
            window_ids.add(key)
            line.calls = list(book.calls_by_lead.get(key, []))
            line.deals = list(book.deals_by_lead.get(key, []))
        dated = [c.called_at.date() for c in line.calls if c.called_at is not None]
        excluded["x_calls_no_date"] += len(line.calls) - len(dated)
        if dated and min(dated) < handed:
            excluded["x_called_before_handover"] += 1  # a wrong date on one side: no negative day count
        elif dated:
            line.days_to_first_call = (min(dated) - handed).days
        line.appointment = bool(line.deals) or any(c.result == "appointment" for c in line.calls)
        lines.append(line)
    excluded["x_calls_unknown_lead"] += sum(
        1 for row in book.rows("calls") if key_of(row.model.lead_id) not in known
    )
    return lines


def _count_bad_deals(book: Book, lines: list[LeadLine], won: set[str], excluded: Counter[str]) -> None:
    known = set(book.leads_by_id)
    excluded["x_deals_unknown_lead"] += sum(
        1 for row in book.rows("deals") if row.model.lead_id and key_of(row.model.lead_id) not in known
    )
    excluded["x_won_no_amount"] += sum(
        1 for line in lines for deal in line.deals if deal.stage in won and deal.amount is None
    )


def _grouped(
    lines: list[LeadLine], key: Callable[[LeadLine], tuple[str, str]], won: set[str], lost: set[str]
) -> list[tuple[Cell, ...]]:
    groups: dict[tuple[str, str], list[LeadLine]] = {}
    for line in lines:
        groups.setdefault(key(line), []).append(line)
    return [(*name, *_figures(groups[name], won, lost)) for name in sorted(groups)]


def _figures(lines: Sequence[LeadLine], won: set[str], lost: set[str]) -> tuple[Cell, ...]:
    handed = len(lines)
    called = sum(1 for line in lines if line.calls)
    reached = sum(1 for line in lines if any(c.result in REACHED_RESULTS for c in line.calls))
    appointments = sum(1 for line in lines if line.appointment)
    deals = [deal for line in lines for deal in line.deals]
    won_deals = [d for d in deals if d.stage in won]
    lost_deals = [d for d in deals if d.stage in lost]
    days = median(line.days_to_first_call for line in lines if line.days_to_first_call is not None)
    return (
        handed,
        called,
        reached,
        appointments,
        percent(appointments, handed),
        days,
        len(deals),
        len(won_deals),
        total(d.amount for d in won_deals),
        percent(len(won_deals), len(won_deals) + len(lost_deals)),
    )


def _rate_by_source(sheet: TabBuilder, lines: list[LeadLine]) -> Callable[[int], ChartSpec] | None:
    """A month x lead source table of appointment rates (the largest sources by leads handed over, the rest
    pooled so that no line is drawn from a handful of leads), and its line chart, to be placed at a column.
    A month without leads from a source is an empty cell: a gap in the line, not a 0 % rate."""
    locale = sheet.locale
    if not lines:
        return None
    sizes = Counter(line.source for line in lines)
    ranked = sorted(sizes, key=lambda source: (-sizes[source], source))
    shown = ranked if len(ranked) <= TOP_SOURCES else ranked[: TOP_SOURCES - 1]
    other = say("other_sources", locale)

    def column(line: LeadLine) -> str:
        return line.source if line.source in shown else other

    names = [*shown, *([other] if len(shown) < len(ranked) else [])]
    body: list[tuple[Cell, ...]] = []
    handed = sorted(line.month for line in lines)
    for month in months_between(handed[0], handed[-1]):  # the months with leads (no empty chart edges)
        leads = [line for line in lines if line.month == month]
        body.append(
            (month_label(month), *(_appointment_rate([x for x in leads if column(x) == n]) for n in names))
        )
    title, first, last = sheet.section(
        say("mf_rate_by_source", locale, n=TOP_SOURCES), [say("month", locale), *names], body
    )
    return lambda col: ChartSpec(
        say("chart_appointments", locale),
        "line",
        Series(0, first, last),
        tuple(Series(i, first, last, title_row=first - 1) for i in range(1, len(names) + 1)),
        title,
        col,
        y_title="%",
        value_range=(0, FULL_RATE),
    )


def _appointment_rate(lines: Sequence[LeadLine]) -> float | None:
    return percent(sum(1 for line in lines if line.appointment), len(lines))


def _result_section(sheet: TabBuilder, lines: list[LeadLine]) -> None:
    locale = sheet.locale
    results = Counter(c.result for line in lines for c in line.calls if c.result != "appointment")
    count = sum(results.values())

    def label(result: str | None) -> str:
        return CALL_RESULTS.get(result).label(locale) if result else say("unknown", locale)

    body = [
        (label(result), n, percent(n, count))
        for result, n in sorted(results.items(), key=lambda item: (-item[1], item[0] or ""))
    ]
    sheet.section(
        say("mf_results", locale), [say("result", locale), say("calls", locale), say("share", locale)], body
    )


def _waiting_section(sheet: TabBuilder, lines: list[LeadLine], today: date, days: int) -> None:
    locale = sheet.locale
    waiting = sorted(
        (line for line in lines if not line.calls and (today - line.handed_over_on).days >= days),
        key=lambda line: (line.handed_over_on, line.lead.lead_id or ""),
    )
    body: list[tuple[Cell, ...]] = [
        (
            line.lead.lead_id,
            line.lead.company,
            line.source,
            line.campaign,
            line.handed_over_on,
            (today - line.handed_over_on).days,
            line.lead.assigned_caller,
        )
        for line in waiting[:MAX_LISTED_LEADS]
    ]
    if len(waiting) > MAX_LISTED_LEADS:
        body.append((say("and_more", locale, n=len(waiting) - MAX_LISTED_LEADS),))
    if not waiting:
        body.append((say("none_waiting", locale),))
    header = [
        say(k, locale)
        for k in (
            "lead_id",
            "company",
            "lead_source",
            "campaign",
            "handed_over_on",
            "days_waiting",
            "assigned_caller",
        )
    ]
    sheet.section(say("mf_not_called", locale, n=days), header, body)
