"""The command line: exit codes, one clear line per error, and every command documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.cli.main import cli, main

ROOT = Path(__file__).resolve().parents[1]


def sfa(*args: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    return done.value.code


@pytest.fixture
def demo(tmp_path, capsys) -> Path:
    path = tmp_path / "demo.xlsx"
    assert sfa("demo", "--out", str(path)) == 0
    capsys.readouterr()
    return path


def test_demo_then_run_writes_nothing_the_second_time(demo, capsys):
    before = demo.read_bytes()
    assert sfa("run", "--workbook", str(demo)) == 0
    out = capsys.readouterr().out
    assert "nothing changed: no write" in out
    assert re.search(r"rows read: Team \d+, Leads \d+, Calls \d+, Deals \d+, Tasks \d+", out)
    assert demo.read_bytes() == before


def test_check_exits_1_with_problems_and_lists_them_as_json(demo, capsys):
    assert sfa("check", "--workbook", str(demo), "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["problems"], "the demo has deliberately bad cells"
    assert all(set(p) == {"tab", "row", "cell", "message"} for p in report["problems"])
    assert report["rows_read"]["Deals"] > 100


def test_check_exits_0_on_a_clean_workbook(tmp_path, capsys):
    path = tmp_path / "clean.xlsx"
    assert sfa("init", "--workbook", str(path)) == 0
    assert sfa("check", "--workbook", str(path)) == 0
    assert "problems: 0" in capsys.readouterr().out


def test_demo_in_japanese_has_japanese_tabs(tmp_path, capsys):
    path = tmp_path / "ja.xlsx"
    assert sfa("demo", "--out", str(path), "--locale", "ja") == 0
    out = capsys.readouterr().out
    assert "デモのブックができました" in out  # the sheet is Japanese: so is what the demo says
    wb = load_workbook(path, read_only=True)
    assert {"チーム", "リード", "架電履歴", "商談", "タスク"} <= set(wb.sheetnames)


def test_demo_refuses_to_overwrite_without_force(demo, capsys):
    assert sfa("demo", "--out", str(demo)) == 2
    assert "already exists; pass --force" in capsys.readouterr().err


def test_a_missing_workbook_is_exit_3_with_the_fix(tmp_path, capsys):
    assert sfa("run", "--workbook", str(tmp_path / "none.xlsx")) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sfa-sync init --workbook" in err


def test_a_workbook_open_in_excel_is_exit_4(demo, capsys):
    (demo.parent / f"~${demo.name}").write_text("")
    cells = load_workbook(demo)
    cells["Deals"]["B2"] = "L-999999"  # something to write
    cells.save(demo)
    assert sfa("run", "--workbook", str(demo)) == 4
    assert "close it and run again" in capsys.readouterr().err


def test_a_bad_config_names_the_key_and_exits_2(tmp_path, capsys):
    config = tmp_path / "sfa-sync.toml"
    config.write_text('locale = "en"\n[thresholds]\nneglect_dayz = 3\n')
    assert sfa("run", "--config", str(config)) == 2
    assert "thresholds.neglect_dayz: unknown key" in capsys.readouterr().err


def test_a_config_file_points_at_its_workbook_relative_to_itself(tmp_path, capsys):
    config = tmp_path / "sfa-sync.toml"
    config.write_text('locale = "ja"\n[store]\nkind = "xlsx"\npath = "team.xlsx"\n')
    assert sfa("init", "--config", str(config)) == 0
    assert (tmp_path / "team.xlsx").exists()
    assert "商談" in load_workbook(tmp_path / "team.xlsx", read_only=True).sheetnames


def test_python_dash_m_sync_works():
    done = subprocess.run(
        [sys.executable, "-m", "sync", "--help"], capture_output=True, text=True, check=True
    )
    assert "Sales-force automation" in done.stdout


def test_every_command_is_in_the_readme_and_the_exit_codes_are_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"sfa-sync {name}" in readme, f"README does not mention `sfa-sync {name}`"
    for code in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 70):
        assert f"| {code} |" in readme


def test_ci_runs_the_readme_test_command_through_the_check_script():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"<!-- test-command -->\n```sh\n(.+?)\n```", readme, re.S).group(1).strip()
    check = (ROOT / "scripts" / "check").read_text(encoding="utf-8")
    steps = [line.strip() for line in check.splitlines()]
    # scripts/check runs the README's command step by step (lint and types between install and tests).
    for part in command.split(" && "):
        assert any(step == part or step.startswith(part + " ") for step in steps), part
    assert "scripts/check" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_run_writes_nothing_while_a_serve_instance_holds_the_sheet(demo, capsys):
    from datetime import UTC, datetime, timedelta

    from sync.engine.state.lease import Lease, lease_content
    from sync.stores.xlsx import XlsxStore

    store = XlsxStore(demo)
    store.read()
    now = datetime.now(UTC)
    held = lease_content(Lease("other-host:4242:abc", now + timedelta(minutes=10), now))
    from sync.core.changes import ChangeSet

    store.write(ChangeSet(tabs=[held]))
    cells = load_workbook(demo)
    cells["Deals"]["B2"] = "L-999999"  # something to write
    cells.save(demo)
    before = demo.read_bytes()
    assert sfa("run", "--workbook", str(demo)) == 8
    assert "is held by other-host" in capsys.readouterr().err
    assert demo.read_bytes() == before
