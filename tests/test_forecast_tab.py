"""The Forecast tab in a real cycle on a small .xlsx workbook: written (with its chart) in the sheet's
language, built over the change log the earlier cycles kept, and a second cycle writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from sheets_schema.tabs import DEALS, FORECAST, TEAM
from sync.jobs.cycle import run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker, values

TODAY = date(2026, 11, 18)


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_cycle_writes_the_forecast_tab_and_a_second_writes_nothing(tmp_path, locale):
    deals = tab(
        DEALS,
        {
            "deal_id": "D-1",
            "deal_name": "A",
            "owner": "Aoki",
            "stage": "proposal",
            "amount": 1000,
            "close_date": date(2026, 11, 25),
        },
        {
            "deal_id": "D-2",
            "deal_name": "B",
            "owner": "Baba",
            "stage": "won",
            "amount": 500,
            "close_date": date(2026, 11, 10),
        },
        locale=locale,
    )
    team = tab(TEAM, {"name": "Aoki", "target": 2000}, {"name": "Baba"}, locale=locale)
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(
        {TEAM.title(locale): team, DEALS.title(locale): deals}, locale=locale
    )
    assert run_cycle(store, config, TODAY).wrote
    rows = values(store, FORECAST.title(locale))
    aoki = next(r for r in rows if len(r) > 1 and r[1] == "Aoki")
    assert aoki[2:9] == [0, 0, 1000, 400, 2000, 0, 2000]
    assert any(r and "Baba" in str(r[0]) for r in rows)  # no target for Baba, said in words
    assert not run_cycle(store, config, TODAY).wrote

    # a stage change is logged, and the next cycle lists it under what changed
    book = load_workbook(store.path)
    sheet = book[DEALS.title(locale)]
    sheet.cell(
        2, [c.key for c in DEALS.columns].index("stage") + 1, "negotiation" if locale == "en" else "交渉"
    )
    book.save(store.path)
    later = date(2026, 11, 30)  # D-1 was first seen (created) on 11-18: before this window
    assert run_cycle(store, config, later).wrote
    rows = values(store, FORECAST.title(locale))
    forward = "Moved forward" if locale == "en" else "前進"
    assert ["Aoki", forward, 1, 1000] in [r[:4] for r in rows]
    assert not run_cycle(store, config, later).wrote
    charts = load_workbook(store.path)[FORECAST.title(locale)]._charts
    assert len(charts) == 2
