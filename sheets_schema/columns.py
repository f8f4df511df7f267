"""Columns of the input tabs: names in both languages, type, and who owns them (person or service)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sheets_schema.choices import ChoiceList
from sheets_schema.locale import Locale, fold


class Kind(StrEnum):
    ID = "id"
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    AMOUNT = "amount"
    INT = "int"
    EMAIL = "email"
    BOOL = "bool"
    CHOICE = "choice"
    STAGE = "stage"  # a choice whose options come from the configured pipeline


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    ja: str
    kind: Kind = Kind.TEXT
    derived: bool = False  # service-owned: written every cycle, protected, greyed
    required: bool = False
    choices: ChoiceList | None = None
    aliases: tuple[str, ...] = ()
    width: int = 16

    def label(self, locale: Locale) -> str:
        return self.ja if locale == "ja" else self.en

    def names(self) -> set[str]:
        return {fold(n) for n in (self.key, self.en, self.ja, *self.aliases)}

    @property
    def person_owned(self) -> bool:
        return not self.derived


def derived(
    key: str, en: str, ja: str, kind: Kind = Kind.TEXT, width: int = 14, aliases: tuple[str, ...] = ()
) -> Column:
    return Column(key, en, ja, kind, derived=True, width=width, aliases=aliases)


ERRORS = derived("errors", "Errors", "エラー", width=40, aliases=("problems", "エラー内容"))
