"""People keep typing while the service runs: rows inserted, deleted, sorted and edited between any two
of the cycle's read requests (200 seeded interleavings, on the emulator). No typed value is lost, and
after the next cycle every derived value sits on its own row (the sheet has converged)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from tenacity import wait_none

from sheets_schema.tabs import DEALS, INPUT_TABS, TASKS
from sync.config import load_config
from sync.cycle import run_cycle
from sync.stores.google import GoogleStore
from tests.sheets import tab
from tests.sheets_emulator import SheetsEmulator

TODAY = date(2026, 11, 28)
INTERLEAVINGS = int(__import__("os").environ.get("SFA_INTERLEAVINGS", "200"))
SA = "sync@test-proj.iam.gserviceaccount.com"
PERSON = [i for i, c in enumerate(DEALS.columns) if c.person_owned]
DEAL_ROWS = [
    {"deal_id": "D-000001", "deal_name": "Alpha", "stage": "Proposal", "amount": 100},
    {"deal_name": "Bravo", "stage": "Won", "amount": "abc"},
    {"deal_id": "D-000003", "deal_name": "Charlie", "stage": "Lost"},
    {"deal_name": "Delta", "stage": "Negotiation", "close_date": "2026-12-24"},
    {"deal_id": "D-000005", "deal_name": "Echo", "stage": "Maybe"},
    {"deal_name": "Foxtrot", "stage": "First visit"},
]
TASK_ROWS = [
    {"deal_id": "D-000001", "title": "Visit", "owner": "Sato", "due_date": "2026-12-01"},
    {"deal_id": "D-000005", "title": "Call", "owner": "Sato", "due_date": "2026-11-20"},
]


@pytest.fixture(scope="module")
def emu():
    with SheetsEmulator() as emulator:
        yield emulator


def person_rows(emu, sid) -> list[tuple]:
    grid = emu.values(sid, "Deals")[1:]
    rows = [tuple(row[i] if i < len(row) else "" for i in PERSON) for row in grid]
    return [r for r in rows if any(v != "" for v in r)]  # rows holding only derived cells are not typed rows


def edit(rng: random.Random, emu, sid) -> None:
    rows = len(emu.values(sid, "Deals"))
    operation = rng.choice(["insert", "delete", "sort", "set"])
    if operation == "insert":
        values = [None] * len(DEALS.columns)
        values[2], values[6] = f"New {rng.randrange(1000)}", "Proposal"
        emu.person_insert_row(sid, "Deals", rng.randint(2, rows + 1), values)
    elif operation == "delete" and rows > 2:
        emu.person_delete_row(sid, "Deals", rng.randint(2, rows))
    elif operation == "sort":
        emu.person_sort(sid, "Deals", rng.choice(["C", "G", "H"]), descending=rng.random() < 0.5)
    else:
        emu.person_set(sid, "Deals", f"C{rng.randint(2, rows)}", f"Renamed {rng.randrange(1000)}")


def test_200_interleavings_of_people_editing_during_cycles(emu, tmp_path):
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    rng = random.Random(20261128)
    for interleaving in range(INTERLEAVINGS):
        tabs = {spec.en: tab(spec) for spec in INPUT_TABS}
        tabs["Deals"], tabs["Tasks"] = tab(DEALS, *DEAL_ROWS), tab(TASKS, *TASK_ROWS)
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
        if interleaving == 0:
            store = GoogleStore.from_config(config)  # one store (and token) for all; the sheet changes below
            store.wait = wait_none()
        store.spreadsheet_id = sid
        if interleaving % 2:
            run_cycle(store, config, TODAY)  # half start from a sheet the service already knows
        typed = {"rows": person_rows(emu, sid)}  # what people typed, as of the last edit (if the hook ran)

        def person_edits_now(emulator, endpoint, sid=sid, typed=typed):
            edit(rng, emulator, sid)
            typed["rows"] = person_rows(emulator, sid)

        emu.reset_counters()
        emu.clear_hooks()
        emu.on_request(
            rng.choice([1, 2, 3, 4]), person_edits_now
        )  # before any read, the verify, or the write
        run_cycle(store, config, TODAY)
        emu.clear_hooks()
        after = person_rows(emu, sid)
        context = f"interleaving {interleaving}"
        assert Counter(r[1:] for r in after) == Counter(r[1:] for r in typed["rows"]), context
        assert Counter(r for r in typed["rows"] if r[0]) <= Counter(after), f"{context}: a typed id was lost"
        run_cycle(store, config, TODAY)
        ids = [r[0] for r in person_rows(emu, sid)]
        assert all(ids) and len(set(ids)) == len(ids), f"{context}: ids {ids}"
        assert not run_cycle(store, config, TODAY).wrote, f"{context}: did not converge"
