"""The local workbook store on real .xlsx files: atomic, keeps what people put there, refuses when unsafe."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sheets_schema.tabs import DEALS, LEADS
from sync.config_file import load_config
from sync.errors import UnsafeWriteError, WorkbookLockedError
from sync.jobs.cycle import run_cycle
from sync.jobs.setup import initialise
from sync.stores.xlsx import XlsxStore
from tests.sheets import header

TODAY = date(2026, 11, 28)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A workbook set up by init, with a few rows typed by people and things people add to workbooks."""
    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"store.path": str(path)}))
    wb = load_workbook(path)
    deals = wb["Deals"]
    deals.append(["D-1", None, "Big deal", "Acme", "Sato", None, "Proposal", "abc"])
    deals.append([None, None, '=CONCAT("A","B")', "Beta", "Sato", None, "Won", 500000, "2026/11/01"])
    deals["K2"] = "call back Monday"
    deals["K2"].font = Font(bold=True, color="FF0000")
    deals["C2"].comment = Comment("keep me", "Sato")
    deals.column_dimensions["C"].width = 42
    wb["Leads"]["B2"] = "=1+1 Holdings"
    wb["Leads"]["B2"].data_type = "s"  # typed as text (e.g. with a leading apostrophe in Excel)
    wb.create_sheet("My pivot notes")["A1"] = "=SUM(1,2)"
    wb.save(path)
    return path


def cycle(path: Path):
    return run_cycle(XlsxStore(path), load_config(None, **{"store.path": str(path)}), TODAY)


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_init_creates_the_tabs_with_headers_dropdowns_and_a_hidden_state_tab(tmp_path):
    path = tmp_path / "new.xlsx"
    initialise(load_config(None, **{"store.path": str(path), "locale": "ja"}))
    wb = load_workbook(path)
    assert wb.sheetnames == ["チーム", "リード", "架電履歴", "商談", "タスク", "_sfa_state"]
    assert [c.value for c in wb["商談"][1]] == header(DEALS, "ja")
    assert wb["_sfa_state"].sheet_state == "hidden"
    stage_dropdown = [dv for dv in wb["商談"].data_validations.dataValidation if "G2" in str(dv.sqref)]
    assert stage_dropdown and "受注" in stage_dropdown[0].formula1
    assert wb["商談"].freeze_panes == "A2"


def test_init_twice_leaves_the_file_untouched(tmp_path):
    path = tmp_path / "new.xlsx"
    config = load_config(None, **{"store.path": str(path)})
    initialise(config)
    before = fingerprint(path)
    assert initialise(config) == 0
    assert fingerprint(path) == before


def test_a_cycle_keeps_everything_people_put_in_the_workbook(workbook):
    cycle(workbook)
    wb = load_workbook(workbook)
    deals = wb["Deals"]
    assert [deals.cell(2, c).value for c in range(1, 9)] == [
        "D-1",
        None,
        "Big deal",
        "Acme",
        "Sato",
        None,
        "Proposal",
        "abc",
    ]
    assert deals["C3"].value == '=CONCAT("A","B")'  # a formula a person typed stays a formula
    assert deals["K2"].font.bold and deals["K2"].value == "call back Monday"
    assert deals["C2"].comment.text == "keep me"
    assert deals.column_dimensions["C"].width == 42
    assert wb["My pivot notes"]["A1"].value == "=SUM(1,2)"
    assert deals["A3"].value == "D-000002"
    assert "H2: 'abc' is not an amount" in deals.cell(2, len(DEALS.columns)).value
    assert deals["H2"].comment.author == "sfa-sync"


def test_an_unchanged_workbook_is_not_written_at_all(workbook):
    cycle(workbook)
    before = fingerprint(workbook)
    report = cycle(workbook)
    assert not report.wrote
    assert fingerprint(workbook) == before


