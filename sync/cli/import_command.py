"""`sfa-sync import team|leads|deals FILE.csv`: a thin shell over sync.jobs.import_csv (added to the group
by sync/cli/main.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from sheets_schema.messages import Catalogue
from sync.cli.options import build_config, common_options
from sync.cli.progress import step_progress
from sync.errors import EXIT_OK, EXIT_PROBLEMS_FOUND
from sync.jobs.cycle import local_today
from sync.jobs.import_csv import ImportReport, What, run_import
from sync.stores import open_store

MAP_HELP = (
    'A CSV header and the column it fills (its header in either language, or its key), e.g. --map "会社=company" '
    "(repeat for more; adds to the config's [import.<kind>] map)."
)
VALUE_HELP = (
    'A value of the CSV and what the sheet gets instead, e.g. --value "Stage:Engaging=Proposal" '
    "(repeat for more; adds to the config's [import.<kind>] values)."
)
DRY_HELP = "Show what would be added, skipped and rejected; write nothing."
IMPORT_STEPS = ("read", "check", "write")
F = TypeVar("F", bound=Callable[..., Any])


def csv_options(command: F) -> F:
    """What every import takes: the config options, the CSV file, --map, --value and --dry-run."""
    for option in reversed(
        (
            common_options,
            click.argument("file", type=click.Path(path_type=Path, dir_okay=False)),
            click.option("--map", "mapping", multiple=True, help=MAP_HELP),
            click.option("--value", "values", multiple=True, help=VALUE_HELP),
            click.option("--dry-run", is_flag=True, help=DRY_HELP),
        )
    ):
        command = option(command)
    return command


def _import(
    what: What,
    config_path: Path | None,
    workbook: Path | None,
    locale: str | None,
    file: Path,
    **options: Any,
) -> int:
    """One import with a progress bar on a terminal, then its report; the exit code says whether a row was
    rejected."""
    config = build_config(config_path, workbook, locale)
    with step_progress(IMPORT_STEPS, config.locale) as progress:
        report = run_import(
            open_store(config), config, what, file, local_today(config), progress=progress, **options
        )
    return _show(report, options.get("dry_run", False))


@click.group("import")
def import_() -> None:
    """Import rows from a CSV file (UTF-8 or Shift_JIS, e.g. an Excel or marketing-tool export).

    Rows already on the sheet are skipped, so importing the same file twice adds nothing. Migrating from
    another CRM: import team, then leads, run `sfa-sync run` once (the leads get their ids), then deals.
    """


@import_.command()
@csv_options
def team(
    config_path: Path | None,
    workbook: Path | None,
    locale: str | None,
    file: Path,
    mapping: tuple[str, ...],
    values: tuple[str, ...],
    dry_run: bool,
) -> int:
    """Add the people of a sales team (name, email, manager, team or office, monthly target); someone
    already on the Team tab (same name or email) is skipped.

    Example: sfa-sync import team sales_teams.csv --map "sales_agent=Name" --map "regional_office=Team"
    """
    return _import(
        "team", config_path, workbook, locale, file, mapping=mapping, values=values, dry_run=dry_run
    )


@import_.command()
@csv_options
@click.option("--source", help="Lead source for rows that have none (e.g. Webinar).")
@click.option("--campaign", help="Campaign for rows that have none.")
def leads(
    config_path: Path | None,
    workbook: Path | None,
    locale: str | None,
    file: Path,
    source: str | None,
    campaign: str | None,
    mapping: tuple[str, ...],
    values: tuple[str, ...],
    dry_run: bool,
) -> int:
    """Add marketing's HOT leads; duplicates (same email, phone, or company + contact) are skipped.

    Example: sfa-sync import leads hot-leads.csv --source Webinar --campaign "2026-11 SFA webinar"
    """
    return _import(
        "leads",
        config_path,
        workbook,
        locale,
        file,
        mapping=mapping,
        values=values,
        source=source,
        campaign=campaign,
        dry_run=dry_run,
    )


@import_.command()
@csv_options
@click.option(
    "--no-link",
    is_flag=True,
    help="Do not link deals to leads by company (e.g. no accounts to import); otherwise, with no lead on "
    "the Leads tab, deals that name a company stop the import.",
)
def deals(
    config_path: Path | None,
    workbook: Path | None,
    locale: str | None,
    file: Path,
    mapping: tuple[str, ...],
    values: tuple[str, ...],
    dry_run: bool,
    no_link: bool,
) -> int:
    """Migrate past deals from another CRM or spreadsheet. The other CRM's id goes in Deal ID and is kept:
    a deal with an id is skipped only when that id is already there (without one: same company and deal
    name). The CRM's creation (engage) date can go in Created on, where the deal's history starts. A deal
    without a Lead ID is linked to the one lead of its company.

    Example: sfa-sync import deals sales_pipeline.csv --map "product=Deal name" --map "engage_date=Created on"
    --value "Stage:Engaging=Proposal"
    """
    return _import(
        "deals",
        config_path,
        workbook,
        locale,
        file,
        mapping=mapping,
        values=values,
        dry_run=dry_run,
        link=not no_link,
    )


IMPORT_TEXT = Catalogue(
    {
        "dry_run": ("dry run: nothing was written", "ドライラン: 何も書き込んでいません"),
        "nothing": ("nothing to add: no write", "追加する行はありません: 書き込みなし"),
    }
)


def _show(report: ImportReport, dry_run: bool) -> int:
    for line in report.lines():
        click.echo(line)
    if dry_run:
        click.echo(IMPORT_TEXT.say("dry_run", report.locale))
    elif not report.added:
        click.echo(IMPORT_TEXT.say("nothing", report.locale))
    return EXIT_PROBLEMS_FOUND if report.rejected else EXIT_OK


import_group = import_
