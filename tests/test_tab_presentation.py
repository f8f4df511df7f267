"""The generated tabs look the same on both stores: amounts in the configured currency, rates with a %,
counts as whole numbers, dates as dates, widths fitted to the content, the main table's header frozen,
the Decision a dropdown that still takes other text, flagged rows coloured by severity, printed landscape
one page wide (xlsx). The look follows the rows when a patch moves them, and a quiet cycle writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from reports.presentation import (
    CURRENCY_FORMATS,
    MAX_WIDTH,
    MIN_WIDTH,
    RATE_FORMAT,
    SEVERITY_FILLS,
    SEVERITY_FORMAT,
    decision_options,
    find_tables,
    present,
    text_width,
)
from reports.table import Report
from sheets_schema.tabs import DEALS, TASKS, TEAM
from sync.config_file import load_config
from sync.errors import ConfigError
from sync.jobs.cycle import run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker

TODAY = date(2026, 11, 30)
DECISIONS = ("keep", "push close date", "close as lost", "reassign")
TEAM_ROWS = [
    {"name": "Sato", "email": "sato@example.com", "role": "Rep", "active": True},
    {"name": "山田太郎", "email": "yamada@example.com", "role": "Rep", "active": True},
]


def deal(deal_id: str, amount: int, **more: Any) -> dict[str, Any]:
    """An open deal (dates as typed: ISO text)."""
    return {
        "deal_id": deal_id,
        "deal_name": f"Deal {deal_id}",
        "company": "Acme",
        "owner": "Sato",
        "stage": "Proposal",
        "amount": amount,
        "close_date": "2027-03-31",
        **more,
    }


DEAL_ROWS = [
    deal("D-1", 7_020_000, owner=None),  # no owner: severity 4 (high)
    deal("D-2", 3_000_000, close_date="2026-11-01"),  # close date passed: 3 (medium)
    deal("D-3", 1_500_000),  # no next task only: 2 (low)
    deal("D-4", 900_000, owner="山田太郎"),
]
TASK_ROWS = [
    {"task_id": "T-1", "deal_id": "D-4", "type": "Follow-up", "title": "Call back", "owner": "山田太郎",
     "due_date": "2026-11-28", "status": "Open"},
    {"task_id": "T-2", "deal_id": "D-2", "type": "Follow-up", "title": "Visit", "owner": "Sato",
     "due_date": "2026-12-15", "status": "Open"},
]  # fmt: skip


def grids(deals: list[dict[str, Any]] = DEAL_ROWS) -> dict[str, list[list[Any]]]:
    return {
        TEAM.en: tab(TEAM, *TEAM_ROWS),
        DEALS.en: tab(DEALS, *deals),
        TASKS.en: tab(TASKS, *TASK_ROWS),
    }


# ------------------------------------------------------------------------------ the look, pure
REVIEW = Report(
    (
        ("Manager Review — 2026-11-30",),
        (),
        ("Pipeline by owner",),
        ("Owner", "Open deals", "Pipeline amount", "Weighted pipeline"),
        ("Sato", 3, 11_520_000, 4_608_000.5),
        (),
        ("Deals that need attention (most severe first)",),
        ("Deal ID", "Deal", "Amount", "Close date", "Severity", "Flags", "Decision", "Manager note"),
        ("D-1", "受注見込みの大型案件", 7_020_000, date(2026, 10, 1), 4, "no owner; " * 12, None, None),
        ("D-2", "Beta", 3_000_000, date(2026, 11, 1), 3, "close date passed", "keep", None),
        ("D-3", "Gamma", 1_500_000, None, 2, "no open next task", None, "ask Sato"),
    ),
    header_rows=1,
    bold_rows=(2, 3, 6, 7),
)
RATES = Report(
    (("Win-Loss",), ("By segment",), ("Segment", "Deals", "Win rate (%)", "受注金額"), ("Web", 12, 41.7, 9_000_000)),
    bold_rows=(1, 2),
)  # fmt: skip


def look_of(report: Report, locale: str = "en") -> Report:
    return present(report, locale, "¥#,##0", DECISIONS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "report, row, col, number_format",
    [
        (REVIEW, 4, 1, "#,##0"),  # a count
        (REVIEW, 4, 2, "¥#,##0"),  # an amount
        (REVIEW, 4, 3, "¥#,##0"),  # weighted: an amount with cents still shown in yen
        (REVIEW, 8, 2, "¥#,##0"),
        (REVIEW, 8, 3, None),  # a date: the stores give it yyyy-mm-dd
        (REVIEW, 8, 4, SEVERITY_FORMAT["en"]),
        (REVIEW, 8, 1, None),  # text
        (RATES, 3, 1, "#,##0"),
        (RATES, 3, 2, RATE_FORMAT),
        (RATES, 3, 3, "¥#,##0"),  # the Japanese header for an amount
    ],
)
def test_each_column_gets_the_number_format_its_header_and_values_call_for(report, row, col, number_format):
    assert look_of(report).look.cell(row, col).number_format == number_format


def test_tables_are_found_by_their_bold_title_and_header_or_the_header_rows():
    assert [(t.header, t.first, t.end) for t in find_tables(REVIEW)] == [(3, 4, 5), (7, 8, 11)]
    reminders = Report((("Owner", "Due date"), ("Sato", date(2026, 11, 30))), header_rows=1)
    assert [(t.header, t.first, t.end) for t in find_tables(reminders)] == [(0, 1, 2)]


def test_the_deal_table_header_is_frozen_bold_and_its_rows_coloured_by_severity():
    look = look_of(REVIEW).look
    assert look.frozen_rows == 8  # everything down to the deal table's header stays in view
    assert look.cell(7, 0).bold and look.cell(7, 5).wrap
    high, medium, low = (fill for _, fill in SEVERITY_FILLS)
    assert [look.cell(row, 0).fill for row in (8, 9, 10)] == [high, medium, low]  # severity 4, 3, 2
    assert look.cell(4, 0).fill is None  # the owner table is not a list of flagged deals
    assert look.landscape


def test_the_decision_is_a_dropdown_on_every_listed_deal_and_nowhere_else():
    look = look_of(REVIEW).look
    assert [look.cell(row, 6).options for row in (8, 9, 10)] == [DECISIONS] * 3
    assert look.cell(7, 6).options == () and look.cell(8, 7).options == ()


def test_widths_fit_the_content_within_limits_counting_wide_characters_double():
    widths = look_of(REVIEW).column_widths
    assert all(MIN_WIDTH <= width <= MAX_WIDTH for width in widths)
    assert widths[1] == text_width("受注見込みの大型案件") + 2 == 22
    assert widths[5] == 40  # Flags: long text wraps at 40
    assert look_of(REVIEW).look.cell(8, 5).wrap and not look_of(REVIEW).look.cell(9, 5).wrap
    assert widths[6] >= len("push close date")  # the dropdown's longest choice shows whole
    assert widths[0] == len("Deal ID") + 2  # a short header on one line; the title above is not counted
    assert dict(look_of(REVIEW).look.row_lines)[8] > 1  # the wrapped row is taller (xlsx has no autofit)


def test_japanese_severity_words():
    assert look_of(REVIEW, "ja").look.cell(8, 4).number_format == SEVERITY_FORMAT["ja"]


@pytest.mark.parametrize(
    "configured, locale, options",
    [
        ((), "en", DECISIONS),
        ((), "ja", ("継続", "完了予定日を延期", "失注でクローズ", "担当替え")),
        (("go on", "stop"), "ja", ("go on", "stop")),  # a configured list is used as written
    ],
)
def test_the_decision_choices_are_the_configured_list_or_the_built_in_one_in_the_sheets_language(
    configured, locale, options
):
    assert decision_options(configured, locale) == options


@pytest.mark.parametrize("code, pattern", [("JPY", "¥#,##0"), ("usd", "$#,##0"), ("EUR", "€#,##0")])
def test_the_currency_setting_gives_the_money_format(code, pattern):
    assert load_config(None, **{"reports.currency": code}).reports.money_format == pattern


def test_an_unknown_currency_is_refused_with_the_key_and_the_codes_to_use():
    with pytest.raises(ConfigError, match=r"reports\.currency: unknown currency 'XYZ'; use one of JPY"):
        load_config(None, **{"reports.currency": "XYZ"})
    assert "JPY" in CURRENCY_FORMATS


# ------------------------------------------------------------------------------ on the stores
@pytest.fixture
def make(tmp_path, emulator, request):
    return StoreMaker(request.param, tmp_path, emulator)


def review_rows(rows: list[list[Any]]) -> tuple[int, list[int]]:
    """The deal table's header row and its deal rows (0-based) in the Manager Review as read."""
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Deal ID")
    deals = [i for i in range(header + 1, len(rows)) if rows[i] and str(rows[i][0]).startswith("D-")]
    return header, deals