def test_text_that_looks_like_a_formula_is_stored_as_text(workbook):
    wb = load_workbook(workbook)
    wb["Calls"].append([None, "L-000001", "2026/11/20 10:00", "Sato", "No answer"])
    wb.save(workbook)
    cycle(workbook)
    calls = load_workbook(workbook)["Calls"]
    company = calls.cell(2, 8)
    assert company.value == "=1+1 Holdings" and company.data_type == "s"


@pytest.mark.parametrize("lock_name", ["~$team.xlsx", ".~lock.team.xlsx#"])
def test_refuses_to_write_while_the_workbook_is_open_in_excel_or_libreoffice(workbook, lock_name):
    (workbook.parent / lock_name).write_text("someone")
    before = fingerprint(workbook)
    with pytest.raises(WorkbookLockedError, match=r"open in Excel or LibreOffice .* close it and run again"):
        cycle(workbook)
    assert fingerprint(workbook) == before


def test_refuses_to_write_when_saving_would_drop_drawn_shapes(workbook):
    shapes = b'<xdr:wsDr xmlns:xdr="x"><xdr:twoCellAnchor><xdr:sp><xdr:nvSpPr/></xdr:sp></xdr:twoCellAnchor></xdr:wsDr>'
    with zipfile.ZipFile(workbook, "a") as archive:
        archive.writestr("xl/drawings/drawing1.xml", shapes)
    before = fingerprint(workbook)
    with pytest.raises(UnsafeWriteError, match=r"drawn shapes or text boxes \(xl/drawings/drawing1.xml\)"):
        cycle(workbook)
    assert fingerprint(workbook) == before


def test_a_failed_save_leaves_the_old_file_and_no_temp_file(workbook, monkeypatch):
    from openpyxl.workbook.workbook import Workbook

    def broken_save(self, filename):
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken_save)
    before = fingerprint(workbook)
    with pytest.raises(
        Exception, match=r"could not save the workbook .No space left on device.; nothing was changed"
    ):
        cycle(workbook)
    assert fingerprint(workbook) == before
    assert sorted(os.listdir(workbook.parent)) == ["team.xlsx"]


def test_a_missing_workbook_says_how_to_create_it(tmp_path):
    from sync.errors import AccessError

    with pytest.raises(AccessError, match="workbook not found; create it with `sfa-sync init --workbook"):
        cycle(tmp_path / "nope.xlsx")


def test_a_file_that_is_not_a_workbook_is_named(tmp_path):
    from sync.errors import AccessError

    path = tmp_path / "notes.xlsx"
    path.write_text("not a zip")
    with pytest.raises(AccessError, match=r"notes\.xlsx: not an \.xlsx workbook .*save it as Excel Workbook"):
        cycle(path)


def test_leads_get_ids_and_derived_columns_in_the_file(workbook):
    cycle(workbook)
    leads = load_workbook(workbook)["Leads"]
    labels = [c.value for c in leads[1]]
    assert labels == header(LEADS)
    assert leads.cell(2, 1).value == "L-000001"
    assert leads.cell(2, labels.index("Calls made") + 1).value == 0


def test_a_new_workbook_gets_the_usual_permissions_and_an_existing_one_keeps_its_own(tmp_path):
    path = tmp_path / "perm.xlsx"
    initialise(load_config(None, **{"store.path": str(path)}))
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    path.chmod(0o640)
    wb = load_workbook(path)
    wb["Leads"]["B2"] = "Acme"
    wb.save(path)
    cycle(path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_init_highlights_flagged_deal_rows(tmp_path):
    path = tmp_path / "hl.xlsx"
    initialise(load_config(None, **{"store.path": str(path)}))
    deals = load_workbook(path)["Deals"]
    health = get_column_letter([c.value for c in deals[1]].index("Health") + 1)
    formulas = [rule.formula for cf in deals.conditional_formatting for rule in cf.rules]
    assert [f"LEN(${health}2)>0"] in formulas
