"""A workbook's values read without openpyxl: the snapshot openpyxl would give, at a fraction of the cost.

openpyxl builds a Cell object (and, for the inline strings it writes, a rich-text tree) for every cell: at
team scale (≈1.4M cells) loading is 8–9 s and 770 MiB. python-calamine reads the values in Rust; a light
pass over the zip's XML adds what calamine does not say, exactly as openpyxl reads it:
- numbers: calamine gives every number as a float; openpyxl an int unless the stored text has a '.' or an
  exponent (found in the XML);
- dates, times and durations: by openpyxl's own date formats and conversion, from the stored serials;
- errors (#N/A…), which calamine reads as empty; an empty text, which calamine cannot tell from no value;
- formulas: their cached results as calamine reads them; without a stored result, the formula's text
  (FormulaText, unreadable) or, for a stored empty text, EmptyResult — as sync.stores.xlsx does;
- cell notes (the comments parts) and hidden tabs (workbook.xml), with openpyxl's own small parsers.
Whatever this pass does not reproduce exactly (another XML prefix, cells without a reference, ISO dates,
escaped characters, giant integers, a date calamine sees where openpyxl sees none) makes it answer None,
and the store reads the workbook with openpyxl as before.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree.ElementTree import fromstring
from xml.sax.saxutils import unescape

import python_calamine
from openpyxl.comments.comment_sheet import CommentSheet
from openpyxl.formula.translate import Translator
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel
from openpyxl.xml.constants import COMMENTS_NS

from sheets_schema.parsing import EmptyResult, FormulaText
from sync.core.snapshot import TabData

_ENTITIES = {"&quot;": '"', "&apos;": "'"}

# what the fast pass does not reproduce: escaped characters (_x000D_, openpyxl and calamine unescape them
# differently), ISO-dated cells
_NOT_EXACT = re.compile(rb'_x[0-9A-Fa-f]{4}_|\st="d"')
_LONG_INTEGER = re.compile(rb"<v>-?([0-9]{16,})</v>")  # beyond 2**53 a float (calamine's) is not the int
_FORMULA = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"([^>]*)>(?:<f\b([^>]*)/>|<f\b([^>]*)>([^<]*)</f>)(?:<v>([^<]*)</v>|<v\s*/>)?',
    re.S,
)
_ERROR = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*\st="e"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]*)</v>', re.S
)
# a stored number that may be integral and yet have a '.' or an exponent (openpyxl reads those as floats)
_FLOAT_TEXT = re.compile(rb"<v>(-?[0-9]*\.0*|-?[0-9.]*[eE][-+]?[0-9]+)</v>")
_EMPTY_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*><is>(?:<t\b[^>]*/>|<t\b[^>]*></t>)</is>')
_CELL_TAG = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)>')
_TYPE = re.compile(rb'\st="([a-zA-Z]+)"')


@dataclass
class FastRead:
    tabs: dict[str, TabData]
    # per tab, each formula cell's stored result (0-based row, column) as a data_only read gives it ("" for
    # a stored empty text, None for none): what sync.stores.xlsx_formulas puts back after a save
    results: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)


def read_fast(data: bytes) -> FastRead | None:
    """The tabs of the workbook in `data` as sync.stores.xlsx reads them with openpyxl, or None when this
    pass cannot promise the same."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _read(archive, data)
    except (_NotExact, KeyError, ValueError, zipfile.BadZipFile, python_calamine.CalamineError):
        return None  # (a file that is not a workbook: the openpyxl read says what is wrong with it)


class _NotExact(Exception):
    pass


def _read(archive: zipfile.ZipFile, data: bytes) -> FastRead:
    names = set(archive.namelist())
    parser = WorkbookParser(archive, "xl/workbook.xml")
    parser.parse()
    epoch = parser.wb.epoch
    dates, durations = _date_styles(archive, names)
    strings = archive.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else b""
    if strings and (
        b"x005F_" in strings or _NOT_EXACT.search(strings) or (b"<si" in strings and _has_empty(strings))
    ):
        raise _NotExact
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    read = FastRead({})
    for sheet, rel in parser.find_sheets():
        if rel.target not in names or "chartsheet" in rel.Type:
            continue
        xml = archive.read(rel.target)
        if b"<sheetData" not in xml or _NOT_EXACT.search(xml) or not _all_referenced(xml):
            raise _NotExact
        if any(int(m.group(1)) > 2**53 for m in _LONG_INTEGER.finditer(xml)):
            raise _NotExact
        if b"<mergeCell " in xml and get_rels_path(rel.target) in names:
            raise _NotExact  # openpyxl drops a note on a merged cell (with a warning)
        dated = _dated_cells(xml, epoch, dates, durations)
        rows, results = _values(_calamine_grid(book, sheet.name), xml, dated, dates)
        hidden = (sheet.state or "visible") != "visible"
        read.tabs[sheet.name] = TabData(
            sheet.name, rows, hidden=hidden, notes=_notes(archive, names, rel.target)
        )
        if results:
            read.results[sheet.name] = results
    return read


