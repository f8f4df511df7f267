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
Whatever this pass does not reproduce exactly (another XML prefix, cells without a reference or with it
after another attribute, a namespace declaration, comment or CDATA section in the sheet data, a formula
after its value, ISO dates, escaped characters, giant integers, a date calamine sees where openpyxl sees
none) makes it answer None, and the store reads the workbook with openpyxl as before.

Speed (bench-M, 1.46M cells): calamine reads the tabs in a thread of its own while this one searches their
XML, with bytes.find and literal-led regular expressions over the sheet data only; calamine's floats become
ints column by column; date serials are converted with numpy. The read is about 1.5x calamine's own.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree.ElementTree import fromstring
from xml.sax.saxutils import unescape

import numpy
import python_calamine
from openpyxl.cell.text import Text
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
_MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Each sheet's XML is searched with bytes.find and regular expressions that start with a literal (both scan
# at memory speed); whatever one of them finds is then read where it stands. What the pass relies on:
# - every cell is written <c r="A1" ...> (a space, then its reference, first): cells are found by it;
# - the sheet's own namespace is the default one, declared once at the top: no prefixed cells (<x:c>);
# - no comment or CDATA section in the sheet data (one could hide a look-alike of a cell);
# - an attribute is preceded by whitespace and found by its name and value (s="4", t="e"), checked to be
#   in a cell's opening tag.
_CELL_WITHOUT_REFERENCE = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="[A-Z]+[0-9]+"))')
_ESCAPED = re.compile(rb"_x[0-9A-Fa-f]{4}_")  # (_x000D_: openpyxl and calamine unescape them differently)
_LONG_INTEGER = re.compile(rb"<v>-?([0-9]{16,})</v>")  # beyond 2**53 a float (calamine's) is not the int
# a cell's formula and value, right after its tag and up to its end (or its inline string): whitespace or
# another element between them would otherwise read as a cell that holds nothing
_CELL_CONTENT = rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?(?:<v>([^<]*)</v>)?(?=</c>|<is\b)"
_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"([^>]*?)(?:/>|>' + _CELL_CONTENT + rb")")
_FORMULA = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"([^>]*)>(?:<f\b([^>]*)/>|<f\b([^>]*)>([^<]*)</f>)(?:<v>([^<]*)</v>|<v\s*/>)?(?=</c>)',
    re.S,
)
_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_ERROR_OR_DATE_TYPE = re.compile(rb't="[de]"')
# a stored number that may be integral and yet have a '.' or an exponent (openpyxl reads those as floats)
_FLOAT_TEXT = re.compile(rb"<v>(-?[0-9]*+(?:\.0*+|(?:\.[0-9]*+)?[eE][-+]?[0-9]++))</v>")
# an inline string that openpyxl reads as "" and calamine as no value, or one with runs (read below)
_ODD_INLINE = re.compile(rb"<is(?:/>|>(?:</is>|<r\b|\s|<t\b[^>/]*+(?:/>|></t>)</is>))")
_INLINE = re.compile(rb"<is>.*?</is>", re.S)
_CELL_TAG = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)>')
_TYPE = re.compile(rb'\st="([a-zA-Z]+)"')
_WHITESPACE = frozenset(b" \t\r\n")


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
    sheets = [
        (sheet, rel)
        for sheet, rel in parser.find_sheets()
        if rel.target in names and "chartsheet" not in rel.Type
    ]
    # calamine reads the tabs in a thread of its own (it lets go of the interpreter while it parses) as this
    # one searches their XML: the two passes overlap rather than add up
    grids: queue.Queue[tuple[bool, Any]] = queue.Queue()
    stop = threading.Event()
    reader = threading.Thread(
        target=_calamine_grids, args=(data, [sheet.name for sheet, _ in sheets], grids, stop), daemon=True
    )
    reader.start()
    try:
        return _read_tabs(archive, names, parser.wb.epoch, sheets, grids)
    finally:
        stop.set()
        reader.join()


