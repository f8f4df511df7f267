"""What a tester found taking the migration journey (docs/migration.md): deals imported before their
accounts, deals closed before they were created, Japanese messages with English words, rows with too few
fields, and deals dated on the import day because the file had no creation date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sync.cli.main import main
from sync.config_file import load_config
from sync.engine.analyse import read_book
from sync.jobs.import_csv import ImportFileError, ImportReport, run_import
from sync.jobs.setup import initialise
from tests.sheets import memory_store

TODAY = date(2026, 11, 30)
DEAL_MAP = ("product=Deal name", "deal_stage=Stage", "close_value=Amount")


def csv_file(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def imported(store, path: Path, what: str = "deals", locale: str = "en", **options) -> ImportReport:
    return run_import(store, load_config(None, locale=locale), what, path, TODAY, **options)


def deals_of(store) -> list:
    return [r.model for r in read_book(store.read(), load_config(None)).book.rows("deals")]


NAMED = "opportunity_id,account,product,deal_stage\nA1,Cancity,P,Won\nA2,,P,Won\nA3,Betatech,P,Won\n"


# ------------------------------------------------------------- 1. deals before their accounts
@pytest.mark.parametrize(
    "locale, words",
    [
        ("en", ("sfa-sync import leads", "sfa-sync run", "--no-link", "nothing was written")),
        ("ja", ("sfa-sync import leads", "sfa-sync run", "--no-link", "何も書き込んでいません")),
    ],
)
def test_deals_naming_companies_stop_when_the_leads_tab_is_empty(tmp_path, locale, words):
    store = memory_store(locale=locale)
    mapping = DEAL_MAP[:2] if locale == "en" else ("product=商談名", "deal_stage=ステージ")
    with pytest.raises(ImportFileError) as stopped:
        imported(store, csv_file(tmp_path, NAMED), locale=locale, mapping=mapping)
    for word in words:
        assert word in str(stopped.value)
    assert store.read().tabs  # the store is still readable
    assert deals_of(store) == []


def test_no_link_imports_the_deals_without_linking_and_says_so(tmp_path):
    store = memory_store()
    report = imported(store, csv_file(tmp_path, NAMED), mapping=DEAL_MAP[:2], link=False)
    assert [d.deal_id for d in deals_of(store)] == ["A1", "A2", "A3"]
    assert [d.lead_id for d in deals_of(store)] == [None, None, None]
    said = "\n".join(report.lines())
    assert "not linked (--no-link) 2" in said and "no company 1" in said


def test_deals_without_companies_import_into_an_empty_leads_tab(tmp_path):
    text = "opportunity_id,account,product,deal_stage\nA1,,P,Won\n"
    store = memory_store()
    report = imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP[:2])
    assert len(report.added) == 1
    assert "no company 1" in "\n".join(report.lines())


def test_the_links_line_appears_whenever_a_deal_names_a_company(tmp_path):
    store = memory_store(leads=[{"lead_id": "L-000001"}])  # a lead, but of no company
    report = imported(store, csv_file(tmp_path, NAMED), mapping=DEAL_MAP[:2])
    said = "\n".join(report.lines())
    assert "linked to a lead by company 0" in said
    assert "not linked (no lead of that company) 2" in said
    assert "no company 1" in said


def sfa_sync(capsys, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    said = capsys.readouterr()
    return int(done.value.code or 0), said.out + said.err


def test_the_command_stops_with_exit_code_2_and_takes_no_link(tmp_path, capsys):
    workbook = tmp_path / "book.xlsx"
    initialise(load_config(None, **{"locale": "en", "store.kind": "xlsx", "store.path": str(workbook)}))
    path = csv_file(tmp_path, NAMED)
    args = (
        "import",
        "deals",
        str(path),
        "--workbook",
        str(workbook),
        "--map",
        DEAL_MAP[0],
        "--map",
        DEAL_MAP[1],
    )
    code, said = sfa_sync(capsys, *args)
    assert code == 2 and "--no-link" in said, said
    code, said = sfa_sync(capsys, *args, "--no-link")
    assert code == 0, said
    assert "added 3" in said and "no company 1" in said


# ------------------------------------------------------------- 2. closed before it was created
BACKWARDS = (
    "opportunity_id,account,product,deal_stage,engage_date,close_date\n"
    "A1,,P,Won,2017-01-05,2017-03-01\n"
    "A2,,P,Won,2017-06-10,2017-05-01\n"
    "A3,,P,Proposal,2017-06-10,2017-05-01\n"  # open: its close date is only expected
)


@pytest.mark.parametrize(
    "locale, mapping, said",
    [
        (
            "en",
            (*DEAL_MAP[:2], "engage_date=Created on"),
            "  line 3: closed on 2017-05-01, before it was created (2017-06-10): kept, left out of days to close",
        ),
        (
            "ja",
            ("product=商談名", "deal_stage=ステージ", "engage_date=作成日"),
            "  3 行目: 完了日 2017-05-01 が作成日 (2017-06-10) より前です: 取り込みましたが、完了までの日数には数えません",
        ),
    ],
)
def test_a_deal_closed_before_it_was_created_is_kept_and_told_by_line(tmp_path, locale, mapping, said):
    store = memory_store(locale=locale)
    report = imported(store, csv_file(tmp_path, BACKWARDS), locale=locale, mapping=mapping)
    assert (len(report.added), report.rejected) == (3, [])
    lines = report.lines()
    assert said in lines, lines
    assert sum("2017-05-01" in line for line in lines) == 1  # not the open deal


# ------------------------------------------------------------- 3. a Japanese sheet speaks Japanese
JA_MAP = ("product=商談名", "deal_stage=ステージ")


def test_missing_required_columns_are_told_in_japanese_with_the_unused_headers(tmp_path):
    text = "opportunity_id,account,product,deal_stage\nA1,X,P,Won\n"
    with pytest.raises(ImportFileError) as stopped:
        imported(memory_store(locale="ja"), csv_file(tmp_path, text), locale="ja")
    said = str(stopped.value)
    assert "商談名, ステージ" in said and "--map" in said
    assert "product, deal_stage" in said  # the headers left unused: what to --map
    assert "no column" not in said and "name the CSV header" not in said


def test_missing_required_columns_in_english_list_the_unused_headers(tmp_path):
    text = "opportunity_id,account,product,deal_stage\nA1,X,P,Won\n"
    with pytest.raises(ImportFileError, match="CSV headers not used: product, deal_stage"):
        imported(memory_store(), csv_file(tmp_path, text))


@pytest.mark.parametrize(
    "make, japanese",
    [
        (lambda tmp: tmp / "nothing-here.csv", "ファイルを読めません"),
        (lambda tmp: csv_file(tmp, ""), "ファイルが空です"),
    ],
)
def test_file_problems_are_told_in_japanese(tmp_path, make, japanese):
    with pytest.raises(ImportFileError) as stopped:
        imported(memory_store(locale="ja"), make(tmp_path), locale="ja", mapping=JA_MAP)
    assert japanese in str(stopped.value)
    assert "cannot read" not in str(stopped.value) and "is empty" not in str(stopped.value)


def test_places_in_a_japanese_report_are_japanese(tmp_path):
    store = memory_store(locale="ja", leads=[{"lead_id": "L-000001", "company": "Cancity"}])
    text = "opportunity_id,account,product,deal_stage\nA1,Cancity,P,Won\nA1,Cancity,P,Won\n"
    report = imported(store, csv_file(tmp_path, text), locale="ja", mapping=JA_MAP)
    said = "\n".join(report.lines())
    assert "  3 行目: 重複(CSV の 2 行目 と商談IDが同じ)" in said, said
    assert "  2 行目: リード 2 行目 (L-000001) に紐づけ" in said, said
    assert "CSV line" not in said and " row " not in said


# ------------------------------------------------------------- 5. too few fields, like too many
HEADER8 = "opportunity_id,account,product,deal_stage,agent,engage_date,close_date,close_value\n"


@pytest.mark.parametrize(
    "locale, mapping, said",
    [
        ("en", DEAL_MAP, "  line 3: rejected — 6 fields but the header has 8; check for a missing comma"),
        (
            "ja",
            ("product=商談名", "deal_stage=ステージ", "close_value=金額"),
            "  3 行目: 取り込めません — フィールドが 6 個しかありませんが、見出しは 8 個です。カンマが抜けていないか確かめてください",
        ),
    ],
)
def test_a_row_with_too_few_fields_is_told_like_one_with_too_many(tmp_path, locale, mapping, said):
    text = HEADER8 + "A1,,P,Won,Sato,2017-01-05,2017-03-01,100\n" + "A2,,P,Won,2017-01-05,100\n"
    report = imported(memory_store(locale=locale), csv_file(tmp_path, text), locale=locale, mapping=mapping)
    assert (report.added, [n for n, _ in report.rejected]) == ([2], [3])
    assert said in report.lines(), report.lines()


# ------------------------------------------------------------- 6. deals without a creation date
@pytest.mark.parametrize(
    "locale, mapping, said",
    [
        (
            "en",
            (*DEAL_MAP[:2], "engage_date=Created on"),
            "  no Created on in the file 2: the next `sfa-sync run` gives them the day it runs "
            "(today, if run now) as Created on",
        ),
        (
            "ja",
            ("product=商談名", "deal_stage=ステージ", "engage_date=作成日"),
            "  ファイルに作成日がない商談 2 件: 次の `sfa-sync run` が実行した日(今すぐなら今日)を作成日にします",
        ),
    ],
)
def test_deals_without_a_created_on_are_counted(tmp_path, locale, mapping, said):
    text = (
        "opportunity_id,account,product,deal_stage,engage_date\n"
        "A1,,P,Won,2017-01-05\nA2,,P,Proposal,\nA3,,P,Appointment,\n"
    )
    report = imported(memory_store(locale=locale), csv_file(tmp_path, text), locale=locale, mapping=mapping)
    assert len(report.added) == 3
    assert said in report.lines(), report.lines()


def test_a_file_without_the_column_counts_every_deal(tmp_path):
    report = imported(memory_store(), csv_file(tmp_path, NAMED), mapping=DEAL_MAP[:2], link=False)
    assert any(line.startswith("  no Created on in the file 3:") for line in report.lines())
