"""A required header renamed (Deals' "Stage" -> "Deal status") makes the cycle skip the tab. That must never
read as an all-clear: every generated tab that depends on it says so at the top, derived cells computed from
it keep their last values, and `init` says which header to rename instead of adding an empty required
column to a tab that has rows. On every store, en and ja."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sheets_schema.stages import Pipeline
from sheets_schema.tabs import DEALS, LEADS
from sync.engine.layout import header_fixes, plan_init
from sync.errors import SheetLayoutError
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import initialise
from tests.stores import StoreMaker, values
from tests.test_review import TEAM_ROWS, column, sheet, sheet_locale

DAY0 = date(2026, 11, 2)
LEAD = {"lead_id": "L-1", "company": "Acme", "assigned_caller": "Sato"}
DEAL = {"deal_id": "D-1", "lead_id": "L-1", "deal_name": "Acme", "owner": "Sato", "stage": "Proposal"}
GENERATED = {"en": ("Manager Review", "Reminders"), "ja": ("マネージャーレビュー", "リマインダー")}
RENAMED = {"en": "Deal status", "ja": "商談状況"}
NOTICE = {"en": "Not updated: the Deals tab was skipped", "ja": "未更新: 商談タブを読み込めませんでした"}


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def _rename_stage(store, locale: str) -> None:
    """A person renames the Stage header (in whichever language the sheet is) to RENAMED[locale]."""
    sheet_in = sheet_locale(store)
    header = [str(h) for h in values(store, DEALS.title(sheet_in))[0]]
    col = header.index(DEALS.column("stage").label(sheet_in))
    _type_header(store, DEALS.title(sheet_in), col, RENAMED[locale])


def _type_header(store, title: str, col: int, text: str) -> None:
    if hasattr(store, "edit"):
        store.edit(title, 0, col, text)
    elif hasattr(store, "path"):
        from openpyxl import load_workbook

        workbook = load_workbook(store.path)
        workbook[title].cell(1, col + 1).value = text
        workbook.save(store.path)
    else:
        store._emulator.person_set(store.spreadsheet_id, title, f"{chr(65 + col)}1", text)


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_renamed_required_header_never_reads_as_an_all_clear(make, locale):
    store, config = make(sheet(locale, team=TEAM_ROWS, leads=[LEAD], deals=[DEAL]), locale=locale)
    run_cycle(store, config, DAY0)
    assert column(store, LEADS, "deal_id") == ["D-1"]
    _rename_stage(store, locale)
    run_cycle(store, config, DAY0 + timedelta(days=1))
    for title in GENERATED[locale]:
        top = str(values(store, title)[0][0])
        assert NOTICE[locale] in top, (title, top)
    review = [str(v) for row in values(store, GENERATED[locale][0]) for v in row]
    assert not any("No deal needs attention" in v or "要対応の商談はありません" in v for v in review)
    assert column(store, LEADS, "deal_id") == ["D-1"], "a derived cell from a skipped tab keeps its value"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Deals: no 'Stage' column; rename 'Deal status' to 'Stage' (or ステージ)"),
        (
            "ja",
            "Deals: 「ステージ」列がありません。「商談状況」を「ステージ」(または Stage)に名前変更してください",
        ),
    ],
)
def test_init_names_the_header_to_rename_and_adds_no_empty_required_column(make, locale, expected):
    store, _config = make(sheet(team=TEAM_ROWS, leads=[LEAD], deals=[DEAL]))
    _rename_stage(store, locale)
    snapshot = store.read()
    changes = plan_init(snapshot, locale, Pipeline())
    assert not [c for c in changes.cells if c.tab == DEALS.en], "no header added to Deals, which has rows"
    assert header_fixes(snapshot, locale) == [expected]


def test_init_on_a_workbook_says_which_header_to_rename_and_leaves_the_tab_as_it_is(tmp_path):
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(sheet(team=TEAM_ROWS, deals=[DEAL]))
    _rename_stage(store, "en")
    before = values(store, DEALS.en)[0]
    with pytest.raises(SheetLayoutError, match="rename 'Deal status' to 'Stage'"):
        initialise(config)
    assert values(store, DEALS.en)[0] == before