def _calamine_grids(
    data: bytes, titles: list[str], out: queue.Queue[tuple[bool, Any]], stop: threading.Event
) -> None:
    """Each tab's values as calamine reads them, in order, into `out` (or what it raised, and no more)."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for title in titles:
            if stop.is_set():
                return
            out.put((True, book.get_sheet_by_name(title).to_python(skip_empty_area=False)))
    except BaseException as failed:  # a Rust panic is raised as a BaseException (pyo3's PanicException)
        out.put((False, failed))


def _next_grid(grids: queue.Queue[tuple[bool, Any]]) -> list[list[Any]]:
    ok, grid = grids.get()
    if ok:
        return grid
    if type(grid).__name__ == "PanicException":
        raise _NotExact from grid
    raise grid


def _read_tabs(
    archive: zipfile.ZipFile,
    names: set[str],
    epoch: datetime,
    sheets: list[tuple[Any, Any]],
    grids: queue.Queue[tuple[bool, Any]],
) -> FastRead:
    dates, durations = _date_styles(archive, names)
    strings = archive.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else b""
    if strings and (
        b"x005F_" in strings
        or (b"_x" in strings and _ESCAPED.search(strings))
        or b't="d"' in strings
        or (b"<si" in strings and _has_empty(strings))
    ):
        raise _NotExact
    read = FastRead({})
    for sheet, rel in sheets:
        xml = archive.read(rel.target)
        scan = _Scan(xml, epoch, dates, durations)
        if get_rels_path(rel.target) in names and xml.find(b"<mergeCell ", scan.end) >= 0:
            raise _NotExact  # openpyxl drops a note on a merged cell (with a warning)
        rows, results = scan.values(_next_grid(grids))
        hidden = (sheet.state or "visible") != "visible"
        read.tabs[sheet.name] = TabData(
            sheet.name, rows, hidden=hidden, notes=_notes(archive, names, rel.target)
        )
        if results:
            read.results[sheet.name] = results
    return read


def _has_empty(strings: bytes) -> bool:
    """An empty shared string reads as "" in openpyxl and as no value in calamine: rare, left to openpyxl."""
    return re.search(rb"<si>(?:<t\b[^>]*/>|<t\b[^>]*></t>)?</si>|<si/>", strings) is not None


def _date_styles(archive: zipfile.ZipFile, names: set[str]) -> tuple[set[int], set[int]]:
    if "xl/styles.xml" not in names:
        return set(), set()
    stylesheet = Stylesheet.from_tree(fromstring(archive.read("xl/styles.xml")))
    return set(stylesheet.date_formats), set(stylesheet.timedelta_formats)


def _beyond_dates(text: bytes | None) -> bool:
    try:
        return bool(text) and not -693_593 <= float(text or 0) <= 2_958_465  # years 1 to 9999
    except ValueError:
        return True


_DATE_TYPES = frozenset({date, datetime, time, timedelta})
_EXACT_INT = 2**53  # up to which a float holds every integer: calamine's float of "…" is openpyxl's int
_NONE_FOR_EMPTY = {"": None}.get  # (v, v) -> None for "" (calamine's no value), v for anything else


class _Scan:
    """What a tab's XML says that calamine's values do not (see the module's docstring), found with a few
    searches over its bytes; then `values` puts it into calamine's grid."""

    def __init__(self, xml: bytes, epoch: datetime, dates: set[int], durations: set[int]) -> None:
        start = xml.find(b"<sheetData")
        end = xml.rfind(b"</sheetData>")
        if start < 0:
            raise _NotExact
        if end < 0:
            end = start  # (<sheetData/>)
        head = xml[:start]
        if (
            head.count(_MAIN_NS) != 1
            or b'xmlns="' + _MAIN_NS + b'"' not in head
            or xml.find(b"xmlns", start, end) >= 0
            or xml.find(b"<!", start, end) >= 0
            or _CELL_WITHOUT_REFERENCE.search(xml, start, end)
            or (b"_x" in xml and _ESCAPED.search(xml, start, end))
        ):
            raise _NotExact
        self.xml, self.start, self.end = xml, start, end
        self.dates = dates
        self.dated = self._dated_cells(epoch, dates, durations)
        self.floats = self._float_texts()
        self.errors = self._errors()
        self.empty_texts = self._empty_texts()
        self.formulas = [m for m in _FORMULA_TAG.finditer(xml, start, end)]
        self.formula_cells = [self._formula_cell(m.start()) for m in self.formulas]

    def _cell_at(self, position: int) -> re.Match[bytes] | None:
        """The cell whose opening tag holds `position` (an attribute's), or None if it is not in one."""
        xml = self.xml
        if xml[position - 1] not in _WHITESPACE:
            return None  # (another attribute's name ends so: ss="4")
        tag = xml.rfind(b"<", self.start, position)
        if not xml.startswith(b'<c r="', tag):
            return None  # (another element's, or text that reads like an attribute)
        cell = _CELL.match(xml, tag)
        if cell is None or cell.end(3) < position:
            raise _NotExact
        return cell

    def _dated_cells(
        self, epoch: datetime, dates: set[int], durations: set[int]
    ) -> tuple[list[int], list[int], list[Any]]:
        """The cells in a date style that hold a number (1-based rows, 0-based columns), each with its value as
        openpyxl reads it: by its own date formats and conversion, from the stored serial. (Another cell in
        a date style holds text, a boolean or nothing: calamine's value stands.)"""
        if not dates:
            return [], [], []
        styles = b"|".join(str(s).encode() for s in sorted(dates))
        xml, start, end = self.xml, self.start, self.end
        # most cells are written as Excel, LibreOffice and openpyxl write them: the style right after the
        # reference. Those are read by one expression; if every date style in the sheet data is in one of
        # them, that is all (otherwise, each one is read where it stands)
        cells = re.compile(
            rb'<c r="([A-Z]++)([0-9]++)" s="('
            + styles
            + rb')"((?: [a-z]++="[^"]*+")*+)(?:/>|>'
            + _CELL_CONTENT
            + rb")"
        ).findall(xml, start, end)
        anywhere = re.compile(rb's="(?:' + styles + rb')"')
        if len(cells) != len(anywhere.findall(xml, start, end)):
            cells = self._dated_cells_one_by_one(anywhere)
        if not cells:
            return [], [], []
        letters, digits, found_styles, attrs, texts = zip(*cells, strict=True)
        if b"" in texts or not _NUMERIC_ATTRIBUTES.issuperset(attrs):  # (text, a boolean, nothing)
            numbers = [cell for cell in cells if cell[4] and _numeric(cell[3])]
            if not numbers:
                return [], [], []
            letters, digits, found_styles, attrs, texts = zip(*numbers, strict=True)
        for unknown in set(letters).difference(_COLUMNS):
            _at(unknown + b"1")
        rows = list(map(int, digits))  # (1-based)
        columns = list(map(_COLUMNS.__getitem__, letters))
        values = _dates(texts, found_styles, epoch, dates, durations)
        return rows, columns, values

    def _dated_cells_one_by_one(self, anywhere: re.Pattern[bytes]) -> list[tuple[bytes, ...]]:
        """As _dated_cells finds them, each date style attribute read in the cell it is in."""
        xml, start = self.xml, self.start
        found: list[tuple[bytes, ...]] = []
        for match in anywhere.finditer(xml, start, self.end):
            cell = self._cell_at(match.start())
            if cell is not None:
                letters, digits, attrs, text = cell.groups()
                found.append((letters, digits, match.group()[3:-1], attrs, text or b""))
        return found

    def _float_texts(self) -> list[tuple[int, int, float]]:
        """The numbers stored as "5.0" or "1E+3": integral, yet floats to openpyxl."""
        found = []
        for match in _FLOAT_TEXT.finditer(self.xml, self.start, self.end):
            number = float(match.group(1))
            if number.is_integer():
                r, c, attrs = _cell_before(self.xml, match.start())
                if _numeric(attrs) and _style(attrs) not in self.dates:
                    found.append((r, c, number))
        return found

    def _errors(self) -> list[tuple[int, int, str]]:
        found = []
        for match in _ERROR_OR_DATE_TYPE.finditer(self.xml, self.start, self.end):
            if match.group() == b't="d"':
                raise _NotExact  # an ISO-dated cell (or text that reads like one)
            cell = self._cell_at(match.start())
            if cell is not None and cell.group(4) is not None:
                found.append((*_at(cell.group(1) + cell.group(2)), _text(cell.group(4))))
        return found

    def _empty_texts(self) -> list[tuple[int, int]]:
        """The inline strings that openpyxl reads as "" (calamine: no value)."""
        found = []
        xml = self.xml
        for match in _ODD_INLINE.finditer(xml, self.start, self.end):
            if match.group() == b"<is><r" or match.group()[4:].isspace():  # runs, or spaces between
                # elements: as openpyxl reads them
                inline = _INLINE.match(xml, match.start())
                if inline is None:
                    raise _NotExact
                if Text.from_tree(fromstring(_NAMESPACED + inline.group()[3:])).content:
                    continue
            r, c, attrs = _cell_before(xml, match.start())
            if b' t="inlineStr"' in attrs:
                found.append((r, c))
        return found

    def _formula_cell(self, position: int) -> re.Match[bytes]:
        cell = _FORMULA.match(self.xml, self.xml.rfind(b"<c ", self.start, position))
        if cell is None or cell.end(2) + 1 != position:
            raise _NotExact  # a formula not where this pass looks for it (first in its cell)
        return cell

    def values(self, grid: list[list[Any]]) -> tuple[list[list[Any]], dict[tuple[int, int], Any]]:
        """The tab's rows as openpyxl reads them, from calamine's `grid`, and its formulas' stored results."""
        rows, calamine_dates, big = _grid_values(grid)
        if big and any(int(m.group(1)) > _EXACT_INT for m in _LONG_INTEGER.finditer(self.xml)):
            raise _NotExact
        height = len(rows)
        for r, c, value in zip(*self.dated, strict=True):  # (r 1-based)
            if r <= height and c < len(line := rows[r - 1]):
                if line[c].__class__ in _DATE_TYPES:
                    calamine_dates -= 1
                line[c] = value
            else:
                _put(rows, r - 1, c, value)
        if calamine_dates:
            raise _NotExact  # a date calamine found where openpyxl reads a number (their date formats differ)
        for r, c, number in self.floats:
            _put(rows, r, c, number)
        for r, c, text in self.errors:
            _put(rows, r, c, text)
        for r, c in self.empty_texts:
            _put(rows, r, c, "")
        results = _formulas(self.formula_cells, rows)
        return _trimmed(rows), results


_NAMESPACED = b'<is xmlns="' + _MAIN_NS + b'"'


def _grid_values(grid: list[list[Any]]) -> tuple[list[list[Any]], int, bool]:
    """calamine's rows with None for no value, an int for a float that is one (openpyxl reads "5" as an int:
    what openpyxl's %.16g, Excel and LibreOffice store for an integral number; "5.0" is put back by the
    scan), the number of dates calamine found, and whether an integral number is too big for a float to
    tell (then the XML says). Column by column: a column's types are seen at C speed, and only a column
    with numbers is looked at cell by cell."""
    if not grid:
        return [], 0, False
    columns: list[list[Any]] = []
    dates = 0
    big = False
    limit = _EXACT_INT
    for cells in zip(*grid, strict=True):
        kinds = set(map(type, cells))
        if float in kinds:
            column = [
                (int(v) if v.is_integer() and -limit <= v <= limit else v)
                if v.__class__ is float
                else (None if v == "" else v)
                for v in cells
            ]
            big = big or any(
                (v.__class__ is float or v.__class__ is int) and not -limit < v < limit for v in column
            )
        else:
            column = list(map(_NONE_FOR_EMPTY, cells, cells))
        if not kinds.isdisjoint(_DATE_TYPES):
            dates += sum(map(_DATE_TYPES.__contains__, map(type, column)))
        columns.append(column)
    while columns and columns[-1].count(None) == len(columns[-1]):
        columns.pop()  # no value in the column: none of its cells at the ends of the rows (trimmed anyway)
    if not columns:
        return [[] for _ in grid], dates, big
    return list(map(list, zip(*columns, strict=True))), dates, big


def _dates(
    texts: Sequence[bytes], styles: Sequence[bytes], epoch: datetime, dates: set[int], durations: set[int]
) -> list[Any]:
    """Each stored serial in a date style as openpyxl reads it (openpyxl.utils.datetime.from_excel): most of
    them at once with numpy, by the same arithmetic (whole days, and the fraction of a day rounded half to
    even to the millisecond); the ones it treats apart (before 1900-03-01, times of day, durations) one by
    one. A serial outside years 1–9999 is left to openpyxl (it reads #VALUE!)."""
    if not texts:
        return []
    numbers = numpy.array(list(map(float, texts)), dtype=numpy.float64)
    if not ((numbers >= -693_593) & (numbers <= 2_958_465)).all():
        raise _NotExact
    # (a serial on the last day of year 9999 may round up to the next: openpyxl reads #VALUE!)
    common = (numbers >= 61) & (numbers < 2_958_465 - (epoch - WINDOWS_EPOCH).days)
    if durations:
        common &= numpy.array([int(style) not in durations for style in styles])
    days, fractions = numpy.divmod(numbers[common], 1.0)
    stamps = (
        numpy.datetime64(epoch, "ms")
        + days.astype("timedelta64[D]")
        + numpy.rint(fractions * 86_400_000.0).astype("timedelta64[ms]")
    )
    values: list[Any] = stamps.astype(object).tolist()
    if len(values) == len(texts):
        return values
    usual = iter(values)
    return [
        next(usual) if is_usual else _serial(_cast_number(text), int(style), epoch, dates, durations)
        for text, style, is_usual in zip(texts, styles, common.tolist(), strict=True)
    ]


def _cast_number(text: bytes) -> float | int:
    """As openpyxl reads a stored number."""
    return float(text) if b"." in text or b"e" in text or b"E" in text else int(text)


_NUMERIC_ATTRIBUTES = frozenset({b"", b' t="n"'})


def _numeric(attrs: bytes) -> bool:
    return b' t="' not in attrs or b' t="n"' in attrs


def _serial(number: float | int, style: int, epoch: datetime, dates: set[int], durations: set[int]) -> Any:
    if style not in dates:
        return number
    try:
        return from_excel(number, epoch, timedelta=style in durations)
    except (OverflowError, ValueError):
        return "#VALUE!"  # as openpyxl: a date serial outside the dates it can hold reads as an error


def _formulas(cells: list[re.Match[bytes]], rows: list[list[Any]]) -> dict[tuple[int, int], Any]:
    """Each formula cell's value as sync.stores.xlsx reads it, and its stored result (see FastRead)."""
    results: dict[tuple[int, int], Any] = {}
    shared: dict[str, Translator] = {}
    for match in cells:
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
    """Without the empty cells at the end of each row, and the empty rows at the end (in place)."""
    for line in rows:
        while line and line[-1] in (None, ""):
            line.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


__all__ = ["WINDOWS_EPOCH", "FastRead", "read_fast"]
