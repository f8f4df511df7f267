"""The demo's Forecast tab has something to say in each of its four sections, in both languages and on
both local stores: six past months whose forecast and wins are both there, stage probabilities judged
from enough closed deals, a week with every kind of change, and days in stage for every open stage.

The figures are checked against the demo's own Deals rows and hidden history, not only for presence:
what the accuracy table says was won in a month is what the Deals tab says was won then, and the week's
list holds exactly the deals the history says changed."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports import funnel, pipeline_changes
from reports.forecast import say
from reports.stats import month_label
from sheets_schema.parsing import CellParseError, parse_amount
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import DEAL_EVENTS, DEAL_STATES, DEALS, FORECAST
from sync.config_file import load_config
from sync.engine.layout import plan_init
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import fill_demo, make_demo
from sync.stores.memory import MemoryStore

TODAY = date(2026, 11, 30)
pytestmark = pytest.mark.heavy  # demos built on a fixed day: not rerun under the shifted clock
CASES = [(locale, kind) for locale in ("en", "ja") for kind in ("memory", "xlsx")]
_MADE: dict[tuple[str, str], dict[str, list[list]]] = {}
PIPELINE = Pipeline()
OPEN = [s for s in PIPELINE.stages if not s.closed]


def _tabs_of_xlsx(path: Path) -> dict[str, list[list]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}
    finally:
        workbook.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Each demo is made once for the module, as `sfa-sync demo` makes it (init, rows, history, a cycle)."""

    def made(locale: str, kind: str) -> dict[str, list[list]]:
        if (locale, kind) not in _MADE:
            if kind == "xlsx":
                path = tmp_path_factory.mktemp("demo") / f"demo-{locale}.xlsx"
                config = load_config(None, **{"locale": locale, "store.path": str(path)})
                make_demo(config, today=TODAY)
                _MADE[(locale, kind)] = _tabs_of_xlsx(path)
            else:
                config = load_config(None, locale=locale)
                store = MemoryStore({})
                store.write(plan_init(store.read(), locale, PIPELINE))
                fill_demo(store, config, TODAY)
                run_cycle(store, config, TODAY)
                _MADE[(locale, kind)] = {title: tab.rows for title, tab in store.read().tabs.items()}
        return _MADE[(locale, kind)]

    return made


