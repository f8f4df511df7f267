"""A write that costs what it changes: openpyxl loads and saves only the rows a write touches.

Loading and saving a whole workbook with openpyxl costs seconds per million cells, most of them in rows
the write never touches. So, from the bytes the snapshot was read from, a reduced copy is built: each
worksheet keeps, in <sheetData>, only the rows openpyxl must see to apply the ChangeSet exactly as it would
on the whole workbook (see `_needed_rows`); everything outside <sheetData> (styles, notes, validations,
conditional formats, widths, charts, defined names) is kept whole. openpyxl loads that copy, the changes are
applied and it is saved; then each sheet's left-out rows go back, byte for byte, between the rows openpyxl
wrote. Every part other than those rows is openpyxl's own save, as the full write would make it: its rows
keep their style indices because openpyxl writes the cell formats (cellXfs) in the order it read them.

Whatever this cannot promise to do exactly raises Unspliceable, and the store writes the whole workbook
instead; PATHS counts which way each write went (tests assert it).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils.cell import range_boundaries

from sync.core.changes import ChangeSet
from sync.stores.xlsx_formulas import Results, with_results
from sync.stores.xlsx_rows import SheetRows, UnknownLayout, dimension, sheet_rows, with_dimension

PATHS: Counter[str] = Counter()  # "spliced", or "full: <why>" for each write that could not be spliced

_ROOT = re.compile(rb"<worksheet\b[^>]*>")
_PREFIX = re.compile(rb"""\sxmlns:([\w.-]+)=""")
_SHARED_FORMULA = re.compile(rb"""<f\b[^>]*\st=["']shared["']""")
_DATA_TABLE = re.compile(rb"""<f\b[^>]*\st=["']dataTable["']""")
_SHARED_STRING_CELL = re.compile(rb"""<c\b[^>]*\st=["']s["']""")
_REF = re.compile(rb"""<(?:hyperlink|mergeCell)\b[^>]*\sref=["']([A-Z0-9:$]+)["']""")
_COMMENT_REF = re.compile(rb"""<comment\b[^>]*\sref=["']([A-Z]+)(\d+)["']""")
_DEFAULT_SHEET = "Sheet"  # apply_changes drops an empty tab of this name: it must see all of its rows


class Unspliceable(Exception):
    """Why the write goes the full way."""


@dataclass
class Touches:
    """What a ChangeSet does to each tab, as rows openpyxl must see (1-based)."""

    rows: dict[str, set[int]] = field(default_factory=dict)
    ends: set[str] = field(default_factory=set)  # tabs whose last used row decides where rows go
    replaced: set[str] = field(default_factory=set)  # tabs rebuilt from nothing: the new save's whole


def touches(changes: ChangeSet, into: Touches | None = None) -> Touches:
    found = Touches() if into is None else into
    # the row above too: a date takes the date format of the cell above it (xlsx._date_format)
    for tab, row in [(c.tab, c.row) for c in changes.cells] + [(n.tab, n.row) for n in changes.notes]:
        found.rows.setdefault(tab, set()).update((row + 1, row))
    for cell in changes.cells:
        found.ends.add(cell.tab)  # emptying a cell of the last row makes apply_changes look for it again
    for append in changes.appends:
        found.ends.add(append.tab)
    for content in changes.tabs:
        found.replaced.add(content.title)
    for patch in changes.patches:
        found.replaced.add(patch.title)
    for layout in changes.layouts:
        found.rows.setdefault(layout.tab, set()).add(1)  # the header it styles and notes
    for group in changes.groups:
        touches(group, found)
    return found


@dataclass
class _Sheet:
    rows: SheetRows  # the original part's rows
    kept: set[int]  # the rows openpyxl loads (and writes again): the others go back as they were


@dataclass
class Reduction:
    data: bytes  # the reduced workbook, for openpyxl to load
    sheets: dict[str, _Sheet]  # by title: the tabs whose left-out rows go back after the save


def reduce(data: bytes, changes: ChangeSet) -> Reduction:
    found = touches(changes)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = _sheet_parts(archive)
        has_shared_strings = any(n.lower().endswith("sharedstrings.xml") for n in archive.namelist())
        sheets: dict[str, _Sheet] = {}
        reduced: dict[str, bytes] = {}
        for title, part in parts.items():
            xml = archive.read(part)
            try:
                rows = sheet_rows(xml)
            except UnknownLayout as unknown:
                raise Unspliceable(f"{title}: {unknown}") from None
            if title in found.replaced:
                kept: set[int] = set()
            elif title == _DEFAULT_SHEET:
                kept = set(rows.numbers)
            else:
                kept = _needed_rows(archive, part, rows, found, title)
                _check_left_out(rows, kept, has_shared_strings, title)
                sheets[title] = _Sheet(rows, kept)
            reduced[part] = rows.with_rows([rows.row(i) for i, n in enumerate(rows.numbers) if n in kept])
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:  # openpyxl reads it once, at once
            for info in archive.infolist():
                copy.writestr(info.filename, reduced.get(info.filename) or archive.read(info))
    return Reduction(out.getvalue(), sheets)


def splice(reduction: Reduction, saved: bytes, results: Results, target: IO[bytes]) -> None:
    """Writes the workbook: openpyxl's save of the reduced copy (`saved`), with the formulas' stored
    results put back (`results`, as xlsx_formulas.formula_results gives them) and each sheet's left-out
    rows in their places."""
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:
        parts = _sheet_parts(archive)
        by_part = {parts[title]: title for title in reduction.sheets if title in parts}
        entries = []
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename in results:
                data = with_results(data, results[info.filename])
            if info.filename in by_part:
                data = _merged(reduction.sheets[by_part[info.filename]], data, by_part[info.filename])
            entries.append((info, data))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            out.writestr(info, data)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's part, by its title (through workbook.xml and its rels, not by file name)."""
    parser = WorkbookParser(archive, "xl/workbook.xml")
    try:
        parser.parse()
        return {sheet.name: rel.target.lstrip("/") for sheet, rel in parser.find_sheets()}
    except KeyError:
        raise Unspliceable("the workbook's parts are not where Excel puts them") from None


def _needed_rows(
    archive: zipfile.ZipFile, part: str, rows: SheetRows, found: Touches, title: str
) -> set[int]:
    """The rows openpyxl must load for the changes to land as on the whole workbook: those the changes
    touch; those openpyxl binds something to on loading (a note, a hyperlink, a merged range: it would
    make an empty cell there, and write that row anew); rows of shared formulas (openpyxl writes each of
    them as a formula of its own, which a left-out row could not refer to); and, where rows are appended
    or the last one may be emptied, every row from the last filled one down (apply_changes looks for it)."""
    kept = set(found.rows.get(title, ()))
    xml = rows.xml
    for ref in _REF.findall(xml, 0, rows.start) + _REF.findall(xml, rows.end):
        _, first, _, last = range_boundaries(ref.decode().replace("$", ""))
        kept.update(range(first or 1, (last or first or 1) + 1))
    for comments in _related(archive, part, "/comments"):
        kept.update(int(row) for _, row in _COMMENT_REF.findall(archive.read(comments)))
    for formula in _SHARED_FORMULA.finditer(xml, rows.start, rows.end):
        kept.add(rows.numbers[rows.index_of_offset(formula.start())])
    if title in found.ends:
        last = rows.last_filled()
        kept.update(n for n in rows.numbers if n >= last)
    return kept


def _check_left_out(rows: SheetRows, kept: set[int], has_shared_strings: bool, title: str) -> None:
    """Rows go back verbatim only where they mean the same in openpyxl's save: it declares no namespaces
    but its own (Excel's x14ac attributes on rows would not parse), writes no shared strings table (a
    left-out cell's string index would point nowhere) and keeps no data tables."""
    if len(kept) >= len(rows.numbers):
        return
    root = _ROOT.search(rows.xml)
    prefixes = set(_PREFIX.findall(root.group(0))) - {b"r"} if root else set()
    if prefixes:
        raise Unspliceable(f"{title}: namespaces beyond openpyxl's ({b', '.join(sorted(prefixes)).decode()})")
    if has_shared_strings and _SHARED_STRING_CELL.search(rows.xml, rows.start, rows.end):
        raise Unspliceable(f"{title}: cells in the shared strings table")
    if _DATA_TABLE.search(rows.xml, rows.start, rows.end):
        raise Unspliceable(f"{title}: a data table")


def _related(archive: zipfile.ZipFile, part: str, kind: str) -> list[str]:
    """The parts a worksheet part refers to by a relationship of `kind` (its type's last words)."""
    folder, name = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in archive.namelist():
        return []
    found = []
    for target in re.findall(
        rb"""<Relationship\b(?=[^>]*\sType=["'][^"']*""" + re.escape(kind.encode()) + rb"""["'])[^>]*"""
        rb"""\sTarget=["']([^"']+)["']""",
        archive.read(rels),
    ):
        path = target.decode()
        if path.startswith("/"):
            found.append(path.lstrip("/"))
        else:
            parts = folder.split("/")
            for piece in path.split("/"):
                if piece == "..":
                    parts.pop()
                elif piece not in ("", "."):
                    parts.append(piece)
            found.append("/".join(parts))
    return [path for path in found if path in archive.namelist()]


def _merged(sheet: _Sheet, saved: bytes, title: str) -> bytes:
    """openpyxl's rows of the sheet with the original's left-out rows between them, in order."""
    original, kept = sheet.rows, sheet.kept
    new = sheet_rows(saved)
    left_out = set(original.numbers) - kept
    if any(number in left_out for number in new.numbers):
        raise Unspliceable(f"{title}: openpyxl wrote a row it was not given")
    rows: list[bytes] = []
    j = 0
    run = None  # the first of consecutive left-out rows, copied as one slice
    numbers = original.numbers
    for i, number in enumerate(numbers):
        if number in kept:
            if run is not None:
                rows.append(original.xml[original.offsets[run] : original.offsets[i]])
                run = None
            continue
        if j < len(new.numbers) and new.numbers[j] < number:
            if run is not None:
                rows.append(original.xml[original.offsets[run] : original.offsets[i]])
                run = None
            while j < len(new.numbers) and new.numbers[j] < number:
                rows.append(new.row(j))
                j += 1
        if run is None:
            run = i
    if run is not None:
        rows.append(original.xml[original.offsets[run] : original.end])
    rows.extend(new.row(k) for k in range(j, len(new.numbers)))
    merged = new.with_rows(rows)
    return with_dimension(merged, _union(dimension(original.xml), dimension(saved)))


def _union(
    a: tuple[int, int, int, int] | None, b: tuple[int, int, int, int] | None
) -> tuple[int, int, int, int]:
    if a is None or b is None:
        found = a or b
        if found is None:
            raise Unspliceable("no <dimension>")
        return found
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
