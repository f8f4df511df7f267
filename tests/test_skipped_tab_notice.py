"""Where and how a generated tab says that an input tab it depends on was skipped (issue 14, item 8).

The notice goes on a row of its own above the tab's table (never over its title or header row), reads as one
sentence naming the tab, the header to fix and where, is written when a required tab is missing altogether
(renamed or deleted), and disappears once the tab is fixed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from sheets_schema.messages import Message
from sheets_schema.tabs import DEALS, LEADS, MANAGER_REVIEW, MARKETING_FEEDBACK, REMINDERS, WIN_LOSS
from sync.core.changes import OpenCells
from sync.core.snapshot import TabData
from sync.engine.analyse import held_content
from sync.jobs.cycle import run_cycle
from tests.stores import StoreMaker, values
from tests.test_review import TEAM_ROWS, column, sheet
from tests.test_skipped_tab_no_all_clear import DEAL, LEAD, _rename_stage

DAY0 = date(2026, 11, 2)
TASK = {
    "task_id": "T-1",
    "deal_id": "D-1",
    "title": "Call back",
    "owner": "Sato",
    "due_date": DAY0.isoformat(),
}
GENERATED = (MANAGER_REVIEW, REMINDERS, MARKETING_FEEDBACK, WIN_LOSS)
FIRST_CELL = {  # what each tab's first row starts with, when no notice is shown
    ("en", MANAGER_REVIEW.key): "Manager Review — ",
    ("ja", MANAGER_REVIEW.key): "マネージャーレビュー — ",
    ("en", REMINDERS.key): "Owner",
    ("ja", REMINDERS.key): "担当者",
}
RENAMED_NOTICE = {
    "en": "⚠ Not updated: the Deals tab was skipped because it has no 'Stage' column — rename the header "
    "'Deal status' to 'Stage' in row 1 of the Deals tab; until then this tab shows what it showed before.",
    "ja": "⚠ 未更新: 商談タブを読み込めませんでした。「ステージ」列がありません — 商談タブの1行目の見出し「商談状況」を"
    "「ステージ」に変更してください。それまでこのタブは前回の内容のままです。",
}
MISSING_NOTICE = (
    "⚠ Not updated: there is no Deals tab (renamed or deleted?) — name the tab 'Deals' again, or run "
    "`sfa-sync init` to create it; until then this tab shows what it showed before."
)
RENAMED_TAB_NOTICE = (  # the renamed tab still has the Deals columns: the notice names it
    "⚠ Not updated: there is no Deals tab, but the tab 'Deals old' has its columns — rename 'Deals old' to "
    "'Deals'; until then this tab shows what it showed before."
)
ALL_CLEAR = ("No deal needs attention", "要対応の商談はありません")


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def _first_cells(store, locale: str) -> dict[str, str]:
    return {tab.key: str(values(store, tab.title(locale))[0][0]) for tab in GENERATED}


def _rows(store, title: str) -> list[list]:
    """A tab's rows, trailing empty cells dropped (stores differ in how they pad)."""
    rows = [list(r) for r in values(store, title)]
    for row in rows:
        while row and row[-1] in (None, ""):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_notice_sits_above_the_tab_and_goes_when_the_header_is_fixed(make, locale):
    store, config = make(
        sheet(locale, team=TEAM_ROWS, leads=[LEAD], deals=[DEAL], tasks=[TASK]), locale=locale
    )
    run_cycle(store, config, DAY0)
    before = {tab.key: _rows(store, tab.title(locale)) for tab in GENERATED}
    _rename_stage(store, locale)
    for day in (1, 2):  # a second held cycle does not stack a second notice
        run_cycle(store, config, DAY0 + timedelta(days=day))
        for tab in GENERATED:
            rows = _rows(store, tab.title(locale))
            assert rows[0] == [RENAMED_NOTICE[locale]], (tab.key, rows[0])
            assert rows[1:] == before[tab.key], f"{tab.key}: title and header rows stay below the notice"
    _rename_back(store, locale)
    run_cycle(store, config, DAY0 + timedelta(days=3))
    firsts = _first_cells(store, locale)
    assert not [t for t, cell in firsts.items() if "⚠" in cell], firsts
    for (loc, key), start in FIRST_CELL.items():
        if loc == locale:
            assert firsts[key].startswith(start), (key, firsts[key])


def _rename_back(store, locale: str) -> None:
    from tests.test_skipped_tab_no_all_clear import RENAMED, _type_header

    header = [str(h) for h in values(store, DEALS.title(locale))[0]]
    _type_header(
        store, DEALS.title(locale), header.index(RENAMED[locale]), DEALS.column("stage").label(locale)
    )


def test_a_renamed_deals_tab_is_named_on_every_dependent_tab(make):
    store, config = make(sheet(team=TEAM_ROWS, leads=[LEAD], deals=[DEAL], tasks=[TASK]))
    run_cycle(store, config, DAY0)
    _rename_tab(store, DEALS.en, "Deals old")
    run_cycle(store, config, DAY0 + timedelta(days=1))
    for tab in GENERATED:
        rows = _rows(store, tab.en)
        assert rows[0] == [RENAMED_TAB_NOTICE], (tab.key, rows[0])
    review = [str(v) for row in values(store, MANAGER_REVIEW.en) for v in row]
    assert not any(text in v for v in review for text in ALL_CLEAR)
    assert column(store, LEADS, "deal_id") == ["D-1"], "the Leads tab's Deal ID keeps its value"


def _rename_tab(store, old: str, new: str) -> None:
    if hasattr(store, "path"):
        workbook = load_workbook(store.path)
        workbook[old].title = new
        workbook.save(store.path)
        return
    if hasattr(store, "spreadsheet_id"):  # a person renames the tab in the Sheets UI
        emulator = store._emulator
        with emulator.state.lock:
            emulator.spreadsheet(store.spreadsheet_id).by_title(old).props["title"] = new
        return
    tab = store.tabs.pop(old)
    store.tabs[new] = TabData(new, tab.rows)
    store.version += 1


@pytest.mark.parametrize(
    ("first_row", "expected"),
    [
        (["Manager Review — 2026-11-02"], (OpenCells(4, 9, 6, 8), OpenCells(12, None, 6, 8))),
        ([RENAMED_NOTICE["en"]], (OpenCells(3, 8, 6, 8), OpenCells(11, None, 6, 8))),
    ],
    ids=["first held cycle: rows move down one", "held again: rows stay"],
)
def test_the_decision_cells_stay_open_where_their_rows_go(first_row, expected):
    """On Google the Manager Review is protected but for its Decision and Manager note cells: while the
    tab is held, managers can still type there, on the rows under the notice."""
    current = TabData(
        MANAGER_REVIEW.en,
        [first_row, ["Deal ID"], ["D-1"]],
        open_cells=(OpenCells(3, 8, 6, 8), OpenCells(11, None, 6, 8)),
    )
    why = {"deals": [Message("held_missing_tab", {"tab": "Deals"})]}
    held = held_content(current, MANAGER_REVIEW.en, ["deals"], why, "en")
    assert held.rows[0] == (MISSING_NOTICE,)
    assert held.open_cells == expected
