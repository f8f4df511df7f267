"""`sfa-sync remind --dry-run` shows each owner's digest — the tasks as the email or chat would list
them — and which channel would carry it, also when no channel is configured (then it says so, and how
to configure one). On the demo it prints digests, in the sheet's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from click.testing import CliRunner

import sync.cli.main  # noqa: F401  (builds the group first: see sync/cli/remind_command.py)
from sync.cli.remind_command import remind
from sync.config_file import load_config
from sync.jobs.setup import make_demo
from tests.test_notify import invoke_at_now, workbook_with_tasks

NOW = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 09:30 in Tokyo, the demo's zone
TODAY = date(2026, 11, 30)
NO_CHANNEL = {
    "en": "would not be sent: no channel configured — set [reminders.email] or [reminders.chat]",
    "ja": "送信されません: 送信方法が設定されていません — [reminders.email] か [reminders.chat] を設定してください",
}


@pytest.fixture(scope="module", params=["en", "ja"])
def demo(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("remind") / f"demo-{request.param}.xlsx"
    config = load_config(None, **{"locale": request.param, "store.kind": "xlsx", "store.path": str(path)})
    make_demo(config, today=TODAY)
    return request.param, path


def test_the_demo_dry_run_prints_digests_with_no_config(demo):
    locale, path = demo
    before = path.read_bytes()
    with time_machine.travel(NOW, tick=False):
        result = CliRunner().invoke(remind, ["--workbook", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    digests = [line for line in out.splitlines() if line.startswith("--- ")]
    assert len(digests) >= 3, out  # several owners have tasks due
    assert all(NO_CHANNEL[locale] in line for line in digests)
    assert ("nothing to send" not in out) and ("送るものはありません" not in out)
    assert ("Overdue" if locale == "en" else "期限超過") in out  # the digest itself, as the email lists it
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            "",
            "--- Sato (1 task): would not be sent: no channel configured — set [reminders.email] or "
            "[reminders.chat]",
        ),
        (
            '[reminders.email]\nenabled = true\nhost = "127.0.0.1"\nport = 9\n',
            "--- would send email to Sato <sato@example.com> (1 task)",
        ),
        (
            "[reminders.chat]\nenabled = true\n",
            "--- would post Sato's digest to the chat webhook (1 task)",
        ),
    ],
    ids=["none", "email", "chat"],
)
def test_the_dry_run_names_the_channel_that_would_carry_each_digest(tmp_path, toml, expected):
    path = workbook_with_tasks(tmp_path)
    args = ["--workbook", str(path), "--dry-run"]
    if toml:
        (tmp_path / "sfa-sync.toml").write_text(toml, encoding="utf-8")
        args = ["--config", str(tmp_path / "sfa-sync.toml"), *args]
    result = invoke_at_now(remind, args)
    assert result.exit_code == 0, result.output
    assert expected in result.output.splitlines(), result.output
    assert "- 2026-11-28 (today) Visit Acme [First visit]" in result.output
