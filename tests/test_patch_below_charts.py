"""Rows of a generated tab may move (a row patch) below every chart's rows, never above them: a chart's
ranges point at rows (the Forecast's what-changed list grows every week, under its charts)."""

from __future__ import annotations

import pytest

from reports.table import ChartSpec, Series
from sync.core.changes import ChangeSet, TabContent
from sync.core.snapshot import TabData
from sync.engine.plan import plan_owned_tab

TABLE = [["Title"], ["Month", "Won"], ["2026-10", 1], ["2026-11", 2], ["2026-12", 3], [], ["Changes"]]
LIST = [[f"D-{n}", "moved forward", n * 10] for n in range(1, 41)]


def chart(last_row: int) -> ChartSpec:
    return ChartSpec("Won", "column", Series(0, 2, last_row), (Series(1, 2, last_row, title_row=1),), 1, 4)


def plan(current: list[list], desired: list[list], last_row: int) -> ChangeSet:
    changes = ChangeSet()
    content = TabContent("Forecast", tuple(map(tuple, desired)), charts=(chart(last_row),))
    plan_owned_tab(TabData("Forecast", current), content, changes)
    return changes


@pytest.mark.parametrize(
    "patched", [True, False], ids=["a row joins the list below", "the chart's table grows"]
)
def test_rows_move_only_below_the_charts(patched):
    current = TABLE + LIST
    if patched:
        desired, last_row = [*TABLE, *LIST[:20], ["D-99", "won", 990], *LIST[20:]], 4
    else:  # the chart reads one more month
        desired, last_row = [*TABLE[:5], ["2027-01", 4], *TABLE[5:], *LIST], 5
    changes = plan(current, desired, last_row)
    assert bool(changes.patches) is patched
    if not patched:  # the chart's rows moved: written whole, never shifted under the chart
        assert [t.title for t in changes.tabs] == ["Forecast"]
