"""The demo's planted pattern (manufacturers of 50+ people and referrals win more) is found by the lead fit
score and validated by its backtest, for a fixed today: the Win-Loss tab shows the score, and the Leads
tab's Fit and Fit reasons name the pattern."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.fit_section import FIT_LABELS
from sheets_schema.tabs import CALL_LIST, LEADS, WIN_LOSS
from sync.config_file import load_config
from sync.jobs.setup import make_demo

TODAY = date(2026, 11, 30)
pytestmark = pytest.mark.heavy  # demos built on a fixed day: not rerun under the shifted clock


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    make_demo(load_config(None, **{"store.kind": "xlsx", "store.path": str(path)}), today=TODAY)
    return path


def rows(path: Path, title: str) -> list[tuple]:
    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook[title].iter_rows(values_only=True))
    finally:
        workbook.close()


def measure(table: list[tuple], key: str) -> object:
    return next(r[1] for r in table if r and r[0] == FIT_LABELS[key][0])


def test_the_demo_score_beats_the_average_and_is_shown(demo: Path) -> None:
    table = rows(demo, WIN_LOSS.title("en"))
    start = next(i for i, r in enumerate(table) if r and r[0] == FIT_LABELS["fit_title"][0])
    assert str(table[start + 1][0]).startswith("Shown on Leads"), table[start + 1][0]
    low, auc = measure(table, "fit_auc_low"), measure(table, "fit_auc")
    assert isinstance(low, float) and low > 0.5, (auc, low)


def test_the_demo_fit_names_the_planted_pattern(demo: Path) -> None:
    leads = rows(demo, LEADS.title("en"))
    header = list(leads[0])
    col = {key: header.index(LEADS.column(key).label("en")) for key in ("industry", "employees", "fit")}
    planted = [
        r
        for r in leads[1:]
        if r[col["industry"]] == "Manufacturing" and _employees(r[col["employees"]]) >= 50
    ]
    others = [r for r in leads[1:] if r[col["industry"]] != "Manufacturing"]
    share_a = lambda group: sum(r[col["fit"]] == "A" for r in group) / len(group)  # noqa: E731
    assert share_a(planted) > 2 * share_a(others), (share_a(planted), share_a(others))
    reasons = [r[header.index("Fit reasons")] for r in planted]
    assert sum("Manufacturing +" in str(w) for w in reasons) > len(planted) / 2


def _employees(cell: object) -> int:
    return cell if isinstance(cell, int) else 0  # the demo's deliberately bad cells are text


def test_the_demo_call_list_lists_leads_best_fit_first(demo: Path) -> None:
    table = rows(demo, CALL_LIST.title("en"))
    body = [r for r in table[3:] if r[0]]
    assert body
    for caller in {r[0] for r in body}:
        chances = [r[2] for r in body if r[0] == caller]
        assert chances == sorted(chances, reverse=True)


def test_the_demo_command_says_how_good_the_score_is(tmp_path: Path, capsys) -> None:
    import time_machine

    from sync.cli.main import main

    with (
        time_machine.travel(datetime(2026, 11, 30, 3, 0, tzinfo=UTC), tick=False),
        pytest.raises(SystemExit) as done,
    ):
        main(["demo", "--out", str(tmp_path / "demo.xlsx")])
    assert done.value.code == 0
    out = capsys.readouterr().out
    said = re.search(r"AUC (0\.\d\d) \(95% interval (0\.\d\d)–(0\.\d\d); 0\.5 is the plain average\)", out)
    assert said, out  # the figure the tab shows, whatever the demo's draw: its interval clears the average
    auc, low, high = (float(x) for x in said.groups())
    assert 0.5 < low < auc < high
