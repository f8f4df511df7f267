"""Charts of the Win-Loss Analysis tab: openpyxl charts that survive a save, a reload and LibreOffice, and
addChart requests that the strict Sheets API emulator (v4 discovery schema) accepts."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
import requests
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, PieChart

from reports.table import ChartSpec, Series
from sheets_schema.tabs import WIN_LOSS
from sync.core.changes import ChangeSet, TabContent
from sync.stores.google_charts import chart_requests, delete_chart_requests
from sync.stores.xlsx import apply_changes
from sync.stores.xlsx_charts import add_charts
from tests.conftest import SA
from tests.test_win_loss import build

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def write_report(path, locale="en"):
    report = build(locale)
    title = WIN_LOSS.title(locale)
    workbook = Workbook()
    apply_changes(
        workbook,
        ChangeSet(
            tabs=[
                TabContent(
                    title, report.rows, header_rows=report.header_rows, column_widths=report.column_widths
                )
            ]
        ),
    )
    add_charts(workbook[title], report.charts)
    workbook.save(path)
    return report, title


def test_xlsx_charts_survive_save_and_reload(tmp_path):
    path = tmp_path / "wl.xlsx"
    report, title = write_report(path)
    ws = load_workbook(path)[title]
    charts = ws._charts
    assert len(charts) == 3
    assert sorted(type(c).__name__ for c in charts) == ["BarChart", "BarChart", "PieChart"]
    by_kind = {type(c): c for c in charts}
    pie = by_kind[PieChart]
    spec = next(c for c in report.charts if c.kind == "pie")
    ref = pie.series[0].val.numRef.f
    assert ref == f"'{title}'!$B${spec.series[0].first_row + 1}:$B${spec.series[0].last_row + 1}"
    assert pie.series[0].cat.strRef.f.endswith(
        f"$A${spec.categories.first_row + 1}:$A${spec.categories.last_row + 1}"
    )
    assert pie.series[0].tx.strRef.f == f"'{title}'!$B${spec.series[0].title_row + 1}"
    with zipfile.ZipFile(path) as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 3


def test_bar_line_and_percent_variants(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Data"
    for row in (["Source", "Rate"], ["Web", 0.3], ["Expo", 0.5]):
        ws.append(row)
    cats, vals = Series(0, 1, 2), Series(1, 1, 2, title_row=0)
    add_charts(
        ws,
        (
            ChartSpec("bars", "bar", cats, (vals,), 0, 3, y_title="share", percent=True),
            ChartSpec("line", "line", cats, (vals, Series(1, 1, 2)), 20, 3),
        ),
    )
    workbook.save(tmp_path / "v.xlsx")
    charts = load_workbook(tmp_path / "v.xlsx")["Data"]._charts
    bar = next(c for c in charts if isinstance(c, BarChart))
    assert bar.type == "bar" and bar.y_axis.number_format.formatCode == "0%"
    assert sorted(type(c).__name__ for c in charts) == ["BarChart", "LineChart"]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_the_charts_of_the_demo_workbook(tmp_path):
    from reports.win_loss import win_loss_report
    from sync.config_file import load_config
    from sync.engine.analyse import read_book
    from sync.jobs.cycle import local_today
    from sync.jobs.setup import make_demo
    from sync.stores.xlsx import XlsxStore

    demo = tmp_path / "demo.xlsx"
    config = load_config(None, **{"locale": "ja", "store.kind": "xlsx", "store.path": str(demo)})
    make_demo(config)
    book = read_book(XlsxStore(demo).read(), config).book
    report = win_loss_report(
        book, {}, local_today(config), "ja", config.pipeline.to_pipeline(), config.reports
    )
    workbook = load_workbook(demo)
    title = WIN_LOSS.title("ja")
    apply_changes(workbook, ChangeSet(tabs=[TabContent(title, report.rows)]))
    add_charts(workbook[title], report.charts)
    workbook.save(demo)
    out = tmp_path / "converted"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(demo),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(out / demo.name) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart") and n.endswith(".xml")]
        text = " ".join(archive.read(n).decode() for n in charts)
        # the demo's other generated tabs (the Forecast) have charts of their own: count this tab's
        charts = [n for n in charts if title in archive.read(n).decode()]
        assert len(charts) == len(report.charts) == 3
    assert "barChart" in text and "pieChart" in text and "lineChart" in text
    assert "受注失注分析" in text  # the series still point at the tab's cells
    assert len(load_workbook(out / demo.name)[title]._charts) == 3


def test_google_add_chart_requests_are_accepted_by_the_strict_emulator(emu):
    report = build()
    rows = [
        [("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v) for v in r]
        for r in report.rows
    ]
    sid = emu.create_spreadsheet("Team", {WIN_LOSS.en: rows}, shared_with=[SA], value_input="RAW")
    sheet_id = emu.spreadsheet(sid).sheets[0].sheet_id
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + emu.issue_token(SA)
    sent = chart_requests(sheet_id, report.charts)
    answer = session.post(f"{emu.url}/v4/spreadsheets/{sid}:batchUpdate", json={"requests": sent}, timeout=10)
    assert answer.status_code == 200, answer.text
    got = session.get(
        f"{emu.url}/v4/spreadsheets/{sid}", params={"fields": "sheets(properties.title,charts)"}, timeout=10
    ).json()
    charts = got["sheets"][0]["charts"]
    assert [c["spec"]["title"] for c in charts] == [c.title for c in report.charts]
    kinds = {c["spec"]["title"]: c["spec"] for c in charts}
    source = next(c for c in report.charts if c.title.startswith("Win rate by lead source (%)"))
    basic = kinds[source.title]["basicChart"]
    assert basic["chartType"] == "COMBO" and basic["headerCount"] == 1  # bars and the interval's marks
    assert basic["series"][0]["series"]["sourceRange"]["sources"][0] == {
        "sheetId": sheet_id,
        "startRowIndex": source.series[0].title_row,
        "endRowIndex": source.series[0].last_row + 1,
        "startColumnIndex": 4,
        "endColumnIndex": 5,
    }
    assert "pieChart" in kinds["Lost reasons"]
    anchor = charts[0]["position"]["overlayPosition"]["anchorCell"]
    assert (anchor["rowIndex"], anchor["columnIndex"]) == (
        report.charts[0].anchor_row,
        report.charts[0].anchor_col,
    )


def test_a_misspelt_field_would_be_refused_by_the_emulator(emu):
    """The emulator checks bodies against the discovery document, so the test above is meaningful."""
    sid = emu.create_spreadsheet("T", {"A": [["x", 1]]}, shared_with=[SA])
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + emu.issue_token(SA)
    bad = chart_requests(0, (ChartSpec("t", "column", Series(0, 0, 0), (Series(1, 0, 0),), 0, 3),))
    bad[0]["addChart"]["chart"]["spec"]["basicChart"]["chartTyp"] = "COLUMN"
    answer = session.post(f"{emu.url}/v4/spreadsheets/{sid}:batchUpdate", json={"requests": bad}, timeout=10)
    assert answer.status_code == 400 and "chartTyp" in answer.text


def test_delete_requests_for_charts_drawn_last_time():
    assert delete_chart_requests([7, 9]) == [
        {"deleteEmbeddedObject": {"objectId": 7}},
        {"deleteEmbeddedObject": {"objectId": 9}},
    ]
