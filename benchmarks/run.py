"""The cycle's costs at sizes S, M (default), L and XL: requests, cells written, compute, memory, on
Google (emulator + replay) and on a local .xlsx workbook.

    python -m benchmarks.run --sizes S,M [--json out.json] [--no-obvious] [--keep DIR | --replay DIR]
                             [--only google|xlsx] [--xlsx-large]

Each size runs in fresh subprocesses, one after the other:

1. `google` worker: builds the sheet (demo rows at the size, then one cycle on a memory store for the
   history), loads it into the local Sheets API emulator (in-process, 127.0.0.1), and runs GoogleStore
   cycles against it: settle (the first Google cycle: notes, charts, protections the seed lacks), an
   unchanged sheet, one edited cell (a call's note), one edited deal stage, 1% of rows edited. Requests,
   cells written (counted in the request bodies the emulator received) and the largest request are
   recorded per cycle, with client time and HTTP time (server + wire) apart. It saves the exact bytes of
   spreadsheets.get + values:batchGet for the 1%-edited sheet (P1) and, after that cycle, for the sheet
   with another 1% of rows edited (P2). At S it also runs the obvious gspread script and a full rewrite.
2. `memory` worker (a fresh process: nothing of the product has run in it yet): the parse baseline
   (json.loads of P1's values:batchGet bytes, with the cyclic collector paused as run_cycle pauses it),
   then a cold cycle on P1 and a steady-state cycle on P2, on a store that replays those bytes (no network,
   no emulator), timed per phase, keeping the rows of the cold cycle for the steady one as `serve` does
   (KnownRows); peak RSS of the process.
3. xlsx rows (benchmarks/xlsx.py; at tiny, S and M, at L and XL only with --xlsx-large): the demo workbook
   at the size as `sfa-sync demo --size` builds it, and per case (first sync of the typed workbook,
   unchanged, one edited cell, 1% edited) a fresh process for a python-calamine read of the file and one for
   the cycle: wall time and peak RSS as ratios to the calamine read's, and the shares of load, compute, save.

Ratios (cycle compute / parse baseline) are computed from figures of the same process and run.
Measured on 2 cores: S ~2 min, M ~9 min for the Google rows, plus the xlsx rows (minutes at M on the
openpyxl store). `--only xlsx` runs the xlsx rows alone. L and XL run only when named in --sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SA = "sync@bench-proj.iam.gserviceaccount.com"
GOOGLE_SHEETS = "https://sheets.googleapis.com"
MAX_REQUEST_BYTES = 2_000_000
OBVIOUS_SAMPLE = 100  # update_cell calls actually made; the rest is extrapolated from their mean
STORES = ("google", "xlsx")
XLSX_SIZES = ("tiny", "S", "M")  # L and XL only with --xlsx-large (a first sync at L takes many minutes)


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


# ------------------------------------------------------------------------------------------ google worker


def _emulator_cells(bodies: list[dict]) -> int:
    """Cells carried by batchUpdate bodies: values in updateCells / appendCells rows."""
    cells = 0
    for body in bodies:
        for request in body.get("requests", []):
            for kind in ("updateCells", "appendCells"):
                if kind in request:
                    cells += sum(len(row.get("values", [])) for row in request[kind].get("rows", []))
    return cells


def _all_values(emu: Any, sid: str) -> dict[str, list[list[Any]]]:
    return {s.title: emu.values(sid, s.title) for s in emu.spreadsheet(sid).ordered()}


def _diff(
    before: dict[str, list[list[Any]]], after: dict[str, list[list[Any]]]
) -> list[tuple[str, int, int, Any]]:
    """Cells whose value differs (what a script writing only changed cells would write)."""
    changed = []
    for title, rows in after.items():
        old = before.get(title, [])
        for r in range(max(len(rows), len(old))):
            new_row = rows[r] if r < len(rows) else []
            old_row = old[r] if r < len(old) else []
            for c in range(max(len(new_row), len(old_row))):
                a = new_row[c] if c < len(new_row) else ""
                b = old_row[c] if c < len(old_row) else ""
                if a != b:
                    changed.append((title, r, c, a))
    return changed


def google_worker(size: str, out: Path, obvious: bool, diff: bool) -> dict[str, Any]:
    from google.oauth2.service_account import Credentials
    from tenacity import wait_none

    from benchmarks import generate, phases
    from benchmarks.stores import FastMemoryStore
    from sheets_schema.a1 import column_letter
    from sync.config_file import load_config
    from sync.jobs.cycle import run_cycle
    from sync.stores.google import GoogleStore, _quoted
    from tests.sheets_emulator import SheetsEmulator, gspread_client

    result: dict[str, Any] = {"size": size, "target_cells": generate.SIZES[size]}
    t0 = time.perf_counter()
    grids = generate.person_grids(generate.SIZES[size])
    result["demo_size"] = generate.demo_size(generate.SIZES[size]).__dict__
    result["input_cells"] = generate.cell_count(grids)
    store0 = FastMemoryStore(grids)
    from sync.core.config import Config

    start = time.perf_counter()
    first = run_cycle(store0, Config(), generate.TODAY)
    result["first_sync_memory"] = {
        "seconds": round(time.perf_counter() - start, 3),
        "cells_written": first.cells_written,
    }
    tabs = {title: tab.rows for title, tab in store0.tabs.items()}
    hidden = {title for title, tab in store0.tabs.items() if tab.hidden}
    result["sheet_cells"] = generate.cell_count(tabs)
    result["sheet_non_empty_cells"] = generate.non_empty_cells(tabs)
    result["generate_seconds"] = round(time.perf_counter() - t0, 2)

    timer = phases.install()
    cycles: list[dict[str, Any]] = []
    with SheetsEmulator() as emu:
        key = emu.write_service_account_key(out / "key.json", client_email=SA)
        key.chmod(0o600)
        start = time.perf_counter()
        sid = emu.create_spreadsheet(
            "Bench", generate.sheet_values(tabs), shared_with=[SA], rows=1, cols=1, value_input="RAW"
        )
        for sheet in emu.spreadsheet(sid).ordered():
            if sheet.title in hidden:
                sheet.props["hidden"] = True
        result["seed_seconds"] = round(time.perf_counter() - start, 2)
        del tabs, grids, store0
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
        phases.instrument_store(store)

        def cycle(label: str, changed_cells: bool = diff) -> dict[str, Any]:
            before = _all_values(emu, sid) if changed_cells else None
            emu.reset_counters()
            timer.reset()
            start = time.perf_counter()
            report = run_cycle(store, config, generate.TODAY)
            seconds = time.perf_counter() - start
            api = [r for r in emu.requests if r.endpoint != "oauth2.token"]
            writes = [
                r
                for r in api
                if r.endpoint == "spreadsheets.batchUpdate"
                or (r.endpoint.startswith("values.") and r.endpoint not in ("values.get", "values.batchGet"))
            ]
            reads = [r for r in api if r not in writes]
            sent = [q["bytes"] for q in timer.requests if q["method"] != "GET"]
            record = {
                "label": label,
                "wrote": report.wrote,
                "attempts": report.attempts,
                "reads": len(reads),
                "writes": len(writes),
                "read_endpoints": [r.endpoint for r in reads],
                "cells_written": _emulator_cells([r.body for r in writes if r.body]),
                "cells_reported": report.cells_written,
                "max_request_bytes": max(sent, default=0),
                "requests_over_2mb": sum(1 for b in sent if b > MAX_REQUEST_BYTES),
                "response_bytes_read": None,
                "seconds": round(seconds, 3),
                "client_seconds": round(seconds - timer.seconds["http"], 3),
                "http_seconds": round(timer.seconds["http"], 3),
                "phases": timer.phases(),
                "problems": len(report.analysis.all_problems),
            }
            if before is not None:
                changed = _diff(before, _all_values(emu, sid))
                record["cells_changed"] = len(changed)
                record["_changed"] = changed
            cycles.append(record)
            return record

        def capture(name: str) -> None:
            """The exact bytes GoogleStore.read receives, for the memory worker (not counted)."""
            from sync.stores.google import METADATA_FIELDS

            base = f"{GOOGLE_SHEETS}/v4/spreadsheets/{sid}"
            meta = store.http.request("get", base, params={"fields": METADATA_FIELDS}).content
            titles = [s["properties"]["title"] for s in json.loads(meta)["sheets"]]
            params = {
                "ranges": [_quoted(t) for t in titles],
                "valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "SERIAL_NUMBER",
                "majorDimension": "ROWS",
            }
            values = store.http.request("get", f"{base}/values:batchGet", params=params).content
            (out / f"{name}.meta.json").write_bytes(meta)
            (out / f"{name}.values.json").write_bytes(values)
            result[f"{name}_values_bytes"] = len(values)

        def edit(edits: list[generate.Edit]) -> None:
            for e in edits:
                emu.person_set(sid, e.tab, f"{column_letter(e.col)}{e.row + 1}", e.value)

        for attempt in range(3):
            if not cycle(f"settle {attempt + 1} (first Google cycle on the seeded sheet)", False)["wrote"]:
                break
        cycle("unchanged sheet")
        current = _all_values(emu, sid)
        edit([generate.one_cell_edit(current)])
        cycle("one edited cell (a call's note)")
        edit([generate.one_stage_edit(current)])
        cycle("one edited cell (a deal's stage)")
        cycle("unchanged sheet, after edits")
        edit(generate.edit_rows(current, 0.01, seed=1))
        capture("P1")
        p1_values = _all_values(emu, sid) if obvious else None
        one_percent = cycle("1% of rows edited", diff or obvious)
        after_one_percent = _all_values(emu, sid) if obvious else None
        edit(generate.edit_rows(_all_values(emu, sid), 0.01, seed=2))
        capture("P2")
        cycle("1% of rows edited (again)")
        result["cycles"] = cycles

        if obvious and p1_values is not None and after_one_percent is not None:
            creds = Credentials.from_service_account_file(
                str(key), scopes=["https://www.googleapis.com/auth/spreadsheets"]
            )
            gc = gspread_client(creds, emu.url)
            result["obvious_script"] = obvious_script(emu, gc, p1_values, one_percent["_changed"])
            result["full_rewrite"] = full_rewrite(emu, gc, p1_values, after_one_percent)
    for record in cycles:
        record.pop("_changed", None)
    result["peak_rss_mib_with_emulator"] = peak_rss_mib()
    return result


def _copy_sheet(emu: Any, values: dict[str, list[list[Any]]]) -> str:
    return emu.create_spreadsheet("Copy", values, shared_with=[SA], rows=1, cols=1, value_input="RAW")


def obvious_script(
    emu: Any, gc: Any, values: dict[str, list[list[Any]]], changed: list[tuple[str, int, int, Any]]
) -> dict[str, Any]:
    """gspread as people write it: get_all_records per tab, then update_cell per changed cell."""
    from gspread.exceptions import GSpreadException

    sid = _copy_sheet(emu, values)
    emu.reset_counters()
    start = time.perf_counter()
    book = gc.open_by_key(sid)
    for title in values:
        worksheet = book.worksheet(title)
        try:
            worksheet.get_all_records()
        except GSpreadException:  # a tab whose header row is not unique (generated tabs): same one request
            worksheet.get_all_values()
    read_seconds = time.perf_counter() - start
    read_requests = emu.count() - emu.count("oauth2.token")
    sample = changed[:OBVIOUS_SAMPLE]
    sheets = {title: book.worksheet(title) for title in {c[0] for c in sample}}  # handles, not counted below
    emu.reset_counters()
    start = time.perf_counter()
    for title, row, col, value in sample:
        sheets[title].update_cell(row + 1, col + 1, value)
    sample_seconds = time.perf_counter() - start
    per_update = sample_seconds / max(len(sample), 1)
    sample_requests = emu.count() - emu.count("oauth2.token")
    n = len(changed)
    return {
        "changed_cells": n,
        "read_requests": read_requests,
        "update_requests_measured": sample_requests,
        "update_cells_measured": len(sample),
        "requests": read_requests + round(sample_requests / max(len(sample), 1) * n),
        "cells_written": n,
        "seconds": round(read_seconds + per_update * n, 2),
        "extrapolated": n > len(sample),
        "note": f"update_cell measured on {len(sample)} of {n} cells, the rest extrapolated from their mean"
        if n > len(sample)
        else "all measured",
        "minutes_at_google_quota": round((read_requests + n) / 60, 1),  # 60 requests a minute
    }


def full_rewrite(
    emu: Any, gc: Any, before: dict[str, list[list[Any]]], after: dict[str, list[list[Any]]]
) -> dict[str, Any]:
    """gspread-dataframe style: read every tab, write every tab back whole (values.update, RAW)."""
    sid = _copy_sheet(emu, before)
    emu.reset_counters()
    start = time.perf_counter()
    book = gc.open_by_key(sid)
    worksheets = book.worksheets()
    cells = 0
    sent = []
    for worksheet in worksheets:
        worksheet.get_all_values()
    for worksheet in worksheets:
        grid = after.get(worksheet.title, [])
        width = max((len(r) for r in grid), default=0)
        rows = [[("" if v is None else v) for v in r] + [""] * (width - len(r)) for r in grid]
        if rows:
            worksheet.update(rows, "A1", value_input_option="RAW")
            cells += len(rows) * width
            sent.append(len(json.dumps({"values": rows})))
    seconds = time.perf_counter() - start
    api = [r for r in emu.requests if r.endpoint != "oauth2.token"]
    return {
        "requests": len(api),
        "writes": sum(1 for r in api if r.endpoint.startswith("values.update")),
        "cells_written": cells,
        "max_request_bytes": max(sent, default=0),
        "seconds": round(seconds, 2),
    }


# ------------------------------------------------------------------------------------------ memory worker


def memory_worker(size: str, work: Path) -> dict[str, Any]:
    from benchmarks import generate, phases
    from benchmarks.stores import ReplayStore
    from sheets_schema.rows import KnownRows
    from sync.core.config import Config
    from sync.jobs.cycle import cyclic_gc_paused, run_cycle

    rss_start = peak_rss_mib()
    config = Config()
    p1 = ((work / "P1.meta.json").read_bytes(), (work / "P1.values.json").read_bytes())
    timer = phases.install()
    # the floor: json.loads of the exact values:batchGet payload (median of 5, measured before any cycle),
    # with the cyclic collector paused as run_cycle pauses it: with it running, the collector re-scans the
    # growing heap and the floor looks ~1.7x slower than the parse the cycle actually does
    loads = []
    for _ in range(5):
        with cyclic_gc_paused():
            start = time.perf_counter()
            parsed = json.loads(p1[1])
            loads.append(time.perf_counter() - start)
        del parsed
    baseline = statistics.median(loads)
    result: dict[str, Any] = {
        "size": size,
        "parse_baseline_seconds": round(baseline, 4),
        "parse_baseline_all": [round(x, 4) for x in loads],
        "payload_bytes": len(p1[1]),
        "rss_before_cycles_mib": rss_start,
    }
    known = KnownRows()  # as `serve` keeps between cycles: the steady cycle parses only the rows that changed
    for label in ("cold", "steady"):
        if label == "steady":  # read only now, so that the cold cycle's peak memory is the cycle's own
            result["peak_rss_after_cold_mib"] = peak_rss_mib()
            p1 = ((work / "P2.meta.json").read_bytes(), (work / "P2.values.json").read_bytes())
        store = phases.instrument_store(ReplayStore(*p1))
        timer.reset()
        start = time.perf_counter()
        report = run_cycle(store, config, generate.TODAY, known=known)
        seconds = time.perf_counter() - start
        p = timer.phases()
        compute = p["analyse"] + p["write"] + p["verify"]  # everything after the read: no I/O on this store
        result[label] = {
            "seconds": round(seconds, 3),
            "phases": p,
            "compute_seconds": round(compute, 3),
            "compute_ratio": round(compute / baseline, 2),
            "with_read_ratio": round((compute + p["read"]) / baseline, 2),
            "cells_planned": report.cells_written if report.wrote else 0,
            "wrote": report.wrote,
        }
    result["peak_rss_mib"] = peak_rss_mib()
    return result


# ------------------------------------------------------------------------------------------ orchestration


def run_size(
    size: str, obvious: bool, diff: bool, keep: Path | None, stores: tuple[str, ...] = STORES
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        work = Path(tmp)
        figures: dict[str, Any] = {}
        if "xlsx" in stores:
            from benchmarks import xlsx

            (work / "xlsx").mkdir()
            start = time.perf_counter()
            figures["xlsx"] = xlsx.run_size(size, work / "xlsx")
            figures["xlsx"]["worker_seconds"] = round(time.perf_counter() - start, 1)
        for kind in ("google", "memory") if "google" in stores else ():
            command = [
                sys.executable,
                "-m",
                "benchmarks.run",
                "--worker",
                kind,
                "--size",
                size,
                "--work",
                str(work),
            ]
            if kind == "google" and obvious:
                command.append("--obvious")
            if kind == "google" and diff:
                command.append("--diff")
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=ROOT)
            figures[kind] = json.loads((work / f"{kind}.json").read_text())
            figures[kind]["worker_seconds"] = round(time.perf_counter() - start, 1)
        if keep is not None and "google" in stores:
            keep.mkdir(parents=True, exist_ok=True)
            for name in PAYLOADS:
                (keep / f"{size}.{name}").write_bytes((work / name).read_bytes())
    return figures


PAYLOADS = ("P1.meta.json", "P1.values.json", "P2.meta.json", "P2.values.json")


def replay_size(size: str, kept: Path) -> dict[str, Any]:
    """The memory worker alone, on payloads a run kept (--keep): no emulator, minutes instead of half an hour
    at XL."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        work = Path(tmp)
        for name in PAYLOADS:
            (work / name).write_bytes((kept / f"{size}.{name}").read_bytes())
        start = time.perf_counter()
        command = [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--worker",
            "memory",
            "--size",
            size,
            "--work",
            str(work),
        ]
        subprocess.run(command, check=True, cwd=ROOT)
        figures = {"memory": json.loads((work / "memory.json").read_text())}
        figures["memory"]["worker_seconds"] = round(time.perf_counter() - start, 1)
    return figures


