"""The sheet's shape: columns, aliases in both languages, models that match the columns."""

from __future__ import annotations

import pytest

from sheets_schema.locale import fold
from sheets_schema.models import MODELS
from sheets_schema.rows import match_headers
from sheets_schema.tabs import DEALS, GENERATED_TABS, INPUT_TABS, LEADS, find_tab


@pytest.mark.parametrize("spec", INPUT_TABS, ids=lambda s: s.key)
def test_every_name_of_a_column_is_unique_within_its_tab(spec):
    seen: dict[str, str] = {}
    for column in spec.columns:
        for name in column.names():
            assert name not in seen, f"{spec.key}: {name!r} names both {seen.get(name)} and {column.key}"
            seen[name] = column.key


@pytest.mark.parametrize("spec", INPUT_TABS, ids=lambda s: s.key)
def test_each_model_has_exactly_the_person_owned_columns(spec):
    assert list(MODELS[spec.key].model_fields) == [c.key for c in spec.person_columns]


@pytest.mark.parametrize("spec", INPUT_TABS, ids=lambda s: s.key)
def test_every_input_tab_has_an_errors_column_and_labels_in_both_languages(spec):
    assert spec.columns[-1].key == "errors"
    for column in spec.columns:
        assert column.en and column.ja and column.en != column.ja


def test_tab_names_are_valid_in_excel_and_google():
    for owned in (*INPUT_TABS, *GENERATED_TABS):
        for title in (owned.en, owned.ja):
            assert not set(title) & set("/\\?*[]:") and len(title) <= 31


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Deals", "deals"),
        (" deals ", "deals"),
        ("商談", "deals"),
        ("架電履歴", "calls"),
        ("ＬＥＡＤＳ", "leads"),
        ("Other", None),
    ],
)
def test_tabs_are_found_by_name_in_either_language(title, key):
    found = find_tab(title)
    assert (found.key if found else None) == key


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Deal ID", "Stage", "Deal name"], {"deal_id": 0, "stage": 1, "deal_name": 2}),
        ([" deal id ", "STAGE", "deal  name"], {"deal_id": 0, "stage": 1, "deal_name": 2}),
        (
            ["商談ID", "ステージ", "商談名", "金額", "完了予定日", "失注理由"],
            {"deal_id": 0, "stage": 1, "deal_name": 2, "amount": 3, "close_date": 4, "lost_reason": 5},
        ),
        (["My column", "Stage *", "金額(円)", None, "Deal name"], {"stage": 1, "amount": 2, "deal_name": 4}),
    ],
)
def test_headers_are_matched_by_name_not_position(headers, expected):
    header = match_headers(DEALS, "Deals", headers, "en")
    assert header.columns == expected
    assert header.usable


def test_a_duplicated_header_is_reported_and_the_first_is_used():
    header = match_headers(DEALS, "Deals", ["Stage", "Deal name", "Amount", "amount"], "en")
    assert header.columns["amount"] == 2
    [problem] = header.problems
    assert (
        problem.render("en")
        == "Deals!D1: Amount appears twice in the header row (C1, D1); rename or delete one — the first is used"
    )


def test_a_missing_required_column_makes_the_tab_unusable():
    header = match_headers(LEADS, "Leads", ["Lead ID", "Contact"], "ja")
    assert not header.usable
    assert header.missing_required == ["company"]
    assert "会社名" in header.problems[0].render("ja")


def test_fold_treats_full_width_and_case_alike():
    assert fold("ＤＥＡＬ　ＩＤ") == fold("deal id")


def test_the_fast_path_builds_the_same_models_as_pydantic():
    """Rows whose cells all parse are built column by column without a second pass through Pydantic; the
    models must be the ones Pydantic builds, and rows with bad cells must still get their problems."""
    from datetime import date

    from sheets_schema.rows import match_headers, parse_tab
    from sheets_schema.stages import Pipeline
    from sheets_schema.tabs import INPUT_TABS
    from sync.demo.workbook import demo_rows

    pipeline = Pipeline()
    for locale in ("en", "ja"):
        for bad_cells in (False, True):
            rows_with_problems = 0
            for key, rows in demo_rows(locale, date(2026, 11, 28), bad_cells=bad_cells).items():
                spec = next(s for s in INPUT_TABS if s.key == key)
                model = MODELS[key]
                fields = [c.key for c in spec.person_columns]
                grid = [fields, *([row.get(f) for f in fields] for row in rows)]
                parsed = parse_tab(spec, match_headers(spec, key, fields, "en"), grid, pipeline, locale)
                assert [p.index for p in parsed.rows] == list(range(1, len(grid))), key
                for row, result in zip(rows, parsed.rows, strict=True):
                    if result.problems:
                        assert bad_cells, (key, row, result.problems)
                        rows_with_problems += 1
                        continue
                    assert result.model == model.model_validate(row, context={"pipeline": pipeline}), (
                        key,
                        row,
                    )
                    assert result.model.model_fields_set == set(model.model_fields)
            assert (rows_with_problems > 0) is bad_cells
    # rows share their model's set of fields; a copy with a change (a new id) must not touch it
    first, second = parsed.rows[0].model, parsed.rows[1].model
    first.model_copy(update={"task_id": "T-9"})
    assert second.model_fields_set == set(MODELS["tasks"].model_fields)
