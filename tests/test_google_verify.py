"""The Google store's check before a write, given no key columns (issue 14, item 13): it compares the whole
sheet as read, so that `import` does not append on top of a sheet that changed meanwhile."""

from __future__ import annotations

from datetime import date

import pytest

from sheets_schema.tabs import INPUT_TABS, LEADS
from sync.errors import WriteConflictError
from sync.jobs.import_csv import run_import
from tests.sheets import tab
from tests.stores import StoreMaker, values

TODAY = date(2026, 11, 30)


def google(emu, tmp_path):
    grids = {spec.en: tab(spec) for spec in INPUT_TABS}
    grids[LEADS.en] = tab(LEADS, {"lead_id": "L-1", "company": "Acme", "contact": "Ito"})
    return StoreMaker("google", tmp_path, lambda: emu)(grids)


@pytest.mark.parametrize(
    ("edit", "unchanged"),
    [
        (None, True),
        (("Leads", "C2", "Kato"), False),  # a cell changed
        (("Leads", "B3", "Beta"), False),  # a row added
        (("Deals", "D2", "Gamma"), False),  # another tab
    ],
)
def test_no_keys_means_the_whole_sheet_is_compared(emu, tmp_path, edit, unchanged):
    store, _ = google(emu, tmp_path)
    snapshot = store.read()
    if edit:
        emu.person_set(store.spreadsheet_id, *edit)
    assert store.unchanged_since(snapshot, {}) is unchanged


def test_an_import_over_a_lead_typed_meanwhile_writes_nothing(emu, tmp_path):
    store, config = google(emu, tmp_path)
    csv = tmp_path / "hot.csv"
    csv.write_text("Company,Contact,Email\nBeta,Sato,sato@beta.example\n", encoding="utf-8")
    batch_gets = []

    def rep_types_the_same_lead(emulator, endpoint):
        if endpoint == "values.batchGet":
            batch_gets.append(endpoint)
            if len(batch_gets) == 2:  # after the import's read, before its write
                emulator.person_insert_row(store.spreadsheet_id, "Leads", 3, ["", "Beta", "Sato"])

    emu.before_request(rep_types_the_same_lead)
    try:
        with pytest.raises(WriteConflictError, match="changed while importing"):
            run_import(store, config, "leads", csv, TODAY)
    finally:
        emu.clear_hooks()
    companies = [row[1] for row in values(store, "Leads")[1:]]
    assert companies == ["Acme", "Beta"]  # the rep's lead only: no duplicate appended
