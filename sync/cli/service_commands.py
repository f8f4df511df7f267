"""`sfa-sync serve | status | backups | restore | doctor`: the commands an admin runs the service with.

Thin shells over sync/service/ and sync/jobs/; sync/cli/main.py adds SERVICE_COMMANDS to the group."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import click

from reports.sync_log import read_log
from sheets_schema.locale import Locale
from sync.cli.options import build_config, common_options
from sync.cli.progress import step_progress
from sync.core.config import Config
from sync.engine.restore import RestorePlan
from sync.engine.state.lease import LEASE_TITLE, read_lease
from sync.errors import EXIT_OK
from sync.jobs.backups import find_backup, list_backups, load_backup, row_counts
from sync.jobs.restore import RESTORE_TEXT, run_restore
from sync.service.logs import secrets_of, setup_logging
from sync.service.loop import Service, sync_log_tab
from sync.stores import open_store


@click.command()
@common_options
@click.option("--once", is_flag=True, help="One cycle for each sheet, then exit (for cron).")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines on stderr as text or as JSON objects.",
)
def serve(
    config_path: Path | None, workbook: Path | None, locale: str | None, once: bool, log_format: str
) -> int:
    """Run the sync every service.interval_minutes (and the reminder job daily at reminders.at) until
    SIGTERM or Ctrl-C, which let the running cycle finish. One instance at a time per sheet; a second one
    says who holds the sheet and waits (with --once: exits with code 8).

    Example: sfa-sync serve --config sfa-sync.toml --log-format json
    """
    config = build_config(config_path, workbook, locale)
    setup_logging(log_format, secrets_of(config), zone=config.zone)
    service = Service(config, once=once)
    if once:
        service.run_once()
    else:
        service.serve()
    return EXIT_OK


@click.command()
@common_options
@click.option("--last", default=10, show_default=True, help="How many cycles to show.")
def status(config_path: Path | None, workbook: Path | None, locale: str | None, last: int) -> int:
    """Print who holds each sheet and its last cycles, from the Sync Log tab.

    Example: sfa-sync status --config sfa-sync.toml --last 5
    """
    config = build_config(config_path, workbook, locale)
    now = datetime.now(UTC)
    for name, sheet_config in config.per_sheet():
        store = open_store(sheet_config)
        snapshot = store.read()
        lease = read_lease(snapshot.tabs.get(LEASE_TITLE))
        zone = sheet_config.zone
        click.echo(f"{name}: {store.describe()} (times in {sheet_config.timezone})")
        if lease is None:
            click.echo("  lease: free (no instance holds the sheet)")
        else:
            held = f"{lease.holder} until {local_time(lease.expires_at, zone)}"
            click.echo(
                f"  lease: expired ({held})" if lease.expires_at <= now else f"  lease: held by {held}"
            )
        tab = sync_log_tab(snapshot)
        records = read_log(tab.rows) if tab is not None else []
        if not records:
            click.echo("  no cycles logged yet")
        for record in records[:last]:
            click.echo("  " + _record_line(record, zone))
    return EXIT_OK


def local_time(moment: datetime, zone: tzinfo) -> str:
    """A time as the team reads it: in the configured zone, its abbreviation after it (JST, UTC)."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _logged_time(value: object, zone: tzinfo) -> str:
    """A Sync Log time (ISO text with the offset of the zone it was written in) in `zone`."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "?")
    return local_time(moment if moment.tzinfo else moment.replace(tzinfo=zone), zone)


def _record_line(record: dict, zone: tzinfo) -> str:
    parts = [_logged_time(record.get("started_at"), zone), str(record.get("outcome") or "?")]
    for key, label in (
        ("duration_s", "s"),
        ("cells_written", "cells"),
        ("problems", "problems"),
        ("rows_created", "rows created"),
        ("requests", "requests"),
        ("quiet_before", "quiet before"),
    ):
        value = record.get(key)
        if value not in (None, ""):
            parts.append(f"{value} {label}" if key != "duration_s" else f"{value}{label}")
    if record.get("reminders"):
        parts.append(f"reminders: {record['reminders']}")
    if record.get("error"):
        parts.append(f"error: {record['error']}")
    return " | ".join(parts)


@click.command()
@common_options
def backups(config_path: Path | None, workbook: Path | None, locale: str | None) -> int:
    """List the backups of each sheet's input tabs (taken before each write), newest first.

    Example: sfa-sync backups --config sfa-sync.toml
    """
    config = build_config(config_path, workbook, locale)
    for name, sheet_config in config.per_sheet():
        found = list_backups(sheet_config)
        click.echo(f"{name}: {len(found)} backup(s) (named by UTC time; times in {sheet_config.timezone})")
        for backup in found:
            counts = ", ".join(f"{tab} {n}" for tab, n in row_counts(backup.path).items())
            click.echo(f"  {backup.name}  {local_time(backup.taken_at, sheet_config.zone)}  {counts}")
    return EXIT_OK


@click.command()
@common_options
@click.argument("backup")
@click.option("--tab", "only", help="Restore only this input tab (its name in either language).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--yes", is_flag=True, help="Overwrite cells edited since the backup without asking.")
@click.option(
    "--pair-duplicates",
    is_flag=True,
    help="Also restore rows whose id is on several rows that all changed (listed as ambiguous): each backup "
    "row goes onto the sheet row most like it.",
)
@click.option("--sheet", help="With several sheets in the config: the sheet's name (default: the main one).")
def restore(
    config_path: Path | None,
    workbook: Path | None,
    locale: str | None,
    backup: str,
    only: str | None,
    dry_run: bool,
    yes: bool,
    pair_duplicates: bool,
    sheet: str | None,
) -> int:
    """Put person-owned values of the input tabs back from BACKUP: deleted rows come back (appended),
    and cells edited since are listed before they are overwritten. Rows are matched by id and content; rows
    sharing an id that all changed since are listed as ambiguous and left alone unless --pair-duplicates.
    Derived columns follow on the next cycle.

    Example: sfa-sync restore 20261128T090000000000Z --tab Deals --dry-run
    """
    config = _sheet_config(build_config(config_path, workbook, locale), sheet)
    saved = load_backup(find_backup(config, backup))

    with step_progress(RESTORE_STEPS, config.locale) as progress:

        def show(plan: RestorePlan, config: Config) -> None:
            progress.pause()  # the plan's lines, and the question, on lines of their own
            for line in plan.lines(config.locale):
                click.echo(line)

        def ask(plan: RestorePlan, config: Config) -> bool:
            return yes or click.confirm(
                RESTORE_TEXT.say("confirm", config.locale, n=len(plan.overwrites)), default=False
            )

        outcome = run_restore(
            open_store(config),
            config,
            saved,
            only=only,
            pair_duplicates=pair_duplicates,
            dry_run=dry_run,
            show=show,
            confirm=ask,
            now=datetime.now(UTC),
            progress=progress,
        )
    click.echo(outcome.last_line(dry_run))
    return EXIT_OK


def _sheet_config(config: Config, name: str | None) -> Config:
    sheets = dict(config.per_sheet())
    if name is None:
        return sheets["main"]
    if name not in sheets:
        from sync.errors import ConfigError

        raise ConfigError(f"--sheet {name}: no such sheet in the config; use one of {', '.join(sheets)}")
    return sheets[name]


@click.command()
@common_options
def doctor(config_path: Path | None, workbook: Path | None, locale: str | None) -> int:
    """Check the config, credentials, access to each sheet, its tabs, headers and protections, and the
    reminder channels. One line per check: OK, or FIX with what to do. Exit 0 when all are OK.

    Example: sfa-sync doctor --config sfa-sync.toml
    """
    from sync.jobs.doctor import run_doctor

    wanted: Locale | None = "ja" if locale == "ja" else "en" if locale == "en" else None
    lines, code = run_doctor(lambda: build_config(config_path, workbook, locale), wanted)
    for line in lines:
        click.echo(line)
    if code:
        sys.exit(code)
    return EXIT_OK


RESTORE_STEPS = ("read", "check", "backup", "write")
SERVICE_COMMANDS = (serve, status, backups, restore, doctor)
