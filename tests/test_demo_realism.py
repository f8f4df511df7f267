"""The demo looks like a live team as of its `today`: measured on the workbook `sfa-sync demo` produces.

A manager opening it sees a review worth reading (about a quarter of the open deals flagged, not all of
them), tasks a few days late rather than months, a history that knows where lost deals were lost, and
a Win-Loss profile that names the segment the demo planted. The deliberate bad cells are still there.
"""

from __future__ import annotations

import statistics
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.labels import say
from sheets_schema.choices import TASK_STATUSES
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import DEAL_STATES, DEALS, INPUT_TABS, LEADS, TASKS, WIN_LOSS, TabSpec
from sync.config_file import load_config
from sync.demo.workbook import bad_cell_places
from sync.jobs.cycle import CycleReport
from sync.jobs.setup import make_demo

TODAYS = (date(2026, 11, 30), date(2026, 5, 20))
CASES = [(locale, today) for locale in ("en", "ja") for today in TODAYS]
_MADE: dict[tuple[str, date], tuple[Path, CycleReport]] = {}


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """Each demo is made once for the module (a demo and its cycle take seconds)."""

    def made(locale: str, today: date) -> tuple[Path, CycleReport]:
        if (locale, today) not in _MADE:
            path = tmp_path_factory.mktemp("demo") / f"demo-{locale}-{today}.xlsx"
            config = load_config(None, **{"locale": locale, "store.kind": "xlsx", "store.path": str(path)})
            _MADE[(locale, today)] = (path, make_demo(config, today=today))
        return _MADE[(locale, today)]

    return made


def tab_rows(path: Path, title: str) -> list[tuple]:
    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook[title].iter_rows(values_only=True))
    finally:
        workbook.close()


def column(rows: list[tuple], spec: TabSpec, key: str, locale: str) -> int:
    """Where the column `key` of `spec` is, by its header in the locale."""
    wanted = next(c for c in spec.columns if c.key == key).label(locale)  # type: ignore[arg-type]
    return list(rows[0]).index(wanted)


@pytest.mark.parametrize(("locale", "today"), CASES)
def test_about_a_quarter_of_open_deals_are_flagged(demos, locale, today):
    path, _ = demos(locale, today)
    rows = tab_rows(path, DEALS.title(locale))
    stage, health = column(rows, DEALS, "stage", locale), column(rows, DEALS, "health", locale)
    open_labels = {(s.ja if locale == "ja" else s.en) for s in Pipeline().stages if not s.closed}
    open_deals = [r for r in rows[1:] if r[stage] in open_labels]
    flagged = [r for r in open_deals if r[health]]
    assert len(open_deals) >= 50
    assert 0.20 <= len(flagged) / len(open_deals) <= 0.35, (len(flagged), len(open_deals))


@pytest.mark.parametrize(("locale", "today"), CASES)
def test_overdue_tasks_are_days_late_not_months(demos, locale, today):
    path, _ = demos(locale, today)
    rows = tab_rows(path, TASKS.title(locale))
    due, status = column(rows, TASKS, "due_date", locale), column(rows, TASKS, "status", locale)
    still_open = {TASK_STATUSES.get(k).label(locale) for k in ("open", "in_progress")}
    late = [
        (today - r[due].date()).days
        for r in rows[1:]
        if r[status] in still_open and hasattr(r[due], "date") and r[due].date() < today
    ]
    assert late, "a live team has a few tasks a little late"
    assert statistics.median(late) <= 7
    assert sum(days > 30 for days in late) <= len(late) // 5


@pytest.mark.parametrize(("locale", "today"), CASES)
def test_the_history_knows_the_stage_before_lost(demos, locale, today):
    path, _ = demos(locale, today)
    rows = tab_rows(path, DEAL_STATES.en)  # the hidden tab the next cycles and Win-Loss read
    stage, before = list(rows[0]).index("stage"), list(rows[0]).index("stage_before_close")
    open_stages = {s.key for s in Pipeline().stages if not s.closed}
    lost = [r for r in rows[1:] if r[stage] == "lost"]
    known = [r for r in lost if r[before] in open_stages]
    assert len(lost) >= 10
    assert len(known) / len(lost) >= 0.8


@pytest.mark.parametrize(("locale", "today"), CASES)
def test_the_ideal_lead_profile_names_the_planted_segment(demos, locale, today):
    path, _ = demos(locale, today)
    cells = [r[0] for r in tab_rows(path, WIN_LOSS.title(locale)) if r and r[0] is not None]
    heading = cells.index(say("wl_profile", locale, n=12))
    profile = cells[heading + 1]
    assert profile != say("no_profile", locale)
    assert ("Manufacturing" if locale == "en" else "製造業") in str(profile)


@pytest.mark.parametrize(("locale", "today"), CASES)
def test_lost_reasons_differ_by_industry(demos, locale, today):
    path, _ = demos(locale, today)
    deals = tab_rows(path, DEALS.title(locale))
    reason, lead_of = column(deals, DEALS, "lost_reason", locale), column(deals, DEALS, "lead_id", locale)
    leads = tab_rows(path, LEADS.title(locale))
    lead_id, industry = column(leads, LEADS, "lead_id", locale), column(leads, LEADS, "industry", locale)
    industry_of = {r[lead_id]: r[industry] for r in leads[1:]}
    top: dict[str, dict[str, int]] = {}
    for r in deals[1:]:
        if r[reason]:
            counts = top.setdefault(industry_of.get(r[lead_of]) or "", {})
            counts[r[reason]] = counts.get(r[reason], 0) + 1
    leaders = {max(c, key=lambda k: (c[k], k)) for c in top.values() if sum(c.values()) >= 3}
    assert len(leaders) >= 2  # not one reason everywhere


@pytest.mark.parametrize(("locale", "today"), CASES)
def test_the_deliberate_bad_cells_are_still_reported(demos, locale, today):
    _, report = demos(locale, today)
    reported = {(p.tab, p.row, p.message.code) for p in report.analysis.all_problems}
    titles = {spec.key: spec.title(locale) for spec in INPUT_TABS}
    places = bad_cell_places(locale, today)
    assert len(places) >= 5
    for bad in places:
        assert (titles[bad.tab], bad.row + 1, bad.code) in reported, bad