def expected_fill(severity: int) -> str:
    return next(fill for least, fill in SEVERITY_FILLS if severity >= least)


@pytest.mark.parametrize("make", ["xlsx"], indirect=True)
def test_xlsx_tabs_have_formats_widths_frozen_header_dropdown_fills_and_landscape(make):
    store, config = make(grids(), **{"reports.currency": "JPY"})
    run_cycle(store, config, TODAY)
    workbook = load_workbook(store.path)
    ws = workbook["Manager Review"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header, deals = review_rows(rows)
    cols = {name: i + 1 for i, name in enumerate(rows[header]) if name}
    assert ws.freeze_panes == f"A{header + 2}"
    assert {ws.cell(r + 1, cols["Amount"]).number_format for r in deals} == {"¥#,##0"}
    assert {ws.cell(r + 1, cols["Close date"]).number_format for r in deals} == {"yyyy-mm-dd"}
    assert {ws.cell(r + 1, cols["Severity"]).number_format for r in deals} == {SEVERITY_FORMAT["en"]}
    for r in deals:
        severity = ws.cell(r + 1, cols["Severity"]).value
        assert ws.cell(r + 1, 1).fill.fgColor.rgb == "00" + expected_fill(severity)
    assert ws.cell(header + 1, cols["Flags"]).font.bold
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and validation.showErrorMessage is False
    assert validation.formula1 == '"keep,push close date,close as lost,reassign"'
    letter = ws.cell(1, cols["Decision"]).column_letter
    assert str(validation.sqref) == f"{letter}{deals[0] + 1}:{letter}{deals[-1] + 1}"
    widths = [
        ws.column_dimensions[ws.cell(1, c).column_letter].width for c in range(1, len(rows[header]) + 1)
    ]
    assert all(MIN_WIDTH <= w <= MAX_WIDTH for w in widths)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    reminders = workbook["Reminders"]
    assert reminders.freeze_panes == "A2" and reminders["A1"].font.bold
    due = [c.value for c in reminders[1]].index("Due date") + 1
    assert reminders.cell(2, due).number_format == "yyyy-mm-dd"
    assert reminders.cell(2, due + 1).number_format == "#,##0"  # days left, a count
    assert not run_cycle(store, config, TODAY).wrote  # the look settles with the content: a quiet cycle


@pytest.mark.parametrize("make", ["xlsx"], indirect=True)
def test_xlsx_amounts_in_the_configured_currency(make):
    store, config = make(grids(), **{"reports.currency": "USD"})
    run_cycle(store, config, TODAY)
    ws = load_workbook(store.path)["Manager Review"]
    assert "$#,##0" in {cell.number_format for row in ws.iter_rows() for cell in row}


def google_sheet(store: Any, title: str) -> Any:
    return store._emulator.spreadsheet(store.spreadsheet_id).by_title(title)


def google_rows(sheet: Any) -> list[list[Any]]:
    rows: list[list[Any]] = [[None] * sheet.cols for _ in range(sheet.rows)]
    for (r, c), cell in sheet.cells.items():
        rows[r][c] = cell.value
    return rows


def check_google_review(sheet: Any) -> None:
    rows = google_rows(sheet)
    header, deals = review_rows(rows)
    cols = {name: i for i, name in enumerate(rows[header]) if name}
    assert sheet.props["gridProperties"]["frozenRowCount"] == header + 1
    for r in deals:
        amount = sheet.cell(r, cols["Amount"]).fmt["numberFormat"]
        assert amount == {"type": "NUMBER", "pattern": "¥#,##0"}
        severity = sheet.cell(r, cols["Severity"])
        assert severity.fmt["numberFormat"]["pattern"] == SEVERITY_FORMAT["en"]
        colour = sheet.cell(r, 0).fmt["backgroundColor"]
        want = expected_fill(severity.value)
        assert [round(colour.get(k, 0) * 255) for k in ("red", "green", "blue")] == [
            int(want[i : i + 2], 16) for i in (0, 2, 4)
        ]
        validation = sheet.ensure(r, cols["Decision"]).validation
        assert validation["strict"] is False and validation["showCustomUi"] is True
        assert [v["userEnteredValue"] for v in validation["condition"]["values"]] == list(DECISIONS)
    assert sheet.ensure(header, cols["Decision"]).validation is None
    widths = [sheet.col_meta.get(c, {}).get("pixelSize") for c in range(len(rows[header]))]
    assert all(widths) and all(MIN_WIDTH * 7 <= w <= MAX_WIDTH * 7 + 5 for w in widths)


@pytest.mark.parametrize("make", ["google"], indirect=True)
def test_google_tabs_get_the_same_look_and_a_quiet_cycle_writes_nothing(make):
    store, config = make(grids())
    run_cycle(store, config, TODAY)
    check_google_review(google_sheet(store, "Manager Review"))
    reminders = google_sheet(store, "Reminders")
    assert reminders.props["gridProperties"]["frozenRowCount"] == 1
    assert reminders.cell(1, 3).fmt["numberFormat"]["pattern"] == "#,##0"
    emu = store._emulator
    emu.reset_counters()
    run_cycle(store, config, TODAY)
    assert emu.count("spreadsheets.batchUpdate") == 0


CLIMBS = [
    ("a deal climbs the review", {"D-3": {"owner": None}}),  # low -> high: from third to second
    ("an amount changes in place", {"D-3": {"amount": 9_900_000}}),
    ("a deal drops from high to low", {"D-1": {"owner": "Sato"}}),
    ("a deal leaves the list", {"D-2": {"stage": "Won"}}),
]


@pytest.mark.parametrize("make", ["google", "xlsx"], indirect=True)
@pytest.mark.parametrize("name, change", CLIMBS, ids=[name for name, _ in CLIMBS])
def test_rows_moved_by_the_next_cycle_keep_the_look_of_their_deal(make, name, change):
    """Each deal row's colour and formats are its own wherever the row lands (Google: shifted rows carry
    their format, rewritten rows get theirs)."""
    store, config = make(grids())
    run_cycle(store, config, TODAY)
    if store.__class__.__name__ == "GoogleStore":
        emu = store._emulator
        for deal_id, values in change.items():
            r = [row["deal_id"] for row in DEAL_ROWS].index(deal_id) + 2
            for key, value in values.items():
                col = DEALS.columns.index(DEALS.column(key))
                emu.person_set(store.spreadsheet_id, DEALS.en, f"{chr(65 + col)}{r}", value)
        emu.reset_counters()
        run_cycle(store, config, TODAY)
        check_google_review(google_sheet(store, "Manager Review"))
        sent = [next(iter(r)) for rec in emu.requests if rec.body for r in rec.body.get("requests", [])]
        if name == "a deal climbs the review":
            assert "insertDimension" in sent and "deleteDimension" in sent  # moved, not rewritten
        return
    workbook = load_workbook(store.path)
    ws = workbook[DEALS.en]
    for deal_id, values in change.items():
        r = [row["deal_id"] for row in DEAL_ROWS].index(deal_id) + 2
        for key, value in values.items():
            ws.cell(r, DEALS.columns.index(DEALS.column(key)) + 1).value = value
    workbook.save(store.path)
    run_cycle(store, config, TODAY)
    review = load_workbook(store.path)["Manager Review"]
    rows = [[c.value for c in r] for r in review.iter_rows()]
    header, deals = review_rows(rows)
    severity = rows[header].index("Severity") + 1
    for r in deals:
        assert review.cell(r + 1, 1).fill.fgColor.rgb == "00" + expected_fill(
            review.cell(r + 1, severity).value
        )
