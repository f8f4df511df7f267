"""A spliced write (sync.stores.xlsx_splice) gives the workbook the full openpyxl write gives.

Each case: a small workbook and a ChangeSet, written both ways from copies of the same file, then both
results reopened with openpyxl (values, formats, notes, validations, conditional formats, widths, frozen
panes, charts, merged cells, sheet order and state, defined names) and read by the store: equal. Which way
each write went is asserted by xlsx_splice.PATHS, never by time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from reports.table import ChartSpec, Series
from sync.core.changes import (
    CellWrite,
    ChangeSet,
    ColumnLayout,
    NoteWrite,
    RowAppend,
    TabContent,
    TabLayout,
)
from sync.stores import xlsx_splice
from sync.stores.xlsx import XlsxStore
from sync.stores.xlsx_formulas import keep_formula_results

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ROWS = 40


def _people_workbook(path: Path) -> None:
    """Two input tabs of typed rows with what people put in workbooks, a report tab, a hidden tab."""
    wb = Workbook()
    leads = wb.active
    leads.title = "Leads"
    leads.append(["Lead ID", "Name", "Company", "Met on", "Score", "Owner"])
    for n in range(1, ROWS):
        leads.append(
            [
                f"L-{n}",
                f"Person {n}",
                "株式会社テスト" if n % 3 else "Acme",
                date(2026, 1, n % 28 + 1),
                n * 10,
                None,
            ]
        )
        leads.cell(n + 1, 4).number_format = "yyyy/mm/dd"
    leads["B5"].font = Font(bold=True, color="FF0000")
    leads["C7"].fill = PatternFill("solid", fgColor="FFFF00")
    leads["B9"].comment = Comment("a person's note", "Sato")
    leads.column_dimensions["B"].width = 30
    leads.freeze_panes = "A2"
    check = DataValidation(type="list", formula1='"hot,cold"', allow_blank=True)
    check.add("F2:F200")
    leads.add_data_validation(check)
    leads.conditional_formatting.add(
        "E2:E200",
        CellIsRule(operator="greaterThan", formula=["100"], fill=PatternFill("solid", fgColor="FFC7CE")),
    )
    leads["J30"].hyperlink = "https://example.com/"
    leads["J30"].value = "link"
    chart = BarChart()
    chart.add_data(Reference(leads, min_col=5, min_row=1, max_row=ROWS), titles_from_data=True)
    leads.add_chart(chart, "L2")
    deals = wb.create_sheet("Deals")
    deals.append(["Deal ID", "Name", "Amount", "Stage", "Total"])
    for n in range(1, ROWS):
        deals.append([f"D-{n}", f"Deal {n}", n * 1000, "Proposal", f"=C{n + 1}*2"])
    deals.append([None, None, None, None, None])  # a formatted, empty row below the data
    deals.cell(ROWS + 1, 3).number_format = "#,##0"
    merged = wb.create_sheet(
        "Merged"
    )  # a tab of its own: the fast read leaves merges beside notes to openpyxl
    for n in range(1, ROWS):
        merged.append([n, f"row {n}"])
    merged.merge_cells("C20:D21")
    merged["C20"] = "merged"
    wb.create_sheet("Report").append(["old report"])
    wb.create_sheet("_state").append(["key", "value"])
    wb["_state"].sheet_state = "hidden"
    wb.defined_names["Amounts"] = DefinedName("Amounts", attr_text="Deals!$C$2:$C$40")
    wb.save(path)
    # formulas with the results Excel would have stored: one a number, one the empty text
    results = {f"E{n + 1}": n * 2000 for n in range(1, ROWS)}
    results["E3"] = ""
    keep_formula_results(path, {"xl/worksheets/sheet2.xml": results})


CASES: dict[str, ChangeSet] = {
    "cell edits": ChangeSet(
        cells=[
            CellWrite("Leads", 10, 5, "hot"),
            CellWrite("Leads", 3, 1, "新しい名前"),
            CellWrite("Deals", 5, 3, "Won"),
        ]
    ),
    "appends past the last row": ChangeSet(
        appends=[
            RowAppend("Deals", ("D-90", "New", 5, "Lead", None)),
            RowAppend("Leads", ("L-90", "X", "Y", date(2026, 3, 1), 1, None)),
        ]
    ),
    "notes set and cleared": ChangeSet(
        notes=[
            NoteWrite("Leads", 2, 0, "Duplicate of L-1"),
            NoteWrite("Leads", 8, 1, None),
            NoteWrite("Deals", 30, 0, "check"),
        ],
    ),
    "a note of ours cleared": ChangeSet(notes=[NoteWrite("Leads", 2, 0, None)]),
    "a replaced tab with a chart": ChangeSet(
        tabs=[
            TabContent(
                "Report",
                (("Stage", "Deals"), ("Lead", 3), ("Won", 5)),
                charts=(ChartSpec("By stage", "column", Series(0, 1, 2), (Series(1, 1, 2, 0),), 0, 3),),
            )
        ]
    ),
    "a tab with a layout": ChangeSet(
        layouts=[
            TabLayout(
                "Deals",
                (
                    ColumnLayout("Deals", 3, False, options=("Lead", "Won")),
                    ColumnLayout("Deals", 4, True, width=20),
                ),
                max_rows=100,
                highlight_col=4,
            )
        ]
    ),
    "dates": ChangeSet(
        cells=[
            CellWrite("Leads", 12, 3, date(2026, 5, 5)),
            CellWrite("Leads", 13, 3, datetime(2026, 5, 6, 9, 30)),
        ],
        appends=[RowAppend("Leads", ("L-91", "Z", "Z", datetime(2026, 6, 1), 2, None))],
    ),
    "formulas in input columns": ChangeSet(
        cells=[CellWrite("Deals", 7, 2, 7777), CellWrite("Deals", 2, 4, "=1+1 typed")]
    ),
    "empty-string results and emptied cells": ChangeSet(
        cells=[CellWrite("Deals", 2, 1, ""), CellWrite("Leads", 4, 4, None)]
    ),
    "the last row emptied, then an append": ChangeSet(
        cells=[CellWrite("Deals", ROWS - 1, c, None) for c in range(5)],
        appends=[RowAppend("Deals", ("D-92", "After", 1, "Lead", None))],
    ),
    "groups, a new tab and the hidden tab": ChangeSet(
        new_tabs=["Fresh"],
        cells=[CellWrite("Fresh", 0, 0, "hello")],
        groups=[
            ChangeSet(cells=[CellWrite("_state", 1, 0, "seen")], appends=[RowAppend("_state", ("k", "v"))])
        ],
    ),
    "the merged cells and the link's rows": ChangeSet(
        cells=[CellWrite("Merged", 19, 4, "next to merged"), CellWrite("Leads", 29, 10, "by the link")]
    ),
}


def _written(
    tmp_path: Path, name: str, changes: ChangeSet, build: Callable[[Path], None] = _people_workbook
) -> tuple[Path, Path]:
    """The same workbook written the spliced way and the full way."""
    original = tmp_path / "original.xlsx"
    build(original)
    spliced, full = tmp_path / f"{name}-spliced.xlsx", tmp_path / f"{name}-full.xlsx"
    shutil.copyfile(original, spliced)
    shutil.copyfile(original, full)
    store = XlsxStore(spliced)
    store.read()
    before = xlsx_splice.PATHS["spliced"]
    store.write(changes)
    assert xlsx_splice.PATHS["spliced"] == before + 1, xlsx_splice.PATHS
    whole = XlsxStore(full)
    whole.read()
    whole._write_spliced = _refuse  # type: ignore[method-assign]
    whole.write(changes)
    return spliced, full


def _refuse(changes: ChangeSet) -> None:
    raise xlsx_splice.Unspliceable("the full way, to compare")


def _look(path: Path) -> dict[str, Any]:
    """What a person sees of the workbook, as openpyxl reopens it."""
    wb = load_workbook(path)
    seen: dict[str, Any] = {
        "sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
        "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()),
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style and cell.comment is None:
                    continue
                cells[cell.coordinate] = (
                    cell.value,
                    cell.number_format,
                    (cell.font.b, cell.font.i, cell.font.color.rgb if cell.font.color else None),
                    cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                    (cell.comment.text, cell.comment.author) if cell.comment else None,
                    cell.hyperlink.target if cell.hyperlink else None,
                )
        seen[ws.title] = {
            "cells": cells,
            "validations": sorted(
                (str(v.sqref), v.formula1, v.errorTitle) for v in ws.data_validations.dataValidation
            ),
            "conditional": sorted(
                (str(r.sqref), tuple(tuple(x.formula) for x in r.rules)) for r in ws.conditional_formatting
            ),
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            "frozen": ws.freeze_panes,
            "charts": len(ws._charts),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        }
    return seen


def _assert_same(spliced: Path, full: Path) -> None:
    assert _look(spliced) == _look(full)
    assert XlsxStore(spliced).read().tabs == XlsxStore(full).read().tabs
    assert XlsxStore(spliced).read_with_openpyxl().tabs == XlsxStore(full).read_with_openpyxl().tabs


@pytest.mark.parametrize("name", list(CASES))
def test_a_spliced_write_gives_the_full_writes_workbook(tmp_path, name):
    spliced, full = _written(tmp_path, name, CASES[name])
    _assert_same(spliced, full)


def test_rows_the_write_does_not_touch_are_left_out_of_openpyxls_load(tmp_path):
    path = tmp_path / "w.xlsx"
    _people_workbook(path)
    reduction = xlsx_splice.reduce(path.read_bytes(), CASES["cell edits"])
    deals = reduction.sheets["Deals"]
    # row 6's cell, the row above it, and the tail from the last filled row (appends may follow)
    assert deals.kept == {5, 6, ROWS, ROWS + 1}
    leads = reduction.sheets["Leads"]
    assert {9, 30} <= leads.kept  # the note, the link: openpyxl binds them to cells
    assert len(leads.kept) < ROWS // 2
    assert {20, 21} <= reduction.sheets["Merged"].kept


def test_the_untouched_rows_stay_byte_for_byte(tmp_path):
    spliced, _ = _written(tmp_path, "bytes", CASES["cell edits"])
    with zipfile.ZipFile(tmp_path / "original.xlsx") as before, zipfile.ZipFile(spliced) as after:
        old, new = before.read("xl/worksheets/sheet2.xml"), after.read("xl/worksheets/sheet2.xml")
    row = re.compile(rb'<row r="20".*?</row>', re.S)
    assert row.search(old) and row.search(old).group(0) == row.search(new).group(0)  # type: ignore[union-attr]


def _with_shared_strings(path: Path) -> None:
    """A workbook as Excel saves it: its text in the shared strings table, Excel's namespaces."""
    _people_workbook(path)
    _convert_with_libreoffice(path, path.parent / "lo")
    shutil.copyfile(path.parent / "lo" / path.name, path)


