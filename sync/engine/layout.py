"""What `init` sets up: missing tabs and columns, dropdowns, and the look of service-owned columns.

Idempotent, and it never reorders or removes a person's column: a missing column is added in the
first empty header cell on the right.
"""

from __future__ import annotations

from sheets_schema.columns import Column, Kind
from sheets_schema.locale import Locale
from sheets_schema.rows import match_headers
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import INPUT_TABS, STATE, TabSpec
from sync.core.changes import CellWrite, ChangeSet, ColumnLayout, TabContent, TabLayout
from sync.core.snapshot import Snapshot, TabData
from sync.engine.analyse import locate_input_tabs, look_alike_tabs, renamed_header
from sync.engine.plan import last_used_row, widest_row
from sync.engine.state.key_values import read_state, state_rows

NUMBER_FORMATS = {Kind.DATE: "yyyy-mm-dd", Kind.DATETIME: "yyyy-mm-dd hh:mm", Kind.AMOUNT: "#,##0"}


# Bump when what init sets up changes, so that existing sheets get the new layout on their next init.
LAYOUT_VERSION = 3  # 3: dropdowns on the whole column


def plan_init(snapshot: Snapshot, locale: Locale, pipeline: Pipeline, max_rows: int = 2000) -> ChangeSet:
    """Everything missing, or nothing at all when the sheet is already set up at this layout version."""
    changes = ChangeSet()
    tabs, _ = locate_input_tabs(snapshot)
    renamed = look_alike_tabs(snapshot, tabs, locale)
    for spec in INPUT_TABS:
        tab = tabs.get(spec.key)
        if tab is None and spec.key in renamed:
            continue  # the tab is there under another name: see header_fixes
        if tab is None:
            title = spec.title(locale)
            changes.new_tabs.append(title)
            positions = {c.key: i for i, c in enumerate(spec.columns)}
            changes.cells += [CellWrite(title, 0, i, c.label(locale)) for i, c in enumerate(spec.columns)]
        else:
            title = tab.title
            header = match_headers(spec, title, tab.rows[0] if tab.rows else [], locale)
            positions = dict(header.columns)
            next_free = max(header.width, widest_row(tab))
            for column in spec.columns:
                if column.required and column.key not in positions and last_used_row(tab) > 0:
                    continue  # an empty required column would read as every row cleared: see header_fixes
                if column.key not in positions:
                    positions[column.key] = next_free
                    changes.cells.append(CellWrite(title, 0, next_free, column.label(locale)))
                    next_free += 1
        changes.layouts.append(_layout(spec, title, positions, locale, pipeline, max_rows))
    state = read_state(snapshot.tabs.get(STATE.en))
    dropdowns = _dropdowns(changes.layouts)
    if (
        not changes.new_tabs
        and not changes.cells
        and state.get("layout_version") == LAYOUT_VERSION
        and state.get("dropdowns") == dropdowns
    ):
        return ChangeSet()
    state["layout_version"] = LAYOUT_VERSION
    state["dropdowns"] = dropdowns
    changes.tabs.append(TabContent(STATE.en, state_rows(state), hidden=True))
    return changes


def _dropdowns(layouts: list[TabLayout]) -> str:
    """What the dropdowns list, and where: remembered in the state tab, so that init after a change of the
    pipeline (or of the language, or a moved column) sets them again, and after none writes nothing."""
    return "\n".join(
        f"{layout.tab}!{column.col}: {' | '.join(column.options)}"
        for layout in layouts
        for column in layout.columns
        if column.options
    )


def header_fixes(snapshot: Snapshot, locale: Locale) -> list[str]:
    """What to rename (or add) so that tabs with rows have every required column; init does not add an
    empty required column to them, which would read as every row's value removed."""
    fixes = []
    tabs, _ = locate_input_tabs(snapshot)
    renamed = look_alike_tabs(snapshot, tabs, locale)
    for spec in INPUT_TABS:
        tab = tabs.get(spec.key)
        if spec.key in renamed:
            fixes.append(_tab_fix(spec, tab, renamed[spec.key], locale))
            continue
        if tab is None or last_used_row(tab) == 0:
            continue
        header = match_headers(spec, tab.title, tab.rows[0], locale)
        for key in header.missing_required:
            column = spec.column(key)
            fixes.append(_header_fix(column, tab, renamed_header(header, tab, column.label(locale)), locale))
    return fixes


def _tab_fix(spec: TabSpec, tab: TabData | None, other: TabData, locale: Locale) -> str:
    name, alias = (spec.ja, spec.en) if locale == "ja" else (spec.en, spec.ja)
    if tab is None:
        if locale == "ja":
            return f"{name}: 「{other.title}」タブに{name}の列があります。「{name}」(または {alias})に名前変更してください"
        return f"{name}: the tab '{other.title}' has the {name} columns; rename it to '{name}' (or {alias})"
    if locale == "ja":
        return (
            f"{tab.title}: 空です。「{other.title}」タブに{name}の列と行があります。空の {tab.title} タブを削除し、"
            f"「{other.title}」を「{tab.title}」に名前変更してください"
        )
    return (
        f"{tab.title}: empty, while the tab '{other.title}' has the {name} columns and rows; delete the empty "
        f"{tab.title} tab and rename '{other.title}' to '{tab.title}'"
    )


def _header_fix(column: Column, tab: TabData, candidate: str | None, locale: Locale) -> str:
    name, other = (column.ja, column.en) if locale == "ja" else (column.en, column.ja)
    if candidate is None:
        if locale == "ja":
            return f"{tab.title}: 「{name}」列がありません。その列の見出しを「{name}」(または {other})にしてください"
        return f"{tab.title}: no '{name}' column; put the header '{name}' (or {other}) above the column that holds it"
    if locale == "ja":
        return f"{tab.title}: 「{name}」列がありません。「{candidate}」を「{name}」(または {other})に名前変更してください"
    return f"{tab.title}: no '{name}' column; rename '{candidate}' to '{name}' (or {other})"


def _layout(
    spec: TabSpec, title: str, positions: dict[str, int], locale: Locale, pipeline: Pipeline, max_rows: int
) -> TabLayout:
    columns = tuple(
        ColumnLayout(
            title,
            positions[c.key],
            c.derived,
            _options(c, locale, pipeline),
            NUMBER_FORMATS.get(c.kind),
            c.width,
        )
        for c in spec.columns
        if c.key in positions  # (a required column to be renamed first: see header_fixes)
    )
    highlight = positions.get("health") if spec.key == "deals" else None  # flagged deals stand out
    return TabLayout(title, columns, max_rows, highlight)


def _options(column: Column, locale: Locale, pipeline: Pipeline) -> tuple[str, ...]:
    if column.kind is Kind.STAGE:
        return pipeline.choices.labels(locale)
    if column.kind is Kind.BOOL:
        return ("TRUE", "FALSE")
    if column.choices is not None:
        return column.choices.labels(locale)
    return ()
