"""The column-by-column fast path of parse_tab (sheets_schema.rows) against the slow path it stands for:
every row validated by its Pydantic model on its own (`_parse_row`). Whatever the cells hold — Japanese
dates, full-width digits, blanks and whitespace, formulas without a result, over-long text, values of every
type, ragged rows — the fast path must give the same rows, the same models (values of the same types) and
the same problems."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_schema import rows
from sheets_schema.models import MODELS
from sheets_schema.parsing import EmptyResult, FormulaText, is_blank
from sheets_schema.rows import match_headers, parse_tab
from sheets_schema.stages import Pipeline
from sheets_schema.tabs import INPUT_TABS
from tests.sheets import header

TYPED = [
    "2026-11-28",
    "2026/1/5",
    "2026年11月28日",
    "２０２６年１１月２８日",
    "２０２６/１１/２８ １４:３０",
    "2026/11/28 14:30",
    "2026/11/28 25:00",
    "2026-02-30",
    "1949/12/31",
    "1,200,000円",
    "１２０万円",
    "1億2000万",
    "¥-5",
    "250名",
    "ＡＢＣ",
    " Sato ",
    "佐藤　太郎",
    "Proposal",
    "受注",
    "won",
    " Won ",
    "TRUE",
    "はい",
    "×",
    "Open",
    "完了",
    "アポ",
    "a@b.co",
    "ａ＠ｂ．ｃｏ",
    "not an email",
    "L-000001",
    "Ｌ－０００００１",
    "\t",
    "\u3000",
    " \n ",
    "x" * 60,  # over the limit the tests parse with
    " " * 60,  # blank, and over the limit
]
CELL = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", *TYPED]),
    st.text(max_size=8),
    st.integers(min_value=-5, max_value=200_000),
    st.sampled_from([0, 1, 1.0, 0.0, True, False, 46354, 46354.5, 18263, 109575, 2958466, -3, 2.5]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            datetime(2026, 3, 1, 9, 30),
            datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
            datetime(1900, 1, 1),
            date(2026, 3, 2),
            time(),
            time(9, 30),
        ]
    ),
    st.sampled_from([FormulaText("=A1"), EmptyResult(""), FormulaText("2026/11/28")]),
)
LIMIT = 50


def typed(value):
    """A value with its type: True == 1 == 1.0 in Python, not in a sheet."""
    return (type(value), value)


def slow(spec, header_map, grid, limit):
    """Each row with a cell that is not blank, through its Pydantic model on its own."""
    model = MODELS[spec.key]
    person = [(c, header_map.columns[c.key]) for c in spec.person_columns if c.key in header_map.columns]
    out = []
    for index in range(1, len(grid)):
        line = grid[index]
        raw = {c.key: (line[i] if i < len(line) else None) for c, i in person}
        if all(is_blank(v) or type(v) is EmptyResult for v in raw.values()):
            continue
        out.append(rows._parse_row(spec, header_map, model, index, raw, Pipeline(), "en", limit))
    return out


def shown(parsed):
    return [
        (
            row.index,
            type(row.model),
            sorted((k, typed(v)) for k, v in row.model.__dict__.items()),
            row.problems,
        )
        for row in parsed
    ]


@st.composite
def tabs(draw):
    spec = draw(st.sampled_from(INPUT_TABS))
    required = {c.label("en") for c in spec.columns if c.required}
    kept = [n for n in header(spec) if n in required or draw(st.booleans())]  # some columns may be missing
    names = draw(st.permutations(kept))  # as the cycle parses it: a tab with its required columns
    width = len(names) + 1
    body = draw(st.lists(st.lists(CELL, max_size=width), max_size=10))  # ragged rows, as sheets are read
    return spec, [names, *body], draw(st.sampled_from([LIMIT, rows.MAX_CELL_CHARS]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tabs())
def test_the_fast_path_parses_as_each_row_through_pydantic(case):
    spec, grid, limit = case
    header_map = match_headers(spec, spec.en, grid[0], "en")
    fast = parse_tab(spec, header_map, grid, Pipeline(), "en", limit=limit)
    assert shown(fast.rows) == shown(slow(spec, header_map, grid, limit))


@given(st.lists(CELL, max_size=30), st.booleans(), st.sampled_from([LIMIT, rows.MAX_CELL_CHARS]))
def test_a_text_column_parses_as_each_cell_on_its_own(cells, required, limit):
    """The text column's own loop (no memo, no call per cell) gives what the generic loop gives."""
    from sheets_schema.parsing import parse_text

    fast, generic = list(cells), list(cells)
    assert rows._parse_column(parse_text, fast, required, limit) == rows._parse_column(
        lambda value: parse_text(value), generic, required, limit
    )
    assert [typed(v) for v in fast] == [typed(v) for v in generic]
