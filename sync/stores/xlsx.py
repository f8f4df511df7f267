"""The embedded default: a local .xlsx workbook that people open in Excel or LibreOffice.

Writes are atomic (a temp file in the same folder, then os.replace) and keep everything the service
does not own: other tabs, people's formatting, widths, formulas and comments. The store refuses to
write while the workbook is open in Excel or LibreOffice, and refuses when saving through openpyxl
would drop something people put in the workbook (shapes, slicers, unsupported extensions).
"""

from __future__ import annotations

import glob
import io
import os
import re
import tempfile
import warnings
import weakref
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reports.table import Look
from sheets_schema.locale import Locale
from sheets_schema.parsing import EmptyResult, FormulaText, without_control_characters
from sync.core.changes import CellValue, ChangeSet, TabContent, TabLayout
from sync.core.snapshot import Snapshot, TabData, WriteResult
from sync.errors import AccessError, StoreError, UnsafeWriteError, WorkbookLockedError, WriteConflictError
from sync.stores import xlsx_splice
from sync.stores.xlsx_charts import add_charts
from sync.stores.xlsx_fast import read_fast
from sync.stores.xlsx_formulas import empty_text_results, formula_results, keep_formula_results
from sync.stores.xlsx_messages import OPEN_PROBLEMS

NOTE_AUTHOR = "sfa-sync"
EXCEL_LAST_ROW = 1_048_576  # the last row of a worksheet in Excel and LibreOffice
MARK = "sfa-sync"  # marks the data validations the service owns, so that init can replace them
DERIVED_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FLAGGED_FILL = PatternFill("solid", fgColor="FCE4D6")
DERIVED_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
DATE_FORMAT = "yyyy-mm-dd"
LINE_HEIGHT = 15  # points per line of wrapped text (Excel's default row height)
EXCEL_CELL_CHARS = 32_767  # Excel's limit per cell: it cuts longer text when it opens the workbook
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_SHAPES = re.compile(rb"<(?:\w+:)?(?:sp|grpSp|cxnSp)\b")


# What openpyxl warned, while loading a workbook, that saving it would drop (shapes, slicers, ...): kept
# beside the workbook object, not on it, and gone with it.
_WOULD_LOSE: weakref.WeakKeyDictionary[Workbook, list[str]] = weakref.WeakKeyDictionary()


