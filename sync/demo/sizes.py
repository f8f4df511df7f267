"""The named sizes of the demo workbook, shared by `sfa-sync demo --size` and the benchmark.

A size is a target count of cells of the five input tabs at full width (person-owned and derived
columns), so that S, M and L mean the same workbook in `sfa-sync demo --size M` and in `benchmarks.run`.
M is a team that keeps years of history (about 20k leads, 60k calls, 8k deals, 30k tasks); tiny and XL
are the benchmark's own (a smoke test, and just under Google's ten million cells).
"""

from __future__ import annotations

from sheets_schema.tabs import INPUT_TABS
from sync.demo.workbook import DemoSize, person_cell_count, scaled_size

SIZES: dict[str, int] = {
    "tiny": 5_000,
    "S": 100_000,
    "M": 1_300_000,
    "L": 5_000_000,
    "XL": 9_000_000,  # + state and generated tabs: just under Google's (and the emulator's) 10M ceiling
}
DEMO_SIZES = ("S", "M", "L")  # the ones `sfa-sync demo --size` offers


def full_width_cells(size: DemoSize) -> int:
    counts = size.rows_by_tab()
    return sum(counts[spec.key] * len(spec.columns) for spec in INPUT_TABS)


def demo_size(cells: int) -> DemoSize:
    """The demo size whose input tabs hold about `cells` cells at full width."""
    size = scaled_size(cells)
    ratio = full_width_cells(size) / max(person_cell_count(size), 1)
    return scaled_size(round(cells / ratio))


def named_size(name: str) -> DemoSize:
    """`demo_size` of a size name (tiny, S, M, L, XL)."""
    return demo_size(SIZES[name])
