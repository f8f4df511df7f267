"""`sfa-sync doctor` speaks the admin's language: the config's locale, or --locale; a local workbook, a
real aiosmtpd server and a closed port. Every line is still "OK ..." or "FIX ...", in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from sync.config_file import load_config
from sync.jobs.setup import initialise
from tests.notify_servers import SmtpServer, free_port


def workbook_config(tmp_path: Path, locale: str, email_port: int | None = None) -> Path:
    path = tmp_path / "sfa-sync.toml"
    text = f'locale = "{locale}"\n[store]\nkind = "xlsx"\npath = "team.xlsx"\n'
    if email_port:
        text += (
            f'[reminders.email]\nenabled = true\nhost = "127.0.0.1"\nport = {email_port}\nsecurity = "none"\n'
        )
    path.write_text(text, encoding="utf-8")
    return path


def doctor(*args: str) -> tuple[list[str], int]:
    result = CliRunner().invoke(cli, ["doctor", *args])
    lines = result.output.splitlines()
    assert lines and all(line.startswith(("OK ", "FIX ")) for line in lines), result.output
    return lines, result.exit_code


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            ["OK   main: tabs and required headers present", "OK   email reminders: SMTP server 127.0.0.1:"],
        ),
        (
            "ja",
            [
                "OK   main: タブと必須の見出しがそろっています",
                "OK   メールのリマインダー: SMTP サーバー 127.0.0.1:",
            ],
        ),
    ],
)
def test_every_line_of_a_healthy_workbook_is_in_the_configs_language(tmp_path, locale, expected):
    with SmtpServer() as smtp:
        path = workbook_config(tmp_path, locale, smtp.port)
        initialise(load_config(path))
        lines, code = doctor("--config", str(path))
    assert code == 0, lines
    for start in expected:
        assert any(line.startswith(start) for line in lines), lines
    assert any(
        line.startswith(("OK   chat reminders: not enabled", "OK   チャットのリマインダー: 使っていません"))
        for line in lines
    )


def test_a_missing_workbook_and_a_closed_smtp_port_are_fixes_in_japanese(tmp_path):
    path = workbook_config(tmp_path, "ja", free_port())
    lines, code = doctor("--config", str(path))
    assert code == 3, lines
    assert any("ワークブック" in line and "sfa-sync init --workbook" in line for line in lines), lines
    assert any(line.startswith("FIX  メールのリマインダー: SMTP サーバー") for line in lines), lines


def test_locale_on_the_command_line_wins_and_covers_an_unreadable_config(tmp_path):
    path = workbook_config(tmp_path, "en")
    lines, _code = doctor("--config", str(path), "--locale", "ja")
    assert any("ワークブック" in line for line in lines), lines
    broken = tmp_path / "broken.toml"
    broken.write_text("[store\n", encoding="utf-8")
    lines, code = doctor("--config", str(broken), "--locale", "ja")
    assert code == 2 and lines[0].startswith("FIX  設定: ") and "TOML として読めません" in lines[0], lines
