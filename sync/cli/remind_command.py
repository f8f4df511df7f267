"""`sfa-sync remind`: run the reminder job now (the service loop runs it daily at reminders.at).

Registered on the `sfa-sync` group by sync/cli.py, at its end (this module uses its common_options):
    from sync.cli.remind_command import remind  # noqa: E402
    cli.add_command(remind)
so import sync.cli.app before this module (importing this one first would be a circular import).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from sync.cli.options import build_config, common_options
from sync.errors import EXIT_OK, NotifyError
from sync.jobs.remind import run_reminders
from sync.notify import render
from sync.stores import open_store


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
    for channel, digest in outcome.planned:
        click.echo(f"--- would send {channel} to {digest.owner} ({len(digest.tasks)} tasks)")
        click.echo(render.plain_text(digest, config.locale))
    if not (config.reminders.email.enabled or config.reminders.chat.enabled):
        click.echo(
            "reminders: no channel is enabled; set reminders.email.enabled = true and/or "
            "reminders.chat.enabled = true in the config"
        )
    for line in outcome.lines():
        click.echo(line)
    if outcome.failures:
        raise NotifyError(
            f"{len(outcome.failures)} reminder digest(s) could not be delivered (listed above); "
            "they stay due and the next run tries again"
        )
    return EXIT_OK
