"""The xlsx store reads values, notes and hidden tabs without openpyxl (python-calamine and a light XML
pass): the snapshot must be exactly the one openpyxl gives — the same values of the same types (an int is
not a float, a date-time not a date, EmptyResult not ""), the same notes, the same hidden tabs — on random
workbooks, on formulas with and without stored results, on the demo and on the benchmark's size S. And a
write after a fast read keeps what a write after an openpyxl read keeps, and refuses a file saved meanwhile."""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

from sync.config_file import load_config
from sync.core.changes import CellWrite, ChangeSet, RowAppend
from sync.core.snapshot import Snapshot
from sync.errors import WriteConflictError
from sync.stores.xlsx import XlsxStore
from sync.stores.xlsx_fast import _cast_number, _dates, read_fast
from tests.test_xlsx_formulas import with_cached_results

TODAY = date(2026, 11, 28)


def typed(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot with each value's type beside it: 5 == 5.0 and EmptyResult() == "" must not pass."""
    return {
        title: (
            tab.hidden,
            tab.notes,
            [[(type(v).__name__, v) for v in row] for row in tab.rows],
        )
        for title, tab in snapshot.tabs.items()
    }


def assert_same_snapshot(path: Path, fast_expected: bool = True) -> Snapshot:
    fast = XlsxStore(path).read()
    slow = XlsxStore(path).read_with_openpyxl()
    assert typed(fast) == typed(slow)
    assert fast.version == slow.version
    if fast_expected:
        assert read_fast(path.read_bytes()) is not None, "the fast read fell back to openpyxl"
    return fast


TEXT = st.text(
    alphabet=string.ascii_letters + string.digits + " ,.-=+@#&<>\"'\n" + "営業商談受注東京ｱｲｳ①", max_size=12
)
ERROR_VALUES = ("#N/A", "#DIV/0!", "#VALUE!")
DATETIMES = st.datetimes(min_value=datetime(1899, 12, 30), max_value=datetime(2100, 1, 1))
VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    TEXT,
    st.just(""),
    DATETIMES,
    DATETIMES.map(lambda d: d.date()),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    st.sampled_from(["=1+1", '=IF(A1="","",A1)', "=SUM(A1:A3)", "=TODAY()"]),  # never computed: unreadable
    st.sampled_from(ERROR_VALUES),  # error cells
)
FORMATS = st.sampled_from(
    [
        None,
        "General",
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
        "hh:mm",
        "[h]:mm:ss",
        "0.00",
        "0%",
        '"¥"#,##0',
        "m/d/yy",
    ]
)
CELLS = st.tuples(VALUES, FORMATS, st.one_of(st.none(), TEXT.filter(bool)))
TABS = st.lists(
    st.tuples(
        st.lists(st.lists(CELLS, max_size=5), max_size=6),
        st.sampled_from(["visible", "hidden", "veryHidden"]),
    ),
    min_size=1,
    max_size=3,
)


def write_workbook(path: Path, tabs: list[tuple[list[list[tuple[Any, Any, Any]]], str]]) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, (rows, state) in enumerate(tabs):
        sheet = workbook.create_sheet(["Deals", "商談", "Log"][index])
        for r, row in enumerate(rows, start=1):
            for c, (value, number_format, note) in enumerate(row, start=1):
                cell = sheet.cell(r, c)
                if value in ERROR_VALUES:  # random text that merely starts with "#" stays text
                    cell.value, cell.data_type = value, "e"
                else:
                    cell.value = value
                if number_format:
                    cell.number_format = number_format
                if note:
                    cell.comment = Comment(note, "Sato")
        sheet.sheet_state = state
    if all(ws.sheet_state != "visible" for ws in workbook.worksheets):
        workbook.worksheets[0].sheet_state = "visible"  # a workbook shows at least one tab
    workbook.save(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tabs=TABS)
