"""Every table of words the pure layers show (code -> (English, Japanese)) is complete in both languages,
and each is said through the one mechanism, sheets_schema.messages.Catalogue."""

from __future__ import annotations

import importlib
import pkgutil
from string import Formatter
from types import ModuleType

import pytest

from sheets_schema.locale import Locale
from sheets_schema.messages import Catalogue

PACKAGES = ("sheets_schema", "rules", "reports")


def _modules() -> list[ModuleType]:
    found = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.iter_modules(root.__path__):
            found.append(importlib.import_module(f"{package}.{info.name}"))
    return found


def _is_word_table(value: object) -> bool:
    return (
        isinstance(value, dict | Catalogue)
        and len(value) > 0
        and all(
            isinstance(k, str) and isinstance(v, tuple) and len(v) == 2 and all(isinstance(t, str) for t in v)
            for k, v in value.items()
        )
    )


TABLES = {
    f"{module.__name__}.{name}": value
    for module in _modules()
    for name, value in vars(module).items()
    if _is_word_table(value) and not isinstance(value, Catalogue)
}
ENTRIES = [(f"{table}[{code!r}]", texts) for table, words in TABLES.items() for code, texts in words.items()]


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def test_the_word_tables_are_found() -> None:
    assert {
        "sheets_schema.messages.CATALOG",
        "reports.labels.LABELS",
        "reports.manager_review.REVIEW_LABELS",
    } <= set(TABLES)


@pytest.mark.parametrize(("where", "texts"), ENTRIES, ids=[where for where, _ in ENTRIES])
def test_every_code_has_both_languages_with_the_same_placeholders(where: str, texts: tuple[str, str]) -> None:
    english, japanese = texts
    assert english.strip() and japanese.strip()
    assert _placeholders(english) == _placeholders(japanese)


@pytest.mark.parametrize("module", _modules(), ids=lambda m: m.__name__)
def test_a_module_that_says_things_says_them_through_a_catalogue(module: ModuleType) -> None:
    for name, value in vars(module).items():
        if name == "say" or name.startswith("say_"):
            assert isinstance(getattr(value, "__self__", None), Catalogue), f"{module.__name__}.{name}"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "no activity for 12 days"), ("ja", "12日間活動なし")],
)
def test_a_catalogue_says_the_text_of_the_locale_with_its_placeholders_filled(
    locale: Locale, expected: str
) -> None:
    catalogue = Catalogue({"no_activity": ("no activity for {days} days", "{days}日間活動なし")})
    assert catalogue.say("no_activity", locale, days=12) == expected
