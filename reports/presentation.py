"""How a generated tab looks, the same on every store: number formats, widths, wrapped text, frozen rows,
the Decision dropdown, severity in words and colours, printed landscape one page wide.

Pure: a Report in, the same Report with its Look and fitted column widths out. The look is read from the
report itself — its tables are the bold title + bold header pairs that TabBuilder writes (or the header
rows at the top), and a column's kind comes from its header (an amount, a rate "(%)", the severity, the
Decision) and its values (dates, whole numbers) — so every builder gets it without saying more.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from reports.forecast import FORECAST_LABELS
from reports.labels import LABELS
from reports.manager_review import REVIEW_LABELS
from reports.pipeline_changes import CHANGE_LABELS
from reports.table import Cell, Format, Look, Report
from sheets_schema.locale import Locale, fold
from sheets_schema.messages import Catalogue

# The money format per [reports] currency: whole units, as amounts in a pipeline are.
CURRENCY_FORMATS: dict[str, str] = {
    "JPY": "¥#,##0",
    "USD": "$#,##0",
    "EUR": "€#,##0",
    "GBP": "£#,##0",
    "CNY": "CN¥#,##0",
    "KRW": "₩#,##0",
    "AUD": "A$#,##0",
    "CAD": "C$#,##0",
    "SGD": "S$#,##0",
    "INR": "₹#,##0",
}
RATE_FORMAT = '0.0"%"'  # rates are percentages already (0..100, one decimal): shown with a % sign
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
HEADER_FILL = "DDEBF7"
# Severity 1..5 (rules/flags.py) as words beside the number, and the colour of a flagged row
SEVERITY_FORMAT: dict[Locale, str] = {
    "en": '[>=4]0" high";[>=3]0" medium";0" low"',
    "ja": '[>=4]0" 高";[>=3]0" 中";0" 低"',
}
SEVERITY_FILLS = ((4, "F8CBAD"), (3, "FCE4D6"), (0, "FFF2CC"))  # high red, medium orange, low yellow
DECISIONS = Catalogue(
    {
        "keep": ("keep", "継続"),
        "push": ("push close date", "完了予定日を延期"),
        "lost": ("close as lost", "失注でクローズ"),
        "reassign": ("reassign", "担当替え"),
    }
)
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters
SHORT_HEADER = 12  # headers up to this wide are not wrapped
PROSE_MIN_WIDTH, PROSE_WIDTH = 24, 40  # flags, actions, notes: room to type, and wrapped at PROSE_WIDTH
# Characters of text per character of width, as Excel and LibreOffice wrap it (proportional text is
# narrower than the digits a width counts; words left whole waste some): seen on the demo's Flags.
TEXT_FILL = 0.9
MAX_FROZEN_ROWS = 20  # a main table lower than this keeps only the title frozen: the rest must scroll


def _headers(*pairs: tuple[str, str]) -> frozenset[str]:
    return frozenset(fold(text) for pair in pairs for text in pair)


MONEY = _headers(
    LABELS["won_amount"],
    LABELS["amount"],
    REVIEW_LABELS["amount"],
    REVIEW_LABELS["pipeline"],
    REVIEW_LABELS["weighted"],
    REVIEW_LABELS["value_at_risk"],
    *(FORECAST_LABELS[k] for k in ("won_so_far", "commit", "best_case", "weighted", "target", "gap")),
    *(FORECAST_LABELS[k] for k in ("forecast_at_start", "best_at_start", "won_in_month")),
    *(CHANGE_LABELS[k] for k in ("amount_before", "amount_after")),
)
SEVERITY = _headers(REVIEW_LABELS["severity"])
DECISION = _headers(REVIEW_LABELS["decision"])
PROSE = _headers(REVIEW_LABELS["flags"], REVIEW_LABELS["action"], REVIEW_LABELS["note"], LABELS["note"])


@dataclass(frozen=True)
class Table:
    """A table of a tab: its header row and its body rows `first` to `end` (exclusive)."""

    header: int
    first: int
    end: int


def decision_options(configured: Sequence[str], locale: Locale) -> tuple[str, ...]:
    """The Decision dropdown: the configured list, else the built-in one in the tab's language."""
    return tuple(configured) or tuple(
        DECISIONS.say(key, locale) for key in ("keep", "push", "lost", "reassign")
    )


