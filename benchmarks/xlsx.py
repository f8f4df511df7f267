"""The embedded default: cycles on a local .xlsx workbook, each case in a fresh process, against the floor of
a python-calamine read of the same file measured in the same run.

The workbook is the demo at the size, built the way `sfa-sync demo --size` builds it (sync.jobs.setup):
typed by people (set up, rows under the headers, never synced) for the first sync; the first sync's own
result for the rest. Cases, each on its own copy of the file:

    first sync     the typed workbook's first cycle
    unchanged      a cycle on the synced workbook (after settle cycles until one writes nothing)
    one cell       a deal's stage edited (a cell that moves figures: the cycle writes)
    1% edited      1% of the input tabs' rows edited, one person-owned cell each (benchmarks.generate)

Per case: the cycle's wall time (imports excluded) and the process's peak RSS, each also as a ratio to the
calamine read of that case's file (its time and its process's peak RSS), and the shares of load (the store's
read), compute (analyse) and save (the store's write), timed by benchmarks.phases around the store's methods:
the store's code is not changed. The calamine read and the cycle both run with the cyclic garbage collector
paused, as `run_cycle` runs (sync.jobs.cycle.cyclic_gc_paused).
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CASES = ("first sync", "unchanged", "one cell", "1% edited")
SETTLE_CYCLES = 3


def _xlsx_config(path: Path) -> Any:
    from sync.config_file import load_config

    return load_config(None, **{"store.kind": "xlsx", "store.path": str(path)})


def peak_rss_mib() -> float:
    """This process's own peak RSS: VmHWM of /proc/self/status. Not getrusage's ru_maxrss, which Linux
    carries across exec, so that a child started by a bigger parent would report the parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # kB
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


# ------------------------------------------------------------------------------------- child processes


def build_typed(size: str, path: Path) -> dict[str, Any]:
    """The demo workbook at `size` as its people typed it (what `sfa-sync demo --size` writes before it
    syncs), without the demo's seeded history: a team's workbook before its first sync."""
    from benchmarks.generate import TODAY
    from sync.demo.sizes import named_size
    from sync.jobs.setup import type_demo_rows

    start = time.perf_counter()
    type_demo_rows(_xlsx_config(path), TODAY, named_size(size), force=True)
    return {"seconds": round(time.perf_counter() - start, 2), "bytes": path.stat().st_size}


def settle(path: Path) -> dict[str, Any]:
    """Cycles until one writes nothing: the synced workbook as a service leaves it (not measured)."""
    from benchmarks.generate import TODAY
    from sync.jobs.cycle import run_cycle
    from sync.stores.xlsx import XlsxStore

    config = _xlsx_config(path)
    wrote = []
    for _ in range(SETTLE_CYCLES):
        wrote.append(run_cycle(XlsxStore(path), config, TODAY).wrote)
        if not wrote[-1]:
            break
    return {"settle_writes": wrote}


def edit(path: Path, kind: str) -> dict[str, Any]:
    """Edit the workbook as a person would, through the store (not measured): one deal's stage, or 1% of
    rows (the same picks as the Google rows: benchmarks.generate)."""
    from benchmarks import generate
    from sync.core.changes import CellWrite, ChangeSet
    from sync.stores.xlsx import XlsxStore

    store = XlsxStore(path)
    tabs = {title: tab.rows for title, tab in store.read().tabs.items()}
    edits = [generate.one_stage_edit(tabs)] if kind == "one cell" else generate.edit_rows(tabs, 0.01, seed=1)
    store.write(ChangeSet(cells=[CellWrite(e.tab, e.row, e.col, e.value) for e in edits]))
    return {"edits": len(edits)}