@example(tabs=[([[(9007199254740994.0, None, None)]], "visible")])  # a whole float beyond 2**53
@example(tabs=[([[("#", None, None)]], "visible")])  # text starting with "#" (was written as an error)
def test_random_workbooks_read_the_same_fast_and_with_openpyxl(tabs, tmp_path_factory):
    path = tmp_path_factory.mktemp("fast") / "book.xlsx"
    write_workbook(path, tabs)
    assert_same_snapshot(
        path,
        fast_expected=not any(
            beyond_dates(cell) or beyond_exact_floats(cell)
            for rows, _ in tabs
            for row in rows
            for cell in row
        ),
    )


def beyond_exact_floats(cell: tuple[Any, Any, Any]) -> bool:
    """A whole number beyond 2**53 is written without a decimal point, and calamine's float is not the int
    openpyxl reads: the fast read leaves such a sheet to openpyxl (found by this test: 9007199254740994.0)."""
    value = cell[0]
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > 2**53


def beyond_dates(cell: tuple[Any, Any, Any]) -> bool:
    """A number in a date format outside years 1–9999: left to openpyxl (it reads #VALUE!)."""
    value, number_format, _ = cell
    dated = number_format not in (None, "General", "0.00", "0%", '"¥"#,##0')
    return dated and isinstance(value, int | float) and not -693_593 <= value <= 2_958_465


def test_edge_values_read_the_same(tmp_path):
    path = tmp_path / "edges.xlsx"
    cells: list[tuple[Any, Any, Any]] = [
        (5, None, None),
        (5.0, None, None),
        (1e20, None, None),
        (-0.0, None, None),
        (0.1 + 0.2, None, None),
        (44000.5, "yyyy-mm-dd", None),
        (0, "yyyy-mm-dd", None),
        (59, "yyyy-mm-dd", None),
        (60, "yyyy-mm-dd", None),
        (61, "yyyy-mm-dd", None),
        (-5, "yyyy-mm-dd", None),
        (1.5, "[h]:mm", None),
        (datetime(2026, 11, 30, 10, 30, 15, 123456), None, None),
        (time(23, 59, 59, 999999), None, None),
        ("  spaces  ", None, None),
        ("a\nb", None, "note\nwith lines"),
        ("", None, "a note on an empty text"),
        (None, None, "a note on an empty cell"),
    ]
    write_workbook(path, [([cells[i : i + 4] for i in range(0, len(cells), 4)], "visible")])
    assert_same_snapshot(path)


def test_a_date_beyond_the_dates_openpyxl_holds_is_left_to_openpyxl(tmp_path):
    path = tmp_path / "far.xlsx"
    write_workbook(path, [([[(10**9, "yyyy-mm-dd", None), (3, None, None)]], "visible")])
    assert read_fast(path.read_bytes()) is None
    assert XlsxStore(path).read().tabs["Deals"].rows == [["#VALUE!", 3]]


@pytest.mark.parametrize(
    "results",
    [
        {
            "A1": ("", "42"),
            "B1": ("str", "D-000042"),
            "C1": ("str", ""),
            "D1": ("b", "1"),
            "E1": ("e", "#N/A"),
        },
        {
            "A1": ("", "46350"),
            "B1": ("", "2.5"),
            "C1": ("", "7.0"),
            "D1": ("str", "a &amp; b"),
            "E1": ("", "1E+3"),
        },
        {"A1": ("", "0.25"), "B1": ("str", " "), "E1": ("str", "")},  # C1, D1 never computed
    ],
)
def test_formulas_with_and_without_stored_results_read_the_same(tmp_path, results):
    path = tmp_path / "formulas.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Deals"
    sheet.append(['="D-"&TEXT(42,"000000")', '="D-"&"1"', '=IF(1,"","x")', "=1=1", "=NA()", "kept"])
    sheet["A1"].number_format = "yyyy-mm-dd"
    sheet.append(["=A1+1", "=B1&B1"])
    workbook.save(path)
    with_cached_results(path, "xl/worksheets/sheet1.xml", results)
    assert_same_snapshot(path)