def _cycle(figures: dict[str, Any], prefix: str) -> dict[str, Any]:
    return next(c for c in figures["google"]["cycles"] if c["label"].startswith(prefix))


def _rwc(c: dict[str, Any]) -> str:
    return f"{c['reads']}R {c['writes']}W {c['cells_written']:,}c"


XLSX_CASES = ("first sync", "unchanged", "one cell", "1% edited")


def _xlsx_time(case: dict[str, Any]) -> str:
    return f"{case['seconds']:.2f} ({case['time_ratio']}x)"


def _xlsx_rss(case: dict[str, Any]) -> str:
    return f"{case['peak_rss_mib']:,.0f} ({case['rss_ratio']}x)"


def _xlsx_shares(case: dict[str, Any]) -> str:
    return "/".join(f"{case['shares'][k] * 100:.0f}" for k in ("load", "compute", "save"))


def _calamine(figures: dict[str, Any]) -> str:
    typed, synced = figures["first sync"]["calamine"], figures["unchanged"]["calamine"]
    return f"{typed['seconds']:.2f} / {synced['seconds']:.2f}"


def table(results: dict[str, dict[str, Any]]) -> str:
    sizes = list(results)
    rows: list[tuple[str, list[str]]] = []

    def add(name: str, fn: Any) -> None:
        cells = []
        for s in sizes:
            try:
                cells.append(str(fn(results[s])))
            except (KeyError, StopIteration, TypeError):
                cells.append("-")
        rows.append((name, cells))

    add("sheet cells (all tabs)", lambda f: f"{f['google']['sheet_cells']:,}")
    add("values:batchGet payload MB", lambda f: f"{f['memory']['payload_bytes'] / 1e6:.1f}")
    add("parse baseline (json.loads) s", lambda f: f"{f['memory']['parse_baseline_seconds']:.3f}")
    add(
        "cold cycle compute s (x baseline)",
        lambda f: f"{f['memory']['cold']['compute_seconds']:.2f} ({f['memory']['cold']['compute_ratio']}x)",
    )
    add(
        "  cold: parse/rules/reports/plan s",
        lambda f: "/".join(
            f"{f['memory']['cold']['phases'][k]:.2f}" for k in ("parse", "rules", "reports", "plan")
        ),
    )
    add("  cold incl. read (loads+snapshot) x", lambda f: f"{f['memory']['cold']['with_read_ratio']}x")
    add(
        "steady cycle compute s (x baseline)",
        lambda f: (
            f"{f['memory']['steady']['compute_seconds']:.2f} ({f['memory']['steady']['compute_ratio']}x)"
        ),
    )
    add(
        "  steady: parse/rules/reports/plan s",
        lambda f: "/".join(
            f"{f['memory']['steady']['phases'][k]:.2f}" for k in ("parse", "rules", "reports", "plan")
        ),
    )
    add(
        "peak RSS MiB: cold cycle / both",
        lambda f: "{:,.0f} / {:,.0f}".format(
            f["memory"]["peak_rss_after_cold_mib"], f["memory"]["peak_rss_mib"]
        ),
    )
    add("Google: unchanged sheet", lambda f: _rwc(_cycle(f, "unchanged sheet")))
    add("Google: one edited cell (note)", lambda f: _rwc(_cycle(f, "one edited cell (a call")))
    add("Google: one edited cell (stage)", lambda f: _rwc(_cycle(f, "one edited cell (a deal")))
    add("Google: 1% rows edited", lambda f: _rwc(_cycle(f, "1% of rows edited")))
    add("  1%: cells that actually changed", lambda f: f"{_cycle(f, '1% of rows edited')['cells_changed']:,}")
    add(
        "  1%: largest request MB / >2MB",
        lambda f: "{:.2f} / {}".format(
            _cycle(f, "1% of rows edited")["max_request_bytes"] / 1e6,
            _cycle(f, "1% of rows edited")["requests_over_2mb"],
        ),
    )
    add(
        "  1%: cycle s (client / HTTP+emulator)",
        lambda f: "{} ({} / {})".format(
            *(_cycle(f, "1% of rows edited")[k] for k in ("seconds", "client_seconds", "http_seconds"))
        ),
    )
    add("Google: first cycle on seed", lambda f: _rwc(_cycle(f, "settle 1")))
    add(
        "obvious gspread script (1% rows)",
        lambda f: "{}req {:,}c {}s{}".format(
            f["google"]["obvious_script"]["requests"],
            f["google"]["obvious_script"]["cells_written"],
            f["google"]["obvious_script"]["seconds"],
            " (extrap.)" if f["google"]["obvious_script"]["extrapolated"] else "",
        ),
    )
    add(
        "full rewrite (1% rows)",
        lambda f: "{}req {:,}c {}s".format(
            f["google"]["full_rewrite"]["requests"],
            f["google"]["full_rewrite"]["cells_written"],
            f["google"]["full_rewrite"]["seconds"],
        ),
    )
    add(
        "requests: obvious / ours (1% rows)",
        lambda f: "{:.0f}x".format(
            f["google"]["obvious_script"]["requests"]
            / (_cycle(f, "1% of rows edited")["reads"] + _cycle(f, "1% of rows edited")["writes"])
        ),
    )
    for case in XLSX_CASES:
        add(f"xlsx: {case} s (x calamine)", lambda f, c=case: _xlsx_time(f["xlsx"][c]))
        add(f"  {case}: peak RSS MiB (x calamine)", lambda f, c=case: _xlsx_rss(f["xlsx"][c]))
        add(f"  {case}: load/compute/save %", lambda f, c=case: _xlsx_shares(f["xlsx"][c]))
    add("xlsx: calamine read s (typed / synced)", lambda f: _calamine(f["xlsx"]))
    width = max(len(name) for name, _ in rows)
    col = [max(len(s), *(len(r[1][i]) for r in rows)) for i, s in enumerate(sizes)]
    lines = [" | ".join([" " * width, *(s.rjust(col[i]) for i, s in enumerate(sizes))])]
    lines.append("-" * len(lines[0]))
    for name, cells in rows:
        lines.append(" | ".join([name.ljust(width), *(c.rjust(col[i]) for i, c in enumerate(cells))]))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "nproc": os.cpu_count(),
        "mem_gib": round(int(mem) / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "platform": sys.platform,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="S,M", help="comma-separated: tiny,S,M,L,XL (default S,M)")
    parser.add_argument(
        "--json", type=Path, help="write the figures here (default benchmarks/results/<time>.json)"
    )
    parser.add_argument(
        "--no-obvious", action="store_true", help="skip the gspread baselines (run at S only)"
    )
    parser.add_argument("--keep", type=Path, help="keep each size's recorded payloads in this folder")
    parser.add_argument("--replay", type=Path, help="only the memory worker, on payloads kept by --keep")
    parser.add_argument(
        "--only", choices=STORES, help="run only the Google rows (emulator + replay) or only the xlsx rows"
    )
    parser.add_argument(
        "--xlsx-large",
        action="store_true",
        help="also run the xlsx rows at L and XL (long: minutes per case)",
    )
    parser.add_argument("--worker", choices=("google", "memory"), help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--obvious", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--diff", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.worker == "google":
            figures = google_worker(args.size, args.work, args.obvious, args.diff)
        else:
            figures = memory_worker(args.size, args.work)
        (args.work / f"{args.worker}.json").write_text(json.dumps(figures, indent=1, default=str))
        return 0
    from benchmarks.generate import SIZES

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    results = {}
    for size in sizes:
        print(f"[{size}] running...", file=sys.stderr, flush=True)
        obvious = size in ("S", "tiny") and not args.no_obvious
        if args.replay:
            results[size] = replay_size(size, args.replay)
        else:
            stores = tuple(s for s in STORES if args.only in (None, s))
            if size not in XLSX_SIZES and not args.xlsx_large:
                stores = tuple(s for s in stores if s != "xlsx")
            results[size] = run_size(size, obvious, SIZES[size] <= 2_000_000, args.keep, stores)
        print(f"[{size}] done", file=sys.stderr, flush=True)
    text = table(results)
    print(text)
    out = args.json or RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine(), "table": text, "sizes": results}, indent=1, default=str))
    print(f"figures: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
