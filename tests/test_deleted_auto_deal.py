"""A task whose deal the service created (appointment -> deal) and a person then deleted says so, and what
to do, in English and Japanese (issue 14, item 13) — rather than "deal … is not on the Deals tab"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sheets_schema.tabs import DEALS, INPUT_TABS, TASKS
from sync.core.config import Config
from sync.jobs.cycle import run_cycle
from sync.stores.memory import MemoryStore
from tests.sheets import cell, tab
from tests.test_review import APPOINTMENT, LEAD, TEAM_ROWS

DAY0 = date(2026, 11, 2)
DELETED = {
    "en": (
        "deal D-000001 was deleted from the Deals tab (the service created it from call C-1); restore its "
        "row from a backup (sfa-sync restore), or set this task's status to Cancelled"
    ),
    "ja": (
        "商談 D-000001 は商談タブから削除されています(通話 C-1 からサービスが作成した商談です)。"
        "バックアップから行を復元する(sfa-sync restore)か、このタスクのステータスを「キャンセル」にしてください"
    ),
}


def appointment_sheet(locale: str) -> MemoryStore:
    rows = {"team": TEAM_ROWS, "leads": [LEAD], "calls": [APPOINTMENT]}
    return MemoryStore({s.title(locale): tab(s, *rows.get(s.key, []), locale=locale) for s in INPUT_TABS})


def delete_deal_row(store: MemoryStore, locale: str) -> None:
    rows = store.tabs[DEALS.title(locale)].rows
    del rows[1:]  # a person deletes the row of the deal the service created
    store.version += 1


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_task_of_a_deleted_auto_deal_says_it_was_deleted_and_what_to_do(locale):
    store, config = appointment_sheet(locale), Config(locale=locale)
    run_cycle(store, config, DAY0)
    assert cell(store, TASKS, 1, "deal_id", locale) == "D-000001"
    delete_deal_row(store, locale)
    run_cycle(store, config, DAY0 + timedelta(days=1))
    assert DELETED[locale] in (cell(store, TASKS, 1, "errors", locale) or "")


def test_once_the_task_is_cancelled_the_message_goes():
    store, config = appointment_sheet("en"), Config()
    run_cycle(store, config, DAY0)
    delete_deal_row(store, "en")
    run_cycle(store, config, DAY0 + timedelta(days=1))
    status = [str(h) for h in store.tabs["Tasks"].rows[0]].index("Status")
    store.edit("Tasks", 1, status, "Cancelled")
    run_cycle(store, config, DAY0 + timedelta(days=2))
    assert not cell(store, TASKS, 1, "errors")


def test_a_deal_id_typed_wrong_still_says_check_the_deal_id():
    store, config = appointment_sheet("en"), Config()
    run_cycle(store, config, DAY0)
    deal_id = [str(h) for h in store.tabs["Tasks"].rows[0]].index("Deal ID")
    store.edit("Tasks", 1, deal_id, "D-999")
    run_cycle(store, config, DAY0 + timedelta(days=1))
    assert "deal D-999 is not on the Deals tab; check the deal id" in cell(store, TASKS, 1, "errors")
