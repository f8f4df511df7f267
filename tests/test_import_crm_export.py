"""A whole migration from another CRM's export (tests/crm_export.py), as an admin would type it: team,
accounts as leads, a cycle (the leads get their ids), the deals, two cycles. On the xlsx store through the
command line, on the memory store, and on the Google emulator at a smaller size."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from rules.dedupe import normalize_company
from sync.cli.import_command import import_group
from sync.config_file import load_config
from sync.engine.analyse import read_book
from sync.engine.state.deals import read_deal_states
from sync.jobs.cycle import run_cycle
from sync.jobs.import_csv import run_import
from sync.jobs.setup import initialise
from tests.crm_export import DEAL_OPTIONS, LEAD_OPTIONS, TEAM_OPTIONS, CrmExport, write_crm_export
from tests.sheets import memory_store
from tests.stores import StoreMaker

TODAY = date(2026, 11, 30)
STAGE_KEYS = {"Prospecting": "appointment", "Engaging": "proposal", "Won": "won", "Lost": "lost"}


def as_keywords(options: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The CLI options of tests/crm_export.py as run_import's keywords."""
    pairs = list(zip(options[::2], options[1::2], strict=True))
    return {
        "mapping": tuple(v for o, v in pairs if o == "--map"),
        "values": tuple(v for o, v in pairs if o == "--value"),
    }


def records(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def migrate_in_process(store, config, export: CrmExport) -> list:
    reports = [
        run_import(store, config, "team", export.teams, TODAY, **as_keywords(TEAM_OPTIONS)),
        run_import(store, config, "leads", export.accounts, TODAY, **as_keywords(LEAD_OPTIONS)),
    ]
    run_cycle(store, config, TODAY)
    reports.append(run_import(store, config, "deals", export.deals, TODAY, **as_keywords(DEAL_OPTIONS)))
    run_cycle(store, config, TODAY)
    run_cycle(store, config, date(2026, 12, 1))
    return reports


def check_migrated(store, config, export: CrmExport) -> None:
    source = records(export.deals)
    accounts = records(export.accounts)
    read = read_book(store.read(), config)
    deals = {r.model.deal_id: r for r in read.book.rows("deals")}
    assert len(deals) == len(source)  # every distinct opportunity, none skipped
    leads = {r.model.lead_id: r.model for r in read.book.rows("leads")}
    assert len(leads) == len(accounts)
    assert len(read.book.rows("team")) == len({t for t in export.teams.read_text().splitlines()}) - 1
    facts = {s.deal_id: s.facts for s in read_deal_states(store.read().tabs.get("_sfa_deals")).values()}
    for row in source:
        deal = deals[row["opportunity_id"]].model
        assert deal.stage == STAGE_KEYS[row["deal_stage"]]
        assert deal.owner == row["sales_agent"]
        if row["account"]:
            assert normalize_company(leads[deal.lead_id].company) == normalize_company(row["account"])
        else:
            assert deal.lead_id is None
        known = facts[row["opportunity_id"]]
        if row["engage_date"]:
            assert known.created_on == date.fromisoformat(row["engage_date"])
        if row["close_date"]:
            assert known.closed_on == date.fromisoformat(row["close_date"])
        if row["close_value"]:
            assert deal.amount == float(row["close_value"])


@pytest.mark.heavy
def test_a_crm_export_migrates_into_a_workbook_from_the_command_line(tmp_path):
    export = write_crm_export(tmp_path / "export", deals=3000)
    workbook = tmp_path / "team.xlsx"
    config = load_config(None, **{"store.kind": "xlsx", "store.path": str(workbook)})
    initialise(config)

    def cli(*args: str) -> str:
        result = CliRunner().invoke(import_group, [*args, "--workbook", str(workbook)], standalone_mode=False)
        assert result.exception is None, result.output
        return result.output

    from sync.stores.xlsx import XlsxStore

    store = XlsxStore(workbook)
    assert "added 35" in cli("team", str(export.teams), *TEAM_OPTIONS)
    assert "added 85" in cli("leads", str(export.accounts), *LEAD_OPTIONS)
    run_cycle(store, config, TODAY)
    said = cli("deals", str(export.deals), *DEAL_OPTIONS)
    assert "added 3000, skipped 0 as duplicates, rejected 0" in said
    assert len(said.splitlines()) < 40  # thousands of rows, a summary a person reads
    run_cycle(store, config, TODAY)
    run_cycle(store, config, date(2026, 12, 1))
    check_migrated(store, config, export)
    again = cli("deals", str(export.deals), *DEAL_OPTIONS)
    assert "added 0, skipped 3000 as duplicates" in again


def test_a_crm_export_migrates_into_the_memory_store(tmp_path):
    export = write_crm_export(tmp_path / "export", deals=3000)
    store, config = memory_store(), load_config(None)
    team, leads, deals = migrate_in_process(store, config, export)
    assert (len(team.added), len(leads.added), len(deals.added), deals.rejected) == (35, 85, 3000, [])
    assert len(deals.linked) == sum(1 for r in records(export.deals) if r["account"])
    check_migrated(store, config, export)


@pytest.mark.heavy
def test_a_crm_export_migrates_into_google_sheets(tmp_path, emulator):
    export = write_crm_export(tmp_path / "export", seed=7, deals=300, accounts=30, agents=12)
    grids = {title: rows for title, rows in ((t, g.rows) for t, g in memory_store().tabs.items())}
    store, config = StoreMaker("google", tmp_path, emulator)(grids)
    migrate_in_process(store, config, export)
    check_migrated(store, config, export)


def test_the_export_is_a_plain_function_of_its_seed(tmp_path):
    first = write_crm_export(tmp_path / "a", seed=3, deals=50)
    second = write_crm_export(tmp_path / "b", seed=3, deals=50)
    for one, two in zip(
        (first.deals, first.accounts, first.teams), (second.deals, second.accounts, second.teams), strict=True
    ):
        assert Path(one).read_bytes() == Path(two).read_bytes()
    ids = [r["opportunity_id"] for r in records(first.deals)]
    assert len(set(ids)) == len(ids)
