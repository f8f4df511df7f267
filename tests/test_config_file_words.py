"""The config file's own errors (not TOML, not found, unreadable) in the admin's language.

The locale comes from --locale or, since a file that is not TOML cannot be read, from a
`locale = "ja"` line the broken file still has."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config_file import load_config
from sync.errors import ConfigError

BROKEN = 'store.kind = "xlsx"\n[reports\nwin_loss_months = 12\n'


@pytest.mark.parametrize(
    ("text", "override", "expected"),
    [
        (BROKEN, None, ["not valid TOML", "line 2", "fix that line"]),
        ('locale = "ja"\n' + BROKEN, None, ["TOML として読めません", "3 行目", "その行を直してください"]),
        (BROKEN, "ja", ["TOML として読めません", "2 行目"]),
        ('locale = "ja"\n' + BROKEN, "en", ["not valid TOML", "line 3"]),
    ],
)
def test_a_file_that_is_not_toml_names_the_line_in_the_admins_language(tmp_path, text, override, expected):
    path = tmp_path / "sfa-sync.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path, locale=override)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    for part in expected:
        assert part in message, message


@pytest.mark.parametrize(
    ("override", "expected"),
    [(None, "config file not found"), ("ja", "設定ファイルが見つかりません")],
)
def test_a_missing_config_file_is_named_in_the_admins_language(tmp_path: Path, override, expected):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as raised:
        load_config(path, locale=override)
    assert expected in str(raised.value)
    assert str(path) in str(raised.value)
