"""The Forecast tab in a real cycle on a small sheet, on both stores (a real .xlsx file, Google over the
local emulator): written (with its charts) in the sheet's language, built over the change log the earlier
cycles kept, and a second cycle writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from sheets_schema.tabs import DEALS, FORECAST, TEAM
from sync.jobs.cycle import run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker, values

TODAY = date(2026, 11, 18)


def _put(store, title: str, row: int, col: int, value: object) -> None:
    """A person types into a cell (0-based row and column), on whichever store."""
    if hasattr(store, "path"):
        workbook = load_workbook(store.path)
        workbook[title].cell(row + 1, col + 1).value = value
        workbook.save(store.path)
    else:
        store._emulator.person_set(store.spreadsheet_id, title, f"{chr(65 + col)}{row + 1}", value)


@pytest.mark.parametrize("kind", ["xlsx", "google"])
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_cycle_writes_the_forecast_tab_and_a_second_writes_nothing(tmp_path, emulator, kind, locale):
    deals = tab(
        DEALS,
        {
            "deal_id": "D-1",
            "deal_name": "A",
            "owner": "Aoki",
            "stage": "proposal",
            "amount": 1000,
            "close_date": "2026-11-25",
        },
        {
            "deal_id": "D-2",
            "deal_name": "B",
            "owner": "Baba",
            "stage": "won",
            "amount": 500,
            "close_date": "2026-11-10",
        },
        locale=locale,
    )
    team = tab(TEAM, {"name": "Aoki", "target": 2000}, {"name": "Baba"}, locale=locale)
    store, config = StoreMaker(kind, tmp_path, emulator)(
        {TEAM.title(locale): team, DEALS.title(locale): deals}, locale=locale
    )
    assert run_cycle(store, config, TODAY).wrote
    rows = values(store, FORECAST.title(locale))
    aoki = next(r for r in rows if len(r) > 1 and r[1] == "Aoki")
    assert aoki[2:9] == [0, 0, 1000, 400, 2000, 0, 2000]
    assert any(r and "Baba" in str(r[0]) for r in rows)  # no target for Baba, said in words
    assert not run_cycle(store, config, TODAY).wrote

    # the changes are logged, and the next cycle lists them under what changed; a cycle after that reads
    # them back from the hidden log (each value by its type, on each store) and writes nothing
    columns = [c.key for c in DEALS.columns]
    _put(store, DEALS.title(locale), 1, columns.index("stage"), "negotiation" if locale == "en" else "交渉")
    _put(store, DEALS.title(locale), 1, columns.index("amount"), 1200)
    _put(store, DEALS.title(locale), 1, columns.index("close_date"), "2026-12-05")
    later = date(2026, 11, 30)  # D-1 was first seen (created) on 11-18: before this window
    assert run_cycle(store, config, later).wrote
    rows = [r[:4] for r in values(store, FORECAST.title(locale))]
    en = ("Moved forward", "Close date pushed", "Amount up")
    forward, pushed, up = en if locale == "en" else ("前進", "完了予定日の延期", "金額増")
    assert ["Aoki", forward, 1, 1200] in rows
    assert ["Aoki", pushed, 1, 1200] in rows
    assert ["Aoki", up, 1, 200] in rows
    assert not run_cycle(store, config, later).wrote
    if kind == "xlsx":  # on Google, the addChart requests are checked against the API schema by the emulator
        assert len(load_workbook(store.path)[FORECAST.title(locale)]._charts) == 2
