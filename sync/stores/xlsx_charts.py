"""Native charts in a generated xlsx tab: the report's ChartSpecs as openpyxl charts over the tab's cells.

Called after the tab's rows are written (the charts refer to the cells, so Excel and LibreOffice draw
them from the values in the tab). A regenerated tab is a new worksheet, so old charts never pile up.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart import Series as ChartSeries
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.legend import Legend
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from reports.table import ChartSpec, Series

WIDTH_CM, HEIGHT_CM = 16, 8.5  # about 18 rows of default height, as the report builders assume
MARK_COLOUR = "404040"  # the ends of an interval: dark grey, readable over a bar and over the background


def add_charts(ws: Worksheet, charts: tuple[ChartSpec, ...]) -> None:
    for spec in charts:
        ws.add_chart(build_chart(ws, spec), f"{get_column_letter(spec.anchor_col + 1)}{spec.anchor_row + 1}")


def build_chart(ws: Worksheet, spec: ChartSpec) -> BarChart | LineChart | PieChart:
    chart = _empty_chart(spec)
    chart.title = spec.title
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    labels = _range(ws, spec.categories)
    for series in spec.series:
        values = _series(ws, series)
        values.cat = AxDataSource(strRef=StrRef(labels))  # category labels are text (months, sources)
        if isinstance(chart, LineChart):
            values.smooth = False  # a smoothed line overshoots: below 0 % or above 100 % between months
        chart.series.append(values)
    if isinstance(chart, PieChart):
        return chart
    if len(spec.series) == 1:
        chart.legend = None
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    if spec.percent:
        chart.y_axis.number_format = "0%"
    if spec.value_range is not None:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = spec.value_range
    chart.x_axis.delete = False  # LibreOffice and new Excel hide axes that are not explicitly kept
    chart.y_axis.delete = False
    if spec.interval is not None:
        chart.legend = Legend(legendPos="b")  # names the marks
        chart += _interval_marks(ws, spec.interval, labels)
    return chart


def _interval_marks(ws: Worksheet, interval: tuple[Series, Series], labels: str) -> LineChart:
    """The low and high end of each category's interval as a dash over its bar: line series without a line,
    on the bar chart's axes (the same axis ids), so that 0-100 % holds for both."""
    marks = LineChart()
    for end in interval:
        values = _series(ws, end)
        values.cat = AxDataSource(strRef=StrRef(labels))
        values.marker.symbol = "dash"
        values.marker.size = 14
        # dark marks: left to the theme, LibreOffice draws them white, invisible above the bar
        values.marker.graphicalProperties = GraphicalProperties(solidFill=MARK_COLOUR)
        values.marker.graphicalProperties.line.solidFill = MARK_COLOUR
        values.graphicalProperties.line.noFill = True
        values.smooth = False
        marks.series.append(values)
    return marks


def _empty_chart(spec: ChartSpec) -> BarChart | LineChart | PieChart:
    if spec.kind == "pie":
        return PieChart()
    if spec.kind == "line":
        return LineChart()
    chart = BarChart()
    chart.type = "bar" if spec.kind == "bar" else "col"
    return chart


def _range(ws: Worksheet, series: Series) -> str:
    letter = get_column_letter(series.col + 1)
    return f"{quote_sheetname(ws.title)}!${letter}${series.first_row + 1}:${letter}${series.last_row + 1}"


def _reference(ws: Worksheet, series: Series) -> Reference:
    return Reference(ws, min_col=series.col + 1, min_row=series.first_row + 1, max_row=series.last_row + 1)


def _series(ws: Worksheet, series: Series) -> ChartSeries:
    values = ChartSeries(_reference(ws, series))
    if series.title_row is not None:
        cell = f"${get_column_letter(series.col + 1)}${series.title_row + 1}"
        values.tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(ws.title)}!{cell}"))
    return values
