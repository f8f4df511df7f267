"""Formulas people type into person-owned columns of a workbook: never replaced, never read as empty, also
after the service has saved the file (openpyxl itself writes a formula without its cached result)."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_schema.tabs import DEALS, TASKS
from sync.config_file import load_config
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import initialise
from sync.stores.xlsx import XlsxStore

TODAY = date(2026, 11, 28)


def with_cached_results(path: Path, tab_part: str, results: dict[str, tuple[str, str]]) -> None:
    """Give formula cells the cached result Excel or LibreOffice would have stored: coordinate ->
    (t attribute or "", the <v> text)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[tab_part].decode()
    for coordinate, (kind, text) in results.items():
        pattern = re.compile(rf'<c r="{coordinate}"([^>]*)>(<f>.*?</f>)(?:<v\s*/>|<v></v>)')
        typed = f' t="{kind}"' if kind else ""
        xml, found = pattern.subn(rf'<c r="{coordinate}"\1{typed}>\2<v>{text}</v>', xml)
        assert found == 1, coordinate
    parts[tab_part] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def col(spec, key: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[[c.key for c in spec.columns].index(key)]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A deal whose Deal ID, Amount and Close date are formulas, computed by Excel; a task on that deal."""
    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"store.path": str(path)}))
    wb = load_workbook(path)
    deals = wb["Deals"]
    deals.append(
        ['="D-"&TEXT(42,"000000")', None, "Big deal", "Acme", "Sato", None, "Proposal", "=1000*1200"]
    )
    deals[f"{col(DEALS, 'close_date')}2"] = "=DATE(2026,12,24)"
    deals[f"{col(DEALS, 'close_date')}2"].number_format = "yyyy-mm-dd"
    wb["Tasks"].append([None, "D-000042", None, None, "Send quote", "Sato", "2026/12/01"])
    sheets = {ws.title: index for index, ws in enumerate(wb.worksheets, start=1)}
    wb.save(path)
    close = f"{col(DEALS, 'close_date')}2"
    with_cached_results(
        path,
        f"xl/worksheets/sheet{sheets['Deals']}.xml",
        {"A2": ("str", "D-000042"), f"{col(DEALS, 'amount')}2": ("", "1200000"), close: ("", "46380")},
    )
    return path


def cycle(path: Path):
    return run_cycle(XlsxStore(path), load_config(None, **{"store.path": str(path)}), TODAY)


def deal_cells(path: Path) -> dict[str, object]:
    deals = load_workbook(path)["Deals"]
    return {c.key: deals.cell(2, i).value for i, c in enumerate(DEALS.columns, start=1)}


def test_a_formula_in_a_person_owned_column_is_read_the_same_after_the_services_own_save(workbook):
    cycle(workbook)  # reads Excel's cached results, then saves the file through openpyxl
    cycle(workbook)  # reads the file the service saved
    formulas = deal_cells(workbook)
    assert formulas["deal_id"] == '="D-"&TEXT(42,"000000")'  # never replaced by a new id
    assert formulas["amount"] == "=1000*1200"
    read = XlsxStore(workbook).read().tabs["Deals"]
    assert read.rows[1][0] == "D-000042"
    assert read.rows[1][[c.key for c in DEALS.columns].index("amount")] == 1200000
    health = formulas["health"] or ""
    assert "amount" not in health and "金額" not in health
    tasks = XlsxStore(workbook).read().tabs["Tasks"]
    assert not tasks.cell(1, [c.key for c in TASKS.columns].index("errors"))  # the task still finds its deal


def test_a_workbook_with_formulas_settles(workbook):
    cycle(workbook)
    before = workbook.read_bytes()
    report = cycle(workbook)
    assert not report.wrote
    assert workbook.read_bytes() == before


def test_a_formula_never_computed_is_not_read_as_empty(tmp_path):
    """A workbook written by a script (no Excel ever computed it): the formula is reported, never replaced."""
    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"store.path": str(path)}))
    wb = load_workbook(path)
    wb["Deals"].append(["=A1", None, "Big deal", "Acme", "Sato", None, "Proposal", "=1000*1200"])
    wb.save(path)
    cycle(path)
    cycle(path)
    cells = deal_cells(path)
    assert cells["deal_id"] == "=A1" and cells["amount"] == "=1000*1200"
    assert "'=1000*1200' is a formula whose result is not stored in the file" in (cells["errors"] or "")
