"""Restore matches backup rows to sheet rows by id AND content: duplicate ids, missing ids and ids filled
in since never put one row's values on another; a match that is a guess is listed and written only when
the person asks for it (--pair-duplicates). On memory, a real .xlsx and Google over the emulator."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_schema.tabs import DEALS, INPUT_TABS
from sync.cli.service_commands import restore, serve
from sync.engine.restore import plan_restore
from sync.jobs.backups import load_backup, save_backup
from sync.jobs.cycle import run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker

TODAY = date(2026, 11, 30)
TAKEN = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "xlsx", "google"])
def make(request, tmp_path, emulator) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, emulator)


def deal(deal_id: str | None, name: str, stage: str = "Proposal", amount: int = 1000) -> dict:
    return {"deal_id": deal_id, "deal_name": name, "owner": "Sato", "stage": stage, "amount": amount}


def sheet(*deals: dict) -> dict:
    return {spec.en: tab(spec, *(deals if spec.key == "deals" else [])) for spec in INPUT_TABS}


def person_rows(store) -> list[tuple]:
    """(id, name, stage, amount) of every Deals row, as the store reads them."""
    rows = store.read().tabs["Deals"].rows
    labels = [str(h) for h in rows[0]]
    cols = [labels.index(DEALS.column(k).label("en")) for k in ("deal_id", "deal_name", "stage", "amount")]
    return [tuple(r[c] if c < len(r) else None for c in cols) for r in rows[1:] if any(r)]


def backup_of(store, config, folder: Path):
    config = config.model_copy(update={"service": config.service.model_copy(update={"backups_dir": folder})})
    return load_backup(save_backup(store.read(), config, TAKEN)), config


A28, B28 = deal("D-000028", "Acme renewal"), deal("D-000028", "Mirai cards", "Lost", 980)
C3 = deal("D-000003", "Techno rollout", "First visit", 660)


def row(d: dict) -> tuple:
    return (d["deal_id"], d["deal_name"], d["stage"], d["amount"])


def edited(d: dict, **changes) -> dict:
    return d | changes


# (case, the backup's rows, the sheet's rows now, rows after restore, rows after restore --pair-duplicates)
CASES = [
    ("duplicate ids, nothing changed", [A28, B28, C3], [A28, B28, C3], [A28, B28, C3], [A28, B28, C3]),
    (
        "duplicate ids, the second row edited since",
        [A28, B28, C3],
        [A28, edited(B28, stage="Negotiation"), C3],
        [A28, B28, C3],
        [A28, B28, C3],
    ),
    (
        "duplicate ids, the second row deleted since",
        [A28, B28, C3],
        [A28, C3],
        [A28, C3, B28],
        [A28, C3, B28],
    ),
    (
        "duplicate ids, both rows edited since: ambiguous",
        [A28, B28, C3],
        [edited(A28, amount=1), edited(B28, amount=2), C3],
        [edited(A28, amount=1), edited(B28, amount=2), C3],
        [A28, B28, C3],
    ),
    (
        "duplicate ids, both edited and moved: each goes back to the row most like it",
        [A28, B28, C3],
        [edited(B28, amount=2), C3, edited(A28, amount=1)],
        [edited(B28, amount=2), C3, edited(A28, amount=1)],
        [B28, C3, A28],
    ),
    (
        "a row above deleted, a duplicate edited: rows are found where they are now",
        [C3, A28, B28],
        [A28, edited(B28, stage="Won")],
        [A28, B28, C3],
        [A28, B28, C3],
    ),
    (
        "a row without an id that got one since",
        [deal(None, "New deal"), C3],
        [deal("D-000009", "New deal"), C3],
        [deal("D-000009", "New deal"), C3],
        [deal("D-000009", "New deal"), C3],
    ),
]


@pytest.mark.parametrize("then, now, after, paired", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_restore_puts_each_value_back_on_its_own_row(make, tmp_path, then, now, after, paired):
    for pair_duplicates, expected in ((False, after), (True, paired)):
        old, config = make(sheet(*then))
        saved, config = backup_of(old, config, tmp_path / f"saved-{pair_duplicates}")
        store, _ = make(sheet(*now))
        plan = plan_restore(saved, store.read(), config, "Deals", pair_duplicates=pair_duplicates)
        if not plan.changes.is_empty():
            store.write(plan.changes)
        assert person_rows(store) == [row(d) for d in expected], (pair_duplicates, plan.lines())


def test_an_ambiguous_match_is_listed_with_its_rows_and_what_it_would_write(make, tmp_path):
    old, config = make(sheet(A28, B28, C3))
    saved, config = backup_of(old, config, tmp_path / "saved")
    store, _ = make(sheet(edited(A28, amount=1), edited(B28, amount=2), C3))
    lines = plan_restore(saved, store.read(), config, "Deals").lines()
    assert any(
        "D-000028" in line and "rows 2, 3 of the backup" in line and "--pair-duplicates" in line
        for line in lines
    ), lines
    assert "  would write Deals!H2: now 1, backup 1000" in lines, lines
    assert "  would write Deals!H3: now 2, backup 980" in lines, lines


@pytest.mark.parametrize(
    "deals",
    [
        [A28, B28, C3],  # the demo's D-000028 on two rows
        [A28, A28, C3],  # two identical rows
        [deal(None, "New deal"), C3, B28, A28],  # a row the cycle gives an id, and a duplicate id
    ],
    ids=["duplicate ids", "identical rows", "an id filled in by the cycle"],
)
def test_restoring_the_backup_just_taken_changes_nothing(make, tmp_path, deals):
    store, config = make(sheet(*deals))
    saved, config = backup_of(store, config, tmp_path / "saved")
    run_cycle(store, config, TODAY)  # the cycle the backup was taken for: ids, derived columns
    plan = plan_restore(saved, store.read(), config)
    assert plan.changes.is_empty() and plan.lines() == [
        "nothing to restore: the sheet already has every value of the backup"
    ]


def test_the_admin_restoring_a_fresh_backup_through_the_cli_is_told_nothing_changes(tmp_path):
    """The reported case: one stage edit, `serve --once`, then `restore <that backup> --tab Deals`."""
    store, config = StoreMaker("xlsx", tmp_path, lambda: None)(sheet(A28, C3, B28))
    workbook = str(config.store.path)
    (tmp_path / "sfa-sync.toml").write_text(
        f'[store]\nkind = "xlsx"\npath = "{workbook}"\n[service]\nbackups_dir = "{tmp_path / "saved"}"\n',
        encoding="utf-8",
    )
    options = ["--config", str(tmp_path / "sfa-sync.toml")]
    runner = CliRunner()
    assert runner.invoke(serve, [*options, "--once"]).exit_code == 0
    [taken] = (tmp_path / "saved").glob("*/*.json.gz")
    before = person_rows(store)
    dry = runner.invoke(restore, [*options, taken.name, "--tab", "Deals", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "nothing to restore" in dry.output and "!" not in dry.output, dry.output
    done = runner.invoke(restore, [*options, taken.name, "--tab", "Deals", "--yes"])
    assert done.exit_code == 0 and "nothing written" in done.output, done.output
    assert person_rows(store) == before


def test_yes_alone_never_writes_a_guess_and_pair_duplicates_does(tmp_path):
    make = StoreMaker("xlsx", tmp_path, lambda: None)
    old, config = make(sheet(A28, B28, C3))
    saved_config = config.model_copy(
        update={"service": config.service.model_copy(update={"backups_dir": tmp_path / "saved"})}
    )
    taken = save_backup(old.read(), saved_config, TAKEN)
    store, now_config = make(sheet(edited(A28, amount=1), edited(B28, amount=2), C3))
    (tmp_path / "sfa-sync.toml").write_text(
        f'[store]\nkind = "xlsx"\npath = "{now_config.store.path}"\n'
        f'[service]\nbackups_dir = "{tmp_path / "saved"}"\n',
        encoding="utf-8",
    )
    options = ["--config", str(tmp_path / "sfa-sync.toml"), str(taken), "--tab", "Deals"]
    runner = CliRunner()
    refused = runner.invoke(restore, [*options, "--yes"])
    assert refused.exit_code == 0 and "ambiguous" in refused.output, refused.output
    assert person_rows(store) == [row(edited(A28, amount=1)), row(edited(B28, amount=2)), row(C3)]
    done = runner.invoke(restore, [*options, "--yes", "--pair-duplicates"])
    assert done.exit_code == 0 and "restored: 2 cell(s) written" in done.output, done.output
    assert person_rows(store) == [row(A28), row(B28), row(C3)]