def test_shared_formulas_read_the_same(tmp_path):
    path = tmp_path / "shared.xlsx"
    workbook = Workbook()
    workbook.active.title = "Deals"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f></c></row>'
        '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/></c></row>'
        '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>'
    )
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r"<sheetData\s*/>|<sheetData></sheetData>", f"<sheetData>{rows}</sheetData>", xml
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    snapshot = assert_same_snapshot(path)
    assert snapshot.tabs["Deals"].rows[1] == [2, "=A2*2"]


@pytest.mark.heavy  # the demo on a fixed day, twice: not rerun under the shifted clock
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_demo_reads_the_same_before_and_after_a_cycle(tmp_path, locale):
    from sync.jobs.cycle import run_cycle
    from sync.jobs.setup import make_demo

    path = tmp_path / "demo.xlsx"
    config = load_config(None, **{"store.path": str(path), "locale": locale})
    make_demo(config, today=TODAY)
    assert_same_snapshot(path)
    run_cycle(XlsxStore(path), config, TODAY)
    assert_same_snapshot(path)


@pytest.mark.heavy
def test_the_benchmark_size_s_reads_the_same(tmp_path):
    from benchmarks.generate import SIZES, person_grids
    from tests.stores import StoreMaker

    grids = person_grids(SIZES["S"])
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(grids)  # type: ignore[arg-type,return-value]
    assert_same_snapshot(store.path)
    from sync.jobs.cycle import run_cycle

    run_cycle(store, config, TODAY)  # the first sync: derived columns, state and generated tabs
    assert_same_snapshot(store.path)


