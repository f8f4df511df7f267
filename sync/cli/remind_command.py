"""`sfa-sync remind`: run the reminder job now (the service loop runs it daily at reminders.at).

A thin shell over sync/jobs/remind.py; sync/cli/main.py adds it to the `sfa-sync` group."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from sheets_schema.messages import Catalogue
from sync.cli.options import build_config, common_options
from sync.errors import EXIT_OK, NotifyError
from sync.jobs.remind import NO_CHANNEL, run_reminders, tasks
from sync.notify import render
from sync.stores import open_store

# The line above each digest a dry run prints: who, how many tasks, and the channel that would carry it.
PLANNED = Catalogue(
    {
        "email": (
            "--- would send email to {owner} ({tasks})",
            "--- {owner} に email で送る予定({tasks})",
        ),
        "email_to": (
            "--- would send email to {owner} <{address}> ({tasks})",
            "--- {owner} <{address}> に email で送る予定({tasks})",
        ),
        "chat": (
            "--- would post {owner}'s digest to the chat webhook ({tasks})",
            "--- {owner} 宛てのまとめをチャットの Webhook に送る予定({tasks})",
        ),
        NO_CHANNEL: (
            "--- {owner} ({tasks}): would not be sent: no channel configured — set [reminders.email] or "
            "[reminders.chat]",
            "--- {owner}({tasks}): 送信されません: 送信方法が設定されていません — "
            "[reminders.email] か [reminders.chat] を設定してください",
        ),
    }
)


@click.command()
@common_options
@click.option("--dry-run", is_flag=True, help="Print each digest that would be sent; send and write nothing.")
def remind(config_path: Path | None, workbook: Path | None, locale: str | None, dry_run: bool) -> int:
    """Send each task owner one digest of their overdue, due-today and due-soon tasks (email and/or chat,
    as configured under [reminders]). Each reminder is sent once; re-running sends nothing twice.

    Example: sfa-sync remind --workbook team.xlsx --dry-run
    """
    config = build_config(config_path, workbook, locale)
    store = open_store(config)
    outcome = run_reminders(store, config, datetime.now(config.zone), dry_run=dry_run)
    ja = outcome.locale == "ja"
    for channel, digest in outcome.planned:
        click.echo(planned_line(channel, digest.owner, len(digest.tasks), ja, digest.email))
        click.echo(render.plain_text(digest, outcome.locale))
    if not (config.reminders.email.enabled or config.reminders.chat.enabled):
        click.echo(
            "リマインダー: 送信方法が有効になっていません。設定ファイルの [reminders] で reminders.email.enabled = true "
            "または reminders.chat.enabled = true にしてください"
            if ja
            else "reminders: no channel is enabled; set reminders.email.enabled = true and/or "
            "reminders.chat.enabled = true in the config"
        )
    for line in outcome.lines():
        click.echo(line)
    if outcome.failures:
        count = len(outcome.failures)
        raise NotifyError(
            f"リマインダー {count} 件を送れませんでした(上に一覧)。期限のまま残り、次回の実行で再送します"
            if ja
            else f"{count} reminder {'digest' if count == 1 else 'digests'} could not be delivered (listed above); "
            "they stay due and the next run tries again"
        )
    return EXIT_OK


def planned_line(channel: str, owner: str, count: int, ja: bool, address: str | None = None) -> str:
    """The line above each digest a dry run would send (`address`: the owner's email, when known)."""
    code = "email_to" if channel == "email" and address else channel
    counted = f"タスク {count} 件" if ja else tasks(count)
    return PLANNED.say(code, "ja" if ja else "en", owner=owner, address=address, tasks=counted)
