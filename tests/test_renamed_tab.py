"""A renamed input tab is found by its columns, and following the service's advice never wipes the view
(issue 14, item 8; found by the try-out: renaming Deals, then running the `init` the run suggested,
created an empty Deals tab, after which Manager Review said "No deal needs attention" and every lead's
Deal ID was cleared)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sheets_schema.tabs import DEALS, LEADS, MANAGER_REVIEW
from sync.engine.analyse import read_book
from sync.engine.layout import header_fixes, plan_init
from sync.jobs.cycle import run_cycle
from tests.stores import StoreMaker, values
from tests.test_review import TEAM_ROWS, sheet
from tests.test_skipped_tab_no_all_clear import DEAL, LEAD
from tests.test_skipped_tab_notice import ALL_CLEAR, _rename_tab

DAY0 = date(2026, 11, 2)
RENAMED = {"en": "Deals 2026", "ja": "商談2026"}


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def _synced(make, locale):
    store, config = make(sheet(locale, team=TEAM_ROWS, leads=[LEAD], deals=[DEAL]), locale=locale)
    run_cycle(store, config, DAY0)
    _rename_tab(store, DEALS.title(locale), RENAMED[locale])
    return store, config


def _lead_deal_ids(store, locale) -> list:
    grid = values(store, LEADS.title(locale))
    col = [str(h) for h in grid[0]].index(LEADS.column("deal_id").label(locale))
    return [(row[col] if col < len(row) else None) for row in grid[1:]]


def _review_text(store, locale) -> list[str]:
    return [str(v) for row in values(store, MANAGER_REVIEW.title(locale)) for v in row if v not in (None, "")]


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_run_names_the_renamed_tab_and_init_creates_no_empty_one(make, locale):
    store, config = _synced(make, locale)
    report = run_cycle(store, config, DAY0 + timedelta(days=1))
    said = [p.render(locale) for p in report.analysis.all_problems]
    assert any(RENAMED[locale] in text and DEALS.title(locale) in text for text in said), said
    snapshot = store.read()
    changes = plan_init(snapshot, locale, config.pipeline.to_pipeline())
    assert DEALS.title(locale) not in changes.new_tabs  # no empty Deals beside the real one
    fixes = header_fixes(snapshot, locale)
    assert len(fixes) == 1 and RENAMED[locale] in fixes[0] and DEALS.title(locale) in fixes[0], fixes


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_an_empty_deals_tab_beside_the_renamed_one_is_not_read_as_no_deals(make, locale):
    store, config = _synced(make, locale)
    deal_ids = _lead_deal_ids(store, locale)
    assert deal_ids == ["D-1"]
    # what the old `init` did, and what a person might do by hand: a Deals tab with only its header
    store.write(_empty_deals_tab(config, locale))
    report = run_cycle(store, config, DAY0 + timedelta(days=1))
    review = _review_text(store, locale)
    assert not any(text in v for v in review for text in ALL_CLEAR), review
    assert review[0].startswith("⚠") and RENAMED[locale] in review[0], review[0]
    assert _lead_deal_ids(store, locale) == deal_ids, "the leads keep their Deal ID"
    assert "deals" in read_book(store.read(), config).skipped
    assert any(RENAMED[locale] in p.render(locale) for p in report.analysis.all_problems)


def _empty_deals_tab(config, locale):
    from sync.core.changes import CellWrite, ChangeSet

    title = DEALS.title(locale)
    cells = [CellWrite(title, 0, i, c.label(locale)) for i, c in enumerate(DEALS.columns)]
    return ChangeSet(new_tabs=[title], cells=cells)


def test_init_on_xlsx_stops_and_says_which_tab_to_rename(tmp_path, emulator):
    from sync.errors import SheetLayoutError
    from sync.jobs.setup import initialise

    store, config = StoreMaker("xlsx", tmp_path, emulator)(sheet(team=TEAM_ROWS, leads=[LEAD], deals=[DEAL]))
    run_cycle(store, config, DAY0)
    _rename_tab(store, DEALS.en, RENAMED["en"])
    with pytest.raises(SheetLayoutError, match="rename it to 'Deals'"):
        initialise(config)
    assert DEALS.en not in store.read().tabs


@pytest.mark.parametrize(
    ("change", "advice", "not_said"),
    [
        ("rename_tab", "rename it to 'Deals'", "run `sfa-sync init` to create it"),
        ("rename_header", "rename 'Deal status' to 'Stage'", "run sfa-sync init, or put the header back"),
    ],
)
def test_doctor_gives_the_advice_that_works(tmp_path, emulator, change, advice, not_said):
    from sync.jobs.doctor import run_doctor
    from tests.test_skipped_tab_no_all_clear import _rename_stage

    store, config = StoreMaker("xlsx", tmp_path, emulator)(sheet(team=TEAM_ROWS, leads=[LEAD], deals=[DEAL]))
    run_cycle(store, config, DAY0)
    if change == "rename_tab":
        _rename_tab(store, DEALS.en, RENAMED["en"])
    else:
        _rename_stage(store, "en")
    lines, code = run_doctor(lambda: config)
    said = "\n".join(lines)
    assert code == 7 and advice in said and not_said not in said, said
