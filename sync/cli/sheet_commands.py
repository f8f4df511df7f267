"""`sfa-sync init | run | check | demo`: the commands that set up and sync one sheet."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from sheets_schema.rows import CellProblem
from sync.cli.options import build_config, common_options
from sync.config_file import load_config
from sync.core.config import Config
from sync.errors import EXIT_OK, EXIT_PROBLEMS_FOUND
from sync.jobs.cycle import CycleReport, local_today, run_cycle
from sync.stores import open_store

SHOWN_PROBLEMS = 15


@click.command()
@common_options
def init(config_path: Path | None, workbook: Path | None, locale: str | None) -> int:
    """Create missing tabs and columns, dropdowns and the look of service-owned columns. Safe to repeat.

    Example: sfa-sync init --workbook team.xlsx --locale ja
    """
    from sync.jobs.setup import initialise

    config = build_config(config_path, workbook, locale)
    written = initialise(config)
    click.echo(
        f"{open_store(config).describe()}: "
        + (f"set up ({written} cells written)" if written else "already set up")
    )
    return EXIT_OK


@click.command()
@common_options
def run(config_path: Path | None, workbook: Path | None, locale: str | None) -> int:
    """Run one sync cycle: check every row, fill in derived columns, write what changed.

    Example: sfa-sync run --workbook team.xlsx
    """
    from sync.service.lease import LeaseKeeper, SheetBusy, new_holder

    config = build_config(config_path, workbook, locale)
    store = open_store(config)
    keeper = LeaseKeeper(new_holder(), config.service.lease_minutes)

    def not_while_serve_holds_the_sheet(snapshot, analysis) -> None:
        other = keeper.owner_in(snapshot, datetime.now(UTC))
        if other is not None:
            raise SheetBusy(
                f"{store.describe()} is held by {other.describe()} (sfa-sync serve); nothing was "
                "written — let the service run it, or stop the service first"
            )

    report = run_cycle(store, config, local_today(config), before_write=not_while_serve_holds_the_sheet)
    click.echo(summary(store.describe(), report, config))
    return EXIT_OK


@click.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(config_path: Path | None, workbook: Path | None, locale: str | None, as_json: bool) -> int:
    """Validate only (write nothing). Exit 1 when there are problems.

    Example: sfa-sync check --workbook team.xlsx --json
    """
    config = build_config(config_path, workbook, locale)
    store = open_store(config)
    report = run_cycle(store, config, local_today(config), dry_run=True)
    problems = report.analysis.all_problems
    if as_json:
        click.echo(
            json.dumps(
                {
                    "workbook": store.describe(),
                    "rows_read": report.analysis.rows_read,
                    "problems": [_problem_json(p, config) for p in problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(summary(store.describe(), report, config, checking=True))
    return EXIT_PROBLEMS_FOUND if problems else EXIT_OK


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("sfa-sync-demo.xlsx"),
    show_default=True,
    help="Where to write the demo workbook.",
)
@click.option("--locale", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def demo(out: Path, locale: str, force: bool) -> int:
    """Create a realistic demo workbook (10 people, 300 leads, 900 calls, 120 deals, 400 tasks) and sync it.

    Example: sfa-sync demo --locale ja --out demo-ja.xlsx
    """
    from sync.jobs.setup import make_demo

    config = load_config(None, **{"locale": locale, "store.kind": "xlsx", "store.path": str(out)})
    report = make_demo(config, force=force)
    click.echo(summary(str(out), report, config))
    click.echo(f"Demo workbook ready: {out.resolve()} — open it in Excel or LibreOffice.")
    return EXIT_OK


def summary(where: str, report: CycleReport, config: Config, checking: bool = False) -> str:
    analysis = report.analysis
    read = ", ".join(f"{title} {count}" for title, count in analysis.rows_read.items()) or "no input tabs"
    lines = [f"{where}: rows read: {read}"]
    problems = analysis.all_problems
    lines.append(
        f"problems: {len(problems)}"
        + (" (shown in each row's Errors column and as cell notes)" if problems else "")
    )
    lines += [f"  {p.render(config.locale)}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more (sfa-sync check --json lists all)")
    if not checking:
        lines.append(
            f"cells written: {report.cells_written}" if report.wrote else "nothing changed: no write"
        )
    return "\n".join(lines)


def _problem_json(problem: CellProblem, config: Config) -> dict:
    return {
        "tab": problem.tab,
        "row": problem.row + 1,
        "cell": problem.cell if problem.col is not None else None,
        "message": problem.message.render(config.locale),
    }


SHEET_COMMANDS = (init, run, check, demo)
