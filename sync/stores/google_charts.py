"""Native charts on a generated Google tab: the report's ChartSpecs as Sheets API v4 `addChart` requests.

Shapes follow the v4 discovery document (EmbeddedChart -> ChartSpec -> BasicChartSpec / PieChartSpec,
ChartData.sourceRange.sources of GridRange, EmbeddedObjectPosition.overlayPosition.anchorCell). A
regenerated tab keeps its sheet, so the store must first remove the charts it drew last time:
`delete_chart_requests` gives those requests for the chart ids it read.
"""

from __future__ import annotations

from typing import Any

from reports.table import ChartSpec, Series

WIDTH_PX, HEIGHT_PX = 600, 340  # about 18 rows of 21 px, as the report builders assume
_BASIC_TYPES = {"column": "COLUMN", "bar": "BAR", "line": "LINE"}


def chart_requests(sheet_id: int, charts: tuple[ChartSpec, ...]) -> list[dict[str, Any]]:
    """One addChart request per chart, anchored on `sheet_id` where the spec says."""
    return [
        {"addChart": {"chart": {"spec": _spec(sheet_id, chart), "position": _position(sheet_id, chart)}}}
        for chart in charts
    ]


def delete_chart_requests(chart_ids: list[int]) -> list[dict[str, Any]]:
    return [{"deleteEmbeddedObject": {"objectId": chart_id}} for chart_id in chart_ids]


def _position(sheet_id: int, chart: ChartSpec) -> dict[str, Any]:
    return {
        "overlayPosition": {
            "anchorCell": {
                "sheetId": sheet_id,
                "rowIndex": chart.anchor_row,
                "columnIndex": chart.anchor_col,
            },
            "widthPixels": WIDTH_PX,
            "heightPixels": HEIGHT_PX,
        }
    }


def _with_header(chart: ChartSpec) -> bool:
    """Series names come from the row just above the data (then every range starts one row higher)."""
    return all(s.title_row is not None and s.title_row == s.first_row - 1 for s in chart.series)


def _data(sheet_id: int, series: Series, header: bool) -> dict[str, Any]:
    first = series.first_row - 1 if header else series.first_row
    grid = {
        "sheetId": sheet_id,
        "startRowIndex": first,
        "endRowIndex": series.last_row + 1,
        "startColumnIndex": series.col,
        "endColumnIndex": series.col + 1,
    }
    return {"sourceRange": {"sources": [grid]}}


def _spec(sheet_id: int, chart: ChartSpec) -> dict[str, Any]:
    if chart.kind == "pie":
        return {
            "title": chart.title,
            "pieChart": {
                "legendPosition": "RIGHT_LEGEND",
                "domain": _data(sheet_id, chart.categories, False),
                "series": _data(sheet_id, chart.series[0], False),
            },
        }
    header = _with_header(chart)
    value_axis = "BOTTOM_AXIS" if chart.kind == "bar" else "LEFT_AXIS"
    series = [{"series": _data(sheet_id, s, header), "targetAxis": value_axis} for s in chart.series]
    if chart.interval is not None:  # a combo: the bars, and each end of the interval as marks without a line
        for line in series:
            line["type"] = _BASIC_TYPES[chart.kind]
        series += [
            {
                "series": _data(sheet_id, end, header),
                "targetAxis": value_axis,
                "type": "LINE",
                "lineStyle": {"type": "INVISIBLE"},
                "pointStyle": {"shape": "DIAMOND", "size": 7},
            }
            for end in chart.interval
        ]
    basic: dict[str, Any] = {
        "chartType": "COMBO" if chart.interval is not None else _BASIC_TYPES[chart.kind],
        "legendPosition": "NO_LEGEND" if len(series) == 1 else "BOTTOM_LEGEND",
        "axis": _axes(chart),
        "domains": [{"domain": _data(sheet_id, chart.categories, header)}],
        "series": series,
        "headerCount": 1 if header else 0,
    }
    return {"title": chart.title, "basicChart": basic}


def _axes(chart: ChartSpec) -> list[dict[str, Any]]:
    """The category axis, and the value axis with its title and fixed range when the spec has them."""
    category, value = ("LEFT_AXIS", "BOTTOM_AXIS") if chart.kind == "bar" else ("BOTTOM_AXIS", "LEFT_AXIS")
    values: dict[str, Any] = {"position": value}
    if chart.y_title:
        values["title"] = chart.y_title
    if chart.value_range is not None:
        low, high = chart.value_range
        values["viewWindowOptions"] = {
            "viewWindowMode": "EXPLICIT",
            "viewWindowMin": low,
            "viewWindowMax": high,
        }
    return [{"position": category}, values] if len(values) > 1 else [{"position": category}]