class XlsxStore:
    def __init__(self, path: Path, locale: Locale = "en") -> None:
        self.path = Path(path)
        self.locale = locale  # of the messages about the file itself (it cannot tell its sheet's language)
        # the workbook last read: its version and bytes, and either the formulas' stored results (a fast
        # read) or the openpyxl workbook and what its formula cells showed (an openpyxl read)
        self._cached: (
            tuple[tuple[int, int], bytes, dict[str, dict[tuple[int, int], Any]]]
            | tuple[tuple[int, int], bytes, Workbook, dict[str, list[list[Any]]]]
            | None
        ) = None

    edited_live = False  # a file is saved whole: no one types into the sheet the service is writing

    def describe(self) -> str:
        return str(self.path)

    def read_tabs(self, titles: list[str]) -> dict[str, TabData]:
        return {title: tab for title, tab in self.read().tabs.items() if title in titles}

    def requests_made(self) -> int | None:
        return None

    # -- reading -------------------------------------------------------------------------------
    def read(self) -> Snapshot:
        """Values, notes and hidden tabs read fast (sync.stores.xlsx_fast), from the bytes the version was
        taken of; openpyxl loads the workbook only for a write (see _workbook_for_write), or reads it when
        the fast read cannot promise the same snapshot."""
        self._remove_abandoned_temp_files()
        data, version = self._bytes()
        fast = read_fast(data)
        if fast is None:
            return self.read_with_openpyxl(data, version)
        self._cached = (version, data, fast.results)
        return Snapshot(fast.tabs, version=version, max_cell_chars=EXCEL_CELL_CHARS)

    def read_with_openpyxl(
        self, data: bytes | None = None, version: tuple[int, int] | None = None
    ) -> Snapshot:
        """The snapshot as openpyxl reads it: the fallback, and what the fast read is checked against."""
        if data is None or version is None:
            data, version = self._bytes()
        workbook = self._load(data)
        values_only = self._computed_values(workbook, data)
        tabs = {ws.title: _tab_data(ws, values_only.get(ws.title)) for ws in workbook.worksheets}
        self._cached = (version, data, workbook, values_only)
        return Snapshot(tabs, version=version, max_cell_chars=EXCEL_CELL_CHARS)

    def _bytes(self) -> tuple[bytes, tuple[int, int]]:
        """The file's bytes and its version, taken of the same open file (a person saving meanwhile replaces
        the file: the version is then the one of the bytes read, and the next check sees the change)."""
        try:
            with open(self.path, "rb") as file:
                data = file.read()
                stat = os.fstat(file.fileno())
        except FileNotFoundError:
            raise AccessError(OPEN_PROBLEMS.say("not_found", self.locale, path=self.path)) from None
        return data, (stat.st_mtime_ns, stat.st_size)

    def _remove_abandoned_temp_files(self) -> None:
        """A save killed before os.replace leaves its temp file (a full copy of the pipeline): remove those
        whose writing process is gone."""
        for temp in self.path.parent.glob(f".{glob.escape(self.path.name)}.*.tmp"):
            pid = temp.name[len(self.path.name) + 2 :].split(".", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _process_alive(int(pid)):
                temp.unlink(missing_ok=True)

    def unchanged_since(self, snapshot: Snapshot, keys: dict[str, list[int]] | None = None) -> bool:
        return self.path.exists() and self._version() == snapshot.version

    def exists(self) -> bool:
        return self.path.exists()

    def _version(self) -> tuple[int, int]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise AccessError(OPEN_PROBLEMS.say("not_found", self.locale, path=self.path)) from None
        return stat.st_mtime_ns, stat.st_size

    def _load(self, data: bytes, data_only: bool = False) -> Workbook:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                workbook = load_workbook(io.BytesIO(data), data_only=data_only, rich_text=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as failed:
            # not openpyxl's own text: it advises xlrd for .xls, a library the user cannot act on
            code = "old_xls" if self.path.suffix.lower() == ".xls" else "not_xlsx"
            raise AccessError(OPEN_PROBLEMS.say(code, self.locale, path=self.path)) from failed
        if not data_only:
            _WOULD_LOSE[workbook] = [str(w.message) for w in caught if "will be removed" in str(w.message)]
        return workbook

    def _computed_values(self, workbook: Workbook, data: bytes) -> dict[str, list[list[Any]]]:
        """Formula cells show what Excel/LibreOffice last computed (their cached values), as Google does."""
        if not _has_formulas(workbook):
            return {}
        computed = self._load(data, data_only=True)
        grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in computed.worksheets}
        for title, cells in empty_text_results(io.BytesIO(data)).items():
            for row, col in cells:
                if title in grids and row <= len(grids[title]) and col <= len(grids[title][row - 1]):
                    grids[title][row - 1][col - 1] = ""  # also kept as "" through the service's own saves
        return grids

    # -- writing -------------------------------------------------------------------------------
    def write(self, changes: ChangeSet) -> WriteResult:
        self._refuse_if_open()
        try:
            self._write_spliced(changes)
            xlsx_splice.PATHS["spliced"] += 1
        except xlsx_splice.Unspliceable as why:
            xlsx_splice.PATHS[f"full: {why}"] += 1
            version, workbook, computed = self._workbook_for_write()
            self._refuse_if_lossy(workbook)
            apply_changes(workbook, changes)
            self._save_atomically(lambda temp: _save_whole(workbook, computed, temp), version)
        self._cached = None
        return WriteResult(requests=1, cells=changes.cell_count)

    def _write_spliced(self, changes: ChangeSet) -> None:
        """openpyxl loads and saves only the rows the changes touch (sync.stores.xlsx_splice), from the
        bytes a fast read took the snapshot of; Unspliceable when it cannot promise the full write's result."""
        if not self._cached or len(self._cached) != 3:
            raise xlsx_splice.Unspliceable(
                "not read fast (the whole workbook is loaded already, or not read)"
            )
        version, data, results = self._cached
        if self._version() != version:
            raise self._changed_since_read()
        reduction = xlsx_splice.reduce(data, changes)
        workbook = self._load(reduction.data)
        self._refuse_if_lossy(workbook)
        apply_changes(workbook, changes)

        def save(temp: str) -> None:
            # through the temp file, as the full write: a failed save (a full disk) fails the same way, and
            # an Unspliceable found while splicing leaves no temp file behind (_save_atomically removes it)
            workbook.save(temp)
            saved = Path(temp).read_bytes()
            # after the save: it numbers the worksheet parts the results are kept by
            stored = formula_results(workbook, _result_grids(results)) if results else {}
            with open(temp, "wb") as target:
                xlsx_splice.splice(reduction, saved, stored, target)

        self._save_atomically(save, version)

    def create_empty(self) -> None:
        """A new workbook with no tabs of ours yet (init fills it in)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        workbook = Workbook()
        self._save_atomically(workbook.save)

    def _workbook_for_write(self) -> tuple[tuple[int, int] | None, Workbook, dict[str, list[list[Any]]]]:
        """The workbook as it was read (loaded now from the very bytes the snapshot was read from, when the
        read was a fast one), with its formulas' stored results; and the version the save must still find."""
        if not self._cached:
            data, version = self._bytes()
            workbook = self._load(data)
            return None, workbook, self._computed_values(workbook, data)
        version = self._cached[0]
        if self._version() != version:
            raise self._changed_since_read()
        if len(self._cached) == 4:
            return version, self._cached[2], self._cached[3]
        data, results = self._cached[1], self._cached[2]
        return version, self._load(data), _result_grids(results)

    def _changed_since_read(self) -> WriteConflictError:
        return WriteConflictError(f"{self.path}: the workbook changed on disk since it was read; run again")

    def _refuse_if_open(self) -> None:
        folder, name = self.path.parent, self.path.name
        for lock in (folder / f"~${name}", folder / f".~lock.{name}#"):
            if lock.exists():
                raise WorkbookLockedError(
                    OPEN_PROBLEMS.say("open_elsewhere", self.locale, path=self.path, lock=lock.name)
                )

    def _refuse_if_lossy(self, workbook: Workbook) -> None:
        lost = list(_WOULD_LOSE.get(workbook, []))
        lost += _unsupported_parts(self.path)
        if lost:
            raise UnsafeWriteError(
                f"{self.path}: saving would drop content the service cannot keep ({'; '.join(lost)}); "
                "move it to another workbook or remove it, then run again — nothing was written"
            )

    def _save_atomically(self, save: Callable[[str], object], version: tuple[int, int] | None = None) -> None:
        """`save` writes the workbook into the file it is given. `version`: the file must still be the one
        read (else a person saved meanwhile: nothing is written, and the cycle reads again), checked last,
        just before the new file takes its place."""
        folder = self.path.parent
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else _default_mode()
        # The pid in the name lets a later run tell a temp file left by a killed save from one being written.
        handle, temp = tempfile.mkstemp(prefix=f".{self.path.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
        os.close(handle)
        try:
            save(temp)
            with open(temp, "rb+") as saved:
                os.fsync(saved.fileno())
            os.chmod(temp, mode)  # mkstemp makes 0600; keep the workbook's own (or the usual) permissions
            if version is not None and self._version() != version:
                raise WriteConflictError(
                    f"{self.path}: the workbook changed on disk while it was being written; run again"
                )
            os.replace(temp, self.path)
        except OSError as failed:
            raise StoreError(
                f"{self.path}: could not save the workbook ({failed.strerror}); nothing was changed"
            ) from failed
        finally:
            if os.path.exists(temp):
                os.unlink(temp)


def _save_whole(workbook: Workbook, computed: dict[str, list[list[Any]]], temp: str) -> None:
    workbook.save(temp)
    if computed:
        keep_formula_results(Path(temp), formula_results(workbook, computed))


def _result_grids(results: dict[str, dict[tuple[int, int], Any]]) -> dict[str, list[list[Any]]]:
    """The formulas' stored results, per tab, as the grid sync.stores.xlsx_formulas takes."""
    grids: dict[str, list[list[Any]]] = {}
    for title, cells in results.items():
        height = max(r for r, _ in cells) + 1
        width = max(c for _, c in cells) + 1
        grid: list[list[Any]] = [[None] * width for _ in range(height)]
        for (r, c), value in cells.items():
            grid[r][c] = value
        grids[title] = grid
    return grids


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _unsupported_parts(path: Path) -> list[str]:
    """What openpyxl would silently drop on save: drawn shapes, slicers and timelines."""
    problems = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in names:
                if (
                    name.startswith("xl/drawings/")
                    and name.endswith(".xml")
                    and _SHAPES.search(archive.read(name))
                ):
                    problems.append(f"drawn shapes or text boxes ({name})")
            if any(n.startswith(("xl/slicers/", "xl/timelines/", "xl/slicerCaches/")) for n in names):
                problems.append("slicers or timelines")
            if any(n.startswith("xl/media/") for n in names) and not _has_pillow():
                problems.append("images (install Pillow to keep them)")
    except (zipfile.BadZipFile, OSError):
        return []
    return problems


def _has_pillow() -> bool:
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True


def _tab_data(ws: Worksheet, computed: list[list[Any]] | None) -> TabData:
    rows: list[list[Any]] = []
    notes: dict[tuple[int, int], str] = {}
    for r, row in enumerate(ws.iter_rows()):
        line = []
        for c, cell in enumerate(row):
            value = cell.value
            if cell.data_type == "f":
                value = _formula_value(cell, computed, r, c)
            line.append(value)
            if cell.comment is not None:
                notes[(r, c)] = cell.comment.text
        rows.append(_trim(line))
    while rows and not rows[-1]:
        rows.pop()  # formatted but empty rows below the data, as Google leaves them out
    return TabData(ws.title, rows, hidden=ws.sheet_state != "visible", notes=notes)


def _has_formulas(workbook: Workbook) -> bool:
    return any(cell.data_type == "f" for ws in workbook.worksheets for row in ws.iter_rows() for cell in row)


def _formula_value(cell: Cell, computed: list[list[Any]] | None, r: int, c: int) -> Any:
    """What a formula showed when it was last computed. A formula never computed (a workbook written by a
    script) reads as its own text, marked as such (FormulaText: the cell cannot be read), and an empty result
    as EmptyResult: a person's formula must never look like an empty cell that the service may fill in (an
    id) or report as missing (an amount)."""
    result = computed[r][c] if computed and r < len(computed) and c < len(computed[r]) else None
    if result == "":
        return EmptyResult()
    if result is not None:
        return result
    formula = cell.value
    return FormulaText(formula if isinstance(formula, str) else getattr(formula, "text", ""))


def _trim(line: list[Any]) -> list[Any]:
    end = len(line)
    while end and line[end - 1] in (None, ""):
        end -= 1
    return line[:end]


def apply_changes(workbook: Workbook, changes: ChangeSet, last_rows: dict[str, int] | None = None) -> None:
    """`last_rows`: each tab's last used row (1-based) as far as this write knows it, kept up to date as
    cells land, so that appending N rows costs O(N): finding it scans the whole tab (openpyxl's max_row
    looks at every cell), once per tab per write rather than once per appended row."""
    last_rows = {} if last_rows is None else last_rows
    for title in changes.new_tabs:
        if title not in workbook.sheetnames:
            workbook.create_sheet(title)
    _drop_default_sheet(workbook)
    for cell in changes.cells:
        written = workbook[cell.tab].cell(cell.row + 1, cell.col + 1)
        set_value(written, cell.value)
        _track_last_row(last_rows, cell.tab, written.row, written.value)
    for note in changes.notes:
        _set_note(workbook[note.tab].cell(note.row + 1, note.col + 1), note.text)
    for append in changes.appends:
        ws = workbook[append.tab]
        if append.tab not in last_rows:
            last_rows[append.tab] = _last_used_row(ws)
        row = last_rows[append.tab] + 1
        cells = [ws.cell(row, col) for col in range(1, len(append.values) + 1)]
        for cell, value in zip(cells, append.values, strict=True):
            set_value(cell, value)
        if any(cell.value not in (None, "") for cell in cells):
            last_rows[append.tab] = row
    for content in changes.tabs:
        _replace_tab(workbook, content)
        last_rows.pop(content.title, None)
    for patch in changes.patches:  # the whole file is written anyway; moving rows in openpyxl is quadratic
        _replace_tab(workbook, patch.content)
        last_rows.pop(patch.title, None)
    for layout in changes.layouts:
        _apply_layout(workbook[layout.tab], layout)
    for group in changes.groups:
        apply_changes(workbook, group, last_rows)


def _track_last_row(last_rows: dict[str, int], tab: str, row: int, value: CellValue) -> None:
    """A value written below the known last row moves it down; emptying a cell of the last row may move it
    up, so it is looked for again (rarely: the service empties derived cells, not whole rows)."""
    if tab not in last_rows:
        return
    if value not in (None, ""):
        last_rows[tab] = max(last_rows[tab], row)
    elif row == last_rows[tab]:
        del last_rows[tab]


def set_value(cell: Cell, value: CellValue) -> None:
    if isinstance(value, str):
        value = without_control_characters(value)  # a workbook cannot hold them: never fail a whole save
    if isinstance(value, date):
        cell.number_format = _date_format(cell, value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # typed values only: text that looks like a formula stays text


def _date_format(cell: Cell, value: date) -> str:
    """The date format the cell has, else the one of the cell above it (its column's), else ours: a
    date-time format only for a time of day. A workbook's dates read back as date-times at midnight, so a
    restored date is one of those, and must not grow a time part."""
    places = [cell] + ([cell.parent.cell(cell.row - 1, cell.column)] if cell.row > 2 else [])
    for place in places:
        if is_date_format(place.number_format):
            return str(place.number_format)
    if isinstance(value, datetime) and value.time() != time():
        return DATETIME_FORMAT
    return DATE_FORMAT


def _set_note(cell: Cell, text: str | None) -> None:
    current = cell.comment
    if current is not None and current.author != NOTE_AUTHOR:
        return  # a person's comment is theirs
    if text is None:
        cell.comment = None
    else:
        comment = Comment(text, NOTE_AUTHOR)
        comment.width, comment.height = 320, 110
        cell.comment = comment


def _last_used_row(ws: Worksheet) -> int:
    for row in range(ws.max_row, 0, -1):
        if any(cell.value not in (None, "") for cell in ws[row]):
            return row
    return 0


def _drop_default_sheet(workbook: Workbook) -> None:
    """A new workbook comes with an empty 'Sheet'; drop it once our tabs exist."""
    if "Sheet" in workbook.sheetnames and len(workbook.sheetnames) > 1:
        sheet = workbook["Sheet"]
        if sheet.max_row == 1 and sheet.max_column == 1 and sheet["A1"].value is None:
            workbook.remove(sheet)


def _replace_tab(workbook: Workbook, content: TabContent) -> None:
    index = workbook.sheetnames.index(content.title) if content.title in workbook.sheetnames else None
    if index is not None:
        workbook.remove(workbook[content.title])
    ws = workbook.create_sheet(content.title, index)
    for r, row in enumerate(content.rows, start=1):
        for c, value in enumerate(row, start=1):
            set_value(ws.cell(r, c), value)
    for r in range(1, content.header_rows + 1):
        for cell in ws[r]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
    for r in content.bold_rows:
        for cell in ws[r + 1]:
            cell.font = Font(bold=True)
    for c, width in enumerate(content.column_widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    _apply_look(ws, content.look)
    frozen = content.look.frozen(content.header_rows)
    if frozen:
        ws.freeze_panes = ws.cell(frozen + 1, 1)
    add_charts(ws, content.charts)
    ws.sheet_state = "hidden" if content.hidden else "visible"
    _drop_default_sheet(workbook)


def _apply_look(ws: Worksheet, look: Look) -> None:
    """Each cell's own format (see reports.presentation), dropdowns that accept other text, print set-up."""
    dropdowns: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for row, col, cell_look in look.cells():
        cell = ws.cell(row + 1, col + 1)
        if cell_look.number_format:
            cell.number_format = cell_look.number_format
        if cell_look.wrap or cell_look.top:
            cell.alignment = Alignment(wrap_text=cell_look.wrap, vertical="top" if cell_look.top else None)
        if cell_look.bold:
            cell.font = Font(bold=True)
        if cell_look.fill:
            cell.fill = PatternFill("solid", fgColor=cell_look.fill)
        if cell_look.options:
            dropdowns.setdefault(cell_look.options, []).append((row + 1, col + 1))
    for options, cells in dropdowns.items():
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(o.replace('"', "'").replace(",", ";") for o in options) + '"',
            allow_blank=True,
            showErrorMessage=False,  # a suggestion: the manager may write any decision
            errorTitle=MARK,
        )
        validation.add(_runs(cells))
        ws.add_data_validation(validation)
    for row, lines in look.row_lines:
        ws.row_dimensions[row + 1].height = LINE_HEIGHT * lines
    if look.landscape:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as it takes
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _runs(cells: list[tuple[int, int]]) -> str:
    """Cells (row, column) as ranges of consecutive rows in one column: "M15:M40 M44"."""
    runs: list[list[int]] = []  # [column, first row, last row]
    for row, col in sorted(cells, key=lambda cell: (cell[1], cell[0])):
        if runs and runs[-1][0] == col and runs[-1][2] == row - 1:
            runs[-1][2] = row
        else:
            runs.append([col, row, row])
    return " ".join(
        f"{get_column_letter(col)}{first}:{get_column_letter(col)}{last}" for col, first, last in runs
    )


def _apply_layout(ws: Worksheet, layout: TabLayout) -> None:
    ws.freeze_panes = "A2"
    if layout.highlight_col is not None:
        _highlight_rows(ws, layout, layout.highlight_col)
    ws.data_validations.dataValidation = [
        dv for dv in ws.data_validations.dataValidation if dv.errorTitle != MARK
    ]
    for column in layout.columns:
        letter = get_column_letter(column.col + 1)
        header = ws.cell(1, column.col + 1)
        header.font = Font(bold=True, italic=column.derived)
        header.fill = DERIVED_HEADER_FILL if column.derived else HEADER_FILL
        if column.width and ws.column_dimensions[letter].width in (None, 13.0):
            ws.column_dimensions[letter].width = column.width
        if column.derived:
            _style_derived(ws, letter, column.col + 1, layout.max_rows)
        if column.options:
            _add_dropdown(ws, letter, column.options)


def _style_derived(ws: Worksheet, letter: str, col: int, max_rows: int) -> None:
    """Grey service-owned columns with one conditional-format rule: no per-cell styles, so the sheet's
    used range (and where people's new rows go) stays where their data ends."""
    header = ws.cell(1, col)
    if header.comment is None:
        header.comment = Comment(
            "Filled in by sfa-sync; edits here are overwritten.\nsfa-sync が自動入力します。編集は上書きされます。",
            NOTE_AUTHOR,
        )
    area = f"{letter}2:{letter}{max_rows}"
    if any(str(existing.sqref) == area for existing in ws.conditional_formatting):
        return
    ws.conditional_formatting.add(area, FormulaRule(formula=["TRUE"], fill=DERIVED_FILL))


def _highlight_rows(ws: Worksheet, layout: TabLayout, flag_col: int) -> None:
    """Rows with something in the flag column (e.g. Deals' Health) get a light orange background."""
    width = max(c.col for c in layout.columns) + 1
    area = f"A2:{get_column_letter(width)}{layout.max_rows}"
    if any(str(existing.sqref) == area for existing in ws.conditional_formatting):
        return
    flag = get_column_letter(flag_col + 1)
    ws.conditional_formatting.add(area, FormulaRule(formula=[f"LEN(${flag}2)>0"], fill=FLAGGED_FILL))


def _add_dropdown(ws: Worksheet, letter: str, options: tuple[str, ...]) -> None:
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(o.replace('"', "'") for o in options) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",  # the other language's label is accepted too, so warn rather than refuse
        errorTitle=MARK,
        error="Choose from the list / リストから選択してください",
    )
    validation.add(f"{letter}2:{letter}{EXCEL_LAST_ROW}")  # the whole column: rows people add later too
    ws.add_data_validation(validation)
