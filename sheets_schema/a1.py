"""A1 notation for messages: (row 0, col 0) is A1."""

from __future__ import annotations


def column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1(row: int, col: int) -> str:
    return f"{column_letter(col)}{row + 1}"


def quote_tab(title: str) -> str:
    """Sheets/Excel quoting of a tab name in a reference: 'Win-Loss Analysis'!A1, Deals!A1."""
    if title.isidentifier() and title.isascii():
        return title
    return "'" + title.replace("'", "''") + "'"