def _all_referenced(xml: bytes) -> bool:
    """Every cell and row names its place (openpyxl and calamine count unnamed ones alike, but this pass
    finds cells by their reference)."""
    return (
        xml.count(b"<c ") == xml.count(b'<c r="')
        and xml.count(b"<row ") == xml.count(b'<row r="')
        and b"<c>" not in xml
        and b"<row>" not in xml
    )


def _has_empty(strings: bytes) -> bool:
    """An empty shared string reads as "" in openpyxl and as no value in calamine: rare, left to openpyxl."""
    return re.search(rb"<si>(?:<t\b[^>]*/>|<t\b[^>]*></t>)?</si>|<si/>", strings) is not None


def _date_styles(archive: zipfile.ZipFile, names: set[str]) -> tuple[set[int], set[int]]:
    if "xl/styles.xml" not in names:
        return set(), set()
    stylesheet = Stylesheet.from_tree(fromstring(archive.read("xl/styles.xml")))
    return set(stylesheet.date_formats), set(stylesheet.timedelta_formats)


def _calamine_grid(book: python_calamine.CalamineWorkbook, title: str) -> list[list[Any]]:
    try:
        return book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except BaseException as failed:  # a Rust panic is raised as a BaseException (pyo3's PanicException)
        if type(failed).__name__ == "PanicException":
            raise _NotExact from failed
        raise


def _beyond_dates(text: bytes | None) -> bool:
    try:
        return bool(text) and not -693_593 <= float(text or 0) <= 2_958_465  # years 1 to 9999
    except ValueError:
        return True


def _values(
    grid: list[list[Any]],
    xml: bytes,
    dated: dict[tuple[int, int], Any],
    dates: set[int],
) -> tuple[list[list[Any]], dict[tuple[int, int], Any]]:
    # calamine gives every number as a float, and "" for no value: openpyxl reads "5" as an int (what
    # openpyxl's %.16g, Excel and LibreOffice store for an integral number; "5.0" is put back below)
    rows = [
        [
            (None if v == "" else v)
            if type(v) is not float
            else (int(v) if v.is_integer() and -1e16 < v < 1e16 else v)
            for v in row
        ]
        for row in grid
    ]
    calamine_dates = sum(sum(map(_DATE_TYPES.__contains__, map(type, row))) for row in rows)
    for (r, c), value in dated.items():
        if r < len(rows) and c < len(rows[r]) and type(rows[r][c]) in _DATE_TYPES:
            calamine_dates -= 1
        if value is not _KEEP:
            _put(rows, r, c, value)
    if calamine_dates:
        raise _NotExact  # a date calamine found where openpyxl reads a number (their date formats differ)
    for match in _FLOAT_TEXT.finditer(xml):
        number = float(match.group(1))
        if number.is_integer():
            r, c, attrs = _cell_before(xml, match.start())
            if _numeric(attrs) and _style(attrs) not in dates:
                _put(rows, r, c, number)
    for match in _ERROR.finditer(xml) if b't="e"' in xml else ():
        r, c = _at(match.group(1))
        _put(rows, r, c, _text(match.group(2)))
    for match in _EMPTY_INLINE.finditer(xml) if b"</t></is>" in xml or b"/></is>" in xml else ():
        r, c = _at(match.group(1))
        _put(rows, r, c, "")
    results = _formulas(xml, rows)
    return _trimmed(rows), results


_DATE_TYPES = frozenset({date, datetime, time, timedelta})


def _cast_number(text: bytes) -> float | int:
    """As openpyxl reads a stored number."""
    return float(text) if b"." in text or b"e" in text or b"E" in text else int(text)


def _numeric(attrs: bytes) -> bool:
    return b' t="' not in attrs or b' t="n"' in attrs


def _dated_cells(
    xml: bytes, epoch: datetime, dates: set[int], durations: set[int]
) -> dict[tuple[int, int], Any]:
    """The cells in a date style, each with its value as openpyxl reads it (by its own date formats and
    conversion, from the stored serial), or _KEEP for one that holds no number (calamine's value stands).
    Before calamine reads the tab: it aborts on a date serial outside the years it can hold."""
    if not dates:
        return {}
    styles = b"|".join(str(s).encode() for s in sorted(dates))
    pattern = re.compile(
        rb'<c r="([A-Z]+)([0-9]+)"((?=[^>]*\ss="(' + styles + rb')")[^>]*)>'
        rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?(?:<v>([^<]*)</v>)?",
    )
    found: dict[tuple[int, int], Any] = {}
    converted: dict[tuple[bytes, bytes], Any] = {}  # the same serial in the same style: one conversion
    columns = _COLUMNS
    for match in pattern.finditer(xml):
        letters, digits, attrs, style, text = match.groups()
        if letters not in columns:
            _at(letters + b"1")
        at = (int(digits) - 1, columns[letters])
        if not text or not (b' t="' not in attrs or b' t="n"' in attrs):
            found[at] = _KEEP
            continue
        key = (text, style)
        if key not in converted:
            if _beyond_dates(text):
                raise _NotExact
            converted[key] = _serial(_cast_number(text), int(style), epoch, dates, durations)
        found[at] = converted[key]
    return found