def _convert_with_libreoffice(path: Path, out: Path, to: str = "xlsx") -> Path:
    subprocess.run(
        [
            SOFFICE or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{out}/profile",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{path.stem}.{to}"


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
def test_libreoffice_opens_a_spliced_workbook(tmp_path):
    spliced, full = _written(tmp_path, "lo", CASES["appends past the last row"])
    converted = _convert_with_libreoffice(spliced, tmp_path / "converted")
    theirs = load_workbook(converted)
    ours = load_workbook(full)
    assert theirs.sheetnames == ours.sheetnames
    for title in ("Leads", "Deals"):
        mine = [[c.value for c in row][:4] for row in ours[title].iter_rows()]
        read_back = [[c.value for c in row][:4] for row in theirs[title].iter_rows()]
        assert read_back[: len(mine)] == mine, title


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
def test_a_workbook_saved_by_another_program_is_written_whole(tmp_path):
    """Shared strings and Excel's namespaces: left-out rows would not mean the same in openpyxl's save."""
    path = tmp_path / "excel.xlsx"
    _with_shared_strings(path)
    store = XlsxStore(path)
    store.read()
    before = xlsx_splice.PATHS.copy()
    store.write(CASES["cell edits"])
    went = xlsx_splice.PATHS - before
    assert list(went) and all(way.startswith("full: ") for way in went), went
    assert load_workbook(path)["Leads"]["F11"].value == "hot"


def _small_workbook(rows: list[list[Any]]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "Tab"
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                ws.cell(r, c, value)
        wb.create_sheet("Other").append(["x", 1])
        wb.save(path)

    return build


_VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.integers(-1000, 1000),
    st.sampled_from(["a", "営業", "=not a formula", "  spaced ", "Acme, Inc."]),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
_SHEETS = st.lists(st.lists(_VALUES, min_size=1, max_size=5), min_size=1, max_size=12)


@st.composite
def _sheet_and_changes(draw: st.DrawFn) -> tuple[list[list[Any]], ChangeSet]:
    rows = draw(_SHEETS)
    cells = draw(
        st.lists(
            st.builds(CellWrite, st.just("Tab"), st.integers(0, len(rows) + 2), st.integers(0, 5), _VALUES),
            max_size=6,
        )
    )
    appends = draw(st.lists(st.builds(RowAppend, st.just("Tab"), st.tuples(_VALUES, _VALUES)), max_size=3))
    notes = draw(
        st.lists(
            st.builds(
                NoteWrite,
                st.just("Tab"),
                st.integers(0, len(rows)),
                st.integers(0, 3),
                st.sampled_from([None, "note", "メモ"]),
            ),
            max_size=3,
        )
    )
    return rows, ChangeSet(cells=cells, appends=appends, notes=notes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_sheet_and_changes())
def test_any_small_sheet_and_changes_splice_as_the_full_write(tmp_path_factory, case):
    rows, changes = case
    folder = tmp_path_factory.mktemp("h")
    spliced, full = _written(folder, "h", changes, _small_workbook(rows))
    _assert_same(spliced, full)
