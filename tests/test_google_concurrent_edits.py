"""People keep typing while the service runs: rows inserted, deleted, sorted and edited between any two
of the cycle's requests (seeded interleavings, on the emulator). No typed value is lost, and after the next
cycle every derived value sits on its own row (the sheet has converged).

The second harness adds what a team does besides: a manager typing Decisions and notes in the Manager
Review, reps typing ids into empty id cells and editing Calls and Tasks — at any request of a cycle,
including the instant between the verify and the write and the put-back after it. Each typed cell must end
beside the row it was typed for, and no cycle may fail with an internal error.

Size: SFA_INTERLEAVINGS interleavings per harness (default small, for CI); the long mode is e.g.
SFA_INTERLEAVINGS=300 (the figures are printed: run with -s)."""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pytest
from tenacity import wait_none

from reports.manager_review import find_deal_table
from sheets_schema.a1 import column_letter
from sheets_schema.tabs import CALLS, DEALS, INPUT_TABS, TASKS, TabSpec
from sync.config_file import load_config
from sync.errors import WriteConflictError
from sync.jobs.cycle import run_cycle
from sync.stores.google import GoogleStore
from tests.sheets import tab

pytestmark = pytest.mark.heavy  # a long harness on fixed dates: not rerun under the shifted clock

TODAY = date(2026, 11, 28)
INTERLEAVINGS = int(os.environ.get("SFA_INTERLEAVINGS", "25"))
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


# ------------------------------------------------------------------ a team typing everywhere


CALL_ROWS = [
    {"lead_id": "L-000001", "called_at": "2026-11-20", "caller": "Sato", "result": "No answer"},
    {
        "call_id": "C-000002",
        "lead_id": "L-000002",
        "called_at": "2026-11-21",
        "caller": "Ito",
        "result": "Busy",
    },
    {"lead_id": "L-000003", "called_at": "2026-11-22", "caller": "Sato", "result": "Not interested"},
]
TEAM_TASKS = [
    *TASK_ROWS,
    {"title": "Proposal", "owner": "Ito", "due_date": "2026-12-03"},
    {"deal_id": "D-000003", "title": "Debrief", "owner": "Sato", "due_date": "2026-11-25"},
]
REVIEW = "Manager Review"
EDITED = (DEALS, CALLS, TASKS)
# before which request people type: metadata, values, verify, the write (the instant that matters most),
# the put-back read, its verify and its write (when there is one)
WHEN = (1, 2, 3, 4, 4, 4, 5, 6, 7)


def person_columns(spec: TabSpec) -> list[int]:
    return [i for i, c in enumerate(spec.columns) if c.person_owned]


def typed_rows(emu, sid, spec: TabSpec) -> list[tuple]:
    """Each row as its person-owned cells (the id first)."""
    columns = person_columns(spec)
    grid = emu.values(sid, spec.en)[1:]
    rows = [tuple(row[i] if i < len(row) else "" for i in columns) for row in grid]
    return [r for r in rows if any(v != "" for v in r)]


def review(emu, sid) -> dict[str, tuple]:
    """Deal id -> (Decision, note) as shown in the Manager Review's table now."""
    if REVIEW not in emu.spreadsheet(sid).titles():
        return {}
    rows = emu.values(sid, REVIEW)
    place = find_deal_table(rows)
    shown = {}
    for row in rows[place.header_row + 1 :] if place else []:
        cells = [
            row[place.columns[k]] if place.columns[k] < len(row) else ""
            for k in ("deal_id", "decision", "note")
        ]
        if cells[0] in ("", None):
            break
        shown[cells[0]] = (cells[1] or "", cells[2] or "")
    return shown


def archived(emu, sid) -> dict[str, tuple]:
    if "_sfa_review_archive" not in emu.spreadsheet(sid).titles():
        return {}
    rows = emu.values(sid, "_sfa_review_archive")[1:]
    cell = lambda row, i: row[i] if i < len(row) and row[i] is not None else ""  # noqa: E731
    return {str(row[0]): (cell(row, 1), cell(row, 2)) for row in rows if row}


