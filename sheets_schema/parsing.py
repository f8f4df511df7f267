"""Cell parsing that real sheets need. Pure functions: a raw cell value in, a typed value out.

Each parser raises ValueError with a message that says what was expected, so that the caller can
prefix the cell (Deals!G12) and show it in the sheet.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import TypeGuard, TypeVar

from sheets_schema.locale import Locale
from sheets_schema.messages import Message, quote

# Sheets and Excel both count days from 1899-12-30 (Excel's 1900 leap-year bug folded in).
SERIAL_EPOCH = datetime(1899, 12, 30)
# The dates accepted, typed or as serial numbers. Every store holds these alike and reads them back the same
# (serial 0 = 1899-12-30 reads back from .xlsx as a time of day, Excel's 1900 leap-year bug shifts the days
# before 1900-03-01, Google's serials past the window did not parse back), so each round-trips and a sheet
# settles. Outside it a date is surely a typo, and a number surely not a date. Messages name the range
# ("date_out_of_range").
FIRST_DATE, LAST_DATE = date(1950, 1, 1), date(2199, 12, 31)
_SERIAL_MIN, _SERIAL_END = 18264, 109575  # the serials of FIRST_DATE and of the day after LAST_DATE
_SERIAL_LAST = 2958466  # the day after 9999-12-31, the last date a spreadsheet (and Python) has

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日$"),
)
_TIME_SUFFIX = re.compile(r"^(.*?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What a workbook cannot hold (XML 1.0 forbids them; openpyxl refuses them): C0 controls but tab, LF, CR.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FormulaText(str):
    """A workbook's formula cell whose result the file does not hold (saved by openpyxl or a script, not
    opened in Excel or LibreOffice since), read as its formula text: that text is not its value, so the cell
    cannot be read. Every parser refuses it, and it is not an empty cell: no id is ever written over it."""


class EmptyResult(str):
    """A workbook's formula whose stored result is the empty text (=IF(…,"",…)): empty by the person's
    choice, so it parses as an empty cell without a problem; text columns read it as "" rather than None,
    and it is not an empty cell (is_blank is False): no id is ever written over the formula."""


class CellParseError(ValueError):
    """A cell value that does not parse; `code` names the message in sheets_schema.messages."""

    def __init__(self, code: str, value: object) -> None:
        self.code = code
        self.value = value
        super().__init__(code)

    def __str__(self) -> str:
        return self.message("en").render("en")

    def message(self, locale: Locale) -> Message:
        return Message(self.code, {"value": quote(self.value, locale)})


_Parsed = TypeVar("_Parsed")


def reads_formulas(parse: Callable[[object], _Parsed]) -> Callable[[object], _Parsed | None]:
    """A cell parser that also takes a workbook's formula cells: one whose result is not stored cannot be
    read; one whose result is the empty text is empty."""

    @wraps(parse)
    def read(value: object) -> _Parsed | None:
        if type(value) is FormulaText:
            raise CellParseError("formula_without_result", value)
        if type(value) is EmptyResult:
            return None
        return parse(value)

    return read


def is_blank(value: object) -> bool:
    if value is None:
        return True
    return type(value) is str and (value == "" or value.isspace())  # called for every cell: kept cheap


def control_character(value: str) -> str | None:
    """The first control character in the text that no sheet can hold, as U+0007, or None."""
    found = _CONTROL_CHARACTER.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def without_control_characters(value: str) -> str:
    """The text with each control character no sheet can hold replaced by U+FFFD (shown as �)."""
    return _CONTROL_CHARACTER.sub("\ufffd", value)


def normalize_text(value: str) -> str:
    """Full-width letters and digits to half-width, trimmed (NFKC), as Japanese input methods vary."""
    return unicodedata.normalize("NFKC", value).strip()


def serial_to_datetime(serial: float) -> datetime:
    return SERIAL_EPOCH + timedelta(days=float(serial))


def date_to_serial(value: date | datetime) -> float:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    delta = value.replace(tzinfo=None) - SERIAL_EPOCH
    return delta.days + delta.seconds / 86400


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


@reads_formulas
def parse_datetime(value: object) -> datetime | None:
    """A date or date-time cell: datetime objects, serial numbers, ISO / slash / 年月日 text."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return _in_range(value.replace(tzinfo=None), value)
    if isinstance(value, date):
        return _in_range(datetime.combine(value, time()), value)
    if value == time():  # serial 0 (1899-12-30), read back from a workbook as the time of day 00:00
        raise CellParseError("date_out_of_range", SERIAL_EPOCH.date().isoformat())
    if _is_number(value):
        number = float(value)
        if math.isfinite(number) and _SERIAL_MIN <= number < _SERIAL_END:
            return serial_to_datetime(round(number * 86400) / 86400)
        # A date cell outside the range, as Google gives it: its serial. Past the range, or exactly 0 or 1
        # (1899-12-30/31, the dates a spreadsheet's day zero shows); a small number was typed as a number.
        if math.isfinite(number) and (_SERIAL_END <= number < _SERIAL_LAST or number in (0, 1)):
            raise CellParseError(
                "date_out_of_range", _shown(serial_to_datetime(round(number * 86400) / 86400))
            )
        raise CellParseError("not_date", value)
    if not isinstance(value, str):
        raise CellParseError("not_date", value)
    text = normalize_text(value)
    clock = time()
    match = _TIME_SUFFIX.match(text)
    if match and match.group(1):
        text = match.group(1).strip()
        hour, minute, second = int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise CellParseError("bad_time", value)
        clock = time(hour, minute, second)
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            year, month, day = (int(part) for part in found.groups())
            try:
                typed = datetime.combine(date(year, month, day), clock)
            except ValueError:
                raise CellParseError("not_calendar_date", value) from None
            return _in_range(typed, value)
    raise CellParseError("not_date", value)