_KEEP = object()


def _serial(number: float | int, style: int, epoch: datetime, dates: set[int], durations: set[int]) -> Any:
    if style not in dates:
        return number
    try:
        return from_excel(number, epoch, timedelta=style in durations)
    except (OverflowError, ValueError):
        return "#VALUE!"  # as openpyxl: a date serial outside the dates it can hold reads as an error


def _formulas(xml: bytes, rows: list[list[Any]]) -> dict[tuple[int, int], Any]:
    """Each formula cell's value as sync.stores.xlsx reads it, and its stored result (see FastRead)."""
    results: dict[tuple[int, int], Any] = {}
    shared: dict[str, Translator] = {}
    for match in _FORMULA.finditer(xml):
        coordinate = match.group(1).decode()
        r, c = _at(match.group(1))
        attrs, cached = match.group(2), match.group(6)
        formula = _formula_text(match, coordinate, shared)
        if cached:
            result = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        elif _kind(attrs) == "str":
            result = ""
        else:
            result = None
        results[(r, c)] = result
        if result == "":
            _put(rows, r, c, EmptyResult())
        elif result is None:
            _put(rows, r, c, FormulaText(formula))
    return results


def _formula_text(match: re.Match[bytes], coordinate: str, shared: dict[str, Translator]) -> str:
    """The formula as openpyxl reads it (a shared formula translated to this cell, a data table's none)."""
    attrs = (match.group(3) if match.group(3) is not None else match.group(4)).decode()
    text = "=" + _text(match.group(5) or b"")
    kind = re.search(r'\st="(\w+)"', attrs)
    if kind and kind.group(1) == "shared":
        index = re.search(r'\ssi="(\d+)"', attrs)
        key = index.group(1) if index else ""
        if key in shared:
            return str(shared[key].translate_formula(coordinate))
        if text != "=":
            shared[key] = Translator(text, coordinate)
    if kind and kind.group(1) == "dataTable":
        return ""
    return text


def _notes(archive: zipfile.ZipFile, names: set[str], target: str) -> dict[tuple[int, int], str]:
    rels_path = get_rels_path(target)
    if rels_path not in names:
        return {}
    notes: dict[tuple[int, int], str] = {}
    for rel in get_dependents(archive, rels_path).find(COMMENTS_NS):
        for ref, comment in CommentSheet.from_tree(fromstring(archive.read(rel.target))).comments:
            notes[_at(ref.encode())] = comment.text
    return notes


def _cell_before(xml: bytes, position: int) -> tuple[int, int, bytes]:
    start = xml.rfind(b"<c ", 0, position)
    tag = _CELL_TAG.match(xml, start)
    if tag is None:
        raise _NotExact
    r, c = _at(tag.group(1))
    return r, c, tag.group(2)


def _kind(attrs: bytes) -> str:
    found = _TYPE.search(attrs)
    return found.group(1).decode() if found else "n"


_STYLE = re.compile(rb'\ss="([0-9]+)"')


def _style(attrs: bytes) -> int:
    found = _STYLE.search(attrs)
    return int(found.group(1)) if found else 0


_COORDINATE = re.compile(rb"([A-Z]+)([0-9]+)")
_COLUMNS: dict[bytes, int] = {}


def _at(coordinate: bytes) -> tuple[int, int]:
    """A1 -> (0, 0)."""
    letters, digits = _COORDINATE.fullmatch(coordinate).groups()  # type: ignore[union-attr]
    if letters not in _COLUMNS:
        _COLUMNS[letters] = coordinate_to_tuple(letters.decode() + "1")[1] - 1
    return int(digits) - 1, _COLUMNS[letters]


def _text(raw: bytes) -> str:
    text = unescape(raw.decode("utf-8"), _ENTITIES)
    if "&#" in text:
        text = re.sub(
            r"&#(x[0-9a-fA-F]+|[0-9]+);",
            lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[0] == "x" else int(m.group(1))),
            text,
        )
    return text


def _put(rows: list[list[Any]], r: int, c: int, value: Any) -> None:
    while len(rows) <= r:
        rows.append([])
    line = rows[r]
    while len(line) <= c:
        line.append(None)
    line[c] = value


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    out = []
    for line in rows:
        end = len(line)
        while end and line[end - 1] in (None, ""):
            end -= 1
        out.append(line[:end])
    while out and not out[-1]:
        out.pop()
    return out


__all__ = ["WINDOWS_EPOCH", "FastRead", "read_fast"]
