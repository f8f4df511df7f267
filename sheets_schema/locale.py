"""The two first-class languages. Everything a person reads exists in both."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Literal

Locale = Literal["en", "ja"]
LOCALES: tuple[Locale, ...] = ("en", "ja")


@lru_cache(maxsize=65536)  # cells repeat a lot (stages, results, names): fold each text once
def fold(text: str) -> str:
    """How names are compared: NFKC (full-width -> half-width), trimmed, case-folded, single spaces."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return " ".join(folded.replace("_", " ").split())
