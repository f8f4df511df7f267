"""A close date changed through an unreadable value (12/5 -> 2026年12月35日 -> 12/25) is still a push: the
history compares with the last valid value. While the cell cannot be read, Health names it, rather than
saying the deal has no close date. On every store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sheets_schema.tabs import DEALS
from sync.jobs.cycle import run_cycle
from tests.stores import StoreMaker
from tests.test_review import TEAM_ROWS, deal_cell, set_cell, sheet

DAY0 = date(2026, 11, 2)
OPEN_TASK = {"deal_id": "D-1", "title": "Call", "owner": "Sato", "due_date": "2026-12-20"}


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


DEAL = {"deal_id": "D-1", "deal_name": "Acme", "owner": "Sato", "stage": "Proposal", "amount": 100}


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_close_date_pushed_through_an_unreadable_value_counts_and_health_names_the_cell(make, locale):
    rows = sheet(locale, team=TEAM_ROWS, deals=[{**DEAL, "close_date": "2026-12-05"}], tasks=[OPEN_TASK])
    store, config = make(rows, locale=locale)
    run_cycle(store, config, DAY0)
    set_cell(store, DEALS, 1, "close_date", "2026年12月35日")
    run_cycle(store, config, DAY0 + timedelta(days=1))
    health = deal_cell(store, 1, "health") or ""
    col = chr(65 + [c.key for c in DEALS.columns].index("close_date"))
    if locale == "en":
        assert "no close date" not in health
        assert f"close date in {col}2 cannot be read" in health
    else:
        assert "完了予定日が未入力" not in health
        assert f"完了予定日({col}2)が読み取れません" in health
    assert deal_cell(store, 1, "close_date_pushes") == 0
    set_cell(store, DEALS, 1, "close_date", "2026-12-25")
    run_cycle(store, config, DAY0 + timedelta(days=2))
    assert deal_cell(store, 1, "close_date_pushes") == 1, "12/5 -> 12/25 is a push"
