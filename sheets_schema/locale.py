"""The two first-class languages. Everything a person reads exists in both."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Literal

Locale = Literal["en", "ja"]
LOCALES: tuple[Locale, ...] = ("en", "ja")


# Ids and names are folded every time rows are compared: each text once. Bounded (about 60 MB at most, with
# the texts it keeps), so that a long-running service does not grow without end.
@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """How names are compared: NFKC (full-width -> half-width), trimmed, case-folded, single spaces."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return " ".join(folded.replace("_", " ").split())
