"""The Forecast tab: the manager's weekly page, in the order a weekly review goes.

1. what we will close (forecast by period and owner, with targets) and its chart by month;
2. how far to trust that (accuracy of past forecasts, calibrated stage probabilities);
3. what changed in the last N days, per owner and per deal;
4. where deals leak (the funnel by stage).

Its own tab rather than the top of Manager Review: Manager Review is a worklist of deals the manager types
decisions beside (its rows are keyed by deal id, and the decisions must survive regeneration), while this
is read-only figures of ~60 rows; stacked above the list, they would push the worklist out of sight and
move the typed-into block every time a period rolls over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from reports import funnel, pipeline_changes
from reports.deal_history import DealHistory, deal_histories, history_since
from reports.forecast import ForecastSettings, accuracy_rows, calibration_rows, forecast_rows, say
from reports.labels import TabBuilder
from reports.table import Cell, ChartSpec, Report, Series
from rules.book import Book
from rules.history import ChangeEvent, DealState
from sheets_schema.locale import Locale
from sheets_schema.stages import Pipeline

_Placed = tuple[
    int, Callable[[int, int], ChartSpec]
]  # the row of its section, and how to draw it at (row, col)


def forecast_report(
    book: Book,
    states: Mapping[str, DealState],
    events: Iterable[ChangeEvent],
    today: date,
    locale: Locale,
    pipeline: Pipeline,
    settings: ForecastSettings,
    min_segment: int,
) -> Report:
    log = list(events)
    histories = deal_histories(book, states, log)
    since = history_since(log)
    excluded: Counter[str] = Counter()
    sheet = TabBuilder(locale)
    sheet.add(say("fc_title", locale, today=today.isoformat()))
    sheet.add(say("fc_commit_note", locale, p=round(100 * settings.commit_probability)))
    sheet.add()
    rows, missing = forecast_rows(
        histories, book, today, locale, pipeline, settings.commit_probability, excluded
    )
    header = [say(k, locale) for k in ("period", "owner", "won_so_far", "commit", "best_case", "weighted")]
    header += [say(k, locale) for k in ("target", "attainment", "gap")]
    sheet.section(say("fc_forecast", locale), header, rows)
    if missing:
        sheet.add(say("no_target", locale, names=", ".join(missing)))
        sheet.add()
    charts = [_by_month(sheet, rows, locale)]
    accuracy_header = [
        say(k, locale)
        for k in ("month", "forecast_at_start", "best_at_start", "won_in_month", "won_vs_forecast", "note")
    ]
    sheet.section(
        say("fc_accuracy", locale),
        accuracy_header,
        accuracy_rows(histories, today, locale, pipeline, settings.accuracy_months, since),
    )
    sheet.add(say("fc_accuracy_explained", locale))
    sheet.add()
    calibration_header = [
        say(k, locale)
        for k in ("stage", "configured", "closed_deals", "won", "actual", "ci_low", "ci_high", "note")
    ]
    sheet.section(
        say("fc_calibration", locale),
        calibration_header,
        calibration_rows(histories, locale, pipeline, min_segment, since),
    )
    charts.append(_funnel(sheet, histories, today, locale, pipeline, since, excluded))
    # the list of what changed grows and shrinks every week: last, below every chart's rows, so that its
    # rows can move (a row patch) without moving a chart's data (sync/engine/plan.py)
    _changes(sheet, histories, today, locale, pipeline, settings.changes_days)
    labels = {k: say(k, locale) for k in excluded if k in _FORECAST_REASONS}
    labels |= {k: funnel.say(k, locale) for k in excluded if k not in _FORECAST_REASONS}
    sheet.excluded({labels[reason]: n for reason, n in sorted(excluded.items())})
    col = sheet.width() + 1
    return Report(
        tuple(sheet.rows),
        header_rows=1,
        bold_rows=tuple(sheet.bold),
        column_widths=(34, 22, *([16] * 9)),  # the quarter label; long headers
        charts=tuple(make(row, col) for row, make in _stacked(charts)),
    )


_FORECAST_REASONS = (
    "x_open_no_amount",
    "x_open_no_close_date",
    "x_open_overdue",
    "x_won_no_amount",
    "x_no_stage",
)


def _by_month(sheet: TabBuilder, rows: Sequence[tuple[Cell, ...]], locale: Locale) -> _Placed:
    """The total rows of the three months, as a small table the chart reads."""
    totals = [r for r in rows if r[1] == say("total", locale)][:3]
    body = [(r[0], r[2], r[3], r[4]) for r in totals]
    header = [say(k, locale) for k in ("month", "won_so_far", "commit", "best_case")]
    title, first, last = sheet.section(say("fc_by_month", locale), header, body)

    def chart(row: int, col: int) -> ChartSpec:
        series = tuple(Series(c, first, last, title_row=first - 1) for c in (1, 2, 3))
        return ChartSpec(say("chart_forecast", locale), "column", Series(0, first, last), series, row, col)

    return title, chart


def _changes(
    sheet: TabBuilder,
    histories: list[DealHistory],
    today: date,
    locale: Locale,
    pipeline: Pipeline,
    days: int,
) -> None:
    say_ch = pipeline_changes.say
    first, last = pipeline_changes.window(today, days)
    changes = pipeline_changes.deal_changes(histories, today, days, pipeline)
    sheet.add(say_ch("ch_title", locale, n=days, first=first.isoformat(), last=last.isoformat()))
    sheet.bold.append(sheet.next_row - 1)
    # a blank row under the heading: three bold rows in a row would read as a title over its header, the
    # section's own title taken for the header, and the table under it left without number formats
    sheet.add()
    by_owner = pipeline_changes.owner_rows(changes, locale) or [(say_ch("ch_none", locale),)]
    sheet.section(
        say_ch("ch_by_owner", locale),
        [say_ch(k, locale) for k in ("owner", "change", "deals", "amount")],
        by_owner,
    )
    keys = (
        "deal_id",
        "deal_name",
        "owner",
        "what",
        "stage_before",
        "stage_after",
        "amount_before",
        "amount_after",
        "close_before",
        "close_after",
        "pushes",
    )
    listed = pipeline_changes.deal_rows(changes, locale, pipeline) or [(say_ch("ch_none", locale),)]
    sheet.section(say_ch("ch_deals", locale), [say_ch(k, locale) for k in keys], listed)


def _funnel(
    sheet: TabBuilder,
    histories: list[DealHistory],
    today: date,
    locale: Locale,
    pipeline: Pipeline,
    since: date | None,
    excluded: Counter[str],
) -> _Placed:
    keys = (
        "stage",
        "entered",
        "moved_on",
        "lost",
        "moved_back",
        "still",
        "median_days",
        "p90_days",
        "conversion",
    )
    body = funnel.funnel_rows(histories, today, locale, pipeline, since, excluded)
    title, first, last = sheet.section(
        funnel.say("fn_title", locale), [funnel.say(k, locale) for k in keys], body
    )

    def chart(row: int, col: int) -> ChartSpec:
        series = (Series(1, first, last, title_row=first - 1), Series(2, first, last, title_row=first - 1))
        return ChartSpec(
            funnel.say("chart_funnel", locale), "column", Series(0, first, last), series, row, col
        )

    return title, chart


CHART_ROWS = 18  # rows a chart covers (as in reports/win_loss.py)


def _stacked(charts: list[_Placed]) -> list[_Placed]:
    placed: list[_Placed] = []
    free = 0
    for row, make in charts:
        row = max(row, free)
        placed.append((row, make))
        free = row + CHART_ROWS
    return placed
