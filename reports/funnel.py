"""The funnel per open stage (the Forecast tab's fourth section): where deals leak, and how long they wait.

Pure: deal histories in, rows out. Every stay of a deal in a stage counts (a deal moved back and forward
again enters the stage twice). A stay ends by moving on (to a later stage, won included), by being lost,
or by moving back (to an earlier open stage); or it goes on (still there). So entered = moved on + lost +
moved back + still there. Days in stage are over the stays that ended and whose start the history saw
(the first stay of a deal the service met already under way has no known start). Conversion = moved on /
the stays that ended.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import date

from reports.deal_history import DealHistory, Spell
from reports.stats import median, percent
from reports.table import Cell
from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue
from sheets_schema.stages import Pipeline, Stage

FUNNEL_LABELS: dict[str, tuple[str, str]] = {
    "fn_title": ("Funnel by stage (all the history)", "ステージ別ファネル(全履歴)"),
    "stage": ("Stage", "ステージ"),
    "entered": ("Entered", "流入"),
    "moved_on": ("Moved on", "次へ進んだ"),
    "lost": ("Lost from it", "ここで失注"),
    "moved_back": ("Moved back", "後退"),
    "still": ("Still there", "滞留中"),
    "median_days": ("Median days in stage", "滞留日数(中央値)"),
    "p90_days": ("90th percentile days in stage", "滞留日数(90パーセンタイル)"),
    "conversion": ("Conversion to a later stage (%)", "次ステージへの転換率(%)"),
    "chart_funnel": ("Deals entering and moving on, by stage", "ステージ別 流入と前進"),
    "x_unknown_start": (
        "stays in a stage whose start the history did not see (not in days in stage)",
        "開始日が履歴にない滞留(滞留日数に不算入)",
    ),
    "x_left_unknown": (
        "stays that ended in a stage no longer in the pipeline (not in the funnel)",
        "パイプラインにないステージへ移った滞留(ファネルに不算入)",
    ),
}
say = Catalogue(FUNNEL_LABELS).say


def funnel_rows(
    histories: Sequence[DealHistory],
    today: date,
    locale: Locale,
    pipeline: Pipeline,
    since: date | None,
    excluded: Counter[str],
) -> list[tuple[Cell, ...]]:
    """(stage, entered, moved on, lost, moved back, still there, median days, 90th percentile days,
    conversion %) per open stage, in pipeline order."""
    spells = [s for h in histories for s in h.spells(since) if s.end is None or s.end <= today]
    rows: list[tuple[Cell, ...]] = []
    for stage in (s for s in pipeline.stages if not s.closed):
        outcomes: Counter[str] = Counter()
        days = []
        for spell in (s for s in spells if s.stage == stage.key):
            outcome = _outcome(spell, stage, pipeline)
            if outcome is None:
                excluded["x_left_unknown"] += 1
                continue
            outcomes[outcome] += 1
            if outcome != "still":
                if spell.start is None or spell.end is None:
                    excluded["x_unknown_start"] += 1
                else:
                    days.append(max((spell.end - spell.start).days, 0))
        ended = outcomes["moved_on"] + outcomes["lost"] + outcomes["moved_back"]
        rows.append(
            (
                stage.ja if locale == "ja" else stage.en,
                sum(outcomes.values()),
                outcomes["moved_on"],
                outcomes["lost"],
                outcomes["moved_back"],
                outcomes["still"],
                median(days),
                percentile_90(days),
                percent(outcomes["moved_on"], ended),
            )
        )
    return rows


def _outcome(spell: Spell, stage: Stage, pipeline: Pipeline) -> str | None:
    if spell.end is None:
        return "still"
    after = pipeline.find(spell.next_stage)
    if after is None:
        return None
    if after.lost:
        return "lost"
    order = [s.key for s in pipeline.stages]
    return "moved_on" if after.won or order.index(after.key) > order.index(stage.key) else "moved_back"


def percentile_90(values: Sequence[float]) -> float | None:
    """The 90th percentile, interpolated between the nearest ranks (as numpy and pandas do by default),
    rounded to one decimal; None when there is nothing to take it of."""
    if not values:
        return None
    if len(values) == 1:
        return round(float(values[0]), 1)
    return round(statistics.quantiles(values, n=10, method="inclusive")[8], 1)
