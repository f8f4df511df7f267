"""`serve` keeps the rows of its last cycle (KnownRows) so that unchanged rows are not parsed again. Taking a
row from there must give exactly what parsing it would: same models, same problems, same rows, whatever
was edited in between, including a value that changed type but not equality (1 -> TRUE)."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_schema.rows import KnownRows, match_headers, parse_tab
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import DEALS, TEAM
from sync.config_file import load_config
from sync.service.loop import Service
from tests.sheets import header, memory_store
from tests.test_service import Clock

CELL = st.one_of(
    st.none(),
    st.just(""),
    st.just("  "),
    st.sampled_from(
        ["Acme", "Proposal", "受注", "Maybe", "1,200,000円", "abc", "2026/11/28", "2026/13/45", "Sato"]
    ),
    st.sampled_from([0, 1, 1.0, True, False, 46354, 46354.5, 5, -3]),
    st.just(datetime(2026, 3, 1, 9, 30)),
    st.just(date(2026, 3, 2)),
)


def parsed(spec, grid, known=None):
    """The tab's rows as (index, model, problems); with `known`, as one cycle of a service would."""
    if known is not None:
        known.begin_cycle()
    header_map = match_headers(spec, spec.en, grid[0], "en")
    tab = parse_tab(spec, header_map, grid, Pipeline(), "en", known)
    return [(row.index, row.model, row.problems) for row in tab.rows]


@st.composite
def grids_and_edits(draw, spec):
    width = len(spec.columns)
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=width), min_size=0, max_size=8))
    edits = draw(st.lists(st.tuples(st.integers(1, 9), st.integers(0, width - 1), CELL), max_size=12))
    return [header(spec), *rows], edits


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([DEALS, TEAM]).flatmap(lambda spec: st.tuples(st.just(spec), grids_and_edits(spec))))
def test_rows_taken_from_the_last_cycle_are_the_rows_parsing_gives(case):
    spec, (grid, edits) = case
    known = KnownRows()
    assert parsed(spec, grid, known) == parsed(spec, grid)
    for row, col, value in edits:  # one edit per cycle, each cycle checked against a fresh parse
        while len(grid) <= row:
            grid.append([])
        line = grid[row]
        line.extend([None] * (col + 1 - len(line)))
        line[col] = value
        assert parsed(spec, grid, known) == parsed(spec, grid), (row, col, value)


def test_a_value_that_changed_type_but_not_equality_is_parsed_again():
    """In Python True == 1, so rows [1] and [TRUE] are the same dict key; in a sheet they are not: as a
    name, 1 reads "1" and TRUE reads "True"."""
    grid = [header(TEAM), [1]]
    known = KnownRows()
    assert parsed(TEAM, grid, known)[0][1].name == "1"
    assert len(known) == 1
    grid[1][0] = True
    assert parsed(TEAM, grid, known)[0][1].name == "True"


def test_serve_parses_only_the_rows_that_changed_since_its_last_cycle(tmp_path, monkeypatch):
    import sheets_schema.rows as rows

    config = load_config(
        None,
        **{
            "service.backups_dir": str(tmp_path / "b"),
            "reminders.at": "23:59",
            "service.interval_minutes": 1,
        },
    )
    deals = [
        {"deal_name": f"Deal {i}", "stage": "Proposal", "owner": "Sato", "amount": 100 * i}
        for i in range(1, 6)
    ]
    store, clock = memory_store(deals=deals), Clock()
    service = Service(config, clock=clock, open_store_=lambda _config: store, holder="here:1:aaaa")
    parsed_rows: list[tuple[str, int]] = []
    real = rows._parse_rows

    def counting(spec, header_map, grid, indices, *rest):
        parsed_rows.extend((spec.key, i) for i in indices)
        return real(spec, header_map, grid, indices, *rest)

    monkeypatch.setattr(rows, "_parse_rows", counting)
    try:
        for _ in range(
            3
        ):  # the first cycles fill in ids and derived cells: rows change, and are parsed again
            service.tick()
            clock.advance(1)
        parsed_rows.clear()
        service.tick()
        assert parsed_rows == [], "an unchanged sheet: every row taken from the last cycle"
        held = len(service.sheets[0].known)
        assert held == sum(len(store.tabs[t].rows) - 1 for t in ("Deals", "Team")), (
            "one cycle's rows, not two"
        )
        stage = [c.key for c in DEALS.columns].index("stage")
        store.edit("Deals", 3, stage, "Won")
        clock.advance(1)
        service.tick()
        assert ("deals", 3) in parsed_rows and ("deals", 2) not in parsed_rows
        grid = store.tabs["Deals"].rows
        health = [c.key for c in DEALS.columns].index("health")
        assert grid[3][health] in (None, "")  # a won deal has no flags: the edit was seen, not a stale row
        assert grid[2][health]  # the others are still flagged as before
    finally:
        service.close()
