"""Charts that tell the truth, as each store draws them after a cycle: small sheets in, the chart's
categories, series (values read from the cells the chart points at), value axis and title out.

- Win-Loss: lead sources the table calls "too few to judge" are not bars (a 3-deal source at 100 % is no
  evidence); each bar has the 95 % interval the table shows, as two marked series; the axis is 0-100 %.
- Marketing Feedback: appointment rate by month of handover, one line per lead source (the largest ones,
  the rest pooled); a month without leads from a source is a gap, not 0 %.
On xlsx the saved openpyxl chart is read back; on Google the chart the strict emulator stored.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import PieChart
from openpyxl.utils import column_index_from_string

from reports.stats import wilson
from sheets_schema.tabs import INPUT_TABS, MARKETING_FEEDBACK, WIN_LOSS
from sync.jobs.cycle import run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker, values

TODAY = date(2026, 11, 30)


@pytest.fixture(params=["xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def sheet(locale: str = "en", **rows: list[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    return {spec.title(locale): tab(spec, *rows.get(spec.key, []), locale=locale) for spec in INPUT_TABS}


# ------------------------------------------------------------------------------------- reading charts
def _text(title: Any) -> str:
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def _cells(workbook: Any, ref: str) -> list[Any]:
    """The values of a one-column reference such as 'Tab'!$B$2:$B$5 (or one cell, 'Tab'!$B$1)."""
    sheet, first, last = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+\$\d+)(?::\$([A-Z]+\$\d+))?", ref).groups()
    (c1, r1), (c2, r2) = (part.split("$") for part in (first, last or first))
    assert c1 == c2
    col = column_index_from_string(c1)
    return [workbook[sheet].cell(r, col).value for r in range(int(r1), int(r2) + 1)]


def xlsx_charts(store: Any, title: str) -> list[dict[str, Any]]:
    """Each chart of the tab: title, kind, categories, {series name: values}, value axis (min, max)."""
    workbook = load_workbook(store.path)
    found = []
    for chart in workbook[title]._charts:
        plots = [chart, *(c for c in chart._charts if c is not chart)]
        series: dict[str, list[Any]] = {}
        marks: list[str] = []
        for plot in plots:
            for s in plot.series:
                name = _cells(workbook, s.tx.strRef.f)[0]
                series[name] = _cells(workbook, s.val.numRef.f)
                if s.marker is not None and s.marker.symbol is not None:
                    marks.append(name)
        first = chart.series[0]
        found.append(
            {
                "title": _text(chart.title),
                "kind": type(chart).__name__,
                "categories": _cells(workbook, first.cat.strRef.f),
                "series": series,
                "marks": marks,
                "axis": None
                if isinstance(chart, PieChart)
                else (chart.y_axis.scaling.min, chart.y_axis.scaling.max),
            }
        )
    return found


def google_charts(store: Any, title: str) -> list[dict[str, Any]]:
    """The same, from the charts the emulator stored (ranges read from the tab's values)."""
    emu = store._emulator
    tab_sheet = next(s for s in emu.spreadsheet(store.spreadsheet_id).sheets if s.title == title)
    grid = values(store, title)

    def cells(data: dict[str, Any]) -> list[Any]:
        (source,) = data["sourceRange"]["sources"]
        assert source["endColumnIndex"] == source["startColumnIndex"] + 1
        col = source["startColumnIndex"]
        rows = grid[source["startRowIndex"] : source["endRowIndex"]]
        return [(row[col] if col < len(row) and row[col] != "" else None) for row in rows]

    found = []
    for chart in tab_sheet.charts:
        if "pieChart" in chart["spec"]:
            found.append({"title": chart["spec"]["title"], "kind": "PIE"})
            continue
        basic = chart["spec"]["basicChart"]
        assert basic["headerCount"] == 1
        series: dict[str, list[Any]] = {}
        marks = []
        for s in basic["series"]:
            name, *numbers = cells(s["series"])
            series[name] = numbers
            if s.get("lineStyle", {}).get("type") == "INVISIBLE":
                marks.append(name)
        (value_axis,) = [a for a in basic["axis"] if a["position"] == "LEFT_AXIS"]
        window = value_axis.get("viewWindowOptions", {"viewWindowMode": "EXPLICIT"})
        assert window["viewWindowMode"] == "EXPLICIT"
        found.append(
            {
                "title": chart["spec"]["title"],
                "kind": basic["chartType"],
                "categories": cells(basic["domains"][0]["domain"])[1:],
                "series": series,
                "marks": marks,
                "axis": (window.get("viewWindowMin"), window.get("viewWindowMax")),
            }
        )
    return found


def charts(store: Any, title: str) -> list[dict[str, Any]]:
    return xlsx_charts(store, title) if hasattr(store, "path") else google_charts(store, title)


# ------------------------------------------------------------------------------------------ Win-Loss
def closed(source: str, won: int, lost: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`won` + `lost` closed deals from leads of one source, closed in November 2026."""
    leads, deals = [], []
    for i in range(won + lost):
        lead_id = f"L-{source}-{i}"
        leads.append({"lead_id": lead_id, "company": f"{source} {i}", "lead_source": source})
        deals.append(
            {
                "deal_id": f"D-{source}-{i}",
                "lead_id": lead_id,
                "deal_name": f"{source} deal {i}",
                "owner": "Sato",
                "stage": "Won" if i < won else "Lost",
                "amount": 1_000_000,
                "close_date": "2026/11/10",
                "lost_reason": None if i < won else "Price",
            }
        )
    return leads, deals


def win_loss_sheet(*sources: tuple[str, int, int]) -> dict[str, list[list[Any]]]:
    leads: list[dict[str, Any]] = []
    deals: list[dict[str, Any]] = []
    for source in sources:
        more_leads, more_deals = closed(*source)
        leads += more_leads
        deals += more_deals
    return sheet(leads=leads, deals=deals)


def pct(share: float) -> float:
    return round(100 * share, 1)


def interval(won: int, n: int) -> tuple[float, float]:
    low, high = wilson(won, n)
    return pct(low), pct(high)


@pytest.mark.parametrize(
    ("sources", "bars", "title"),
    [
        pytest.param(
            [("Web", 4, 6), ("Seminar", 3, 3), ("Referral", 3, 0)],
            [("Web", 4, 10), ("Seminar", 3, 6)],
            "Win rate by lead source (%), marks: 95% interval; 1 with < 5 deals left out",
            id="a 3-deal source at 100% is left out",
        ),
        pytest.param(
            [("Web", 1, 5), ("Expo", 5, 0)],
            [("Web", 1, 6), ("Expo", 5, 5)],
            "Win rate by lead source (%), marks: 95% interval",
            id="every source judged",
        ),
    ],
)
def test_win_rate_chart_shows_judged_sources_with_their_interval(make, sources, bars, title):
    store, config = make(win_loss_sheet(*sources), **{"reports.min_segment": 5})
    run_cycle(store, config, TODAY)
    (chart,) = [c for c in charts(store, WIN_LOSS.en) if c["title"].startswith("Win rate")]
    assert chart["title"] == title
    assert chart["kind"] in ("BarChart", "COMBO")
    assert chart["categories"] == [name for name, _, _ in bars]
    assert chart["series"] == {
        "Win rate (%)": [pct(won / n) for _, won, n in bars],
        "95% CI low (%)": [interval(won, n)[0] for _, won, n in bars],
        "95% CI high (%)": [interval(won, n)[1] for _, won, n in bars],
    }
    assert chart["marks"] == ["95% CI low (%)", "95% CI high (%)"]  # the interval: marks, not bars
    assert chart["axis"] == (0, 100)  # fixed: a bar's height reads the same on every chart


def test_no_win_rate_chart_when_no_source_has_enough_deals(make):
    store, config = make(win_loss_sheet(("Web", 2, 1), ("Referral", 3, 0)), **{"reports.min_segment": 5})
    run_cycle(store, config, TODAY)
    titles = [c["title"] for c in charts(store, WIN_LOSS.en)]
    assert titles and not any(t.startswith("Win rate") for t in titles)


def test_japanese_win_rate_chart(make):
    rows = win_loss_sheet(("Web", 4, 6), ("Referral", 3, 0))
    grids = {}
    for spec in INPUT_TABS:  # the same rows under Japanese tab names and headers
        english = rows[spec.en]
        grids[spec.title("ja")] = [[c.label("ja") for c in spec.columns], *english[1:]]
    store, config = make(grids, locale="ja", **{"reports.min_segment": 5})
    run_cycle(store, config, TODAY)
    (chart,) = [c for c in charts(store, WIN_LOSS.ja) if c["title"].startswith("リードソース別")]
    assert chart["title"] == "リードソース別 受注率(%)・印は95%区間・5件未満の1ソースは除外"
    assert chart["categories"] == ["Web"] and chart["axis"] == (0, 100)


# -------------------------------------------------------------------------------- Marketing Feedback
def handed(source: str, month: int, leads: int, appointments: int) -> list[dict[str, Any]]:
    """`leads` leads of `source` handed over in `month` of 2026; the first `appointments` got one."""
    return [
        {
            "lead_id": f"L-{source}-{month}-{i}",
            "company": f"{source} {month} {i}",
            "lead_source": source,
            "handed_over_on": f"2026/{month:02d}/05",
        }
        for i in range(leads)
    ]


def appointment_calls(leads: list[dict[str, Any]], appointments: int) -> list[dict[str, Any]]:
    return [
        {
            "lead_id": lead["lead_id"],
            "called_at": "2026/11/20 10:00",
            "caller": "Kato",
            "result": "Appointment",
        }
        for lead in leads[:appointments]
    ]


def marketing_sheet(plan: list[tuple[str, int, int, int]]) -> dict[str, list[list[Any]]]:
    leads, calls = [], []
    for source, month, n, appointments in plan:
        batch = handed(source, month, n, appointments)
        leads += batch
        calls += appointment_calls(batch, appointments)
    return sheet(leads=leads, calls=calls)


@pytest.mark.parametrize(
    ("plan", "series", "months"),
    [
        pytest.param(
            [("Web", 9, 4, 1), ("Web", 11, 4, 2), ("Expo", 10, 2, 2), ("Expo", 11, 1, 0)],
            {"Web": [25.0, None, 50.0], "Expo": [None, 100.0, 0.0]},
            ["2026-09", "2026-10", "2026-11"],
            id="a month without leads is a gap",
        ),
        pytest.param(
            [
                ("Web", 11, 6, 3),
                ("Expo", 11, 5, 1),
                ("Referral", 11, 4, 4),
                ("Cold", 11, 3, 0),
                ("Ads", 10, 2, 1),
                ("Partner", 10, 1, 1),
            ],
            {
                "Web": [None, 50.0],
                "Expo": [None, 20.0],
                "Referral": [None, 100.0],
                "Cold": [None, 0.0],
                "(other sources)": [66.7, None],  # Ads and Partner pooled: 2 of 3
            },
            ["2026-10", "2026-11"],  # (September had no leads: no empty start of the chart)
            id="more than five sources: four and the others pooled",
        ),
    ],
)
def test_appointment_rate_by_source_and_month(make, plan, series, months):
    store, config = make(marketing_sheet(plan), **{"reports.months_back": 3})
    run_cycle(store, config, TODAY)
    (chart,) = charts(store, MARKETING_FEEDBACK.en)
    assert chart["title"] == "Appointment rate by lead source and month (%)"
    assert chart["kind"] in ("LineChart", "LINE")
    assert chart["categories"] == months
    assert chart["series"] == series
    assert chart["axis"] == (0, 100)


def test_no_marketing_chart_without_leads_in_the_months_shown(make):
    store, config = make(
        sheet(leads=[{"lead_id": "L-1", "lead_source": "Web", "handed_over_on": "2025/01/05"}])
    )
    run_cycle(store, config, TODAY)
    assert charts(store, MARKETING_FEEDBACK.en) == []
