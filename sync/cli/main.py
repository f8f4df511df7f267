"""`sfa-sync`: the command group and main(), the one place that turns an error into one line and an exit
code. The exit codes and their meanings come from the error tree (sync/errors.py: exit_codes()); `sfa-sync
--help` lists them.
"""

from __future__ import annotations

import sys

import click

from sync.cli.import_command import import_group
from sync.cli.remind_command import remind
from sync.cli.service_commands import SERVICE_COMMANDS
from sync.cli.sheet_commands import SHEET_COMMANDS
from sync.errors import EXIT_INTERNAL, EXIT_OK, SfaSyncError, exit_codes

_EXIT_CODES_HELP = "\b\nExit codes:\n" + "\n".join(
    f"  {code:>2}  {meaning}" for code, meaning in exit_codes().items()
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EXIT_CODES_HELP)
@click.version_option(package_name="sfa-sync")
def cli() -> None:
    """Sales-force automation on one shared spreadsheet: checks every row, fills in what can be derived,
    and writes the tabs managers and marketing read.

    Example: sfa-sync demo && sfa-sync run --workbook sfa-sync-demo.xlsx
    """


for _command in (*SHEET_COMMANDS, import_group, remind, *SERVICE_COMMANDS):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="sfa-sync", standalone_mode=False)
    except SfaSyncError as failed:
        click.echo(f"sfa-sync: {failed}", err=True)
        sys.exit(failed.exit_code)
    except click.ClickException as usage:
        usage.show()
        sys.exit(usage.exit_code)
    except click.exceptions.Abort:
        click.echo("sfa-sync: interrupted", err=True)
        sys.exit(130)
    except Exception as bug:  # the one place that turns a bug into a line and an exit code
        click.echo(f"sfa-sync: internal error: {type(bug).__name__}: {bug} — please report it", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
