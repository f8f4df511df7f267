"""A person's formula in a workbook whose result the file does not hold (saved by openpyxl or a script, not
opened in Excel or LibreOffice since) cannot be read: the sheet says so in one voice — the Errors column
names the cell and the fix, Health and Manager Review name the unreadable cell rather than a missing value,
a task of a deal whose id cannot be read is not called an orphan, and no id is written over the formula.
A formula whose stored result is the empty text is empty by the person's choice: no problem, no new id."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_schema.tabs import DEALS, TASKS
from sync.config_file import load_config
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import initialise
from sync.stores.xlsx import XlsxStore
from tests.test_xlsx_formulas import col, with_cached_results

TODAY = date(2026, 11, 28)
AMOUNT, CLOSE = col(DEALS, "amount"), col(DEALS, "close_date")
UNREAD = {
    "en": "{cell}: '{formula}' is a formula whose result is not stored in the file, so it cannot be read; "
    "open and save the workbook in Excel or LibreOffice (they compute it), or type the value",
    "ja": "{cell}: 「{formula}」 は計算結果がファイルに保存されていない数式のため、読み取れません。"
    "Excel か LibreOffice でブックを開いて保存する(数式が計算されます)か、値を直接入力してください",
}


def workbook(tmp_path: Path, deal: list, locale: str = "en", task_deal: str | None = None) -> Path:
    """A workbook as openpyxl saves it: formulas without their results."""
    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"store.path": str(path), "locale": locale}))
    wb = load_workbook(path)
    wb[DEALS.title(locale)].append(deal)
    if task_deal:
        wb[TASKS.title(locale)].append([None, task_deal, None, None, "Send quote", "Sato", "2026/12/01"])
    wb.save(path)
    return path


def cycle(path: Path, locale: str = "en"):
    return run_cycle(XlsxStore(path), load_config(None, **{"store.path": str(path), "locale": locale}), TODAY)


def cells(path: Path, spec, locale: str = "en", row: int = 2) -> dict:
    ws = load_workbook(path)[spec.title(locale)]
    return {c.key: ws.cell(row, i).value for i, c in enumerate(spec.columns, start=1)}


def review_row(path: Path, deal_name: str, locale: str = "en") -> list:
    ws = load_workbook(path)["Manager Review" if locale == "en" else "マネージャーレビュー"]
    [found] = [[c.value for c in row] for row in ws.iter_rows() if deal_name in [c.value for c in row]]
    return found


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_an_amount_and_a_close_date_whose_formula_has_no_result_are_unreadable_not_missing(tmp_path, locale):
    stage = "Proposal" if locale == "en" else "提案"
    path = workbook(
        tmp_path, ["D-000001", None, "Big deal", "Acme", "Sato", None, stage, "=1000*1200"], locale
    )
    wb = load_workbook(path)
    wb[DEALS.title(locale)][f"{CLOSE}2"] = "=DATE(2026,12,24)"
    wb.save(path)
    cycle(path, locale)
    assert not cycle(path, locale).wrote  # it settles
    deal = cells(path, DEALS, locale)
    assert deal["amount"] == "=1000*1200" and deal["close_date"] == "=DATE(2026,12,24)"  # never replaced
    errors, health = deal["errors"] or "", deal["health"] or ""
    assert UNREAD[locale].format(cell=f"{AMOUNT}2", formula="=1000*1200") in errors, errors
    assert UNREAD[locale].format(cell=f"{CLOSE}2", formula="=DATE(2026,12,24)") in errors, errors
    if locale == "en":
        assert "not an amount" not in errors and "not a date" not in errors
        assert (
            f"amount in {AMOUNT}2 cannot be read" in health
            and f"close date in {CLOSE}2 cannot be read" in health
        )
        assert "no amount" not in health and "no close date" not in health, health
    else:
        assert (
            f"金額({AMOUNT}2)が読み取れません" in health and f"完了予定日({CLOSE}2)が読み取れません" in health
        )
        assert "金額が未入力" not in health and "完了予定日が未入力" not in health, health
    review = review_row(path, "Big deal", locale)
    assert health in review  # the same words on Manager Review
    unreadable = "cannot be read" if locale == "en" else "読み取れません"
    shown = [v for v in review if isinstance(v, str) and unreadable in v and v != health]
    assert shown == [
        f"{unreadable} ({AMOUNT}2)" if locale == "en" else f"{unreadable}({AMOUNT}2)",
        f"{unreadable} ({CLOSE}2)" if locale == "en" else f"{unreadable}({CLOSE}2)",
    ], review


ORPHAN_SAID = {
    "en": (
        "check the deal id",
        "deal D-000042 is not found on the Deals tab, but the deal id in Deals!A2 cannot be read",
    ),
    "ja": (
        "商談IDを確認してください",
        "商談 D-000042 が商談タブに見つかりません。ただし '商談'!A2 の商談IDが読み取れない",
    ),
}


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_a_deal_id_whose_formula_has_no_result_makes_no_orphans_and_is_never_replaced(tmp_path, locale):
    stage = "Proposal" if locale == "en" else "提案"
    deal = ["=A1", None, "Big deal", "Acme", "Sato", None, stage, 100]
    path = workbook(tmp_path, deal, locale, task_deal="D-000042")
    cycle(path, locale)
    assert not cycle(path, locale).wrote
    deal, task = cells(path, DEALS, locale), cells(path, TASKS, locale)
    assert deal["deal_id"] == "=A1" and load_workbook(path)[DEALS.title(locale)]["A2"].data_type == "f"
    assert UNREAD[locale].format(cell="A2", formula="=A1") in (deal["errors"] or "")
    said = task["errors"] or ""
    orphan, unreadable = ORPHAN_SAID[locale]
    assert orphan not in said and unreadable in said, said


def test_a_formula_whose_result_is_empty_text_is_empty_by_choice_and_keeps_its_cell(tmp_path):
    path = workbook(
        tmp_path,
        ['=IF(FALSE,"D-1","")', None, "Big deal", "Acme", "Sato", None, "Appointment", '=IF(FALSE,1,"")'],
    )
    with_cached_results(path, _deals_part(path), {"A2": ("str", ""), f"{AMOUNT}2": ("str", "")})
    cycle(path)
    cycle(path)  # reads the file the service saved
    assert not cycle(path).wrote
    deal = cells(path, DEALS)
    assert deal["deal_id"] == '=IF(FALSE,"D-1","")' and deal["amount"] == '=IF(FALSE,1,"")'
    assert not deal["errors"], deal["errors"]
    read = XlsxStore(path).read().tabs["Deals"]
    assert read.rows[1][0] == ""  # read as its (empty) result, after the service's own saves too


def _deals_part(path: Path) -> str:
    titles = load_workbook(path).sheetnames
    return f"xl/worksheets/sheet{titles.index('Deals') + 1}.xml"


def test_rows_holding_only_formulas_with_empty_results_are_blank_rows(tmp_path):
    """A Deal ID formula dragged down the tab (=IF(C3="","",…)) makes no deals out of the rows below, also
    when a column people added further right holds something."""
    path = workbook(tmp_path, ["D-000001", None, "Big deal", "Acme", "Sato", None, "Proposal", 100])
    wb = load_workbook(path)
    extra = len(DEALS.columns) + 2  # a column people added, right of the service's
    for row in (3, 4, 5):
        wb["Deals"][f"A{row}"] = f'=IF(C{row}="","","D-{row}")'
        wb["Deals"][f"D{row}"] = f'=IF(C{row}="","",C{row})'
        wb["Deals"].cell(row, extra, "memo")
    wb["Deals"][f"{AMOUNT}3"] = 5  # a real value: row 3 is a deal, with an id empty by choice
    wb.save(path)
    empty = {f"{c}{r}": ("str", "") for r in (3, 4, 5) for c in ("A", "D")}
    with_cached_results(path, _deals_part(path), empty)
    cycle(path)
    assert not cycle(path).wrote
    deals = load_workbook(path)["Deals"]
    assert [deals[f"A{r}"].value for r in (3, 4, 5)] == [f'=IF(C{r}="","","D-{r}")' for r in (3, 4, 5)]
    errors = col(DEALS, "errors")
    assert deals[f"{errors}4"].value is None and deals[f"{errors}5"].value is None  # blank rows: nothing said
    assert "Deal name" in deals[f"{errors}3"].value  # row 3 is a deal, whose empty name is said