def test_a_write_after_a_fast_read_keeps_peoples_formulas_and_results(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Deals"
    sheet.append(["id", "amount", "note"])
    sheet.append(['="D-"&"1"', "=1000*2", "kept"])
    sheet["C2"].comment = Comment("keep me", "Sato")
    workbook.save(path)
    with_cached_results(path, "xl/worksheets/sheet1.xml", {"A2": ("str", "D-1"), "B2": ("", "2000")})
    store = XlsxStore(path)
    before = store.read()
    store.write(
        ChangeSet(cells=[CellWrite("Deals", 1, 3, "derived")], appends=[RowAppend("Deals", ("D-2", 5))])
    )
    after = XlsxStore(path).read_with_openpyxl()
    assert after.tabs["Deals"].rows[1] == ["D-1", 2000, "kept", "derived"]
    assert after.tabs["Deals"].rows[2] == ["D-2", 5]
    assert after.tabs["Deals"].notes == before.tabs["Deals"].notes == {(1, 2): "keep me"}
    assert load_workbook(path)["Deals"]["B2"].value == "=1000*2"
    assert_same_snapshot(path)


@pytest.mark.parametrize("when", ["after_read", "during_write"])
def test_a_workbook_saved_by_a_person_after_the_fast_read_is_not_overwritten(tmp_path, monkeypatch, when):
    path = tmp_path / "book.xlsx"
    workbook = Workbook()
    workbook.active.title = "Deals"
    workbook.active.append(["id", "note"])
    workbook.save(path)
    store = XlsxStore(path)
    store.read()

    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook

    save = OpenpyxlWorkbook.save

    def person_saves() -> None:
        edited = load_workbook(path)
        edited["Deals"]["B2"] = "typed by a person"
        save(edited, path)
        os.utime(path, ns=(1, 1))  # (a different modification time, whatever the clock's resolution)

    if when == "after_read":
        person_saves()
    else:

        def save_then_person_saves(self, filename):  # type: ignore[no-untyped-def]
            save(self, filename)
            person_saves()

        monkeypatch.setattr(OpenpyxlWorkbook, "save", save_then_person_saves)
    with pytest.raises(WriteConflictError, match="changed on disk"):
        store.write(ChangeSet(cells=[CellWrite("Deals", 1, 0, "D-1")]))
    monkeypatch.undo()
    assert XlsxStore(path).read().tabs["Deals"].rows == [["id", "note"], [None, "typed by a person"]]
    assert sorted(os.listdir(tmp_path)) == ["book.xlsx"]


# -- what the byte-level scan relies on: each shortcut, and the fallback where it does not hold ----------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_with_cells(
    path: Path, sheet_data: str, *, whole: str | None = None, styles: bool = True
) -> None:
    """A workbook whose first tab holds `sheet_data` (the <row> elements, as some writer put them), or
    whose tab's XML is `whole`. Cell styles: 1 yyyy-mm-dd, 2 [h]:mm, 3 0.00 (an openpyxl workbook's own);
    without `styles`, the workbook has no styles part at all."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Deals"
    for column, number_format in enumerate(["yyyy-mm-dd", "[h]:mm", "0.00"], start=1):
        sheet.cell(1, column, 1).number_format = number_format
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert re.search(r'<c r="A1" s="1"', xml) and re.search(r'<c r="C1" s="3"', xml)
    xml = re.sub(r"<sheetData>.*</sheetData>|<sheetData\s*/>", f"<sheetData>{sheet_data}</sheetData>", xml)
    parts["xl/worksheets/sheet1.xml"] = (whole if whole is not None else xml).encode()
    if not styles:
        del parts["xl/styles.xml"]
        for name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            parts[name] = re.sub(rb"<(Override|Relationship)[^>]*styles[^>]*/>", b"", parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def row(r: int, cells: str, attrs: str = "") -> str:
    return f'<row r="{r}"{attrs}>{cells}</row>'


def dates_column(rows: int, cell: str = '<c r="A{r}" s="1"><v>{serial}</v></c>') -> str:
    return "".join(row(r, cell.format(r=r, serial=46000 + r * 0.25)) for r in range(1, rows + 1))


READ_FAST = [
    ("a date column", dates_column(30)),
    ("dates and date-times, t=n", dates_column(5, '<c r="B{r}" s="1" t="n"><v>{serial}</v></c>')),
    ("a date style before the reference", dates_column(5, '<c r="A{r}" t="n" s="1"><v>{serial}</v></c>')),
    ("a styled row", row(1, '<c r="A1" s="1"><v>46000</v></c>', ' s="1" customFormat="1"')),
    (
        "a text that reads like a date style",
        row(1, '<c r="A1" t="inlineStr"><is><t>x s="1" y</t></is></c><c r="B1" s="1"><v>46000</v></c>'),
    ),
    (
        "durations, times of day, early serials",
        row(
            1,
            '<c r="A1" s="2"><v>1.5</v></c><c r="B1" s="1"><v>0.25</v>'
            '</c><c r="C1" s="1"><v>59</v></c><c r="D1" s="1"><v>61</v></c>',
        ),
    ),
    (
        "a date style on text, a boolean, nothing",
        row(
            1,
            '<c r="A1" s="1" t="inlineStr"><is><t>soon</t></is></c>'
            '<c r="B1" s="1" t="b"><v>1</v></c><c r="C1" s="1"/>'
            '<c r="D1" s="1"><v></v></c>',
        ),
    ),
    (
        "numbers stored as text",
        row(
            1,
            '<c r="A1" t="inlineStr"><is><t>5</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>5.0</t></is></c><c r="C1" t="str"><v>7</v></c>',
        ),
    ),
    ("booleans", row(1, '<c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c>')),
    (
        "integral numbers stored as floats",
        row(
            1,
            '<c r="A1"><v>5.0</v></c><c r="B1"><v>5.</v></c><c r="C1" s="3">'
            '<v>5.00</v></c><c r="D1"><v>1E+3</v></c><c r="E1"><v>2.5E+2</v></c>'
            '<c r="F1"><v>1e3</v></c><c r="G1"><v>-0</v></c><c r="H1"><v>12</v></c>',
        ),
    ),
    (
        "integers a float still holds",
        row(
            1,
            '<c r="A1"><v>9007199254740992</v></c><c r="B1"><v>1E+16</v></c>'
            '<c r="C1"><v>-9007199254740991</v></c>',
        ),
    ),
    (
        "errors, and a text that reads like one",
        row(
            1,
            '<c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="inlineStr">'
            '<is><t>x t="e" y</t></is></c><c r="C1" t="e"><f>1/0</f>'
            "<v>#DIV/0!</v></c>",
        ),
    ),
    (
        "empty texts, inline",
        row(
            1,
            '<c r="A1" t="inlineStr"><is/></c><c r="B1" t="inlineStr"><is></is></c>'
            '<c r="C1" t="inlineStr"><is><t/></is></c><c r="D1" t="inlineStr"><is>'
            '<t xml:space="preserve"></t></is></c><c r="E1" t="inlineStr"><is><r><t></t></r>'
            '</is></c><c r="F1" t="inlineStr"><is><r><rPr><b/></rPr><t>a</t></r><r><t>b</t>'
            "</r></is></c>",
        ),
    ),
    (
        "a formula's text result",
        row(
            1,
            '<c r="A1" t="str"><f>"D-"&amp;1</f><v>D-1</v></c>'
            '<c r="B1" t="str"><f>""</f><v></v></c><c r="C1" s="1"><f>A2+1</f><v>46001</v></c>',
        ),
    ),
    ("rows without a reference", '<row><c r="A1"><v>1</v></c></row><row><c r="A2"><v>2</v></c></row>'),
]


@pytest.mark.parametrize("sheet_data", [case for _, case in READ_FAST], ids=[name for name, _ in READ_FAST])
def test_cells_as_writers_store_them_read_the_same_fast(tmp_path, sheet_data):
    path = tmp_path / "cells.xlsx"
    workbook_with_cells(path, sheet_data)
    assert_same_snapshot(path)


def test_a_workbook_without_styles_reads_the_same_fast(tmp_path):
    path = tmp_path / "plain.xlsx"
    workbook_with_cells(
        path, row(1, '<c r="A1"><v>46000</v></c><c r="B1" s="0"><v>2.5</v></c>'), styles=False
    )
    assert "xl/styles.xml" not in zipfile.ZipFile(path).namelist()
    assert assert_same_snapshot(path).tabs["Deals"].rows == [[46000, 2.5]]


PREFIXED = (
    f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="e"><x:v>#N/A</x:v></x:c>'
    '<x:c r="B1" s="1"><x:v>46000</x:v></x:c><x:c r="C1"><x:v>5.0</x:v></x:c></x:row></x:sheetData></x:worksheet>'
)
LEFT_TO_OPENPYXL = [
    ("a namespace prefix", "", PREFIXED),
    (
        "a prefix declared in the sheet data",
        row(1, f'<x:c xmlns:x="{MAIN}" r="A1" t="e"><x:v>#N/A</x:v></x:c>'),
        None,
    ),
    ("a cell without a reference", row(1, '<c t="e"><v>#N/A</v></c><c><v>5.0</v></c>'), None),
    ("a reference after another attribute", row(1, '<c t="e" r="A1"><v>#N/A</v></c>'), None),
    (
        "a comment in the sheet data",
        row(1, '<c r="A1"><v>5.0</v></c><!-- <c r="B1" t="e"><v>#N/A</v></c> -->'),
        None,
    ),
    ("a formula after its value", row(1, '<c r="A1"><v>3</v><f>1+2</f></c>'), None),
    ("an integer beyond a float", row(1, '<c r="A1"><v>9007199254740993</v></c>'), None),
    ("an ISO date", row(1, '<c r="A1" t="d"><v>2026-11-28</v></c>'), None),
]


@pytest.mark.parametrize(
    "sheet_data, whole", [case[1:] for case in LEFT_TO_OPENPYXL], ids=[case[0] for case in LEFT_TO_OPENPYXL]
)
def test_what_the_scan_cannot_promise_is_read_by_openpyxl(tmp_path, sheet_data, whole):
    path = tmp_path / "odd.xlsx"
    workbook_with_cells(path, sheet_data, whole=whole)
    assert read_fast(path.read_bytes()) is None
    assert_same_snapshot(path, fast_expected=False)


@pytest.mark.heavy
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_by_libreoffice_shared_strings_reads_the_same_fast(tmp_path):
    """LibreOffice stores texts as shared strings, and its own way of writing cells and styles."""
    path = tmp_path / "book.xlsx"
    cells = [
        [("Deal", None, None), ("", None, None), (46000.5, "yyyy-mm-dd hh:mm", None), (5, "0.00", None)],
        [("D-1", None, "a note"), (True, None, None), (44000, "yyyy-mm-dd", None), (2.5, None, None)],
        [
            ("=1+1", None, None),
            ("#N/A", None, None),
            (timedelta(hours=30), "[h]:mm", None),
            ("5", None, None),
        ],
    ]
    write_workbook(path, [(cells, "visible"), ([[("hidden", None, None)]], "hidden")])
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "lo"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = tmp_path / "lo" / "book.xlsx"
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(saved).namelist()
    assert_same_snapshot(saved)


@settings(max_examples=300, deadline=None)
@given(
    serial=st.one_of(
        st.floats(min_value=-693_593, max_value=2_958_465, allow_nan=False),
        st.integers(min_value=0, max_value=2_958_464).map(lambda d: d + 0.5 / 86_400_000),  # half a ms
        st.integers(min_value=0, max_value=2_958_465).map(float),
        st.integers(min_value=0, max_value=2_958_464).map(lambda d: d + 0.9999999999),
    ),
    epoch=st.sampled_from([WINDOWS_EPOCH, MAC_EPOCH]),
    duration=st.booleans(),
)
def test_date_serials_convert_as_openpyxl_converts_them(serial, epoch, duration):
    """The serials numpy converts (most), and the ones left to from_excel, read as openpyxl reads them."""
    text = repr(serial).encode()
    try:
        expected = from_excel(_cast_number(text), epoch, timedelta=duration)
    except (OverflowError, ValueError):
        expected = "#VALUE!"  # (as openpyxl reads a date beyond the ones it can hold)
    converted = _dates([text], [b"7"], epoch, {7}, {7} if duration else set())
    assert [(type(v), v) for v in converted] == [(type(expected), expected)]


def test_a_note_beside_merged_cells_is_left_to_openpyxl(tmp_path):
    """openpyxl drops a note on a merged cell (with a warning): the fast read does not guess which."""
    path = tmp_path / "merged.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Deals"
    sheet.append(["merged", None, "noted"])
    sheet.merge_cells("A1:B1")
    sheet["C1"].comment = Comment("a note", "Sato")
    workbook.save(path)
    assert read_fast(path.read_bytes()) is None
    assert_same_snapshot(path, fast_expected=False)


INDENTED = (
    '\n  <row r="1">\n    <c r="A1" s="1">\n      <v>46000</v>\n    </c>\n    <c r="B1" t="e">\n      <v>#N/A</v>\n'
    '    </c>\n    <c r="C1">\n      <f>1+1</f>\n      <v>2</v>\n    </c>\n    <c r="D1" t="inlineStr">\n      <is>\n'
    '        <t/>\n      </is>\n    </c>\n    <c r="E1" t="inlineStr"><is>\n<t>kept</t>\n</is></c>\n  </row>\n'
)


@pytest.mark.parametrize(
    "sheet_data",
    [
        INDENTED,
        row(1, '<c r="A1" s="1"><v>46000</v><extLst/></c>'),
        row(1, '<c r="A1" t="e"> <v>#N/A</v></c>'),
    ],
    ids=["indented", "another child after the value", "a space before the value"],
)
def test_a_sheet_written_with_whitespace_between_elements_reads_the_same(tmp_path, sheet_data):
    """Whitespace or another element between a cell's tag and its value must not read as an empty cell."""
    path = tmp_path / "indented.xlsx"
    workbook_with_cells(path, sheet_data)
    assert_same_snapshot(path, fast_expected=False)