def present(report: Report, locale: Locale, money_format: str, decisions: Sequence[str]) -> Report:
    """The report with its look: formats per table column, fitted widths, the main table's header frozen."""
    tables = find_tables(report)
    formats: list[Format] = []
    for table in tables:
        formats += _table_formats(report.rows, table, locale, money_format, tuple(decisions))
    widths = fitted_widths(report.rows, tables, formats)
    wrapped, lines = _wrapped(report.rows, tables, widths)
    look = Look((*formats, *wrapped), frozen_rows=_frozen(report, tables), landscape=True, row_lines=lines)
    return replace(report, look=look, column_widths=widths)


def find_tables(report: Report) -> list[Table]:
    """A table's header is a bold row right under a bold title (TabBuilder.section); a tab without sections
    (Reminders) is one table under its header rows."""
    bold = set(report.bold_rows)
    headers = sorted(_header_rows(bold))
    if not bold and report.header_rows and len(report.rows) >= report.header_rows:
        headers = [report.header_rows - 1]
    tables = []
    for header in headers:
        end = header + 1
        while end < len(report.rows) and end not in bold and not _blank_row(report.rows[end]):
            end += 1
        tables.append(Table(header, header + 1, end))
    return tables


def _header_rows(bold: set[int]) -> set[int]:
    """Bold rows that are headers: the second of each pair (a title row's own title is not a header)."""
    found: set[int] = set()
    for row in sorted(bold):
        if row - 1 in bold and row - 1 not in found:
            found.add(row)
    return found


def _blank_row(row: Sequence[Cell]) -> bool:
    return all(value in (None, "") for value in row)


def _table_formats(
    rows: Sequence[Sequence[Cell]],
    table: Table,
    locale: Locale,
    money_format: str,
    decisions: tuple[str, ...],
) -> list[Format]:
    header = rows[table.header]
    width = len(header)
    out = [Format(table.header, table.header + 1, 0, width, wrap=True, bold=True, fill=HEADER_FILL)]
    kinds = [fold(str(name)) if name not in (None, "") else "" for name in header]
    severity_col = next((c for c, kind in enumerate(kinds) if kind in SEVERITY), None)
    for row in range(table.first, table.end):
        fill = _severity_fill(rows[row], severity_col)
        if fill:
            out.append(Format(row, row + 1, 0, width, fill=fill))
        for col, value in enumerate(rows[row]):
            number = _number_format(value, kinds[col] if col < width else "", locale, money_format)
            if number:
                out.append(Format(row, row + 1, col, col + 1, number_format=number))
    for col, kind in enumerate(kinds):
        if kind in DECISION and table.end > table.first and severity_col is not None:
            listed = [
                r for r in range(table.first, table.end) if _severity(rows[r], severity_col) is not None
            ]
            if listed:
                out.append(Format(listed[0], listed[-1] + 1, col, col + 1, options=decisions))
    return out


