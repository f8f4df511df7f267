"""`sfa-sync init | run | check | demo`: the commands that set up and sync one sheet."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from sheets_schema.rows import CellProblem
from sync.cli.options import build_config, common_options
from sync.cli.progress import step_progress
from sync.config_file import load_config
from sync.core.config import Config
from sync.demo.sizes import DEMO_SIZES, named_size
from sync.engine.analyse import Analysis
from sync.errors import EXIT_OK, EXIT_PROBLEMS_FOUND
from sync.jobs.cycle import CycleReport, local_today, run_cycle
from sync.stores import open_store

SHOWN_PROBLEMS = 15
CYCLE_STEPS = ("read", "check", "write")
DEMO_STEPS = ("generate", "setup", "type", "history", *CYCLE_STEPS)


@click.command()
@common_options
def init(config_path: Path | None, workbook: Path | None, locale: str | None) -> int:
    """Create missing tabs and columns, dropdowns and the look of service-owned columns. Safe to repeat.

    Example: sfa-sync init --workbook team.xlsx --locale ja
    """
    from sync.jobs.setup import initialise

    config = build_config(config_path, workbook, locale)
    written = initialise(config)
    ja = config.locale == "ja"
    if written:
        done = f"設定しました(書き込んだセル: {written})" if ja else f"set up ({written} cells written)"
    else:
        done = "設定済みです" if ja else "already set up"
    click.echo(f"{open_store(config).describe()}: {done}")
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

    with step_progress(CYCLE_STEPS, config.locale) as progress:
        report = run_cycle(
            store,
            config,
            local_today(config),
            before_write=not_while_serve_holds_the_sheet,
            progress=progress,
        )
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
@click.option(
    "--size",
    type=click.Choice(DEMO_SIZES),
    help="A bigger team, at the benchmark's sizes: S ~100k cells (1.3k leads, 3.9k calls, 520 deals), M ~1.3M "
    "cells (17k leads, 51k calls, 6.8k deals, 23k tasks), L ~5M cells. Default: the small demo.",
)
def demo(out: Path, locale: str, force: bool, size: str | None) -> int:
    """Create a realistic demo workbook (10 people, 450 leads, 1,350 calls, ~180 deals, 600 tasks) and sync it.
    With --size, a team at that scale, to try the service at it before committing (M takes minutes).

    Example: sfa-sync demo --locale ja --out demo-ja.xlsx
    """
    from reports.fit_section import headline as fit_headline
    from sync.jobs.setup import make_demo

    config = load_config(None, **{"locale": locale, "store.kind": "xlsx", "store.path": str(out)})
    with step_progress(DEMO_STEPS, config.locale) as progress:
        report = make_demo(config, force=force, size=named_size(size) if size else None, progress=progress)
    click.echo(summary(str(out), report, config))
    fit = report.analysis.derivation.fit
    if fit is not None:  # how good the lead fit score is on the demo's history (the Win-Loss tab's verdict)
        click.echo(fit_headline(fit, report.analysis.locale))
    # what the file holds: the rows the demo typed (read by the cycle) and the rows the cycle added to them
    held = _counts(rows_held(report.analysis))
    if report.analysis.locale == "ja":
        click.echo(
            f"デモのブックができました: {out.resolve()}（行数: {held}）— Excel か LibreOffice で開いてください。"
        )
    else:
        click.echo(f"Demo workbook ready: {out.resolve()} (rows: {held}) — open it in Excel or LibreOffice.")
    return EXIT_OK


def rows_held(analysis: Analysis) -> dict[str, int]:
    """Data rows each input tab holds after the cycle: those it read and those it appended."""
    return {title: n + analysis.rows_added.get(title, 0) for title, n in analysis.rows_read.items()}


def _counts(by_tab: dict[str, int]) -> str:
    return ", ".join(f"{title} {count}" for title, count in by_tab.items())


def summary(where: str, report: CycleReport, config: Config, checking: bool = False) -> str:
    """What a cycle did, in the sheet's language (the one the cycle wrote in)."""
    analysis = report.analysis
    ja = analysis.locale == "ja"
    read = _counts(analysis.rows_read) or ("入力タブなし" if ja else "no input tabs")
    lines = [f"{where}: 読み込んだ行: {read}" if ja else f"{where}: rows read: {read}"]
    if analysis.rows_added and not checking:
        added = _counts(analysis.rows_added)
        lines.append(f"追加した行: {added}" if ja else f"rows added: {added}")
    problems = analysis.all_problems
    lines.append(_problems_line(len(problems), ja))
    lines += [f"  {p.render(analysis.locale)}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        more = len(problems) - SHOWN_PROBLEMS
        lines.append(
            f"  … ほか {more} 件（sfa-sync check --json ですべて表示）"
            if ja
            else f"  … and {more} more (sfa-sync check --json lists all)"
        )
    if not checking:
        lines.append(_written_line(report, ja))
    return "\n".join(lines)


def _problems_line(count: int, ja: bool) -> str:
    if ja:
        return f"問題: {count} 件" + ("（各行のエラー列とセルのメモに表示）" if count else "")
    return f"problems: {count}" + (" (shown in each row's Errors column and as cell notes)" if count else "")


def _written_line(report: CycleReport, ja: bool) -> str:
    if not report.wrote:
        return "変更なし: 書き込みなし" if ja else "nothing changed: no write"
    return f"書き込んだセル: {report.cells_written}" if ja else f"cells written: {report.cells_written}"


def _problem_json(problem: CellProblem, config: Config) -> dict:
    return {
        "tab": problem.tab,
        "row": problem.row + 1,
        "cell": problem.cell if problem.col is not None else None,
        "message": problem.message.render(config.locale),
    }


SHEET_COMMANDS = (init, run, check, demo)