@dataclass
class Team:
    """What people typed, as of their last edit: rows per tab, and the Decision meant for each deal."""

    rows: dict[str, list[tuple]] = field(default_factory=dict)
    decisions: dict[str, tuple] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)  # ids of rows before the cycle, and ids people typed

    def look(self, emu, sid) -> None:
        """The rows as people see them now; an id the cycle is writing is not theirs (yet): left out."""
        mine = {
            spec.en: [(r[0] if r[0] in self.ids else "", *r[1:]) for r in typed_rows(emu, sid, spec)]
            for spec in EDITED
        }
        self.rows = {title: [r for r in rows if any(v != "" for v in r)] for title, rows in mine.items()}

    def known(self, emu, sid) -> None:
        self.ids = {r[0] for spec in EDITED for r in typed_rows(emu, sid, spec) if r[0]}
        self.look(emu, sid)


def team_edit(rng: random.Random, emu, sid, team: Team) -> None:
    operation = rng.choice(["row", "row", "decision", "decision", "id"])
    if operation == "decision":
        shown = review(emu, sid)
        if shown:
            typed = (
                rng.choice(["Close as lost", "Push", "Call the client", ""]),
                f"note {rng.randrange(100)}",
            )
            team_edit_decision(emu, sid, team, rng.choice(sorted(shown)), typed)
    elif operation == "id":
        spec = rng.choice(EDITED)
        grid = emu.values(sid, spec.en)
        typed_cells = person_columns(spec)[1:]  # a rep types the id of a row that holds something of theirs
        empty = [
            i
            for i, row in enumerate(grid)
            if i
            and any(c < len(row) and row[c] not in ("", None) for c in typed_cells)
            and row[0] in ("", None)
        ]
        if empty:
            typed = f"{spec.id_prefix}-9{rng.randrange(10**5):05d}"
            team.ids.add(typed)
            emu.person_set(sid, spec.en, f"A{rng.choice(empty) + 1}", typed)
    else:
        spec = rng.choice(EDITED)
        rows = len(emu.values(sid, spec.en))
        kind = rng.choice(["insert", "delete", "sort", "set"])
        required = [i for i, c in enumerate(spec.columns) if c.required]
        if kind == "insert":
            values = [None] * len(spec.columns)
            for i in required:
                values[i] = NEW_ROW[spec.key][spec.columns[i].key]
            values[required[0]] = f"{values[required[0]]} {rng.randrange(1000)}"
            emu.person_insert_row(sid, spec.en, rng.randint(2, rows + 1), values)
        elif kind == "delete" and rows > 2:
            emu.person_delete_row(sid, spec.en, rng.randint(2, rows))
        elif kind == "sort":
            column = rng.choice(person_columns(spec)[1:]) + 1
            emu.person_sort(sid, spec.en, column, descending=rng.random() < 0.5)
        else:
            column = column_letter(required[0])
            emu.person_set(sid, spec.en, f"{column}{rng.randint(2, rows)}", f"Edited {rng.randrange(1000)}")
    team.look(emu, sid)


NEW_ROW = {
    "deals": {"deal_name": "New", "stage": "Proposal"},
    "calls": {"lead_id": "L-000009", "called_at": "2026-11-27", "caller": "Sato", "result": "No answer"},
    "tasks": {"title": "New task", "owner": "Sato", "due_date": "2026-12-02"},
}


