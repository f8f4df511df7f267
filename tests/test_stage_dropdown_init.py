"""`init` after a pipeline change (issue 16): the Stage dropdown lists the configured stages, on the whole
column, on both stores; and init on an unchanged sheet still writes nothing."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from sheets_schema.tabs import DEALS
from sync.config_file import load_config
from sync.jobs.setup import initialise
from sync.stores.xlsx import MARK
from tests.conftest import SA

CUSTOM = [  # a team's own pipeline, as a migration from another CRM sets it up
    {"key": "prospecting", "name": "Prospecting", "name_ja": "見込み", "probability": 0.1},
    {"key": "engaging", "name": "Engaging", "name_ja": "商談中", "probability": 0.4},
    {"key": "won", "name": "Won", "name_ja": "受注", "probability": 1, "won": True},
    {"key": "lost", "name": "Lost", "name_ja": "失注", "probability": 0, "lost": True},
]
STAGE_COL = [c.key for c in DEALS.columns].index("stage")  # G
EXCEL_LAST_ROW = 1_048_576


def stage_labels(locale):
    return [s["name_ja" if locale == "ja" else "name"] for s in CUSTOM]


def xlsx_stage_validations(path, title):
    sheet = load_workbook(path)[title]
    return [
        dv
        for dv in sheet.data_validations.dataValidation
        if dv.errorTitle == MARK and str(dv.sqref).startswith(f"{chr(65 + STAGE_COL)}2:")
    ]


@pytest.mark.parametrize(("locale", "title"), [("en", "Deals"), ("ja", "商談")])
def test_xlsx_init_after_a_pipeline_change_sets_the_new_stages_on_the_whole_column(tmp_path, locale, title):
    path = tmp_path / "team.xlsx"
    initialise(load_config(None, **{"store.path": str(path), "locale": locale}))
    changed = load_config(None, **{"store.path": str(path), "locale": locale, "pipeline.stages": CUSTOM})
    assert initialise(changed) > 0
    (validation,) = xlsx_stage_validations(path, title)
    assert validation.formula1 == '"' + ",".join(stage_labels(locale)) + '"'
    assert str(validation.sqref) == f"G2:G{EXCEL_LAST_ROW}"
    before = path.read_bytes()
    assert initialise(changed) == 0  # set up already: nothing written
    assert path.read_bytes() == before


def test_xlsx_init_on_a_new_workbook_covers_the_whole_column(tmp_path):
    path = tmp_path / "new.xlsx"
    initialise(load_config(None, **{"store.path": str(path), "pipeline.stages": CUSTOM}))
    (validation,) = xlsx_stage_validations(path, "Deals")
    assert str(validation.sqref) == f"G2:G{EXCEL_LAST_ROW}" and "Engaging" in validation.formula1


def google_config(emu, key, sid, **extra):
    return load_config(
        None,
        **{
            "store.kind": "google",
            "store.spreadsheet": sid,
            "store.credentials": str(key),
            "store.endpoint": emu.url,
            **extra,
        },
    )


def stage_validation_requests(emu):
    found = []
    for record in emu.requests:
        if record.endpoint != "spreadsheets.batchUpdate":
            continue
        for request in record.body["requests"]:
            rule = request.get("setDataValidation")
            if rule and rule["range"]["startColumnIndex"] == STAGE_COL:
                found.append(rule)
    return found


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_google_init_after_a_pipeline_change_sets_the_new_stages_on_the_whole_column(emu, key, locale):
    sid = emu.create_spreadsheet("Empty", {"Sheet1": []}, shared_with=[SA])
    initialise(google_config(emu, key, sid, locale=locale))
    emu.reset_counters()
    changed = google_config(emu, key, sid, locale=locale, **{"pipeline.stages": CUSTOM})
    assert initialise(changed) > 0
    (request,) = stage_validation_requests(emu)
    assert request["range"]["startRowIndex"] == 1 and "endRowIndex" not in request["range"]
    values = [v["userEnteredValue"] for v in request["rule"]["condition"]["values"]]
    assert values == stage_labels(locale)
    title = "Deals" if locale == "en" else "商談"
    sheet = next(s for s in emu.spreadsheet(sid).ordered() if s.title == title)
    for a1 in ("G2", f"G{sheet.rows}"):  # the grid's last row too
        rule = emu.cell(sid, title, a1).validation
        assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == stage_labels(locale), a1
    emu.reset_counters()
    assert initialise(changed) == 0
    assert emu.count("spreadsheets.batchUpdate") == 0