def calamine_read(path: Path) -> dict[str, Any]:
    """The floor: every sheet's values read by python-calamine into Python lists, with the collector paused
    as the cycle runs (gc.disable, as cyclic_gc_paused does, without importing the product into this process,
    so that its peak RSS is the reader's own)."""
    from python_calamine import CalamineWorkbook

    gc.disable()
    start = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    cells = sum(
        len(row) for name in workbook.sheet_names for row in workbook.get_sheet_by_name(name).to_python()
    )
    seconds = time.perf_counter() - start
    gc.enable()
    return {"seconds": round(seconds, 4), "cells": cells, "peak_rss_mib": peak_rss_mib()}


def cycle(path: Path) -> dict[str, Any]:
    """One `sfa-sync run` cycle on the workbook, timed per phase; this process's peak RSS."""
    from benchmarks import generate, phases
    from sync.jobs.cycle import run_cycle
    from sync.stores.xlsx import XlsxStore

    config = _xlsx_config(path)
    timer = phases.install()
    store = phases.instrument_store(XlsxStore(path))
    rss_before = peak_rss_mib()
    start = time.perf_counter()
    report = run_cycle(store, config, generate.TODAY)
    seconds = time.perf_counter() - start
    p = timer.phases()
    return {
        "seconds": round(seconds, 3),
        "load_seconds": p["read"],
        "compute_seconds": p["analyse"],
        "save_seconds": p["write"],
        "other_seconds": round(seconds - p["read"] - p["analyse"] - p["write"], 4),
        "phases": p,
        "wrote": report.wrote,
        "cells_written": report.cells_written,
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_cycle_mib": rss_before,
        "bytes": path.stat().st_size,
    }


CHILDREN = {"build": build_typed, "settle": settle, "edit": edit, "calamine": calamine_read, "cycle": cycle}


def child_main(argv: list[str]) -> int:
    """python -m benchmarks.xlsx STEP FILE OUT.json [ARG]"""
    step, path, out, *rest = argv
    figures = CHILDREN[step](*rest, Path(path)) if step == "build" else CHILDREN[step](Path(path), *rest)
    Path(out).write_text(json.dumps(figures, indent=1))
    return 0


# ------------------------------------------------------------------------------------------ orchestration


def _child(work: Path, step: str, path: Path, *extra: str) -> dict[str, Any]:
    out = work / f"{step}-{path.stem}.json"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.xlsx", step, str(path), str(out), *extra],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    figures: dict[str, Any] = json.loads(out.read_text())
    figures["process_seconds"] = round(time.perf_counter() - start, 2)
    return figures


def measure(work: Path, path: Path) -> dict[str, Any]:
    """The calamine floor, then the cycle, on the same file (a copy: the cycle writes it)."""
    floor = _child(work, "calamine", path)
    measured = work / f"{path.stem}-run.xlsx"
    shutil.copyfile(path, measured)
    return against_floor(_child(work, "cycle", measured), floor)


def against_floor(run: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    """A cycle's figures with its ratios to the calamine read of the same file, and its phases' shares."""
    run["calamine"] = floor
    run["time_ratio"] = round(run["seconds"] / floor["seconds"], 1)
    run["rss_ratio"] = round(run["peak_rss_mib"] / floor["peak_rss_mib"], 1)
    total = max(run["seconds"], 1e-9)
    run["shares"] = {k: round(run[f"{k}_seconds"] / total, 2) for k in ("load", "compute", "save", "other")}
    return run


def run_size(size: str, work: Path) -> dict[str, Any]:
    """Every case at `size`, in order; each child process builds, edits or measures one file."""
    typed = work / "typed.xlsx"
    result: dict[str, Any] = {"build": _child(work, "build", typed, size)}
    result["first sync"] = measure(work, typed)
    synced = work / "synced.xlsx"
    shutil.copyfile(work / "typed-run.xlsx", synced)  # the first sync's result, synced from then on
    result["settle"] = _child(work, "settle", synced)
    result["unchanged"] = measure(work, synced)
    for case, name in (("one cell", "one-cell"), ("1% edited", "one-percent")):
        edited = work / f"{name}.xlsx"
        shutil.copyfile(synced, edited)
        result[f"{case} edit"] = _child(work, "edit", edited, case)
        result[case] = measure(work, edited)
    return result


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1:]))
