"""People type in the instant between the service's last check and its write (Google, over the emulator):
a manager's Decision while the Manager Review's rows move, a rep's id into an empty id cell. After the
cycle each typed value is still beside the row it was typed for, and a person's id wins over a new one.

(The xlsx store is not edited during a write: the file is replaced whole, and a workbook open in Excel or
LibreOffice is refused; memory has no second writer. So these cases are Google's.)"""

from __future__ import annotations

from datetime import date

import pytest
from tenacity import wait_none

from reports.manager_review import find_deal_table
from sheets_schema.a1 import column_letter
from sheets_schema.tabs import DEALS, INPUT_TABS
from sync.config_file import load_config
from sync.jobs.cycle import run_cycle
from sync.stores.google import GoogleStore
from tests.sheets import tab

TODAY = date(2026, 11, 30)
SA = "sync@test-proj.iam.gserviceaccount.com"
REVIEW = "Manager Review"
WRITE = 4  # the cycle's requests: metadata, values, verify, then the write


@pytest.fixture
def google(emu, tmp_path):
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)

    def make(deals: list[dict]) -> tuple[GoogleStore, object, str]:
        tabs = {spec.en: tab(spec) for spec in INPUT_TABS}
        tabs["Deals"] = tab(DEALS, *deals)
        sid = emu.create_spreadsheet("Team", tabs, shared_with=[SA], value_input="RAW")
        config = load_config(
            None,
            **{
                "store.kind": "google",
                "store.spreadsheet": sid,
                "store.credentials": str(key),
                "store.endpoint": emu.url,
            },
        )
        store = GoogleStore.from_config(config)
        store.wait = wait_none()
        return store, config, sid

    return make


def review_rows(emu, sid) -> list[list]:
    return emu.values(sid, REVIEW)


def decisions_by_deal(emu, sid) -> dict[str, tuple]:
    rows = review_rows(emu, sid)
    place = find_deal_table(rows)
    assert place is not None
    found = {}
    for row in rows[place.header_row + 1 :]:
        cells = [
            row[place.columns[k]] if place.columns[k] < len(row) else ""
            for k in ("deal_id", "decision", "note")
        ]
        if cells[0] in ("", None):
            break
        found[cells[0]] = (cells[1] or "", cells[2] or "")
    return found


def type_decision(emu, sid, deal_id: str, decision: str, note: str = "") -> None:
    """A manager types on the row where the deal is shown now."""
    rows = review_rows(emu, sid)
    place = find_deal_table(rows)
    assert place is not None
    row = next(i for i, r in enumerate(rows) if r and r[place.columns["deal_id"]] == deal_id)
    emu.person_set(sid, REVIEW, f"{column_letter(place.columns['decision'])}{row + 1}", decision)
    if note:
        emu.person_set(sid, REVIEW, f"{column_letter(place.columns['note'])}{row + 1}", note)


def flagged_deals() -> list[dict]:
    """Three open deals without a close date (flagged), most valuable first on the review."""
    return [
        {"deal_id": "D-000001", "deal_name": "Alpha", "stage": "Proposal", "amount": 300},
        {"deal_id": "D-000002", "deal_name": "Bravo", "stage": "Proposal", "amount": 200},
        {"deal_id": "D-000003", "deal_name": "Charlie", "stage": "Proposal", "amount": 100},
    ]


@pytest.mark.parametrize(
    "typed_for, climbs, amount",
    [
        ("D-000001", "D-000003", 900),  # the deal typed for moves down one row as another climbs over it
        ("D-000002", "D-000003", 900),
        ("D-000003", "D-000003", 900),  # the deal typed for is the one that climbs
        ("D-000001", "D-000002", 50),  # a deal sinks below the one typed for
    ],
)
def test_a_decision_typed_just_before_the_write_stays_with_its_deal(emu, google, typed_for, climbs, amount):
    store, config, sid = google(flagged_deals())
    run_cycle(store, config, TODAY)
    order = list(decisions_by_deal(emu, sid))
    row = 1 + [d["deal_id"] for d in flagged_deals()].index(climbs)
    column = column_letter(DEALS.columns.index(DEALS.column("amount")))
    emu.person_set(sid, "Deals", f"{column}{row + 1}", amount)  # the list will be in another order

    def manager_types(emulator, endpoint):
        type_decision(emulator, sid, typed_for, "Close as lost", "no budget")

    emu.clear_hooks()
    emu.reset_counters()
    emu.on_request(WRITE, manager_types)
    run_cycle(store, config, TODAY)
    emu.clear_hooks()
    now = decisions_by_deal(emu, sid)
    assert list(now) != order, "the test needs the list to change order"
    assert now[typed_for] == ("Close as lost", "no budget")
    assert [k for k, v in now.items() if v != ("", "")] == [typed_for]
    run_cycle(store, config, TODAY)  # (the first Decision creates the hidden archive tab)
    assert not run_cycle(store, config, TODAY).wrote  # settled, and the decision is still there
    assert decisions_by_deal(emu, sid)[typed_for] == ("Close as lost", "no budget")


def test_a_decision_typed_just_before_its_deal_leaves_the_list_is_archived(emu, google):
    store, config, sid = google(flagged_deals())
    run_cycle(store, config, TODAY)
    stage = column_letter(DEALS.columns.index(DEALS.column("stage")))
    emu.person_set(sid, "Deals", f"{stage}3", "Won")  # Bravo leaves the list

    def manager_types(emulator, endpoint):
        type_decision(emulator, sid, "D-000002", "Celebrate")

    emu.clear_hooks()
    emu.reset_counters()
    emu.on_request(WRITE, manager_types)
    run_cycle(store, config, TODAY)
    emu.clear_hooks()
    assert "D-000002" not in decisions_by_deal(emu, sid)
    emu.person_set(sid, "Deals", f"{stage}3", "Proposal")  # back on the list: the decision comes back
    run_cycle(store, config, TODAY)
    assert decisions_by_deal(emu, sid)["D-000002"] == ("Celebrate", "")


def test_an_id_typed_into_an_empty_id_cell_just_before_the_write_wins(emu, google):
    store, config, sid = google(
        [
            {"deal_id": "D-000001", "deal_name": "Alpha", "stage": "Proposal"},
            {"deal_name": "Bravo", "stage": "Proposal"},
        ]
    )

    def rep_types(emulator, endpoint):
        emulator.person_set(sid, "Deals", "A3", "D-777777")

    emu.clear_hooks()
    emu.reset_counters()
    emu.on_request(WRITE, rep_types)
    run_cycle(store, config, TODAY)
    emu.clear_hooks()
    assert [r[0] for r in emu.values(sid, "Deals")[1:3]] == ["D-000001", "D-777777"]
    run_cycle(store, config, TODAY)
    assert [r[0] for r in emu.values(sid, "Deals")[1:3]] == ["D-000001", "D-777777"]
    assert not run_cycle(store, config, TODAY).wrote
