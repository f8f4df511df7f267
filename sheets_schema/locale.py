"""The two first-class languages. Everything a person reads exists in both."""

from __future__ import annotations

from typing import Literal

Locale = Literal["en", "ja"]
LOCALES: tuple[Locale, ...] = ("en", "ja")


def fold(text: str) -> str:
    """How names are compared: NFKC (full-width -> half-width), trimmed, case-folded, single spaces."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return " ".join(folded.replace("_", " ").split())
