"""Oversized cells, per store: the message names the store's own limit (Excel 32,767 characters, Google
50,000), and text copied into a derived column is cut to fit, saying so at its end — never silently."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from sheets_schema.tabs import DEALS, INPUT_TABS, TASKS
from sync.jobs.cycle import run_cycle
from tests.sheets import tab
from tests.stores import StoreMaker, values

TODAY = date(2026, 11, 30)


@pytest.fixture(params=["memory", "xlsx"])
def make(request, tmp_path) -> StoreMaker:
    return StoreMaker(request.param, tmp_path, lambda: None)  # type: ignore[arg-type,return-value]


def sheet(title: str) -> dict:
    rows = {
        "deals": [{"deal_id": "D-1", "deal_name": "Big", "owner": "Sato", "stage": "Proposal"}],
        "tasks": [
            {"task_id": "T-1", "deal_id": "D-1", "title": title, "owner": "Sato", "due_date": "2026-12-01"}
        ],
    }
    return {spec.en: tab(spec, *rows.get(spec.key, [])) for spec in INPUT_TABS}


def make_sheet(make, title: str):
    """The store holding `title` as a task title; on xlsx written into the file's XML, as LibreOffice
    can, since openpyxl itself cuts text at 32,767 characters."""
    store, config = make(sheet("PLACEHOLDER" if make.kind == "xlsx" else title))
    if make.kind == "xlsx":
        with zipfile.ZipFile(store.path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        for name in parts:
            parts[name] = parts[name].replace(b"PLACEHOLDER", title.encode())
        with zipfile.ZipFile(store.path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return store, config


def cell(store, spec, key: str):
    grid = values(store, spec.en)
    col = [str(h) for h in grid[0]].index(spec.column(key).en)
    return grid[1][col] if col < len(grid[1]) else None


LIMITS = {"memory": "50,000", "xlsx": "32,767"}
SIZES = {"memory": 50_001, "xlsx": 32_768}


def test_the_oversized_cell_message_names_the_stores_own_limit(make):
    store, config = make_sheet(make, "x" * SIZES[make.kind])
    run_cycle(store, config, TODAY)
    said = cell(store, TASKS, "errors")
    assert f"Title has {SIZES[make.kind]} characters; keep it under {LIMITS[make.kind]}" in said


def test_text_copied_into_a_derived_column_is_cut_and_says_so(make):
    store, config = make_sheet(make, "y" * SIZES[make.kind])
    run_cycle(store, config, TODAY)
    copied = cell(store, DEALS, "next_task")
    limit = SIZES[make.kind] - 1
    assert len(copied) == limit
    assert copied.endswith(f"… [cut: the full text has {SIZES[make.kind]:,} characters]")
    assert not run_cycle(store, config, TODAY).wrote  # the cut text settles
