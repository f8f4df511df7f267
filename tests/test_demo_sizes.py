"""`sfa-sync demo --size S|M|L` (issue 17, item 4): the demo at the benchmark's sizes, built through the
product's own path (set up, typed rows, history, a first sync), so an admin can try the scale."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from benchmarks import generate
from sync.cli.sheet_commands import demo
from sync.config_file import load_config
from sync.demo.sizes import DEMO_SIZES, SIZES, full_width_cells, named_size
from sync.demo.workbook import DemoSize
from sync.jobs.setup import make_demo

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("name", DEMO_SIZES)
def test_a_named_size_holds_its_cells_at_full_width(name):
    assert full_width_cells(named_size(name)) == pytest.approx(SIZES[name], rel=0.01)


def test_m_is_a_team_with_years_of_history():
    m = named_size("M")
    assert (m.leads, m.calls, m.deals, m.tasks) == pytest.approx((17_500, 52_500, 7_000, 23_300), rel=0.05)


def test_the_benchmark_builds_the_same_sizes():
    assert generate.SIZES is SIZES and generate.demo_size(SIZES["M"]) == named_size("M")


def test_make_demo_types_every_row_of_the_size(tmp_path):
    size = DemoSize(reps=4, leads=30, calls=60, deals=12, tasks=20)
    config = load_config(None, **{"store.kind": "xlsx", "store.path": str(tmp_path / "demo.xlsx")})
    report = make_demo(config, today=TODAY, size=size)
    read = report.analysis.rows_read
    assert (read["Team"], read["Leads"], read["Calls"], read["Deals"], read["Tasks"]) == (4, 30, 60, 12, 20)


def test_the_demo_command_offers_the_sizes_and_refuses_others(tmp_path):
    shown = CliRunner().invoke(demo, ["--help"])
    assert "--size [S|M|L]" in shown.stdout
    refused = CliRunner().invoke(demo, ["--out", str(tmp_path / "x.xlsx"), "--size", "XXL"])
    assert refused.exit_code == 2 and "'XXL' is not one of 'S', 'M', 'L'" in refused.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.heavy
def test_demo_size_s_writes_the_s_workbook(tmp_path):
    out = tmp_path / "s.xlsx"
    done = CliRunner().invoke(demo, ["--out", str(out), "--size", "S"])
    assert done.exit_code == 0, done.output
    s = named_size("S")
    assert f"Leads {s.leads}, Calls {s.calls}" in done.stdout
