"""rules.ids.id_number reads an id's number with string methods, not a regular expression: it must read
exactly what `PREFIX-(\\d+)` (fullmatch, trimmed) reads, whatever the cell holds."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from rules.ids import format_id, id_number

PREFIXES = ("L", "C", "D", "T")
PIECES = st.sampled_from(
    [
        "L",
        "C",
        "D",
        "T",
        "l",
        "-",
        "－",
        "0",
        "7",
        "42",
        "000001",
        "１２",
        "٣",
        "²",
        "½",
        "Ⅳ",
        " ",
        "\u3000",
        "\t",
        "a",
        "+",
    ]
)
TEXTS = st.one_of(st.text(max_size=12), st.lists(PIECES, max_size=8).map("".join))


def by_pattern(prefix: str, text: str) -> int | None:
    found = re.fullmatch(rf"{re.escape(prefix)}-(\d+)", text.strip())
    return int(found.group(1)) if found else None


# what may follow "L-": digits of every kind, and characters that are numbers but not decimal digits
TAILS = st.lists(
    st.sampled_from(["0", "9", "42", "１２", "٣", "²", "½", "Ⅳ", " ", "a", "-"]), max_size=4
).map("".join)


@given(st.sampled_from(PREFIXES), TEXTS, TAILS)
def test_id_number_reads_what_the_pattern_reads(prefix, text, tail):
    assert id_number(prefix, text) == by_pattern(prefix, text)
    for typed in (f"{prefix}-{tail}", f" {prefix}-{tail}\u3000", f"{prefix}{tail}"):
        assert id_number(prefix, typed) == by_pattern(prefix, typed), typed


@given(st.sampled_from(PREFIXES), st.integers(min_value=0, max_value=10**9))
def test_every_id_written_reads_back(prefix, number):
    assert id_number(prefix, format_id(prefix, number)) == number
