"""Synthetic sheets for the benchmark, at a given size, with the demo generator's realistic rows.

`person_grids` lays `sync.demo.workbook.demo_rows` out under every input tab's full header (person-owned and
derived columns, as `sfa-sync init` + `make_demo` leave them), keeping the deliberately bad cells.
`with_history` runs one cycle over them on a MemoryStore, so that the derived columns, the hidden state
tabs and the generated tabs exist: the steady state a service meets on a sheet it has synced before.
`sheet_values` turns grids into what Google stores (dates as serial numbers), ready for the emulator.
`edit_rows` picks and applies edits a person would make (1% of rows, or one cell).

Sizes are counted in cells of the input tabs at full width (person-owned + derived columns); the state
and generated tabs come on top (see the `cells` figures the benchmark prints).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sheets_schema.parsing import date_to_serial
from sheets_schema.tabs import INPUT_TABS
from sync.core.changes import CellValue
from sync.core.config import Config
from sync.demo import sizes as demo_sizes
from sync.jobs.cycle import CycleReport, run_cycle
from sync.stores.memory import MemoryStore

TODAY = date(2026, 11, 28)
# Target cells of the input tabs at full width (person-owned + derived columns): the demo's named sizes.
SIZES = demo_sizes.SIZES
demo_size = demo_sizes.demo_size
full_width_cells = demo_sizes.full_width_cells

Grid = list[list[CellValue]]


def person_grids(cells: int, locale: str = "en", today: date = TODAY, seed: int = 7) -> dict[str, Grid]:
    """The five input tabs as people typed them: full header row, person-owned cells, derived cells empty."""
    from sync.demo.workbook import demo_rows

    rows = demo_rows(locale, today, seed=seed, size=demo_size(cells), bad_cells=True)  # type: ignore[arg-type]
    grids: dict[str, Grid] = {}
    for spec in INPUT_TABS:
        keys = [c.key for c in spec.columns]
        index = {k: i for i, k in enumerate(keys)}
        grid: Grid = [[c.label(locale) for c in spec.columns]]  # type: ignore[arg-type]
        for row in rows[spec.key]:
            values: list[CellValue] = [None] * len(keys)
            for key, value in row.items():
                values[index[key]] = value  # type: ignore[assignment]
            grid.append(values)
        grids[spec.title(locale)] = grid  # type: ignore[arg-type]
    return grids


@dataclass
class History:
    tabs: dict[str, Grid]  # every tab after one cycle: derived columns, state tabs, generated tabs
    hidden: set[str]
    first_cycle: CycleReport


def with_history(grids: dict[str, Grid], config: Config, today: date = TODAY) -> History:
    """One cycle over the person-typed grids (the first sync): the sheet as the service leaves it."""
    store = MemoryStore(grids)
    report = run_cycle(store, config, today)
    tabs = {title: tab.rows for title, tab in store.tabs.items()}
    return History(tabs, {title for title, tab in store.tabs.items() if tab.hidden}, report)


def sheet_value(value: CellValue) -> CellValue:
    """What Google holds for a typed value (UNFORMATTED_VALUE, SERIAL_NUMBER): dates become serials."""
    if isinstance(value, datetime | date):
        serial = date_to_serial(value)
        return int(serial) if serial == int(serial) else serial
    return value


def sheet_values(tabs: dict[str, Grid]) -> dict[str, Grid]:
    return {title: [[sheet_value(v) for v in row] for row in rows] for title, rows in tabs.items()}


def cell_count(tabs: dict[str, Grid]) -> int:
    return sum(len(row) for rows in tabs.values() for row in rows)


def non_empty_cells(tabs: dict[str, Grid]) -> int:
    return sum(1 for rows in tabs.values() for row in rows for v in row if v not in (None, ""))


@dataclass(frozen=True)
class Edit:
    tab: str
    row: int  # 0-based grid row (0 = header)
    col: int
    value: CellValue


_NOTES = ("Called back, interested", "Send the quote again", "Moved to next quarter", "Asked for a demo")


def edit_rows(tabs: dict[str, Grid], fraction: float, seed: int, locale: str = "en") -> list[Edit]:
    """Edits to `fraction` of the data rows of the input tabs, one person-owned cell per row, the way reps
    work: a deal's stage or amount moves, a task is done, a note is added to a lead or a call."""
    from sheets_schema.choices import TASK_STATUSES
    from sheets_schema.stages import DEFAULT_STAGES

    rng = random.Random(seed)
    stages = [s.en if locale == "en" else s.ja for s in DEFAULT_STAGES]
    done = next(c.label(locale) for c in TASK_STATUSES.choices if c.key == "done")  # type: ignore[arg-type]
    edits: list[Edit] = []
    for spec in INPUT_TABS:
        if spec.key == "team":
            continue
        title = spec.title(locale)  # type: ignore[arg-type]
        grid = tabs[title]
        col = {c.key: i for i, c in enumerate(spec.columns)}
        data_rows = len(grid) - 1
        n = max(1, round(data_rows * fraction)) if fraction > 0 else 0
        for row in rng.sample(range(1, len(grid)), min(n, data_rows)):
            if spec.key == "deals":
                if rng.random() < 0.5:
                    edits.append(Edit(title, row, col["stage"], stages[rng.randrange(len(stages))]))
                else:
                    edits.append(Edit(title, row, col["amount"], rng.randrange(10, 500) * 10_000))
            elif spec.key == "tasks":
                edits.append(Edit(title, row, col["status"], done))
            else:
                edits.append(Edit(title, row, col["notes"], f"{rng.choice(_NOTES)} #{rng.randrange(1000)}"))
    return edits


def one_cell_edit(tabs: dict[str, Grid], locale: str = "en") -> Edit:
    """One edited cell: a note on a call in the middle of the Calls tab (no derived value depends on it
    beyond the tab's own checks)."""
    spec = next(s for s in INPUT_TABS if s.key == "calls")
    title = spec.title(locale)  # type: ignore[arg-type]
    col = next(i for i, c in enumerate(spec.columns) if c.key == "notes")
    return Edit(title, len(tabs[title]) // 2, col, "Asked to call back on Monday")


def one_stage_edit(tabs: dict[str, Grid], locale: str = "en") -> Edit:
    """One edited cell that moves business state: a deal in the middle of Deals moves to Proposal."""
    from sheets_schema.stages import DEFAULT_STAGES

    spec = next(s for s in INPUT_TABS if s.key == "deals")
    title = spec.title(locale)  # type: ignore[arg-type]
    col = next(i for i, c in enumerate(spec.columns) if c.key == "stage")
    names = [s.en if locale == "en" else s.ja for s in DEFAULT_STAGES if not s.closed]
    rows = tabs[title]
    # the open deal nearest the middle: reopening a closed one would move every Win-Loss figure as well
    open_rows = [r for r in range(1, len(rows)) if col < len(rows[r]) and rows[r][col] in names]
    row = min(open_rows, key=lambda r: abs(r - len(rows) // 2), default=len(rows) // 2)
    current = rows[row][col]
    return Edit(title, row, col, next(n for n in names if n != current))


def apply_edits(tabs: dict[str, Grid], edits: list[Edit]) -> None:
    for edit in edits:
        row = tabs[edit.tab][edit.row]
        while len(row) <= edit.col:
            row.append(None)
        row[edit.col] = edit.value
