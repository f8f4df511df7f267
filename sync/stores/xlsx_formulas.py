"""People's formulas keep their results across the service's own saves.

openpyxl writes a formula cell as <f>…</f><v/>: the result Excel or LibreOffice cached is dropped. The
service's next read would then see an empty cell where a person's formula shows a Deal ID or an amount,
fill the "empty" id cell with a new id and report the amount as missing. So, once openpyxl has saved, the
results read before the save are put back into the cells that are still formulas. Excel and LibreOffice
recompute them on opening anyway (openpyxl marks the workbook fullCalcOnLoad).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import to_excel

# a formula cell exactly as openpyxl writes it: <c r="A2" s="3"><f>…</f><v /></c> (<v></v> with lxml)
_FORMULA_CELL = re.compile(
    r'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)', re.S
)

# a formula cell whose stored result is empty: <c r="A2" t="str"><f>…</f><v></v></c> (or no <v> at all)
_EMPTY_RESULT = re.compile(
    r'<c r="([A-Z]+[0-9]+)"([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>', re.S
)

Results = dict[str, dict[str, Any]]  # worksheet part -> coordinate -> cached result


def empty_text_results(path: Path | IO[bytes]) -> dict[str, list[tuple[int, int]]]:
    """Tab title -> the (row, column), 1-based, of each formula cell whose stored result is the empty text
    (t="str", no text). openpyxl reads those as None, as it does a formula whose result is not stored at all;
    the two must not be confused: one is empty by the person's choice, the other cannot be read."""
    found: dict[str, list[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        parser = WorkbookParser(archive, "xl/workbook.xml")
        try:
            parser.parse()
            sheets = [
                (sheet.name, archive.read(rel.target.lstrip("/"))) for sheet, rel in parser.find_sheets()
            ]
        except KeyError:  # parts not where Excel puts them: such results read as not stored (unreadable)
            return found
        for title, part in sheets:
            xml = part.decode("utf-8")
            cells = [
                coordinate_to_tuple(match.group(1))
                for match in _EMPTY_RESULT.finditer(xml)
                if 't="str"' in match.group(2)
            ]
            if cells:
                found[title] = cells
    return found


def formula_results(workbook: Workbook, computed: dict[str, list[list[Any]]]) -> Results:
    """For a workbook just saved: each formula cell's result as read before the save, by the worksheet part
    it was saved in. `computed` holds each tab's values as last computed (a data_only read)."""
    parts: Results = {}
    for ws in workbook.worksheets:
        grid = computed.get(ws.title)
        if not grid:
            continue
        results = {
            cell.coordinate: grid[cell.row - 1][cell.column - 1]
            for row in ws.iter_rows(max_row=len(grid))
            for cell in row
            if cell.data_type == "f" and cell.column <= len(grid[cell.row - 1])
        }
        results = {at: value for at, value in results.items() if value is not None}
        if results:
            parts[ws.path.lstrip("/")] = results
    return parts


def keep_formula_results(path: Path, parts: Results) -> None:
    """Writes the cached results back into the saved file's formula cells."""
    if not parts:
        return
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename in parts:
                data = with_results(data, parts[info.filename])
            archive.writestr(info, data)


def with_results(part: bytes, results: dict[str, Any]) -> bytes:
    """A worksheet part just saved by openpyxl, with the cached results in its formula cells."""
    return _with_results(part.decode("utf-8"), results).encode("utf-8")


def _with_results(xml: str, results: dict[str, Any]) -> str:
    def fill(found: re.Match[str]) -> str:
        typed = _typed(results.get(found.group(1)))
        if typed is None:
            return found.group(0)
        kind, text = typed
        return f'<c r="{found.group(1)}"{found.group(2)}{kind}>{found.group(3)}<v>{text}</v>'

    return _FORMULA_CELL.sub(fill, xml)


def _typed(value: Any) -> tuple[str, str] | None:
    """A cached result as the <c> element's t attribute and its <v> text, as Excel writes them."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, int | float):
        return "", repr(value)
    if isinstance(value, datetime | date | time | timedelta):
        return "", repr(to_excel(value))
    if isinstance(value, str):
        return (' t="e"' if value in ERROR_CODES else ' t="str"'), escape(value)
    return None