def _in_range(parsed: datetime, value: object) -> datetime:
    if FIRST_DATE <= parsed.date() <= LAST_DATE:
        return parsed
    raise CellParseError("date_out_of_range", _shown(parsed) if isinstance(value, date) else value)


def _shown(moment: datetime) -> str:
    """A date cell as a person sees it: the date, with the time of day only if it has one."""
    return moment.date().isoformat() if moment.time() == time() else moment.isoformat(" ", "minutes")


def parse_date(value: object) -> date | None:
    parsed = parse_datetime(value)
    return parsed.date() if parsed is not None else None


_AMOUNT_NOISE = re.compile(r"[\s,¥￥$円]|JPY|jpy|yen", re.IGNORECASE)
_UNITS = (("億", 100_000_000), ("万", 10_000), ("千", 1_000))


@reads_formulas
def parse_amount(value: object) -> int | float | None:
    """An amount of money: 1200000, "1,200,000", "¥1,200,000", "1,200,000円", "120万円", "1億2000万"."""
    if is_blank(value):
        return None
    if _is_number(value):
        number = float(value)
        if not math.isfinite(number):
            raise CellParseError("not_amount", value)
        if number < 0:
            raise CellParseError("negative_amount", value)
        return _tidy(Decimal(str(value)))
    if not isinstance(value, str):
        raise CellParseError("not_amount", value)
    text = _AMOUNT_NOISE.sub("", normalize_text(value))
    total = _parse_with_units(text)
    if total is None:
        raise CellParseError("not_amount", value)
    if total < 0:
        raise CellParseError("negative_amount", value)
    return _tidy(total)


def _parse_with_units(text: str) -> Decimal | None:
    if not text:
        return None
    total = Decimal(0)
    rest = text
    for unit, size in _UNITS:
        if unit in rest:
            head, rest = rest.split(unit, 1)
            number = _decimal(head)
            if number is None:
                return None
            total += number * size
    if rest:
        number = _decimal(rest)
        if number is None:
            return None
        total += number
    return total


def _decimal(text: str) -> Decimal | None:
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already guarantees a number
        return None


def _tidy(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


@reads_formulas
def parse_int(value: object) -> int | None:
    """A whole count (employees): 250, "250", "250名", "1,200人"."""
    if is_blank(value):
        return None
    if _is_number(value) and math.isfinite(value) and float(value) == int(value):
        return int(value)
    if isinstance(value, str):
        text = re.sub(r"[\s,名人社]", "", normalize_text(value))
        if re.fullmatch(r"\d+", text):
            return int(text)
    raise CellParseError("not_int", value)


@reads_formulas
def parse_email(value: object) -> str | None:
    if is_blank(value):
        return None
    text = normalize_text(str(value))
    if not _EMAIL.match(text):
        raise CellParseError("not_email", value)
    return text


def parse_text(value: object) -> str | None:
    if type(value) is FormulaText:
        raise CellParseError("formula_without_result", value)
    if type(value) is EmptyResult:
        return ""  # empty, but not an empty cell: see EmptyResult
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


_TRUE = {"true", "yes", "y", "1", "○", "◯", "はい", "有効", "在籍"}
_FALSE = {"false", "no", "n", "0", "×", "いいえ", "無効", "退職"}


@reads_formulas
def parse_bool(value: object) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if _is_number(value) and value in (0, 1):
        return bool(value)
    text = normalize_text(str(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellParseError("not_bool", value)
