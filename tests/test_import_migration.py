"""Bringing a team's history over from another CRM (issue 16): source ids kept and never duplicates of
each other, stages mapped with --value, the engage date kept as the deal's creation date through the next
cycles, deals linked to their lead by company, --map mistakes told up front, the report summarised."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rules.dedupe import normalize_company
from sheets_schema.tabs import DEALS
from sync.config_file import load_config
from sync.engine.analyse import read_book
from sync.engine.state.deals import read_deal_states
from sync.jobs.cycle import run_cycle
from sync.jobs.import_csv import ImportFileError, ImportReport, run_import
from tests.sheets import cell, memory_store

TODAY = date(2026, 11, 30)


def csv_file(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def imported(store, path: Path, what: str = "deals", **options) -> ImportReport:
    return run_import(store, load_config(None), what, path, TODAY, **options)


def deals_of(store) -> list:
    return [r.model for r in read_book(store.read(), load_config(None)).book.rows("deals")]


SAME_NAMES = (
    "opportunity_id,account,product,deal_stage,close_value\n"
    "1C1I7A6R,Cancity,GTX Plus Basic,Won,1054\n"
    "Z063OYW0,Cancity,GTX Plus Basic,Won,1044\n"
    "EC4QE1BX,Cancity,GTX Plus Basic,Won,1054\n"
)
DEAL_MAP = ("product=Deal name", "deal_stage=Stage", "close_value=Amount")


@pytest.mark.parametrize(
    "text, added, skipped",
    [
        (SAME_NAMES, 3, 0),  # distinct source ids: three deals, though company and name repeat
        (SAME_NAMES + "1C1I7A6R,Cancity,GTX Plus Basic,Won,1054\n", 3, 1),  # the same id twice: once
        (SAME_NAMES.replace("1C1I7A6R", "").replace("Z063OYW0", ""), 2, 1),  # no ids: company + name
    ],
)
def test_rows_with_different_source_ids_are_never_duplicates(tmp_path, text, added, skipped):
    store = memory_store()
    report = imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP, link=False)
    assert (len(report.added), len(report.duplicates), report.rejected) == (added, skipped, [])
    again = imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP, link=False)
    assert (len(again.added), len(deals_of(store))) == (0, added)


def test_the_source_id_is_the_deal_id(tmp_path):
    store = memory_store()
    imported(store, csv_file(tmp_path, SAME_NAMES), mapping=DEAL_MAP, link=False)
    assert [d.deal_id for d in deals_of(store)] == ["1C1I7A6R", "Z063OYW0", "EC4QE1BX"]


@pytest.mark.parametrize(
    "values, stages",
    [
        (("Stage:Engaging=Proposal", "Stage:Prospecting=Appointment"), ["proposal", "appointment", "won"]),
        (("ステージ:engaging=提案", "stage:PROSPECTING=appointment"), ["proposal", "appointment", "won"]),
    ],
)
def test_stage_values_of_the_other_crm_are_mapped(tmp_path, values, stages):
    text = "opportunity_id,account,product,deal_stage\nA1,X,P,Engaging\nA2,X,P,Prospecting\nA3,X,P,Won\n"
    store = memory_store()
    report = imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP[:2], values=values, link=False)
    assert report.rejected == []
    assert [d.stage for d in deals_of(store)] == stages


def test_an_unmapped_stage_is_still_rejected_with_its_line(tmp_path):
    text = "opportunity_id,account,product,deal_stage\nA1,X,P,Engaging\n"
    report = imported(memory_store(), csv_file(tmp_path, text), mapping=DEAL_MAP[:2])
    assert [line for line, _ in report.rejected] == [2]


@pytest.mark.parametrize(
    "values, message",
    [
        (("Stage=Proposal",), 'use "Column:CSV value=sheet value"'),
        (("Colour:red=Proposal",), "Colour"),
        (("Stage:Engaging=Closing soon",), "Closing soon"),  # not a stage of the pipeline
    ],
)
def test_a_wrong_value_option_is_told(tmp_path, values, message):
    text = "opportunity_id,account,product,deal_stage\nA1,X,P,Engaging\n"
    with pytest.raises(ImportFileError, match=message):
        imported(memory_store(), csv_file(tmp_path, text), mapping=DEAL_MAP[:2], values=values)


ENGAGED = (
    "opportunity_id,account,product,deal_stage,engage_date,close_date,close_value\n"
    "A1,X,P,Won,2016-10-20,2017-03-01,1054\n"
    "A2,X,P,Engaging,2017-06-01,,\n"
)


def test_the_engage_date_is_kept_as_created_on_through_the_next_cycles(tmp_path):
    store = memory_store()
    config = load_config(None)
    report = imported(
        store,
        csv_file(tmp_path, ENGAGED),
        mapping=(*DEAL_MAP, "engage_date=Created on"),
        values=("Stage:Engaging=Proposal",),
        link=False,
    )
    assert report.rejected == []
    assert "  Created on from the file (where each deal's history starts) 2" in report.lines()
    for day in (TODAY, date(2026, 12, 1)):
        run_cycle(store, config, day)
        assert [cell(store, DEALS, r, "created_on") for r in (1, 2)] == [date(2016, 10, 20), date(2017, 6, 1)]
    states = read_deal_states(store.read().tabs.get("_sfa_deals"))
    facts = {s.deal_id: s.facts for s in states.values()}
    assert facts["A1"].created_on == date(2016, 10, 20)  # what Win-Loss counts days to close from
    assert facts["A1"].closed_on == date(2017, 3, 1)
    assert facts["A2"].created_on == date(2017, 6, 1)


@pytest.mark.parametrize(
    "engaged, reason",
    [("2016-13-40", "Created on"), ("2027-01-05", "after today")],
)
def test_an_unreadable_or_future_created_on_is_rejected(tmp_path, engaged, reason):
    text = f"opportunity_id,account,product,deal_stage,engage_date\nA1,X,P,Won,{engaged}\n"
    report = imported(
        memory_store(), csv_file(tmp_path, text), mapping=(*DEAL_MAP[:2], "engage_date=Created on")
    )
    assert [line for line, _ in report.rejected] == [2]
    assert reason in report.rejected[0][1]


LEADS_ON_SHEET = [
    {"lead_id": "L-000001", "company": "Cancity"},
    {"lead_id": "L-000002", "company": "株式会社サンプル"},
    {"lead_id": "L-000003", "company": "Twin Corp"},
    {"lead_id": "L-000004", "company": "TWIN CORP"},
]


@pytest.mark.parametrize(
    "account, lead_id, outcome",
    [
        ("Cancity", "L-000001", "linked"),
        ("CANCITY Inc.", "L-000001", "linked"),  # case and legal form
        ("Cancity Ltd", "L-000001", "linked"),
        ("ｻﾝﾌﾟﾙ", "L-000002", "linked"),  # half-width katakana is folded
        ("サンプル株式会社", "L-000002", "linked"),
        ("Ｃａｎｃｉｔｙ", "L-000001", "linked"),  # full width
        ("Twin Corp", None, "ambiguous"),  # two leads of that company: told, not guessed
        ("Nobody", None, "unlinked"),
    ],
)
def test_deals_without_a_lead_id_are_linked_by_company(tmp_path, account, lead_id, outcome):
    store = memory_store(leads=LEADS_ON_SHEET)
    text = f"opportunity_id,account,product,deal_stage\nA1,{account},P,Won\n"
    report = imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP[:2])
    assert [d.lead_id for d in deals_of(store)] == [lead_id]
    assert [line for line, *_ in getattr(report, outcome)] == [2]
    if outcome == "ambiguous":
        assert "Leads row 4 (L-000003)" in "\n".join(report.lines())
        assert "Leads row 5 (L-000004)" in "\n".join(report.lines())


def test_a_lead_id_in_the_file_wins_over_the_company(tmp_path):
    store = memory_store(leads=LEADS_ON_SHEET)
    text = "opportunity_id,lead_id,account,product,deal_stage\nA1,L-000002,Cancity,P,Won\n"
    report = imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP[:2])
    assert ([d.lead_id for d in deals_of(store)], report.linked) == (["L-000002"], [])


def test_a_lead_without_an_id_yet_stops_the_import_before_anything_is_written(tmp_path):
    store = memory_store(leads=[{"company": "Cancity"}])
    text = "opportunity_id,account,product,deal_stage\nA1,Cancity,P,Won\n"
    with pytest.raises(ImportFileError, match="sfa-sync run"):
        imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP[:2])
    assert deals_of(store) == []


@pytest.mark.parametrize(
    "mapping, message",
    [
        (("Opportunity Owner=Owner",), "Opportunity Owner"),  # no such header in the file
        (("product=Colour",), "Colour"),  # no such column on the tab
        (("product=Health",), "Health"),  # a service column is not importable
    ],
)
def test_a_wrong_map_is_told_before_anything_is_written(tmp_path, mapping, message):
    store = memory_store()
    with pytest.raises(ImportFileError, match=message):
        imported(
            store, csv_file(tmp_path, SAME_NAMES), mapping=("product=Deal name", "deal_stage=Stage", *mapping)
        )
    assert deals_of(store) == []


def test_a_missing_map_header_is_told_in_japanese(tmp_path):
    store = memory_store(locale="ja")
    with pytest.raises(ImportFileError, match="CSV に「担当」という見出しがありません"):
        run_import(
            store,
            load_config(None, locale="ja"),
            "deals",
            csv_file(tmp_path, SAME_NAMES),
            TODAY,
            mapping=("product=商談名", "deal_stage=ステージ", "担当=担当者"),
        )


def test_long_lists_are_summarised(tmp_path):
    rows = "".join(f"A{i},Nobody{i},P,Won\n" for i in range(500))
    store = memory_store(leads=[{"lead_id": "L-000001", "company": "Cancity"}])
    report = imported(
        store, csv_file(tmp_path, "opportunity_id,account,product,deal_stage\n" + rows), mapping=DEAL_MAP[:2]
    )
    lines = report.lines()
    assert len(report.unlinked) == 500
    assert len(lines) < 30
    assert any("490 more" in line for line in lines), lines


def test_the_report_names_what_was_added_linked_and_skipped(tmp_path):
    store = memory_store(leads=[{"lead_id": "L-000001", "company": "Cancity"}])
    text = SAME_NAMES + "1C1I7A6R,Cancity,GTX Plus Basic,Won,1054\n"
    report = imported(store, csv_file(tmp_path, text), mapping=DEAL_MAP)
    said = "\n".join(report.lines())
    assert "added 3" in said and "linked to a lead by company 3" in said
    assert "line 5: duplicate (same deal id as CSV line 2)" in said


@pytest.mark.parametrize(
    "one, other, same",
    [
        ("Rodoco", "RODOCO Ltd", True),
        ("Acme", "Acme Inc.", True),
        ("Acme", "ACME, LLC", True),
        ("ABC", "ABC Co., Ltd.", True),
        ("サンプル", "株式会社サンプル", True),
        ("Incline", "Line", False),  # a legal form inside a word is part of the name
        ("Zinc", "Z", False),
        ("Corporate Bank", "orate Bank", False),
    ],
)
def test_companies_are_the_same_whatever_their_legal_form(one, other, same):
    assert (normalize_company(one) == normalize_company(other)) is same


CONFIGURED = """
[import.deals]
map = { product = "Deal name", deal_stage = "Stage", close_value = "Amount", engage_date = "Created on" }
values = { Stage = { Engaging = "Proposal", Prospecting = "Appointment" } }
"""


def test_the_mapping_can_live_in_the_config_and_an_option_adds_to_it(tmp_path):
    (tmp_path / "sfa-sync.toml").write_text(CONFIGURED, encoding="utf-8")
    config = load_config(tmp_path / "sfa-sync.toml")
    store = memory_store()
    text = (
        "opportunity_id,account,product,deal_stage,engage_date,close_value,stage2\n"
        "A1,X,P,Engaging,2017-01-05,,Won\n"
    )
    report = run_import(store, config, "deals", csv_file(tmp_path, text), TODAY, link=False)
    assert report.rejected == []
    assert [(d.deal_name, d.stage) for d in deals_of(store)] == [("P", "proposal")]
    assert cell(store, DEALS, 1, "created_on") == date(2017, 1, 5)
    later = run_import(  # the command line's --map wins over the config's for the same column
        memory_store(),
        config,
        "deals",
        csv_file(tmp_path, text),
        TODAY,
        mapping=("stage2=Stage", "deal_stage=Notes"),
        link=False,
    )
    assert later.rejected == []


@pytest.mark.parametrize(
    "table, message",
    [
        ('[import.deals]\nmap = { product = "Colour" }', "Colour"),
        ('[import.deals]\nvalues = { Stage = { Engaging = "Closing soon" } }', "Closing soon"),
    ],
)
def test_a_wrong_config_table_is_told(tmp_path, table, message):
    (tmp_path / "sfa-sync.toml").write_text(table, encoding="utf-8")
    config = load_config(tmp_path / "sfa-sync.toml")
    with pytest.raises(ImportFileError, match=message):
        run_import(memory_store(), config, "deals", csv_file(tmp_path, SAME_NAMES), TODAY)


@pytest.mark.parametrize(
    "text, added",
    [
        ("account,sector\nCancity,retail\nCANCITY Ltd,retail\nBetatech,medical\n", 2),  # accounts by name
        ("lead_id,account\nA-1,Cancity\nA-2,Cancity\n", 2),  # two accounts of the old CRM, one name
        ("lead_id,account\nA-1,Cancity\nA-1,Cancity Inc.\n", 1),
    ],
)
def test_accounts_imported_as_leads_are_added_once(tmp_path, text, added):
    store = memory_store()
    path = csv_file(tmp_path, text)
    first = imported(store, path, "leads", mapping=("sector=Industry",) if "sector" in text else ())
    assert (len(first.added), first.rejected) == (added, [])
    again = imported(store, path, "leads", mapping=("sector=Industry",) if "sector" in text else ())
    assert len(again.added) == 0