@dataclass
class Figures:
    interleavings: int = 0
    edits: int = 0
    misplaced: int = 0  # a typed cell beside another row than the one it was typed for
    lost: int = 0  # a typed cell that is nowhere
    exit_70: int = 0  # a cycle failed with an internal error
    exit_8: int = 0  # a cycle gave up because rows kept moving (nothing written; allowed, counted)
    failures: list[str] = field(default_factory=list)

    def fail(self, kind: str, what: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.failures.append(f"interleaving {self.interleavings}: {kind}: {what}")


def check_typed_cells(emu, sid, team: Team, figures: Figures) -> None:
    for spec in EDITED:
        after = typed_rows(emu, sid, spec)
        typed = team.rows[spec.en]
        if Counter(r[1:] for r in after) != Counter(r[1:] for r in typed):
            figures.fail("lost", f"{spec.en} rows {sorted(map(str, typed))} became {sorted(map(str, after))}")
        if not Counter(r for r in typed if r[0]) <= Counter(after):
            missing = Counter(r for r in typed if r[0]) - Counter(after)
            figures.fail("misplaced", f"{spec.en}: typed ids not on their rows: {list(missing)}; now {after}")
    shown, kept = review(emu, sid), archived(emu, sid)
    for deal_id, decision in shown.items():
        if decision != team.decisions.get(deal_id, ("", "")):
            figures.fail(
                "misplaced", f"{REVIEW}: {deal_id} shows {decision}, typed {team.decisions.get(deal_id)}"
            )
    for deal_id, decision in team.decisions.items():
        if deal_id not in shown and decision != ("", "") and kept.get(deal_id) != decision:
            figures.fail(
                "lost", f"{deal_id}'s decision {decision} is neither shown nor archived ({kept.get(deal_id)})"
            )


def test_a_team_typing_everywhere_while_cycles_run(emu, tmp_path):
    key = emu.write_service_account_key(tmp_path / "key.json", client_email=SA)
    rng = random.Random(20261201)
    figures = Figures()
    store = None
    for interleaving in range(INTERLEAVINGS):
        figures.interleavings = interleaving
        tabs = {spec.en: tab(spec) for spec in INPUT_TABS}
        tabs["Deals"], tabs["Calls"], tabs["Tasks"] = (
            tab(DEALS, *DEAL_ROWS),
            tab(CALLS, *CALL_ROWS),
            tab(TASKS, *TEAM_TASKS),
        )
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
        if store is None:
            store = GoogleStore.from_config(config)
            store.wait = wait_none()
        store.spreadsheet_id = sid
        run_cycle(store, config, TODAY)  # the review exists: a manager has something to type into
        team = Team()
        team.look(emu, sid)
        for deal_id in rng.sample(sorted(review(emu, sid)), 2):  # some decisions typed earlier
            team_edit_decision(emu, sid, team, deal_id, ("Keep", "typed earlier"))
        run_cycle(store, config, TODAY)
        emu.person_set(sid, "Deals", "H2", rng.choice([50, 500, 5000]))  # the review will change order
        for spec in EDITED:  # and reps add rows: the cycle will write ids
            values = [NEW_ROW[spec.key].get(c.key) for c in spec.columns]
            emu.person_insert_row(sid, spec.en, len(emu.values(sid, spec.en)) + 1, values)
        team.known(emu, sid)

        def people_type_now(emulator, endpoint, sid=sid, team=team):
            figures.edits += 1
            team_edit(rng, emulator, sid, team)

        emu.reset_counters()
        emu.clear_hooks()
        for n in set(rng.choices(WHEN, k=rng.choice([1, 2, 3]))):
            emu.on_request(n, people_type_now)
        for _ in range(2):  # the cycle people typed into, then the next (it settles what is left)
            try:
                run_cycle(store, config, TODAY)
            except WriteConflictError:
                figures.exit_8 += 1
            except Exception as failed:  # what the CLI would answer with exit 70
                figures.fail("exit_70", repr(failed))
            emu.clear_hooks()
        check_typed_cells(emu, sid, team, figures)
    figures.interleavings = INTERLEAVINGS
    print(
        f"\n{figures.interleavings} interleavings, {figures.edits} edits: misplaced {figures.misplaced}, "
        f"lost {figures.lost}, exit-70 {figures.exit_70} (exit-8 {figures.exit_8})"
    )
    assert not figures.failures, "\n".join(figures.failures[:10])


def team_edit_decision(emu, sid, team: Team, deal_id: str, typed: tuple) -> None:
    rows = emu.values(sid, REVIEW)
    place = find_deal_table(rows)
    row = next(i for i, r in enumerate(rows) if i > place.header_row and r and r[0] == deal_id)
    for key, value in zip(("decision", "note"), typed, strict=True):
        emu.person_set(sid, REVIEW, f"{column_letter(place.columns[key])}{row + 1}", value)
    team.decisions[deal_id] = typed