def _number_format(value: Cell, kind: str, locale: Locale, money_format: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None  # text as it is; dates get their date format from the stores
    if kind in SEVERITY:
        return SEVERITY_FORMAT[locale]
    if kind in MONEY:
        return money_format
    if "(%" in kind:  # "Win rate (%)", "受注率(%・完了商談比)"; not "上位25%" (the top quarter: counts, days)
        return RATE_FORMAT
    return COUNT_FORMAT if isinstance(value, int) or float(value).is_integer() else DECIMAL_FORMAT


def _severity(row: Sequence[Cell], col: int | None) -> int | None:
    value = row[col] if col is not None and col < len(row) else None
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _severity_fill(row: Sequence[Cell], col: int | None) -> str | None:
    severity = _severity(row, col)
    if severity is None:
        return None
    return next(fill for least, fill in SEVERITY_FILLS if severity >= least)


def fitted_widths(
    rows: Sequence[Sequence[Cell]], tables: Sequence[Table], formats: Sequence[Format]
) -> tuple[int, ...]:
    """Each column as wide as its widest table cell (a long header by its longest word: it wraps), within
    MIN_WIDTH..MAX_WIDTH, prose columns PROSE_WIDTH at most. Title and note rows outside the tables are left
    out: their text runs on over the empty cells to their right."""
    look = Look(tuple(formats))
    widest: dict[int, int] = {}
    prose: set[int] = set()
    for block in formats:  # a dropdown's column is as wide as its longest choice
        for col in range(block.col, block.end_col):
            for option in block.options:
                widest[col] = max(widest.get(col, 0), text_width(option))
    for table in tables:
        for col, name in enumerate(rows[table.header]):
            widest[col] = max(widest.get(col, 0), _header_need(str(name or "")))
            if fold(str(name or "")) in PROSE:
                prose.add(col)
        for row in range(table.first, table.end):
            for col, value in enumerate(rows[row]):
                shown = shown_width(value, look.cell(row, col).number_format)
                widest[col] = max(widest.get(col, 0), shown)
    count = max(widest, default=-1) + 1
    return tuple(
        min(PROSE_WIDTH, max(PROSE_MIN_WIDTH, widest.get(col, 0) + 2))
        if col in prose
        else min(MAX_WIDTH, max(MIN_WIDTH, widest.get(col, 0) + 2))
        for col in range(count)
    )


def _wrapped(
    rows: Sequence[Sequence[Cell]], tables: Sequence[Table], widths: tuple[int, ...]
) -> tuple[list[Format], tuple[tuple[int, int], ...]]:
    """Text longer than its column wraps (the row grows) rather than being cut or covering the next cell;
    with the lines each such row needs (headers wrap by word, the rest by width)."""
    out, lines = [], []
    for table in tables:
        for row in range(table.header, table.end):
            needed = 1
            for col, value in enumerate(rows[row]):
                if not isinstance(value, str) or col >= len(widths):
                    continue
                room = max(1, widths[col] - 1)  # (a width counts digits; text is narrower: TEXT_FILL)
                if row == table.header:
                    needed = max(needed, _header_lines(value, room))
                elif text_width(value) > room:
                    out.append(Format(row, row + 1, col, col + 1, wrap=True))
                    needed = max(needed, math.ceil(text_width(value) * TEXT_FILL / room))
            if needed > 1:
                lines.append((row, needed))
                out.append(Format(row, row + 1, 0, len(rows[table.header]), top=True))
    return out, tuple(lines)


def _header_need(text: str) -> int:
    """The width a header asks for: a short one stays on one line; a long one wraps between words, or
    anywhere in Japanese (no spaces)."""
    whole = min(text_width(text), SHORT_HEADER)
    if _wide(text):
        return whole
    return max(whole, *(text_width(word) for word in text.split() or [""]))


def _wide(text: str) -> bool:
    return text_width(text) > len(text)


def _header_lines(text: str, room: int) -> int:
    if _wide(text):
        return math.ceil(text_width(text) / room)
    count, used = 1, 0
    for word in text.split():
        width = text_width(word)
        if used and used + 1 + width > room:
            count, used = count + 1, width
        else:
            used += (1 if used else 0) + width
    return count


def text_width(text: str) -> int:
    """Characters as a spreadsheet shows them: wide (CJK) characters count double."""
    if text.isascii():
        return len(text)  # no ASCII character is wide (W) or full-width (F): most cells, counted in C
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown_width(value: Cell, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, bool) or not isinstance(value, int | float):
        return text_width(str(value))
    if number_format and "[>=" in number_format:  # the severity in words
        return 9
    digits = (
        f"{value:,.0f}"
        if number_format != DECIMAL_FORMAT and number_format != RATE_FORMAT
        else f"{value:,.1f}"
    )
    symbol = number_format.split("#", 1)[0] if number_format and "#" in number_format else ""
    return len(digits) + text_width(symbol) + (1 if number_format == RATE_FORMAT else 0)


def _frozen(report: Report, tables: Sequence[Table]) -> int:
    """The main table's header stays in view: the Manager Review's deal table (the one with the Decision
    column), else the tab's header rows."""
    for table in tables:
        kinds = {fold(str(name)) for name in report.rows[table.header] if name not in (None, "")}
        if kinds & DECISION and table.header + 1 <= MAX_FROZEN_ROWS:
            return table.header + 1
    return report.header_rows
