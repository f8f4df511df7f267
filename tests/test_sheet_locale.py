"""The sheet's language is the one its tabs are named in: a run without --locale on a Japanese sheet works
in Japanese (never English copies of the generated tabs), and a --locale or config `locale` that
contradicts the sheet stops with exit 2, naming the option and the fix, before anything is written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sheets_schema.columns import ERRORS
from sheets_schema.tabs import GENERATED_TABS, INPUT_TABS
from sync.cli.main import main
from sync.config_file import load_config
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import initialise
from sync.service.loop import Service
from sync.stores.xlsx import XlsxStore
from tests.sheets import tab
from tests.stores import StoreMaker

TODAY = date(2026, 11, 30)
DEALS = [{"deal_name": "Acme", "stage": "提案", "owner": "Sato", "amount": "abc"}]


def ja_sheet() -> dict:
    return {spec.ja: tab(spec, *(DEALS if spec.key == "deals" else []), locale="ja") for spec in INPUT_TABS}


@pytest.fixture(params=["memory", "xlsx"])
def make(request, tmp_path) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, lambda: None)


def english_titles(store) -> set[str]:
    titles = set(store.read().tabs)
    return titles & ({t.en for t in GENERATED_TABS} | {s.en for s in INPUT_TABS})


def test_a_run_without_locale_on_a_japanese_sheet_stays_japanese(make):
    store, config = make(ja_sheet())
    run_cycle(store, config, TODAY)
    tabs = store.read().tabs
    assert english_titles(store) == set(), "no English copies"
    assert {t.ja for t in GENERATED_TABS if t.key != "sync_log"} <= set(tabs)
    deals = tabs["商談"].rows
    at = [str(h) for h in deals[0]].index(ERRORS.label("ja"))
    errors = [row[at] for row in deals[1:]]
    assert any("金額" in str(e) for e in errors), errors  # the Errors column speaks Japanese


def test_the_service_logs_into_the_japanese_sync_log(make, tmp_path):
    store, config = make(ja_sheet(), **{"service.backups_dir": str(tmp_path / "saved")})
    now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    Service(config, once=True, clock=lambda: now, open_store_=lambda _c: store).run_once()
    assert "同期ログ" in store.read().tabs and english_titles(store) == set()


def test_init_without_locale_on_a_japanese_sheet_adds_no_english_tabs(tmp_path):
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(ja_sheet())
    initialise(config)
    assert english_titles(store) == set()


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(args)
    return done.value.code, capsys.readouterr().err


def test_a_contradicting_locale_flag_stops_with_exit_2_and_says_how_to_fix_it(tmp_path, capsys):
    _store, config = StoreMaker("xlsx", tmp_path, lambda: None)(ja_sheet())
    before = config.store.path.read_bytes()
    code, err = run_cli(["run", "--workbook", str(config.store.path), "--locale", "en"], capsys)
    assert code == 2, err
    assert "--locale en" in err and "--locale ja" in err and "日本語" in err, err
    assert config.store.path.read_bytes() == before, "nothing written"


def test_a_contradicting_locale_in_the_config_file_names_the_file(tmp_path, capsys):
    _store, config = StoreMaker("xlsx", tmp_path, lambda: None)(ja_sheet())
    path = tmp_path / "sfa-sync.toml"
    path.write_text(
        f'locale = "en"\n[store]\nkind = "xlsx"\npath = "{config.store.path}"\n', encoding="utf-8"
    )
    code, err = run_cli(["check", "--config", str(path)], capsys)
    assert code == 2 and f"{path}: locale" in err, err


def test_a_new_workbook_takes_the_locale_asked_for(tmp_path):
    config = load_config(None, **{"store.path": str(tmp_path / "new.xlsx"), "locale": "ja"})
    initialise(config)
    assert {s.ja for s in INPUT_TABS} <= set(XlsxStore(config.store.path).read().tabs)