def _section(rows: list[list], title: str) -> list[list]:
    """The body of the table under `title` (its header row left out), up to the blank row after it."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == title)
    body = []
    for row in rows[start + 2 :]:
        if not row or all(c is None or c == "" for c in row):
            break
        body.append(row)
    return body


def _cell(row: list, i: int) -> object:
    return row[i] if i < len(row) else None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _amount(value: object) -> float | None:
    try:
        return parse_amount(value)
    except CellParseError:
        return None


def _deals(tabs: dict[str, list[list]], locale: str) -> list[dict[str, object]]:
    """The Deals rows by column key (first row of a repeated id only, as the history keeps them)."""
    rows = tabs[DEALS.title(locale)]
    header = [str(h) if h is not None else "" for h in rows[0]]
    places = {c.key: header.index(c.label(locale)) for c in DEALS.columns if c.label(locale) in header}  # type: ignore[arg-type]
    seen, out = set(), []
    for row in rows[1:]:
        record = {key: _cell(row, i) for key, i in places.items()}
        if record["deal_id"] and record["deal_id"] not in seen:
            seen.add(record["deal_id"])
            out.append(record)
    return out


def _label(key: str, locale: str) -> str:
    stage = PIPELINE.find(key)
    assert stage is not None
    return stage.ja if locale == "ja" else stage.en


@pytest.mark.parametrize(("locale", "kind"), CASES)
def test_six_past_months_have_a_forecast_and_wins(demo, locale, kind):
    tabs = demo(locale, kind)
    body = _section(tabs[FORECAST.title(locale)], say("fc_accuracy", locale))
    full = [r for r in body if (r[1] or 0) > 0 and (r[3] or 0) > 0]
    assert len(full) >= 6, body


@pytest.mark.parametrize(("locale", "kind"), CASES)
def test_won_in_each_month_is_what_the_deals_tab_says_was_won_then(demo, locale, kind):
    tabs = demo(locale, kind)
    won: Counter[str] = Counter()
    for deal in _deals(tabs, locale):
        close, amount = _day(deal["close_date"]), _amount(deal["amount"])
        if deal["stage"] == _label("won", locale) and close and amount:
            won[month_label(close.replace(day=1))] += amount
    body = _section(tabs[FORECAST.title(locale)], say("fc_accuracy", locale))
    assert {r[0]: r[3] for r in body} == {r[0]: won[r[0]] for r in body}


@pytest.mark.parametrize(("locale", "kind"), CASES)
def test_three_stages_or_more_have_a_calibrated_share(demo, locale, kind):
    tabs = demo(locale, kind)
    body = _section(tabs[FORECAST.title(locale)], say("fc_calibration", locale))
    judged = [r for r in body if r[4] is not None and not _cell(r, 7)]
    assert len(judged) >= 3, body
    for row in judged:  # closed deals, won, share and its interval agree with each other
        assert 0 <= row[3] <= row[2] and row[5] <= row[4] <= row[6]
        assert row[4] == round(100 * row[3] / row[2], 1)


@pytest.mark.parametrize(("locale", "kind"), CASES)
def test_the_week_holds_every_kind_of_change(demo, locale, kind):
    tabs = demo(locale, kind)
    rows = tabs[FORECAST.title(locale)]
    by_owner = _section(rows, pipeline_changes.say("ch_by_owner", locale))
    totals = {r[1]: r[2] for r in by_owner if r[0] == pipeline_changes.say("total", locale)}
    kinds = ("created", "forward", "back", "won", "lost", "pushed", "pulled_in", "amount_up", "amount_down")
    for kind_key in kinds:
        assert totals.get(pipeline_changes.say(kind_key, locale), 0) >= 1, (kind_key, totals)
    listed = _section(rows, pipeline_changes.say("ch_deals", locale))
    assert sum(totals.values()) == sum(len(str(r[3]).split(", ")) for r in listed)
    assert any(r[10] == 2 for r in listed)  # a close date pushed twice in the week: one push, two counted


@pytest.mark.parametrize(("locale", "kind"), CASES)
def test_the_week_lists_the_deals_the_history_saw_change(demo, locale, kind):
    """Every deal with a change logged in the week, or created in it, is listed (unless the changes undo
    each other), and no other."""
    tabs = demo(locale, kind)
    first = TODAY - timedelta(days=6)
    events = tabs[DEAL_EVENTS.en][1:]
    changed = {r[1] for r in events if first <= _day(r[0]) <= TODAY}  # type: ignore[operator]
    states = tabs[DEAL_STATES.en]
    created_at = states[0].index("created_on")
    created = {r[0] for r in states[1:] if (day := _day(r[created_at])) and first <= day <= TODAY}
    listed = {r[0] for r in _section(tabs[FORECAST.title(locale)], pipeline_changes.say("ch_deals", locale))}
    assert listed <= changed | created
    assert created <= listed
    assert len(listed) >= len(changed | created) - 2  # a move there and back again in the week is no change


@pytest.mark.parametrize(("locale", "kind"), CASES)
def test_every_open_stage_has_days_in_stage(demo, locale, kind):
    tabs = demo(locale, kind)
    body = _section(tabs[FORECAST.title(locale)], funnel.say("fn_title", locale))
    assert [r[0] for r in body] == [_label(s.key, locale) for s in OPEN]
    for row in body:
        entered, moved_on, lost, back, still = row[1:6]
        assert entered == moved_on + lost + back + still
        assert row[6] is not None and row[7] is not None and row[6] <= row[7], row
        assert row[8] is not None
    assert sum(r[4] for r in body) >= 3  # deals moved back: the history is not one straight line
