"""`sfa-sync import team FILE.csv`: people from another CRM's sales-teams export onto the Team tab; a person
already there (same name or email) is skipped, naming the row."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from sync.cli.import_command import import_group
from sync.config_file import load_config
from sync.engine.analyse import read_book
from sync.jobs.import_csv import run_import
from sync.jobs.setup import initialise
from sync.stores.xlsx import XlsxStore
from tests.sheets import memory_store

TODAY = date(2026, 11, 30)
TEAM_CSV = (
    "sales_agent,email,manager,regional_office,quota\n"
    "Moses Frase,moses@example.com,Dustin Brinkmann,Central,120000\n"
    "Darcel Schlecht,,Melvin Marxen,Central,\n"
    "Zane Levy,zane@example.com,Summer Sewald,West,90000\n"
)
TEAM_MAP = ("sales_agent=Name", "regional_office=Team")


def members(store, locale="en"):
    return [r.model for r in read_book(store.read(), load_config(None, locale=locale)).book.rows("team")]


@pytest.mark.parametrize(
    "on_sheet, added, skipped",
    [
        ([], 3, 0),
        ([{"name": "moses  frase"}], 2, 1),  # same name (case, spaces)
        ([{"name": "Z. Levy", "email": "ZANE@example.com"}], 2, 1),  # same email
        ([{"name": "Someone Else", "email": "other@example.com"}], 3, 0),
    ],
)
def test_team_members_are_added_once(tmp_path, on_sheet, added, skipped):
    path = tmp_path / "sales_teams.csv"
    path.write_text(TEAM_CSV, encoding="utf-8")
    store = memory_store(team=on_sheet)
    report = run_import(store, load_config(None), "team", path, TODAY, mapping=TEAM_MAP)
    assert (len(report.added), len(report.duplicates), report.rejected) == (added, skipped, [])
    again = run_import(store, load_config(None), "team", path, TODAY, mapping=TEAM_MAP)
    assert len(again.added) == 0
    assert len(members(store)) == len(on_sheet) + added


def test_every_column_of_the_team_tab_is_importable(tmp_path):
    path = tmp_path / "sales_teams.csv"
    path.write_text(TEAM_CSV, encoding="utf-8")
    store = memory_store()
    run_import(store, load_config(None), "team", path, TODAY, mapping=(*TEAM_MAP, "quota=Monthly target"))
    first = members(store)[0]
    assert (first.name, first.email, first.manager, first.team, first.target) == (
        "Moses Frase",
        "moses@example.com",
        "Dustin Brinkmann",
        "Central",
        120000,
    )


def test_team_import_on_a_japanese_workbook_from_the_command_line(tmp_path):
    workbook = tmp_path / "team.xlsx"
    config = load_config(None, **{"locale": "ja", "store.kind": "xlsx", "store.path": str(workbook)})
    initialise(config)
    path = tmp_path / "sales_teams.csv"
    path.write_text(TEAM_CSV, encoding="utf-8")
    args = ["team", str(path), "--map", "sales_agent=氏名", "--map", "regional_office=チーム名"]
    result = CliRunner().invoke(import_group, [*args, "--workbook", str(workbook)], standalone_mode=False)
    assert result.exception is None, result.output
    assert "-> チーム: 追加 3 件" in result.output
    again = CliRunner().invoke(import_group, [*args, "--workbook", str(workbook)], standalone_mode=False)
    assert "2 行目: 重複(チーム 2 行目 と氏名が同じ)" in again.output
    assert [m.name for m in members(XlsxStore(workbook), "ja")] == [
        "Moses Frase",
        "Darcel Schlecht",
        "Zane Levy",
    ]
