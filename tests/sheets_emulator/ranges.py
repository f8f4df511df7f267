"""A1 notation: parsing request ranges and formatting ranges the way Google echoes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import bad_request

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_SIMPLE_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[A-Za-z]{1,3}|\d+)$")


def col_to_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def index_to_col(index: int) -> str:
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def quote_title(title: str) -> str:
    """Google leaves simple names bare (Sheet1) and quotes anything else ('My tab', 'D3', 'O''Brien')."""
    if _SIMPLE_TITLE.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class A1:
    """A parsed range. ``None`` bounds are open (A:C has no rows, 2:5 no columns, 'Sheet1' neither)."""

    title: str | None
    r0: int | None = None
    c0: int | None = None
    r1: int | None = None  # exclusive
    c1: int | None = None  # exclusive


def split_title(text: str) -> tuple[str | None, str]:
    """Split "'My tab'!A1:B2" into ("My tab", "A1:B2"); a bare title gives (title, "")."""
    if text.startswith("'"):
        i, out = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    out.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(out), ""
                if rest.startswith("!"):
                    return "".join(out), rest[1:]
                raise ValueError(text)
            out.append(ch)
            i += 1
        raise ValueError(text)
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def _parse_cell(part: str) -> tuple[int | None, int | None]:
    m = _CELL.match(part.replace("$", ""))
    if not m or (not m.group(1) and not m.group(2)):
        raise ValueError(part)
    col = col_to_index(m.group(1)) if m.group(1) else None
    if m.group(2):
        row = int(m.group(2)) - 1
        if row < 0:
            raise ValueError(part)
    else:
        row = None
    return row, col


def parse_a1(text: str, sheet_titles: list[str]) -> A1:
    """Parse ``text``; a bare word that is a sheet title means the whole sheet. Raises 400 like Google."""
    err = bad_request(f"Unable to parse range: {text}")
    try:
        title, cells = split_title(text)
    except ValueError:
        raise err from None
    if title is None:
        if text in sheet_titles:
            return A1(text)
        title = sheet_titles[0] if sheet_titles else None
        if title is None:
            raise err
    elif title not in sheet_titles:
        raise err
    if cells == "":
        return A1(title)
    try:
        first, sep, second = cells.partition(":")
        ra, ca = _parse_cell(first)
        if not sep:
            if ra is None or ca is None:
                raise ValueError(cells)
            return A1(title, ra, ca, ra + 1, ca + 1)
        rb, cb = _parse_cell(second)
    except ValueError:
        raise err from None
    # order the corners like Google does (B2:A1 == A1:B2)
    r_lo = None if ra is None or rb is None else min(ra, rb)
    r_hi = None if ra is None or rb is None else max(ra, rb) + 1
    if ra is not None and rb is None:
        r_lo, r_hi = ra, None  # A2:C -> rows 2..end
    if ra is None and rb is not None:
        r_lo, r_hi = None, rb + 1
    c_lo = None if ca is None or cb is None else min(ca, cb)
    c_hi = None if ca is None or cb is None else max(ca, cb) + 1
    if ca is not None and cb is None:
        c_lo, c_hi = ca, None
    if ca is None and cb is not None:
        c_lo, c_hi = None, cb + 1
    return A1(title, r_lo, c_lo, r_hi, c_hi)


def format_range(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    """Bounded range as Google echoes it: Sheet1!A1 for one cell, 'My tab'!A1:B2 otherwise."""
    start = f"{index_to_col(c0)}{r0 + 1}"
    if r1 - r0 == 1 and c1 - c0 == 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{index_to_col(c1 - 1)}{r1}"
