"""Typed cell values: USER_ENTERED parsing, rendering (formatted / unformatted / formula), formulas.

Formulas: the formula text is stored; its value is computed on read by a small evaluator that
understands number/string literals, + - * / ^ &, parentheses, same-sheet cell references (A1) and
SUM/MIN/MAX/AVERAGE over A1:B2 ranges. Anything else evaluates to the formula text itself.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from .model import Cell, Sheet
from .ranges import col_to_index

EPOCH = dt.datetime(1899, 12, 30)
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NUM_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)%$")
_CURRENCY = re.compile(r"^(-?)\$(\d{1,3}(,\d{3})*|\d+)(\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def to_serial(value: dt.date | dt.datetime) -> float:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    delta = value - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> dt.datetime:
    return EPOCH + dt.timedelta(days=serial)


def clean_number(x: float) -> int | float:
    if isinstance(x, bool):
        return x
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return int(x)
    return x


def parse_user_entered(raw: Any, cell: Cell) -> None:
    """Store ``raw`` in ``cell`` as the Sheets UI would (USER_ENTERED)."""
    cell.formula = None
    if not isinstance(raw, str):
        set_raw(raw, cell)
        return
    text = raw
    number_format = None
    value: Any = text
    if text == "":
        value = None
    elif text.startswith("="):
        cell.formula, value = text, None
    elif text.startswith("'"):
        value = text[1:]
    elif text.upper() in ("TRUE", "FALSE"):
        value = text.upper() == "TRUE"
    elif _NUM.match(text.strip()):
        value = clean_number(float(text))
    elif _NUM_COMMAS.match(text):
        decimals = len(text.partition(".")[2])
        value = clean_number(float(text.replace(",", "")))
        number_format = {"type": "NUMBER", "pattern": "#,##0" + ("." + "0" * decimals if decimals else "")}
    elif _PERCENT.match(text):
        decimals = len(text[:-1].partition(".")[2])
        value = clean_number(round(float(text[:-1]) / 100, 15))
        number_format = {"type": "PERCENT", "pattern": "0" + ("." + "0" * decimals if decimals else "") + "%"}
    elif _CURRENCY.match(text):
        value = clean_number(float(text.replace("$", "").replace(",", "")))
        number_format = {"type": "CURRENCY", "pattern": '"$"#,##0.00'}
    elif (m := _ISO_DATE.match(text)) and _valid_date(int(m[1]), int(m[2]), int(m[3])):
        when = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
        value = clean_number(to_serial(when))
        if m[4]:
            number_format = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
        else:
            number_format = {"type": "DATE", "pattern": "yyyy-mm-dd"}
    elif (m := _US_DATE.match(text)) and _valid_date(int(m[3]), int(m[1]), int(m[2])):
        value = clean_number(to_serial(dt.date(int(m[3]), int(m[1]), int(m[2]))))
        number_format = {"type": "DATE", "pattern": "M/d/yyyy"}
    cell.value = value
    if number_format is not None:
        cell.fmt = {**(cell.fmt or {}), "numberFormat": number_format}


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def set_raw(raw: Any, cell: Cell) -> None:
    """RAW input: strings stay strings (even "=1+1"), numbers and booleans keep their type."""
    cell.formula = None
    if isinstance(raw, bool) or raw is None or isinstance(raw, str):
        cell.value = raw if raw != "" else None
    else:
        cell.value = clean_number(float(raw))


# ---------------------------------------------------------------- rendering


def effective_value(sheet: Sheet, cell: Cell, depth: int = 0) -> Any:
    if cell.formula is not None:
        return evaluate(sheet, cell.formula, depth)
    return cell.value


def render(sheet: Sheet, cell: Cell | None, value_option: str, dt_option: str) -> Any:
    """The JSON value Google returns for ``cell`` ("" for an empty cell)."""
    if cell is None or not cell.has_value():
        return ""
    if value_option == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = effective_value(sheet, cell)
    nf = cell.number_format
    if value_option == "FORMATTED_VALUE":
        return format_value(value, nf)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if dt_option == "FORMATTED_STRING" and nf and nf.get("type") in ("DATE", "TIME", "DATE_TIME"):
            return format_value(value, nf)
        return clean_number(value)
    return value


def format_value(value: Any, nf: dict | None) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    kind = (nf or {}).get("type")
    pattern = (nf or {}).get("pattern", "")
    if kind in ("DATE", "TIME", "DATE_TIME"):
        return format_date(value, pattern or "M/d/yyyy")
    if kind in ("NUMBER", "PERCENT", "CURRENCY") and pattern:
        return format_number(value, pattern)
    return general(value)


def general(x: float) -> str:
    if isinstance(x, float) and math.isfinite(x) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if isinstance(x, int):
        return str(x)
    text = format(x, ".15g")
    if "e" in text:
        mantissa, _, exp = text.partition("e")
        return f"{mantissa}E{'+' if not exp.startswith('-') else '-'}{exp.lstrip('+-').zfill(2)}"
    return text


def format_number(x: float, pattern: str) -> str:
    percent = pattern.endswith("%")
    core = pattern.rstrip("%").replace('"$"', "").replace("$", "")
    if percent:
        x = x * 100
    decimals = len(core.partition(".")[2].rstrip("#")) if "." in core else 0
    spec = f"{',' if ',' in core else ''}.{decimals}f"
    text = format(abs(x), spec)
    prefix = "$" if "$" in pattern else ""
    return ("-" if x < 0 else "") + prefix + text + ("%" if percent else "")


_DATE_TOKENS = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|MM|M|dddd|ddd|dd|d|hh|h|HH|H|ss|s|am/pm|AM/PM|.", re.S)


def format_date(serial: float, pattern: str) -> str:
    when = from_serial(serial)
    out, tokens = [], _DATE_TOKENS.findall(pattern)
    seen_hour = False
    for tok in tokens:
        low = tok.lower()
        if low == "yyyy":
            out.append(f"{when.year:04d}")
        elif low == "yy":
            out.append(f"{when.year % 100:02d}")
        elif low in ("hh", "h"):
            seen_hour = True
            out.append(f"{when.hour:02d}" if low == "hh" else str(when.hour))
        elif low in ("mm", "m"):
            if seen_hour:
                out.append(f"{when.minute:02d}" if low == "mm" else str(when.minute))
            else:
                out.append(f"{when.month:02d}" if low == "mm" else str(when.month))
        elif low == "mmmm":
            out.append(when.strftime("%B"))
        elif low == "mmm":
            out.append(when.strftime("%b"))
        elif low == "dd":
            out.append(f"{when.day:02d}")
        elif low == "d":
            out.append(str(when.day))
        elif low == "dddd":
            out.append(when.strftime("%A"))
        elif low == "ddd":
            out.append(when.strftime("%a"))
        elif low in ("ss", "s"):
            out.append(f"{when.second:02d}")
        elif low == "am/pm":
            out.append("AM" if when.hour < 12 else "PM")
        else:
            out.append(tok)
    return "".join(out)


# ---------------------------------------------------------------- formulas

_TOKEN = re.compile(
    r'\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?)|("(?:[^"]|"")*")|([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)'
    r"|([A-Za-z]+)\s*\(|(<=|>=|<>|[-+*/^&(),=<>]))"
)
_FUNCS = {"SUM": sum, "MIN": min, "MAX": max, "AVERAGE": lambda xs: sum(xs) / len(xs) if xs else 0}


class _Unsupported(Exception):
    pass


def evaluate(sheet: Sheet, formula: str, depth: int = 0) -> Any:
    if depth > 50:
        return "#REF!"
    try:
        return _Parser(sheet, formula[1:], depth).parse()
    except ZeroDivisionError:
        return "#DIV/0!"
    except (_Unsupported, ValueError, TypeError, IndexError):
        return formula


class _Parser:
    def __init__(self, sheet: Sheet, text: str, depth: int):
        self.sheet, self.depth = sheet, depth
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise _Unsupported(text)
            kinds = ("num", "str", "ref", "func", "op")
            kind = next(k for k, g in zip(kinds, m.groups(), strict=True) if g is not None)
            self.tokens.append((kind, m.group(m.lastindex)))
            pos = m.end()
        self.i = 0

    def parse(self) -> Any:
        value = self.concat()
        if self.i != len(self.tokens):
            raise _Unsupported()
        return clean_number(value) if isinstance(value, float) else value

    def peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def concat(self) -> Any:
        left = self.additive()
        while self.peek() == "&":
            self.take()
            left = _text(left) + _text(self.additive())
        return left

    def additive(self) -> Any:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            right = _num(self.term())
            left = _num(left) + right if op == "+" else _num(left) - right
        return left

    def term(self) -> Any:
        left = self.power()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            right = _num(self.power())
            left = _num(left) * right if op == "*" else _num(left) / right
        return left

    def power(self) -> Any:
        left = self.unary()
        while self.peek() == "^":
            self.take()
            left = _num(left) ** _num(self.unary())
        return left

    def unary(self) -> Any:
        if self.peek() in ("-", "+"):
            op = self.take()[1]
            value = _num(self.unary())
            return -value if op == "-" else value
        return self.atom()

    def atom(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            values = self.ref_values(text)
            if ":" in text:
                raise _Unsupported(text)
            return values[0] if values else 0.0
        if kind == "func":
            func = _FUNCS.get(text.upper())
            if func is None:
                raise _Unsupported(text)
            args: list[float] = []
            while self.peek() != ")":
                if self.tokens[self.i][0] == "ref":
                    args.extend(v for v in self.ref_values(self.take()[1]) if isinstance(v, (int, float)))
                else:
                    args.append(_num(self.concat()))
                if self.peek() == ",":
                    self.take()
            self.take()
            return float(func(args))
        if text == "(":
            value = self.concat()
            if self.take()[1] != ")":
                raise _Unsupported()
            return value
        raise _Unsupported(text)

    def ref_values(self, ref: str) -> list[Any]:
        first, _, second = ref.partition(":")
        second = second or first
        m1 = re.match(r"([A-Za-z]+)(\d+)", first)
        m2 = re.match(r"([A-Za-z]+)(\d+)", second)
        if not m1 or not m2:
            raise _Unsupported(ref)
        r0, r1 = sorted((int(m1[2]) - 1, int(m2[2]) - 1))
        c0, c1 = sorted((col_to_index(m1[1]), col_to_index(m2[1])))
        out = []
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                cell = self.sheet.cell(r, c)
                if cell is not None and cell.has_value():
                    out.append(effective_value(self.sheet, cell, self.depth + 1))
        return out


def _num(v: Any) -> float:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    if v == "" or v is None:
        return 0.0
    return float(v)


def _text(v: Any) -> str:
    if isinstance(v, float):
        return general(v)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    return str(v)
