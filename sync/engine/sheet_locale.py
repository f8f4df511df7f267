"""The sheet's language, remembered in the sheet itself: the language its input tabs are named in.

`init --locale ja` names every tab in Japanese, and those names are what people see and keep. So a run
that is not told a locale takes the sheet's (a Japanese sheet never gets English copies of its
generated tabs, nor English messages); a --locale or config `locale` that contradicts the sheet is a
config error, raised before anything is written, that names the option and the fix. Renaming every tab in
place instead would surprise a team whose links, filters and habits use the names; a wrong flag is more
likely a slip than a wish to switch languages. A sheet with no input tabs yet (a new workbook) follows
the config.
"""

from __future__ import annotations

from sheets_schema.locale import Locale, fold
from sheets_schema.tabs import INPUT_TABS
from sync.core.config import Config
from sync.core.snapshot import Snapshot
from sync.errors import ConfigError


class LocaleMismatchError(ConfigError):
    """--locale (or the config's locale) is not the sheet's language. Nothing was written."""


LANGUAGE = {"en": ("English", "英語"), "ja": ("Japanese", "日本語")}


def sheet_locale(snapshot: Snapshot) -> Locale | None:
    """The language most of the sheet's input tabs are named in; None if none is (or it is a tie)."""
    titles = {fold(title) for title in snapshot.tabs}
    en = sum(fold(spec.en) in titles for spec in INPUT_TABS)
    ja = sum(fold(spec.ja) in titles for spec in INPUT_TABS)
    if en == ja:
        return None
    return "en" if en > ja else "ja"


def with_sheet_locale(config: Config, snapshot: Snapshot) -> Config:
    """`config` in the sheet's language; raises LocaleMismatchError when told another one explicitly."""
    found = sheet_locale(snapshot)
    if found is None or found == config.locale:
        return config
    if config.locale_from is None:
        return config.model_copy(update={"locale": found})
    raise LocaleMismatchError(_contradiction(config, found, snapshot))


def _contradiction(config: Config, found: Locale, snapshot: Snapshot) -> str:
    named = ", ".join(s.title(found) for s in INPUT_TABS if fold(s.title(found)) in map(fold, snapshot.tabs))
    asked_en, asked_ja = LANGUAGE[config.locale]
    is_en, is_ja = LANGUAGE[found]
    where = config.locale_from
    option = f"--locale {config.locale}" if where == "--locale" else f"{where} = {config.locale!r}"
    fix = (
        f"run with --locale {found}, or leave --locale out to use the sheet's language"
        if where == "--locale"
        else f'set locale = "{found}" there (or remove it to use the sheet\'s language)'
    )
    fix_ja = (
        f"--locale {found} を付けるか、--locale を省いてシートの言語を使ってください"
        if where == "--locale"
        else f'そこを locale = "{found}" にするか、削除してシートの言語を使ってください'
    )
    return (
        f"{option}: this sheet is in {is_en} (its tabs are named {named}), not {asked_en}; {fix}. "
        f"Nothing was written. / {option}: このシートは{is_ja}です（タブ名: {named}）。{asked_ja}ではありません。"
        f"{fix_ja}。何も書き込んでいません。"
    )
